"""Provenance: where in the narrative a value came from.

Every model that extraction fills has an ``evidence`` mapping from field
name to :class:`Evidence`, the character span in the source narrative and
the words it covers, so ``text[e.start:e.end] == e.quote`` always holds and
a reviewer can see why a value is what it is.
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from caserecord._base import CaseModel, FrozenValue

__all__ = ["Evidence", "Evidenced"]


class Evidence(FrozenValue):
    """A span ``[start, end)`` of the source text and the words in it."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str

    model_config = FrozenValue.model_config | {"str_strip_whitespace": False}

    @model_validator(mode="after")
    def _span_matches_quote(self) -> Self:
        if self.end < self.start:
            raise PydanticCustomError(
                "evidence_span",
                "end must not be before start (got start={start}, end={end})",
                {"start": self.start, "end": self.end},
            )
        if len(self.quote) != self.end - self.start:
            raise PydanticCustomError(
                "evidence_quote",
                "quote must be as long as its span {start}..{end} (got '{quote}')",
                {"start": self.start, "end": self.end, "quote": self.quote},
            )
        return self

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Evidence:
        """The evidence for ``text[start:end]``."""
        return cls(start=start, end=end, quote=text[start:end])

    def __str__(self) -> str:
        return f"{self.quote!r} @{self.start}-{self.end}"

    def overlaps(self, other: Evidence) -> bool:
        return self.start < other.end and other.start < self.end


class Evidenced(CaseModel):
    """Mixin: per-field provenance, keyed by field name (``"value"``, ``"time"``...)."""

    evidence: dict[str, Evidence] = Field(
        default_factory=dict,
        description="Source spans of the values, keyed by field name.",
    )

    @model_validator(mode="after")
    def _evidence_names_fields(self) -> Self:
        # Runs for every model built, so the usual case is one set comparison
        # (``__pydantic_fields__`` is the plain dict behind ``model_fields``).
        fields = type(self).__pydantic_fields__
        if type(self.evidence) is dict and self.evidence.keys() <= fields.keys():
            return self
        for name in self.evidence:
            if name not in fields:
                raise PydanticCustomError(
                    "evidence_field",
                    "evidence key must name a field of {model} (got '{key}')",
                    {"model": type(self).__name__, "key": name},
                )
        return self

    def spans(self) -> list[Evidence]:
        """All evidence spans of this model, in text order."""
        return sorted(self.evidence.values(), key=lambda e: (e.start, e.end))
