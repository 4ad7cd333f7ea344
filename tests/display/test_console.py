"""Rich rendering at a fixed width, compared with a reviewed golden file."""

from pathlib import Path

from rich.console import Console

from caserecord import (
    CaseRecord,
    CaseTime,
    Condition,
    Intervention,
    Narrative,
    Patient,
    VEPMeasurement,
    VisualAcuity,
    VisualAcuityMeasurement,
    extract,
)

GOLDEN = Path(__file__).parent / "golden"


def render(renderable: object, width: int = 100) -> str:
    console = Console(width=width, record=True, color_system=None, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    text = console.export_text()
    console.file.close()
    return text


def record() -> CaseRecord:
    return CaseRecord(
        id="demo",
        patient=Patient(sex="female", age=62, occupation="teacher"),
        conditions=[Condition(name="optic neuropathy", laterality="left")],
        interventions=[
            Intervention(
                kind="cell_therapy",
                name="MSC injection",
                route="retrobulbar",
                laterality="OS",
                sessions=2,
            )
        ],
        measurements=[
            VisualAcuityMeasurement(
                time=CaseTime.at(6, "month"), eye="OS", acuity=VisualAcuity.parse("20/80")
            ),
            VisualAcuityMeasurement(
                time=CaseTime.baseline(), eye="OS", acuity=VisualAcuity.parse("CF 1 m")
            ),
            VEPMeasurement(time=CaseTime.at(3, "month"), eye="OS", p100_latency="128 ms"),
        ],
    )


def test_record_matches_golden_rendering() -> None:
    assert render(record()) == (GOLDEN / "record_100.txt").read_text(encoding="utf-8")


def test_timeline_is_in_time_order_with_logmar_and_snellen() -> None:
    lines = [line for line in render(record()).splitlines() if "OS" in line]
    assert [line.split()[1] for line in lines] == ["baseline", "month", "month"]
    assert "CF 1 m" in lines[0]
    assert "1.90" in lines[0]
    assert "20/80" in lines[2]
    assert "0.60" in lines[2]


def test_evidence_view_highlights_extracted_spans() -> None:
    text = "A 30-year-old woman had vision of 20/200 OD before treatment."
    result = extract(text)
    console = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(result.evidence_view())
    console.file.close()
    styled = console.export_text(styles=True)
    assert "20/200" in styled
    assert "\x1b[" in styled  # spans carry a style
    assert "no source text" in render(CaseRecord(patient=Patient(age=3)).evidence_view())


def test_render_without_measurements_or_source() -> None:
    output = render(CaseRecord(source=Narrative(text="nothing here")))
    assert "patient (details not stated)" in output
    assert "Timeline" not in output
