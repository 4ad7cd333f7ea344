"""Exceptions raised by caserecord outside pydantic validation.

Inside a model, bad input surfaces as :class:`pydantic.ValidationError`
whose entries carry a snake_case ``type`` (``acuity_notation``,
``age_range``...) and the field path.  Outside validation -- parsing a
notation by hand, converting, resolving a time -- caserecord raises one of
these.  Each is also a builtin, so callers that only know ``ValueError``
still catch them::

    CaseRecordError
     +-- NotationError        (also ValueError)  unreadable or ambiguous notation
     |    +-- AmbiguousNotationError             a bare number with no notation
     +-- ImplausibleValueError (also ValueError) a value outside the clinical range
     +-- ConversionError      (also ValueError)  a conversion that has no answer
     +-- TimelineError        (also ValueError)  a time that cannot be placed
     +-- MissingExtraError    (also ImportError) an optional extra is not installed
"""

from __future__ import annotations

__all__ = [
    "AmbiguousNotationError",
    "CaseRecordError",
    "ConversionError",
    "ImplausibleValueError",
    "MissingExtraError",
    "NotationError",
    "TimelineError",
]


class CaseRecordError(Exception):
    """Base class of every error caserecord raises on purpose."""


class NotationError(CaseRecordError, ValueError):
    """A clinical notation could not be read."""


class AmbiguousNotationError(NotationError):
    """A value could be read in several notations and none was named."""


class ImplausibleValueError(CaseRecordError, ValueError):
    """A value was read but lies outside what is clinically possible."""


class ConversionError(CaseRecordError, ValueError):
    """A value cannot be expressed in the requested notation or unit."""


class TimelineError(CaseRecordError, ValueError):
    """A time cannot be placed or resolved on the case timeline."""


class MissingExtraError(CaseRecordError, ImportError):
    """An optional dependency group is needed for this feature."""

    def __init__(self, extra: str, feature: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the optional '{extra}' dependencies: "
            f'pip install "caserecord[{extra}]"'
        )
