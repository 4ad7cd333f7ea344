"""FHIR export: a case record as an HL7 FHIR R4B ``Bundle``, and back.

:func:`to_bundle` writes one ``collection`` Bundle per record and
:func:`from_bundle` reads such a Bundle back into a :class:`CaseRecord`.
Resources are built and validated with ``fhir.resources`` (the ``fhir``
extra), imported only when these functions run.

Why R4B and not R5
------------------
R4B (4.3.0) is R4 on the wire for every resource written here, and R4 is
what EHRs, public servers and national profiles (US Core, IPS, most
national bases) exchange today; R5 is still rarely deployed.  R5's richer
AdverseEvent buys nothing for a case record -- it also *drops*
``AdverseEvent.severity``, which is where caserecord's CTCAE severity words
belong.  So the bundle is R4B (``fhir.resources.R4B``).

What is written
---------------
================  ============================================================
record            Bundle ``type=collection``; ``identifier`` = record id;
                  ``meta.extension`` anchor-date = :attr:`CaseRecord.anchor_date`
patient           Patient: ``gender``; label as ``name`` (use ``anonymous``);
                  age (``valueAge``, UCUM a/mo/wk/d), occupation (local
                  extensions), nationality (HL7 ``patient-nationality``)
source            DocumentReference with the narrative as a ``text/plain``
                  attachment (``include_source=False`` leaves it out)
conditions        Condition: ``code`` (ICD-10/ICD-11/SNOMED codings, name as
                  text), laterality in ``bodySite``, ``onset[x]``, cause in the
                  HL7 ``condition-dueTo`` extension
interventions     Procedure ``status=completed``: name in ``code.text``, kind
                  in ``category``, laterality and target site in ``bodySite``,
                  ``performed[x]``; cell type/source, route, sessions and dose
                  as local extensions
prior treatments  Procedure as above, flagged by the ``prior-treatment``
                  extension
adverse events    AdverseEvent ``actuality=actual``: ``event.text``, severity
                  (HL7 adverse-event-severity; life-threatening also as
                  seriousness ``SeriousIsLifeThreatening``), ``date``,
                  ``outcome`` resolved/ongoing, duration as a local extension
measurements      one Observation each (below)
absent findings   Observation whose ``code.text`` is the finding and whose
                  value is SNOMED CT 2667000 |Absent|
================  ============================================================

Observations carry the measure in ``code`` (a local coding always, plus a
standard one where caserecord is sure of it), the eye in ``bodySite``,
status and change in ``interpretation``, the phrase it was read from
(``detail``) as a ``note``, and the subject (body part or sub-measure) as a
local extension.  Values:

- visual acuity: ``valueQuantity`` on the logMAR scale (UCUM ``{logMAR}``);
  CF/HM/LP/NLP as ``valueCodeableConcept`` (local codes) with the test
  distance as a ``component``; the acuity as written (``"20/40-2"``,
  ``"CF 30 cm"``) in the ``visual-acuity`` extension, so the exact
  notation comes back; correction and near in ``method``;
- VEP: ``component`` P100 latency (``ms``) and amplitude (``uV``);
- ERG amplitude (``uV``), OCT thickness (``um``, layer as an extension),
  visual-field mean deviation (``dB``), IOP (``mm[Hg]``): ``valueQuantity``;
- other findings: ``valueQuantity``, or the grade as ``valueString`` (a
  ``component`` when there is also a quantity).

Codes
-----
Standard, where caserecord is confident of the concept:

- SNOMED CT body structures for the eye: 18944008 |Right eye structure|,
  8966001 |Left eye structure|, 40638003 |Both eyes|; for the side of a
  non-ocular finding the laterality qualifiers 24028007 |Right|, 7771000
  |Left|, 51440002 |Right and left|;
- SNOMED CT observables 363983007 |Visual acuity| and 41633001
  |Intraocular pressure|; 2667000 |Absent| for denied findings;
- HL7 observation-category (exam, imaging, procedure), v3
  ObservationInterpretation N/A (normal/abnormal) and B/W (better/worse),
  adverse-event-severity, -seriousness and -outcome;
- UCUM units (``um``, ``mm[Hg]``, ``ms``, ``uV``, ``dB``, ``{logMAR}``...).

LOINC has visual-acuity codes per eye and correction, but they could not be
verified here, and a wrong LOINC code is worse than an honest local one:
every measure, qualitative acuity level, correction, intervention kind,
status and change is coded in a local CodeSystem under
:data:`BASE` (``https://caserecord.example/fhir/CodeSystem/...``), and a
terminology mapping can add LOINC codings later without breaking readers.

Times
-----
Every timed resource carries the ``case-time`` extension (``valueString``,
the :class:`CaseTime` canonical text such as ``"month 3"`` or ``"~month 6
from onset"``) and, when the time was read from other words, ``case-time-text``
with those words.  When a date of day 0 is known -- the ``anchor_date``
option (a date, :class:`PartialDate` or text) or else the record's own
``anchor_date`` -- a time counted from the first intervention is also
resolved to a real date (``effectiveDateTime``, ``onsetDateTime``,
``performedDateTime``, ``date``) at the precision of the anchor date
("2021-03" + month 3 = "2021-06").  A time that cannot be resolved (a
phase without an offset, another anchor, an anchor too coarse for the
offset) keeps only the extension; Condition and Procedure then also get
``onsetString``/``performedString`` so a plain FHIR reader sees the time.

What round-trips
----------------
``from_bundle(to_bundle(record))`` equals ``record`` on every field except:

- ``evidence`` spans (dropped everywhere: FHIR has no place for character
  offsets into a narrative; the narrative itself and each measurement's
  ``detail`` phrase do round-trip);
- ``report`` (the extraction report is about extraction, not the case);
- ``source`` when ``include_source=False``;
- empty strings, which FHIR forbids: they come back as None.

A Bundle that was not written by :func:`to_bundle` is read as far as it
maps: an Observation without a case-time extension gets its time from its
date; resources of other types, and Observations whose measure is not
known, raise :class:`~caserecord.errors.ConversionError` rather than being
dropped silently.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from caserecord.adverse_event import AbsentFinding, AdverseEvent
from caserecord.codes import Code, CodeSystem
from caserecord.diagnosis import Condition
from caserecord.errors import ConversionError, MissingExtraError, TimelineError
from caserecord.intervention import Intervention, InterventionKind, PriorTreatment
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
from caserecord.patient import Age, AgeUnit, Patient
from caserecord.quantity import Dose, Quantity
from caserecord.record import CaseRecord, Narrative
from caserecord.timeline import Anchor, CaseTime, PartialDate, TimeUnit, _as_partial_date
from caserecord.vocabulary import Change, Laterality, Severity, Sex, Status

if TYPE_CHECKING:
    from fhir.resources.R4B.bundle import Bundle

__all__ = ["BASE", "FHIR_VERSION", "from_bundle", "to_bundle"]

FHIR_VERSION: Final = "4.3.0"  # R4B
BASE: Final = "https://caserecord.example/fhir"
"""Root of caserecord's local CodeSystem and StructureDefinition URIs."""

_Json = dict[str, Any]

# -- identifiers of caserecord's own definitions -------------------------------------


def _extension_url(name: str) -> str:
    return f"{BASE}/StructureDefinition/{name}"


def _code_system(name: str) -> str:
    return f"{BASE}/CodeSystem/{name}"


EXT_ANCHOR_DATE: Final = _extension_url("anchor-date")
EXT_CASE_TIME: Final = _extension_url("case-time")
EXT_CASE_TIME_TEXT: Final = _extension_url("case-time-text")
EXT_VISUAL_ACUITY: Final = _extension_url("visual-acuity")
EXT_SUBJECT: Final = _extension_url("measurement-subject")
EXT_OCT_LAYER: Final = _extension_url("oct-layer")
EXT_AGE: Final = _extension_url("patient-age")
EXT_OCCUPATION: Final = _extension_url("patient-occupation")
EXT_CELL_TYPE: Final = _extension_url("intervention-cell-type")
EXT_CELL_SOURCE: Final = _extension_url("intervention-cell-source")
EXT_ROUTE: Final = _extension_url("intervention-route")
EXT_SESSIONS: Final = _extension_url("intervention-sessions")
EXT_DOSE: Final = _extension_url("intervention-dose")
EXT_PRIOR: Final = _extension_url("prior-treatment")
EXT_DURATION: Final = _extension_url("adverse-event-duration")

CS_MEASURE: Final = _code_system("measure")
CS_FINDING: Final = _code_system("finding")
CS_COMPONENT: Final = _code_system("component")
CS_QUALITATIVE_ACUITY: Final = _code_system("qualitative-acuity")
CS_ACUITY_METHOD: Final = _code_system("acuity-method")
CS_INTERVENTION_KIND: Final = _code_system("intervention-kind")
CS_STATUS: Final = _code_system("status")
CS_CHANGE: Final = _code_system("change")
CASE_ID_SYSTEM: Final = f"{BASE}/case-id"

# -- standard systems and code tables ------------------------------------------------

SNOMED: Final = CodeSystem.SNOMED_CT.uri
UCUM: Final = "http://unitsofmeasure.org"
_OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
_AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
_AE_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
_AE_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
# HL7 core extensions (FHIR R4 extension registry).
_NATIONALITY = "http://hl7.org/fhir/StructureDefinition/patient-nationality"
_DUE_TO = "http://hl7.org/fhir/StructureDefinition/condition-dueTo"

# SNOMED CT body structures of the eyes (SNOMED CT International Edition).
_EYE_SITE: Final[Mapping[Laterality, tuple[str, str]]] = {
    Laterality.RIGHT: ("18944008", "Right eye structure"),
    Laterality.LEFT: ("8966001", "Left eye structure"),
    Laterality.BOTH: ("40638003", "Both eyes"),
}
# SNOMED CT laterality qualifiers (the values of attribute 272741003 |Laterality|),
# for the side of a finding that need not be an eye ("left leg").
_SIDE: Final[Mapping[Laterality, tuple[str, str]]] = {
    Laterality.RIGHT: ("24028007", "Right"),
    Laterality.LEFT: ("7771000", "Left"),
    Laterality.BOTH: ("51440002", "Right and left"),
}
_LATERALITY_BY_SNOMED: Final[Mapping[str, Laterality]] = {
    code: side for table in (_EYE_SITE, _SIDE) for side, (code, _) in table.items()
}
_EYE_TEXT: Final[Mapping[Laterality, str]] = {
    Laterality.RIGHT: "right eye",
    Laterality.LEFT: "left eye",
    Laterality.BOTH: "both eyes",
}

_SNOMED_VISUAL_ACUITY = ("363983007", "Visual acuity")
_SNOMED_IOP = ("41633001", "Intraocular pressure")
_SNOMED_ABSENT = ("2667000", "Absent")

# caserecord unit (see _units.py) -> UCUM code (The Unified Code for Units of
# Measure, Regenstrief; customary units carry the _i suffix, counts are {annotations}).
_UCUM: Final[Mapping[str, str]] = {
    "um": "um", "mm": "mm", "cm": "cm", "m": "m", "ft": "[ft_i]", "in": "[in_i]",
    "ms": "ms", "s": "s", "min": "min", "h": "h", "d": "d",
    "uV": "uV", "dB": "dB", "mmHg": "mm[Hg]",
    "kg": "kg", "g": "g", "mg": "mg", "ug": "ug", "mL": "mL", "L": "L", "U": "U",
    "cells": "{cells}", "cells/kg": "{cells}/kg",
    "mmol/L": "mmol/L", "mg/dL": "mg/dL", "ng/mL": "ng/mL", "%": "%", "deg": "deg",
    "letters": "{letters}", "plates": "{plates}", "steps": "{steps}", "times/day": "/d",
}  # fmt: skip
_UNIT_BY_UCUM: Final[Mapping[str, str]] = {code: unit for unit, code in _UCUM.items()}
_LOGMAR_UNIT = ("logMAR", "{logMAR}")

# Age units in UCUM: annum, month, week, day.
_AGE_UCUM: Final[Mapping[AgeUnit, str]] = {
    AgeUnit.YEAR: "a",
    AgeUnit.MONTH: "mo",
    AgeUnit.WEEK: "wk",
    AgeUnit.DAY: "d",
}
_AGE_BY_UCUM: Final[Mapping[str, AgeUnit]] = {code: unit for unit, code in _AGE_UCUM.items()}

# The measurement kinds with their own model: label and HL7 observation category.
_MEASURES: Final[Mapping[str, tuple[str, str]]] = {
    "visual_acuity": ("Visual acuity", "exam"),
    "vep": ("Visual evoked potential", "procedure"),
    "erg": ("Electroretinogram", "procedure"),
    "oct": ("Optical coherence tomography", "imaging"),
    "visual_field": ("Visual field", "exam"),
    "intraocular_pressure": ("Intraocular pressure", "exam"),
}
_QUALITATIVE_LABELS: Final[Mapping[QualitativeAcuity, str]] = {
    QualitativeAcuity.NLP: "no light perception",
    QualitativeAcuity.LP: "light perception",
    QualitativeAcuity.HM: "hand motion",
    QualitativeAcuity.CF: "counting fingers",
}
_STATUS_V3: Final[Mapping[Status, str]] = {Status.NORMAL: "N", Status.ABNORMAL: "A"}
_CHANGE_V3: Final[Mapping[Change, str]] = {Change.IMPROVED: "B", Change.WORSENED: "W"}
_AE_SEVERITY_CODES: Final[Mapping[Severity, str]] = {
    Severity.MILD: "mild",
    Severity.MODERATE: "moderate",
    Severity.SEVERE: "severe",
    # adverse-event-severity stops at severe; life-threatening is a seriousness.
    Severity.LIFE_THREATENING: "severe",
}
_LIFE_THREATENING = "SeriousIsLifeThreatening"
_ACUITY_METHODS = ("uncorrected", "best_corrected", "pinhole")
_SEX_GENDER: Final[Mapping[Sex, str]] = {Sex.MALE: "male", Sex.FEMALE: "female"}


# -- fhir.resources, loaded on use ---------------------------------------------------


def _bundle_class() -> type[Bundle]:
    try:
        from fhir.resources.R4B.bundle import Bundle
    except ImportError as exc:
        raise MissingExtraError("fhir", "FHIR export") from exc
    return Bundle


# -- writing -------------------------------------------------------------------------


def to_bundle(
    record: CaseRecord,
    *,
    anchor_date: PartialDate | dt.date | str | None = None,
    include_source: bool = True,
) -> Bundle:
    """The record as a validated FHIR R4B ``collection`` Bundle.

    ``anchor_date`` is the calendar date of day 0 used to turn relative
    times into dates; it defaults to ``record.anchor_date``.  Without one,
    times are written only as the ``case-time`` extension.  The narrative
    goes into a DocumentReference unless ``include_source`` is False.
    Resource ids are UUIDs derived from the record, so the same record
    always gives the same Bundle.
    """
    bundle_class = _bundle_class()
    anchor = record.anchor_date if anchor_date is None else _as_partial_date(anchor_date)
    writer = _Writer(record, anchor)
    return bundle_class.model_validate(writer.bundle(include_source=include_source))


class _Writer:
    """Builds the Bundle JSON of one record."""

    def __init__(self, record: CaseRecord, anchor: PartialDate | None) -> None:
        self.record = record
        self.anchor = anchor
        seed = record.id
        if seed is None:
            seed = hashlib.sha256(record.model_dump_json().encode()).hexdigest()
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"{BASE}/case/{seed}")
        self.patient_url = self.url("patient")

    def url(self, name: str) -> str:
        return f"urn:uuid:{uuid.uuid5(self.namespace, name)}"

    def bundle(self, *, include_source: bool) -> _Json:
        record = self.record
        entries: list[tuple[str, _Json]] = [(self.patient_url, _patient(record.patient))]
        if include_source and record.source is not None:
            entries.append((self.url("source"), self.document(record.source)))
        sections: list[tuple[str, Iterable[Any], Any]] = [
            ("condition", record.conditions, self.condition),
            ("prior", record.prior_treatments, self.prior_treatment),
            ("intervention", record.interventions, self.intervention),
            ("adverse", record.adverse_events, self.adverse_event),
            ("measurement", record.measurements, self.measurement),
            ("absent", record.absent_findings, self.absent_finding),
        ]
        for name, items, build in sections:
            entries += [(self.url(f"{name}/{i}"), build(item)) for i, item in enumerate(items)]
        bundle: _Json = {"resourceType": "Bundle", "type": "collection"}
        if record.anchor_date is not None:
            bundle["meta"] = {
                "extension": [
                    {"url": EXT_ANCHOR_DATE, "valueDate": record.anchor_date.isoformat()}
                ]
            }
        if record.id:
            bundle["identifier"] = {"system": CASE_ID_SYSTEM, "value": record.id}
        bundle["entry"] = [{"fullUrl": url, "resource": resource} for url, resource in entries]
        return bundle

    # -- resources

    def resource(self, resource_type: str, **fields: Any) -> _Json:
        resource: _Json = {"resourceType": resource_type}
        resource.update((k, v) for k, v in fields.items() if v not in (None, [], {}, ""))
        resource["subject"] = {"reference": self.patient_url}
        return resource

    def document(self, source: Narrative) -> _Json:
        attachment: _Json = {
            "contentType": "text/plain; charset=utf-8",
            "data": base64.b64encode(source.text.encode("utf-8")).decode("ascii"),
        }
        if source.title:
            attachment["title"] = source.title
        return self.resource(
            "DocumentReference",
            status="current",
            description="Case narrative",
            content=[{"attachment": attachment}],
        )

    def condition(self, condition: Condition) -> _Json:
        extensions = _time_extensions(condition.onset)
        if condition.cause:
            extensions.append({"url": _DUE_TO, "valueCodeableConcept": {"text": condition.cause}})
        onset_date = self.date_of(condition.onset)
        return self.resource(
            "Condition",
            extension=extensions,
            code={"coding": [_code_coding(c) for c in condition.codes], "text": condition.name},
            bodySite=[_eye_site(condition.laterality)] if condition.laterality else None,
            onsetDateTime=onset_date,
            onsetString=str(condition.onset) if condition.onset and not onset_date else None,
        )

    def procedure(
        self,
        *,
        name: str,
        kind: InterventionKind,
        time: CaseTime | None,
        extensions: list[_Json],
        body_sites: list[_Json],
    ) -> _Json:
        performed = self.date_of(time)
        return self.resource(
            "Procedure",
            extension=_time_extensions(time) + extensions,
            status="completed",
            category=_concept(CS_INTERVENTION_KIND, kind.value, kind.value.replace("_", " ")),
            code={"text": name},
            performedDateTime=performed,
            performedString=str(time) if time and not performed else None,
            bodySite=body_sites,
        )

    def prior_treatment(self, treatment: PriorTreatment) -> _Json:
        return self.procedure(
            name=treatment.name,
            kind=treatment.kind,
            time=treatment.time,
            extensions=[{"url": EXT_PRIOR, "valueBoolean": True}],
            body_sites=[],
        )

    def intervention(self, intervention: Intervention) -> _Json:
        extensions = [
            _string_extension(EXT_CELL_TYPE, intervention.cell_type),
            _string_extension(EXT_CELL_SOURCE, intervention.cell_source),
            _string_extension(EXT_ROUTE, intervention.route),
        ]
        if intervention.sessions is not None:
            extensions.append({"url": EXT_SESSIONS, "valuePositiveInt": intervention.sessions})
        if intervention.dose is not None:
            extensions.append(_dose_extension(intervention.dose))
        sites = []
        if intervention.target_site:
            sites.append({"text": intervention.target_site})
        if intervention.laterality is not None:
            sites.append(_eye_site(intervention.laterality))
        return self.procedure(
            name=intervention.name,
            kind=intervention.kind,
            time=intervention.time,
            extensions=[e for e in extensions if e],
            body_sites=sites,
        )

    def adverse_event(self, event: AdverseEvent) -> _Json:
        extensions = _time_extensions(event.onset)
        if event.duration:
            extensions.append(_string_extension(EXT_DURATION, event.duration))
        severity = seriousness = outcome = None
        if event.severity is not None:
            code = _AE_SEVERITY_CODES[event.severity]
            severity = {"coding": [{"system": _AE_SEVERITY, "code": code}], "text": code}
            if event.severity is Severity.LIFE_THREATENING:
                seriousness = _concept(_AE_SERIOUSNESS, _LIFE_THREATENING, "life-threatening")
        if event.resolved is not None:
            word = "resolved" if event.resolved else "ongoing"
            outcome = _concept(_AE_OUTCOME, word, word)
        return self.resource(
            "AdverseEvent",
            extension=extensions,
            actuality="actual",
            event={"text": event.description},
            date=self.date_of(event.onset),
            seriousness=seriousness,
            severity=severity,
            outcome=outcome,
        )

    def absent_finding(self, finding: AbsentFinding) -> _Json:
        code, display = _SNOMED_ABSENT
        return self.resource(
            "Observation",
            extension=_time_extensions(finding.time),
            status="final",
            category=[_concept(_OBSERVATION_CATEGORY, "exam", "Exam")],
            code={"text": finding.description},
            effectiveDateTime=self.date_of(finding.time),
            valueCodeableConcept={
                "coding": [
                    {"system": SNOMED, "code": code, "display": display},
                    {"system": CS_STATUS, "code": Status.ABSENT.value},
                ],
                "text": "absent",
            },
        )

    def measurement(self, m: Measurement) -> _Json:
        fields: _Json = {}
        extensions = [*_time_extensions(m.time), _string_extension(EXT_SUBJECT, m.subject)]
        if isinstance(m, Finding):
            label = m.name.replace("_", " ")
            category = "exam"
            code: _Json = {"coding": [{"system": CS_FINDING, "code": m.name, "display": label}]}
            body_site = _side_site(m.eye) if m.eye else None
            fields.update(_finding_value(m))
        else:
            label, category = _MEASURES[m.kind]
            standard = {
                "visual_acuity": [_snomed(*_SNOMED_VISUAL_ACUITY)],
                "intraocular_pressure": [_snomed(*_SNOMED_IOP)],
            }.get(m.kind, [])
            local = {"system": CS_MEASURE, "code": m.kind, "display": label}
            code = {"coding": [*standard, local]}
            body_site = _eye_site(m.eye) if m.eye else None
            if isinstance(m, VisualAcuityMeasurement):
                extensions.append(
                    _string_extension(EXT_VISUAL_ACUITY, str(m.acuity) if m.acuity else None)
                )
                fields.update(_acuity_value(m))
            elif isinstance(m, VEPMeasurement):
                fields["component"] = [
                    _quantity_component("p100_latency", "P100 latency", m.p100_latency),
                    _quantity_component("amplitude", "P100 amplitude", m.amplitude),
                ]
            elif isinstance(m, OCTMeasurement):
                extensions.append(_string_extension(EXT_OCT_LAYER, m.layer))
                fields["valueQuantity"] = _quantity(m.thickness)
            elif isinstance(m, ERGMeasurement):
                fields["valueQuantity"] = _quantity(m.amplitude)
            elif isinstance(m, VisualFieldMeasurement):
                fields["valueQuantity"] = _quantity(m.mean_deviation)
            else:
                fields["valueQuantity"] = _quantity(m.pressure)
        code["text"] = label
        interpretation = []
        if m.status is not None:
            interpretation.append(
                _interpretation(CS_STATUS, m.status.value, _STATUS_V3.get(m.status))
            )
        if m.change is not None:
            interpretation.append(
                _interpretation(CS_CHANGE, m.change.value, _CHANGE_V3.get(m.change))
            )
        fields["component"] = [c for c in fields.get("component", []) if c]
        return self.resource(
            "Observation",
            extension=[e for e in extensions if e],
            status="final",
            category=[_concept(_OBSERVATION_CATEGORY, category, category.capitalize())],
            code=code,
            effectiveDateTime=self.date_of(m.time),
            bodySite=body_site,
            interpretation=interpretation,
            note=[{"text": m.detail}] if m.detail else None,
            **fields,
        )

    # -- times

    def date_of(self, time: CaseTime | None) -> str | None:
        """The FHIR date(Time) of a time, at the precision that is really known."""
        if time is None:
            return None
        if time.date is not None:
            return time.date.isoformat()
        if self.anchor is None or time.anchor is not Anchor.FIRST_INTERVENTION:
            return None
        try:
            day = time.resolve(self.anchor)
        except TimelineError:
            return None  # the anchor date is too coarse for this offset
        if day is None:
            return None
        # "2021-03" + month 3 is June 2021, not 1 June 2021.
        precision = self.anchor.precision
        if precision is TimeUnit.YEAR:
            return f"{day.year:04d}"
        if precision is TimeUnit.MONTH:
            return f"{day.year:04d}-{day.month:02d}"
        return day.isoformat()


def _patient(patient: Patient) -> _Json:
    resource: _Json = {"resourceType": "Patient"}
    extensions: list[_Json] = []
    if patient.age is not None:
        age = patient.age
        extensions.append(
            {
                "url": EXT_AGE,
                "valueAge": {
                    "value": age.value,
                    "unit": age.unit.value,
                    "system": UCUM,
                    "code": _AGE_UCUM[age.unit],
                },
            }
        )
    if patient.occupation:
        extensions.append(_string_extension(EXT_OCCUPATION, patient.occupation))
    if patient.nationality:
        extensions.append(
            {
                "url": _NATIONALITY,
                "extension": [
                    {"url": "code", "valueCodeableConcept": {"text": patient.nationality}}
                ],
            }
        )
    if extensions:
        resource["extension"] = extensions
    if patient.label:
        resource["name"] = [{"use": "anonymous", "text": patient.label}]
    if patient.sex is not None:
        resource["gender"] = _SEX_GENDER[patient.sex]
    return resource


def _time_extensions(time: CaseTime | None) -> list[_Json]:
    if time is None:
        return []
    extensions = [{"url": EXT_CASE_TIME, "valueString": str(time)}]
    if time.text:
        extensions.append({"url": EXT_CASE_TIME_TEXT, "valueString": time.text})
    return extensions


def _string_extension(url: str, value: str | None) -> _Json:
    return {"url": url, "valueString": value} if value else {}


def _dose_extension(dose: Dose) -> _Json:
    parts: list[_Json] = []
    if dose.amount is not None:
        parts.append({"url": "amount", "valueQuantity": _quantity(dose.amount)})
    for name in ("per", "schedule", "text"):
        value = getattr(dose, name)
        if value:
            parts.append({"url": name, "valueString": value})
    return {"url": EXT_DOSE, "extension": parts}


def _concept(system: str, code: str, display: str) -> _Json:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _snomed(code: str, display: str) -> _Json:
    return {"system": SNOMED, "code": code, "display": display}


def _code_coding(code: Code) -> _Json:
    coding = {"system": code.system.uri, "code": code.code}
    if code.display:
        coding["display"] = code.display
    return coding


def _eye_site(side: Laterality) -> _Json:
    return {"coding": [_snomed(*_EYE_SITE[side])], "text": _EYE_TEXT[side]}


def _side_site(side: Laterality) -> _Json:
    return {"coding": [_snomed(*_SIDE[side])], "text": side.value}


def _interpretation(system: str, code: str, v3: str | None) -> _Json:
    codings = [{"system": system, "code": code}]
    if v3 is not None:
        codings.insert(0, {"system": _INTERPRETATION, "code": v3})
    return {"coding": codings, "text": code}


def _quantity(quantity: Quantity | None) -> _Json | None:
    if quantity is None:
        return None
    result: _Json = {"value": quantity.value, "unit": quantity.unit}
    code = _UCUM.get(quantity.unit)
    if code is not None:
        result |= {"system": UCUM, "code": code}
    return result


def _quantity_component(code: str, label: str, quantity: Quantity | None) -> _Json:
    if quantity is None:
        return {}
    return {
        "code": _concept(CS_COMPONENT, code, label),
        "valueQuantity": _quantity(quantity),
    }


def _acuity_value(m: VisualAcuityMeasurement) -> _Json:
    fields: _Json = {}
    methods: list[str] = [m.correction] if m.correction else []
    if m.near:
        methods.append("near")
    if methods:
        fields["method"] = {
            "coding": [{"system": CS_ACUITY_METHOD, "code": code} for code in methods],
            "text": ", ".join(code.replace("_", " ") for code in methods),
        }
    acuity = m.acuity
    if acuity is None:
        return fields
    if acuity.level is None:
        unit, code = _LOGMAR_UNIT
        fields["valueQuantity"] = {
            "value": acuity.as_logmar(),
            "unit": unit,
            "system": UCUM,
            "code": code,
        }
        return fields
    level = acuity.level
    fields["valueCodeableConcept"] = {
        "coding": [
            {
                "system": CS_QUALITATIVE_ACUITY,
                "code": level.value,
                "display": _QUALITATIVE_LABELS[level],
            }
        ],
        "text": str(acuity),
    }
    if acuity.distance is not None:
        number, unit = acuity.distance.split()
        distance = Quantity(value=float(number), unit=unit)
        fields["component"] = [_quantity_component("test_distance", "test distance", distance)]
    return fields


def _finding_value(m: Finding) -> _Json:
    if m.quantity is not None:
        fields: _Json = {"valueQuantity": _quantity(m.quantity)}
        if m.grade:
            fields["component"] = [
                {"code": _concept(CS_COMPONENT, "grade", "grade"), "valueString": m.grade}
            ]
        return fields
    return {"valueString": m.grade} if m.grade else {}


# -- reading -------------------------------------------------------------------------


def from_bundle(bundle: Any) -> CaseRecord:
    """Read a Bundle written by :func:`to_bundle` back into a :class:`CaseRecord`.

    ``bundle`` may be a ``fhir.resources`` Bundle, its JSON text (str or
    bytes) or its dict.  It is validated as FHIR R4B first.  See the module
    docstring for what comes back exactly; what cannot be mapped raises
    :class:`~caserecord.errors.ConversionError`.
    """
    data = _bundle_json(bundle)
    if data.get("type") != "collection":
        raise ConversionError(
            f"a case record bundle must have type 'collection' (got {data.get('type')!r})"
        )
    fields: _Json = {
        "conditions": [],
        "prior_treatments": [],
        "interventions": [],
        "adverse_events": [],
        "measurements": [],
        "absent_findings": [],
    }
    identifier = data.get("identifier") or {}
    if identifier.get("system") == CASE_ID_SYSTEM:
        fields["id"] = identifier.get("value")
    anchor = _extension_value((data.get("meta") or {}), EXT_ANCHOR_DATE, "valueDate")
    if anchor is not None:
        fields["anchor_date"] = PartialDate.parse(anchor)
    for index, entry in enumerate(data.get("entry") or []):
        resource = entry.get("resource") or {}
        kind = resource.get("resourceType")
        where = f"entry[{index}] ({kind})"
        try:
            _read_resource(kind, resource, fields)
        except (ValueError, KeyError) as exc:
            if isinstance(exc, ConversionError):
                raise ConversionError(f"{where}: {exc}") from None
            raise ConversionError(f"{where} cannot be read as caserecord data: {exc}") from exc
    return CaseRecord(**fields)


def _bundle_json(bundle: Any) -> _Json:
    bundle_class = _bundle_class()
    if isinstance(bundle, bundle_class):
        validated = bundle
    elif isinstance(bundle, str | bytes | bytearray):
        validated = bundle_class.model_validate_json(bundle)
    elif isinstance(bundle, Mapping):
        validated = bundle_class.model_validate(dict(bundle))
    elif hasattr(bundle, "model_dump_json"):  # a Bundle of another FHIR release
        validated = bundle_class.model_validate_json(bundle.model_dump_json())
    else:
        raise TypeError(
            "bundle must be a fhir.resources Bundle, its JSON text or its dict "
            f"(got {type(bundle).__name__})"
        )
    result: _Json = json.loads(validated.model_dump_json())
    return result


def _read_resource(kind: str | None, resource: _Json, fields: _Json) -> None:
    match kind:
        case "Patient":
            if "patient" in fields:
                raise ConversionError("a case record has one patient (got a second Patient)")
            fields["patient"] = _read_patient(resource)
        case "DocumentReference":
            fields["source"] = _read_document(resource)
        case "Condition":
            fields["conditions"].append(_read_condition(resource))
        case "Procedure":
            if _extension_value(resource, EXT_PRIOR, "valueBoolean"):
                fields["prior_treatments"].append(_read_prior_treatment(resource))
            else:
                fields["interventions"].append(_read_intervention(resource))
        case "AdverseEvent":
            fields["adverse_events"].append(_read_adverse_event(resource))
        case "Observation":
            if _code_of(resource.get("code"), CS_MEASURE, CS_FINDING) is None:
                fields["absent_findings"].append(_read_absent_finding(resource))
            else:
                fields["measurements"].append(_read_measurement(resource))
        case _:
            raise ConversionError(
                "caserecord reads Patient, DocumentReference, Condition, Procedure, "
                f"AdverseEvent and Observation resources (got {kind})"
            )


def _extensions(element: _Json, url: str) -> list[_Json]:
    return [e for e in element.get("extension") or [] if e.get("url") == url]


def _extension_value(element: _Json, url: str, key: str) -> Any:
    found = _extensions(element, url)
    return found[0].get(key) if found else None


def _codings(concept: _Json | None) -> list[_Json]:
    return list((concept or {}).get("coding") or [])


def _code_of(concept: _Json | None, *systems: str) -> str | None:
    for coding in _codings(concept):
        if coding.get("system") in systems:
            code: str | None = coding.get("code")
            return code
    return None


def _read_time(resource: _Json, date_key: str) -> CaseTime | None:
    canonical = _extension_value(resource, EXT_CASE_TIME, "valueString")
    if canonical is None:
        # Not written by caserecord: the date is all there is.
        date = resource.get(date_key)
        return CaseTime(date=PartialDate.parse(date[:10])) if date else None
    time = CaseTime.parse(canonical)
    return time.model_copy(
        update={"text": _extension_value(resource, EXT_CASE_TIME_TEXT, "valueString")}
    )


def _laterality(site: _Json | None) -> Laterality | None:
    for coding in _codings(site):
        if coding.get("system") == SNOMED and coding.get("code") in _LATERALITY_BY_SNOMED:
            return _LATERALITY_BY_SNOMED[coding["code"]]
    return None


def _read_quantity(data: _Json | None) -> Quantity | None:
    if data is None:
        return None
    unit = data.get("unit") or _UNIT_BY_UCUM.get(data.get("code", ""), data.get("code"))
    return Quantity(value=data["value"], unit=unit)


def _read_patient(resource: _Json) -> Patient:
    fields: _Json = {"occupation": _extension_value(resource, EXT_OCCUPATION, "valueString")}
    age = _extension_value(resource, EXT_AGE, "valueAge")
    if age is not None:
        unit = _AGE_BY_UCUM.get(age.get("code", "")) or AgeUnit(age.get("unit", "year"))
        fields["age"] = Age(value=age["value"], unit=unit)
    for nationality in _extensions(resource, _NATIONALITY):
        for part in nationality.get("extension") or []:
            if part.get("url") == "code":
                fields["nationality"] = (part.get("valueCodeableConcept") or {}).get("text")
    names = [n for n in resource.get("name") or [] if n.get("use") == "anonymous"]
    if names:
        fields["label"] = names[0].get("text")
    if resource.get("gender") in ("male", "female"):
        fields["sex"] = Sex(resource["gender"])
    return Patient(**fields)


def _read_document(resource: _Json) -> Narrative:
    attachment = resource["content"][0]["attachment"]
    text = base64.b64decode(attachment["data"]).decode("utf-8")
    return Narrative(text=text, title=attachment.get("title"))


def _read_condition(resource: _Json) -> Condition:
    systems = {system.uri: system for system in CodeSystem}
    code = resource.get("code") or {}
    codes = [
        Code(system=systems[c["system"]], code=c["code"], display=c.get("display"))
        for c in _codings(code)
        if c.get("system") in systems
    ]
    sites = [s for s in (_laterality(site) for site in resource.get("bodySite") or []) if s]
    due_to = _extension_value(resource, _DUE_TO, "valueCodeableConcept")
    return Condition(
        name=code.get("text") or (codes[0].display if codes and codes[0].display else ""),
        laterality=sites[0] if sites else None,
        cause=(due_to or {}).get("text"),
        onset=_read_time(resource, "onsetDateTime"),
        codes=codes,
    )


def _procedure_kind(resource: _Json) -> InterventionKind:
    code = _code_of(resource.get("category"), CS_INTERVENTION_KIND)
    return InterventionKind(code) if code else InterventionKind.OTHER


def _read_prior_treatment(resource: _Json) -> PriorTreatment:
    return PriorTreatment(
        name=(resource.get("code") or {}).get("text", ""),
        kind=_procedure_kind(resource),
        time=_read_time(resource, "performedDateTime"),
    )


def _read_intervention(resource: _Json) -> Intervention:
    laterality = target_site = None
    for site in resource.get("bodySite") or []:
        side = _laterality(site)
        if side is not None:
            laterality = side
        elif site.get("text"):
            target_site = site["text"]
    dose = None
    for extension in _extensions(resource, EXT_DOSE):
        parts = {p["url"]: p for p in extension.get("extension") or []}
        dose = Dose(
            amount=_read_quantity(parts.get("amount", {}).get("valueQuantity")),
            per=parts.get("per", {}).get("valueString"),
            schedule=parts.get("schedule", {}).get("valueString"),
            text=parts.get("text", {}).get("valueString"),
        )
    return Intervention(
        kind=_procedure_kind(resource),
        name=(resource.get("code") or {}).get("text", ""),
        cell_type=_extension_value(resource, EXT_CELL_TYPE, "valueString"),
        cell_source=_extension_value(resource, EXT_CELL_SOURCE, "valueString"),
        route=_extension_value(resource, EXT_ROUTE, "valueString"),
        target_site=target_site,
        laterality=laterality,
        sessions=_extension_value(resource, EXT_SESSIONS, "valuePositiveInt"),
        dose=dose,
        time=_read_time(resource, "performedDateTime"),
    )


def _read_adverse_event(resource: _Json) -> AdverseEvent:
    severity = None
    code = _code_of(resource.get("severity"), _AE_SEVERITY)
    if _code_of(resource.get("seriousness"), _AE_SERIOUSNESS) == _LIFE_THREATENING:
        severity = Severity.LIFE_THREATENING
    elif code is not None:
        severity = Severity(code)
    outcome = _code_of(resource.get("outcome"), _AE_OUTCOME)
    resolved = {"resolved": True, "ongoing": False}.get(outcome or "")
    return AdverseEvent(
        description=(resource.get("event") or {}).get("text", ""),
        severity=severity,
        onset=_read_time(resource, "date"),
        duration=_extension_value(resource, EXT_DURATION, "valueString"),
        resolved=resolved,
    )


def _read_absent_finding(resource: _Json) -> AbsentFinding:
    value = resource.get("valueCodeableConcept")
    if _code_of(value, SNOMED) != _SNOMED_ABSENT[0] and _code_of(value, CS_STATUS) != "absent":
        raise ConversionError(
            "an Observation needs a caserecord measure code, or the value Absent "
            f"(got code {resource.get('code')})"
        )
    return AbsentFinding(
        description=(resource.get("code") or {}).get("text", ""),
        time=_read_time(resource, "effectiveDateTime"),
    )


def _components(resource: _Json) -> dict[str, _Json]:
    found: dict[str, _Json] = {}
    for component in resource.get("component") or []:
        code = _code_of(component.get("code"), CS_COMPONENT)
        if code is not None:
            found[code] = component
    return found


def _read_measurement(resource: _Json) -> Measurement:
    time = _read_time(resource, "effectiveDateTime")
    if time is None:
        raise ConversionError("a measurement Observation needs a time (got none)")
    common: _Json = {
        "time": time,
        "eye": _laterality(resource.get("bodySite")),
        "subject": _extension_value(resource, EXT_SUBJECT, "valueString"),
        "detail": (resource.get("note") or [{}])[0].get("text"),
    }
    for concept in resource.get("interpretation") or []:
        if (status := _code_of(concept, CS_STATUS)) is not None:
            common["status"] = Status(status)
        if (change := _code_of(concept, CS_CHANGE)) is not None:
            common["change"] = Change(change)
    code = resource.get("code")
    components = _components(resource)
    if (name := _code_of(code, CS_FINDING)) is not None:
        grade = resource.get("valueString") or components.get("grade", {}).get("valueString")
        value = _read_quantity(resource.get("valueQuantity"))
        return Finding(name=name, quantity=value, grade=grade, **common)
    measure = _code_of(code, CS_MEASURE)
    if measure == "visual_acuity":
        return _read_acuity(resource, components, common)
    value = _read_quantity(resource.get("valueQuantity"))
    match measure:
        case "vep":
            return VEPMeasurement(
                p100_latency=_component_quantity(components, "p100_latency"),
                amplitude=_component_quantity(components, "amplitude"),
                **common,
            )
        case "erg":
            return ERGMeasurement(amplitude=value, **common)
        case "oct":
            layer = _extension_value(resource, EXT_OCT_LAYER, "valueString")
            return OCTMeasurement(layer=layer, thickness=value, **common)
        case "visual_field":
            return VisualFieldMeasurement(mean_deviation=value, **common)
        case "intraocular_pressure":
            return IntraocularPressure(pressure=value, **common)
    raise ConversionError(f"unknown caserecord measure (got code {code})")


def _component_quantity(components: dict[str, _Json], code: str) -> Quantity | None:
    return _read_quantity(components.get(code, {}).get("valueQuantity"))


def _read_acuity(
    resource: _Json, components: dict[str, _Json], common: _Json
) -> VisualAcuityMeasurement:
    methods = [c.get("code") for c in _codings(resource.get("method"))]
    correction = next((m for m in methods if m in _ACUITY_METHODS), None)
    written = _extension_value(resource, EXT_VISUAL_ACUITY, "valueString")
    acuity: VisualAcuity | None = None
    if written is not None:
        acuity = VisualAcuity.parse(written)
    elif level := _code_of(resource.get("valueCodeableConcept"), CS_QUALITATIVE_ACUITY):
        distance = _component_quantity(components, "test_distance")
        where = f"{distance.value:g} {distance.unit}" if distance else None
        acuity = VisualAcuity.qualitative(level, where)
    elif (logmar := resource.get("valueQuantity")) is not None:
        acuity = VisualAcuity.logmar(logmar["value"])
    return VisualAcuityMeasurement(
        acuity=acuity, correction=correction, near="near" in methods, **common
    )
