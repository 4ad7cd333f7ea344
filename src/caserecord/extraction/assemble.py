"""From mentions to a validated :class:`CaseRecord`, reporting whatever does not fit.

Extraction is lenient, construction is strict.  Each concept extractor runs
guarded: if a rule fails on some odd text, its concept is reported and the
others still fill the record.  Each model is built on its own, so a value
the models refuse (an age of 300, an unknown unit) costs that one value,
with a report note quoting its words, and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import ValidationError

from caserecord.adverse_event import AbsentFinding, AdverseEvent
from caserecord.diagnosis import Condition
from caserecord.extraction._data import load_json
from caserecord.extraction._document import Document
from caserecord.extraction._mentions import (
    AbsentMention,
    AdverseMention,
    ConditionMention,
    FindingMention,
    InterventionMention,
    PatientMention,
    PriorTreatmentMention,
    Span,
    TreatmentMentions,
)
from caserecord.extraction.acuity import MAX_VALUES as MAX_ACUITY_VALUES
from caserecord.extraction.acuity import extract_acuity
from caserecord.extraction.adverse import extract_adverse
from caserecord.extraction.demographics import extract_patient
from caserecord.extraction.diagnosis import extract_conditions
from caserecord.extraction.findings import extract_findings
from caserecord.extraction.time import PlacedTime, TimeContext
from caserecord.extraction.treatment import extract_treatments
from caserecord.intervention import Intervention, InterventionKind, PriorTreatment
from caserecord.outcomes.acuity import VisualAcuity
from caserecord.outcomes.measurements import (
    ERGMeasurement,
    Finding,
    IntraocularPressure,
    OCTMeasurement,
    VEPMeasurement,
    VisualAcuityMeasurement,
    VisualFieldMeasurement,
)
from caserecord.patient import Age, Patient
from caserecord.provenance import Evidence
from caserecord.quantity import Dose, Quantity
from caserecord.record import CaseRecord, Narrative
from caserecord.report import ExtractionReport, NoteKind
from caserecord.timeline import Anchor, CaseTime
from caserecord.vocabulary import Change, Laterality, Severity, Sex, Status

__all__ = ["build_record"]

T = TypeVar("T")

# Measures that belong to an eye: a one-eyed story gives them that eye.
_EYE_MEASURES = frozenset(
    {
        "visual_acuity",
        "near_visual_acuity",
        "vision",
        "vep",
        "erg",
        "oct",
        "visual_field",
        "intraocular_pressure",
        "fundus",
        "pupil_reflex",
        "color_vision",
        "ocular_motility",
        "anterior_segment",
    }
)
_CLINICAL_TERMS = [t.casefold() for t in load_json("clinical_terms.json")["terms"]]
# Most terms are one word: a set lookup on the sentence's words answers for
# them, and only a sentence holding the first word of a longer term ("side
# effect") is searched with the pattern.
_CLINICAL_WORDS = frozenset(t for t in _CLINICAL_TERMS if " " not in t)
_CLINICAL_PHRASE_STARTS = frozenset(t.split()[0] for t in _CLINICAL_TERMS if " " in t)
_CLINICAL_PHRASES = re.compile(
    r"\b(?:" + "|".join(re.escape(t) for t in _CLINICAL_TERMS if " " in t) + r")\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")

# Built once: times are frozen, so the models that hold one can share it.
_DAY0 = CaseTime.at(0, "day")
_PLACED_AT_BASELINE = PlacedTime(CaseTime.baseline(), None, "clause")


@lru_cache(maxsize=1024)  # long junk repeats its sentences ("Age: 5" x 100,000)
def _looks_clinical(sentence: str) -> bool:
    words = set(_WORD.findall(sentence.casefold()))
    if not words.isdisjoint(_CLINICAL_WORDS):
        return True
    return not words.isdisjoint(_CLINICAL_PHRASE_STARTS) and bool(
        _CLINICAL_PHRASES.search(sentence)
    )


def build_record(text: str, *, id: str | None = None, doc: Document | None = None) -> CaseRecord:
    """The record of ``text``; ``doc`` is its parsed Document when the caller has one
    (the speed benchmark times the stages on it first, then assembly alone)."""
    return _Builder(text, doc).build(id)


class _Builder:
    def __init__(self, text: str, doc: Document | None = None) -> None:
        self.text = text
        self.report = ExtractionReport()
        self.doc = doc if doc is not None and doc.text == text else Document.parse(text)
        self.used: list[Span] = []

    # -- helpers ---------------------------------------------------------------------
    def guarded(self, concept: str, func: Callable[[Document], T], default: T) -> T:
        try:
            return self.doc.memo(func)
        except Exception as exc:
            self.report.add(
                NoteKind.WARNING,
                f"{concept} rules failed on this text ({type(exc).__name__}: {exc}); "
                f"{concept} left empty",
                field=concept,
            )
            return default

    def evidence(
        self,
        spans: dict[str, Span],
        fields: dict[str, str] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """Evidence for the spans whose keys name model fields (renamed via ``fields``).

        Each as the fields of an :class:`Evidence`, which the model validates
        while it validates the rest: an Evidence built here first would have
        its checks run again by the model it goes into.
        """
        out: dict[str, dict[str, Any]] = {}
        text = self.text
        for key, (start, end) in spans.items():
            name = fields.get(key, key) if fields else key
            if 0 <= start < end <= len(text):
                out[name] = {"start": start, "end": end, "quote": text[start:end]}
                self.used.append((start, end))
        return out

    def refused(self, what: str, exc: ValidationError, spans: dict[str, Span]) -> None:
        start, end = min(spans.values(), default=(0, 0))
        evidence = Evidence.of(self.text, start, end) if end > start else None
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or what}: {e['msg']}" for e in exc.errors()
        )
        self.report.add(
            NoteKind.WARNING, f"{what} not recorded: {problems}", field=what, evidence=evidence
        )

    def build_model(self, what: str, spans: dict[str, Span], factory: Callable[[], T]) -> T | None:
        try:
            return factory()
        except ValidationError as exc:
            self.refused(what, exc, spans)
        except ValueError as exc:
            self.report.add(NoteKind.WARNING, f"{what} not recorded: {exc}", field=what)
        return None

    # -- the record ----------------------------------------------------------------
    def build(self, record_id: str | None) -> CaseRecord:
        doc = self.doc
        no_conditions: list[ConditionMention] = []
        no_findings: list[FindingMention] = []
        no_events: tuple[list[AdverseMention], list[AbsentMention]] = ([], [])
        patient_m = self.guarded("patient", extract_patient, PatientMention())
        conditions_m = self.guarded("conditions", extract_conditions, no_conditions)
        treatments = self.guarded("treatments", extract_treatments, TreatmentMentions())
        adverse_m, absent_m = self.guarded("adverse events", extract_adverse, no_events)
        findings = self.guarded("findings", extract_findings, no_findings)
        acuities = self.guarded("visual acuity", extract_acuity, no_findings)
        findings = findings + acuities
        if len(acuities) >= MAX_ACUITY_VALUES:
            last = doc.sentences[acuities[-1].sentence]
            self.report.add(
                NoteKind.WARNING,
                f"more than {MAX_ACUITY_VALUES} visual acuity values: acuity was read up to "
                "this sentence and not after it",
                field="measurements",
                evidence=Evidence.of(self.text, last.start, last.end),
            )

        anchor_date = treatments.day0_date.date if treatments.day0_date else None
        now = None
        if treatments.now is not None and treatments.now.value and treatments.now.unit:
            now = CaseTime.at(treatments.now.value, treatments.now.unit)
        self.context = TimeContext(doc, treatments.day0_sentence, anchor_date, now)

        patient = self.patient(patient_m)
        conditions = _kept(self.condition(m, patient) for m in conditions_m)
        side = _record_side(conditions)
        record_kwargs: dict[str, Any] = {
            "id": record_id,
            "patient": patient,
            "conditions": conditions,
            "prior_treatments": _kept(self.prior(m) for m in treatments.prior),
            "interventions": _kept(self.intervention(m) for m in treatments.interventions),
            "adverse_events": _kept(self.adverse(m) for m in adverse_m),
            "absent_findings": _kept(self.absent(m) for m in absent_m),
            "measurements": self.measurements(findings, side),
            "anchor_date": anchor_date,
            "source": Narrative(text=self.text),
        }
        self.unmapped()
        for others in patient_m.others_skipped[:1]:
            self.report.add(
                NoteKind.WARNING,
                f"the text tells of {len(patient_m.others_skipped)} other patient(s); "
                "this record is the first patient's",
                field="patient",
                evidence=Evidence.of(self.text, *others),
            )
        try:
            record = CaseRecord(**record_kwargs, report=self.report)
        except ValidationError as exc:
            self.refused("record", exc, {})
            record_kwargs.update(measurements=[], adverse_events=[], conditions=[])
            record = CaseRecord(**record_kwargs, report=self.report)
        for warning in record.consistency_warnings():
            self.report.add(NoteKind.WARNING, warning)
        return record

    # -- one model each --------------------------------------------------------------
    def patient(self, m: PatientMention) -> Patient:
        age = None
        if m.age_value is not None:
            age = self.build_model(
                "patient.age", m.spans, lambda: Age(value=m.age_value, unit=m.age_unit or "year")
            )
            if age is None:
                m.spans.pop("age", None)
        built = self.build_model(
            "patient",
            m.spans,
            lambda: Patient(
                sex=Sex.lookup(m.sex) if m.sex else None,
                age=age,
                occupation=m.occupation,
                nationality=m.nationality,
                label=m.label,
                evidence=self.evidence(m.spans),
            ),
        )
        return built or Patient()

    def condition(self, m: ConditionMention, patient: Patient) -> Condition | None:
        onset = None
        if m.onset_at_birth and patient.age is not None:
            onset = CaseTime.at(-patient.age.value, patient.age.unit.value)
        elif m.onset is not None:
            onset = self.context.to_case_time(m.onset, before_day0=True)
            if (
                onset is not None
                and onset.anchor is Anchor.FIRST_INTERVENTION
                and (onset.approx_days or 0) > 0
            ):
                self.report.add(
                    NoteKind.AMBIGUITY,
                    f"onset of {m.name} read as after treatment ({onset}); left out",
                    field="conditions.onset",
                    evidence=Evidence.of(self.text, m.onset.start, m.onset.end),
                )
                onset = None
        spans = dict(m.spans)
        if onset is None:
            spans.pop("onset", None)
        return self.build_model(
            "conditions",
            m.spans,
            lambda: Condition(
                name=m.name,
                laterality=Laterality.lookup(m.laterality) if m.laterality else None,
                cause=m.cause,
                onset=onset,
                evidence=self.evidence(spans),
            ),
        )

    def prior(self, m: PriorTreatmentMention) -> PriorTreatment | None:
        return self.build_model(
            "prior_treatments",
            m.spans,
            lambda: PriorTreatment(
                name=m.name, kind=_kind(m.kind), evidence=self.evidence(m.spans)
            ),
        )

    def intervention(self, m: InterventionMention) -> Intervention | None:
        dose = None
        if m.dose_text or m.dose_value is not None:
            dose = self.build_model(
                "interventions.dose",
                m.spans,
                lambda: Dose(
                    amount=Quantity(value=m.dose_value, unit=m.dose_unit)
                    if m.dose_value is not None and m.dose_unit
                    else None,
                    text=m.dose_text,
                ),
            )
        spans = dict(m.spans)
        if "count" in spans:
            spans["sessions"] = spans.pop("count")
        return self.build_model(
            "interventions",
            m.spans,
            lambda: Intervention(
                kind=_kind(m.kind),
                name=m.name,
                cell_type=m.cell_type,
                cell_source=m.cell_source,
                route=m.route,
                target_site=m.target_site,
                laterality=Laterality.lookup(m.laterality) if m.laterality else None,
                sessions=m.sessions,
                dose=dose,
                time=_DAY0 if m.sentence == self.context.day0 else None,
                evidence=self.evidence(spans),
            ),
        )

    def adverse(self, m: AdverseMention) -> AdverseEvent | None:
        sentence = self.doc.sentences[m.sentence] if m.sentence < len(self.doc.sentences) else None
        onset = None
        spans = dict(m.spans)
        if sentence is not None:
            placed = self.context.place(sentence, m.position)
            # A stated time on or after day 0 ("the evening after the infusion" is
            # day 0); a phase word alone ("baseline") is no onset for an adverse event.
            days = placed.time.approx_days
            if placed.mention is not None and days is not None and days >= 0:
                onset = placed.time
                spans["onset"] = (placed.mention.start, placed.mention.end)
        return self.build_model(
            "adverse_events",
            m.spans,
            lambda: AdverseEvent(
                description=m.description,
                severity=Severity.lookup(m.severity) if m.severity else None,
                onset=onset,
                evidence=self.evidence(spans),
            ),
        )

    def absent(self, m: AbsentMention) -> AbsentFinding | None:
        return self.build_model(
            "absent_findings",
            m.spans,
            lambda: AbsentFinding(description=m.description, evidence=self.evidence(m.spans)),
        )

    # -- measurements ----------------------------------------------------------------
    def measurements(self, findings: list[FindingMention], side: Laterality | None) -> list[Any]:
        built: list[Any] = []
        seen: set[tuple[Any, ...]] = set()
        # Mentions already built, by everything but their spans.  A repeat (the
        # same value at the same time and eye, as in a repeated sentence or a
        # list) would build a model that the key check below drops: skip
        # building it, which on a megabyte of "20/40 OD, " is 100,000 models.
        contents: set[tuple[Any, ...]] = set()
        for m in findings:
            placed = self.place(m)
            eye = Laterality.lookup(m.eye) if m.eye else None
            if eye is None and side is not None and m.measure in _EYE_MEASURES:
                eye = side  # a one-sided story implies its side (FORMAT.md convention)
            spans = _measurement_spans(m, placed)
            when = placed.label  # str() of the built model's time
            content = (
                m.measure,
                eye,
                when,
                m.subject,
                m.status,
                m.change,
                m.value,
                m.unit,
                m.grade,
                m.acuity,
                m.layer,
                m.detail,
            )
            if content in contents:
                # What building it would have left: the note, and its words as used.
                self.note_assumption(m, spans)
                self.used.extend(s for s in spans.values() if 0 <= s[0] < s[1] <= len(self.text))
                continue
            measurement = self.measurement(m, placed, eye, spans)
            if measurement is None:
                continue
            contents.add(content)
            key = (
                measurement.measure,
                measurement.eye,
                when,
                measurement.subject,
                measurement.value_text(),
            )
            if key in seen:
                continue
            seen.add(key)
            built.append(measurement)
        return _drop_redundant_words(built)

    def note_assumption(self, m: FindingMention, spans: dict[str, Span]) -> None:
        if m.acuity_assumed:
            self.report.add(
                NoteKind.ASSUMPTION,
                m.acuity_assumed,
                field="measurements.acuity",
                evidence=_ev(self.text, spans.get("acuity")),
            )

    def place(self, m: FindingMention) -> PlacedTime:
        if m.time_hint == "baseline":
            return _PLACED_AT_BASELINE
        sentence = self.doc.sentences[m.sentence]
        return self.context.place(sentence, m.position)

    def measurement(
        self,
        m: FindingMention,
        placed: PlacedTime,
        eye: Laterality | None,
        spans: dict[str, Span],
    ) -> Any | None:
        common: dict[str, Any] = {
            "time": placed.time,
            "eye": eye,
            "subject": m.subject,
            "detail": m.detail,
            "status": Status.lookup(m.status) if m.status else None,
            "change": Change.lookup(m.change) if m.change else None,
        }
        quantity = _quantity(m.value, m.unit)
        word_field = "status" if m.status else "change"  # which word field the value words fill
        measure = m.measure
        self.note_assumption(m, spans)

        def make() -> Any:
            if measure in ("visual_acuity", "vision"):
                acuity = VisualAcuity.parse(m.acuity) if m.acuity else None
                return VisualAcuityMeasurement(
                    acuity=acuity, **common, evidence=self.evidence(spans, {"value": "acuity"})
                )
            if measure == "vep":
                return VEPMeasurement(
                    p100_latency=quantity if quantity and quantity.unit == "ms" else None,
                    amplitude=quantity if quantity and quantity.unit == "uV" else None,
                    **common,
                    evidence=self.evidence(
                        spans, {"value": "p100_latency" if quantity else word_field}
                    ),
                )
            if measure in _QUANTITY_MODELS:
                model, field = _QUANTITY_MODELS[measure]
                extra = {"layer": m.layer} if measure == "oct" else {}
                return model(
                    **{field: quantity},
                    **extra,
                    **common,
                    evidence=self.evidence(spans, {"value": field if quantity else word_field}),
                )
            fields = {"value": "quantity"}
            grade = m.grade
            if quantity is None and m.value is not None:
                grade = f"{m.value:g}" + (f" {m.unit}" if m.unit else "")
            if quantity is None and grade is not None:
                fields["value"] = "grade"
            elif quantity is None:
                fields["value"] = "status" if m.status else "change"
            return Finding(
                name=_snake(measure),
                quantity=quantity,
                grade=grade,
                **common,
                evidence=self.evidence(spans, fields),
            )

        return self.build_model("measurements", spans, make)

    def unmapped(self) -> None:
        # Mark used characters once; testing each sentence against every used
        # span was quadratic on long inputs.
        used = bytearray(len(self.text))
        for start, end in self.used:
            used[start:end] = b"\x01" * (end - start)
        for sentence in self.doc.sentences:
            if used.find(1, sentence.start, sentence.end) >= 0:
                continue
            if _looks_clinical(sentence.text):
                self.report.add(
                    NoteKind.UNMAPPED,
                    "looks clinical but no rule mapped it",
                    evidence=Evidence.of(self.text, sentence.start, sentence.end),
                )


# Measures with a model of their own that holds one quantity: the model and
# the field of the quantity.  (VEP holds two, read by unit.)
_QUANTITY_MODELS: dict[str, tuple[type[Any], str]] = {
    "erg": (ERGMeasurement, "amplitude"),
    "oct": (OCTMeasurement, "thickness"),
    "visual_field": (VisualFieldMeasurement, "mean_deviation"),
    "intraocular_pressure": (IntraocularPressure, "pressure"),
}


def _measurement_spans(m: FindingMention, placed: PlacedTime) -> dict[str, Span]:
    spans = dict(m.spans)
    if placed.mention is not None:
        spans["time"] = (placed.mention.start, placed.mention.end)
    return spans


def _kept(items: Iterable[T | None]) -> list[T]:
    return [item for item in items if item is not None]


def _quantity(value: float | None, unit: str | None) -> Quantity | None:
    if value is None or not unit:
        return None
    try:
        return Quantity(value=value, unit=unit)
    except ValidationError:
        return None


@lru_cache(maxsize=1024)  # a story names the same few measures again and again
def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "finding"


def _ev(text: str, span: Span | None) -> Evidence | None:
    return Evidence.of(text, *span) if span and span[1] > span[0] else None


def _kind(kind: str) -> InterventionKind:
    try:
        return InterventionKind(kind)
    except ValueError:
        return InterventionKind.OTHER


def _record_side(conditions: list[Condition]) -> Laterality | None:
    sides = {c.laterality for c in conditions if c.laterality is not None}
    return sides.pop() if len(sides) == 1 else None


def _drop_redundant_words(measurements: list[Any]) -> list[Any]:
    """A bare 'vision improved' adds nothing where an acuity value has the same time and eye."""
    valued = {
        (str(m.time), m.eye)
        for m in measurements
        if isinstance(m, VisualAcuityMeasurement) and m.acuity is not None
    }
    return [
        m
        for m in measurements
        if not (
            isinstance(m, VisualAcuityMeasurement)
            and m.acuity is None
            and (str(m.time), m.eye) in valued
        )
    ]
