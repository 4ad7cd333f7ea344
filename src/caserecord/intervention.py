"""Treatments: those the story is about (interventions) and those tried before.

An :class:`Intervention` describes one distinct treatment: for a cell
therapy its cell type and source, route and target site; for any treatment
its side, number of sessions, dose and start time.  Rehabilitation given
alongside is its own intervention of kind ``rehabilitation``.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from caserecord.provenance import Evidenced
from caserecord.quantity import Dose
from caserecord.timeline import CaseTime
from caserecord.vocabulary import Laterality

__all__ = ["Intervention", "InterventionKind", "PriorTreatment"]


class InterventionKind(StrEnum):
    CELL_THERAPY = "cell_therapy"
    DRUG = "drug"
    SURGERY = "surgery"
    REHABILITATION = "rehabilitation"
    OTHER = "other"


class Intervention(Evidenced):
    """A treatment the case is about."""

    kind: InterventionKind = InterventionKind.OTHER
    name: str = Field(min_length=1)
    cell_type: str | None = None
    cell_source: str | None = None
    route: str | None = None
    target_site: str | None = None
    laterality: Laterality | None = None
    sessions: int | None = Field(default=None, ge=1, le=1000)
    dose: Dose | None = None
    time: CaseTime | None = None

    def __str__(self) -> str:
        text = self.name
        parts = (self.cell_type, self.cell_source, self.route, self.target_site)
        details = [d for d in parts if d]
        if details:
            text += " (" + "; ".join(details) + ")"
        if self.laterality is not None:
            text += f", {self.laterality.value}"
        if self.sessions:
            text += f", {self.sessions} session{'s' if self.sessions > 1 else ''}"
        if self.dose is not None:
            text += f", {self.dose}"
        return text


class PriorTreatment(Evidenced):
    """A treatment tried before the intervention the story is about."""

    name: str = Field(min_length=1)
    kind: InterventionKind = InterventionKind.OTHER
    time: CaseTime | None = None

    def __str__(self) -> str:
        return self.name
