"""Case-insensitive patterns run fast: case-sensitively, on folded text.

Python's ``re`` runs an IGNORECASE pattern several times slower than the same
pattern without the flag: it folds every character it compares.  So a hot
case-insensitive pattern is run, without the flag and with its letters in lower
case (its *fast* pattern), on the *folded* text; each place the fast pattern finds
is then read again with the pattern itself on the original text, so that groups
hold the text as written.  Plain substring tests on the folded text can likewise
prove that a rule cannot match (the gates of ``treatment_gate``, ``time``, ...).

Folding (:func:`fold`) is ``str.lower`` with the four lookalike characters that
``re.IGNORECASE`` equates with an ASCII letter although ``lower`` does not map
them to it -- dotted and dotless i (U+0130, U+0131), long s (U+017F), Kelvin sign
(U+212A) -- mapped to that letter first.  This is the one policy for lookalikes:
a text holding them is folded like any other, never read the slow way instead.

Why the fast pattern finds what the pattern finds:

- Folding keeps offsets: no character folds to more than one (U+0130, the one
  that ``lower`` makes two of, is mapped first).
- An ASCII letter matches a character under IGNORECASE exactly when the
  character folds to it; ``\\w``, ``\\s``, ``\\d`` and every ASCII non-letter
  hold of a character exactly when they hold of its fold.  (Checked over all of
  Unicode, with the non-ASCII characters listed in ``_CASELESS``, the only ones
  a fast pattern may hold; micro signs are not among them: "µ" and "μ" fold
  apart but match each other, so a pattern holding one is run the slow way.)
  So a case-insensitive pattern and its fast pattern match at the same places,
  with the same spans, trying the same branches in the same order.
- A case-sensitive part (an abbreviation, ``(?-i:MSC)``), lower-cased, matches
  the folded text wherever the part matches the text, and more ("msc"); so does a
  pattern without IGNORECASE whose letters are lower case.  Such a fast pattern
  finds every place where the pattern may match, leftmost first: there the
  pattern itself is tried, and where it fails the search goes on one character
  later.  Case-sensitive parts may not sit inside a negative lookaround, where
  matching more would mean matching less.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from caserecord.extraction._document import Document

__all__ = [
    "FoldedPattern",
    "fast_pattern",
    "fold",
    "folded_sentences",
    "folded_text",
    "matches_at",
    "max_width",
    "occurrences",
]

# The lookalikes: matched to an ASCII letter by re.IGNORECASE, not by str.lower().
_LOOKALIKES = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}
_LOOKALIKE_CHARS = tuple(chr(code) for code in _LOOKALIKES)


def fold(text: str) -> str:
    """``text`` lower-cased as re.IGNORECASE compares it, one character for one.

    Also the key for vocabulary look-ups: a word a case-insensitive pattern
    matched ("mıllıon", "ſon") is found in the lower-case vocabulary it came from.
    """
    if text.isascii():
        return text.lower()
    for char in _LOOKALIKE_CHARS:
        if char in text:
            return text.translate(_LOOKALIKES).lower()
    return text.lower()


def folded_text(doc: Document) -> str:
    """The folded text of the whole document (cached per document with ``doc.memo``)."""
    return fold(doc.text)


def folded_sentences(doc: Document) -> list[str]:
    """The folded text of every sentence, by sentence index (cached with ``doc.memo``)."""
    text = doc.memo(folded_text)
    return [text[s.start : s.end] for s in doc.sentences]


_ESCAPE = re.compile(r"\\.")
_CASELESS = frozenset("«»—’“”²³¹⁰⁴⁵⁶⁷⁸⁹×\u2010\u2011\u2012\u2013")
_CODE = re.compile(r"\\u([0-9a-fA-F]{4})")
_UNSAFE = re.compile(r"\\[UxN0-9]|\(\?P=|\(\?(?!P<|i:|-i:)[a-zA-Z-]")
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


def fast_pattern(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The fast pattern of ``pattern``: it matches the folded text (at least) wherever
    ``pattern`` matches the text.  For gates; raises ValueError if there is none."""
    source = _fast_source(pattern)
    if source is None:
        raise ValueError(f"no fast pattern for {pattern.pattern[:60]!r}")
    return re.compile(source, pattern.flags & ~re.IGNORECASE)


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
        seek: tuple[tuple[str, ...], tuple[str, ...], int] | None = None,
        candidates: re.Pattern[str] | None = None,
    ) -> None:
        self.pattern = pattern
        # ``seek`` = (folded needles, raw needles, back): every match of ``lead``'s head
        # that lies in a match of the pattern holds one of the folded needles (in the
        # folded text) or of the raw needles (in the text) at most ``back`` characters
        # after its start.
        self.seek = seek
        # ``candidates``: a pattern that matches (at least) wherever ``pattern`` does, built
        # to be searched faster; the fast pattern is made from it instead.
        model = pattern if candidates is None else candidates
        source = _fast_source(model)
        self.fast = None if source is None else re.compile(source, model.flags & ~re.IGNORECASE)
        self.head: re.Pattern[str] | None = None
        self.width = 0
        if lead is not None and lead[1] is not None and self.fast is not None:
            head = _fast_source(lead[0])
            if head is not None:
                self.head = re.compile(head, lead[0].flags & ~re.IGNORECASE)
                self.width = lead[1]
        # Exact: the fast pattern matches the folded text exactly where the pattern matches
        # the text, with the same spans (a case-insensitive pattern without case-sensitive
        # parts, searched as it is), so its matches can be taken one after the other.
        self.exact = (
            self.fast is not None
            and self.head is None
            and candidates is None
            and bool(pattern.flags & re.IGNORECASE)
            and _CASED_GROUP not in pattern.pattern
        )

    def _start(self, text: str, folded: str, at: int, end: int, seek: bool = False) -> int:
        """Where a match may start first, at or after ``at``; -1 for nowhere.

        With ``seek`` (the first step of a search: the needles are looked for once),
        the head is searched for only from near the first needle."""
        if self.head is None:
            return at
        low = at
        if seek and self.seek is not None:
            first = -1
            for needles, haystack in ((self.seek[0], folded), (self.seek[1], text)):
                for needle in needles:
                    found = haystack.find(needle, at, end)
                    if found >= 0 and (first < 0 or found < first):
                        first = found
            if first < 0:
                return -1
            low = max(at, first - self.seek[2])  # no head starts before this
        head = self.head.search(folded, low, end)
        return -1 if head is None else max(at, head.start() - self.width)

    def search(
        self, text: str, folded: str, pos: int = 0, endpos: int | None = None
    ) -> re.Match[str] | None:
        """``pattern.search(text, pos, endpos)``; ``folded`` is ``fold(text)``."""
        end = len(text) if endpos is None else endpos
        if self.fast is None:
            return self.pattern.search(text, pos, end)
        return next(self._matches(text, folded, pos, end), None)

    def _matches(self, text: str, folded: str, pos: int, end: int) -> Iterator[re.Match[str]]:
        """The pattern's matches at the places its fast pattern finds, leftmost first;
        after a match the search goes on from its end, after a miss one place on."""
        assert self.fast is not None
        fast, match = self.fast, self.pattern.match
        at, seek = pos, True
        while (at := self._start(text, folded, at, end, seek)) >= 0:
            seek = False
            found = fast.search(folded, at, end)
            if found is None:
                return
            real = match(text, found.start(), end)
            if real is not None:
                yield real
            at = found.start() + 1 if real is None else max(real.end(), found.start() + 1)

    def match(
        self, text: str, folded: str, pos: int = 0, endpos: int | None = None
    ) -> re.Match[str] | None:
        """``pattern.match(text, pos, endpos)``; ``folded`` is ``fold(text)``."""
        end = len(text) if endpos is None else endpos
        if self.fast is not None and self.fast.match(folded, pos, end) is None:
            return None  # the fast pattern matches wherever the pattern does
        return self.pattern.match(text, pos, end)

    def finditer_words(self, text: str, folded: str, firsts: Iterable[str]) -> list[re.Match[str]]:
        """``list(pattern.finditer(text))``, for a pattern every match of which starts with
        one of ``firsts`` in the folded text (see :func:`first_words`)."""
        starts: list[int] = []
        limit = 16 + len(text) // 16
        for word in firsts:
            at = folded.find(word)
            while at >= 0:
                starts.append(at)
                if len(starts) > limit:
                    # Junk dense with the words: one scan by the engine costs less than
                    # a few calls per match from here.
                    return list(self.pattern.finditer(text))
                at = folded.find(word, at + 1)
        starts.sort()
        end = len(text)
        fast, pattern = self.fast, self.pattern
        matches: list[re.Match[str]] = []
        at = 0
        for start in starts:
            if start < at or (fast is not None and fast.match(folded, start, end) is None):
                continue
            real = pattern.match(text, start, end)
            if real is None:
                continue
            if real.end() == real.start():
                return list(pattern.finditer(text))
            matches.append(real)
            at = real.end()
        return matches

    def finditer(
        self, text: str, folded: str, pos: int = 0, endpos: int | None = None
    ) -> list[re.Match[str]]:
        """``list(pattern.finditer(text, pos, endpos))``; ``folded`` is ``fold(text)``."""
        end = len(text) if endpos is None else endpos
        if self.fast is None:
            return list(self.pattern.finditer(text, pos, end))
        if self.exact:
            return self._exact_finditer(text, folded, pos, end)
        matches: list[re.Match[str]] = []
        for real in self._matches(text, folded, pos, end):
            if real.end() == real.start():
                # An empty match: finditer's rules for what may follow it are subtle.
                return list(self.pattern.finditer(text, pos, end))
            matches.append(real)
        return matches

    def _exact_finditer(self, text: str, folded: str, pos: int, end: int) -> list[re.Match[str]]:
        """``finditer`` for an exact fast pattern: each of its matches read again with the
        pattern, for groups holding the original text."""
        assert self.fast is not None
        match = self.pattern.match
        found: list[re.Match[str]] = []
        for hit in self.fast.finditer(folded, pos, end):
            real = match(text, hit.start(), end)
            if real is None or real.end() != hit.end():  # pragma: no cover - safety net
                return list(self.pattern.finditer(text, pos, end))
            found.append(real)
        return found


def occurrences(text: str, words: tuple[str, ...]) -> list[int]:
    """Every position at which one of ``words`` starts, in order."""
    found: list[int] = []
    for word in words:
        position = text.find(word)
        while position >= 0:
            found.append(position)
            position = text.find(word, position + 1)
    return sorted(set(found))


def matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` when every match starts at one of ``starts`` (sorted).

    For patterns that never match the empty string.
    """
    found: list[re.Match[str]] = []
    resume = 0
    match = pattern.match
    for start in starts:
        if start < resume:
            continue
        hit = match(text, start)
        if hit is not None:
            found.append(hit)
            resume = hit.end()
    return found
