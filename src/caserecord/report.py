"""The extraction report: what the extractor assumed, doubted or could not map.

Extraction is lenient and construction is strict: whatever the extractor
noticed but could not turn into a validated value -- a sentence that looked
clinical, a bare acuity number whose notation it had to assume, a second
patient it skipped -- becomes a :class:`ReportNote` here, never a silent
drop and never a crash.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from caserecord._base import CaseModel
from caserecord.provenance import Evidence

__all__ = ["ExtractionReport", "NoteKind", "ReportNote"]


class NoteKind(StrEnum):
    ASSUMPTION = "assumption"  # a value was read under a stated convention
    AMBIGUITY = "ambiguity"  # several readings were possible; one was chosen
    UNMAPPED = "unmapped"  # looked clinical but no rule mapped it
    WARNING = "warning"  # something is off (inconsistent, rejected, skipped)


class ReportNote(CaseModel):
    kind: NoteKind
    message: str
    field: str | None = Field(default=None, description="Record path the note is about.")
    evidence: Evidence | None = None

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        quote = f" -- {self.evidence.quote!r}" if self.evidence else ""
        return f"{self.kind.value}{where}: {self.message}{quote}"


class ExtractionReport(CaseModel):
    extractor: str = Field(default="caserecord-rules", description="Extractor name and version.")
    notes: list[ReportNote] = Field(default_factory=list)

    def add(
        self,
        kind: NoteKind,
        message: str,
        *,
        field: str | None = None,
        evidence: Evidence | None = None,
    ) -> None:
        self.notes.append(ReportNote(kind=kind, message=message, field=field, evidence=evidence))

    def of_kind(self, kind: NoteKind) -> list[ReportNote]:
        return [n for n in self.notes if n.kind is kind]

    @property
    def assumptions(self) -> list[ReportNote]:
        return self.of_kind(NoteKind.ASSUMPTION)

    @property
    def ambiguities(self) -> list[ReportNote]:
        return self.of_kind(NoteKind.AMBIGUITY)

    @property
    def unmapped(self) -> list[ReportNote]:
        return self.of_kind(NoteKind.UNMAPPED)

    @property
    def warnings(self) -> list[ReportNote]:
        return self.of_kind(NoteKind.WARNING)
