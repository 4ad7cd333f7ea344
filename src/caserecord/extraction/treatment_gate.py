"""Cheap gates for the treatment and adverse-event rules.

Most sentences of a narrative hold none of a rule's trigger words, and a
regex built from a long alternation costs far more to run than to skip.  A
gate is a tuple of *needles*: lower-case letter runs such that every match
of the rule contains one of them.  The rule runs only when a needle occurs
in the sentence, so skipping it can never change what it finds.

Needles are looked up in the sentence *folded*: lower-cased, with the four
non-ASCII characters that ``re.IGNORECASE`` equates with an ASCII letter
(dotted and dotless i, long s, Kelvin sign) mapped to that letter first.  A
case-insensitive match of an ASCII letter run therefore always appears in
the folded text, at the same offsets (none of these mappings changes the
length of the text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from caserecord.extraction._document import Document
from caserecord.extraction._patterns import fold

__all__ = [
    "cased_needles",
    "fold",
    "folded_sentences",
    "folded_text",
    "gate_free",
    "has",
    "hit",
    "max_width",
    "needles",
    "sentence_words",
    "words",
]

_RUN = re.compile(r"[A-Za-z]+")
_LOWER_RUN = re.compile(r"[a-z]+")

Needles = tuple[str, ...] | None  # None: no gate, the rule always runs


def folded_text(doc: Document) -> str:
    """The folded text of the whole document (cached per document with ``doc.memo``)."""
    return fold(doc.text)


def folded_sentences(doc: Document) -> list[str]:
    """The folded text of every sentence, by sentence index (cached with ``doc.memo``)."""
    text = doc.memo(folded_text)
    if len(text) != len(doc.text):  # never: no fold changes the length; stay safe anyway
        return [fold(s.text) for s in doc.sentences]
    return [text[s.start : s.end] for s in doc.sentences]


def sentence_words(doc: Document) -> list[frozenset[str]]:
    """The maximal runs of ASCII letters of every folded sentence (cached with ``doc.memo``)."""
    run = _LOWER_RUN.findall
    return [frozenset(run(text)) for text in doc.memo(folded_sentences)]


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


# -- running a regex fast on the folded text -----------------------------------------------------
#
# Python's ``re`` runs an IGNORECASE alternation several times slower than the same
# alternation without the flag.  On the folded text, a pattern whose letters are all
# lower-case ASCII matches, without the flag, exactly where it matches the text with it:
# an ASCII letter matches a character under IGNORECASE exactly when the character folds
# to it; ``\w``, ``\s``, ``\d`` and every ASCII non-letter hold of a character exactly when
# they hold of its fold; and the fold keeps offsets.  (Checked over all of Unicode, with
# the non-ASCII characters listed in _CASELESS, the only ones such a pattern may hold;
# micro signs are not among them: "µ" and "μ" fold apart but match each other.)
#
# A case-sensitive part (an abbreviation, "(?-i:MSC)"), lower-cased, matches the folded
# text wherever the part matches the text, and more ("msc"); so does a pattern without
# IGNORECASE whose letters are lower case.  Such a *fast* pattern finds every place
# where the pattern may match, leftmost first: there the pattern itself is tried on the
# original text (so groups keep the text's case), and where it fails the search goes on
# one character later.  Case-sensitive parts may not sit inside a negative lookaround,
# where matching more would mean matching less.

_ESCAPE = re.compile(r"\\.")
_NAMED = re.compile(r"\(\?P<\w+>")
_CASELESS = frozenset("«»—’“”²³¹⁰⁴⁵⁶⁷⁸⁹×\u2010\u2011\u2012\u2013")
_CODE = re.compile(r"\\u([0-9a-fA-F]{4})")
_UNSAFE = re.compile(r"\\[UxN0-9]|\(\?P=|\(\?(?!P<|i:|-i:)[a-zA-Z-]")
_INLINE_I = re.compile(r"(?<!\\)\(\?i:")
_CASED_GROUP = "(?-i:"
_NEGATIVE = re.compile(r"(?<!\\)\(\?<?!")
_LETTER = re.compile(r"[A-Za-z]")


def _close(source: str, start: int) -> int:
    """The index just past the group opening at ``source[start]``; -1 if unbalanced."""
    depth, index = 0, start
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":  # a class: skip to its end
            index += 1
            if index < len(source) and source[index] == "^":
                index += 1
            if index < len(source) and source[index] == "]":
                index += 1
            while index < len(source) and source[index] != "]":
                index += 2 if source[index] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return -1


def _fast_source(pattern: re.Pattern[str]) -> str | None:
    """The fast pattern's source, or None when the pattern cannot have one."""
    source = pattern.pattern
    if _UNSAFE.search(source):
        return None
    if any(chr(int(code, 16)) not in _CASELESS for code in _CODE.findall(source)):
        return None
    cased = not pattern.flags & re.IGNORECASE
    for look in _NEGATIVE.finditer(source):
        stop = _close(source, look.start())
        group = source[look.start() : stop]
        if stop < 0 or _CASED_GROUP in group or (cased and _LETTER.search(_ESCAPE.sub("", group))):
            return None  # matching more in there would match less
    for cased_group in re.finditer(re.escape(_CASED_GROUP), source):
        stop = _close(source, cased_group.start())
        if stop < 0 or _NEGATIVE.search(source, cased_group.start(), stop):
            return None
    # Lower-case every letter but those of escapes ("\S") and group names.
    out: list[str] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            out.append(source[index : index + 2])
            index += 2
        elif source.startswith("(?P<", index):
            stop = source.index(">", index) + 1
            out.append(source[index:stop])
            index = stop
        elif source.startswith(_CASED_GROUP, index) or source.startswith("(?i:", index):
            out.append("(?:")
            index += len(_CASED_GROUP) if source[index + 2] == "-" else len("(?i:")
        else:
            if not char.isascii() and char not in _CASELESS:
                return None
            out.append(char.lower())
            index += 1
    return "".join(out)


def max_width(source: str, flags: int = 0) -> int | None:
    """The most characters ``source`` can match, if ``re`` can tell and it is bounded."""
    parser: Any = getattr(re, "_parser", None)
    try:
        width = parser.parse(source, flags).getwidth()[1]
    except Exception:  # a private module of re: any failure means "unknown"
        return None
    return width if isinstance(width, int) and width < 10_000 else None


class FoldedPattern:
    """A pattern run fast on the folded text when it can be (see above).

    ``lead`` = (head, width): every match of the pattern holds a match of ``head``
    starting at most ``width`` characters after the match's own start.  Then no match
    starts more than ``width`` characters before the first place the (fast) ``head``
    matches, and the search for the pattern starts there.
    """

    def __init__(
        self,
        pattern: re.Pattern[str],
        lead: tuple[re.Pattern[str], int | None] | None = None,
    ) -> None:
        self.pattern = pattern
        source = _fast_source(pattern)
        self.fast = None if source is None else re.compile(source, pattern.flags & ~re.IGNORECASE)
        self.head: re.Pattern[str] | None = None
        self.width = 0
        if lead is not None and lead[1] is not None and self.fast is not None:
            head = _fast_source(lead[0])
            if head is not None:
                self.head = re.compile(head, lead[0].flags & ~re.IGNORECASE)
                self.width = lead[1]

    def _start(self, folded: str, at: int, end: int) -> int:
        """Where a match may start first, at or after ``at``; -1 for nowhere."""
        if self.head is None:
            return at
        head = self.head.search(folded, at, end)
        return -1 if head is None else max(at, head.start() - self.width)

    def search(
        self, text: str, folded: str, pos: int = 0, endpos: int | None = None
    ) -> re.Match[str] | None:
        """``pattern.search(text, pos, endpos)``; ``folded`` is ``fold(text)``."""
        end = len(text) if endpos is None else endpos
        if self.fast is None:
            return self.pattern.search(text, pos, end)
        at = pos
        while (at := self._start(folded, at, end)) >= 0:
            found = self.fast.search(folded, at, end)
            if found is None:
                break
            real = self.pattern.match(text, found.start(), end)
            if real is not None:
                return real
            at = found.start() + 1
        return None

    def finditer(
        self, text: str, folded: str, pos: int = 0, endpos: int | None = None
    ) -> list[re.Match[str]]:
        """``list(pattern.finditer(text, pos, endpos))``; ``folded`` is ``fold(text)``."""
        end = len(text) if endpos is None else endpos
        if self.fast is None:
            return list(self.pattern.finditer(text, pos, end))
        matches: list[re.Match[str]] = []
        at = pos
        while (at := self._start(folded, at, end)) >= 0:
            found = self.fast.search(folded, at, end)
            if found is None:
                break
            real = self.pattern.match(text, found.start(), end)
            if real is None:
                at = found.start() + 1
                continue
            if real.end() == real.start():
                # An empty match: finditer's rules for what may follow it are subtle.
                return list(self.pattern.finditer(text, pos, end))
            matches.append(real)
            at = real.end()
        return matches
