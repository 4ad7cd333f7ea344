"""The case record: one patient's story as validated, time-anchored data.

:class:`CaseRecord` aggregates the patient, diagnoses, treatments, adverse
events and dated measurements, with the invariants that span them:

- a condition's onset lies before day 0 (the first intervention);
- no intervention and no adverse event lies before day 0;
- no measurement is recorded twice;
- every evidence span quotes the source narrative exactly, when the record
  carries its source.

Softer inconsistencies -- a left-eye measurement in a right-eye story --
are warnings from :meth:`CaseRecord.consistency_warnings`, not errors: the
story may be right and the diagnosis incomplete.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from caserecord._base import CaseModel
from caserecord.adverse_event import AbsentFinding, AdverseEvent
from caserecord.diagnosis import Condition
from caserecord.intervention import Intervention, PriorTreatment
from caserecord.outcomes.measurements import Measurement
from caserecord.patient import Patient
from caserecord.provenance import Evidence, Evidenced
from caserecord.report import ExtractionReport
from caserecord.timeline import Anchor, CaseTime, PartialDate
from caserecord.vocabulary import Laterality

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

__all__ = ["CaseRecord", "Narrative"]


class Narrative(CaseModel):
    """The source text a record was extracted from."""

    text: str
    title: str | None = None

    model_config = CaseModel.model_config | {"str_strip_whitespace": False}


# The list fields of a record whose items carry evidence, in record order.
_EVIDENCED_LISTS = (
    "conditions",
    "prior_treatments",
    "interventions",
    "adverse_events",
    "measurements",
    "absent_findings",
)


def _before_day0(time: CaseTime | None) -> bool:
    if time is None or time.anchor is not Anchor.FIRST_INTERVENTION:
        return False
    return time.value is not None and time.approx_days is not None and time.approx_days < 0


class CaseRecord(CaseModel):
    """One patient's case: who, what they had, what was done, what followed."""

    id: str | None = None
    patient: Patient = Field(default_factory=Patient)
    conditions: list[Condition] = Field(default_factory=list)
    prior_treatments: list[PriorTreatment] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    adverse_events: list[AdverseEvent] = Field(default_factory=list)
    measurements: list[Measurement] = Field(default_factory=list)
    absent_findings: list[AbsentFinding] = Field(default_factory=list)
    anchor_date: PartialDate | None = Field(
        default=None, description="Calendar date of day 0 (the first intervention), if known."
    )
    source: Narrative | None = None
    report: ExtractionReport | None = None

    # -- invariants across fields -------------------------------------------------
    @model_validator(mode="after")
    def _onsets_precede_treatment(self) -> Self:
        for i, condition in enumerate(self.conditions):
            onset = condition.onset
            if (
                onset is not None
                and onset.anchor is Anchor.FIRST_INTERVENTION
                and (onset.approx_days or 0) > 0
            ):
                raise PydanticCustomError(
                    "onset_after_treatment",
                    "conditions[{i}].onset must be before day 0, the first intervention "
                    "(got {onset})",
                    {"i": i, "onset": str(onset)},
                )
        return self

    @model_validator(mode="after")
    def _nothing_before_day0(self) -> Self:
        for i, intervention in enumerate(self.interventions):
            if _before_day0(intervention.time):
                raise PydanticCustomError(
                    "intervention_before_day0",
                    "interventions[{i}].time must not be before day 0, which is the first "
                    "intervention (got {time})",
                    {"i": i, "time": str(intervention.time)},
                )
        for i, event in enumerate(self.adverse_events):
            if _before_day0(event.onset):
                raise PydanticCustomError(
                    "adverse_event_before_treatment",
                    "adverse_events[{i}].onset must be after treatment (got {time})",
                    {"i": i, "time": str(event.onset)},
                )
        return self

    @model_validator(mode="after")
    def _no_duplicate_measurements(self) -> Self:
        # A repeat shares measure, eye, time and subject with an earlier one, so
        # only measurements that share them need their value read (value_text()
        # costs most of the key).
        places = [_measurement_place(m) for m in self.measurements]
        if len(set(places)) == len(places):
            return self
        shared = Counter(places)
        seen: dict[tuple[Any, ...], int] = {}
        for i, (m, place) in enumerate(zip(self.measurements, places, strict=True)):
            if shared[place] == 1:
                continue
            key = (*place, m.value_text())
            if key in seen:
                raise PydanticCustomError(
                    "duplicate_measurement",
                    "measurements[{i}] repeats measurements[{j}] ({measure} {eye} at {time}: "
                    "{value})",
                    {
                        "i": i,
                        "j": seen[key],
                        "measure": m.measure,
                        "eye": m.eye.value if m.eye else "-",
                        "time": str(m.time),
                        "value": m.value_text(),
                    },
                )
            seen[key] = i
        return self

    @model_validator(mode="after")
    def _evidence_quotes_source(self) -> Self:
        if self.source is None:
            return self
        text = self.source.text
        if self._quotes_all(text):
            return self  # the usual case, found without building every path
        for path, evidence in self.iter_evidence():
            if evidence.end > len(text) or text[evidence.start : evidence.end] != evidence.quote:
                raise PydanticCustomError(
                    "evidence_mismatch",
                    "{path} evidence {start}..{end} does not quote the source text "
                    "(got '{quote}')",
                    {
                        "path": path,
                        "start": evidence.start,
                        "end": evidence.end,
                        "quote": evidence.quote,
                    },
                )
        return self

    def _quotes_all(self, text: str) -> bool:
        """Whether every evidence span quotes ``text`` (the check above, without paths)."""
        length = len(text)
        for item in self._evidenced():
            for evidence in item.evidence.values():
                if evidence.end > length or text[evidence.start : evidence.end] != evidence.quote:
                    return False
        return True

    # -- views -----------------------------------------------------------------------
    def iter_evidence(self) -> Iterator[tuple[str, Evidence]]:
        """Every evidence span in the record with the path of the value it supports."""
        items: list[tuple[str, Evidenced]] = [("patient", self.patient)]
        for name in _EVIDENCED_LISTS:
            items += [(f"{name}[{i}]", item) for i, item in enumerate(getattr(self, name))]
        for path, item in items:
            for field, evidence in item.evidence.items():
                yield f"{path}.{field}", evidence

    def _evidenced(self) -> list[Evidenced]:
        """The models that carry evidence, in the order of :meth:`iter_evidence`."""
        items: list[Evidenced] = [self.patient]
        for name in _EVIDENCED_LISTS:
            items += getattr(self, name)
        return items

    def timeline(self) -> list[Measurement]:
        """Measurements in time order (stable for equal times)."""
        return sorted(self.measurements, key=lambda m: m.time.sort_key())

    @property
    def laterality(self) -> Laterality | None:
        """The side the story is about: the conditions' common laterality, if any."""
        sides = {c.laterality for c in self.conditions if c.laterality is not None}
        if not sides:
            return None
        return sides.pop() if len(sides) == 1 else Laterality.BOTH

    def consistency_warnings(self) -> list[str]:
        """Soft problems: eye of a measurement outside the conditions' laterality."""
        warnings: list[str] = []
        side = self.laterality
        if side is not None and side is not Laterality.BOTH:
            for i, m in enumerate(self.measurements):
                if m.eye is not None and not side.covers(m.eye):
                    warnings.append(
                        f"measurements[{i}].eye is {m.eye.value} but the conditions are "
                        f"{side.value}-sided ({m.measure} at {m.time})"
                    )
        return warnings

    # -- constructors and display -------------------------------------------------
    @classmethod
    def from_narrative(cls, text: str, *, id: str | None = None) -> CaseRecord:
        """Extract a record from an English case narrative (see :func:`caserecord.extract`)."""
        from caserecord.extraction import extract

        return extract(text, id=id)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from caserecord.display.console import render_record

        yield render_record(self, options.max_width)

    # -- conversions (thin: the work lives in caserecord.tables / plot / fhir) ---------
    def to_frame(self) -> Any:
        """One row per measurement as a pandas DataFrame (needs ``caserecord[pandas]``)."""
        from caserecord.tables import to_frame

        return to_frame([self])

    def plot(self, **options: Any) -> Any:
        """Visual-acuity trajectory on the logMAR scale; returns the matplotlib Axes."""
        from caserecord.plot import plot_acuity

        return plot_acuity([self], **options)

    def to_fhir(self, **options: Any) -> Any:
        """A FHIR Bundle of this case (needs ``caserecord[fhir]``)."""
        from caserecord.fhir import to_bundle

        return to_bundle(self, **options)

    @classmethod
    def from_fhir(cls, bundle: Any) -> CaseRecord:
        """Read back a Bundle written by :meth:`to_fhir`."""
        from caserecord.fhir import from_bundle

        return from_bundle(bundle)

    def evidence_view(self) -> Any:
        """A rich renderable of the source text with every extracted span highlighted."""
        from caserecord.display.console import render_evidence

        return render_evidence(self)

    def _repr_html_(self) -> str:
        from caserecord.display.html import record_html

        return record_html(self)


def _measurement_place(m: Any) -> tuple[Any, ...]:
    return (m.measure, m.eye, m.time.sort_key(), m.time.date, m.subject)
