"""Small controlled vocabularies: laterality, sex, severity, change, status.

Each enum accepts the spellings clinicians and patients actually write
(``OD``/``OS``/``OU``, "both eyes", "bilateral", "getting better"...)
through ``Enum._missing_``, so ``Laterality("OD") is Laterality.RIGHT``
and pydantic fields accept the same spellings.  The spellings are data in
``_SPELLINGS`` below, apart from the one lookup that applies them.

Severity follows the CTCAE grade words (mild, moderate, severe,
life-threatening); direction and status words follow the gold annotation
convention of the project (``improved``/``worsened``/``unchanged``,
``normal``/``abnormal``/``present``/``absent``).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Self

__all__ = ["Change", "Laterality", "Severity", "Sex", "Status"]


def _key(text: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", text.strip().lower())


class _SpelledEnum(StrEnum):
    """A StrEnum that also accepts the synonyms listed in ``_SPELLINGS``."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        key = _key(value)
        for member in cls:
            if key == _key(member.value) or key == _key(member.name):
                return member
        name = _SPELLINGS.get(cls.__name__, {}).get(key)
        return cls[name] if name is not None else None

    @classmethod
    def parse(cls, text: str) -> Self:
        """The member a spelling names; ``ValueError`` listing the accepted values."""
        try:
            return cls(text)
        except ValueError:
            allowed = ", ".join(m.value for m in cls)
            raise ValueError(
                f"{cls.__name__.lower()} must be one of {allowed} (got {text!r})"
            ) from None

    @classmethod
    def lookup(cls, text: str) -> Self | None:
        """Like :meth:`parse` but ``None`` for an unknown spelling."""
        try:
            return cls(text)
        except ValueError:
            return None


class Laterality(_SpelledEnum):
    """Which eye or side of the body."""

    RIGHT = "right"
    LEFT = "left"
    BOTH = "both"

    @property
    def eye_abbreviation(self) -> str:
        """OD, OS or OU: the ophthalmic abbreviations (oculus dexter/sinister/uterque)."""
        return {"right": "OD", "left": "OS", "both": "OU"}[self.value]

    def covers(self, other: Laterality) -> bool:
        """True when a finding on ``other`` is consistent with this side."""
        return self is Laterality.BOTH or self is other


class Sex(_SpelledEnum):
    MALE = "male"
    FEMALE = "female"


class Severity(_SpelledEnum):
    """Adverse-event severity in CTCAE words (grades 1-4)."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    LIFE_THREATENING = "life_threatening"


class Change(_SpelledEnum):
    """Direction of change against the previous assessment."""

    IMPROVED = "improved"
    WORSENED = "worsened"
    UNCHANGED = "unchanged"


class Status(_SpelledEnum):
    """State of a finding at one time, without a number."""

    NORMAL = "normal"
    ABNORMAL = "abnormal"
    PRESENT = "present"
    ABSENT = "absent"


# Synonyms, keyed by the normalised spelling (lower case, single spaces).
_SPELLINGS: dict[str, dict[str, str]] = {
    "Laterality": {
        "od": "RIGHT",
        "r": "RIGHT",
        "re": "RIGHT",
        "right eye": "RIGHT",
        "right side": "RIGHT",
        "os": "LEFT",
        "l": "LEFT",
        "le": "LEFT",
        "left eye": "LEFT",
        "left side": "LEFT",
        "ou": "BOTH",
        "both eyes": "BOTH",
        "bilateral": "BOTH",
        "bilaterally": "BOTH",
        "each eye": "BOTH",
        "both sides": "BOTH",
        "b": "BOTH",
    },
    "Sex": {
        "m": "MALE",
        "man": "MALE",
        "boy": "MALE",
        "gentleman": "MALE",
        "f": "FEMALE",
        "woman": "FEMALE",
        "girl": "FEMALE",
        "lady": "FEMALE",
    },
    "Severity": {
        "slight": "MILD",
        "minor": "MILD",
        "grade 1": "MILD",
        "grade 2": "MODERATE",
        "grade 3": "SEVERE",
        "serious": "SEVERE",
        "grade 4": "LIFE_THREATENING",
        "life threatening": "LIFE_THREATENING",
    },
    "Change": {
        "improvement": "IMPROVED",
        "better": "IMPROVED",
        "increased": "IMPROVED",
        "recovered": "IMPROVED",
        "worse": "WORSENED",
        "deteriorated": "WORSENED",
        "worsening": "WORSENED",
        "declined": "WORSENED",
        "regressed": "WORSENED",
        "stable": "UNCHANGED",
        "no change": "UNCHANGED",
        "same": "UNCHANGED",
    },
    "Status": {
        "full": "NORMAL",
        "unremarkable": "NORMAL",
        "within normal limits": "NORMAL",
        "wnl": "NORMAL",
        "impaired": "ABNORMAL",
        "reduced": "ABNORMAL",
        "poor": "ABNORMAL",
        "positive": "PRESENT",
        "negative": "ABSENT",
        "none": "ABSENT",
        "lost": "ABSENT",
        "flat": "ABSENT",
    },
}


def coerce(enum: type[_SpelledEnum], value: Any) -> Any:
    """Pass-through helper for validators: a spelling becomes a member."""
    if isinstance(value, str):
        found = enum.lookup(value)
        return found if found is not None else value
    return value
