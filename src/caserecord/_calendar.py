"""English month names and their abbreviations: one table for every module that reads
or writes calendar dates (extraction, de-identification)."""

MONTHS: tuple[str, ...] = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# The short forms, written with or without a full stop; May has none, September two.
MONTH_ABBREVIATIONS: tuple[str, ...] = (*(m[:3] for m in MONTHS if m != "may"), "sept")
