"""Cheap gates for the treatment and adverse-event rules.

Most sentences of a narrative hold none of a rule's trigger words, and a
regex built from a long alternation costs far more to run than to skip.  A
gate is a tuple of *needles*: lower-case letter runs such that every match
of the rule contains one of them.  The rule runs only when a needle occurs
in the sentence, so skipping it can never change what it finds.

Needles are looked up in the sentence *folded*: lower-cased, with the four
non-ASCII characters that ``re.IGNORECASE`` equates with an ASCII letter
(dotted and dotless i, long s, Kelvin sign) mapped to that letter first.  A
case-insensitive match of an ASCII letter run therefore always appears in
the folded text, at the same offsets (none of these mappings changes the
length of the text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from caserecord.extraction._document import Document
from caserecord.extraction._patterns import fold

__all__ = [
    "cased_needles",
    "first_words",
    "flexible_needles",
    "folded_sentences",
    "folded_text",
    "gate_free",
    "has",
    "hit",
    "hits",
    "max_width",
    "needles",
    "phrase_tree",
    "sentence_words",
    "union",
    "word_gates",
    "words",
]

_RUN = re.compile(r"[A-Za-z]+")
_LOWER_RUN = re.compile(r"[a-z]+")

Needles = tuple[str, ...] | None  # None: no gate, the rule always runs


def folded_text(doc: Document) -> str:
    """The folded text of the whole document (cached per document with ``doc.memo``)."""
    return fold(doc.text)


def folded_sentences(doc: Document) -> list[str]:
    """The folded text of every sentence, by sentence index (cached with ``doc.memo``)."""
    text = doc.memo(folded_text)
    if len(text) != len(doc.text):  # never: no fold changes the length; stay safe anyway
        return [fold(s.text) for s in doc.sentences]
    return [text[s.start : s.end] for s in doc.sentences]


# Every byte but "a"-"z" to a blank: the words left are the runs of lower-case letters.
_LETTERS_ONLY = bytes(c if 0x61 <= c <= 0x7A else 0x20 for c in range(256))


def sentence_words(doc: Document) -> list[frozenset[str]]:
    """The maximal runs of ASCII letters of every folded sentence (cached with ``doc.memo``)."""
    text = doc.memo(folded_text)
    if len(text) != len(doc.text):  # never (see folded_sentences)
        run = _LOWER_RUN.findall
        return [frozenset(run(text)) for text in doc.memo(folded_sentences)]
    # One character for one: a non-ASCII one becomes "?", then a blank, as any non-letter.
    letters = text.encode("ascii", "replace").translate(_LETTERS_ONLY).decode("ascii")
    return [frozenset(letters[s.start : s.end].split()) for s in doc.sentences]


def first_words(*groups: Iterable[str]) -> frozenset[str] | None:
    """The first words of case-insensitive phrases a rule matches from their start, whole.

    For a rule each match of which starts with one of the phrases, with a
    non-letter (or the edge of the sentence) before it: then each match opens
    with the phrase's first letter run, lower-cased in the folded text, and
    that run is a whole word of :func:`sentence_words`.  None when a phrase
    opens with something else than a letter.
    """
    chosen: set[str] = set()
    for phrase in (p.strip() for group in groups for p in group):
        first = _RUN.match(phrase)
        if first is None:
            return None
        chosen.add(first.group().lower())
    return frozenset(chosen)


def _choose(phrases: Iterable[str], lower: bool) -> Needles:
    chosen: list[str] = []
    for phrase in sorted(set(phrases), key=len):
        runs = [r.lower() if lower else r for r in _RUN.findall(phrase)]
        if not runs:
            return None  # a phrase without letters: no needle can stand for it
        if any(n in r for n in chosen for r in runs):
            continue  # a needle already chosen occurs in every match of this phrase too
        chosen.append(max(runs, key=len))
    return tuple(chosen)


def needles(*groups: Iterable[str]) -> Needles:
    """Needles for case-insensitive phrases: one of their letter runs each, lower-cased.

    Every letter of a phrase is matched literally (case aside) by the
    alternations of :mod:`caserecord.extraction._patterns`, so each of its
    letter runs is a substring of any match.
    """
    return _choose((p for group in groups for p in group), lower=True)


def cased_needles(*groups: Iterable[str]) -> Needles:
    """Needles for case-sensitive phrases (abbreviations), kept in their case."""
    return _choose((p for group in groups for p in group), lower=False)


_FLEXIBLE_CHARS = re.compile(r"[\s'’-]+")


def flexible_needles(*groups: Iterable[str]) -> Needles:
    """Needles for phrases of a ``flexible`` alternation: their longest literal pieces.

    A flexible phrase matches its characters literally (case aside) but for
    blanks, hyphens and apostrophes: every piece between those is a substring
    of any match, lower-cased in the folded text ("i.v." stays whole, where
    :func:`needles` would take the letter run "i").
    """
    chosen: list[str] = []
    for phrase in sorted({p.strip() for group in groups for p in group}, key=len):
        pieces = [piece.lower() for piece in _FLEXIBLE_CHARS.split(phrase) if piece]
        if not pieces or not all(piece.isascii() for piece in pieces):
            return None
        if any(n in piece for n in chosen for piece in pieces):
            continue
        chosen.append(max(pieces, key=len))
    # A needle holding another is found only where that one is: drop it.
    return tuple(n for n in chosen if not any(m != n and m in n for m in chosen))


def has(text: str, found: Needles) -> bool:
    """Whether ``text`` (folded, or raw for cased needles) may hold a match."""
    if found is None:
        return True
    for needle in found:  # noqa: SIM110 - a plain loop: faster than any() on a generator
        if needle in text:
            return True
    return False


Words = frozenset[str] | None  # None: no gate, the rule always runs


def words(*groups: Iterable[str]) -> Words:
    """Word needles for case-insensitive phrases a rule matches as whole words.

    Only for a rule whose every match puts a non-letter (or the edge of the
    sentence) on both sides of each letter run of the phrase it matched --
    word boundaries, blanks, hyphens -- and that runs on the whole sentence
    (an ``endpos`` inside a word would let ``\\b`` match there).  Then each
    run of the phrase is a whole word of :func:`sentence_words`.
    """
    chosen: set[str] = set()
    for phrase in (p for group in groups for p in group):
        runs = [r.lower() for r in _RUN.findall(phrase)]
        if not runs:
            return None
        chosen.add(max(runs, key=_rarity))  # any run would do; a rare one skips more
    return frozenset(chosen)


_COMMON = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "does", "for"),
        *("had", "has", "have", "he", "her", "his", "in", "is", "it", "no", "not", "of"),
        *("on", "or", "she", "the", "their", "they", "to", "was", "we", "were", "with"),
    }
)


def _rarity(run: str) -> tuple[bool, int]:
    return run not in _COMMON, len(run)


def hit(found: frozenset[str], gate: Words) -> bool:
    """Whether a sentence with the words ``found`` may hold a match of the gated rule."""
    return gate is None or not gate.isdisjoint(found)


def union(*gates: Words) -> Words:
    """A word gate that lets in what any of ``gates`` lets in."""
    if any(gate is None for gate in gates):
        return None
    return frozenset().union(*(gate or () for gate in gates))


def hits(found: list[frozenset[str]], gate: Words) -> list[int]:
    """The indices of the sentences (with the words ``found``) that ``gate`` lets in.

    ``[i for i, f in enumerate(found) if hit(f, gate)]``, without a call per sentence.
    """
    if gate is None:
        return list(range(len(found)))
    # Only the gate's words that some sentence has can let one in: usually a handful,
    # which makes each test below a few look-ups.
    gate = gate & _all_words(found)
    if not gate:
        return []
    disjoint = gate.isdisjoint
    return [index for index, present in enumerate(found) if not disjoint(present)]


# The last list of word sets and its union, as one pair (replaced whole, so that threads
# reading documents side by side never see the union of another list).
_LAST_WORDS: list[tuple[list[frozenset[str]] | None, frozenset[str]]] = [(None, frozenset())]


def _all_words(found: list[frozenset[str]]) -> frozenset[str]:
    """Every word of ``found``: computed once for the document being read."""
    last, words = _LAST_WORDS[0]
    if last is not found:
        words = frozenset().union(*found)
        _LAST_WORDS[0] = (found, words)
    return words


_MANY_SENTENCES = 1000  # more than any narrative has; "Age: 5" lines by the thousand
_MAX_RUNS = 64


def _letter_runs(doc: Document) -> frozenset[str] | None:
    """The distinct letter runs of a long folded document, if there are few of them."""
    runs = frozenset(_LOWER_RUN.findall(doc.memo(folded_text)))
    return runs if len(runs) <= _MAX_RUNS else None


def _holds(run: str, universe: frozenset[str]) -> bool:
    if run in universe:
        return True
    letters = set(run) if len(run) > 64 else None
    return any(w in run for w in universe if letters is None or letters.issuperset(w))


def gate_free(doc: Document, universe: frozenset[str] | None) -> bool:
    """Whether no sentence of a long document has a word of ``universe`` (checked cheaply).

    A sentence's word is a letter run of the document or, where a sentence
    was cut inside a word, part of one: a document none of whose runs
    holds a word of ``universe`` gives every sentence none.  Only long
    documents with few distinct runs (junk: "Age: 5" by the thousand) are
    checked; for the others the answer is False, which is always safe.
    """
    if universe is None or len(doc.sentences) <= _MANY_SENTENCES:
        return False
    runs = doc.memo(_letter_runs)
    return runs is not None and not any(_holds(run, universe) for run in runs)


_NO_WORDS: frozenset[str] = frozenset()


def word_gates(
    universe: Words,
) -> tuple[Callable[[Document], bool], Callable[[Document], list[frozenset[str]]]]:
    """``(inert, gate_words)`` for a module whose word gates lie in ``universe``.

    ``inert(doc)``: whether no sentence of the document holds a word of ``universe``
    (see :func:`gate_free`).  ``gate_words(doc)``: each sentence's words as far as those
    gates can tell them apart -- none at all in an inert document (a 1 MB junk input:
    its sentences are skipped fast), else :func:`sentence_words`.  Both are meant for
    ``doc.memo``, which caches per function object: each module keeps its own entries.
    """

    def inert(doc: Document) -> bool:
        return gate_free(doc, universe)

    def gate_words(doc: Document) -> list[frozenset[str]]:
        if doc.memo(inert):
            return [_NO_WORDS] * len(doc.sentences)
        return doc.memo(sentence_words)

    return inert, gate_words


# -- running a regex fast on the folded text -----------------------------------------------------
#
# Python's ``re`` runs an IGNORECASE alternation several times slower than the same
# alternation without the flag.  On the folded text, a pattern whose letters are all
# lower-case ASCII matches, without the flag, exactly where it matches the text with it:
# an ASCII letter matches a character under IGNORECASE exactly when the character folds
# to it; ``\w``, ``\s``, ``\d`` and every ASCII non-letter hold of a character exactly when
# they hold of its fold; and the fold keeps offsets.  (Checked over all of Unicode, with
# the non-ASCII characters listed in _CASELESS, the only ones such a pattern may hold;
# micro signs are not among them: "µ" and "μ" fold apart but match each other.)
#
# A case-sensitive part (an abbreviation, "(?-i:MSC)"), lower-cased, matches the folded
# text wherever the part matches the text, and more ("msc"); so does a pattern without
# IGNORECASE whose letters are lower case.  Such a *fast* pattern finds every place
# where the pattern may match, leftmost first: there the pattern itself is tried on the
# original text (so groups keep the text's case), and where it fails the search goes on
# one character later.  Case-sensitive parts may not sit inside a negative lookaround,
# where matching more would mean matching less.

_ESCAPE = re.compile(r"\\.")
_NAMED = re.compile(r"\(\?P<\w+>")
_CASELESS = frozenset("«»—’“”²³¹⁰⁴⁵⁶⁷⁸⁹×\u2010\u2011\u2012\u2013")
_CODE = re.compile(r"\\u([0-9a-fA-F]{4})")
_UNSAFE = re.compile(r"\\[UxN0-9]|\(\?P=|\(\?(?!P<|i:|-i:)[a-zA-Z-]")
_INLINE_I = re.compile(r"(?<!\\)\(\?i:")
_CASED_GROUP = "(?-i:"
_NEGATIVE = re.compile(r"(?<!\\)\(\?<?!")
_LETTER = re.compile(r"[A-Za-z]")


def _close(source: str, start: int) -> int:
    """The index just past the group opening at ``source[start]``; -1 if unbalanced."""
    depth, index = 0, start
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":  # a class: skip to its end
            index += 1
            if index < len(source) and source[index] == "^":
                index += 1
            if index < len(source) and source[index] == "]":
                index += 1
            while index < len(source) and source[index] != "]":
                index += 2 if source[index] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return -1


def _fast_source(pattern: re.Pattern[str]) -> str | None:
    """The fast pattern's source, or None when the pattern cannot have one."""
    source = pattern.pattern
    if _UNSAFE.search(source):
        return None
    if any(chr(int(code, 16)) not in _CASELESS for code in _CODE.findall(source)):
        return None
    cased = not pattern.flags & re.IGNORECASE
    for look in _NEGATIVE.finditer(source):
        stop = _close(source, look.start())
        group = source[look.start() : stop]
        if stop < 0 or _CASED_GROUP in group or (cased and _LETTER.search(_ESCAPE.sub("", group))):
            return None  # matching more in there would match less
    for cased_group in re.finditer(re.escape(_CASED_GROUP), source):
        stop = _close(source, cased_group.start())
        if stop < 0 or _NEGATIVE.search(source, cased_group.start(), stop):
            return None
    # Lower-case every letter but those of escapes ("\S") and group names.
    out: list[str] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            out.append(source[index : index + 2])
            index += 2
        elif source.startswith("(?P<", index):
            stop = source.index(">", index) + 1
            out.append(source[index:stop])
            index = stop
        elif source.startswith(_CASED_GROUP, index) or source.startswith("(?i:", index):
            out.append("(?:")
            index += len(_CASED_GROUP) if source[index + 2] == "-" else len("(?i:")
        else:
            if not char.isascii() and char not in _CASELESS:
                return None
            out.append(char.lower())
            index += 1
    return "".join(out)


def max_width(source: str, flags: int = 0) -> int | None:
    """The most characters ``source`` can match, if ``re`` can tell and it is bounded."""
    parser: Any = getattr(re, "_parser", None)
    try:
        width = parser.parse(source, flags).getwidth()[1]
    except Exception:  # a private module of re: any failure means "unknown"
        return None
    return width if isinstance(width, int) and width < 10_000 else None


_SEPARATOR = r"[\s-]{1,2}"


def phrase_tree(phrases: Iterable[str], cased: Iterable[str] = ()) -> re.Pattern[str]:
    """A lead (see :class:`FoldedPattern`) for a ``flexible`` alternation of ``phrases``
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


class FoldedPattern:
    """A pattern run fast on the folded text when it can be (see above).

    ``lead`` = (head, width): every match of the pattern holds a match of ``head``
    starting at most ``width`` characters after the match's own start.  Then no match
    starts more than ``width`` characters before the first place the (fast) ``head``
    matches, and the search for the pattern starts there.
    """

    def __init__(
        self,
        pattern: re.Pattern[str],
        lead: tuple[re.Pattern[str], int | None] | None = None,
        seek: tuple[tuple[str, ...], tuple[str, ...], int] | None = None,
        candidates: re.Pattern[str] | None = None,
    ) -> None:
        self.pattern = pattern
        # ``seek`` = (folded needles, raw needles, back): every match of ``lead``'s head
        # that lies in a match of the pattern holds one of the folded needles (in the
        # folded text) or of the raw needles (in the text) at most ``back`` characters
        # after its start.
        self.seek = seek
        # ``candidates``: a pattern that matches (at least) wherever ``pattern`` does, built
        # to be searched faster; the fast pattern is made from it instead.
        model = pattern if candidates is None else candidates
        source = _fast_source(model)
        self.fast = None if source is None else re.compile(source, model.flags & ~re.IGNORECASE)
        self.head: re.Pattern[str] | None = None
        self.width = 0
        if lead is not None and lead[1] is not None and self.fast is not None:
            head = _fast_source(lead[0])
            if head is not None:
                self.head = re.compile(head, lead[0].flags & ~re.IGNORECASE)
                self.width = lead[1]

    def _start(self, text: str, folded: str, at: int, end: int, seek: bool = False) -> int:
        """Where a match may start first, at or after ``at``; -1 for nowhere.

        With ``seek`` (the first step of a search: the needles are looked for once),
        the head is searched for only from near the first needle."""
        if self.head is None:
            return at
        low = at
        if seek and self.seek is not None:
            first = -1
            for needles, haystack in ((self.seek[0], folded), (self.seek[1], text)):
                for needle in needles:
                    found = haystack.find(needle, at, end)
                    if found >= 0 and (first < 0 or found < first):
                        first = found
            if first < 0:
                return -1
            low = max(at, first - self.seek[2])  # no head starts before this
        head = self.head.search(folded, low, end)
        return -1 if head is None else max(at, head.start() - self.width)

    def search(
        self, text: str, folded: str, pos: int = 0, endpos: int | None = None
    ) -> re.Match[str] | None:
        """``pattern.search(text, pos, endpos)``; ``folded`` is ``fold(text)``."""
        end = len(text) if endpos is None else endpos
        if self.fast is None:
            return self.pattern.search(text, pos, end)
        at, seek = pos, True
        while (at := self._start(text, folded, at, end, seek)) >= 0:
            seek = False
            found = self.fast.search(folded, at, end)
            if found is None:
                break
            real = self.pattern.match(text, found.start(), end)
            if real is not None:
                return real
            at = found.start() + 1
        return None

    def finditer_words(self, text: str, folded: str, firsts: Iterable[str]) -> list[re.Match[str]]:
        """``list(pattern.finditer(text))``, for a pattern every match of which starts with
        one of ``firsts`` in the folded text (see :func:`first_words`)."""
        starts: list[int] = []
        limit = 16 + len(text) // 16
        for word in firsts:
            at = folded.find(word)
            while at >= 0:
                starts.append(at)
                if len(starts) > limit:
                    # Junk dense with the words: one scan by the engine costs less than
                    # a few calls per match from here.
                    return list(self.pattern.finditer(text))
                at = folded.find(word, at + 1)
        starts.sort()
        end = len(text)
        fast, pattern = self.fast, self.pattern
        matches: list[re.Match[str]] = []
        at = 0
        for start in starts:
            if start < at or (fast is not None and fast.match(folded, start, end) is None):
                continue
            real = pattern.match(text, start, end)
            if real is None:
                continue
            if real.end() == real.start():
                return list(pattern.finditer(text))
            matches.append(real)
            at = real.end()
        return matches

    def finditer(
        self, text: str, folded: str, pos: int = 0, endpos: int | None = None
    ) -> list[re.Match[str]]:
        """``list(pattern.finditer(text, pos, endpos))``; ``folded`` is ``fold(text)``."""
        end = len(text) if endpos is None else endpos
        if self.fast is None:
            return list(self.pattern.finditer(text, pos, end))
        matches: list[re.Match[str]] = []
        at, seek = pos, True
        while (at := self._start(text, folded, at, end, seek)) >= 0:
            seek = False
            found = self.fast.search(folded, at, end)
            if found is None:
                break
            real = self.pattern.match(text, found.start(), end)
            if real is None:
                at = found.start() + 1
                continue
            if real.end() == real.start():
                # An empty match: finditer's rules for what may follow it are subtle.
                return list(self.pattern.finditer(text, pos, end))
            matches.append(real)
            at = real.end()
        return matches
