"""caserecord: validated, structured, time-anchored records from clinical case narratives.

>>> import caserecord
>>> record = caserecord.extract("A 47-year-old man ... vision 0.15 by the sixth month.")
>>> caserecord.VisualAcuity.parse("20/200").as_logmar()
1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from caserecord.adverse_event import AbsentFinding, AdverseEvent
from caserecord.codes import Code, CodeSystem
from caserecord.diagnosis import Condition
from caserecord.errors import (
    AmbiguousNotationError,
    CaseRecordError,
    ConversionError,
    ImplausibleValueError,
    MissingExtraError,
    NotationError,
    TimelineError,
)
from caserecord.extraction import extract
from caserecord.intervention import Intervention, InterventionKind, PriorTreatment
from caserecord.outcomes.acuity import (
    AcuityNotation,
    QualitativeAcuity,
    VisualAcuity,
    VisualImpairment,
)
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
from caserecord.plot import plot_acuity
from caserecord.provenance import Evidence
from caserecord.quantity import Dose, Quantity
from caserecord.record import CaseRecord, Narrative
from caserecord.report import ExtractionReport, NoteKind, ReportNote
from caserecord.tables import cases_frame, to_frame
from caserecord.timeline import Anchor, CaseTime, PartialDate, Phase, Qualifier, TimeUnit
from caserecord.vocabulary import Change, Laterality, Severity, Sex, Status

if TYPE_CHECKING:
    from caserecord.deid import (
        DeidentifiedText,
        IdentifierCategory,
        Removal,
        date_shift_for,
        deidentify,
        deidentify_text,
        shift_date,
    )

    __version__: str

# Loaded on first use: de-identification compiles its name and place patterns
# at import (about 100 ms) and importlib.metadata costs 50 ms; a script that
# only extracts or validates should not pay for either.
_DEID_NAMES = frozenset(
    {
        "DeidentifiedText",
        "IdentifierCategory",
        "Removal",
        "date_shift_for",
        "deidentify",
        "deidentify_text",
        "shift_date",
    }
)


def __getattr__(name: str) -> Any:
    if name in _DEID_NAMES:
        from caserecord import deid

        value = getattr(deid, name)
    elif name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("caserecord")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            value = "0.0.0"
    else:
        raise AttributeError(f"module 'caserecord' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "AbsentFinding",
    "AcuityNotation",
    "AdverseEvent",
    "Age",
    "AgeUnit",
    "AmbiguousNotationError",
    "Anchor",
    "CaseRecord",
    "CaseRecordError",
    "CaseTime",
    "Change",
    "Code",
    "CodeSystem",
    "Condition",
    "ConversionError",
    "DeidentifiedText",
    "Dose",
    "ERGMeasurement",
    "Evidence",
    "ExtractionReport",
    "Finding",
    "IdentifierCategory",
    "ImplausibleValueError",
    "Intervention",
    "InterventionKind",
    "IntraocularPressure",
    "Laterality",
    "Measurement",
    "MissingExtraError",
    "Narrative",
    "NotationError",
    "NoteKind",
    "OCTMeasurement",
    "PartialDate",
    "Patient",
    "Phase",
    "PriorTreatment",
    "Qualifier",
    "QualitativeAcuity",
    "Quantity",
    "Removal",
    "ReportNote",
    "Severity",
    "Sex",
    "Status",
    "TimeUnit",
    "TimelineError",
    "VEPMeasurement",
    "VisualAcuity",
    "VisualAcuityMeasurement",
    "VisualFieldMeasurement",
    "VisualImpairment",
    "__version__",
    "cases_frame",
    "date_shift_for",
    "deidentify",
    "deidentify_text",
    "extract",
    "plot_acuity",
    "shift_date",
    "to_frame",
]
