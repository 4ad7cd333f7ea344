"""Treatments and side effects laid out under headings of their own: a discharge letter's
"Treatment given:" list, a "Complications:" paragraph, a forum post's "Side effects, to be
honest: ..." run of verbless items.

Every narrative is written for these tests; none is taken from a corpus.
"""

from __future__ import annotations

import pytest

from caserecord import extract
from caserecord.record import CaseRecord

# -- narratives -----------------------------------------------------------------------------

LETTER_SCI = (
    "Name: R. T.\n"
    "Diagnosis: incomplete spinal cord injury at T10\n"
    "\n"
    "Treatment given:\n"
    "1. Autologous bone marrow mononuclear cells, intrathecal via lumbar puncture, on 02 "
    "March 2022 and 16 March 2022.\n"
    "2. Daily physiotherapy throughout the admission.\n"
    "\n"
    "Complications:\n"
    "Low back pain after the second puncture (mild; settled with paracetamol). "
    "Transient nausea. No fever.\n"
)

SUMMARY_MS = (
    "Diagnosis: relapsing multiple sclerosis\n"
    "\n"
    "Treatment:\n"
    "- Umbilical cord mesenchymal stem cells, intravenous, 14 June 2021\n"
    "\n"
    "Adverse events:\n"
    "- Headache on the evening of the infusion\n"
    "- Mild rash on both forearms\n"
)

FORUM_ALS = (
    "My husband has ALS since 2018. In 2020 he received his own stem cells by IV at a "
    "clinic abroad. Side effects, if you want to know: bad fatigue for a month, a rash on "
    "the arms, and fever on day 3 after the cells. Nothing else.\n"
)

FORUM_NO_HEADING = (
    "My daughter has optic nerve hypoplasia. She received stem cells by IV in 2019. "
    "Her school report, to be honest: reading better, drawing slower, and happier.\n"
)


def _record(text: str) -> CaseRecord:
    return extract(text)


def _events(text: str) -> list[str]:
    return [e.description.lower() for e in _record(text).adverse_events]


# -- treatments under a heading line ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "source", "route"),
    [
        (LETTER_SCI, "bone marrow", "intrathecal"),
        (SUMMARY_MS, "umbilical cord", "intravenous"),
    ],
)
def test_a_treatment_heading_line_gives_the_items_below_it(
    text: str, source: str, route: str
) -> None:
    cells = [i for i in _record(text).interventions if i.kind == "cell_therapy"]
    assert len(cells) == 1
    assert source in (cells[0].cell_source or "")
    assert route in str(cells[0].route or "").lower()


def test_a_rehabilitation_item_under_the_heading_is_its_own_intervention() -> None:
    names = [i.name.lower() for i in _record(LETTER_SCI).interventions]
    assert any("physiotherapy" in name for name in names)


def test_a_date_after_a_number_is_no_count_of_sessions() -> None:
    # "on 02 March 2022 and 16 March 2022.": 16 is a day of the month, not 16 sessions
    cells = [i for i in _record(LETTER_SCI).interventions if i.kind == "cell_therapy"]
    assert cells[0].sessions in (None, 2)


# -- side effects under a heading or a label ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (LETTER_SCI, ["back pain", "nausea"]),
        (SUMMARY_MS, ["headache", "rash"]),
        (FORUM_ALS, ["fatigue", "rash", "fever"]),
    ],
)
def test_items_under_a_side_effect_heading_are_events(text: str, expected: list[str]) -> None:
    events = _events(text)
    for word in expected:
        assert any(word in event for event in events), (word, events)


def test_a_denied_item_under_the_heading_is_no_event() -> None:
    assert not any("fever" in event for event in _events(LETTER_SCI))


def test_the_remark_in_brackets_grades_the_item_and_stays_out_of_its_name() -> None:
    pain = [e for e in _record(LETTER_SCI).adverse_events if "pain" in e.description.lower()]
    assert pain
    assert "mild" in str(pain[0].severity).lower()
    assert "paracetamol" not in pain[0].description


def test_a_label_that_names_no_side_effects_lists_none() -> None:
    assert _events(FORUM_NO_HEADING) == []
