"""Which eye a phrase speaks of: OD/OS/OU, "right eye", "in the left", "both eyes".

Ophthalmic abbreviations are matched in upper case only, so the word "os"
in running text (or "Os" in a name) is not taken for the left eye.  A single
R or L is an eye only as the label of a value ("VA R 6/36 L 6/60") or in
brackets after one ("6/60 (R)"); "(right)" after a value is its eye too.  "The
fellow eye" and "the study eye" name an eye by its part in a one-eyed story
(:func:`relative_eyes`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from caserecord.extraction._folded import fold, matches_at, occurrences

__all__ = [
    "EyeMention",
    "eye_label_before",
    "eye_leads",
    "eye_near",
    "eye_sides",
    "find_eyes",
    "may_name_eye",
    "relative_eyes",
    "story_side",
]

_ABBREVIATIONS = re.compile(r"\b(OD|OS|OU|RE|LE)\b")
# A capital R or L names an eye only as the label of the value right after it
# ("VA R 6/36 L 6/60", "IOP R: 14"), and "Rt"/"Lt"/"R." only before "eye": a
# letter alone is too common (initials, "L4") to be read as an eye.  At least a
# blank or a colon stands between label and value ("L5" is a vertebra).
# (the letter comes first, and what stands before it is checked after it, so
# that re skips ahead to the capitals R and L)
_LETTER_LABELS = re.compile(
    r"(?P<letter>[RL])(?<![\w/.'’-][RL])(?<!M[rs] [RL])(?<!Dr [RL])(?<!Mrs [RL])"  # not "Mr R"
    r"(?:(?:t\.?[ \t]?|\.[ \t]?|[ \t])eye\b"  # "Rt eye", "L. eye"
    r"|(?<=\([RL])(?=\))"  # "6/60 (R)"
    r"|(?=(?:[ \t]{1,2}|[ \t]?[:=][ \t]?)(?:\d|(?:CF|HM|LP|NLP|NPL|PL|FC)\b)))"  # "R 6/36"
)
_LETTER_SIDE = {"R": "right", "L": "left"}
_WORDS = re.compile(
    r"\b(?:(?P<side>right|left)\)?(?:\s+eye|\s+side|\s+vision|\s+optic\s+nerve|\s+retina|\s+field)"
    r"|(?:in|of|for|on)\s+(?:the\s+|his\s+|her\s+)?(?P<side2>right|left)\b(?!\s+(?:knee|arm|leg|hand|"
    r"foot|hip|side\s+of\s+the\s+body|limb|upper|lower))"
    r"|(?P<both>both\s+eyes|each\s+eye|either\s+eye|bilateral(?:ly)?|both\s+of\s+(?:his|her)\s+eyes))"
    r"\b"
    # a side in brackets after a value: "6/12 (right) and 6/18 (left)"
    r"|\((?P<side3>right|left)(?:\s+eye)?\)"
    # a bare side labelling the value right after it, as an item of a list that
    # starts after a label, a mark or "and": "Acuity: right 6/9, left 6/36", "IOP
    # right 16 and left 14 mmHg" (not the verb: "he left 2 weeks later")
    r"|(?:(?<=[:;,(\n])|(?<=[:;,(\n][ \t])|(?<=\band[ \t])|(?<![\s\S]))"
    r"(?P<side4>right|left)(?=[ \t]{1,2}[:=]?[ \t]?(?:[-−+]?\.?\d|(?-i:CF|HM|LP|NLP|NPL)\b))"
    r"(?![ \t]{1,2}\d{1,3}[ \t]?(?:days?|weeks?|months?|years?|hours?|times?|yrs?)\b)",
    re.IGNORECASE,
)
# A _WORDS match starts at its side or "both" word, or at the preposition
# before the side ("in the left"); these are the words, folded.
_SIDES = ("right", "left")
_BOTHS = ("both", "each", "either", "bilateral")
_PREPOSITIONS = ("in", "of", "for", "on")
_DETERMINERS = ("the", "his", "her")
_ABBREVIATION_WORDS = ("OD", "OS", "OU", "RE", "LE")
_ABBR_SIDE = {"OD": "right", "RE": "right", "OS": "left", "LE": "left", "OU": "both"}


@dataclass(frozen=True, slots=True)
class EyeMention:
    start: int
    end: int
    laterality: str  # "right", "left", "both"


def find_eyes(text: str, offset: int = 0) -> list[EyeMention]:
    """Eye mentions in ``text`` in order, spans shifted by ``offset``."""
    found: list[EyeMention] = []
    starts = occurrences(text, _ABBREVIATION_WORDS)  # every abbreviation starts at one
    if starts:
        found = [
            EyeMention(offset + m.start(), offset + m.end(), _ABBR_SIDE[m.group(1)])
            for m in matches_at(_ABBREVIATIONS, text, starts)
        ]
    for m in _word_matches(text, fold(text)):
        side = m.group("side") or m.group("side2") or m.group("side3") or m.group("side4")
        found.append(
            EyeMention(offset + m.start(), offset + m.end(), side.lower() if side else "both")
        )
    if "R" in text or "L" in text:
        for m in _LETTER_LABELS.finditer(text):
            side = _LETTER_SIDE[m.group("letter")]
            found.append(EyeMention(offset + m.start(), offset + m.end(), side))
    return sorted(found, key=lambda e: e.start)


def _word_matches(text: str, low: str) -> list[re.Match[str]]:
    """``list(_WORDS.finditer(text))``, tried only where a match can start."""
    sides = occurrences(low, _SIDES)
    starts = set(sides)
    starts.update(occurrences(low, _BOTHS))
    starts.update(side - 1 for side in sides if side and low[side - 1] == "(")
    for side in sides:
        # "in the left": blanks, perhaps "the"/"his"/"her" and blanks, a preposition.
        end = _blanks_before(low, side)
        if end == side:
            continue
        ends = [end]
        for word in _DETERMINERS:
            if low.endswith(word, 0, end):
                before = _blanks_before(low, end - len(word))
                if before < end - len(word):
                    ends.append(before)
        for at in ends:
            starts.update(at - len(word) for word in _PREPOSITIONS if low.endswith(word, 0, at))
    return matches_at(_WORDS, text, sorted(starts))


def _blanks_before(text: str, position: int) -> int:
    """Where the run of blanks ending at ``position`` starts."""
    while position > 0 and text[position - 1].isspace():
        position -= 1
    return position


# What may stand between a value and the eye it names: small words, punctuation,
# and one parenthetical restating the value ("20/80 (55 ETDRS letters) OD").
_GAP = re.compile(
    r"[\s,:;\-–—]*(?:\([^()]{0,80}\)[\s,:;\-–—]*)?\(?"
    r"(?:(?:in|of|for|at|on|the|his|her|with|correction|vision|acuity)\b[\s,:;\-–—]*){0,4}",
    re.IGNORECASE,
)


def eye_near(
    text: str,
    eyes: list[EyeMention],
    start: int,
    end: int,
    *,
    clause: tuple[int, int],
    follow: int = 100,
    starts: list[int] | None = None,
    values: Collection[int] = (),
) -> EyeMention | None:
    """The eye a value at ``[start, end)`` of ``text`` belongs to.

    A mention right after the value ("20/300 OD", "6/6 in the left") wins
    when only small words stand between them -- "0.5 and in the left eye"
    names the next value's eye, not this one's.  Otherwise the nearest
    mention before the value in the same clause ("the right eye was 0.09").
    In a list that names each eye before its value ("OD 6/60, OS 6/18") the
    mention before wins (see :func:`eye_leads`; ``values`` holds the starts
    of the sentence's other values).

    ``starts``, the starts of ``eyes`` when ``eyes`` is in text order (as
    :func:`find_eyes` gives it), lets a caller asking about many values skip
    the mentions far from each.
    """
    if starts is None:
        eyes = sorted(eyes, key=lambda e: e.start)
        starts = [eye.start for eye in eyes]
    # The last mention (in order) before the value and inside the clause, or
    # its label just before it ("OD: 6/60", where the colon ends a clause) ...
    before: EyeMention | None = None
    for index in range(bisect_left(starts, start) - 1, -1, -1):
        eye = eyes[index]
        if eye.end <= start and (
            eye.start >= clause[0] or _LABEL_GAP.fullmatch(text, eye.end, start) is not None
        ):
            before = eye
            break
        if eye.start < clause[0]:
            break
    # ... loses to the first mention at or after ``end`` when only small words
    # stand between them, unless the one before is the value's label.
    index = bisect_left(starts, end)
    if index < len(eyes) and eyes[index].start <= end + follow:
        eye = eyes[index]
        gap = _GAP.match(text, end, eye.start)
        if gap is not None and gap.end() == eye.start:
            if before is not None and eye_leads(
                text, before.end, (start, end), (eye.start, eye.end), values
            ):
                return before
            if _labels_next(text, (end, eye.start), eye, values):
                # "RE 6/60 -> 6/24; LE 6/36", "today 20/40, left 20/160": the eye
                # after the mark is the next value's label, not this value's
                return before
            if (
                before is not None
                and before.start >= clause[0]
                and _LIST_BREAK.search(text, end, eye.start) is not None
            ):
                # "left eye vision was 0.02; the right eye remained 1.0": the clause
                # named its eye before the value, the mark ends what it says of it
                return before
            return eye
    return before


def _labels_next(
    text: str, gap: tuple[int, int], eye: EyeMention, values: Collection[int]
) -> bool:
    """Whether ``eye``, after a comma or semicolon in ``gap``, labels the value right
    after it (a start in ``values``) rather than the value before the gap."""
    if _LIST_BREAK.search(text, *gap) is None:
        return False
    label = _LABEL_GAP.match(text, eye.end)
    return label is not None and label.end() in values


# An eye written as the label of the value right after it: "OD 6/60", "right eye: 0.1".
_LABEL_GAP = re.compile(r"[ \t]*[:=]?[ \t]*")
_LIST_BREAK = re.compile(r"[,;]")


def eye_leads(
    text: str,
    before_end: int,
    value: tuple[int, int],
    after: tuple[int, int],
    values: Collection[int] = (),
) -> bool:
    """Whether the eye mention ending at ``before_end`` labels the value at
    ``value``, rather than the mention at ``after`` that follows it.

    Lists name each eye either after its value ("20/40 OD, 20/60 OS") or before
    it ("OD 20/40, OS 20/60").  The eye right before a value (only blanks or a
    colon between) is its label when the eye after is cut off by a comma or a
    semicolon, or is itself the label of the next value (a start in ``values``).
    """
    start, end = value
    if _LABEL_GAP.fullmatch(text, before_end, start) is None:
        return False
    if _LIST_BREAK.search(text, end, after[0]) is not None:
        return True
    label = _LABEL_GAP.match(text, after[1])
    return label is not None and label.end() in values


# "the fellow eye", "the study eye": an eye named by its part in the story.
_RELATIVE = re.compile(
    r"\b(?:(?P<other>fellow|other|contralateral|untreated|non-?treated|non-?study|uninjected|"
    r"non-?injected)|(?P<same>study|treated|injected|operated))\s{1,3}eye\b",
    re.IGNORECASE,
)
_OPPOSITE = {"right": "left", "left": "right"}


def relative_eyes(text: str, offset: int, side: str | None) -> list[EyeMention]:
    """Eyes named by their part in a one-eyed story whose eye is ``side``: "the study
    (treated, injected) eye" is that eye, "the fellow (other, untreated) eye" the
    other one.  None when ``side`` is not one eye (nothing tells which is which)."""
    if side not in _OPPOSITE or "eye" not in text.lower():
        return []
    return [
        EyeMention(
            offset + m.start(), offset + m.end(), side if m.group("same") else _OPPOSITE[side]
        )
        for m in _RELATIVE.finditer(text)
    ]


def story_side(text: str) -> str | None:
    """The one eye a text names ("right" or "left"), else None (none, both, or each)."""
    sides = {eye.laterality for eye in find_eyes(text)}
    return sides.pop() if len(sides) == 1 and sides <= {"right", "left"} else None


# An eye written alone as a label before a colon: "OD:", "Right eye:", "L:".
_LABEL_ONLY = re.compile(
    r"\s*(?:(?:OD|OS|OU|RE|LE|R|L)|(?i:(?:right|left)\s{1,3}eye|both\s{1,3}eyes))[ \t]?"
)


def eye_label_before(text: str, colon: int, start: int = 0) -> bool:
    """Whether ``text[start:colon]``, before a colon, is an eye label and nothing
    else ("OD: 6/60", "Right eye: 0.1"): the colon then ties the eye to its value
    instead of ending a clause.  ("IOP OD: 15 mmHg" is a measure's label.)"""
    return _LABEL_ONLY.fullmatch(text, start, colon) is not None


# Every eye mention (find_eyes here, the eye phrases of findings.json) holds one
# of these: an abbreviation in capitals, or a word in any case.
_EYE_WORDS = ("right", "left", "both", "each", "either", "bilateral")


def may_name_eye(text: str, words: Iterable[str] = ()) -> bool:
    """False when ``text`` can hold no eye mention (nor any of ``words``, lower case).

    The mentions are matched ignoring case; in ASCII text only ASCII letters
    match each other that way, so a word of the mention is a word of the
    lower-cased text.  Other texts are always looked at.
    """
    if not text.isascii() or any(a in text for a in _ABBREVIATION_WORDS):
        return True
    if ("R" in text or "L" in text) and _LETTER_LABELS.search(text):
        return True
    lower = text.lower()
    return any(w in lower for w in _EYE_WORDS) or any(w in lower for w in words)


def eye_sides(text: str) -> set[str]:
    """The sides ``find_eyes`` would name in ``text``, as far as they decide a story's
    eye: the search stops once both sides (or "both") are named."""
    sides: set[str] = set()
    for m in _ABBREVIATIONS.finditer(text):
        sides.add(_ABBR_SIDE[m.group(1)])
        if "both" in sides or len(sides) > 1:
            return sides
    for m in _WORDS.finditer(text):
        side = m.group("side") or m.group("side2") or m.group("side3") or m.group("side4")
        sides.add(side.lower() if side else "both")
        if "both" in sides or len(sides) > 1:
            return sides
    return sides
