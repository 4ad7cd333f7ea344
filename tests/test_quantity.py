import math
import re

import pytest
from pydantic import ValidationError

from caserecord import Dose, Quantity


@pytest.mark.parametrize(
    ("unit", "canonical"),
    [
        ("µm", "um"),
        ("microns", "um"),
        ("mm Hg", "mmHg"),
        ("mmhg", "mmHg"),
        ("μV", "uV"),
        ("minutes", "min"),
        ("mmol/l", "mmol/L"),
        ("IU", "U"),
        ("percent", "%"),
        ("°", "deg"),
    ],
)
def test_units_are_canonicalised(unit: str, canonical: str) -> None:
    assert Quantity(value=1, unit=unit).unit == canonical


@pytest.mark.parametrize(
    ("value", "unit", "fragment"),
    [
        (1, "furlongs", "unit must be a known unit"),
        (math.inf, "mm", "finite"),
        (math.nan, "mm", "finite"),
    ],
)
def test_bad_quantities(value: float, unit: str, fragment: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(fragment)) as info:
        Quantity(value=value, unit=unit)
    assert "value" in str(info.value) or "unit" in str(info.value)


def test_quantity_from_text_and_str() -> None:
    assert Quantity.model_validate("14 mmHg") == Quantity(value=14, unit="mmHg")
    assert str(Quantity(value=12.5, unit="%")) == "12.5%"
    with pytest.raises(ValidationError, match="quantity must read 'NUMBER UNIT'"):
        Quantity.model_validate("fourteen mmHg")


def test_dose() -> None:
    dose = Dose.of(4e7, "cells")
    assert str(dose) == "40 million cells"
    assert str(Dose.of(1e6, "cells", per="kg")) == "1 million cells/kg"
    assert str(Dose(text="two units of stem cells")) == "two units of stem cells"
    with pytest.raises(ValidationError, match=r"dose must not be negative \(got -5.0 mg\)"):
        Dose.of(-5, "mg")
    with pytest.raises(ValidationError, match="dose needs an amount or its text"):
        Dose()
