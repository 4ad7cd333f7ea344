"""Mentions: what the concept extractors found, before validation.

Extractors return these plain dataclasses; ``assemble.py`` turns them into
models.  Keeping the two apart lets a rule find something the models would
refuse (an implausible age, a unit nobody knows) and have the assembler
*report* it instead of the rule crashing or silently dropping it.

Spans are absolute character offsets into the document text.  ``spans``
maps a model field name (``"age"``, ``"cause"``, ``"value"``...) to the
span of the words it was read from; the assembler makes ``Evidence`` of
them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from caserecord.extraction.time import TimeMention

__all__ = [
    "AbsentMention",
    "AdverseMention",
    "ConditionMention",
    "FindingMention",
    "InterventionMention",
    "PatientMention",
    "PriorTreatmentMention",
    "Span",
    "TreatmentMentions",
]

Span = tuple[int, int]


@dataclass
class PatientMention:
    sex: str | None = None  # "male" / "female"
    age_value: float | None = None
    age_unit: str | None = None  # "year", "month", "week", "day"
    occupation: str | None = None
    nationality: str | None = None
    label: str | None = None  # "Mr. Zhang", "Patient I. I."
    spans: dict[str, Span] = field(default_factory=dict)
    others_skipped: list[Span] = field(default_factory=list)  # other patients in the text


@dataclass
class ConditionMention:
    name: str  # short lower-case phrase: "optic nerve injury"
    laterality: str | None = None  # "right", "left", "both"
    cause: str | None = None  # "car accident"
    onset: TimeMention | None = None  # "four months ago", "since birth", "in 2007"
    onset_at_birth: bool = False  # "since birth", "born with": onset = -age
    spans: dict[str, Span] = field(default_factory=dict)  # keys: name, laterality, cause, onset


@dataclass
class InterventionMention:
    name: str  # "mesenchymal stem cell therapy"
    kind: str = "other"  # InterventionKind value
    cell_type: str | None = None
    cell_source: str | None = None
    route: str | None = None
    target_site: str | None = None
    laterality: str | None = None
    sessions: int | None = None
    dose_text: str | None = None  # "40 million cells"
    dose_value: float | None = None  # 4e7
    dose_unit: str | None = None  # "cells", "mg", "cells/kg"
    sentence: int | None = None  # index of the sentence it was found in
    spans: dict[str, Span] = field(default_factory=dict)


@dataclass
class PriorTreatmentMention:
    name: str
    kind: str = "other"
    spans: dict[str, Span] = field(default_factory=dict)


@dataclass
class TreatmentMentions:
    interventions: list[InterventionMention] = field(default_factory=list)
    prior: list[PriorTreatmentMention] = field(default_factory=list)
    day0_sentence: int | None = None  # sentence telling of the first intervention
    day0_date: TimeMention | None = None  # its calendar date, if stated
    now: TimeMention | None = None  # "underwent the surgery three months earlier"


@dataclass
class AdverseMention:
    description: str
    severity: str | None = None
    sentence: int = 0
    position: int = 0  # where to ask TimeContext for its time
    spans: dict[str, Span] = field(default_factory=dict)


@dataclass
class AbsentMention:
    description: str  # "other adverse symptoms", "fever"
    sentence: int = 0
    spans: dict[str, Span] = field(default_factory=dict)


@dataclass
class FindingMention:
    """A dated observation; its time is placed later from ``sentence``/``position``."""

    measure: str  # snake_case: "walking", "vep", "visual_acuity"
    sentence: int
    position: int
    eye: str | None = None
    subject: str | None = None
    status: str | None = None  # normal / abnormal / present / absent
    change: str | None = None  # improved / worsened / unchanged
    value: float | None = None
    unit: str | None = None
    grade: str | None = None
    acuity: str | None = None  # text VisualAcuity.parse reads, e.g. "0.15 decimal"
    acuity_assumed: str | None = None  # why a notation was assumed, for the report
    layer: str | None = None  # OCT layer
    detail: str | None = None
    time_hint: str | None = None  # "baseline" forces the pre-treatment time
    spans: dict[str, Span] = field(default_factory=dict)
