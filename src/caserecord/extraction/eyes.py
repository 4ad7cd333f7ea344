"""Which eye a phrase speaks of: OD/OS/OU, "right eye", "in the left", "both eyes".

Ophthalmic abbreviations are matched in upper case only, so the word "os"
in running text (or "Os" in a name) is not taken for the left eye.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["EyeMention", "eye_near", "find_eyes"]

_ABBREVIATIONS = re.compile(r"\b(OD|OS|OU|RE|LE)\b")
_WORDS = re.compile(
    r"\b(?:(?P<side>right|left)(?:\s+eye|\s+side|\s+vision|\s+optic\s+nerve|\s+retina|\s+field)"
    r"|(?:in|of|for|on)\s+(?:the\s+|his\s+|her\s+)?(?P<side2>right|left)\b(?!\s+(?:knee|arm|leg|hand|"
    r"foot|hip|side\s+of\s+the\s+body|limb|upper|lower))"
    r"|(?P<both>both\s+eyes|each\s+eye|either\s+eye|bilateral(?:ly)?|both\s+of\s+(?:his|her)\s+eyes))"
    r"\b",
    re.IGNORECASE,
)
_ABBR_SIDE = {"OD": "right", "RE": "right", "OS": "left", "LE": "left", "OU": "both"}


@dataclass(frozen=True, slots=True)
class EyeMention:
    start: int
    end: int
    laterality: str  # "right", "left", "both"


def find_eyes(text: str, offset: int = 0) -> list[EyeMention]:
    """Eye mentions in ``text`` in order, spans shifted by ``offset``."""
    found = [
        EyeMention(offset + m.start(), offset + m.end(), _ABBR_SIDE[m.group(1)])
        for m in _ABBREVIATIONS.finditer(text)
    ]
    for m in _WORDS.finditer(text):
        side = m.group("side") or m.group("side2")
        found.append(
            EyeMention(offset + m.start(), offset + m.end(), side.lower() if side else "both")
        )
    return sorted(found, key=lambda e: e.start)


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
) -> EyeMention | None:
    """The eye a value at ``[start, end)`` of ``text`` belongs to.

    A mention right after the value ("20/300 OD", "6/6 in the left") wins
    when only small words stand between them -- "0.5 and in the left eye"
    names the next value's eye, not this one's.  Otherwise the nearest
    mention before the value in the same clause ("the right eye was 0.09").
    """
    for eye in eyes:
        if end <= eye.start <= end + follow:
            gap = _GAP.match(text, end, eye.start)
            if gap is not None and gap.end() == eye.start:
                return eye
            break
    before = [e for e in eyes if clause[0] <= e.start and e.end <= start]
    return before[-1] if before else None
