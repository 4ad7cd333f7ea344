"""Bad input across the public API: the documented error type, a message naming field and value.

One table per surface.  Each row is the call, the error it must raise
(exactly that class, not a parent), the words its message must contain --
the field or notation it is about and the offending value -- and, for a
:class:`pydantic.ValidationError`, the snake_case error ``type``.  The
command-line rows run :func:`caserecord.cli.main` and check the exit status
and that the file or value is named on stderr.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import ValidationError

import caserecord
from caserecord import (
    AdverseEvent,
    AmbiguousNotationError,
    CaseRecord,
    CaseRecordError,
    CaseTime,
    Code,
    ConversionError,
    Dose,
    Evidence,
    Finding,
    ImplausibleValueError,
    Intervention,
    IntraocularPressure,
    Laterality,
    NotationError,
    OCTMeasurement,
    PartialDate,
    Patient,
    Quantity,
    Sex,
    TimelineError,
    VEPMeasurement,
    VisualAcuity,
    VisualAcuityMeasurement,
)
from caserecord.patient import Age


@dataclass(frozen=True)
class Bad:
    call: Callable[[], object]
    error: type[Exception]
    names: tuple[str, ...]  # the field (or notation) and the value the message must name
    kind: str | None = None  # the pydantic error type, for ValidationError rows


def case(
    id: str,
    call: Callable[[], object],
    error: type[Exception],
    *names: str,
    kind: str | None = None,
) -> object:
    return pytest.param(Bad(call, error, names, kind), id=id)


def record_json(body: str) -> Callable[[], object]:
    return lambda: CaseRecord.model_validate_json(body)


def set_age(value: object) -> None:
    patient = Patient()
    patient.age = value  # type: ignore[assignment]  # validate_assignment is on


BAD_INPUTS = [
    # -- visual acuity notations ---------------------------------------------------
    case(
        "acuity-garbage",
        lambda: VisualAcuity.parse("20/abc"),
        NotationError,
        "visual acuity",
        "'20/abc'",
    ),
    case(
        "acuity-blank",
        lambda: VisualAcuity.parse("   "),
        NotationError,
        "visual acuity",
        "empty",
        "'   '",
    ),
    case(
        "acuity-bare-number",
        lambda: VisualAcuity.parse("0.5"),
        AmbiguousNotationError,
        "notation=",
        "'0.5'",
    ),
    case(
        "acuity-bare-implausible",
        lambda: VisualAcuity.parse("300"),
        AmbiguousNotationError,
        "notation",
        "'300'",
    ),
    case(
        "acuity-snellen-zero",
        lambda: VisualAcuity.parse("20/0"),
        ImplausibleValueError,
        "Snellen",
        "'20/0'",
    ),
    case(
        "acuity-snellen-negative",
        lambda: VisualAcuity.snellen(20, -40),
        ImplausibleValueError,
        "Snellen",
        "20/-40",
    ),
    case(
        "acuity-snellen-unit",
        lambda: VisualAcuity.snellen(20, 40, unit="yd"),  # type: ignore[arg-type]
        NotationError,
        "Snellen unit",
        "'yd'",
    ),
    case(
        "acuity-letters-range",
        lambda: VisualAcuity.parse("150 letters"),
        ImplausibleValueError,
        "ETDRS letter",
        "'150 letters'",
    ),
    case(
        "acuity-letters-fraction",
        lambda: VisualAcuity.parse("55.5 letters"),
        ImplausibleValueError,
        "whole number",
        "'55.5 letters'",
    ),
    case(
        "acuity-letters-constructor",
        lambda: VisualAcuity.etdrs_letters(101),
        ImplausibleValueError,
        "ETDRS letter",
        "101",
    ),
    case(
        "acuity-logmar-range",
        lambda: VisualAcuity.parse("5.0 logMAR"),
        ImplausibleValueError,
        "logMAR",
        "'5.0 logMAR'",
    ),
    case(
        "acuity-logmar-constructor",
        lambda: VisualAcuity.logmar(3.5),
        ImplausibleValueError,
        "logMAR",
        "3.5",
    ),
    case(
        "acuity-decimal-range",
        lambda: VisualAcuity.parse("3 decimal"),
        ImplausibleValueError,
        "decimal",
        "'3 decimal'",
    ),
    case(
        "acuity-decimal-nan",
        lambda: VisualAcuity.decimal(math.nan),
        ImplausibleValueError,
        "finite",
        "nan",
    ),
    case(
        "acuity-cf-too-far",
        lambda: VisualAcuity.parse("CF 100 m"),
        ImplausibleValueError,
        "CF test distance",
        "'CF 100 m'",
    ),
    case(
        "acuity-lp-with-distance",
        lambda: VisualAcuity.parse("LP 1 m"),
        NotationError,
        "LP takes no test distance",
        "'LP 1 m'",
    ),
    case(
        "acuity-qualitative-level",
        lambda: VisualAcuity.qualitative("XX"),
        NotationError,
        "qualitative acuity",
        "'XX'",
    ),
    case(
        "acuity-qualitative-distance",
        lambda: VisualAcuity.qualitative("CF", "far away"),
        NotationError,
        "test distance",
        "'far away'",
    ),
    case(
        "acuity-notation-conflict",
        lambda: VisualAcuity.parse("20/40", notation="decimal"),
        NotationError,
        "notation='decimal'",
        "'20/40'",
    ),
    case(
        "acuity-unknown-notation",
        lambda: VisualAcuity.parse("0.5", notation="furlongs"),
        NotationError,
        "notation must be one of",
        "'furlongs'",
    ),
    case(
        "acuity-wrong-type-bool",
        lambda: VisualAcuity.parse(True),
        NotationError,
        "visual acuity must be text",
        "True",
    ),
    case(
        "acuity-wrong-type-list",
        lambda: VisualAcuity.parse([20, 40]),  # type: ignore[arg-type]
        NotationError,
        "visual acuity must be text",
        "[20, 40]",
    ),
    case(
        "acuity-substitute-not-number",
        lambda: VisualAcuity.parse("HM").as_logmar(substitutes={"HM": "high"}),  # type: ignore[dict-item]
        NotationError,
        "substitute for HM",
        "'high'",
    ),
    case(
        "acuity-convert-unit",
        lambda: VisualAcuity.parse("20/40").as_snellen("yd"),  # type: ignore[arg-type]
        ConversionError,
        "Snellen unit",
        "'yd'",
    ),
    case(
        "acuity-format-spec",
        lambda: format(VisualAcuity.parse("20/40"), "xyz!"),
        ValueError,
        "format spec",
        "'xyz!'",
    ),
    # -- ages and patients ---------------------------------------------------------
    case(
        "age-negative",
        lambda: Age(value=-1),
        ValidationError,
        "value",
        "-1",
        kind="greater_than_equal",
    ),
    case("age-300-years", lambda: Age(value=300), ValidationError, "age", "300", kind="age_range"),
    case(
        "age-1600-months",
        lambda: Age(value=1600, unit="month"),
        ValidationError,
        "age",
        "1600",
        "month",
        kind="age_range",
    ),
    case(
        "age-unknown-unit",
        lambda: Age(value=20, unit="decade"),
        ValidationError,
        "unit",
        "decade",
        kind="enum",
    ),
    case(
        "age-wrong-type",
        lambda: Age(value="old"),
        ValidationError,
        "value",
        "old",
        kind="float_parsing",
    ),
    case(
        "patient-age-130",
        lambda: Patient(age=130),
        ValidationError,
        "age",
        "130",
        kind="age_range",
    ),
    case(
        "patient-age-assigned",
        lambda: set_age(300),
        ValidationError,
        "age",
        "300",
        kind="age_range",
    ),
    case(
        "patient-sex", lambda: Patient(sex="robot"), ValidationError, "sex", "robot", kind="enum"
    ),
    case(
        "patient-unknown-field",
        lambda: Patient(name="Bob"),  # type: ignore[call-arg]
        ValidationError,
        "name",
        "Bob",
        kind="extra_forbidden",
    ),
    case("sex-parse", lambda: Sex.parse("robot"), ValueError, "sex must be", "'robot'"),
    case(
        "laterality-parse",
        lambda: Laterality.parse("middle"),
        ValueError,
        "laterality must be",
        "'middle'",
    ),
    # -- doses and quantities ------------------------------------------------------
    case(
        "dose-negative",
        lambda: Dose.of(-5, "mL"),
        ValidationError,
        "dose",
        "-5",
        "mL",
        kind="dose_negative",
    ),
    case("dose-empty", Dose, ValidationError, "dose", "neither", kind="dose_empty"),
    case(
        "quantity-unknown-unit",
        lambda: Quantity(value=1, unit="furlong"),
        ValidationError,
        "unit",
        "'furlong'",
        kind="quantity_unit",
    ),
    case(
        "quantity-infinite",
        lambda: Quantity(value=math.inf, unit="mg"),
        ValidationError,
        "value",
        "inf",
        kind="quantity_value",
    ),
    case(
        "quantity-text",
        lambda: Quantity.model_validate("abc mg"),
        ValidationError,
        "quantity",
        "'abc mg'",
        kind="quantity_text",
    ),
    case(
        "intervention-sessions-zero",
        lambda: Intervention(name="MSC", sessions=0),
        ValidationError,
        "sessions",
        "0",
        kind="greater_than_equal",
    ),
    case(
        "intervention-empty-name",
        lambda: Intervention(name=""),
        ValidationError,
        "name",
        "input_value=''",
        kind="string_too_short",
    ),
    case(
        "adverse-event-empty",
        lambda: AdverseEvent(description=""),
        ValidationError,
        "description",
        "input_value=''",
        kind="string_too_short",
    ),
    # -- codes -----------------------------------------------------------------------
    case(
        "code-icd10-shape",
        lambda: Code(system="ICD-10", code="optic"),
        ValidationError,
        "ICD-10 code",
        "'optic'",
        kind="code_format",
    ),
    case(
        "code-snomed-check-digit",
        lambda: Code(system="SNOMED CT", code="415176005"),
        ValidationError,
        "SNOMED CT",
        "'415176005'",
        kind="code_check_digit",
    ),
    case(
        "code-unknown-system",
        lambda: Code(system="LOINC", code="1234-5"),
        ValidationError,
        "system",
        "LOINC",
        kind="enum",
    ),
    # -- dates and times -------------------------------------------------------------
    case(
        "date-ambiguous",
        lambda: PartialDate.parse("03/04/2019"),
        TimelineError,
        "ambiguous",
        "'03/04/2019'",
    ),
    case(
        "date-february-30",
        lambda: PartialDate.parse("2019-02-30"),
        ImplausibleValueError,
        "day",
        "'2019-02-30'",
        "30",
    ),
    case(
        "date-year-1700", lambda: PartialDate.parse("1700"), ImplausibleValueError, "year", "1700"
    ),
    case(
        "date-two-digit-year",
        lambda: PartialDate.parse("March 19"),
        TimelineError,
        "calendar date",
        "'March 19'",
    ),
    case("date-empty", lambda: PartialDate.parse(""), TimelineError, "calendar date", "''"),
    case(
        "date-month-13",
        lambda: PartialDate(year=2019, month=13),
        ValidationError,
        "month",
        "13",
        kind="date_month",
    ),
    case(
        "time-unreadable",
        lambda: CaseTime.parse("whenever"),
        TimelineError,
        "case time",
        "'whenever'",
    ),
    case(
        "time-too-far",
        lambda: CaseTime.parse("day 100000"),
        ImplausibleValueError,
        "case time",
        "100000 days",
    ),
    case(
        "time-value-without-unit",
        lambda: CaseTime(value=3),
        ValidationError,
        "unit",
        "3",
        kind="time_offset",
    ),
    case(
        "time-baseline-after-day0",
        lambda: CaseTime(phase="baseline", value=2, unit="month"),
        ValidationError,
        "baseline",
        "2 months",
        kind="phase_offset",
    ),
    case(
        "time-unknown-unit",
        lambda: CaseTime.at(1, "fortnight"),
        ValidationError,
        "unit",
        "'fortnight'",
        kind="time_unit",
    ),
    case(
        "time-unknown-anchor",
        lambda: CaseTime(value=1, unit="day", anchor="birthday"),
        ValidationError,
        "anchor",
        "'birthday'",
        kind="time_anchor",
    ),
    # -- evidence and measurements ---------------------------------------------------
    case(
        "evidence-backwards",
        lambda: Evidence(start=5, end=2, quote=""),
        ValidationError,
        "start=5",
        "end=2",
        kind="evidence_span",
    ),
    case(
        "evidence-quote-length",
        lambda: Evidence(start=0, end=3, quote="ab"),
        ValidationError,
        "quote",
        "'ab'",
        kind="evidence_quote",
    ),
    case(
        "evidence-unknown-field",
        lambda: Intervention(name="MSC", evidence={"colour": Evidence.of("x", 0, 1)}),
        ValidationError,
        "evidence key",
        "'colour'",
        kind="evidence_field",
    ),
    case(
        "iop-out-of-range",
        lambda: IntraocularPressure(time="baseline", pressure="120 mmHg"),
        ValidationError,
        "pressure",
        "120",
        kind="iop_range",
    ),
    case(
        "oct-negative-thickness",
        lambda: OCTMeasurement(time="baseline", thickness="-5 um"),
        ValidationError,
        "thickness",
        "-5",
        kind="oct_thickness",
    ),
    case(
        "vep-latency-unit",
        lambda: VEPMeasurement(time="baseline", p100_latency="120 uV"),
        ValidationError,
        "p100_latency",
        "120.0 uV",
        kind="measurement_unit",
    ),
    case(
        "finding-name",
        lambda: Finding(name="Muscle Strength", time="baseline", grade="4/5"),
        ValidationError,
        "name",
        "'Muscle Strength'",
        kind="finding_name",
    ),
    case(
        "acuity-measurement-empty",
        lambda: VisualAcuityMeasurement(time="baseline"),
        ValidationError,
        "visual_acuity",
        "got none",
        kind="measurement_empty",
    ),
    case(
        "acuity-measurement-notation",
        lambda: VisualAcuityMeasurement(time="baseline", acuity="20/abc"),
        ValidationError,
        "acuity",
        "'20/abc'",
        kind="acuity_notation",
    ),
    # -- extract ----------------------------------------------------------------------
    case(
        "extract-bytes",
        lambda: caserecord.extract(b"A 40-year-old man"),  # type: ignore[arg-type]
        TypeError,
        "extract()",
        "bytes",
    ),
    case(
        "extract-none",
        lambda: caserecord.extract(None),  # type: ignore[arg-type]
        TypeError,
        "extract()",
        "NoneType",
    ),
    # -- JSON records -----------------------------------------------------------------
    case(
        "json-truncated",
        record_json('{"id": '),
        ValidationError,
        "Invalid JSON",
        "line 1 column 7",
        kind="json_invalid",
    ),
    case(
        "json-not-utf8",
        lambda: CaseRecord.model_validate_json(b'{"id": "\xff"}'),
        ValidationError,
        "invalid unicode code point",
        "line 1 column 9",
        kind="json_invalid",
    ),
    case(
        "json-array",
        record_json("[]"),
        ValidationError,
        "CaseRecord",
        "input_value=[]",
        kind="model_type",
    ),
    case(
        "json-wrong-type",
        record_json('{"id": 5}'),
        ValidationError,
        "id",
        "input_value=5",
        kind="string_type",
    ),
    case(
        "json-unknown-field",
        record_json('{"bogus": 1}'),
        ValidationError,
        "bogus",
        "input_value=1",
        kind="extra_forbidden",
    ),
    case(
        "json-age",
        record_json('{"patient": {"age": 300}}'),
        ValidationError,
        "patient.age",
        "300",
        kind="age_range",
    ),
    case(
        "json-negative-dose",
        record_json(
            '{"interventions": [{"name": "MSC", "dose": {"amount": {"value": -3, "unit": "mL"}}}]}'
        ),
        ValidationError,
        "interventions.0.dose",
        "-3",
        kind="dose_negative",
    ),
    case(
        "json-nan-quantity",
        record_json(
            '{"measurements": [{"kind": "finding", "name": "walking", '
            '"time": "baseline", "quantity": {"value": NaN, "unit": "m"}}]}'
        ),
        ValidationError,
        "quantity.value",
        "nan",
        kind="quantity_value",
    ),
    case(
        "json-unknown-kind",
        record_json('{"measurements": [{"kind": "laser", "time": "baseline"}]}'),
        ValidationError,
        "kind",
        "'laser'",
        kind="union_tag_invalid",
    ),
    case(
        "json-bad-acuity",
        record_json(
            '{"measurements": [{"kind": "visual_acuity", "time": "baseline", "acuity": "20/abc"}]}'
        ),
        ValidationError,
        "measurements.0.visual_acuity.acuity",
        "'20/abc'",
        kind="acuity_notation",
    ),
    case(
        "json-anchor-date",
        record_json('{"anchor_date": "2019-13"}'),
        ValidationError,
        "anchor_date.month",
        "13",
        kind="date_month",
    ),
    case(
        "json-evidence-not-in-source",
        record_json(
            '{"source": {"text": "A man"}, "patient": {"sex": "male", "evidence": '
            '{"sex": {"start": 2, "end": 5, "quote": "men"}}}}'
        ),
        ValidationError,
        "patient.sex",
        "'men'",
        kind="evidence_mismatch",
    ),
    case(
        "json-duplicate-measurement",
        record_json(
            '{"measurements": ['
            '{"kind": "intraocular_pressure", "time": "baseline", "pressure": "15 mmHg"},'
            '{"kind": "intraocular_pressure", "time": "baseline", "pressure": "15 mmHg"}'
            "]}"
        ),
        ValidationError,
        "measurements[1]",
        "15 mmHg",
        kind="duplicate_measurement",
    ),
    case(
        "json-onset-after-treatment",
        record_json('{"conditions": [{"name": "optic atrophy", "onset": "month 3"}]}'),
        ValidationError,
        "conditions[0].onset",
        "month 3",
        kind="onset_after_treatment",
    ),
    case(
        "json-intervention-before-day0",
        record_json('{"interventions": [{"name": "MSC", "time": "-2 months"}]}'),
        ValidationError,
        "interventions[0].time",
        "-2 months",
        kind="intervention_before_day0",
    ),
    case(
        "json-adverse-event-before-treatment",
        record_json('{"adverse_events": [{"description": "fever", "onset": "-2 days"}]}'),
        ValidationError,
        "adverse_events[0].onset",
        "-2 days",
        kind="adverse_event_before_treatment",
    ),
]


@pytest.mark.parametrize("bad", BAD_INPUTS)
def test_bad_input(bad: Bad) -> None:
    with pytest.raises(Exception) as info:  # noqa: PT011 - the class is checked exactly below
        bad.call()
    error = info.value
    assert type(error) is bad.error, f"raised {type(error).__name__}: {error}"
    message = str(error)
    for name in bad.names:
        assert name in message, f"{name!r} not in message: {message}"
    if isinstance(error, ValidationError):
        assert bad.kind in {e["type"] for e in error.errors()}, error.errors()


def test_table_is_large_enough() -> None:
    assert len(BAD_INPUTS) >= 40


@pytest.mark.parametrize(
    "error",
    [NotationError, AmbiguousNotationError, ImplausibleValueError, ConversionError, TimelineError],
)
def test_documented_errors_are_value_errors(error: type[Exception]) -> None:
    # errors.py: callers that only know ValueError still catch them.
    assert issubclass(error, CaseRecordError)
    assert issubclass(error, ValueError)


# -- the command line ---------------------------------------------------------------------

cli = pytest.importorskip("caserecord.cli")


@dataclass(frozen=True)
class BadCommand:
    argv: Callable[[Path], list[str]]  # built in a temporary folder holding the bad files
    status: int
    names: tuple[str, ...]  # what stderr (or stdout) must name: the file or the value


def command(id: str, argv: Callable[[Path], list[str]], status: int, *names: str) -> object:
    return pytest.param(BadCommand(argv, status, names), id=id)


def bad_files(folder: Path) -> None:
    (folder / "empty.txt").write_text("")
    (folder / "blank.txt").write_text(" \n\t\n")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "image.gif").write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    (folder / "latin1.txt").write_bytes("Une patiente âgée de 40 ans".encode("latin-1"))
    (folder / "story.txt").write_text("A 40-year-old man had vision 20/200 OD.")
    (folder / "folder.txt").mkdir()
    (folder / "bad_record.json").write_text('{"patient": {"age": 300}}')


BAD_COMMANDS = [
    command(
        "extract-missing-file",
        lambda d: ["extract", str(d / "missing.txt")],
        1,
        "missing.txt",
        "no such file",
    ),
    command(
        "extract-empty-file", lambda d: ["extract", str(d / "empty.txt")], 1, "empty.txt", "empty"
    ),
    command(
        "extract-blank-file", lambda d: ["extract", str(d / "blank.txt")], 1, "blank.txt", "empty"
    ),
    command(
        "extract-binary-file",
        lambda d: ["extract", str(d / "image.gif")],
        1,
        "image.gif",
        "binary",
    ),
    command(
        "extract-png-file",
        lambda d: ["extract", str(d / "image.png")],
        1,
        "image.png",
        "UTF-8",
        "0x89",
    ),
    command(
        "extract-not-utf8",
        lambda d: ["extract", str(d / "latin1.txt")],
        1,
        "latin1.txt",
        "UTF-8",
        "0xe2",
    ),
    command(
        "extract-directory",
        lambda d: ["extract", str(d / "folder.txt")],
        1,
        "folder.txt",
        "directory",
    ),
    command(
        "extract-path-through-a-file",
        lambda d: ["extract", str(d / "story.txt" / "child.txt")],
        1,
        "child.txt",
        "cannot read",
    ),
    command(
        "extract-one-bad-among-good",
        lambda d: ["extract", "-q", str(d / "story.txt"), str(d / "empty.txt")],
        1,
        "empty.txt",
    ),
    command(
        "extract-unknown-format",
        lambda d: ["extract", "--format", "xml", str(d / "story.txt")],
        2,
        "'xml'",
    ),
    command(
        "show-missing-file",
        lambda d: ["show", str(d / "missing.txt")],
        1,
        "missing.txt",
        "no such file",
    ),
    command(
        "show-invalid-record",
        lambda d: ["show", str(d / "bad_record.json")],
        1,
        "bad_record.json",
        "age",
        "300",
    ),
    command("acuity-unreadable", lambda d: ["acuity", "20/abc"], 2, "'20/abc'"),
    command("acuity-bare-number", lambda d: ["acuity", "0.5"], 2, "notation", "'0.5'"),
    command("acuity-implausible", lambda d: ["acuity", "150 letters"], 2, "'150 letters'"),
    command(
        "acuity-unknown-notation",
        lambda d: ["acuity", "0.5", "--notation", "furlongs"],
        2,
        "'furlongs'",
    ),
    command(
        "acuity-unknown-target", lambda d: ["acuity", "20/40", "--to", "jaeger"], 2, "'jaeger'"
    ),
    command("schema-bad-indent", lambda d: ["schema", "--indent", "wide"], 2, "'wide'"),
    command("no-command", lambda d: [], 2, "COMMAND"),
    command("unknown-command", lambda d: ["convert", "x.txt"], 2, "'convert'"),
]


@pytest.mark.parametrize("bad", BAD_COMMANDS)
def test_bad_command(bad: BadCommand, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad_files(tmp_path)
    status = cli.main(bad.argv(tmp_path))
    out, err = capsys.readouterr()
    assert status == bad.status, f"exit status {status}; stderr: {err}"
    said = err + out
    for name in bad.names:
        assert name in said, f"{name!r} not in output: {said}"
