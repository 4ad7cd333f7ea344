"""Building regular expressions from vocabulary phrases.

Every extractor turns word lists from ``data/*.json`` into alternations; this
is the one place that does it, so they all agree on what a phrase matches:
longest phrase first (so "post-operation" wins over "post"), every phrase
escaped, and a bounded run of blanks between words (bounded, so no
alternation can backtrack without limit).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["alternation", "letter_tree", "phrase_tree"]

_SPACE = r"\s{1,3}"
_FLEXIBLE = re.compile(r"\\ |\\-|['’]")
# "stem-cell" and "stem cell" are one phrase; so are "Wharton's" and "Wharton’s".
_FLEXIBLE_AS = {"\\ ": r"[\s-]{1,2}", "\\-": r"[\s-]{1,2}", "'": "['’]", "’": "['’]"}


def alternation(phrases: Iterable[str], *, flexible: bool = False) -> str:
    """Phrases as a regex alternation (no group), longest first.

    Spaces match one to three blanks.  With ``flexible``, a space or hyphen
    also matches the other and either apostrophe matches both.
    """
    ordered = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if flexible:
        # One pass: replacing "'" and then "’" would rewrite the class the first made.
        return "|".join(
            _FLEXIBLE.sub(lambda m: _FLEXIBLE_AS[m.group()], re.escape(p)) for p in ordered
        )
    return "|".join(re.escape(p).replace(r"\ ", _SPACE) for p in ordered)


def letter_tree(words: Iterable[str]) -> str:
    """One-word phrases as a regex letter tree: "six|sixty|seven" -> "s(?:ix(?:ty)?|even)".

    It matches what ``alternation`` of the same words matches, trying the
    words that fit the text in the same order (longest first; words that are
    not prefixes of one another cannot both fit), with fewer branches to try
    at each position -- a case-insensitive alternation tries every branch.
    """
    tree: dict[str, Any] = {}
    for word in {w.strip() for w in words if w.strip()}:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(node[char]) for char in sorted(node) if char]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body

    return emit(tree)


_SEPARATOR = r"[\s-]{1,2}"


def phrase_tree(phrases: Iterable[str], cased: Iterable[str] = ()) -> re.Pattern[str]:
    """A lead (see ``_folded.FoldedPattern``) for a ``flexible`` alternation of ``phrases``
    and the case-sensitive ``cased`` words, searched in the folded text.

    It matches at every place where one of them matches (a space or hyphen matching
    one or two blanks or hyphens, either apostrophe both; ``cased`` lower-cased, as the
    folded text has them), and only there.  Being a tree of their characters, it tries
    a few branches at each place, where the alternation tries them all.  Which phrase
    it matches at a place may differ: only the place counts for a lead.
    """
    tree: dict[str, Any] = {}
    for phrase in {p.strip().lower() for p in phrases} | {w.lower() for w in cased}:
        node = tree
        for char in phrase:
            if char in " -":
                unit = _SEPARATOR
            elif char in "'’":
                unit = "['’]"
            else:
                unit = re.escape(char)
            node = node.setdefault(unit, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [unit + emit(node[unit]) for unit in sorted(node) if unit]
        if not branches or "" in node:
            return ""  # a phrase ends here: the place is found, what follows is moot
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return re.compile(emit(tree))
