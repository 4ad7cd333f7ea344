"""Adverse events after treatment: what, how severe, when, how long.

Severity uses the CTCAE words (mild, moderate, severe, life-threatening).
Findings the story explicitly denies ("no side effects", "without any
other adverse symptoms") are :class:`AbsentFinding` entries on the record,
never adverse events with a negative flag, so a reader summing adverse
events cannot count a denial as an event.
"""

from __future__ import annotations

from pydantic import Field

from caserecord.provenance import Evidenced
from caserecord.timeline import CaseTime
from caserecord.vocabulary import Severity

__all__ = ["AbsentFinding", "AdverseEvent"]


class AdverseEvent(Evidenced):
    description: str = Field(min_length=1)
    severity: Severity | None = None
    onset: CaseTime | None = None
    duration: str | None = Field(default=None, description="How long it lasted, as stated.")
    resolved: bool | None = None

    def __str__(self) -> str:
        text = self.description
        if self.severity is not None:
            text = f"{text} [{self.severity.value}]"
        if self.onset is not None:
            text += f" at {self.onset}"
        return text


class AbsentFinding(Evidenced):
    """A finding the narrative explicitly denies."""

    description: str = Field(min_length=1)
    time: CaseTime | None = None

    def __str__(self) -> str:
        return f"no {self.description}"
