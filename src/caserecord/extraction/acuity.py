"""Visual acuity in narratives: values in every notation, and words for levels.

Finds Snellen fractions (20/200, 6/60, 1/60, 20/40-2, 20/4,000), logMAR
and ETDRS-letter scores, decimal values in an acuity context ("vision
stabilized around 0.15"), and qualitative levels in words ("could discern
bright light" -> LP, "movements of large objects" -> HM, "count fingers at
three feet" -> CF).  Each becomes a ``FindingMention`` whose ``acuity`` text
:meth:`VisualAcuity.parse` reads back.  A bare decimal number is read as
decimal acuity -- the convention of narratives that write "vision 0.15" --
and the assumption is recorded for the extraction report.

Cue phrases live in ``data/acuity.json``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from re import _constants, _parser  # type: ignore[attr-defined]

from caserecord.extraction._data import load_json
from caserecord.extraction._document import Document, Sentence, split_clauses
from caserecord.extraction._folded import FoldedPattern, fold
from caserecord.extraction._mentions import FindingMention
from caserecord.extraction._numbers import parse_number
from caserecord.extraction.eyes import eye_near, find_eyes
from caserecord.outcomes.acuity import VisualAcuity

__all__ = ["extract_acuity"]

_DATA = load_json("acuity.json")
_CONTEXT = re.compile(r"\b(?:" + "|".join(_DATA["context"]) + r")\b", re.IGNORECASE)
_UPPER_ONLY = frozenset(_DATA["uppercase_only"])

_SNELLEN = re.compile(
    r"(?<![\d/.,])(?P<num>20|10|6|[1-5])\s?/\s?(?P<den>\d{1,2},\d{3}|\d{1,4})"
    r"(?P<mod>\s?[+-]\s?[1-5](?!\d)|[+-](?![\d/]))?(?![\d/])"
)
_LOGMAR = re.compile(
    r"(?P<a>-?\d?\.\d{1,3}|\d)\s?logMAR\b|\blogMAR\s+(?:of\s+)?(?P<b>-?\d?\.\d{1,3}|\d)\b",
    re.IGNORECASE,
)
# "45 and 62 letters", "from 45 to 62 letters": the unit written once for two values.
_LETTERS = re.compile(
    r"\b(?P<n>\d{1,3})(?:\s+(?:ETDRS\s+)?letters\b|(?=\s?(?:,|and|to|&)\s?\d{1,3}\s+"
    r"(?:ETDRS\s+)?letters\b))",
    re.IGNORECASE,
)
_DECIMAL = re.compile(
    r"(?<![\d/.,\-+])(?P<v>[0-2]?\.\d{1,3}|[12]\.0)(?![\d/]|\.\d|\s?(?:%|mm|cm|µ|μ|um|mmol|mg|ng|"
    r"dB|D\b|logmar|letters|x\b|×|units?\b|ml|g\b|s\b|ms\b|kg|m\b))",
    re.IGNORECASE,
)
_DISTANCE = re.compile(
    r"\s?(?:at\s+|from\s+)?(?P<d>\d{1,3}(?:\.\d)?|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|half\s+a)\s?(?P<u>cm|centimet(?:er|re)s?|m\b|met(?:er|re)s?|feet|foot|ft|inch(?:es)?)",
    re.IGNORECASE,
)
_RANGE = re.compile(r"rang(?:ed|es|ing)\s+from\s+$", re.IGNORECASE)
_FROM = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_NOT_ACUITY_HEADER = re.compile(r"field|pupil|pressure|motility|color|colour", re.IGNORECASE)
_DISTANCE_UNITS = {
    "cm": "cm",
    "centimeter": "cm",
    "centimeters": "cm",
    "centimetre": "cm",
    "centimetres": "cm",
    "m": "m",
    "meter": "m",
    "meters": "m",
    "metre": "m",
    "metres": "m",
    "feet": "ft",
    "foot": "ft",
    "ft": "ft",
    "inch": "in",
    "inches": "in",
}


def _level_patterns() -> list[tuple[str, re.Pattern[str]]]:
    patterns: list[tuple[str, str, bool]] = []
    for level, phrases in _DATA["levels"].items():
        for phrase in phrases:
            patterns.append((level, phrase, phrase in _UPPER_ONLY))
    patterns.sort(key=lambda p: len(p[1]), reverse=True)
    return [
        (
            level,
            re.compile(
                r"\b(?:" + (phrase.upper() if upper else phrase) + r")\b",
                0 if upper else re.IGNORECASE,
            ),
        )
        for level, phrase, upper in patterns
    ]


_LEVELS = _level_patterns()


def _necessary_words(pattern: re.Pattern[str]) -> list[str]:
    """Words every match of ``pattern`` contains: letters of its top-level literal runs."""
    runs, run = [], []
    for op, value in _parser.parse(pattern.pattern, pattern.flags):
        if op is _constants.LITERAL:
            run.append(chr(value))
        else:
            runs.append("".join(run))
            run = []
    runs.append("".join(run))
    words = [word for text in runs for word in re.findall(r"[A-Za-z]+", text)]
    if pattern.flags & re.IGNORECASE:
        words = [word.lower() for word in words]
    return words


def _level_keys() -> list[str]:
    """One word per level pattern that a match cannot lack, the same word for as
    many patterns as can share it (so a text is searched for few words)."""
    options = [_necessary_words(pattern) for _, pattern in _LEVELS]
    if not all(options):  # pragma: no cover - a phrase without a plain word
        raise RuntimeError("caserecord rule file data/acuity.json: a level phrase has no word")
    # Short words ("of", "and") are everywhere: a longer one of the phrase, if any.
    pool = sorted({w for words in options for w in ([w for w in words if len(w) >= 4] or words)})
    keys: list[str | None] = [None] * len(options)
    while None in keys:
        counts = {
            candidate: sum(
                1
                for index, words in enumerate(options)
                if keys[index] is None and any(candidate in word for word in words)
            )
            for candidate in pool
        }
        best = max(pool, key=lambda w: (counts[w], len(w)))
        for index, words in enumerate(options):
            if keys[index] is None and any(best in word for word in words):
                keys[index] = best
    return [key for key in keys if key is not None]


# (level, pattern, the same run on folded text if case-insensitive, else None, a word it needs)
_LEVEL_RULES = [
    (level, pattern, FoldedPattern(pattern) if pattern.flags & re.IGNORECASE else None, key)
    for (level, pattern), key in zip(_LEVELS, _level_keys(), strict=True)
]
_CONTEXT_FOLDED = FoldedPattern(_CONTEXT)
_LOGMAR_FOLDED = FoldedPattern(_LOGMAR)
_LETTERS_FOLDED = FoldedPattern(_LETTERS)
_DECIMAL_FOLDED = FoldedPattern(_DECIMAL)
_RANGE_FOLDED = FoldedPattern(_RANGE)
_FROM_FOLDED = FoldedPattern(_FROM)
_DECIMAL_POINT = re.compile(r"\.\d")  # in every _DECIMAL match
_LEVEL_KEYS = frozenset(rule[3] for rule in _LEVEL_RULES)


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    acuity: str
    assumed: str | None = None


#: Acuity values read per document.  A case narrative states dozens; a
#: megabyte of "20/40 OD, " states 100,000, and reading (then building and
#: merging) each would take seconds.  Reading stops at the sentence that
#: reaches the limit, and assembly reports where.
MAX_VALUES = 5000


def extract_acuity(doc: Document) -> list[FindingMention]:
    """Every visual acuity value or level stated in the document (up to ``MAX_VALUES``)."""
    found: list[FindingMention] = []
    text = doc.text
    low = fold(text)
    sentences = doc.sentences
    # Level patterns whose word the text lacks cannot match in any sentence,
    # and a sentence without a word or sign some pattern needs has no value.
    keys = {key for key in _LEVEL_KEYS if key in low or key in text}
    levels = [rule for rule in _LEVEL_RULES if rule[3] in keys]
    for index in _sentences_with(doc, _trigger(frozenset(keys)), low):
        sentence = sentences[index]
        if sentence.header_key and _NOT_ACUITY_HEADER.search(sentence.header_key):
            continue
        body = low[sentence.start : sentence.end]
        found.extend(_sentence_acuities(text, sentence, body, levels))
        if len(found) >= MAX_VALUES:
            break
    return found


@lru_cache(maxsize=64)
def _trigger(keys: frozenset[str]) -> re.Pattern[str]:
    """Something (folded) every value in a sentence holds, given the level words."""
    signs = ["/", r"\.\d", "logmar", "letters", *sorted(re.escape(k.lower()) for k in keys)]
    return re.compile("|".join(signs))


def _sentences_with(doc: Document, trigger: re.Pattern[str], low: str) -> Iterator[int]:
    """Indexes of the sentences overlapping a match of ``trigger`` in ``low``, in order."""
    sentences = doc.sentences
    starts: list[int] | None = None
    position = 0
    while True:
        hit = trigger.search(low, position)
        if hit is None:
            return
        if starts is None:
            starts = [sentence.start for sentence in sentences]
        start, end = hit.start(), max(hit.end(), hit.start() + 1)
        index = bisect_right(starts, start) - 1
        if index < 0 or sentences[index].end <= start:
            index += 1  # the sign is between sentences
        position = end
        while index < len(sentences) and sentences[index].start < end:
            yield index
            position = max(position, sentences[index].end)
            index += 1


_Level = tuple[str, re.Pattern[str], FoldedPattern | None, str]


def _sentence_acuities(
    text: str, sentence: Sentence, low: str, levels: list[_Level]
) -> list[FindingMention]:
    candidates = _candidates(sentence, low, levels)
    if not candidates:
        return []
    eyes = find_eyes(sentence.text, sentence.start)
    eye_starts = [eye.start for eye in eyes]  # find_eyes gives them in text order
    clauses = split_clauses(sentence.text, sentence.start)
    clause_starts = [start for start, _ in clauses]
    value_starts = {cand.start for cand in candidates}
    mentions: list[FindingMention] = []
    skip_next = False
    for i, cand in enumerate(candidates):
        if skip_next:
            skip_next = False
            continue
        # ``before`` ends at the value: "rang(ed|es|ing) from " / "from " must end it.
        first = max(sentence.start, cand.start - 20)
        before = text[first : cand.start]
        low_before = low[first - sentence.start : cand.start - sentence.start]
        ranged = _RANGE_FOLDED.search(before, low_before)
        came_from = _FROM_FOLDED.search(before, low_before)
        hint = None
        if ranged:
            skip_next = True  # "ranged from 20/30 to 20/200": one range, keep its start
        elif came_from and i + 1 < len(candidates):
            hint = "baseline"  # "improved from 0.1 to 0.4": the first value is the before
        clause = _clause(clauses, clause_starts, cand.start, sentence)
        eye = eye_near(
            text, eyes, cand.start, cand.end, clause=clause, starts=eye_starts, values=value_starts
        )
        mention = FindingMention(
            measure="visual_acuity",
            sentence=sentence.index,
            position=cand.start,
            eye=eye.laterality if eye else None,
            acuity=cand.acuity,
            acuity_assumed=cand.assumed,
            detail=text[cand.start : cand.end],
            time_hint=hint,
            spans={"acuity": (cand.start, cand.end)},
        )
        if eye is not None:
            mention.spans["eye"] = (eye.start, eye.end)
        mentions.append(mention)
    return mentions


def _clause(
    clauses: list[tuple[int, int]], starts: list[int], position: int, sentence: Sentence
) -> tuple[int, int]:
    """The first clause holding ``position``, else the whole sentence.

    Clauses are in order and do not overlap, so only the last one starting at
    or before ``position`` can hold it.
    """
    index = bisect_right(starts, position) - 1
    if index >= 0:
        start, end = clauses[index]
        if start <= position < end:
            return start, end
    return sentence.start, sentence.end


def _candidates(sentence: Sentence, low: str, levels: list[_Level]) -> list[_Candidate]:
    text, base = sentence.text, sentence.start
    found: list[_Candidate] = []
    # One flag per character of the sentence: a value overlapping one already
    # taken is dropped (checking a span costs its length, not the values so far).
    taken = bytearray(len(text))
    ends: set[int] = set()

    def add(start: int, end: int, acuity: str, assumed: str | None = None) -> None:
        if not any(taken[start:end]):
            taken[start:end] = b"\x01" * (end - start)
            ends.add(end)
            found.append(_Candidate(base + start, base + end, acuity, assumed))

    context: list[bool] = []

    def has_context() -> bool:
        if not context:
            context.append(_CONTEXT_FOLDED.search(text, low) is not None)
        return context[0]

    if "/" in text:
        for m in _SNELLEN.finditer(text):
            acuity = _snellen(m, has_context)
            if acuity is not None:
                add(m.start(), m.end(), acuity)
    if "logmar" in low:
        for m in _LOGMAR_FOLDED.finditer(text, low):
            add(m.start(), m.end(), f"{m.group('a') or m.group('b')} logMAR")
    if "letters" in low:
        others = frozenset(ends)  # the values before letters ("40, 55 letters" are two)
        for m in _LETTERS_FOLDED.finditer(text, low):
            # "20/80 (55 ETDRS letters)" restates the Snellen value: one measurement.
            at = m.start()
            restates = any(e in others for e in range(at - 3, at + 1))
            letters = int(m.group("n"))
            named = "etdrs" in low[m.start() : m.end() + 16]
            if not restates and 0 <= letters <= 100 and (named or has_context()):
                add(m.start(), m.end(), f"{letters} letters")
    for level, pattern, folded, key in levels:
        if folded is None:
            if key not in text:
                continue
            matches = list(pattern.finditer(text))
        else:
            if key not in low:
                continue
            matches = folded.finditer(text, low)
        for m in matches:
            end, acuity = m.end(), level
            if level in ("CF", "HM"):
                distance = _DISTANCE.match(text, end)
                if distance is not None:
                    amount = parse_number(distance.group("d").lower()) or (
                        0.5 if distance.group("d").lower().startswith("half") else None
                    )
                    unit = _DISTANCE_UNITS.get(distance.group("u").lower())
                    if amount is not None and unit is not None:
                        acuity, end = f"{level} {amount:g} {unit}", distance.end()
            add(m.start(), end, acuity)
    if _DECIMAL_POINT.search(text) and has_context():
        for m in _DECIMAL_FOLDED.finditer(text, low):
            value = float(m.group("v"))
            if 0.01 <= value <= 2.0 and _CONTEXT_FOLDED.search(text, low, 0, m.start()):
                add(
                    m.start(),
                    m.end(),
                    f"{m.group('v')} decimal",
                    assumed=f"bare acuity {m.group('v')} read as decimal notation, the "
                    "convention of narratives that do not name the chart",
                )
    return _drop_restatements(text, base, sorted(found, key=lambda c: c.start))


_RESTATEMENT_GAP = re.compile(r"\s?\(\s?$")


def _drop_restatements(text: str, base: int, found: list[_Candidate]) -> list[_Candidate]:
    """'Light perception (LP)', '0.05 (logMAR 1.3)', '6/60 (20/200)': one value
    written twice, the second in brackets: keep the first writing."""
    kept: list[_Candidate] = []
    for cand in found:
        if (
            kept
            and _RESTATEMENT_GAP.fullmatch(text[kept[-1].end - base : cand.start - base])
            and _same_vision(kept[-1].acuity, cand.acuity)
        ):
            continue
        kept.append(cand)
    return kept


#: logMAR apart that two writings of one measurement may be (charts round:
#: 0.05 decimal is logMAR 1.30, 20/400 is 1.30, 6/38 is 0.80 and 0.16 is 0.80).
_RESTATEMENT_LOGMAR = 0.11


def _same_vision(first: str, second: str) -> bool:
    """Whether two acuity texts (as candidates hold them) tell the same vision.

    A value in another notation restates the first only when it converts to
    about the same logMAR; anything else in brackets is a value of its own.
    """
    if first == second:
        return True
    try:
        a, b = VisualAcuity.parse(first), VisualAcuity.parse(second)
        if a.level is not None or b.level is not None:
            return False  # a level restated in a number ("CF (logMAR 1.9)") is rare
        return abs(a.as_logmar() - b.as_logmar()) <= _RESTATEMENT_LOGMAR
    except ValueError:
        return False


def _snellen(match: re.Match[str], has_context: Callable[[], bool]) -> str | None:
    numerator = int(match.group("num"))
    denominator = int(match.group("den").replace(",", ""))
    modifier = (match.group("mod") or "").replace(" ", "")
    if numerator == 20 and 10 <= denominator <= 4000:
        return f"20/{denominator}{modifier}"
    if not has_context():
        return None
    if numerator == 10 and 10 <= denominator <= 2000:
        return f"10/{denominator}{modifier}"
    if numerator == 6 and 3 <= denominator <= 1200:
        return f"6/{denominator}{modifier}"
    if numerator <= 5 and denominator == 60:
        return f"{numerator}/60"
    return None
