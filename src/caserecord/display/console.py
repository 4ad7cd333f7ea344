"""Rich renderables for a case record: summary, timeline table, evidence view.

``rich.print(record)`` goes through :meth:`CaseRecord.__rich_console__`,
which calls :func:`render_record`; rich is imported here, at call time, not
when the models are defined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from caserecord.outcomes.acuity import VisualAcuity
from caserecord.outcomes.measurements import VisualAcuityMeasurement

if TYPE_CHECKING:
    from rich.console import RenderableType

    from caserecord.record import CaseRecord

__all__ = ["render_evidence", "render_record", "render_timeline"]

# One colour per kind of value, shared by the summary and the evidence view.
STYLES = {
    "patient": "bold cyan",
    "conditions": "bold magenta",
    "prior_treatments": "yellow",
    "interventions": "bold green",
    "adverse_events": "bold red",
    "absent_findings": "dim red",
    "measurements": "bold blue",
}


def _heading(label: str, style: str) -> Text:
    return Text(label, style=style)


def _lines(label: str, items: list[str], style: str) -> RenderableType | None:
    if not items:
        return None
    text = Text()
    text.append(f"{label}\n", style=style)
    for item in items:
        text.append(f"  • {item}\n")
    text.rstrip()
    return text


def acuity_cells(acuity: VisualAcuity | None) -> tuple[str, str]:
    """logMAR and Snellen (feet) beside an acuity, or blanks."""
    if acuity is None:
        return "", ""
    try:
        # A qualitative level has a logMAR substitute for plotting and arithmetic,
        # but a Snellen fraction for it would claim a measurement nobody made.
        snellen = "" if acuity.is_qualitative else acuity.as_snellen("ft")
        return f"{acuity.as_logmar():.2f}", snellen
    except ValueError:
        return "", ""


#: Below this console width the evidence column would wrap letter by letter; the
#: evidence view (``record.evidence_view()``) shows the same spans in context.
EVIDENCE_MIN_WIDTH = 110


def render_timeline(record: CaseRecord, width: int = EVIDENCE_MIN_WIDTH) -> Table:
    """Measurements in time order; acuity in its source notation with logMAR and Snellen."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    measurements = record.timeline()
    with_evidence = width >= EVIDENCE_MIN_WIDTH and any(m.evidence for m in measurements)
    columns = ["time", "eye", "measure", "value", "logMAR", "Snellen"]
    for column in [*columns, "evidence"] if with_evidence else columns:
        table.add_column(
            column,
            justify="right" if column in ("logMAR", "Snellen") else "left",
            overflow="fold",
            min_width=8 if column == "value" else None,
            no_wrap=column in ("time", "measure", "logMAR", "Snellen"),
        )
    for m in measurements:
        logmar, snellen = acuity_cells(
            m.acuity if isinstance(m, VisualAcuityMeasurement) else None
        )
        subject = f" ({m.subject})" if m.subject else ""
        cells: list[Any] = [
            str(m.time),
            m.eye.eye_abbreviation if m.eye else "",
            m.measure.replace("_", " ") + subject,
            m.value_text(),
            logmar,
            snellen,
        ]
        if with_evidence:
            quote = m.value_evidence()
            cells.append(Text(f"“{quote.quote}”", style="dim italic") if quote else "")
        table.add_row(*cells)
    return table


def render_record(record: CaseRecord, width: int = EVIDENCE_MIN_WIDTH) -> RenderableType:
    """A readable case summary."""
    parts: list[Any] = [Text.assemble(("Patient  ", STYLES["patient"]), str(record.patient))]
    parts.append(_lines("Diagnosis", [str(c) for c in record.conditions], STYLES["conditions"]))
    parts.append(
        _lines(
            "Tried before", [str(t) for t in record.prior_treatments], STYLES["prior_treatments"]
        )
    )
    parts.append(
        _lines("Intervention", [str(i) for i in record.interventions], STYLES["interventions"])
    )
    parts.append(
        _lines("Adverse events", [str(a) for a in record.adverse_events], STYLES["adverse_events"])
    )
    parts.append(
        _lines(
            "Explicitly absent",
            [a.description for a in record.absent_findings],
            STYLES["absent_findings"],
        )
    )
    if record.anchor_date is not None:
        parts.append(Text(f"Day 0 = {record.anchor_date}", style="dim"))
    if record.measurements:
        parts.append(_heading("Timeline", STYLES["measurements"]))
        parts.append(render_timeline(record, width))
    report = record.report
    if report is not None and report.notes:
        counts = ", ".join(
            f"{len(report.of_kind(kind))} {kind.value}"
            for kind in type(report.notes[0].kind)
            if report.of_kind(kind)
        )
        parts.append(Text(f"Extraction report: {counts}", style="dim"))
        for note in report.assumptions + report.warnings:
            parts.append(Text(f"  {note}", style="dim"))
    title = f"Case record {record.id}" if record.id else "Case record"
    return Panel(
        Group(*[p for p in parts if p is not None]),
        title=title,
        title_align="left",
        box=box.ROUNDED,
        expand=False,
    )


def render_evidence(record: CaseRecord) -> RenderableType:
    """The source narrative with every extracted span highlighted by kind of value."""
    if record.source is None:
        return Text("(this record carries no source text)", style="dim")
    text = Text(record.source.text)
    for path, evidence in record.iter_evidence():
        section = path.split("[", 1)[0].split(".", 1)[0]
        text.stylize(STYLES.get(section, "bold"), evidence.start, evidence.end)
    legend = Text("  ".join(f"■ {name.replace('_', ' ')}" for name in STYLES))
    for i, style in enumerate(STYLES.values()):
        start = sum(len(f"■ {n.replace('_', ' ')}") + 2 for n in list(STYLES)[:i])
        legend.stylize(style, start, start + 1)
    return Panel(
        Group(text, Text(), legend),
        title="Where the values came from",
        title_align="left",
        box=box.ROUNDED,
    )
