"""caserecord.plot: acuity trajectories on an inverted logMAR axis, headless."""

import io
import os
import subprocess
import sys

import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from caserecord import (
    CaseRecord,
    CaseTime,
    Condition,
    MissingExtraError,
    VisualAcuityMeasurement,
)
from caserecord.plot import MAX_LEGEND_ENTRIES, plot_acuity
from caserecord.timeline import DAYS_PER_MONTH


def va(time: str, acuity: str, eye: str | None = "OD") -> VisualAcuityMeasurement:
    return VisualAcuityMeasurement(time=CaseTime.parse(time), acuity=acuity, eye=eye)


def bilateral(id: str = "lhon") -> CaseRecord:
    return CaseRecord(
        id=id,
        conditions=[Condition(name="LHON", laterality="OU")],
        measurements=[
            va("baseline", "20/400", "OD"),
            va("baseline", "CF 2 ft", "OS"),
            va("month 3", "20/200", "OD"),
            va("month 3", "20/800", "OS"),
            va("month 6", "20/160", "OD"),
            va("month 6", "HM 30 cm", "OS"),
        ],
    )


def new_axes() -> Axes:
    return Figure().add_subplot()


def legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def labelled_lines(ax: Axes) -> dict[str, tuple[list[float], list[float]]]:
    return {
        str(line.get_label()): (list(line.get_xdata()), list(line.get_ydata()))  # type: ignore[arg-type]
        for line in ax.get_lines()
        if not str(line.get_label()).startswith("_")
    }


def y_ticks(ax: Axes) -> dict[str, float]:
    return {
        label.get_text(): float(tick)
        for tick, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)
    }


def test_returns_axes_of_a_standalone_figure_that_renders_to_png() -> None:
    ax = plot_acuity([bilateral()])
    assert isinstance(ax, Axes)
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG\r\n\x1a\n")


def test_better_vision_is_up() -> None:
    ax = plot_acuity(bilateral())
    assert ax.yaxis_inverted()
    bottom, top = ax.get_ylim()
    assert bottom > 3.0  # NLP, logMAR 3.0, is inside the plot, at the bottom
    assert top < 0.0  # 20/20 is inside, near the top
    assert ax.get_ylabel() == "visual acuity (logMAR)"


def test_qualitative_levels_are_labelled_at_their_substitutes() -> None:
    ticks = y_ticks(plot_acuity(bilateral()))
    assert {k: ticks[k] for k in ("CF", "HM", "LP", "NLP")} == {
        "CF": 1.9,
        "HM": 2.3,
        "LP": 2.7,
        "NLP": 3.0,
    }
    assert ticks["0.0"] == 0.0
    assert ticks["1.0"] == 1.0


def test_substitutes_move_points_and_labels() -> None:
    ax = plot_acuity(bilateral(), substitutes={"HM": 2.0, "CF": 1.8})
    ticks = y_ticks(ax)
    assert (ticks["CF"], ticks["HM"]) == (1.8, 2.0)
    _, logmar = labelled_lines(ax)["OS"]
    assert logmar[0] == 1.8
    assert logmar[-1] == 2.0


def test_one_line_per_eye_in_days_from_day_0() -> None:
    ax = plot_acuity(bilateral())
    lines = labelled_lines(ax)
    assert list(lines) == ["OD", "OS"]
    days, logmar = lines["OD"]
    assert days == pytest.approx([0.0, 3 * DAYS_PER_MONTH, 6 * DAYS_PER_MONTH])
    assert logmar == pytest.approx([1.30103, 1.0, 0.90309], abs=1e-5)
    assert lines["OS"][1] == pytest.approx([1.9, 1.60206, 2.3], abs=1e-5)
    assert legend_texts(ax) == ["OD", "OS", "baseline (before treatment)"]
    assert ax.get_title() == "Visual acuity \N{EM DASH} lhon"


def test_several_records_name_their_lines_by_case() -> None:
    ax = plot_acuity([bilateral("a"), bilateral("b")], eyes=["right"])
    assert list(labelled_lines(ax)) == ["a OD", "b OD"]
    assert ax.get_title() == "Visual acuity"


@pytest.mark.parametrize(
    ("eyes", "lines"),
    [
        (None, ["OD", "OS", "eye not stated"]),
        ("OD", ["OD"]),
        (["left"], ["OS"]),
        (["OD", "OS"], ["OD", "OS"]),
    ],
)
def test_eyes_filter(eyes: object, lines: list[str]) -> None:
    record = bilateral()
    record.measurements.append(va("month 1", "20/100", eye=None))
    ax = plot_acuity(record, eyes=eyes)  # type: ignore[arg-type]
    assert list(labelled_lines(ax)) == lines


def test_draws_into_a_given_axes_with_a_given_title() -> None:
    ax = new_axes()
    assert plot_acuity(bilateral(), ax=ax, title="Ms. Rivera") is ax
    assert ax.get_title() == "Ms. Rivera"
    assert plot_acuity(bilateral(), ax=new_axes(), title="").get_title() == ""


def test_record_plot_delegates() -> None:
    ax = bilateral().plot(title="via the record")
    assert ax.get_title() == "via the record"
    assert ax.yaxis_inverted()


def test_values_without_a_day_are_left_out_and_counted() -> None:
    record = CaseRecord(
        measurements=[va("baseline", "HM"), va("discharge", "CF"), va("month 2", "20/400")]
    )
    ax = plot_acuity(record)
    days, _ = labelled_lines(ax)["OD"]
    assert days == pytest.approx([0.0, 2 * DAYS_PER_MONTH])
    assert "1 acuity value with no day on the timeline not shown" in ax.get_xlabel()


@pytest.mark.parametrize(
    ("last", "unit"),
    [("month 6", "months"), ("day 14", "days"), ("week 4", "days")],
)
def test_x_axis_counts_months_for_long_stories(last: str, unit: str) -> None:
    ax = plot_acuity(CaseRecord(measurements=[va("baseline", "HM"), va(last, "CF")]))
    assert ax.get_xlabel().startswith(f"{unit} from day 0")


def test_month_ticks_are_labelled_in_months() -> None:
    ax = plot_acuity(bilateral())
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert {"0", "3", "6"} <= set(labels)


def test_no_acuity_values_still_draws_a_labelled_axis() -> None:
    ax = plot_acuity(CaseRecord(id="empty"))
    assert any("no visual acuity values" in t.get_text() for t in ax.texts)
    assert "LP" in y_ticks(ax)
    assert ax.get_legend() is None
    ax.figure.savefig(io.BytesIO(), format="png")


def test_a_crowded_plot_drops_the_legend() -> None:
    records = [bilateral(f"case-{i}") for i in range(MAX_LEGEND_ENTRIES)]
    ax = plot_acuity(records, ax=new_axes())
    assert len(labelled_lines(ax)) == 2 * MAX_LEGEND_ENTRIES
    assert ax.get_legend() is None


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingExtraError, match=r'pip install "caserecord\[plot\]"'):
        plot_acuity(bilateral())


def test_renders_headless_without_pyplot() -> None:
    code = (
        "import io, sys\n"
        "from caserecord import CaseRecord, CaseTime, VisualAcuityMeasurement\n"
        "from caserecord.plot import plot_acuity\n"
        "m = VisualAcuityMeasurement(time=CaseTime.parse('month 1'), acuity='20/40')\n"
        "ax = plot_acuity(CaseRecord(measurements=[m]))\n"
        "ax.figure.savefig(io.BytesIO(), format='png')\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    # No display and no backend chosen: what a CI runner or a server has.
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "DISPLAY")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    assert result.returncode == 0, result.stderr
