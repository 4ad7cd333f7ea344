"""The helpers of treatment_gate: a lead tree finds the places its alternation does."""

from __future__ import annotations

import re

from caserecord.extraction._document import Document
from caserecord.extraction._folded import fold
from caserecord.extraction._patterns import alternation, phrase_tree
from caserecord.extraction.treatment_gate import word_gates


def test_phrase_tree_finds_the_places_of_its_alternation() -> None:
    phrases = ["intravenous", "intra-venous", "i.v.", "sub-tenon's", "vitreous", "vitreous body"]
    cased = ["IV", "IT"]
    alternation_pattern = re.compile(
        alternation(phrases, flexible=True) + "|" + "|".join(w.lower() for w in cased)
    )
    tree = phrase_tree(phrases, cased=cased)
    text = fold(
        "Given IV and intra - venous, i.v. twice, into the sub-tenon’s space, "
        "the vitreous  body and with it the VITREOUS."
    )
    starts = [p for p in range(len(text)) if alternation_pattern.match(text, p)]
    assert starts
    assert [p for p in range(len(text)) if tree.match(text, p)] == starts


def test_word_gates_are_cached_per_module() -> None:
    inert_a, words_a = word_gates(frozenset({"stem"}))
    inert_b, _ = word_gates(frozenset({"cells"}))
    junk = Document.parse("Age: 5\n" * 2000)
    assert junk.memo(inert_a)
    assert junk.memo(words_a) == [frozenset()] * len(junk.sentences)
    # Same factory, one document, separate entries: one module's answer is not
    # taken for the other's.
    stems = Document.parse("Age: 5\nstem\n" * 1000)
    assert not stems.memo(inert_a)
    assert stems.memo(inert_b)
    assert "stem" in stems.memo(words_a)[1]
