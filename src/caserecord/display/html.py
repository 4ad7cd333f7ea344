"""Escaped HTML for notebooks, with a plain-text fallback.

Every value goes through :func:`html.escape`: narratives come from
anywhere, and a record must never inject markup into a notebook.  The CSS is
package data (``static/record.css``), read once.  The ``<pre>`` fallback
inside ``<noscript>``-free ``<details>`` keeps the plain rendering for
front ends that strip styles.
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources
from typing import TYPE_CHECKING

from caserecord.display.console import acuity_cells
from caserecord.outcomes.measurements import VisualAcuityMeasurement

if TYPE_CHECKING:
    from caserecord.record import CaseRecord

__all__ = ["record_html"]


@cache
def _css() -> str:
    return (resources.files("caserecord.display") / "static" / "record.css").read_text("utf-8")


def _plain(record: CaseRecord) -> str:
    import io

    from rich.console import Console

    console = Console(
        width=100, record=True, file=io.StringIO(), color_system=None, force_jupyter=False
    )
    console.print(record)
    return console.export_text()


def record_html(record: CaseRecord) -> str:
    e = escape
    rows: list[tuple[str, str]] = [("Patient", str(record.patient))]
    rows += [("Diagnosis", str(c)) for c in record.conditions]
    rows += [("Tried before", str(t)) for t in record.prior_treatments]
    rows += [("Intervention", str(i)) for i in record.interventions]
    rows += [("Adverse event", str(a)) for a in record.adverse_events]
    rows += [("Absent", a.description) for a in record.absent_findings]
    if record.anchor_date is not None:
        rows.append(("Day 0", str(record.anchor_date)))
    parts = [
        f"<style>{_css()}</style>",
        '<div class="caserecord">',
        f"<h4>{e('Case record ' + record.id if record.id else 'Case record')}</h4>",
        "<dl>",
    ]
    parts += [f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows]
    parts.append("</dl>")
    if record.measurements:
        parts.append(
            "<table><thead><tr><th>time</th><th>eye</th><th>measure</th><th>value</th>"
            "<th>logMAR</th><th>Snellen</th><th>evidence</th></tr></thead><tbody>"
        )
        for m in record.timeline():
            logmar, snellen = acuity_cells(
                m.acuity if isinstance(m, VisualAcuityMeasurement) else None
            )
            quote = m.value_evidence()
            parts.append(
                f"<tr><td>{e(str(m.time))}</td><td>{e(m.eye.eye_abbreviation if m.eye else '')}"
                f"</td><td>{e(m.measure.replace('_', ' '))}"
                f"{e(' (' + m.subject + ')') if m.subject else ''}</td>"
                f'<td>{e(m.value_text())}</td><td class="num">{e(logmar)}</td>'
                f'<td class="num">{e(snellen)}</td>'
                f'<td class="quote">{e(quote.quote) if quote else ""}</td></tr>'
            )
        parts.append("</tbody></table>")
    if record.report is not None and record.report.notes:
        parts.append(
            f'<p class="note">{e(str(len(record.report.notes)))} extraction report note(s)</p>'
        )
    parts.append(
        f"<details><summary>plain text</summary><pre>{e(_plain(record))}</pre></details></div>"
    )
    return "".join(parts)
