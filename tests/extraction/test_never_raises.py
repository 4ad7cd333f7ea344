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
