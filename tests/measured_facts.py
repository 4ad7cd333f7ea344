"""Measurements of an extracted record as plain tuples, for the extraction tests.

``facts`` gives (measure, eye, value) and ``timed`` adds the time, each value
written as a reader would check it: the acuity as given, a quantity with its
unit, a grade, or the status / change word.
"""

from __future__ import annotations

from typing import Any

from caserecord import extract

Fact = tuple[str, str | None, str]
TimedFact = tuple[str, str | None, str, str]


def value_of(m: Any) -> str:
    if m.kind == "visual_acuity" and m.acuity is not None:
        return str(m.acuity)
    quantity = m.measured_quantity()
    if quantity is not None:
        return f"{quantity.value:g} {quantity.unit}"
    if getattr(m, "grade", None):
        return str(m.grade)
    word = m.status or m.change
    return word.value if word else ""


def when_of(m: Any) -> str:
    """ "3 month", a phase ("baseline"), or "?" when the time says neither."""
    t = m.time
    if t is None:
        return "?"
    if t.value is None and t.phase is not None:
        return str(t.phase.value)
    return f"{t.value:g} {t.unit.value}" if t.value is not None and t.unit else "?"


def facts(text: str) -> set[Fact]:
    record = extract(text)
    return {(m.measure, m.eye.value if m.eye else None, value_of(m)) for m in record.measurements}


def timed(text: str) -> set[TimedFact]:
    record = extract(text)
    return {
        (m.measure, m.eye.value if m.eye else None, value_of(m), when_of(m))
        for m in record.measurements
    }
