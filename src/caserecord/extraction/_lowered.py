"""Case-insensitive patterns run fast: case-sensitively, on lower-cased text.

A case-insensitive pattern is slow in Python's regex engine: it tries every
position and folds every character it compares.  The same pattern written in
lower case and run on ``text.lower()`` finds the same matches at the same
offsets (``str.lower`` keeps the length and the \\w/\\s/\\d classes of every
character but U+0130; see ``lowered``), several times faster; and plain
substring tests on the lower-cased text can prove that a rule cannot match.

Used by ``time``, ``eyes``, ``acuity`` and ``demographics``; ``treatment_gate``
does the same for the treatment rules, folding the lookalike letters instead
of refusing them.
"""

from __future__ import annotations

import re

__all__ = [
    "finditer_lowered",
    "lower_pattern",
    "lowered",
    "matches_at",
    "occurrences",
    "search_lowered",
]

# Characters that IGNORECASE matching folds onto an ASCII letter although
# ``str.lower()`` does not map them to it (dotted/dotless i, long s).  A text
# holding one is read the slow way, exactly as before.
_UNSAFE_FOLDS = ("\u0130", "\u0131", "\u017f")


def lowered(text: str) -> str | None:
    """``text.lower()``, or None when it cannot stand for case-insensitive matching."""
    for char in _UNSAFE_FOLDS:
        if char in text:
            return None
    return text.lower()


def lower_pattern(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """A case-insensitive ``pattern`` as a case-sensitive one for lower-cased text.

    Literal letters are lower-cased (escapes such as ``\\S`` and group names are
    kept); inline ``(?i:...)`` groups become plain groups.
    """
    source = pattern.pattern
    if not pattern.flags & re.IGNORECASE or "(?-i" in source or "(?i)" in source:
        raise ValueError(f"not a case-insensitive pattern: {source[:60]!r}")
    out: list[str] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            if source[i + 1 : i + 2] == "N":  # a named character: not used here
                raise ValueError(f"unsupported escape in {source[:60]!r}")
            out.append(source[i : i + 2])
            i += 2
        elif source.startswith("(?P", i):
            out.append("(?P")
            i += 3
        elif source.startswith("(?i:", i):
            out.append("(?:")
            i += 4
        else:
            out.append(char.lower())
            i += 1
    return re.compile("".join(out), pattern.flags & ~re.IGNORECASE)


def search_lowered(
    pattern: re.Pattern[str],
    fast: re.Pattern[str],
    text: str,
    low: str | None,
    *,
    pos: int = 0,
    endpos: int | None = None,
    anchored: bool = False,
) -> re.Match[str] | None:
    """``pattern.search(text, pos, endpos)`` (or ``.match``), found with ``fast`` on ``low``."""
    end = len(text) if endpos is None else endpos
    if low is None:
        return (pattern.match if anchored else pattern.search)(text, pos, end)
    hit = (fast.match if anchored else fast.search)(low, pos, end)
    if hit is None:
        return None
    match = pattern.match(text, hit.start(), end)
    if match is None or match.end() != hit.end():  # pragma: no cover - safety net
        return (pattern.match if anchored else pattern.search)(text, pos, end)
    return match


def finditer_lowered(
    pattern: re.Pattern[str],
    fast: re.Pattern[str],
    text: str,
    low: str | None,
    *,
    pos: int = 0,
    endpos: int | None = None,
) -> list[re.Match[str]]:
    """``list(pattern.finditer(text, pos, endpos))``, found with ``fast = lower_pattern(pattern)``.

    Each match is read again with ``pattern`` itself so groups hold the
    original text; should the two ever disagree, ``pattern`` is rerun alone.
    """
    end = len(text) if endpos is None else endpos
    if low is None:
        return list(pattern.finditer(text, pos, end))
    found = []
    for hit in fast.finditer(low, pos, end):
        match = pattern.match(text, hit.start(), end)
        if match is None or match.end() != hit.end():  # pragma: no cover - safety net
            return list(pattern.finditer(text, pos, end))
        found.append(match)
    return found


def occurrences(text: str, words: tuple[str, ...]) -> list[int]:
    """Every position at which one of ``words`` starts, in order."""
    found: list[int] = []
    for word in words:
        position = text.find(word)
        while position >= 0:
            found.append(position)
            position = text.find(word, position + 1)
    return sorted(set(found))


def matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` when every match starts at one of ``starts`` (sorted).

    The patterns here never match the empty string.
    """
    found: list[re.Match[str]] = []
    resume = 0
    match = pattern.match
    for start in starts:
        if start < resume:
            continue
        hit = match(text, start)
        if hit is not None:
            found.append(hit)
            resume = hit.end()
    return found
