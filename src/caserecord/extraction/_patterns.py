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

__all__ = ["alternation"]

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
