"""Diagnoses (conditions) of the case: name, side, cause, onset, codes."""

from __future__ import annotations

from pydantic import Field

from caserecord.codes import Code
from caserecord.provenance import Evidenced
from caserecord.timeline import CaseTime
from caserecord.vocabulary import Laterality

__all__ = ["Condition"]


class Condition(Evidenced):
    """One diagnosis as the story states it."""

    name: str = Field(min_length=1)
    laterality: Laterality | None = None
    cause: str | None = None
    onset: CaseTime | None = None
    codes: list[Code] = Field(default_factory=list)

    def __str__(self) -> str:
        text = self.name
        if self.laterality is not None:
            text += f" ({self.laterality.value})"
        if self.cause:
            text += f", due to {self.cause}"
        if self.onset is not None:
            text += f", onset {self.onset}"
        return text
