"""Hypothesis: extract survives mutated realistic narratives, and its records round-trip.

``tests/extraction/test_never_raises.py`` feeds arbitrary text and a few
joined sentences; this module mutates whole narratives written for the
tests (``fuzz_strategies.NARRATIVES``): sentences dropped, duplicated and
shuffled, stories merged, numbers changed to implausible ones, words
spliced in, unicode noise, CRLF and tabs, very long lines, truncation.
Each mutation is tested on its own (so a failure names it) and in
combination.

A record is good when ``extract`` did not raise, no rule crashed behind the
guards of ``assemble`` (a crash is swallowed into a report warning, which
would make "never raises" true but hollow), and the record validates again
from its dump and round-trips through JSON unchanged.

``benchmarks/soak.py`` runs the same generators over 100,000 seeded inputs.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fuzz_strategies import (
    NARRATIVES,
    STRUCTURE_MUTATIONS,
    TEXT_MUTATIONS,
    RandomChooser,
    check_extraction,
    mutate,
    narratives,
)

MUTATIONS = sorted(STRUCTURE_MUTATIONS) + sorted(TEXT_MUTATIONS)

# Extraction takes tens of milliseconds per narrative: no deadline, few examples.
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def plain(name: str) -> str:
    return "\n\n".join(" ".join(paragraph) for paragraph in NARRATIVES[name])


@pytest.mark.parametrize("name", sorted(NARRATIVES))
def test_unmutated_narratives_are_read(name: str) -> None:
    # The seeds must be stories the extractor understands, or mutating them
    # would test little more than the empty record.
    outcome = check_extraction(plain(name))
    assert outcome.problems == []
    record = outcome.record
    assert record is not None
    assert record.conditions or record.interventions
    assert record.measurements


@pytest.mark.parametrize("mutation", MUTATIONS)
@settings(FUZZ, max_examples=10)
@given(data=st.data())
def test_each_mutation(mutation: str, data: st.DataObject) -> None:
    text = data.draw(narratives(only=mutation), label=mutation)
    assert check_extraction(text).problems == []


# Inputs that once emptied a whole record (kept as regression examples).
@settings(FUZZ, max_examples=60)
@given(text=narratives(max_mutations=5))
@example(text="He received stem cells in May 2020. Within 180138085995 hours he had severe pain.")
@example(text="A 60-year-old man. He was treated on day 0. By month 99999999999 he saw 20/20.")
@example(text="Age: 1e9\nSex: female\n\nShe had injections; 99999999999999999999999 weeks later")
def test_combined_mutations(text: str) -> None:
    assert check_extraction(text).problems == []


def test_mutations_are_reproducible_from_a_seed() -> None:
    # soak.py reports a failing input by its seed and index: the same seed
    # must rebuild the same text.
    texts = [mutate(RandomChooser(random.Random(f"7:{i}"))) for i in range(20)]
    again = [mutate(RandomChooser(random.Random(f"7:{i}"))) for i in range(20)]
    assert texts == again
    assert len(set(texts)) > 15


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_each_mutation_changes_the_text(mutation: str) -> None:
    # A mutation that never changes its input would make its test vacuous.
    rng = random.Random(mutation)
    base = plain("case_report_lhon")
    changed = [
        mutate(RandomChooser(rng), base=NARRATIVES["case_report_lhon"], only=mutation) != base
        for _ in range(10)
    ]
    assert sum(changed) >= 5
