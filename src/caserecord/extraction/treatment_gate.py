"""Cheap gates for the treatment and adverse-event rules.

Most sentences of a narrative hold none of a rule's trigger words, and a
regex built from a long alternation costs far more to run than to skip.  A
gate is a tuple of *needles*: lower-case letter runs such that every match
of the rule contains one of them.  The rule runs only when a needle occurs
in the sentence, so skipping it can never change what it finds.

Needles are looked up in the sentence *folded* (``_folded.fold``): lower-cased,
with the four non-ASCII characters that ``re.IGNORECASE`` equates with an ASCII
letter (dotted and dotless i, long s, Kelvin sign) mapped to that letter first.
A case-insensitive match of an ASCII letter run therefore always appears in
the folded text, at the same offsets (folding never changes the length of the
text).  Running the rules themselves fast on the folded text is ``_folded``'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from caserecord.extraction._document import Document
from caserecord.extraction._folded import folded_text

__all__ = [
    "cased_needles",
    "first_words",
    "flexible_needles",
    "gate_free",
    "has",
    "hit",
    "hits",
    "needles",
    "sentence_words",
    "union",
    "word_gates",
    "words",
]

_RUN = re.compile(r"[A-Za-z]+")
_LOWER_RUN = re.compile(r"[a-z]+")

Needles = tuple[str, ...] | None  # None: no gate, the rule always runs


# Every byte but "a"-"z" to a blank: the words left are the runs of lower-case letters.
_LETTERS_ONLY = bytes(c if 0x61 <= c <= 0x7A else 0x20 for c in range(256))


def sentence_words(doc: Document) -> list[frozenset[str]]:
    """The maximal runs of ASCII letters of every folded sentence (cached with ``doc.memo``)."""
    text = doc.memo(folded_text)  # as long as the text: sentence offsets hold in it
    # One character for one: a non-ASCII one becomes "?", then a blank, as any non-letter.
    letters = text.encode("ascii", "replace").translate(_LETTERS_ONLY).decode("ascii")
    return [frozenset(letters[s.start : s.end].split()) for s in doc.sentences]


def first_words(*groups: Iterable[str]) -> frozenset[str] | None:
    """The first words of case-insensitive phrases a rule matches from their start, whole.

    For a rule each match of which starts with one of the phrases, with a
    non-letter (or the edge of the sentence) before it: then each match opens
    with the phrase's first letter run, lower-cased in the folded text, and
    that run is a whole word of :func:`sentence_words`.  None when a phrase
    opens with something else than a letter.
    """
    chosen: set[str] = set()
    for phrase in (p.strip() for group in groups for p in group):
        first = _RUN.match(phrase)
        if first is None:
            return None
        chosen.add(first.group().lower())
    return frozenset(chosen)


def _choose(phrases: Iterable[str], lower: bool) -> Needles:
    chosen: list[str] = []
    for phrase in sorted(set(phrases), key=len):
        runs = [r.lower() if lower else r for r in _RUN.findall(phrase)]
        if not runs:
            return None  # a phrase without letters: no needle can stand for it
        if any(n in r for n in chosen for r in runs):
            continue  # a needle already chosen occurs in every match of this phrase too
        chosen.append(max(runs, key=len))
    return tuple(chosen)


def needles(*groups: Iterable[str]) -> Needles:
    """Needles for case-insensitive phrases: one of their letter runs each, lower-cased.

    Every letter of a phrase is matched literally (case aside) by the
    alternations of :mod:`caserecord.extraction._patterns`, so each of its
    letter runs is a substring of any match.
    """
    return _choose((p for group in groups for p in group), lower=True)


def cased_needles(*groups: Iterable[str]) -> Needles:
    """Needles for case-sensitive phrases (abbreviations), kept in their case."""
    return _choose((p for group in groups for p in group), lower=False)


_FLEXIBLE_CHARS = re.compile(r"[\s'’-]+")


def flexible_needles(*groups: Iterable[str]) -> Needles:
    """Needles for phrases of a ``flexible`` alternation: their longest literal pieces.

    A flexible phrase matches its characters literally (case aside) but for
    blanks, hyphens and apostrophes: every piece between those is a substring
    of any match, lower-cased in the folded text ("i.v." stays whole, where
    :func:`needles` would take the letter run "i").
    """
    chosen: list[str] = []
    for phrase in sorted({p.strip() for group in groups for p in group}, key=len):
        pieces = [piece.lower() for piece in _FLEXIBLE_CHARS.split(phrase) if piece]
        if not pieces or not all(piece.isascii() for piece in pieces):
            return None
        if any(n in piece for n in chosen for piece in pieces):
            continue
        chosen.append(max(pieces, key=len))
    # A needle holding another is found only where that one is: drop it.
    return tuple(n for n in chosen if not any(m != n and m in n for m in chosen))


def has(text: str, found: Needles) -> bool:
    """Whether ``text`` (folded, or raw for cased needles) may hold a match."""
    if found is None:
        return True
    for needle in found:  # noqa: SIM110 - a plain loop: faster than any() on a generator
        if needle in text:
            return True
    return False


Words = frozenset[str] | None  # None: no gate, the rule always runs


def words(*groups: Iterable[str]) -> Words:
    """Word needles for case-insensitive phrases a rule matches as whole words.

    Only for a rule whose every match puts a non-letter (or the edge of the
    sentence) on both sides of each letter run of the phrase it matched --
    word boundaries, blanks, hyphens -- and that runs on the whole sentence
    (an ``endpos`` inside a word would let ``\\b`` match there).  Then each
    run of the phrase is a whole word of :func:`sentence_words`.
    """
    chosen: set[str] = set()
    for phrase in (p for group in groups for p in group):
        runs = [r.lower() for r in _RUN.findall(phrase)]
        if not runs:
            return None
        chosen.add(max(runs, key=_rarity))  # any run would do; a rare one skips more
    return frozenset(chosen)


_COMMON = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "does", "for"),
        *("had", "has", "have", "he", "her", "his", "in", "is", "it", "no", "not", "of"),
        *("on", "or", "she", "the", "their", "they", "to", "was", "we", "were", "with"),
    }
)


def _rarity(run: str) -> tuple[bool, int]:
    return run not in _COMMON, len(run)


def hit(found: frozenset[str], gate: Words) -> bool:
    """Whether a sentence with the words ``found`` may hold a match of the gated rule."""
    return gate is None or not gate.isdisjoint(found)


def union(*gates: Words) -> Words:
    """A word gate that lets in what any of ``gates`` lets in."""
    if any(gate is None for gate in gates):
        return None
    return frozenset().union(*(gate or () for gate in gates))


def hits(found: list[frozenset[str]], gate: Words) -> list[int]:
    """The indices of the sentences (with the words ``found``) that ``gate`` lets in.

    ``[i for i, f in enumerate(found) if hit(f, gate)]``, without a call per sentence.
    """
    if gate is None:
        return list(range(len(found)))
    # Only the gate's words that some sentence has can let one in: usually a handful,
    # which makes each test below a few look-ups.
    gate = gate & _all_words(found)
    if not gate:
        return []
    disjoint = gate.isdisjoint
    return [index for index, present in enumerate(found) if not disjoint(present)]


# The last list of word sets and its union, as one pair (replaced whole, so that threads
# reading documents side by side never see the union of another list).
_LAST_WORDS: list[tuple[list[frozenset[str]] | None, frozenset[str]]] = [(None, frozenset())]


def _all_words(found: list[frozenset[str]]) -> frozenset[str]:
    """Every word of ``found``: computed once for the document being read."""
    last, words = _LAST_WORDS[0]
    if last is not found:
        words = frozenset().union(*found)
        _LAST_WORDS[0] = (found, words)
    return words


_MANY_SENTENCES = 1000  # more than any narrative has; "Age: 5" lines by the thousand
_MAX_RUNS = 64


def _letter_runs(doc: Document) -> frozenset[str] | None:
    """The distinct letter runs of a long folded document, if there are few of them."""
    runs = frozenset(_LOWER_RUN.findall(doc.memo(folded_text)))
    return runs if len(runs) <= _MAX_RUNS else None


def _holds(run: str, universe: frozenset[str]) -> bool:
    if run in universe:
        return True
    letters = set(run) if len(run) > 64 else None
    return any(w in run for w in universe if letters is None or letters.issuperset(w))


def gate_free(doc: Document, universe: frozenset[str] | None) -> bool:
    """Whether no sentence of a long document has a word of ``universe`` (checked cheaply).

    A sentence's word is a letter run of the document or, where a sentence
    was cut inside a word, part of one: a document none of whose runs
    holds a word of ``universe`` gives every sentence none.  Only long
    documents with few distinct runs (junk: "Age: 5" by the thousand) are
    checked; for the others the answer is False, which is always safe.
    """
    if universe is None or len(doc.sentences) <= _MANY_SENTENCES:
        return False
    runs = doc.memo(_letter_runs)
    return runs is not None and not any(_holds(run, universe) for run in runs)


_NO_WORDS: frozenset[str] = frozenset()


def word_gates(
    universe: Words,
) -> tuple[Callable[[Document], bool], Callable[[Document], list[frozenset[str]]]]:
    """``(inert, gate_words)`` for a module whose word gates lie in ``universe``.

    ``inert(doc)``: whether no sentence of the document holds a word of ``universe``
    (see :func:`gate_free`).  ``gate_words(doc)``: each sentence's words as far as those
    gates can tell them apart -- none at all in an inert document (a 1 MB junk input:
    its sentences are skipped fast), else :func:`sentence_words`.  Both are meant for
    ``doc.memo``, which caches per function object: each module keeps its own entries.
    """

    def inert(doc: Document) -> bool:
        return gate_free(doc, universe)

    def gate_words(doc: Document) -> list[frozenset[str]]:
        if doc.memo(inert):
            return [_NO_WORDS] * len(doc.sentences)
        return doc.memo(sentence_words)

    return inert, gate_words
