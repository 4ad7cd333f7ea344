"""caserecord.tables: the tidy measurement table and the one-row-per-case table."""

import math
import subprocess
import sys

import pandas as pd
import pytest

from caserecord import (
    CaseRecord,
    CaseTime,
    Condition,
    Evidence,
    Finding,
    Intervention,
    MissingExtraError,
    Narrative,
    Patient,
    VEPMeasurement,
    VisualAcuityMeasurement,
)
from caserecord.tables import (
    CASE_COLUMNS,
    MEASUREMENT_COLUMNS,
    acuity_points,
    cases_frame,
    time_in_days,
    to_frame,
)
from caserecord.timeline import DAYS_PER_MONTH, PartialDate


def va(
    time: str, acuity: str, eye: str | None = "OD", **fields: object
) -> VisualAcuityMeasurement:
    return VisualAcuityMeasurement(time=CaseTime.parse(time), acuity=acuity, eye=eye, **fields)


def story(id: str = "story", laterality: str = "right") -> CaseRecord:
    return CaseRecord(
        id=id,
        patient=Patient(sex="male", age=47, occupation="engineer"),
        conditions=[Condition(name="optic nerve injury", laterality=laterality)],
        interventions=[
            Intervention(kind="drug", name="eye drops", time="day 30"),
            Intervention(
                kind="cell_therapy",
                name="MSC injection",
                cell_type="mesenchymal stem cells",
                route="optic nerve sheath",
                time="day 0",
            ),
        ],
        measurements=[
            va("month 6", "0.15 decimal"),
            va("baseline", "LP"),
            va("month 1", "HM"),
            VEPMeasurement(
                time=CaseTime.parse("month 3"),
                eye="OD",
                p100_latency="128 ms",
                amplitude="4.2 uV",
                change="improved",
            ),
        ],
    )


# -- time_in_days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("time", "anchor_date", "expected"),
    [
        ("baseline", None, 0.0),
        ("day 0", None, 0.0),
        ("month 6", None, 6 * DAYS_PER_MONTH),
        ("-4 months", None, -4 * DAYS_PER_MONTH),
        ("~week 2", None, 14.0),
        ("discharge at day 10", None, 10.0),
        ("discharge", None, None),
        ("follow-up", None, None),
        ("2021-09", "2021-03", 6 * DAYS_PER_MONTH),
        ("2021-03-20", "2021-03-16", 4.0),
        ("2021-09", None, None),
        ("discharge (2021-03-20)", "2021-03-16", 4.0),
        ("discharge (2021-03-20)", None, None),
        ("month 3 from onset", None, None),
    ],
)
def test_time_in_days(time: str, anchor_date: str | None, expected: float | None) -> None:
    anchor = PartialDate.parse(anchor_date) if anchor_date else None
    days = time_in_days(CaseTime.parse(time), anchor_date=anchor)
    if expected is None:
        assert days is None
    else:
        assert days == pytest.approx(expected)


# -- to_frame ---------------------------------------------------------------------------------


def test_columns_and_dtypes() -> None:
    frame = to_frame([story()])
    assert tuple(frame.columns) == MEASUREMENT_COLUMNS
    for column in ("time_days", "logmar", "number"):
        assert frame[column].dtype == "float64"


def test_one_row_per_measurement_in_time_order() -> None:
    frame = to_frame([story("a"), story("b")])
    assert len(frame) == 8
    assert list(frame["case_id"]) == ["a"] * 4 + ["b"] * 4
    assert list(frame["time"][:4]) == ["baseline", "month 1", "month 3", "month 6"]
    assert list(frame["phase"][:2].fillna("-")) == ["baseline", "-"]
    assert list(frame["time_days"][:4]) == pytest.approx(
        [0.0, DAYS_PER_MONTH, 3 * DAYS_PER_MONTH, 6 * DAYS_PER_MONTH]
    )


def test_acuity_row_keeps_source_notation_and_logmar() -> None:
    frame = to_frame(story()).set_index("time")
    month6, baseline = frame.loc["month 6"], frame.loc["baseline"]
    assert month6["value"] == "0.15"
    assert month6["notation"] == "decimal"
    assert month6["logmar"] == pytest.approx(-math.log10(0.15))
    assert month6["eye"] == "right"
    assert baseline["value"] == "LP"
    assert baseline["notation"] == "qualitative"
    assert baseline["logmar"] == 2.7  # Schulze-Bonsel substitute
    assert math.isnan(month6["number"])


def test_substitutes_override_qualitative_logmar() -> None:
    frame = to_frame(story(), substitutes={"LP": 2.9}).set_index("time")
    assert frame.loc["baseline", "logmar"] == 2.9
    assert frame.loc["month 1", "logmar"] == 2.3


def test_vep_row_carries_latency_change_and_no_logmar() -> None:
    row = to_frame(story()).set_index("measure").loc["vep"]
    assert row["kind"] == "vep"
    assert (row["number"], row["unit"]) == (128.0, "ms")
    assert row["value"] == "P100 128 ms; amplitude 4.2 uV"
    assert row["change"] == "improved"
    assert pd.isna(row["logmar"])
    assert pd.isna(row["notation"])


def test_evidence_is_the_value_quote_not_the_time() -> None:
    text = "By the sixth month vision was 0.15."
    record = CaseRecord(
        source=Narrative(text=text),
        measurements=[
            VisualAcuityMeasurement(
                time=CaseTime.parse("month 6"),
                acuity="0.15 decimal",
                evidence={
                    "time": Evidence.of(text, 0, 17),
                    "acuity": Evidence.of(text, 30, 34),
                },
            ),
            Finding(
                time=CaseTime.parse("month 6"),
                name="vision",
                change="improved",
                evidence={"time": Evidence.of(text, 0, 17)},
            ),
        ],
    )
    assert list(to_frame(record)["evidence"]) == ["0.15", "By the sixth mont"]


def test_finding_and_subject_columns() -> None:
    record = CaseRecord(
        id="cp",
        measurements=[
            Finding(
                time=CaseTime.parse("month 3"),
                name="sitting",
                quantity="20 min",
            ),
            Finding(
                time=CaseTime.parse("month 3"),
                name="spasticity",
                subject="legs",
                status="abnormal",
            ),
        ],
    )
    frame = to_frame(record)
    assert list(frame["measure"]) == ["sitting", "spasticity"]
    assert list(frame["subject"].fillna("-")) == ["-", "legs"]
    assert frame["number"][0] == 20.0
    assert frame["unit"][0] == "min"
    assert frame["status"][1] == "abnormal"
    assert frame["eye"].isna().all()


def test_date_only_times_are_placed_through_the_anchor_date() -> None:
    record = CaseRecord(
        anchor_date="2021-03",
        measurements=[va("2021-09", "20/200"), va("follow-up", "20/100")],
    )
    frame = to_frame(record)
    assert frame["time_days"][0] == pytest.approx(6 * DAYS_PER_MONTH)
    assert math.isnan(frame["time_days"][1])


def test_empty_input_gives_the_columns_and_no_rows() -> None:
    frame = to_frame([])
    assert frame.empty
    assert tuple(frame.columns) == MEASUREMENT_COLUMNS
    assert frame["logmar"].dtype == "float64"


def test_record_to_frame_delegates() -> None:
    record = story()
    pd.testing.assert_frame_equal(record.to_frame(), to_frame([record]))


def test_hundreds_of_records_in_one_table() -> None:
    records = [story(f"case-{i}") for i in range(300)]
    frame = to_frame(records)
    assert len(frame) == 300 * 4
    assert frame["case_id"].nunique() == 300
    assert len(cases_frame(records)) == 300


# -- acuity_points ------------------------------------------------------------------------------


def test_acuity_points_skip_words_and_near_acuity_and_order_by_time() -> None:
    record = CaseRecord(
        measurements=[
            va("month 6", "20/40"),
            VisualAcuityMeasurement(time=CaseTime.parse("month 3"), eye="OD", change="improved"),
            va("month 3", "20/30", near=True),
            va("discharge", "20/100"),
            va("-2 weeks", "20/400"),
        ]
    )
    points = acuity_points(record)
    assert [str(p.measurement.time) for p in points] == ["-2 weeks", "discharge", "month 6"]
    assert [p.days for p in points] == [-14.0, None, 6 * DAYS_PER_MONTH]


# -- cases_frame --------------------------------------------------------------------------------


def test_case_row_summarises_the_story() -> None:
    row = cases_frame([story()]).iloc[0]
    assert row["case_id"] == "story"
    assert (row["sex"], row["age_years"], row["occupation"]) == ("male", 47.0, "engineer")
    assert (row["diagnosis"], row["laterality"]) == ("optic nerve injury", "right")
    # The earliest intervention, not the first listed.
    assert row["intervention"] == "MSC injection"
    assert row["intervention_kind"] == "cell_therapy"
    assert row["cell_type"] == "mesenchymal stem cells"
    assert row["route"] == "optic nerve sheath"
    assert row["acuity_eye"] == "right"
    assert (row["baseline_acuity"], row["baseline_logmar"]) == ("LP", 2.7)
    assert row["last_acuity"] == "0.15"
    assert row["last_time"] == "month 6"
    assert row["last_logmar"] == pytest.approx(0.8239, abs=1e-4)
    assert row["n_measurements"] == 4
    assert row["n_adverse_events"] == 0


@pytest.mark.parametrize(
    ("measurements", "eye", "baseline", "last", "change"),
    [
        # Negative change is better vision: 20/200 -> 20/100 gains 0.3 logMAR.
        ([va("baseline", "20/200"), va("month 3", "20/100")], "right", 1.0, 0.7, -0.3),
        ([va("baseline", "20/100"), va("month 3", "20/200")], "right", 0.7, 1.0, 0.3),
        # The latest value before treatment is the baseline.
        (
            [va("-3 months", "20/400"), va("baseline", "20/200"), va("month 1", "20/200")],
            "right",
            1.0,
            1.0,
            0.0,
        ),
        # A follow-up without a count ends the story.
        (
            [va("baseline", "CF"), va("follow-up", "20/200"), va("month 6", "HM")],
            "right",
            1.9,
            1.0,
            -0.9,
        ),
        # Discharge without a count is after day 0.
        ([va("baseline", "HM"), va("discharge", "CF")], "right", 2.3, 1.9, -0.4),
        # No eye stated in a right-eye story: the values are the right eye's.
        ([va("baseline", "LP", eye=None), va("month 1", "HM", eye=None)], "right", 2.7, 2.3, -0.4),
        # Only after treatment: no baseline, no change.
        ([va("month 1", "20/200")], "right", math.nan, 1.0, math.nan),
        # Words only: nothing to summarise.
        (
            [VisualAcuityMeasurement(time=CaseTime.parse("month 1"), change="improved")],
            None,
            math.nan,
            math.nan,
            math.nan,
        ),
    ],
)
def test_baseline_last_and_change(
    measurements: list[VisualAcuityMeasurement],
    eye: str | None,
    baseline: float,
    last: float,
    change: float,
) -> None:
    record = CaseRecord(
        conditions=[Condition(name="optic neuropathy", laterality="right")],
        measurements=measurements,
    )
    row = cases_frame(record).iloc[0]
    assert (None if pd.isna(row["acuity_eye"]) else row["acuity_eye"]) == eye
    for column, expected in [
        ("baseline_logmar", baseline),
        ("last_logmar", last),
        ("logmar_change", change),
    ]:
        if math.isnan(expected):
            assert math.isnan(row[column]), column
        else:
            assert row[column] == pytest.approx(expected, abs=0.002), column


def test_one_sided_story_summarises_its_own_eye() -> None:
    record = CaseRecord(
        conditions=[Condition(name="optic neuropathy", laterality="left")],
        measurements=[
            va("baseline", "20/20", eye="OD"),
            va("month 3", "20/20", eye="OD"),
            va("baseline", "CF", eye="OS"),
            va("month 3", "20/400", eye="OS"),
        ],
    )
    row = cases_frame(record).iloc[0]
    assert row["acuity_eye"] == "left"
    assert row["baseline_acuity"] == "CF"
    assert row["last_acuity"] == "20/400"


def test_bilateral_story_prefers_an_eye_with_both_values_right_first() -> None:
    record = CaseRecord(
        conditions=[Condition(name="LHON", laterality="OU")],
        measurements=[
            va("month 3", "20/200", eye="OD"),  # no baseline for the right eye
            va("baseline", "CF", eye="OS"),
            va("month 3", "20/400", eye="OS"),
        ],
    )
    assert cases_frame(record).iloc[0]["acuity_eye"] == "left"
    record.measurements.append(va("baseline", "20/400", eye="OD"))
    assert cases_frame(record).iloc[0]["acuity_eye"] == "right"


def test_cases_frame_columns_dtypes_and_empty_record() -> None:
    frame = cases_frame([CaseRecord(), story()])
    assert tuple(frame.columns) == CASE_COLUMNS
    assert frame["n_measurements"].dtype == "int64"
    assert frame["baseline_logmar"].dtype == "float64"
    empty = frame.iloc[0]
    assert pd.isna(empty["case_id"])
    assert pd.isna(empty["diagnosis"])
    assert math.isnan(empty["age_years"])
    assert empty["n_measurements"] == 0


# -- optional extras ---------------------------------------------------------------------------


def test_missing_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError, match=r'pip install "caserecord\[pandas\]"'):
        to_frame([story()])
    with pytest.raises(ImportError):  # MissingExtraError is also an ImportError
        cases_frame([story()])


def test_importing_caserecord_loads_no_optional_extra() -> None:
    code = (
        "import sys, caserecord, caserecord.tables, caserecord.plot, caserecord.cli\n"
        "heavy = [m for m in ('pandas', 'matplotlib', 'fhir', 'fhir.resources') "
        "if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
