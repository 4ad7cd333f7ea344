"""The shared pydantic configuration of every caserecord model.

Models forbid unknown fields (a typo in a JSON record is an error, not a
silently dropped value) and validate on assignment, so a record edited in a
notebook stays as valid as one just parsed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class CaseModel(BaseModel):
    """Base of the mutable record models."""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        str_strip_whitespace=True,
        use_enum_values=False,
    )

    def __repr_args__(self) -> Any:
        # Hide defaults and empty containers: a case record is mostly
        # unknowns, and repr/rich should show what the story told.
        for name, value in super().__repr_args__():
            if name is None:
                yield name, value
                continue
            field = type(self).model_fields.get(name)
            if (
                field is not None
                and not field.is_required()
                and (value is None or value == field.get_default(call_default_factory=True))
            ):
                continue
            if isinstance(value, (list, dict, tuple, set)) and not value:
                continue
            yield name, value


class FrozenValue(CaseModel):
    """Base of small immutable values (quantities, times, evidence)."""

    model_config = ConfigDict(frozen=True, validate_assignment=False)
