"""A narrative split into lines, header fields, sections and sentences.

Nothing here rewrites the text: every piece is a span ``[start, end)`` of
the original string, so evidence quotes are exact.  Splitting is
regex-based with bounded patterns (no nested quantifiers) and is linear in
the length of the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, NamedTuple, TypeVar

from caserecord._calendar import MONTH_ABBREVIATIONS

__all__ = ["Document", "HeaderField", "Section", "Sentence", "split_clauses"]

T = TypeVar("T")

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "vs",
        "fig",
        "figs",
        "no",
        "e.g",
        "i.e",
        "approx",
        "etc",
        "al",
        *MONTH_ABBREVIATIONS,
        "inc",
        "ltd",
        "co",
        "jr",
        "sr",
        "pt",
        "ca",
        "vol",
        "pp",
        "ref",
        "resp",
    }
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s+|$)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]{0,7})$")
# Patterns used with .match() at a line start open with a lookbehind that
# refuses the middle of a blank run: harmless at the start of a string, and it
# keeps a finditer() over a long blank run linear (the regex audit checks).
_HEADER = re.compile(r"(?<![ \t])[ \t]*([A-Z][A-Za-z0-9 /()&'’-]{0,48}?)[ \t]*:[ \t]*(\S[^\n]*)?$")
_BULLET = re.compile(r"(?<![ \t])[ \t]*(?:[-•*·▪]|\d{1,2}[.)])[ \t]+")
_BULLET_STARTS = frozenset("-•*·▪")


# Immutable records built by the hundred thousand on long inputs: NamedTuples
# are built in C, three times faster than frozen dataclasses.


class Sentence(NamedTuple):
    """One sentence (or bullet item) with its place in the document."""

    start: int
    end: int
    text: str
    index: int  # type: ignore[assignment]  # its position in Document.sentences, not tuple.index
    line: int
    section: int | None = None  # index into Document.sections
    header_key: str | None = None  # key of a "Key: value" line this sentence belongs to


class HeaderField(NamedTuple):
    """A ``Key: value`` line, with spans of key and value."""

    key: str
    value: str
    key_start: int
    value_start: int
    value_end: int
    line: int


class Section(NamedTuple):
    """A heading line that frames the lines after it ("Before treatment:")."""

    heading: str
    start: int
    end: int
    line: int


@dataclass
class Document:
    text: str
    sentences: list[Sentence] = field(default_factory=list)
    headers: list[HeaderField] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    _memo: dict[Callable[[Document], Any], Any] = field(default_factory=dict, repr=False)

    @cached_property
    def lines(self) -> list[tuple[int, int]]:
        """The span of every line (without its newline), built when a rule first asks."""
        spans = []
        position = 0
        for raw in self.text.split("\n"):
            spans.append((position, position + len(raw)))
            position += len(raw) + 1
        return spans

    @classmethod
    def parse(cls, text: str) -> Document:
        doc = cls(text)
        doc._split()
        return doc

    def memo(self, compute: Callable[[Document], T]) -> T:
        """``compute(self)``, computed once per document.

        Extractors depend on each other (adverse events need day 0 from the
        treatment pass; diagnoses need the patient's age): they share results
        through this cache instead of running the same pass twice.  The cache is
        keyed by the function object, so two functions made by one factory (one
        per module) keep their own entries.
        """
        memo = self._memo
        if compute not in memo:
            memo[compute] = compute(self)
        result: T = memo[compute]
        return result

    def header(self, *keys: str) -> HeaderField | None:
        wanted = {k.lower() for k in keys}
        for h in self.headers:
            if h.key.lower() in wanted:
                return h
        return None

    # -- splitting ---------------------------------------------------------------
    def _split(self) -> None:
        # The hot loop of a long input (a megabyte of short lines): cheap character
        # tests decide before any pattern runs.
        text = self.text
        sentences = self.sentences
        headers = self.headers
        position = 0
        section: int | None = None
        section_has_bullets = False
        for line_no, raw in enumerate(text.split("\n")):
            start = position
            end = start + len(raw)
            position = end + 1
            if not raw or raw.isspace():
                continue
            stripped = raw.strip()
            body_end = start + len(raw.rstrip())
            header_key = None
            match = _HEADER.match(raw) if ":" in raw else None
            if match and _is_header_key(key := match.group(1)):
                key = key.strip()
                if match.group(2):
                    value_start = start + match.start(2)
                    value_end = body_end
                    headers.append(
                        HeaderField(
                            key,
                            text[value_start:value_end],
                            start + match.start(1),
                            value_start,
                            value_end,
                            line_no,
                        )
                    )
                    header_key = key
                else:
                    # "Before the stem cell treatment:" alone on its line: a section.
                    self.sections.append(Section(stripped, start, end, line_no))
                    section, section_has_bullets = len(self.sections) - 1, False
                    continue
            elif _looks_like_heading(stripped):
                self.sections.append(Section(stripped, start, end, line_no))
                section, section_has_bullets = len(self.sections) - 1, False
                # Headings are also sentences: "Condition 3 months after treatment".
            first = stripped[0]
            bullet = _BULLET.match(raw) if first in _BULLET_STARTS or first.isdigit() else None
            if bullet:
                section_has_bullets = True
            elif section_has_bullets and header_key is None:
                # Prose after a bulleted list closes the section the list belonged to.
                section = None
                section_has_bullets = False
            body_start = start + (bullet.end() if bullet else len(raw) - len(raw.lstrip()))
            if (
                body_start < body_end <= body_start + MAX_SENTENCE
                and _ANY_END.search(raw) is None
                and not text[body_start].isspace()
            ):
                # The usual list or header line: one sentence, trimmed already
                # (what _sentence_spans gives for it, without its two calls).
                sentences.append(
                    Sentence(
                        body_start,
                        body_end,
                        text[body_start:body_end],
                        len(sentences),
                        line_no,
                        section,
                        header_key,
                    )
                )
                continue
            for s_start, s_end in _sentence_spans(text, body_start, body_end):
                sentences.append(
                    Sentence(
                        s_start,
                        s_end,
                        text[s_start:s_end],
                        len(sentences),
                        line_no,
                        section,
                        header_key,
                    )
                )


@lru_cache(maxsize=1024)  # a case sheet repeats its keys
def _is_header_key(key: str) -> bool:
    words = key.split()
    return 1 <= len(words) <= 8 and not key.lower().startswith(("http", "note that"))


_HEADING_CUES = re.compile(
    r"^(?:the\s+)?(?:condition|status|result|results|outcome|before|after|at\s+discharge|"
    r"on\s+admission|follow[- ]?up|treatment\s+schedule|therapeutic\s+efficacy|"
    r"(?:\w+\s+){0,3}months?\s+after)\b",
    re.IGNORECASE,
)


def _looks_like_heading(line: str) -> bool:
    # Short, no sentence-final full stop, and opening with a situational cue; or a
    # capitalised line that ends in a colon and so introduces the lines under it, too
    # long or too punctuated for a "Key:" ("Findings before the procedure (our clinic,
    # September 2023):", "Telephone review, 3 May 2021 (two months on):").
    if len(line) > _LONG_HEADING:
        return False
    if line.endswith(":"):  # one phrase: a sentence told before it makes it prose
        return line[0].isupper() and _SENTENCE_END.search(line) is None
    return (
        len(line) <= 90 and not line.endswith((".", ";", ",")) and bool(_HEADING_CUES.match(line))
    )


_LONG_HEADING = 120


_ANY_END = re.compile(r"[.!?…]")
# Abbreviations that are units after a number: "shortened to 121 ms." ends there.
_UNIT_ABBREVIATIONS = frozenset({"ms"})


def _unit_after_number(text: str, word: str, before: re.Match[str] | None) -> bool:
    if word not in _UNIT_ABBREVIATIONS or before is None:
        return False
    ahead = text[max(0, before.start() - 2) : before.start()]
    return ahead[-1:].isdigit() or (ahead[-1:] == " " and ahead[:1].isdigit())


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if _ANY_END.search(text, start, end) is None:  # most list and header lines: one piece
        _push(text, spans, start, end)
        return spans
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        stop = match.end()
        if match.group().startswith(".") and len(match.group()) == 1:
            before = _WORD_BEFORE.search(text, max(start, match.start() - 8), match.start())
            word = before.group(1).lower().rstrip(".") if before else ""
            initial = (
                len(word) == 1
                and word.isalpha()
                and (
                    before is not None
                    # after a space, bracket or initial: "I. I.", not "39U." or "mmol/L."
                    and (before.start() == 0 or text[before.start() - 1] in " \t\n(.")
                )
            )
            if (word in _ABBREVIATIONS and not _unit_after_number(text, word, before)) or initial:
                continue  # "Mr.", "I. I." but not "39U." nor "121 ms."
            # "0.15." is an end, "0.15 at" never reaches here; a digit after the
            # stop ("1. 5") is a list number, not an end.
            nxt = text[stop : stop + 2].lstrip()
            if nxt[:1].islower():
                continue
        _push(text, spans, cursor, stop)
        cursor = stop
    _push(text, spans, cursor, end)
    return spans


#: Longest sentence handed to the extractors.  Sentences of case narratives
#: run to a few hundred characters; a "sentence" of megabytes is a table, a
#: dump or an attack, and cutting it (at a blank where one is near) keeps
#: every per-sentence rule's cost bounded.
MAX_SENTENCE = 1200


def _push(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    if start < end <= start + MAX_SENTENCE and not (
        text[start].isspace() or text[end - 1].isspace()
    ):
        spans.append((start, end))  # the usual piece: trimmed already, short enough
        return
    while start < end:
        while start < end and text[start].isspace():
            start += 1
        stop = end
        if stop - start > MAX_SENTENCE:
            limit = start + MAX_SENTENCE
            blank = text.rfind(" ", limit - MAX_SENTENCE // 4, limit)
            stop = blank if blank > start else limit
        piece_end = stop
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_end > start:
            spans.append((start, piece_end))
        start = stop


# " but " is tried at the first blank of a run only: from any later blank of
# the same run it would match the same "but" or fail the same way.
_CLAUSE_BREAK = re.compile(r";|,\s+(?:and|but|while|whilst|however)\b|(?<!\s)\s+but\s+|:\s+")


def split_clauses(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans of the clauses of a sentence (split at ';', ', and', ' but ')."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for match in _CLAUSE_BREAK.finditer(text):
        _push(text, spans, cursor, match.start())
        cursor = match.end()
    _push(text, spans, cursor, len(text))
    return [(s + offset, e + offset) for s, e in spans]
