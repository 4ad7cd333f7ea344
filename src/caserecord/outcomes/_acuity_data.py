"""Data tables behind :mod:`caserecord.outcomes.acuity`.

Kept apart from the parsing and conversion logic so a clinician can review
(and a future release can extend) the spellings, substitutes and category
bounds without reading code.  Every constant cites where its number comes
from.  Keys are plain strings; ``acuity.py`` turns them into enums.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

# --- Plausible ranges -------------------------------------------------------

# logMAR -0.3 is decimal 2.0 (20/10), about the best acuity a healthy young eye
# reaches on a chart; 3.0 is the conventional placeholder for no light
# perception (see QUALITATIVE_LOGMAR), so nothing recorded can be worse.
LOGMAR_MIN: Final = -0.3
LOGMAR_MAX: Final = 3.0

# Decimal acuity is the Snellen fraction as a number: 2.0 is 20/10 (as above).
DECIMAL_MAX: Final = 2.0

# Range checks and category bounds compare logMAR at 0.01 resolution: charts
# step by 0.1 logMAR (0.02 per letter), and the exact Snellen boundaries are
# irrational (6/12 = log10(2) = 0.30103...), so comparing raw floats would put
# 6/12 on the wrong side of a bound written as 0.30.
LOGMAR_COMPARE_DECIMALS: Final = 2

# --- ETDRS letter score -----------------------------------------------------

# letters = 85 - 50 * logMAR: 85 letters at logMAR 0.0, 5 letters per 0.1
# logMAR line.  Beck RW et al., Am J Ophthalmol 2003;135:194-205 (E-ETDRS);
# Gregori NZ, Feuer W, Rosenfeld PJ, Retina 2010;30:1046-1050.
LETTERS_AT_LOGMAR_ZERO: Final = 85
LETTERS_PER_LOGMAR: Final = 50

# The E-ETDRS score runs 0..100 (100 letters is logMAR -0.3, 0 is logMAR 1.7);
# Beck et al. 2003, as above.
LETTERS_MIN: Final = 0
LETTERS_MAX: Final = 100

# --- Snellen ----------------------------------------------------------------

# Each letter read on (+) or missed from (-) a 5-letter line is 0.02 logMAR.
# Holladay JT, Visual acuity measurements, J Cataract Refract Surg
# 2004;30:287-290 (line spacing of Bailey & Lovie, Am J Optom Physiol Opt
# 1976;53:740-745).
LOGMAR_PER_LETTER: Final = 0.02

# Snellen lines carry at most 8-10 letters, so a modifier beyond 10 letters is
# a transcription error rather than an acuity.
MAX_LETTER_MODIFIER: Final = 10

# Test distances: charts are read at 20 ft (6 m) or 10 ft, and metric records
# near the blindness bounds use 1..6 m (1/60, 3/60, 6/60).  A numerator of 10
# or more is therefore feet and 6 or less metres; 7..9 is neither and must be
# named.
FEET_NUMERATOR_MIN: Final = 10
METRE_NUMERATOR_MAX: Final = 6

# Conventional Snellen equivalents of the logMAR chart lines (0.1 logMAR
# steps, Bailey & Lovie 1976; ETDRS chart, Ferris FL et al., Am J Ophthalmol
# 1982;94:91-96).  A converted denominator within half a letter of one of
# these is written as the line clinicians know (20/125, 6/7.5), not as the
# arithmetic result (20/126, 6/7.6).
SNELLEN_FT_LINES: Final = (
    10, 12.5, 16, 20, 25, 32, 40, 50, 63, 80, 100, 125, 160, 200, 250, 320, 400, 500, 640, 800,
)  # fmt: skip
SNELLEN_M_LINES: Final = (
    3, 3.8, 4.8, 6, 7.5, 9.5, 12, 15, 19, 24, 30, 38, 48, 60, 75, 95, 120, 150, 190, 240,
)  # fmt: skip
SNELLEN_LINE_SNAP_LOGMAR: Final = 0.01  # half of LOGMAR_PER_LETTER

# Off the standard lines, denominators keep two significant figures: the
# rounding error is then at most ~0.02 logMAR, one letter.
SNELLEN_SIGNIFICANT_FIGURES: Final = 2

# --- Qualitative levels -----------------------------------------------------

# logMAR substitutes for the off-chart levels.  CF and HM were measured with
# the Freiburg Visual Acuity Test: Schulze-Bonsel K, Feltgen N, Burau H,
# Hansen L, Bach M, IOVS 2006;47:1236-1240, and Lange C, Feltgen N, Junker B,
# Schulze-Bonsel K, Bach M, Graefes Arch Clin Exp Ophthalmol 2009;247:137-142
# (summarised in Bach's FrACT documentation).  LP and NLP have no measurable
# acuity; 2.7 and 3.0 are the conventional placeholders that continue the same
# spacing so averages and plots stay ordered.  Callers can override all four.
QUALITATIVE_LOGMAR: Final[Mapping[str, float]] = MappingProxyType(
    {"CF": 1.9, "HM": 2.3, "LP": 2.7, "NLP": 3.0}
)

# How case reports spell the levels (lowercase, single spaces, hyphens read
# as spaces).  Codes first, then words; both orders of "perception of light"
# and the singular/plural forms seen in narratives.
QUALITATIVE_SPELLINGS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "nlp": "NLP",
        "npl": "NLP",
        "no lp": "NLP",
        "no pl": "NLP",
        "no light perception": "NLP",
        "no perception of light": "NLP",
        "lp": "LP",
        "pl": "LP",
        "light perception": "LP",
        "perception of light": "LP",
        "hm": "HM",
        "hand motion": "HM",
        "hand motions": "HM",
        "hand movement": "HM",
        "hand movements": "HM",
        "cf": "CF",
        "fc": "CF",
        "counting fingers": "CF",
        "counting finger": "CF",
        "count fingers": "CF",
        "count finger": "CF",
        "counts fingers": "CF",
        "counts finger": "CF",
        "finger counting": "CF",
        "fingers counting": "CF",
    }
)

# Only these levels are tested at a distance; "LP at 1 m" is not a record.
LEVELS_WITH_DISTANCE: Final = frozenset({"CF", "HM"})

# Beyond the 20 ft / 6 m test lane a chart acuity would be recorded instead.
MAX_QUALITATIVE_DISTANCE_M: Final = 6.1

# Distance units as written -> canonical unit.
DISTANCE_UNITS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "cm": "cm",
        "centimetre": "cm",
        "centimetres": "cm",
        "centimeter": "cm",
        "centimeters": "cm",
        "m": "m",
        "metre": "m",
        "metres": "m",
        "meter": "m",
        "meters": "m",
        "ft": "ft",
        "foot": "ft",
        "feet": "ft",
        "in": "in",
        "inch": "in",
        "inches": "in",
    }
)

# Exact by definition (international yard and pound, 1959).
METRES_PER_UNIT: Final[Mapping[str, float]] = MappingProxyType(
    {"cm": 0.01, "m": 1.0, "ft": 0.3048, "in": 0.0254}
)

# Narratives spell small test distances out ("count fingers at three feet").
NUMBER_WORDS: Final[Mapping[str, int]] = MappingProxyType(
    {
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
    }
)

# --- WHO / ICD-11 distance vision impairment --------------------------------

# ICD-11 9D90 "Vision impairment including blindness" (WHO, World report on
# vision, 2019), graded on presenting/best-corrected distance acuity.  Each
# entry is (category, worst logMAR still in it): the ICD wording is "worse
# than A, equal to or better than B", so B is inclusive.  Bounds are the
# Snellen fractions 6/12 (0.30), 6/18 (0.48), 6/60 (1.0), 3/60 (1.3) and
# 1/60 (1.78), compared at LOGMAR_COMPARE_DECIMALS.  Anything measured worse
# than 1/60 down to light perception is category 5; no light perception is 6.
WHO_CATEGORY_WORST_LOGMAR: Final = ((0, 0.30), (1, 0.48), (2, 1.0), (3, 1.3), (4, 1.78))
WHO_CATEGORY_WORSE_THAN_1_60: Final = 5
WHO_CATEGORY_NLP: Final = 6

# ICD-11 counts "counting fingers at 1 metre" as category 4 (equivalent to
# 1/60); counting fingers only nearer than that is category 5.
CF_CATEGORY_4_MIN_DISTANCE_M: Final = 1.0

WHO_CATEGORY_LABELS: Final[Mapping[int, str]] = MappingProxyType(
    {
        0: "no visual impairment",
        1: "mild visual impairment",
        2: "moderate visual impairment",
        3: "severe visual impairment",
        4: "blindness",
        5: "blindness, worse than 1/60",
        6: "blindness, no light perception",
    }
)
