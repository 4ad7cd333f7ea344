"""Which eye a phrase speaks of: OD/OS/OU, "right eye", "in the left", "both eyes".

Ophthalmic abbreviations are matched in upper case only, so the word "os"
in running text (or "Os" in a name) is not taken for the left eye.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from caserecord.extraction._folded import fold, matches_at, occurrences

__all__ = ["EyeMention", "eye_leads", "eye_near", "eye_sides", "find_eyes", "may_name_eye"]

_ABBREVIATIONS = re.compile(r"\b(OD|OS|OU|RE|LE)\b")
_WORDS = re.compile(
    r"\b(?:(?P<side>right|left)(?:\s+eye|\s+side|\s+vision|\s+optic\s+nerve|\s+retina|\s+field)"
    r"|(?:in|of|for|on)\s+(?:the\s+|his\s+|her\s+)?(?P<side2>right|left)\b(?!\s+(?:knee|arm|leg|hand|"
    r"foot|hip|side\s+of\s+the\s+body|limb|upper|lower))"
    r"|(?P<both>both\s+eyes|each\s+eye|either\s+eye|bilateral(?:ly)?|both\s+of\s+(?:his|her)\s+eyes))"
    r"\b",
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
        side = m.group("side") or m.group("side2")
        found.append(
            EyeMention(offset + m.start(), offset + m.end(), side.lower() if side else "both")
        )
    return sorted(found, key=lambda e: e.start)


def _word_matches(text: str, low: str) -> list[re.Match[str]]:
    """``list(_WORDS.finditer(text))``, tried only where a match can start."""
    sides = occurrences(low, _SIDES)
    starts = set(sides)
    starts.update(occurrences(low, _BOTHS))
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
    r"[\s,:;\-–—]*(?:\([^()]{0,80}\)[\s,:;\-–—]*)?"
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
    # The last mention (in order) before the value and inside the clause ...
    before: EyeMention | None = None
    for index in range(bisect_left(starts, start) - 1, -1, -1):
        eye = eyes[index]
        if eye.start < clause[0]:
            break
        if eye.end <= start:
            before = eye
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
            return eye
    return before


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
        side = m.group("side") or m.group("side2")
        sides.add(side.lower() if side else "both")
        if "both" in sides or len(sides) > 1:
            return sides
    return sides
