"""Visual-acuity trajectories: logMAR over the case timeline, better vision up.

One line per case and eye, x in days from day 0 (the first intervention),
y on the logMAR scale inverted so that better vision is higher, as in
published acuity plots.  The chart ends at logMAR 1.7 (ETDRS letter score
0; Beck et al., Am J Ophthalmol 2003); below it a grey band holds the
off-chart levels CF, HM, LP and NLP, drawn at their substitute logMAR
(Schulze-Bonsel et al., IOVS 2006; Lange et al., Graefes Arch 2009; see
:mod:`caserecord.outcomes.acuity`) and labelled by name on the axis.  The
right axis gives the Snellen (20 ft) equivalents.

Times are placed as in :mod:`caserecord.tables`: ``baseline`` without a
count sits at day 0, drawn with an open marker (it is the assessment just
before treatment); values whose time has no day on the timeline (discharge
or follow-up without a count, another anchor) are left out and counted
under the x axis.

matplotlib is an optional extra (``caserecord[plot]``).  Without an ``ax``
the plot is drawn on a new :class:`matplotlib.figure.Figure` that pyplot
does not know about: nothing global changes, nothing is shown, hundreds of
plots in a loop leak nothing, and it renders headless (Agg) with
``ax.figure.savefig(...)``.  To draw into a pyplot figure instead -- which
is how the plot shows inline in Jupyter -- pass ``ax=plt.gca()``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from caserecord.errors import MissingExtraError
from caserecord.outcomes.acuity import QualitativeAcuity, VisualAcuity
from caserecord.tables import EYE_ORDER, AcuityPoint, _as_records, acuity_points
from caserecord.timeline import DAYS_PER_MONTH, Phase
from caserecord.vocabulary import Laterality

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from caserecord.record import CaseRecord

__all__ = ["plot_acuity"]

# The last line of an ETDRS chart: 0 letters is logMAR 1.7 (Beck et al. 2003).
CHART_WORST_LOGMAR = 1.7
# Right-axis Snellen lines at 20 ft and their logMAR (Holladay 2004).
SNELLEN_TICKS = ("20/20", "20/40", "20/63", "20/100", "20/200", "20/400", "20/800")
# More lines than this and a legend hides the data instead of naming it.
MAX_LEGEND_ENTRIES = 12
# Beyond two months of follow-up, whole months read better than day counts.
MONTH_TICKS_AFTER_DAYS = 60.0
_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60)
_MAX_X_TICKS = 10

_OFF_CHART_COLOUR = "0.93"
_GUIDE_COLOUR = "0.55"


def _matplotlib() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError("plot", "caserecord.plot_acuity (acuity plots)") from None
    return Figure


def _wanted_eyes(eyes: Iterable[Laterality | str] | Laterality | str | None) -> set[Laterality]:
    if eyes is None:
        return set(Laterality)
    if isinstance(eyes, str):  # one eye ("OD") rather than letters to iterate over
        eyes = [eyes]
    return {eye if isinstance(eye, Laterality) else Laterality.parse(eye) for eye in eyes}


def _line_label(record: CaseRecord, number: int, eye: Laterality | None, one_case: bool) -> str:
    side = eye.eye_abbreviation if eye is not None else "eye not stated"
    if one_case:
        return side
    return f"{record.id or f'case {number}'} {side}"


def _style_y_axis(
    ax: Axes, values: list[float], substitutes: Mapping[QualitativeAcuity | str, float] | None
) -> None:
    levels = {
        level.value: VisualAcuity.qualitative(level).as_logmar(substitutes=substitutes)
        for level in QualitativeAcuity
    }
    worst_level = max(levels.values())
    off_chart = (CHART_WORST_LOGMAR + min(levels.values())) / 2
    best = min([-0.1, *[v - 0.1 for v in values]])
    worst = max([worst_level + 0.15, *[v + 0.1 for v in values]])

    # Chart lines every 0.2 logMAR, stopping short of the off-chart labels.
    chart_ticks = [
        round(0.2 * step, 1)
        for step in range(math.ceil(best / 0.2), math.floor(CHART_WORST_LOGMAR / 0.2) + 1)
        if 0.2 * step < off_chart
    ]
    ax.set_yticks(
        [*chart_ticks, *levels.values()],
        [f"{tick:.1f}" for tick in chart_ticks] + list(levels),
    )
    ax.axhspan(off_chart, worst, color=_OFF_CHART_COLOUR, zorder=0, linewidth=0)
    ax.set_ylim(worst, best)  # inverted: better vision (lower logMAR) is up
    ax.set_ylabel("visual acuity (logMAR)")
    ax.grid(axis="y", color="0.88", linewidth=0.6)

    snellen = ax.secondary_yaxis("right")
    snellen_ticks = [VisualAcuity.parse(text).as_logmar() for text in SNELLEN_TICKS]
    snellen.set_yticks(snellen_ticks, list(SNELLEN_TICKS))
    snellen.set_ylabel("Snellen (20 ft)")


def _style_x_axis(ax: Axes, days: list[float], left_out: int) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

    span = max(days) - min(days) if days else 0.0
    if span > MONTH_TICKS_AFTER_DAYS:
        step = next(
            (s for s in _MONTH_STEPS if span / (s * DAYS_PER_MONTH) <= _MAX_X_TICKS),
            _MONTH_STEPS[-1],
        )
        ax.xaxis.set_major_locator(MultipleLocator(step * DAYS_PER_MONTH))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{round(x / DAYS_PER_MONTH):d}"))
        label = "months from day 0 (first intervention)"
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        label = "days from day 0 (first intervention)"
    if left_out:
        values = "value" if left_out == 1 else "values"
        label += f"\n({left_out} acuity {values} with no day on the timeline not shown)"
    ax.set_xlabel(label)
    ax.axvline(0.0, color=_GUIDE_COLOUR, linestyle=":", linewidth=1, zorder=1)


def plot_acuity(
    records: CaseRecord | Iterable[CaseRecord],
    *,
    ax: Axes | None = None,
    eyes: Iterable[Laterality | str] | Laterality | str | None = None,
    title: str | None = None,
    substitutes: Mapping[QualitativeAcuity | str, float] | None = None,
) -> Axes:
    """Plot visual acuity over time, one line per case and eye; return the Axes.

    - ``records``: one record or many (a cohort overlays on one plot).
    - ``ax``: draw here; default a new standalone Figure (see the module
      docstring for showing or saving it).
    - ``eyes``: only these eyes (``"OD"``, ``["right", "left"]``); values
      with no eye stated are then left out.
    - ``title``: default "Visual acuity" (with the case id for one case);
      ``""`` for none.
    - ``substitutes``: logMAR for CF/HM/LP/NLP, over the defaults, as in
      :meth:`VisualAcuity.as_logmar`; the axis labels move with them.

    Needs ``caserecord[plot]``.
    """
    figure_class = _matplotlib()
    from matplotlib.lines import Line2D

    cases = _as_records(records)
    wanted = _wanted_eyes(eyes)
    if ax is None:
        ax = figure_class(figsize=(8, 5), layout="constrained").add_subplot()
        assert ax is not None

    one_case = len(cases) == 1
    # Each line: its label and its (day, point) pairs, in time order.
    lines: list[tuple[str, list[tuple[float, AcuityPoint]]]] = []
    left_out = 0
    for number, record in enumerate(cases, start=1):
        by_eye: dict[Laterality | None, list[tuple[float, AcuityPoint]]] = {}
        for point in acuity_points(record, substitutes=substitutes):
            eye = point.measurement.eye
            if eyes is not None and (eye is None or eye not in wanted):
                continue
            if point.days is None:
                left_out += 1
                continue
            by_eye.setdefault(eye, []).append((point.days, point))
        for eye in sorted(by_eye, key=EYE_ORDER.__getitem__):
            lines.append((_line_label(record, number, eye, one_case), by_eye[eye]))

    crowded = len(lines) > MAX_LEGEND_ENTRIES
    any_baseline = False
    for label, points in lines:
        (line,) = ax.plot(
            [day for day, _ in points],
            [p.logmar for _, p in points],
            marker="o",
            markersize=4 if crowded else 6,
            linewidth=1 if crowded else 1.8,
            alpha=0.6 if crowded else 1.0,
            label=label,
            zorder=3,
        )
        baseline = [(d, p) for d, p in points if p.measurement.time.phase is Phase.BASELINE]
        if baseline:
            any_baseline = True
            ax.plot(
                [day for day, _ in baseline],
                [p.logmar for _, p in baseline],
                linestyle="none",
                marker="o",
                markersize=line.get_markersize(),
                markerfacecolor="white",
                color=line.get_color(),  # a colour given keeps the line colour cycle
                zorder=4,
            )

    plotted = [pair for _, points in lines for pair in points]
    _style_y_axis(ax, [p.logmar for _, p in plotted], substitutes)
    _style_x_axis(ax, [day for day, _ in plotted], left_out)

    if not plotted:
        ax.text(
            0.5,
            0.5,
            "no visual acuity values to plot",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=_GUIDE_COLOUR,
        )
    elif not crowded:
        handles, labels = ax.get_legend_handles_labels()
        if any_baseline:
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="o",
                    markerfacecolor="white",
                    markeredgecolor="0.3",
                )
            )
            labels.append("baseline (before treatment)")
        ax.legend(handles, labels, loc="best", fontsize="small", framealpha=0.9)

    if title is None:
        title = "Visual acuity"
        if one_case and cases[0].id:
            title += f" \N{EM DASH} {cases[0].id}"
    if title:
        ax.set_title(title)
    return ax
