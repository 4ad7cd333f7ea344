"""Visual acuity in narratives: values in every notation, and words for levels.

Finds Snellen fractions (20/200, 6/60, 1/60, 20/40-2, 20/4,000), logMAR
and ETDRS-letter scores, decimal values in an acuity context ("vision
stabilized around 0.15"), and qualitative levels in words ("could discern
bright light" -> LP, "movements of large objects" -> HM, "count fingers at
three feet" -> CF).  Each becomes a ``FindingMention`` whose ``acuity`` text
:meth:`VisualAcuity.parse` reads back.  A bare decimal number is read as
decimal acuity -- the convention of narratives that write "vision 0.15" --
and the assumption is recorded for the extraction report, unless a label
names the notation ("Visual acuity (logMAR): OD 0.3"; "ETDRS letter score:
70 (OD)" for bare whole numbers).

Changes told as a count ("gained 15 letters", "lost two lines", "improved by
0.3 logMAR") are mentions with a ``change`` and no value.  Near acuity in
Jaeger (J1-J16) or N-point (N5-N48) notation, which :class:`VisualAcuity` does
not hold, is a ``near_visual_acuity`` finding with the value as its grade.

Cue phrases live in ``data/acuity.json``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from re import _constants, _parser  # type: ignore[attr-defined]

from caserecord.extraction._data import load_json
from caserecord.extraction._document import Document, Sentence, split_clauses
from caserecord.extraction._folded import FoldedPattern, fold
from caserecord.extraction._mentions import FindingMention
from caserecord.extraction._numbers import parse_number
from caserecord.extraction.eyes import EyeMention, eye_near, find_eyes, relative_eyes, story_side
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
_STEP_COUNT = (
    r"(?:\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|a\s+couple\s+of|several|a\s+few)"
)
_STEP_HEDGE = r"(?:(?:about|approximately|around|nearly|almost|over|at\s+least|up\s+to)\s+)?"
_STEP_UNIT = r"[\s-](?:(?:Snellen|ETDRS|chart)\s+)?(?:lines?|letters?)\b"
# "gained 15 letters", "improved by two lines", "went up two more lines": a change
# told as a count of chart lines or letters, not a value.
_STEP_AFTER_VERB = re.compile(
    r"\b(?:(?P<improved>"
    + "|".join(_DATA["steps"]["improved"])
    + r")|(?P<worsened>"
    + "|".join(_DATA["steps"]["worsened"])
    + r"))(?:\s+by)?\s+"
    + _STEP_HEDGE
    + _STEP_COUNT
    + r"(?:\s+(?:more|further|additional|extra))?"
    + _STEP_UNIT,
    re.IGNORECASE,
)
# "a two-line improvement", "15 letters of gain"
_STEP_BEFORE_NOUN = re.compile(
    r"\b"
    + _STEP_COUNT
    + _STEP_UNIT
    + r"(?:\s+of)?\s+(?:(?P<improved>"
    + "|".join(_DATA["step_nouns"]["improved"])
    + r")|(?P<worsened>"
    + "|".join(_DATA["step_nouns"]["worsened"])
    + r"))\b",
    re.IGNORECASE,
)
# "improved by 0.3 logMAR": a change told in logMAR units, not a value.
_STEP_LOGMAR = re.compile(
    r"\b(?:(?P<improved>"
    + "|".join(_DATA["logmar_steps"]["improved"])
    + r")|(?P<worsened>"
    + "|".join(_DATA["logmar_steps"]["worsened"])
    + r"))(?:\s+by)?\s+"
    + _STEP_HEDGE
    + r"-?\d?\.\d{1,2}\s?logMAR\b(?:\s+units?\b)?",
    re.IGNORECASE,
)
# "her left eye read 22 letters", "could read 40 letters": letters read off a chart.
_READ_VERB = re.compile(r"\b(?:read|reads|reading|identified|named|saw)\s{1,3}(?:only\s{1,3})?$")
# "from 35 letters to 33": a second count right after a letter count, its unit unwritten.
_LETTERS_THEN = re.compile(r"\s{0,3}(?:to|then|->|→)\s{1,3}(?P<n>\d{1,3})(?![\w.,/%]|\.\d)")
# A label naming the letter count ("ETDRS letter score: 70 (OD)", "the ETDRS score
# was 40"): the bare whole numbers after it are letters.
_LETTER_LABEL = re.compile(r"\b(?:" + "|".join(_DATA["letter_labels"]) + r")\b")  # (folded)
_LETTER_LABELS = tuple(_DATA["letter_labels"])
# A bare count ends where a value of a list ends: at a mark, an eye, a link word.
_BARE_COUNT = re.compile(
    r"(?<![\w/.,+\-])(?P<n>\d{1,3})(?=\s{0,2}(?:[,;:()]|\.(?!\d)|$|(?:od|os|ou|re|le|in|at|"
    r"and|to|on|before|after|right|left|both|each|then|vs|versus|from)\b))"
)  # (folded)
# "logMAR" naming the notation of the values after it, not a value's unit:
# "Visual acuity (logMAR): OD 0.3", "BCVA in logMAR was 0.5", "logMAR acuity".
_LOGMAR_LABEL = re.compile(
    r"\(\s?logmar\s?\)|\bin\s{1,3}logmar\b|\blogmar\s{0,2}(?::|\)|(?:visual\s{1,3})?acuity\b|"
    r"va\b|bcva\b|units?\b|scale\b|values?\b)"
)  # (folded)
# What makes a bare number no letter count: a time ("month 3"), an amount of
# change ("by 15"), a rank ("grade 2").
_NOT_A_COUNT = re.compile(
    r"(?:\b(?:month|week|day|year|visit|grade|level|stage|session|injection|patient|case|"
    r"table|figure|by|of|gained|lost)|[-+])\s?$"
)  # (folded)
# "at the one-year visit 29", "the 6-month visit: 40": a visit named by its time is
# the time of the number after it, not the number of the visit.
_TIMED_VISIT = re.compile(
    r"(?:year|month|week|day)s?[\s-]{1,2}(?:visit|review)\s?:?\s?$"
)  # (folded)
# Near acuity: Jaeger J1-J16 and the N-point sizes N5-N48, upper case, in a
# sentence about near (or, for Jaeger, any) acuity.  VisualAcuity holds distance
# notations only, so these are findings of their own with the value as a grade.
_JAEGER = re.compile(r"(?<![\w/.])(?:J|Jaeger\s?)(?P<v>1[0-6]|[1-9])(?![\w/]|\.\d)")
_N_POINT = re.compile(r"(?<![\w/.])N(?P<v>5|6|8|10|12|14|18|24|36|48)(?![\w/]|\.\d)")
_CHART = re.compile(r"\bchart|\beyes?\b|\betdrs\b")  # (folded)
_ETDRS = re.compile("etdrs")
_NEAR_SIGN = re.compile(r"[JN](?:\d|aeger)")  # in every near value
_NEAR_CONTEXT = re.compile(r"\b(?:" + "|".join(_DATA["near_context"]) + r")\b", re.IGNORECASE)
NEAR_MEASURE = "near_visual_acuity"
_CLOSE_TO_FACE = re.compile(r"\s{1,3}(?:close\s{1,3}to|near|at)\s{1,3}(?:the\s{1,3})?face\b", re.I)
_RANGE = re.compile(r"rang(?:ed|es|ing)\s+from\s+$", re.IGNORECASE)
_ARROW = re.compile(r"[ \t]{0,3}(?:-{1,2}>|={1,2}>|[→⇒⟶])[ \t]{0,3}")
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
# the end of every relative eye ("the fellow eye"; see eyes.relative_eyes), folded
_RELATIVE_WORD = re.compile(
    r"(?:fellow|other|contralateral|treated|study|injected|operated)\s{1,3}eye"
)
_LEVEL_KEYS = frozenset(rule[3] for rule in _LEVEL_RULES)
# The unit words of steps (folded), and the patterns of the steps told in each.
_STEP_FOLDED = {
    "line": (FoldedPattern(_STEP_AFTER_VERB), FoldedPattern(_STEP_BEFORE_NOUN)),
    "letter": (FoldedPattern(_STEP_AFTER_VERB), FoldedPattern(_STEP_BEFORE_NOUN)),
    "logmar": (FoldedPattern(_STEP_LOGMAR),),
}
_STEP_REACH = 90  # characters from the start of a step to its unit word, at most
_STEP_AFTER = 40  # characters of a step after its unit word ("letters of gain")


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    acuity: str  # empty for a change told in lines or letters, and for near acuity
    assumed: str | None = None
    change: str | None = None  # "improved" / "worsened": "gained 15 letters"
    near: str | None = None  # a near acuity: "J5", "N8"


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
    side: list[str | None] = []

    def story() -> str | None:
        if not side:
            side.append(story_side(text))
        return side[0]

    indexes: Iterable[int] = _sentences_with(doc, _trigger(frozenset(keys)), low)
    # Values with no other sign, rare enough to be looked for apart (a sign that
    # starts with a common letter slows the search of every text): a letter score
    # ("the ETDRS score was 40"), an N-point near value ("Near: N8 OD").
    if "etdrs" in low:
        indexes = sorted({*indexes, *_sentences_with(doc, _ETDRS, low)})
    if "near" in low and "N" in text:
        indexes = sorted({*indexes, *_sentences_with(doc, _N_POINT, text)})
    last: tuple[int, FindingMention] | None = None  # a sentence's values' one eye
    for index in indexes:
        sentence = sentences[index]
        if sentence.header_key and _NOT_ACUITY_HEADER.search(sentence.header_key):
            continue
        body = low[sentence.start : sentence.end]
        mentions = _sentence_acuities(text, sentence, body, levels, story)
        if last is not None and last[0] == index - 1:
            _eye_of_it(body, sentence.start, mentions, last[1])
        last = _one_eye(index, mentions)
        found.extend(mentions)
        if len(found) >= MAX_VALUES:
            break
    return found


# "it" as the subject of a value: "At six months it read 27 letters", "it improved to".
_IT = re.compile(r"\bit\s{1,3}(?:\w{1,12}\s{1,3}){0,2}$")  # (folded)


def _eye_of_it(
    low: str, base: int, mentions: list[FindingMention], antecedent: FindingMention
) -> None:
    """ "Her left eye read 22 letters. At six months it read 27": values that name no
    eye, told of "it" right after a sentence whose values are all of one eye, are
    that eye's."""
    if not mentions or any(m.eye for m in mentions):
        return
    first = mentions[0].position - base
    if _IT.search(low, max(0, first - 40), first) is None:
        return
    for mention in mentions:
        mention.eye = antecedent.eye
        mention.spans["eye"] = antecedent.spans["eye"]


def _one_eye(index: int, mentions: list[FindingMention]) -> tuple[int, FindingMention] | None:
    """The sentence and a value of it when all its values name the same one eye."""
    sides = {m.eye for m in mentions}
    if len(sides) == 1 and sides <= {"right", "left"} and "eye" in mentions[-1].spans:
        return index, mentions[-1]
    return None


@lru_cache(maxsize=64)
def _trigger(keys: frozenset[str]) -> re.Pattern[str]:
    """Something (folded) every value in a sentence holds, given the level words."""
    signs = [
        "/",
        r"\.\d",
        "logmar",
        # (no "\b" before a sign, and no new common first letter: re skips ahead
        # to the letters that can start a sign, and "l" starts "light" already)
        "letter",  # values ("55 letters") and steps ("gained 15 letters")
        "line",  # steps: "improved by two lines", "a two-line gain"
        r"j\d|jaeger",  # near: "J5", "Jaeger 5" (N-point sizes only with another sign)
        *sorted(re.escape(k.lower()) for k in keys),
    ]
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
    text: str,
    sentence: Sentence,
    low: str,
    levels: list[_Level],
    story: Callable[[], str | None] = lambda: None,
) -> list[FindingMention]:
    candidates = _candidates(sentence, low, levels)
    if not candidates:
        return []
    eyes = find_eyes(sentence.text, sentence.start)
    if "eye" in low and _RELATIVE_WORD.search(low):
        # "the fellow eye": the other eye of a story that names one
        eyes = sorted(eyes + relative_eyes(sentence.text, sentence.start, story()), key=_start)
    eye_starts = [eye.start for eye in eyes]  # find_eyes gives them in text order
    clauses = split_clauses(sentence.text, sentence.start)
    if " but" in low:
        clauses = _joined(text, clauses)
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
        elif i + 1 < len(candidates) and (
            came_from or _ARROW.fullmatch(text, cand.end, candidates[i + 1].start)
        ):
            # "improved from 0.1 to 0.4", "6/60 -> 6/24": the first value is the before
            hint = "baseline"
        clause = _clause(clauses, clause_starts, cand.start, sentence)
        eye = eye_near(
            text, eyes, cand.start, cand.end, clause=clause, starts=eye_starts, values=value_starts
        )
        mention = FindingMention(
            measure=NEAR_MEASURE if cand.near else "visual_acuity",
            sentence=sentence.index,
            position=cand.start,
            eye=eye.laterality if eye else None,
            acuity=cand.acuity or None,
            acuity_assumed=cand.assumed,
            change=cand.change,
            grade=cand.near,
            detail=text[cand.start : cand.end],
            time_hint=hint,
            spans={"acuity" if cand.acuity else "value": (cand.start, cand.end)},
        )
        if eye is not None:
            mention.spans["eye"] = (eye.start, eye.end)
        mentions.append(mention)
    _key_eye(sentence, eyes, mentions)
    for earlier, later in pairwise(mentions):
        if earlier.time_hint == "baseline" and earlier.eye is None and later.eye is not None:
            # "from 20/200 to 20/100 in the right eye": the eye of the pair
            earlier.eye = later.eye
            earlier.spans["eye"] = later.spans["eye"]
    return mentions


def _key_eye(sentence: Sentence, eyes: list[EyeMention], mentions: list[FindingMention]) -> None:
    """ "BCVA OD: 20/200 (baseline); 20/160 (month 1)": the eye of a line's key is that
    of each of its values that names none, when the key names the line's only eye."""
    key = sentence.header_key
    if not key or not eyes or all(m.eye for m in mentions):
        return
    end = sentence.text.find(key) + len(key)
    if end < len(key) or any(e.start >= sentence.start + end for e in eyes):
        return  # the key is not at the start, or the values name eyes of their own
    if len({e.laterality for e in eyes}) == 1:
        for mention in mentions:
            if mention.eye is None:
                mention.eye = eyes[0].laterality
                mention.spans["eye"] = (eyes[0].start, eyes[0].end)


# "his left eye saw nothing but hand motion": "but" here is "only", not a new clause.
_ONLY_BUT = re.compile(r"\b(?:nothing|anything|none|all)\s+but\s*$", re.IGNORECASE)


def _joined(text: str, clauses: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The clauses, with those split at a "but" that means "only" joined again."""
    joined: list[tuple[int, int]] = []
    for start, end in clauses:
        if joined and _ONLY_BUT.search(text, max(joined[-1][0], start - 20), start):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _start(eye: EyeMention) -> int:
    return eye.start


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
    text = sentence.text
    reader = _Reader(sentence, low)
    # (each pass only where the signs it needs are: most sentences need few)
    if " line" in low or "-line" in low or "letter" in low or "logmar" in low:
        reader.steps()
    if "/" in text:
        reader.snellen()
    if "J" in text or ("N" in text and "near" in low):  # (N-point sizes need "near")
        reader.near()
    if "logmar" in low:
        reader.logmar()
    if "letters" in low:
        reader.letters()
    if levels:
        reader.levels(levels)
    if "etdrs" in low or "letter" in low or "number of" in low:
        reader.counts()
    if _DECIMAL_POINT.search(text):
        reader.decimals()
    if not reader.found:
        return []
    found = sorted(reader.found, key=lambda c: c.start)
    return _drop_restatements(
        reader.text, reader.base, _logmar_pairs(reader.text, reader.base, found)
    )


class _Reader:
    """The values of one sentence, read notation by notation; a value overlapping
    one read before it is dropped, so the order of the passes is their priority."""

    def __init__(self, sentence: Sentence, low: str) -> None:
        self.text, self.base, self.low = sentence.text, sentence.start, low
        self.found: list[_Candidate] = []
        # One flag per character of the sentence (checking a span costs its
        # length, not the values so far).
        self.taken = bytearray(len(self.text))
        self.ends: set[int] = set()
        self._context: bool | None = None
        self._chart: bool | None = None

    def add(
        self, start: int, end: int, acuity: str, assumed: str | None = None, **kind: str
    ) -> None:
        if not any(self.taken[start:end]):
            self.taken[start:end] = b"\x01" * (end - start)
            self.ends.add(end)
            self.found.append(
                _Candidate(self.base + start, self.base + end, acuity, assumed, **kind)
            )

    def has_context(self) -> bool:
        """Whether the sentence speaks of acuity ("vision", "BCVA"...)."""
        if self._context is None:
            self._context = _CONTEXT_FOLDED.search(self.text, self.low) is not None
        return self._context

    def chart_context(self) -> bool:
        """Context for a chart fraction or step: acuity words, a chart, or an eye named."""
        if self._chart is None:
            self._chart = (
                self.has_context()
                or _CHART.search(self.low) is not None
                or bool(find_eyes(self.text))
            )
        return self._chart

    def steps(self) -> None:
        """Changes told in chart lines, letters or logMAR: "gained 15 letters"."""
        low = self.low
        for unit, patterns in _STEP_FOLDED.items():
            # A step ends at its unit: look only just before each (long sentences
            # with a unit word and no step are common: "letter", "baseline").
            for window in _windows(low, unit):
                for pattern in patterns:
                    for m in pattern.finditer(self.text, low, *window):
                        if unit == "logmar" or self.chart_context():
                            change = "improved" if m.group("improved") else "worsened"
                            self.add(m.start(), m.end(), "", change=change)

    def snellen(self) -> None:
        for m in _SNELLEN.finditer(self.text):
            acuity = _snellen(m, self.chart_context)
            if acuity is not None:
                self.add(m.start(), m.end(), acuity)

    def near(self) -> None:
        """Jaeger and N-point near values, in a sentence about near (or any) acuity."""
        text = self.text
        if not _NEAR_SIGN.search(text):
            return
        near = _NEAR_CONTEXT.search(text) is not None
        for pattern, letter in ((_JAEGER, "J"), (_N_POINT, "N")):
            if near or (letter == "J" and self.has_context()):
                for m in pattern.finditer(text):
                    self.add(m.start(), m.end(), "", near=f"{letter}{m.group('v')}")

    def logmar(self) -> None:
        for m in _LOGMAR_FOLDED.finditer(self.text, self.low):
            self.add(m.start(), m.end(), f"{m.group('a') or m.group('b')} logMAR")

    def letters(self) -> None:
        low = self.low
        others = frozenset(self.ends)  # the values before letters ("40, 55 letters" are two)
        for m in _LETTERS_FOLDED.finditer(self.text, low):
            # "20/80 (55 ETDRS letters)" restates the Snellen value: one measurement.
            at = m.start()
            restates = any(e in others for e in range(at - 3, at + 1))
            letters = int(m.group("n"))
            named = "etdrs" in low[m.start() : m.end() + 16] or (
                _READ_VERB.search(low, max(0, at - 24), at) is not None
            )
            if not restates and 0 <= letters <= 100 and (named or self.chart_context()):
                self.add(m.start(), m.end(), f"{letters} letters")
                # "went from 35 letters to 33": the unit written once, after the first
                then = _LETTERS_THEN.match(low, m.end())
                if then is not None and int(then.group("n")) <= 100:
                    self.add(then.start("n"), then.end("n"), f"{then.group('n')} letters")

    def levels(self, levels: list[_Level]) -> None:
        text, low = self.text, self.low
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
                    end, acuity = _with_distance(text, end, level)
                self.add(m.start(), end, acuity)

    def counts(self) -> None:
        """Bare whole numbers after a label naming a letter count."""
        low = self.low
        labels = [at for at in map(low.find, _LETTER_LABELS) if at >= 0]
        label = _LETTER_LABEL.search(low, min(labels)) if labels else None  # (a whole word)
        # A count read before names the unit of the bare ones after it too: "it read
        # 27 letters, and at the one-year visit 29".
        read = [c.end - self.base for c in self.found if c.acuity.endswith(" letters")]
        starts = ([label.end()] if label is not None else []) + read[:1]
        if not starts:
            return
        for m in _BARE_COUNT.finditer(low, min(starts)):
            letters = int(m.group("n"))
            if letters <= 100 and not self._not_a_count(m.start()):
                self.add(m.start(), m.end(), f"{letters} letters")

    def _not_a_count(self, at: int) -> bool:
        """Whether the bare number at ``at`` is a time, a change or a rank, not letters
        ("month 3", "by 15"); "the one-year visit 29" names the value's time."""
        low = self.low
        before = _NOT_A_COUNT.search(low, max(0, at - 12), at)
        return before is not None and _TIMED_VISIT.search(low, max(0, at - 24), at) is None

    def decimals(self) -> None:
        """Bare decimal numbers: decimal acuity in an acuity sentence, logMAR after
        a "logMAR" that is no value's unit ("Visual acuity (logMAR): OD 0.3")."""
        text, low = self.text, self.low
        label = len(text)
        if "logmar" in low:
            label = next(
                (
                    m.start()
                    for m in _LOGMAR_LABEL.finditer(low)
                    if not self.taken[m.start() : m.end()].strip(b"\x00")
                ),
                label,
            )
        if not (label < len(text) or self.has_context()):
            return
        for m in _DECIMAL_FOLDED.finditer(text, low):
            value, written = float(m.group("v")), m.group("v")
            if m.start() > label:
                if value <= 3.0:
                    self.add(m.start(), m.end(), f"{written} logMAR")
            elif 0.01 <= value <= 2.0 and _CONTEXT_FOLDED.search(text, low, 0, m.start()):
                self.add(
                    m.start(),
                    m.end(),
                    f"{written} decimal",
                    assumed=f"bare acuity {written} read as decimal notation, the "
                    "convention of narratives that do not name the chart",
                )


def _windows(low: str, word: str) -> list[tuple[int, int]]:
    """The stretches of ``low`` a step ending at ``word`` may lie in, joined where
    they overlap (so that a text dense with the word is read once)."""
    windows: list[tuple[int, int]] = []
    at = low.find(word)
    while at >= 0:
        start, end = max(0, at - _STEP_REACH), min(len(low), at + len(word) + _STEP_AFTER)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
        at = low.find(word, at + len(word))
    return windows


def _with_distance(text: str, end: int, level: str) -> tuple[int, str]:
    """The end and text of a CF or HM level, with the distance written after it."""
    distance = _DISTANCE.match(text, end)
    if distance is not None:
        amount = parse_number(distance.group("d").lower()) or (
            0.5 if distance.group("d").lower().startswith("half") else None
        )
        unit = _DISTANCE_UNITS.get(distance.group("u").lower())
        if amount is not None and unit is not None:
            return distance.end(), f"{level} {amount:g} {unit}"
    elif (close := _CLOSE_TO_FACE.match(text, end)) is not None:
        return close.end(), level  # "counting fingers close to face": the level's words
    return end, level


# "from 1.0 logMAR to 0.7", "from 1.0 to 0.7 logMAR": one unit for two values.
_PAIRED = re.compile(r"\s{0,3}(?:to|and|or|then|,|-{1,2}>|→)\s{0,3}", re.IGNORECASE)


def _logmar_pairs(text: str, base: int, found: list[_Candidate]) -> list[_Candidate]:
    """The candidates, with a bare number paired with a logMAR value read as logMAR."""
    out = list(found)
    for i, cand in enumerate(out):
        if not cand.acuity.endswith(" decimal"):
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(out) and out[j].acuity.endswith(" logMAR"):
                first, second = (out[j], cand) if j < i else (cand, out[j])
                if _PAIRED.fullmatch(text, first.end - base, second.start - base):
                    value = cand.acuity.removesuffix(" decimal")
                    out[i] = _Candidate(cand.start, cand.end, f"{value} logMAR")
                    break
    return out


_RESTATEMENT_GAP = re.compile(
    r"\s?\(\s?(?:(?:" + "|".join(_DATA["restatement_hedges"]) + r")\s?)?$", re.IGNORECASE
)


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
    if not first or not second:
        return False  # a change or a near value restates no distance value
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
    if numerator == 10 and 10 <= denominator <= 2000:
        found = f"10/{denominator}{modifier}"
    elif numerator == 6 and 3 <= denominator <= 1200:
        found = f"6/{denominator}{modifier}"
    elif numerator <= 5 and denominator == 60:
        found = f"{numerator}/60"
    else:
        return None
    # (the context is asked last: it may cost a search for eyes)
    return found if has_context() else None
