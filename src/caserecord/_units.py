"""Units of measure caserecord knows, as data: canonical symbol -> spellings.

Canonical symbols follow UCUM where it is readable (``mmHg``, ``um`` for
micrometres written without the micro sign so JSON stays ASCII-safe,
``uV``, ``mmol/L``).  A unit outside this table is refused by
:class:`caserecord.quantity.Quantity`: a typo must not pass as a unit.
"""

from __future__ import annotations

from types import MappingProxyType

# canonical -> (dimension, spellings)
UNITS: MappingProxyType[str, tuple[str, tuple[str, ...]]] = MappingProxyType(
    {
        # length
        "um": (
            "length",
            (
                "µm",
                "μm",
                "micrometre",
                "micrometres",
                "micrometer",
                "micrometers",
                "micron",
                "microns",
            ),
        ),
        "mm": ("length", ("millimetre", "millimetres", "millimeter", "millimeters")),
        "cm": ("length", ("centimetre", "centimetres", "centimeter", "centimeters")),
        "m": ("length", ("metre", "metres", "meter", "meters")),
        "ft": ("length", ("foot", "feet")),
        "in": ("length", ("inch", "inches")),
        # time
        "ms": ("time", ("msec", "millisecond", "milliseconds")),
        "s": ("time", ("sec", "secs", "second", "seconds")),
        "min": ("time", ("mins", "minute", "minutes")),
        "h": ("time", ("hr", "hrs", "hour", "hours")),
        "d": ("time", ("day", "days")),
        # electrophysiology, perimetry, pressure
        "uV": ("voltage", ("µV", "μV", "microvolt", "microvolts", "microv")),
        "dB": ("level", ("db", "decibel", "decibels")),
        "mmHg": ("pressure", ("mm hg", "mmhg", "millimetres of mercury")),
        # mass and dose
        "kg": ("mass", ("kilogram", "kilograms", "kgs")),
        "g": ("mass", ("gram", "grams", "gm")),
        "mg": ("mass", ("milligram", "milligrams", "mgs")),
        "ug": ("mass", ("µg", "μg", "mcg", "microgram", "micrograms")),
        "mL": ("volume", ("ml", "millilitre", "millilitres", "milliliter", "milliliters", "cc")),
        "L": ("volume", ("l", "litre", "litres", "liter", "liters")),
        "U": ("activity", ("u", "iu", "IU", "unit", "units", "international units")),
        "cells": ("count", ("cell", "stem cells")),
        "cells/kg": ("count per mass", ("cells per kg", "cells/kg body weight", "/kg")),
        # chemistry
        "mmol/L": ("concentration", ("mmol/l", "mmol per litre", "mm/l")),
        "mg/dL": ("concentration", ("mg/dl",)),
        "ng/mL": ("concentration", ("ng/ml",)),
        "%": ("ratio", ("percent", "per cent", "pct")),
        # angles and counts
        "deg": ("angle", ("°", "degree", "degrees")),
        "letters": ("count", ("letter", "etdrs letters")),
        "plates": ("count", ("plate",)),
        "steps": ("count", ("step",)),
        "times/day": ("frequency", ("times a day", "times per day", "x/day")),
    }
)


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for canonical, (_, spellings) in UNITS.items():
        for spelling in (canonical, *spellings):
            lookup[spelling] = canonical
            lookup.setdefault(spelling.lower(), canonical)
    return lookup


_LOOKUP = _build_lookup()


def canonical_unit(text: str) -> str | None:
    """The canonical symbol of a unit spelling, or None when unknown."""
    stripped = text.strip()
    return _LOOKUP.get(stripped) or _LOOKUP.get(stripped.lower())


def dimension(unit: str) -> str:
    return UNITS[unit][0]
