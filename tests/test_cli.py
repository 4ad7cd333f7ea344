"""The caserecord command line, run in-process through main(argv)."""

import csv
import io
import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from caserecord import CaseRecord, CaseTime, Narrative, VisualAcuityMeasurement, cli
from caserecord.cli import main
from caserecord.tables import MEASUREMENT_COLUMNS

NARRATIVE = (
    "A 47-year-old man, an engineer, had an optic nerve injury of the right eye. "
    "Before treatment his vision was light perception. He received an injection of "
    "mesenchymal stem cells. By the sixth month his vision was 20/200.\n"
)


@pytest.fixture
def narratives(tmp_path: Path) -> list[Path]:
    paths = [tmp_path / "alpha.txt", tmp_path / "beta.txt"]
    for path in paths:
        path.write_text(NARRATIVE, encoding="utf-8")
    return paths


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


# -- extract ---------------------------------------------------------------------------------


def test_extract_json_is_one_array_named_by_file_stem(
    capsys: pytest.CaptureFixture[str], narratives: list[Path]
) -> None:
    status, out, err = run(capsys, "extract", *narratives)
    assert status == 0
    records = [CaseRecord.model_validate(item) for item in json.loads(out)]
    assert [r.id for r in records] == ["alpha", "beta"]
    assert records[0].source is not None
    assert records[0].source.text == NARRATIVE
    assert "2 files read: 2 records" in err


def test_extract_jsonl_is_one_record_per_line(
    capsys: pytest.CaptureFixture[str], narratives: list[Path]
) -> None:
    status, out, _ = run(capsys, "extract", *narratives, "--format", "jsonl")
    assert status == 0
    lines = out.splitlines()
    assert [CaseRecord.model_validate_json(line).id for line in lines] == ["alpha", "beta"]


def test_extract_csv_is_the_tidy_measurement_table(
    capsys: pytest.CaptureFixture[str], narratives: list[Path]
) -> None:
    status, out, _ = run(capsys, "extract", *narratives, "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == MEASUREMENT_COLUMNS
    records = [CaseRecord.from_narrative(NARRATIVE)] * 2
    assert len(rows) == sum(len(r.measurements) for r in records)
    assert {row["case_id"] for row in rows} == {"alpha", "beta"}


def test_extract_to_a_file(
    capsys: pytest.CaptureFixture[str], narratives: list[Path], tmp_path: Path
) -> None:
    out_file = tmp_path / "records.jsonl"
    status, out, err = run(capsys, "extract", *narratives, "-f", "jsonl", "-o", out_file)
    assert status == 0
    assert out == ""
    assert len(out_file.read_text(encoding="utf-8").splitlines()) == 2
    assert f"wrote {out_file}" in err


@pytest.mark.parametrize("make_first", [True, False])
def test_extract_to_a_directory_writes_one_file_per_input(
    capsys: pytest.CaptureFixture[str], narratives: list[Path], tmp_path: Path, make_first: bool
) -> None:
    directory = tmp_path / "out"
    if make_first:
        directory.mkdir()
        target = str(directory)
    else:
        target = f"{directory}{os.sep}"  # a trailing separator asks for a new directory
    status, out, err = run(capsys, "extract", *narratives, "-o", target)
    assert status == 0
    assert out == ""
    assert sorted(p.name for p in directory.iterdir()) == ["alpha.json", "beta.json"]
    record = CaseRecord.model_validate_json((directory / "alpha.json").read_text("utf-8"))
    assert record.id == "alpha"
    assert "wrote 2 files in" in err


def test_repeated_stems_get_distinct_ids(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "case.txt").write_text(NARRATIVE, encoding="utf-8")
    directory = tmp_path / "out"
    directory.mkdir()
    status, _, _ = run(
        capsys,
        "extract",
        tmp_path / "a" / "case.txt",
        tmp_path / "b" / "case.txt",
        "-o",
        directory,
    )
    assert status == 0
    assert sorted(p.name for p in directory.iterdir()) == ["case-2.json", "case.json"]


def _write_bad_input(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, str]:
    path = tmp_path / f"{kind}.txt"
    if kind == "empty":
        path.write_bytes(b"")
        return path, "empty file"
    if kind == "blank":
        path.write_text(" \n\t\n", encoding="utf-8")
        return path, "empty file"
    if kind == "binary":
        path.write_bytes(b"PK\x03\x04\x00\x00\x08\x00")
        return path, "looks binary"
    if kind == "latin1":
        path.write_bytes(
            "Visus 0,5 im rechten Auge, Patientin 62 Jahre, Lehrerin für Deutsch.".encode(
                "latin-1"
            )
        )
        return path, "not UTF-8 text (byte 0xfc"
    if kind == "directory":
        path.mkdir()
        return path, "is a directory"
    if kind == "missing":
        return path, "no such file"
    if kind == "unreadable":
        # chmod 000 does not stop root (CI containers), so the refusal is simulated.
        path.write_text(NARRATIVE, encoding="utf-8")
        real_read = Path.read_bytes

        def refuse(self: Path) -> bytes:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real_read(self)

        monkeypatch.setattr(Path, "read_bytes", refuse)
        return path, "cannot read (Permission denied)"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind", ["empty", "blank", "binary", "latin1", "directory", "missing", "unreadable"]
)
def test_bad_inputs_are_named_and_skipped(
    capsys: pytest.CaptureFixture[str],
    narratives: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    bad, reason = _write_bad_input(tmp_path, kind, monkeypatch)
    status, out, err = run(capsys, "extract", narratives[0], bad, narratives[1])
    assert status == 1
    assert [item["id"] for item in json.loads(out)] == ["alpha", "beta"]
    assert f"skipped {bad}: {reason}" in err
    assert "2 of 3 files read: 2 records" in err
    assert "1 skipped" in err


def test_nothing_readable_gives_an_empty_array_and_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    status, out, err = run(capsys, "extract", tmp_path / "empty.txt")
    assert status == 1
    assert json.loads(out) == []
    assert "0 of 1 files read: 0 records" in err


def test_utf8_byte_order_mark_is_not_part_of_the_story(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + NARRATIVE.encode())
    status, out, _ = run(capsys, "extract", path)
    assert status == 0
    assert json.loads(out)[0]["source"]["text"] == NARRATIVE


def test_stdin_is_read_for_a_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(NARRATIVE.encode())))
    status, out, _ = run(capsys, "extract", "-", "-q")
    assert status == 0
    assert json.loads(out)[0]["id"] == "stdin"


def test_quiet_hides_the_summary_but_not_the_skips(
    capsys: pytest.CaptureFixture[str], narratives: list[Path], tmp_path: Path
) -> None:
    status, _, err = run(capsys, "extract", narratives[0], tmp_path / "nope.txt", "-q")
    assert status == 1
    assert "skipped" in err
    assert "read" not in err


def test_progress_bar_on_an_interactive_terminal(
    capsys: pytest.CaptureFixture[str], narratives: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    status, out, err = run(capsys, "extract", *narratives)
    assert status == 0
    assert len(json.loads(out)) == 2  # the bar goes to stderr, never into the data
    assert "2 files read" in err


def test_unwritable_output_fails(
    capsys: pytest.CaptureFixture[str], narratives: list[Path], tmp_path: Path
) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.json"
    status, _, err = run(capsys, "extract", narratives[0], "-o", target)
    assert status == 1
    assert f"cannot write {target}" in err


def test_csv_without_pandas_names_the_extra(
    capsys: pytest.CaptureFixture[str], narratives: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    status, out, err = run(capsys, "extract", narratives[0], "--format", "csv")
    assert status == 2
    assert out == ""
    assert 'pip install "caserecord[pandas]"' in err


def test_fhir_without_fhir_resources_names_the_extra(
    capsys: pytest.CaptureFixture[str], narratives: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "fhir.resources", None)
    status, out, err = run(capsys, "extract", narratives[0], "--format", "fhir")
    assert status == 2
    assert out == ""
    assert 'pip install "caserecord[fhir]"' in err


def test_fhir_writes_one_bundle_per_record(
    capsys: pytest.CaptureFixture[str], narratives: list[Path], tmp_path: Path
) -> None:
    status, out, _ = run(capsys, "extract", *narratives, "--format", "fhir")
    assert status == 0
    bundles = [json.loads(line) for line in out.splitlines()]
    assert [b["resourceType"] for b in bundles] == ["Bundle", "Bundle"]

    directory = tmp_path / "bundles"
    status, _, _ = run(capsys, "extract", *narratives, "--format", "fhir", "-o", f"{directory}/")
    assert status == 0
    assert sorted(p.name for p in directory.iterdir()) == ["alpha.fhir.json", "beta.fhir.json"]
    assert json.loads((directory / "alpha.fhir.json").read_text())["resourceType"] == "Bundle"

    # show reads the Bundles back.
    status, out, _ = run(capsys, "show", directory / "alpha.fhir.json", "--no-evidence")
    assert status == 0
    assert "Case record alpha" in out


# -- show ---------------------------------------------------------------------------------------


def test_show_a_narrative_with_its_evidence(
    capsys: pytest.CaptureFixture[str], narratives: list[Path]
) -> None:
    status, out, _ = run(capsys, "show", narratives[0])
    assert status == 0
    assert "Case record alpha" in out
    assert "Where the values came from" in out
    assert "mesenchymal" in out


def saved_record() -> CaseRecord:
    text = "Vision was 20/200 at month 3."
    return CaseRecord(
        id="saved",
        source=Narrative(text=text),
        measurements=[
            VisualAcuityMeasurement(time=CaseTime.parse("month 3"), eye="OD", acuity="20/200")
        ],
    )


@pytest.mark.parametrize("layout", ["object", "array", "lines"])
def test_show_a_saved_json_record(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, layout: str
) -> None:
    record = saved_record()
    path = tmp_path / "saved.json"
    text = {
        "object": record.model_dump_json(indent=2),
        "array": f"[{record.model_dump_json()}, {record.model_dump_json()}]",
        "lines": f"{record.model_dump_json()}\n{record.model_dump_json()}\n",
    }[layout]
    path.write_text(text, encoding="utf-8")
    status, out, _ = run(capsys, "show", path, "--no-evidence")
    assert status == 0
    assert out.count("Case record saved") == (1 if layout == "object" else 2)
    assert "20/200" in out
    assert "Where the values came from" not in out


def test_show_refuses_json_that_is_not_a_record(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"id": "x", "colour": "blue"}', encoding="utf-8")
    status, out, err = run(capsys, "show", path)
    assert status == 1
    assert out == ""
    assert "is JSON but not a case record" in err
    assert "colour" in err


def test_show_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "show", tmp_path / "nope.txt")
    assert status == 1
    assert "no such file" in err


# -- acuity --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["20/200", "--to", "logmar"], "1.0"),
        (["6/60", "--to", "logmar"], "1.0"),
        (["20/40", "--to", "logmar"], "0.301"),
        (["6/12", "--to", "snellen_ft"], "20/40"),
        (["20/200", "--to", "snellen_m"], "6/60"),
        (["20/40", "--to", "letters"], "70"),
        (["0.5", "--notation", "decimal", "--to", "logmar"], "0.301"),
        (["-0.1", "--notation", "logmar", "--to", "decimal"], "1.259"),
        (["55 letters", "--to", "logmar"], "0.6"),
        (["0.30 logMAR", "-t", "snellen_ft"], "20/40"),
    ],
)
def test_acuity_conversion(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    status, out, err = run(capsys, "acuity", *argv)
    assert (status, out, err) == (0, f"{expected}\n", "")


def test_acuity_all_notations(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "acuity", "20/200")
    assert status == 0
    lines = dict(line.split(None, 1) for line in out.splitlines())
    assert lines == {
        "acuity": "20/200 (snellen_ft)",
        "logmar": "1.0",
        "decimal": "0.1",
        "snellen_ft": "20/200",
        "snellen_m": "6/60",
        "letters": "35",
        "who": "category 2, moderate visual impairment (ICD-11 9D90)",
    }


def test_qualitative_acuity_is_marked_as_substitute(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "acuity", "CF 1 m")
    assert status == 0
    assert "logmar      1.9 (substitute)" in out
    assert "category 4, blindness" in out
    status, out, err = run(capsys, "acuity", "HM", "--to", "logmar")
    assert (status, out) == (0, "2.3\n")
    assert "substitute" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["0.15"], "--notation"),
        (["banana"], "visual acuity must read like"),
        (["20/0"], "must both be > 0"),
        (["5", "--notation", "decimal"], "decimal acuity must be"),
        (["20/40", "--to", "bogus"], "invalid choice"),
        (["20/40", "--notation", "bogus"], "invalid choice"),
    ],
)
def test_acuity_errors_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, "acuity", *argv)
    assert status == 2
    assert out == ""
    assert message in err


# -- schema, help, version -----------------------------------------------------------------------


def test_schema_is_the_case_record_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "schema")
    assert status == 0
    assert json.loads(out) == CaseRecord.model_json_schema()


@pytest.mark.parametrize("command", [[], ["extract"], ["show"], ["acuity"], ["schema"]])
def test_help_has_examples(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    status, out, _ = run(capsys, *command, "--help")
    assert status == 0
    assert out.startswith(f"usage: caserecord {' '.join(command)}".rstrip())
    assert "examples:" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--version")
    assert status == 0
    assert out.startswith("caserecord ")


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["extract"]])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert "usage: caserecord" in err


def test_python_dash_m_runs_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "caserecord", "acuity", "20/200", "--to", "logmar"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "1.0\n")


def test_console_script_is_declared() -> None:
    (script,) = entry_points(group="console_scripts", name="caserecord")
    assert script.load() is main
