"""Hypothesis: extract never raises on text, and what it returns is a valid record."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import caserecord
from caserecord import CaseRecord

STORY = [
    "A 52-year-old woman lost vision in her left eye two years ago.",
    "Her best corrected acuity was 20/200 OS and 20/25 OD.",
    "She received intravitreal injections of bone marrow stem cells in May 2020.",
    "There were no side effects.",
    "By the third month she could count fingers at 2 m.",
    "At the 6-month follow-up her vision was 0.3 in the left eye.",
    "Before treatment:\n- she could not read;\n- walking was slow.",
]


def check(text: str) -> None:
    record = caserecord.extract(text)
    assert CaseRecord.model_validate_json(record.model_dump_json()) == record


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text(text: str) -> None:
    check(text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(STORY), max_size=10),
    st.sampled_from(["\n", " ", "\r\n", "\t"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)
def test_mutated_stories(sentences: list[str], joiner: str, noise: str) -> None:
    check(joiner.join(sentences) + noise)
    check(noise.join(sentences))


# Letters that re.IGNORECASE takes for ASCII ones but str.lower() does not:
# a rule that matches "mıllıon" must also find it in its vocabulary.
CASE_LOOKALIKES = [("i", "ı"), ("s", "ſ"), ("k", "\u212a"), ("i", "\u0130")]
LOOKALIKE_STORY = (
    "My son, a 9-year-old boy with optic atrophy in both eyes since birth, "
    "was given 40 million umbilical cord stem cells intrathecally in 4 sessions over 2 weeks. "
    "A year earlier a fall had damaged his left optic nerve. "
    "Mild fever and headache were seen after the first session. Before treatment he could see "
    "only hand motions; at six months his visual acuity was 20/200 OU and the VEP latency "
    "was 110 ms. Intraocular pressure was 14 mmHg. Mr. Kaiser says his son is a kind, smiling kid."
)


def test_case_lookalike_letters_break_no_rule() -> None:
    for ascii_letter, lookalike in CASE_LOOKALIKES:
        text = LOOKALIKE_STORY.replace(ascii_letter, lookalike)
        record = caserecord.extract(text)
        assert record.report is not None
        failed = [n.message for n in record.report.notes if "rules failed" in n.message]
        assert failed == [], (lookalike, failed)


def test_lookalike_letters_still_read_units() -> None:
    record = caserecord.extract("At three months the VEP latency was 110 mſ.")
    assert [m.value_text() for m in record.measurements if m.kind == "vep"] == ["P100 110 ms"]
