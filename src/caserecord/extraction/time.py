"""Time expressions in narratives, and the time of every sentence.

Two steps:

1. :func:`find_times` reads one sentence and returns :class:`TimeMention`
   objects: offsets after treatment ("by the third month post-operation",
   "on postoperative day 3", "at the 6-month follow-up", "at the 6-week
   mark", "by month 6", "Now, one year later"), offsets before the story's
   present ("four months ago", "a five-day history of"), offsets after the
   previous event ("2 days later", "a year and a half on"), calendar dates
   ("in March, 2008") and phase cues ("before treatment", "at discharge",
   "at her latest visit", "now").  Cue words live in ``data/time.json``.
2. :class:`TimeContext` walks the document and answers "when is this
   clause?" from, in order: a mention in the same clause (the one right
   after the value when there is one: "5.5 at baseline"), a leading
   mention of the sentence, the section heading, and the narrative's
   order (before the first intervention is baseline; after it, the most
   recent stated time, else follow-up).

Conventions follow the project's gold format: day 0 is the first
intervention; "by the third month" is month 3; "during the first week" is
week 1.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from pydantic import ValidationError

from caserecord.errors import TimelineError
from caserecord.extraction._data import load_json
from caserecord.extraction._document import Document, Sentence, split_clauses
from caserecord.extraction._folded import FoldedPattern, fast_pattern, fold, folded_text
from caserecord.extraction._numbers import NUMBER_WORD_PATTERN, parse_number
from caserecord.extraction._patterns import alternation
from caserecord.timeline import CaseTime, PartialDate, Phase, Qualifier, TimeUnit

__all__ = ["TimeContext", "TimeMention", "find_times"]

Relation = Literal[
    "after_day0", "before_now", "after_previous", "duration", "date", "phase", "now"
]

_DATA = load_json("time.json")

_alternation = alternation


_UNIT_WORD: dict[str, str] = {
    spelling: unit for unit, spellings in _DATA["units"].items() for spelling in spellings
}
# "a fortnight": a unit word that counts in another unit ("fortnight" -> 2 weeks).
_UNIT_TIMES: dict[str, float] = {}
for _word, (_unit_name, _times) in _DATA["unit_multiples"].items():
    _UNIT_WORD[_word] = _unit_name
    _UNIT_TIMES[_word] = float(_times)
_UNIT = r"(?P<unit>" + _alternation(list(_UNIT_WORD)) + r")"
# "a year and a half later", "two months and a half": the half follows the unit.
_HALF = r"(?P<half>\s+and\s+a\s+half)?"
# "a month on he could ...": a subject after "on" that no medication or place can be.
_ON_SUBJECTS = ("he", "she", "i", "we", "they", "it", "there")
# The nouns of a follow-up visit ("at the 6-month review") and of a point in time
# on the follow-up ("at the 6-week mark").
_VISIT = _alternation(_DATA["visit_nouns"], flexible=True)
_TIME_POINT = _alternation(_DATA["time_point_nouns"], flexible=True)
_NUM = r"(?P<num>half[- ]an?|" + NUMBER_WORD_PATTERN + r"|a|an|a couple of|a few|several)"
_TREATMENT = (
    r"(?:the\s+|his\s+|her\s+|their\s+|this\s+)?(?:\w+\s+){0,3}?(?:"
    + _alternation(_DATA["treatment_words"])
    + r")"
)
_POST = _alternation(_DATA["post_words"])
_APPROX = (
    r"(?:(?P<approx>about|around|approximately|roughly|nearly|almost|some|over|more than|"
    r"at least|up to|only)\s+)?"
)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:18|19|20)\d\d"

_FLAGS = re.IGNORECASE

# (name, relation, pattern).  Order matters: earlier patterns claim their span first.
_PATTERNS: list[tuple[str, Relation, re.Pattern[str]]] = [
    (
        "history",
        "duration",
        re.compile(r"\b" + _NUM + r"[- ]" + _UNIT + r"s?\s+(?:history|duration)\b", _FLAGS),
    ),
    (
        "postop_day",
        "after_day0",
        re.compile(
            r"\b(?:on\s+)?(?:the\s+)?(?:"
            + _POST
            + r"|post[- ]?operative)\s+day\s+"
            + _NUM
            + r"\b",
            _FLAGS,
        ),
    ),
    (
        "ordinal_postop_day",
        "after_day0",
        re.compile(
            r"\b(?:on\s+)?the\s+" + _NUM + r"\s+(?:" + _POST + r"|post[- ]?operative)\s+"
            r"(?P<unit>day|week|month)\b",
            _FLAGS,
        ),
    ),
    (
        "ago",
        "before_now",
        re.compile(
            r"\b"
            + _APPROX
            + _NUM
            + r"\s+"
            + _UNIT
            + r"s?"
            + _HALF
            + r"\s+(?P<rel>ago|earlier|before|prior)\b",
            _FLAGS,
        ),
    ),
    (
        "follow_up_n",
        "after_day0",
        re.compile(
            r"\b(?:(?P<qual>at|after|by|on|in)\s+)?(?:(?:the|a|his|her|my|their|our)\s+)?"
            + _NUM
            + r"[- ]"
            + _UNIT
            + r"s?\s+(?:post[- ]?(?:operative|treatment|transplant)\s+)?"
            r"(?:" + _VISIT + r"|" + _TIME_POINT + r")s?\b",
            _FLAGS,
        ),
    ),
    (
        # A follow-up list item opening with its time: "1 month: VA 0.1", "3 months
        # post-op: ...", "Month 6 - walking" (a sentence starts where the item does).
        "list_time",
        "after_day0",
        re.compile(
            r"^" + _NUM + r"[- ]" + _UNIT + r"s?(?:\s+(?:post[- ]?[a-z]{2,15}|after\s+(?:the\s+)?"
            r"[a-z]{2,15}|later|on))?\s{0,2}(?::|\s[-–—]\s)",
            _FLAGS,
        ),
    ),
    (
        "list_unit_n",
        "after_day0",
        re.compile(
            r"^(?P<unit>day|week|month|year)\s{1,2}(?P<num>\d{1,3})\s{0,2}(?::|\s[-–—]\s)", _FLAGS
        ),
    ),
    (
        "ordinal",
        "after_day0",
        re.compile(
            r"\b(?P<qual>by\s+the\s+end\s+of|at\s+the\s+end\s+of|by|at|in|during|within|after|"
            r"over|until|through)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?"
            r"(?P<num>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
            r"twelfth|\d{1,2}(?:st|nd|rd|th))\s+(?P<unit>day|week|month|year)\b",
            _FLAGS,
        ),
    ),
    (
        # "Now, one year later": the story's present, told from the treatment (not
        # from the last time the story was at).
        "now_later",
        "after_day0",
        re.compile(
            r"\b(?:now|today)\b,?\s+"
            + _APPROX
            + _NUM
            + r"[- ]"
            + _UNIT
            + r"s?"
            + _HALF
            + r"\s+(?P<rel>later|on)\b",
            _FLAGS,
        ),
    ),
    (
        "n_after",
        "after_day0",
        re.compile(
            r"\b(?:(?P<qual>within|after|by|at|in|over|for)\s+)?"
            + _APPROX
            + _NUM
            # "5d", "24h": a digit may touch its unit; a word may not ("an" + "d").
            + r"(?:(?<=\d)|[- ])"
            + _UNIT
            + r"s?"
            + _HALF
            + r"['’]?\s+(?P<rel>after|following|post\b|"
            + _POST
            # "Six months on, ...", "a year on from the injection", "a month on he could":
            # "later"; not "two weeks on steroids".
            + r"|later|from|since|into|on(?=[,;:.)]|\s+from\b| (?:"
            + "|".join(_ON_SUBJECTS)
            + r")\b)"
            # "I'm now three years out (from surgery)": after the treatment.
            + r"|out(?!\s+of\b))"
            r"(?P<what>\s+" + _TREATMENT + r")?",
            _FLAGS,
        ),
    ),
    (
        # "by day ten", "at week 12", "by month 6" (not "in year 2019": a date).
        "day_n",
        "after_day0",
        re.compile(
            r"\b(?P<qual>by|on|at|from|until|in|during|after)\s+(?:the\s+end\s+of\s+)?"
            r"(?P<unit>day|week|month|year)\s+(?!(?:18|19|20)\d\d\b)" + _NUM + r"\b",
            _FLAGS,
        ),
    ),
    (
        "n_day_treatment",
        "after_day0",
        re.compile(
            r"\b" + _NUM + r"[- ]" + _UNIT + r"s?['’]?\s+(?:of\s+)?(?:the\s+)?"
            r"(?:treatment|therapy|course|stay|hospitali[sz]ation|treatment period)",
            _FLAGS,
        ),
    ),
    (
        "for_n",
        "duration",
        re.compile(
            r"\b(?:for|over)\s+(?:the\s+(?:past|last)\s+|more\s+than\s+|over\s+|about\s+|nearly\s+)?"
            + _NUM
            + r"\s+"
            + _UNIT
            + r"s?\b"
            + _HALF,
            _FLAGS,
        ),
    ),
    (
        "within",
        "after_day0",
        re.compile(
            r"\b(?P<qual>within|after|over|in|at|by)\s+(?:only\s+|about\s+|around\s+|"
            r"approximately\s+|the\s+next\s+|the\s+following\s+|the\s+first\s+)?"
            + _NUM
            + r"\s+"
            + _UNIT
            + r"s?\b"
            + _HALF
            # "at 5 months old", "at 31 weeks' gestation" are ages, not follow-up times.
            + r"(?!['’]?\s*(?:old|of\s+age|of\s+life|of\s+gestation|gestation|pregnan))",
            _FLAGS,
        ),
    ),
    (
        "day_after",
        "after_day0",
        re.compile(
            r"\b(?:the\s+)?(?P<which>day|week|month|morning|evening|night)\s+after\s+"
            # "the day after the first infusion"; "the day after the second" is not day 1.
            r"(?!(?:(?:the|his|her|their|my|our)\s+)?(?:second|third|fourth|fifth|2nd|3rd|4th|"
            r"5th|next|last|final|another|repeat)\b)"
            r"(?:the\s+|his\s+|her\s+|their\s+|my\s+|our\s+)?"
            r"(?:[a-z\-]{1,15}\s+){0,3}?(?:"
            + _alternation([*_DATA["treatment_words"], "puncture", "procedure"])
            + r")\b",
            _FLAGS,
        ),
    ),
    (
        # "on the day of the injection": day 0 itself.
        "day_of",
        "after_day0",
        re.compile(
            r"\bon\s+the\s+(?:same\s+)?day\s+of\s+(?:the\s+|his\s+|her\s+|their\s+)?"
            r"(?:[a-z]{1,20}\s+){0,2}?(?:treatment|surgery|operation|injection|infusion|"
            r"transplantation|procedure|puncture|implantation)",
            _FLAGS,
        ),
    ),
    (
        # "the next day", "the following morning": one day (week, month) after the
        # time the story was last at, whatever that was.
        "next_day",
        "after_previous",
        re.compile(
            r"\b(?:on\s+|by\s+|during\s+)?the\s+(?:next|following)\s+"
            r"(?P<which>day|morning|afternoon|evening|night|week|month)\b",
            _FLAGS,
        ),
    ),
    (
        # "later that day", "that evening": the day the story was last at.
        "that_day",
        "after_previous",
        re.compile(
            r"\b(?:later\s+)?that\s+(?:same\s+)?(?:day|morning|afternoon|evening|night)\b"
            # "... reported that night vision improved": night vision, not a night.
            r"(?!\s+(?:vision|blindness|sight))",
            _FLAGS,
        ),
    ),
    (
        "soon_after",
        "after_day0",
        re.compile(
            r"\b(?:soon|shortly|immediately|right)\s+after\s+(?:the\s+)?(?:treatment|surgery|"
            r"operation|injection|infusion|transplantation|procedure)|\bthe\s+same\s+day\b",
            _FLAGS,
        ),
    ),
    (
        "date_full",
        "date",
        re.compile(
            r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+"
            + _MONTHS
            + r",?\s+"
            + _YEAR
            + r"|"
            + _MONTHS
            + r"\s+\d{1,2}(?:st|nd|rd|th)?,\s+"
            + _YEAR
            + r"|"
            + _YEAR
            + r"-\d\d-\d\d)\b",
            _FLAGS,
        ),
    ),
    (
        "date_month",
        "date",
        re.compile(
            r"\b(?:" + _MONTHS + r",?\s+" + _YEAR + r"|" + _YEAR + r"-(?:0[1-9]|1[0-2])(?!-\d))\b",
            _FLAGS,
        ),
    ),
    (
        "date_year",
        "date",
        re.compile(
            r"\b(?:in|since|from|by|during|of|until|to)\s+(?:the\s+(?:year|end|end\s+of)\s+)?"
            + _YEAR
            + r"\b",
            _FLAGS,
        ),
    ),
]

_BASELINE = re.compile(
    r"\b(?:" + _alternation(_DATA["baseline_cues"]) + r")\b|"
    # "before the procedure", "prior to his first infusion": any treatment word.
    # "before the 2nd round" is not: a later round is not the first treatment.
    r"\b(?:before|prior\s+to)\s+"
    r"(?!(?:the\s+|his\s+|her\s+|their\s+)?(?:second|third|fourth|fifth|2nd|3rd|4th|5th|next|"
    r"last|final|another|repeat)\b)"
    r"(?:the\s+|his\s+|her\s+|their\s+|any\s+)?(?:\w+\s+){0,2}?"
    r"(?:" + _alternation([*_DATA["treatment_words"], "procedure", "procedures"]) + r")\b|"
    r"\bbefore(?=\s*(?:[.,;:!)]|and\b|but\b|$))",
    _FLAGS,
)
_DISCHARGE = re.compile(r"\b(?:" + _alternation(_DATA["discharge_cues"]) + r")\b", _FLAGS)
_FOLLOWUP = re.compile(
    r"\b(?:" + _alternation(_DATA["followup_cues"]) + r")\b|"
    # "at her latest visit", "at the most recent review": the last follow-up.
    r"\b(?:at|on|by|during|in)\s+(?:(?:the|his|her|their|my|our)\s+)?(?:"
    + _alternation(_DATA["latest_words"])
    + r")\s+(?:"
    + _VISIT
    + r")s?\b",
    _FLAGS,
)
_NOW = re.compile(r"\b(?:" + _alternation(_DATA["now_cues"]) + r")\b", _FLAGS)
_VAGUE = {"a few": 3.0, "several": 3.0, "a couple of": 2.0}

_QUALIFIERS = {
    "by the end of": Qualifier.BY_END_OF,
    "at the end of": Qualifier.BY_END_OF,
    "by": Qualifier.BY,
    "within": Qualifier.WITHIN,
    "after": Qualifier.AFTER,
    "about": Qualifier.APPROXIMATELY,
    "around": Qualifier.APPROXIMATELY,
    "approximately": Qualifier.APPROXIMATELY,
    "roughly": Qualifier.APPROXIMATELY,
    "nearly": Qualifier.APPROXIMATELY,
    "almost": Qualifier.APPROXIMATELY,
    "some": Qualifier.APPROXIMATELY,
    "over": Qualifier.AFTER,
    "more than": Qualifier.AFTER,
}


@dataclass(frozen=True, slots=True)
class TimeMention:
    """A time expression: its span and what it says."""

    start: int
    end: int
    relation: Relation
    value: float | None = None
    unit: TimeUnit | None = None
    phase: Phase | None = None
    date: PartialDate | None = None
    qualifier: Qualifier | None = None
    rule: str = ""
    # True when the words themselves tie the time to treatment or follow-up
    # ("3 months after the injection", "at the 6-month follow-up", "postoperative
    # day 3"), so the time is on the case timeline even when day 0 is unknown.
    treatment_bound: bool = False


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    key = " ".join(text.lower().split())
    if key in _VAGUE:
        return _VAGUE[key]
    if key in ("a", "an"):
        return 1.0
    if key.startswith("half"):
        return 0.5
    return parse_number(key)


def _qualifier(*words: str | None) -> Qualifier | None:
    for word in words:
        if word:
            found = _QUALIFIERS.get(" ".join(fold(word).split()))
            if found is not None:
                return found
    return None


# Cheap gates: most sentences name no time unit and no year, and then the
# large unit and date patterns cannot match; skipping them is most of the speed.
_HAS_DATE = re.compile(r"\b(?:18|19|20)\d\d\b")
# The rules that place a time by its day relative to another ("the day after the
# injection", "the next morning", "on the day of the injection", "later that day").
_HAS_AFTER = re.compile(
    r"\bafter\b|\bsame\s+day\b|\bday\s+of\b|"
    r"\b(?:next|following|that)\s+(?:same\s+)?(?:day|morning|afternoon|evening|night|week|month)\b",
    _FLAGS,
)
_AFTER_WORDS = ("after", "same", "day", "next", "following", "that")
_GATES: dict[str, re.Pattern[str]] = {
    "date_full": _HAS_DATE,
    "date_month": _HAS_DATE,
    "date_year": _HAS_DATE,
    "day_after": _HAS_AFTER,
    "day_of": _HAS_AFTER,
    "next_day": _HAS_AFTER,
    "that_day": _HAS_AFTER,
    "soon_after": _HAS_AFTER,
}


def _key_words(phrases: list[str], *seed: str) -> tuple[str, ...]:
    """Words one of which every match of a vocabulary alternation contains.

    A phrase's words are literal (only the blanks between them vary), so a
    phrase is covered by any key that is part of one of its words.
    """
    keys = list(seed)
    for phrase in sorted((p.lower().split() for p in phrases if p.strip()), key=len):
        if not any(key in word for key in keys for word in phrase):
            keys.append(max(phrase, key=lambda word: (word not in _COMMON_WORDS, len(word))))
    return tuple(keys)


def _unhyphenated(*lists: list[str]) -> list[str]:
    """Phrases matched flexibly ("follow-up" as "follow up"), as the words every match holds."""
    return [phrase.replace("-", " ") for phrase in (p for words in lists for p in words)]


# Words too common to be worth testing for when a rarer one will do.
_COMMON_WORDS = frozenset(
    {"a", "an", "at", "by", "end", "first", "his", "her", "in", "of", "on", "the", "to", "when"}
)


def _unit_probe() -> re.Pattern[str]:
    # A unit word as a whole word (plural or not) in folded text, written so the
    # regex engine can skip to the first letters of the unit words instead of
    # trying every position.
    by_letter: dict[str, list[str]] = {}
    for word in _UNIT_WORD:
        by_letter.setdefault(word[0].lower(), []).append(word.lower()[1:])
    branches = []
    for letter, rests in sorted(by_letter.items()):
        tails = [r for r in rests if r]
        body = "(?:" + "|".join(map(re.escape, sorted(tails, key=len, reverse=True))) + ")"
        if "" in rests:
            body += "?"
        branches.append(re.escape(letter) + r"(?<!\w.)" + (body if tails else ""))
    return re.compile("(?:" + "|".join(branches) + r")s?\b")


_HAS_UNIT_LOWER = _unit_probe()
_DAY_UNITS = ("day", "week", "month", "year")
# rule -> groups of words: the rule cannot match unless, for every group, the
# folded text contains one of its words (a superset test: no false "no").
_WORD_GATES: dict[str, tuple[tuple[str, ...], ...]] = {
    "history": (("history", "duration"),),
    "postop_day": (("post",), ("day",)),
    "ordinal_postop_day": (("post",), ("day", "week", "month")),
    "ago": (("ago", "earlier", "before", "prior"),),
    "follow_up_n": (_key_words(_unhyphenated(_DATA["visit_nouns"], _DATA["time_point_nouns"])),),
    "now_later": (("now", "today"), ("later", "on")),
    "list_time": ((":", " - ", " – ", " — "),),
    "list_unit_n": ((":", " - ", " – ", " — "),),
    "ordinal": (_DAY_UNITS,),
    "n_after": (
        _key_words(
            _DATA["post_words"],
            "after",
            "following",
            "post",
            "later",
            "from",
            "since",
            "into",
            *(f"on{mark}" for mark in ",;:.)"),
            *(f"on {subject}" for subject in _ON_SUBJECTS),
            "out",
        ),
    ),
    "day_n": (_DAY_UNITS,),
    "n_day_treatment": (("treatment", "therapy", "course", "stay", "hospitali"),),
    "for_n": (("for", "over"),),
    "within": (),  # "in", "at", "by": nearly every sentence
    "day_after": (("after",), ("day", "week", "month", "morning", "evening", "night")),
    "day_of": (("day",), ("of",)),
    "next_day": (("next", "following"),),
    "that_day": (("that",), ("day", "morning", "afternoon", "evening", "night")),
    "soon_after": (("after", "same"),),
    "date_full": (("18", "19", "20"),),
    "date_month": (("18", "19", "20"),),
    "date_year": (("18", "19", "20"),),
}
_CUE_GATES: dict[str, tuple[str, ...]] = {
    "discharge": _key_words(_DATA["discharge_cues"]),
    "followup": _key_words(_DATA["followup_cues"], *_DATA["latest_words"]),
    "baseline": _key_words(_DATA["baseline_cues"], "before", "prior", "pre"),
    "now": _key_words(_DATA["now_cues"]),
}


def _contains(low: str, groups: tuple[tuple[str, ...], ...]) -> bool:
    """Whether ``low`` holds, for every group, one of its words."""
    for group in groups:
        for word in group:
            if word in low:
                break
        else:
            return False
    return True


def _site(rule: str, pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """For rules that read "<number> <unit> <word>": the "<unit> <word>" part alone.

    It starts with the unit's first letter, so the engine skips to those; a
    sentence without it cannot match the rule (checked before the costly
    number alternation is tried at every word).
    """
    if rule == "day_n":  # "by month 6": the unit word and the number after it
        return fast_pattern(re.compile(r"\b(?:day|week|month|year)\s+" + _NUM, _FLAGS))
    if rule not in ("history", "ago", "follow_up_n", "n_after", "n_day_treatment"):
        return None
    _, unit, tail = pattern.pattern.partition(_UNIT)
    if not unit:  # pragma: no cover - the table above changed
        raise ValueError(f"rule {rule} has no unit")
    by_letter: dict[str, list[str]] = {}
    for word in _UNIT_WORD:
        by_letter.setdefault(word[0].lower(), []).append(re.escape(word.lower()[1:]))
    units = "|".join(
        re.escape(letter) + "(?:" + "|".join(sorted(rests, key=len, reverse=True)) + ")"
        for letter, rests in sorted(by_letter.items())
    )
    return fast_pattern(re.compile("(?:" + units + ")" + tail, pattern.flags))


_RULES = [
    (
        rule,
        relation,
        FoldedPattern(pattern),
        _WORD_GATES[rule],
        _site(rule, pattern),
        _GATES.get(rule),
    )
    for rule, relation, pattern in _PATTERNS
]


def find_times(text: str, offset: int = 0) -> list[TimeMention]:
    """Time expressions in ``text`` (spans shifted by ``offset``), in text order."""
    return list(_find_times(text, offset))


_CACHE_SIZE = 2048


@lru_cache(maxsize=_CACHE_SIZE)
def _find_times(text: str, offset: int) -> tuple[TimeMention, ...]:
    # Cached: several extractors ask about the same sentence (mentions are frozen).
    low = fold(text)
    # The rules in their order (earlier ones claim their span first), in three
    # runs: those needing a time unit, "after"/"same day", and a year.
    unit = _HAS_UNIT_LOWER.search(low) is not None
    after = any(word in low for word in _AFTER_WORDS) and _HAS_AFTER.search(text) is not None
    date = ("18" in low or "19" in low or "20" in low) and _HAS_DATE.search(text) is not None
    cues = _CUE_KEYS.search(low) is not None
    if not (unit or after or date or cues):
        return ()
    # One flag per character: checking a span costs its length, so a sentence
    # with thousands of time phrases stays linear (a list of spans would not).
    taken = bytearray(len(text))
    found: list[TimeMention] = []
    for rules, wanted in ((_UNIT_RULES, unit), (_AFTER_RULES, after), (_DATE_RULES, date)):
        if not wanted:
            continue
        for rule, relation, pattern, words, site in rules:
            if not _contains(low, words) or (site is not None and site.search(low) is None):
                continue
            for match in pattern.finditer(text, low):
                start, end = match.span()
                if any(taken[start:end]):
                    continue
                mention = _mention(rule, relation, match, offset)
                if mention is not None:
                    taken[start:end] = b"\x01" * (end - start)
                    found.append(mention)
    if cues:
        for name, pattern, phase, relation in _CUES:
            if not _contains(low, (_CUE_GATES[name],)):
                continue
            for match in pattern.finditer(text, low):
                start, end = match.span()
                if not any(taken[start:end]):
                    taken[start:end] = b"\x01" * (end - start)
                    found.append(
                        TimeMention(
                            offset + start, offset + end, relation, phase=phase, rule=relation
                        )
                    )
    return tuple(sorted(found, key=lambda m: m.start))


_Rule = tuple[
    str,
    Relation,
    FoldedPattern,
    tuple[tuple[str, ...], ...],
    re.Pattern[str] | None,
]


def _run(gate: re.Pattern[str] | None) -> list[_Rule]:
    """The rules that ``gate`` (None: the time-unit test) lets through, in order."""
    rules = [
        (rule, relation, pattern, words, site)
        for rule, relation, pattern, words, site, rule_gate in _RULES
        if rule_gate is gate
    ]
    positions = [i for i, r in enumerate(_RULES) if r[5] is gate]
    if positions != list(range(positions[0], positions[-1] + 1)):  # pragma: no cover
        raise RuntimeError("time rules sharing a gate must stand together")
    return rules


_UNIT_RULES = _run(None)
_AFTER_RULES = _run(_HAS_AFTER)
_DATE_RULES = _run(_HAS_DATE)
if [r[0] for r in _UNIT_RULES + _AFTER_RULES + _DATE_RULES] != [r[0] for r in _RULES]:
    raise RuntimeError("time rules must run units, then after, then dates")  # pragma: no cover
_CUE_KEYS = re.compile("|".join(sorted({re.escape(k) for ks in _CUE_GATES.values() for k in ks})))


_CUES: tuple[tuple[str, FoldedPattern, Phase | None, Relation], ...] = (
    ("discharge", FoldedPattern(_DISCHARGE), Phase.DISCHARGE, "phase"),
    ("followup", FoldedPattern(_FOLLOWUP), Phase.FOLLOW_UP, "phase"),
    ("baseline", FoldedPattern(_BASELINE), Phase.BASELINE, "phase"),
    ("now", FoldedPattern(_NOW), None, "now"),
)


def _day_unit(which: str) -> TimeUnit:
    """'week' -> week, 'month' -> month; a day or a part of one ('the next morning') -> day."""
    word = which.lower()
    return TimeUnit(word) if word in ("week", "month") else TimeUnit.DAY


def _mention(
    rule: str, relation: Relation, match: re.Match[str], offset: int
) -> TimeMention | None:
    start, end = offset + match.start(), offset + match.end()
    groups = match.groupdict()
    if relation == "date":
        date = _read_date(match.group())
        if date is None:
            return None
        return TimeMention(start, end, "date", date=date, rule=rule)
    if rule == "day_after":
        unit = _day_unit(groups["which"])
        return TimeMention(start, end, "after_day0", 1.0, unit, rule=rule, treatment_bound=True)
    if rule == "next_day":
        unit = _day_unit(groups["which"])
        return TimeMention(start, end, "after_previous", 1.0, unit, rule=rule)
    if rule == "that_day":
        return TimeMention(start, end, "after_previous", 0.0, TimeUnit.DAY, rule=rule)
    if rule in ("soon_after", "day_of"):
        return TimeMention(
            start, end, "after_day0", 0.0, TimeUnit.DAY, rule=rule, treatment_bound=True
        )
    value = _number(groups.get("num"))
    # "on postoperative day 3", "by day five": the unit is in the rule, not a group.
    unit_word = (groups.get("unit") or ("day" if rule in ("postop_day", "day_n") else "")).lower()
    unit_name = _UNIT_WORD.get(unit_word) or _UNIT_WORD.get(unit_word.rstrip("s"))
    if value is None or unit_name is None:
        return None
    if groups.get("half"):  # "a year and a half"
        value += 0.5
    value *= _UNIT_TIMES.get(unit_word, 1.0)  # "a fortnight" is two weeks
    unit = TimeUnit(unit_name)
    qualifier = _qualifier(groups.get("qual"), groups.get("approx"))
    rel = (groups.get("rel") or "").lower()
    if relation == "before_now":
        return TimeMention(start, end, "before_now", value, unit, qualifier=qualifier, rule=rule)
    if rule == "n_after" and (rel == "later" or (rel == "on" and not groups.get("what"))):
        return TimeMention(
            start, end, "after_previous", value, unit, qualifier=qualifier, rule=rule
        )
    if rule == "n_after" and rel in ("from", "since", "into") and not groups.get("what"):
        return None
    bound = (
        rule in _TREATMENT_BOUND_RULES
        or bool(groups.get("what"))
        or (rule == "n_after" and (rel.startswith("post") or rel == "out"))
    )
    return TimeMention(
        start, end, relation, value, unit, qualifier=qualifier, rule=rule, treatment_bound=bound
    )


_TREATMENT_BOUND_RULES = frozenset(
    {
        "postop_day",
        "ordinal_postop_day",
        "follow_up_n",
        "list_time",
        "list_unit_n",
        "n_day_treatment",
        "day_after",
        "day_of",
        "soon_after",
    }
)


@lru_cache(maxsize=1024)
def _read_date(text: str) -> PartialDate | None:
    # Cached: parsing runs dateutil and pydantic, and dates recur (PartialDate is frozen).
    try:
        return PartialDate.parse(_strip_preposition(text))
    except (TimelineError, ValueError):
        return None


def _strip_preposition(text: str) -> str:
    return re.sub(
        r"^(?:in|since|from|by|during|of|until|to)\s+(?:the\s+(?:year|end|end\s+of)"
        r"\s+)?",
        "",
        text.strip(),
        flags=_FLAGS,
    )


@dataclass(frozen=True, slots=True)
class PlacedTime:
    """A time on the case timeline and the words that placed it (if any)."""

    time: CaseTime
    mention: TimeMention | None
    how: Literal["clause", "sentence", "section", "context", "order"]
    # ``str(time)``, which findings are grouped by: printed once, as the
    # context hands the same PlacedTime to every finding it places alike.
    label: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", str(self.time))


class TimeContext:
    """Answers "when?" for any position of a document.

    ``day0`` is the index of the sentence that tells of the first
    intervention; ``anchor_date`` its calendar date when the story gives it.
    """

    def __init__(
        self,
        doc: Document,
        day0: int | None,
        anchor_date: PartialDate | None,
        now: CaseTime | None = None,
    ) -> None:
        self.doc = doc
        self.day0 = day0
        self.anchor_date = anchor_date
        self.now = now
        # Read when first needed: only the sentences from day 0 on carry a time
        # forward, and only those with a finding are asked about.
        self._mentions = _sentence_times(doc)
        self._times: dict[tuple[TimeMention, bool], CaseTime | None] = {}
        self._clauses: dict[int, list[tuple[int, int]]] = {}
        # Per sentence, filled as findings ask: its placeable mentions with
        # their times, and the time of a finding that no mention places.
        self._timed: dict[int, list[_Timed]] = {}
        self._fallback: dict[int, PlacedTime] = {}
        # A letter's own date ("Seen: 14 March 2024") is its "today"; a discharge
        # summary's "Discharged: 17 July 2023" is the day "at discharge" stands for.
        self._discharge: CaseTime | None = None
        self._discharge = self._header_time(_DISCHARGE_DATE_KEYS)
        self.now = now or self._header_time(_VISIT_DATE_KEYS)
        self._section_times = [self._heading_time(sec.heading) for sec in doc.sections]
        self._carried = self._carry()

    def _header_time(self, keys: frozenset[str]) -> CaseTime | None:
        """The time of the first ``Key: date`` header with one of ``keys``, after day 0."""
        if self.anchor_date is None:
            return None
        for header in self.doc.headers:
            if header.key.lower() not in keys or len(header.value) > _HEADER_DATE_WIDTH:
                continue
            dates = [m for m in find_times(header.value) if m.relation == "date"]
            if dates and (time := self.to_case_time(dates[0])) is not None:
                return time if (time.approx_days or 0) > 0 else None
        return None

    def mentions(self, sentence: Sentence) -> list[TimeMention]:
        return list(self._mentions_in(sentence.index))

    def _mentions_in(self, index: int) -> tuple[TimeMention, ...]:
        found = self._mentions[index]
        if found is None:
            sentence = self.doc.sentences[index]
            found = self._mentions[index] = _find_times(sentence.text, sentence.start)
        return found

    # -- turning mentions into times ---------------------------------------------
    def to_case_time(
        self, mention: TimeMention, previous: CaseTime | None = None, *, before_day0: bool = False
    ) -> CaseTime | None:
        """The case time a mention stands for, or None when it cannot be placed.

        Text can state any number ("within 180138085995 hours"); a time the
        timeline refuses as implausible is not a time of this case, so it is
        not placed rather than allowed to raise.
        """
        if mention.relation == "after_previous":  # the one kind that counts from ``previous``
            return self._case_time_or_none(mention, previous, before_day0)
        # The others are asked for again and again (the carried times, then
        # each finding placed by the mention): work each out once.
        key = (mention, before_day0)
        if key in self._times:
            return self._times[key]
        time = self._times[key] = self._case_time_or_none(mention, None, before_day0)
        return time

    def _case_time_or_none(
        self, mention: TimeMention, previous: CaseTime | None, before_day0: bool
    ) -> CaseTime | None:
        try:
            return self._case_time(mention, previous, before_day0)
        except (ValidationError, TimelineError, ValueError, OverflowError):
            return None

    def _case_time(
        self, mention: TimeMention, previous: CaseTime | None, before_day0: bool
    ) -> CaseTime | None:
        if mention.relation == "phase" and mention.phase is not None:
            if mention.phase is Phase.DISCHARGE and self._discharge is not None:
                return self._discharge
            return CaseTime(phase=mention.phase)
        if mention.relation == "now":
            return self.now
        if mention.relation == "date" and mention.date is not None:
            if self.anchor_date is None:
                return None
            return CaseTime.from_dates(mention.date, self.anchor_date)
        if mention.value is None or mention.unit is None:
            return None
        if mention.relation in ("before_now", "duration"):
            return CaseTime.at(-mention.value, mention.unit) if mention.value else None
        if mention.relation == "after_previous":
            if previous is None or previous.value is None or previous.unit is None:
                return None if before_day0 else CaseTime.at(mention.value, mention.unit)
            if previous.unit is mention.unit:
                return CaseTime.at(previous.value + mention.value, mention.unit)
            if 0 <= (previous.approx_days or 0.0) * 7 <= _DAYS[mention.unit]:
                # "ten weeks later" after day 0, or after "the next day", is week 10,
                # not day 70 or 71: an offset of a seventh of the later unit at most
                # (a day in weeks) is below the precision the story now counts in.
                return CaseTime.at(mention.value, mention.unit)
            days = (previous.approx_days or 0.0) + mention.value * _DAYS[mention.unit]
            return CaseTime.at(round(days), TimeUnit.DAY)
        if before_day0 and mention.rule in ("within", "n_day_treatment", "for_n"):
            return None
        return CaseTime.at(mention.value, mention.unit, qualifier=mention.qualifier)

    def _heading_time(self, heading: str) -> CaseTime | None:
        # "The condition after the first course & before admission (September, 2011)":
        # a stated offset or date is more precise than a phase word, so it wins.
        # A full date ("17 October 2023") is exact where an offset from another event
        # ("three months after discharge") is not; "today" is the letter's date.
        rank = {"after_day0": 1, "date": 2, "phase": 3, "now": 4}
        mentions = sorted(
            (m for m in find_times(heading) if m.relation in rank),
            key=lambda m: 0 if m.date is not None and m.date.day is not None else rank[m.relation],
        )
        for mention in mentions:
            time = self.to_case_time(mention)
            if time is None or (mention.relation == "date" and (time.value or 0) <= 0):
                continue
            return time
        return None

    def _carry(self) -> list[CaseTime | None]:
        """The time each sentence inherits from the ones before it."""
        carried: list[CaseTime | None] = []
        current: CaseTime | None = None
        for sentence in self.doc.sentences:
            carried.append(current)
            if self.day0 is not None and sentence.index < self.day0:
                continue
            for mention in self._mentions_in(sentence.index):
                if self.day0 is None and not mention.treatment_bound:
                    continue  # "hours after hitting a deer" is not on a treatment timeline
                if mention.relation in ("after_day0", "after_previous", "date"):
                    time = self.to_case_time(mention, current)
                    if time is not None and (time.approx_days or 0) >= 0:
                        current = time
        return carried

    # -- the question ----------------------------------------------------------------
    def place(self, sentence: Sentence, position: int) -> PlacedTime:
        """When the finding at character ``position`` of ``sentence`` happened."""
        timed = self._timed_mentions(sentence)
        if timed:
            placed = self._place_by_mention(sentence, position, timed)
            if placed is not None:
                return placed
        fallback = self._fallback.get(sentence.index)
        if fallback is None:
            fallback = self._fallback[sentence.index] = self._place_by_context(sentence)
        return fallback

    def _timed_mentions(self, sentence: Sentence) -> list[_Timed]:
        """The sentence's mentions that can place a finding (not durations), in text order.

        Their times are worked out when first needed and kept: a sentence is
        asked about once per finding in it, and the answer does not change.
        """
        timed = self._timed.get(sentence.index)
        if timed is None:
            timed = self._timed[sentence.index] = [
                _Timed(m) for m in self._mentions_in(sentence.index) if m.relation != "duration"
            ]
        return timed

    def _time_of(self, sentence: Sentence, timed: _Timed) -> CaseTime | None:
        if not timed.known:
            before_day0 = self.day0 is not None and sentence.index < self.day0
            previous = self._carried[sentence.index]
            timed.time = self.to_case_time(timed.mention, previous, before_day0=before_day0)
            timed.known = True
        return timed.time

    def _place_by_mention(
        self, sentence: Sentence, position: int, timed: list[_Timed]
    ) -> PlacedTime | None:
        """The nearest mention's time in the finding's clause, else the first in the sentence."""
        clause = _clause_of(sentence, position, self._clauses)
        in_clause = [t for t in timed if clause[0] <= t.mention.start < clause[1]]
        if len(in_clause) > 1:
            in_clause.sort(
                key=lambda t: (t.mention.start > position, abs(t.mention.start - position))
            )
            # "was 20/125 at week 12 and 20/100 by the end of the first year", "EDSS 3.0,
            # down from 5.5 at baseline": a time right after the value is the value's own
            # (not one that opens a sentence whose full stop is missing: "20/200 OS At 6").
            text, base = sentence.text, sentence.start
            for index, candidate in enumerate(in_clause):
                start = candidate.mention.start
                if (
                    start > position
                    and text[start - base].islower()
                    and _ATTACHED.fullmatch(text, position - base, start - base)
                ):
                    in_clause.insert(0, in_clause.pop(index))
                    break
        groups: tuple[tuple[list[_Timed], Literal["clause", "sentence"]], ...] = (
            (in_clause, "clause"),
            (timed[:1], "sentence"),
        )
        for group, how in groups:
            for candidate in group:
                mention = candidate.mention
                if how == "sentence" and mention.start > clause[0] and clause[0] > sentence.start:
                    continue  # a later clause's time does not govern an earlier one
                time = self._time_of(sentence, candidate)
                if time is not None:
                    placed = candidate.placed.get(how)
                    if placed is None:
                        placed = candidate.placed[how] = PlacedTime(time, mention, how)
                    return placed
        return None

    def _place_by_context(self, sentence: Sentence) -> PlacedTime:
        """The time of a finding in ``sentence`` that no time mention places."""
        before_day0 = self.day0 is not None and sentence.index < self.day0
        previous = self._carried[sentence.index]
        if sentence.section is not None:
            time = self._section_times[sentence.section]
            if time is not None:
                return PlacedTime(time, None, "section")
        if before_day0 or sentence.index == self.day0:
            return PlacedTime(_AT_BASELINE, None, "order")
        if self.day0 is None:
            # No intervention found: a stated follow-up time still carries over
            # to the sentences after it; before any, the story is at baseline.
            if previous is not None:
                return PlacedTime(previous, None, "context")
            return PlacedTime(_AT_BASELINE, None, "order")
        if previous is not None:
            return PlacedTime(previous, None, "context")
        return PlacedTime(self.now or _AT_FOLLOW_UP, None, "order")


_VISIT_DATE_KEYS = frozenset(_DATA["visit_date_keys"])
_DISCHARGE_DATE_KEYS = frozenset(_DATA["discharge_date_keys"])
_HEADER_DATE_WIDTH = 40  # "Seen: 14 March 2024 (clinic 3)": a date, not a paragraph

# Between a value and a time phrase that is its own: the value and perhaps its unit or
# eye ("5.5 at baseline", "20/200 OD at 6 months"), no comma, no "and", no full stop.
_ATTACHED = re.compile(
    r"[^\s,;:]{0,19}[^\s,;:.!?)](?:\s{1,3}(?:OD|OS|OU|od|os|ou|logMAR|letters|mmHg|mm\s?Hg|[µμu]m|dB|%|"
    r"points?|cm|metres?|meters?|feet|ft|m))?\s{1,3}"
)

# Built once: times are frozen, so every finding placed at a phase can share one.
_AT_BASELINE = CaseTime.baseline()
_AT_FOLLOW_UP = CaseTime.follow_up()


@dataclass(slots=True)
class _Timed:
    """A time mention of a sentence and, once worked out, the case time it stands for."""

    mention: TimeMention
    time: CaseTime | None = None
    known: bool = False
    placed: dict[str, PlacedTime] = field(default_factory=dict)  # by how it placed


# From this many sentences on (more than ``_find_times`` remembers: a table, a
# dump, no narrative), the sentences that hold none of the words a time
# expression needs are found in one pass over the text instead of a call each.
_MANY_SENTENCES = _CACHE_SIZE


def _sentence_times(doc: Document) -> list[tuple[TimeMention, ...] | None]:
    """For every sentence of ``doc``: no time mentions (``()``), or None for "not read yet"."""
    sentences = doc.sentences
    if len(sentences) < _MANY_SENTENCES:
        return [None] * len(sentences)
    low = doc.memo(folded_text)
    starts = [s.start for s in sentences]
    wanted: set[int] = set()
    # Every expression holds a unit word, a year, "after"/"same" or a cue word;
    # only a sentence cut inside a word (no blank between it and the next) can
    # see a word boundary the whole text does not.
    for hit in _ANY_TIME.finditer(low):
        index = max(0, bisect_right(starts, hit.start()) - 1)
        while index < len(sentences) and sentences[index].start < max(hit.end(), hit.start() + 1):
            if sentences[index].end > hit.start():
                wanted.add(index)
            index += 1
    for index in range(len(sentences) - 1):
        if sentences[index + 1].start == sentences[index].end:
            wanted.update((index, index + 1))
    return [None if index in wanted else () for index in range(len(sentences))]


_ANY_TIME = re.compile(
    "|".join(
        [
            _HAS_UNIT_LOWER.pattern,
            r"(?:18|19|20)\d\d",
            "after",
            "same",
            *sorted({re.escape(k) for ks in _CUE_GATES.values() for k in ks}),
        ]
    )
)


_DAYS = {
    TimeUnit.HOUR: 1 / 24,
    TimeUnit.DAY: 1.0,
    TimeUnit.WEEK: 7.0,
    TimeUnit.MONTH: 30.4375,
    TimeUnit.YEAR: 365.25,
}


def _clause_of(
    sentence: Sentence, position: int, known: dict[int, list[tuple[int, int]]]
) -> tuple[int, int]:
    clauses = known.get(sentence.index)
    if clauses is None:  # the same sentence is asked about once per finding
        clauses = known[sentence.index] = split_clauses(sentence.text, sentence.start)
    for start, end in clauses:
        if start <= position < end:
            return start, end
    return sentence.start, sentence.end
