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
from dataclasses import dataclass

from caserecord.extraction._data import load_json
from caserecord.extraction._document import Document, Sentence, split_clauses
from caserecord.extraction._mentions import FindingMention
from caserecord.extraction._numbers import parse_number
from caserecord.extraction.eyes import eye_near, find_eyes

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
_LETTERS = re.compile(r"\b(?P<n>\d{1,3})\s+(?:ETDRS\s+)?letters\b", re.IGNORECASE)
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


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    acuity: str
    assumed: str | None = None


def extract_acuity(doc: Document) -> list[FindingMention]:
    """Every visual acuity value or level stated in the document."""
    found: list[FindingMention] = []
    for sentence in doc.sentences:
        if sentence.header_key and _NOT_ACUITY_HEADER.search(sentence.header_key):
            continue
        found.extend(_sentence_acuities(doc.text, sentence))
    return found


def _sentence_acuities(text: str, sentence: Sentence) -> list[FindingMention]:
    candidates = _candidates(sentence)
    if not candidates:
        return []
    eyes = find_eyes(sentence.text, sentence.start)
    clauses = split_clauses(sentence.text, sentence.start)
    mentions: list[FindingMention] = []
    skip_next = False
    for i, cand in enumerate(candidates):
        if skip_next:
            skip_next = False
            continue
        before = text[max(sentence.start, cand.start - 20) : cand.start]
        hint = None
        if _RANGE.search(before):
            skip_next = True  # "ranged from 20/30 to 20/200": one range, keep its start
        elif _FROM.search(before) and i + 1 < len(candidates):
            hint = "baseline"  # "improved from 0.1 to 0.4": the first value is the before
        clause = next(
            ((s, e) for s, e in clauses if s <= cand.start < e), (sentence.start, sentence.end)
        )
        eye = eye_near(text, eyes, cand.start, cand.end, clause=clause)
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


def _candidates(sentence: Sentence) -> list[_Candidate]:
    text, base = sentence.text, sentence.start
    found: list[_Candidate] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, acuity: str, assumed: str | None = None) -> None:
        if all(end <= s or start >= e for s, e in taken):
            taken.append((start, end))
            found.append(_Candidate(base + start, base + end, acuity, assumed))

    has_context = _CONTEXT.search(text) is not None
    for m in _SNELLEN.finditer(text):
        acuity = _snellen(m, has_context)
        if acuity is not None:
            add(m.start(), m.end(), acuity)
    for m in _LOGMAR.finditer(text):
        add(m.start(), m.end(), f"{m.group('a') or m.group('b')} logMAR")
    for m in _LETTERS.finditer(text):
        # "20/80 (55 ETDRS letters)" restates the Snellen value: one measurement.
        restates = any(e <= m.start() <= e + 3 for _, e in taken)
        letters = int(m.group("n"))
        named = "etdrs" in m.group().lower()
        if not restates and 0 <= letters <= 100 and (has_context or named):
            add(m.start(), m.end(), f"{letters} letters")
    for level, pattern in _LEVELS:
        for m in pattern.finditer(text):
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
    if has_context:
        for m in _DECIMAL.finditer(text):
            value = float(m.group("v"))
            if 0.01 <= value <= 2.0 and _CONTEXT.search(text, 0, m.start()):
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
    """'Light perception (LP)' is one value written twice: keep the first writing."""
    kept: list[_Candidate] = []
    for cand in found:
        if (
            kept
            and kept[-1].acuity == cand.acuity
            and _RESTATEMENT_GAP.fullmatch(text[kept[-1].end - base : cand.start - base])
        ):
            continue
        kept.append(cand)
    return kept


def _snellen(match: re.Match[str], has_context: bool) -> str | None:
    numerator = int(match.group("num"))
    denominator = int(match.group("den").replace(",", ""))
    modifier = (match.group("mod") or "").replace(" ", "")
    if numerator == 20 and 10 <= denominator <= 4000:
        return f"20/{denominator}{modifier}"
    if not has_context:
        return None
    if numerator == 10 and 10 <= denominator <= 2000:
        return f"10/{denominator}{modifier}"
    if numerator == 6 and 3 <= denominator <= 1200:
        return f"6/{denominator}{modifier}"
    if numerator <= 5 and denominator == 60:
        return f"{numerator}/60"
    return None
