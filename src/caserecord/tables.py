"""Case records as tables: one row per measurement, or one row per case.

The tidy long table (:func:`to_frame`) follows Wickham's tidy-data layout
(J Stat Softw 2014;59(10)): one row per measurement, one column per
variable, so a pile of records filters, groups and pivots with ordinary
pandas.  :func:`cases_frame` condenses each case to one row for a cohort
overview: demographics, diagnosis, treatment, and the study eye's acuity
before and after treatment on the logMAR scale.

Times
    ``time`` is the record's own text (``"by month 6"``, ``"baseline"``);
    ``time_days`` is days from day 0, the first intervention, for plotting
    and arithmetic (months and years as Julian means, see
    :mod:`caserecord.timeline`).  ``baseline`` without a count is the
    assessment just before treatment and is ``0.0``, told apart from a
    day-0 measurement by ``phase``.  A time with a calendar date but no
    count is placed through the record's ``anchor_date``.  A time that
    cannot be placed -- ``discharge`` or ``follow-up`` without a count or a
    date, a date with no anchor date, an offset from another anchor (onset,
    admission) -- is NaN; its ``time`` text still says when it was.

pandas is an optional extra (``caserecord[pandas]``) and is imported when a
table is built, never when caserecord is imported.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from caserecord.errors import MissingExtraError, TimelineError
from caserecord.outcomes.acuity import QualitativeAcuity, VisualAcuity
from caserecord.outcomes.measurements import (
    ERGMeasurement,
    Finding,
    IntraocularPressure,
    Measurement,
    OCTMeasurement,
    VEPMeasurement,
    VisualAcuityMeasurement,
    VisualFieldMeasurement,
)
from caserecord.quantity import Quantity
from caserecord.timeline import Anchor, CaseTime, PartialDate, Phase
from caserecord.vocabulary import Laterality

if TYPE_CHECKING:
    import pandas as pd

    from caserecord.record import CaseRecord

__all__ = [
    "CASE_COLUMNS",
    "EYE_ORDER",
    "MEASUREMENT_COLUMNS",
    "AcuityPoint",
    "acuity_points",
    "cases_frame",
    "time_in_days",
    "to_frame",
]

#: Columns of :func:`to_frame`, in order.
MEASUREMENT_COLUMNS: tuple[str, ...] = (
    "case_id",
    "time",
    "time_days",
    "phase",
    "measure",
    "kind",
    "eye",
    "subject",
    "value",
    "notation",
    "logmar",
    "number",
    "unit",
    "status",
    "change",
    "evidence",
)

#: Columns of :func:`cases_frame`, in order.
CASE_COLUMNS: tuple[str, ...] = (
    "case_id",
    "sex",
    "age_years",
    "occupation",
    "diagnosis",
    "laterality",
    "intervention",
    "intervention_kind",
    "cell_type",
    "route",
    "acuity_eye",
    "baseline_acuity",
    "baseline_logmar",
    "last_acuity",
    "last_time",
    "last_logmar",
    "logmar_change",
    "n_measurements",
    "n_adverse_events",
)

#: The order a clinic writes eyes in: OD, OS, OU, then unstated.
EYE_ORDER: dict[Laterality | None, int] = {
    Laterality.RIGHT: 0,
    Laterality.LEFT: 1,
    Laterality.BOTH: 2,
    None: 3,
}

# Evidence keys that say where or when, not what was measured: the quote of
# a row is the value's own span when there is one.
_CONTEXT_FIELDS = frozenset({"eye", "time", "subject"})


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise MissingExtraError("pandas", "caserecord.tables (DataFrames of records)") from None
    return pandas


# -- placing times ---------------------------------------------------------------------


def time_in_days(time: CaseTime, *, anchor_date: PartialDate | None = None) -> float | None:
    """Days from day 0 (the first intervention), or None when the time cannot be placed.

    ``baseline`` without a count is 0.0, the assessment just before
    treatment; another time without a count but with a calendar date is
    placed through ``anchor_date`` (the record's calendar date of day 0).
    Discharge and follow-up with neither, a date without the anchor date,
    and offsets from other anchors have no day: None.
    """
    if time.anchor is not Anchor.FIRST_INTERVENTION:
        return None
    days = time.approx_days
    if days is not None:
        return days + 0.0  # -0.0 (from "day -0") would print as a negative day
    if time.phase is Phase.BASELINE:
        return 0.0
    if time.date is not None and anchor_date is not None:
        try:
            return CaseTime.from_dates(time.date, anchor_date).approx_days
        except TimelineError:
            return None
    return None


def _order(time: CaseTime, days: float | None) -> tuple[float, int] | None:
    """Story order of a time on the day-0 timeline, or None when it has no place there."""
    if time.anchor is not Anchor.FIRST_INTERVENTION:
        return None
    if time.value is None and time.date is not None and time.phase is not Phase.BASELINE:
        if days is not None:  # placed through the anchor date
            return (days, 1)
        if time.phase is None:  # known by date only, and the anchor date is not
            return None
    return time.sort_key()


def _story_key(time: CaseTime, days: float | None) -> tuple[bool, tuple[float, int]]:
    """Sort key: times on the day-0 timeline in story order, then the rest as
    :meth:`CaseTime.sort_key` puts them."""
    order = _order(time, days)
    return (False, order) if order is not None else (True, time.sort_key())


def _is_pre_treatment(time: CaseTime, days: float | None) -> bool:
    return time.phase is Phase.BASELINE or (days is not None and days < 0)


# -- one row per measurement -------------------------------------------------------------


def _quantity(m: Measurement) -> Quantity | None:
    """The one number a row can carry; VEP gives its P100 latency before amplitude."""
    match m:
        case VEPMeasurement():
            return m.p100_latency or m.amplitude
        case ERGMeasurement():
            return m.amplitude
        case OCTMeasurement():
            return m.thickness
        case VisualFieldMeasurement():
            return m.mean_deviation
        case IntraocularPressure():
            return m.pressure
        case Finding():
            return m.quantity
    return None


def _quote(m: Measurement) -> str | None:
    spans = m.spans()
    value_spans = [e for key, e in m.evidence.items() if key not in _CONTEXT_FIELDS]
    chosen = min(value_spans, key=lambda e: (e.start, e.end)) if value_spans else None
    if chosen is None and spans:
        chosen = spans[0]
    return chosen.quote if chosen is not None else None


def _logmar(
    acuity: VisualAcuity | None, substitutes: Mapping[QualitativeAcuity | str, float] | None
) -> float:
    return math.nan if acuity is None else acuity.as_logmar(substitutes=substitutes)


def _as_records(records: CaseRecord | Iterable[CaseRecord]) -> list[CaseRecord]:
    from caserecord.record import CaseRecord

    # A model iterates over its (field, value) pairs: one record must not be
    # read as a collection of them.
    return [records] if isinstance(records, CaseRecord) else list(records)


def to_frame(
    records: CaseRecord | Iterable[CaseRecord],
    *,
    substitutes: Mapping[QualitativeAcuity | str, float] | None = None,
) -> pd.DataFrame:
    """A tidy table of every measurement of the records: one row per measurement.

    ``records`` is one record or many.  Rows follow the records in the order
    given, each record's measurements in time order.  Columns
    (:data:`MEASUREMENT_COLUMNS`):

    - ``case_id``, ``time`` (the record's text), ``time_days`` (days from day
      0, NaN when it cannot be placed; see the module docstring), ``phase``
      (``baseline``, ``discharge``, ``follow_up`` or None);
    - ``measure`` (``visual_acuity``, ``vep``, ``walking``...), ``kind`` (the
      model), ``eye`` (``right``, ``left``, ``both``), ``subject``;
    - ``value``: as the source wrote it (``"20/200"``, ``"HM 30 cm"``,
      ``"RNFL 72 um"``, ``"improved"``);
    - acuity only: ``notation`` and ``logmar`` (CF/HM/LP/NLP as their
      substitute logMAR; ``substitutes`` overrides them as in
      :meth:`VisualAcuity.as_logmar`);
    - ``number`` and ``unit``: the measured quantity (a VEP with latency and
      amplitude gives its P100 latency; ``value`` has both);
    - ``status``, ``change`` (the direction: ``improved``, ``worsened``,
      ``unchanged``), ``evidence`` (the quote the value was read from).

    Needs ``caserecord[pandas]``.
    """
    pandas = _pandas()
    columns: dict[str, list[Any]] = {name: [] for name in MEASUREMENT_COLUMNS}
    for record in _as_records(records):
        placed = [
            (m, time_in_days(m.time, anchor_date=record.anchor_date)) for m in record.measurements
        ]
        placed.sort(key=lambda pair: _story_key(pair[0].time, pair[1]))
        for m, days in placed:
            acuity = m.acuity if isinstance(m, VisualAcuityMeasurement) else None
            quantity = _quantity(m)
            row = (
                record.id,
                str(m.time),
                math.nan if days is None else days,
                m.time.phase.value if m.time.phase is not None else None,
                m.measure,
                m.kind,
                m.eye.value if m.eye is not None else None,
                m.subject,
                m.value_text(),
                acuity.notation.value if acuity is not None else None,
                _logmar(acuity, substitutes),
                quantity.value if quantity is not None else math.nan,
                quantity.unit if quantity is not None else None,
                m.status.value if m.status is not None else None,
                m.change.value if m.change is not None else None,
                _quote(m),
            )
            for column, cell in zip(columns.values(), row, strict=True):
                column.append(cell)
    frame: pd.DataFrame = pandas.DataFrame(columns, columns=list(MEASUREMENT_COLUMNS))
    for name in ("time_days", "logmar", "number"):
        frame[name] = frame[name].astype("float64")  # all-NaN lists would stay object
    return frame


# -- acuity series (shared with caserecord.plot) ------------------------------------------


class AcuityPoint(NamedTuple):
    """One acuity measurement with its logMAR and its place on the day-0 timeline."""

    measurement: VisualAcuityMeasurement
    logmar: float
    days: float | None
    order: tuple[float, int] | None


def acuity_points(
    record: CaseRecord,
    *,
    substitutes: Mapping[QualitativeAcuity | str, float] | None = None,
) -> list[AcuityPoint]:
    """The record's distance acuity values (not words like "improved"), in time order.

    Values whose time has no place on the day-0 timeline (``order`` None)
    come last, as :meth:`CaseTime.sort_key` orders them.
    """
    points: list[AcuityPoint] = []
    for m in record.measurements:
        # Near acuity is another test; mixing it into a distance trajectory misleads.
        if not isinstance(m, VisualAcuityMeasurement) or m.acuity is None or m.near:
            continue
        days = time_in_days(m.time, anchor_date=record.anchor_date)
        logmar = m.acuity.as_logmar(substitutes=substitutes)
        points.append(AcuityPoint(m, logmar, days, _order(m.time, days)))
    return sorted(points, key=lambda p: _story_key(p.measurement.time, p.days))


# -- one row per case ------------------------------------------------------------------------


class _AcuitySummary(NamedTuple):
    eye: Laterality | None
    baseline: AcuityPoint | None
    last: AcuityPoint | None


def _summarise_acuity(
    record: CaseRecord, substitutes: Mapping[QualitativeAcuity | str, float] | None
) -> _AcuitySummary:
    """Baseline and last acuity of the study eye (the rules are in cases_frame)."""
    side = record.laterality
    one_sided = side in (Laterality.RIGHT, Laterality.LEFT)
    by_eye: dict[Laterality | None, list[AcuityPoint]] = {}
    for point in acuity_points(record, substitutes=substitutes):
        if point.order is None:
            continue
        eye = point.measurement.eye
        if one_sided and eye is None:
            eye = side
        by_eye.setdefault(eye, []).append(point)

    summaries: list[_AcuitySummary] = []
    for eye, points in by_eye.items():
        before = [p for p in points if _is_pre_treatment(p.measurement.time, p.days)]
        after = [p for p in points if not _is_pre_treatment(p.measurement.time, p.days)]
        summaries.append(
            _AcuitySummary(eye, before[-1] if before else None, after[-1] if after else None)
        )
    if not summaries:
        return _AcuitySummary(None, None, None)

    def preference(summary: _AcuitySummary) -> tuple[bool, bool, int]:
        return (
            not (one_sided and summary.eye is side),
            summary.baseline is None or summary.last is None,
            EYE_ORDER[summary.eye],
        )

    return min(summaries, key=preference)


def _text(point: AcuityPoint | None) -> str | None:
    return None if point is None else point.measurement.value_text()


def cases_frame(
    records: CaseRecord | Iterable[CaseRecord],
    *,
    substitutes: Mapping[QualitativeAcuity | str, float] | None = None,
) -> pd.DataFrame:
    """One row per case: who, what they had, what was done, and how acuity changed.

    ``records`` is one record or many.  Columns (:data:`CASE_COLUMNS`):

    - ``case_id``, ``sex``, ``age_years``, ``occupation``;
    - ``diagnosis``: the first condition; ``laterality``: the conditions'
      common side (``both`` when they differ);
    - ``intervention``, ``intervention_kind``, ``cell_type``, ``route``: the
      earliest intervention;
    - ``acuity_eye``: the study eye -- the conditions' side in a one-sided
      story (values with no eye count for it), else the first of right,
      left, both, unstated with values both before and after treatment;
    - ``baseline_acuity`` and ``baseline_logmar``: its latest acuity before
      treatment (``baseline`` or a negative offset), as written and in
      logMAR; ``last_acuity``, ``last_time``, ``last_logmar``: its latest
      acuity after day 0 (``follow-up`` without a count is the latest);
    - ``logmar_change`` = last - baseline, so **negative is better vision**
      (-0.3 is three chart lines gained);
    - ``n_measurements``, ``n_adverse_events``.

    CF/HM/LP/NLP count at their substitute logMAR (``substitutes`` as in
    :meth:`VisualAcuity.as_logmar`); near acuity is left out.

    Needs ``caserecord[pandas]``.
    """
    pandas = _pandas()
    columns: dict[str, list[Any]] = {name: [] for name in CASE_COLUMNS}
    for record in _as_records(records):
        patient = record.patient
        condition = record.conditions[0] if record.conditions else None
        intervention = min(
            record.interventions,
            key=lambda i: i.time.sort_key() if i.time is not None else (math.inf, math.inf),
            default=None,
        )
        summary = _summarise_acuity(record, substitutes)
        baseline = summary.baseline.logmar if summary.baseline is not None else math.nan
        last = summary.last.logmar if summary.last is not None else math.nan
        laterality = record.laterality
        row = (
            record.id,
            patient.sex.value if patient.sex is not None else None,
            patient.age.years if patient.age is not None else math.nan,
            patient.occupation,
            condition.name if condition is not None else None,
            laterality.value if laterality is not None else None,
            intervention.name if intervention is not None else None,
            intervention.kind.value if intervention is not None else None,
            intervention.cell_type if intervention is not None else None,
            intervention.route if intervention is not None else None,
            summary.eye.value if summary.eye is not None else None,
            _text(summary.baseline),
            baseline,
            _text(summary.last),
            str(summary.last.measurement.time) if summary.last is not None else None,
            last,
            _clean_difference(last, baseline),
            len(record.measurements),
            len(record.adverse_events),
        )
        for column, cell in zip(columns.values(), row, strict=True):
            column.append(cell)
    frame: pd.DataFrame = pandas.DataFrame(columns, columns=list(CASE_COLUMNS))
    for name in ("age_years", "baseline_logmar", "last_logmar", "logmar_change"):
        frame[name] = frame[name].astype("float64")
    for name in ("n_measurements", "n_adverse_events"):
        frame[name] = frame[name].astype("int64")
    return frame


def _clean_difference(last: float, baseline: float) -> float:
    # Round away float noise (0.9 - 1.0 = -0.09999999999999998): logMAR is
    # read to hundredths, a letter is 0.02.
    return round(last - baseline, 10) + 0.0
