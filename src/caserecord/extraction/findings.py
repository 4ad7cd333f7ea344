"""Outcome findings other than visual acuity values.

Reads what a case narrative says about the patient's state and how it
changed: eye tests (VEP, ERG, OCT, visual fields, fundus, pupils,
intraocular pressure, colour vision, nystagmus, motility, and "vision"
statements without an acuity value), body functions told in testimonials
of cerebral palsy, spinal cord injury, multiple sclerosis or osteoarthritis
(walking, sitting, speech, muscle strength, spasticity, sensation, bladder
and bowel control, pain...) and laboratory values (glucose, HbA1c, insulin
dose...).

The vocabulary is data (``data/findings.json``), checked when the module is
imported.  The rules are general: a *trigger* phrase names what was
assessed ("muscle strength", "stand", "VEP"), and the words around it in
its clause give the value -- a number with a unit ("for about 10 minutes",
"14 mmHg OD"), a grade ("4/5", "ASIA B", "GMFCS level 5"), a change
("improved obviously"; "decreased" for spasticity), or a state ("weak",
"could not" -> absent, "normal").  Value words follow the gold annotation
convention of the project: ``improved``/``worsened``/``unchanged`` and
``normal``/``abnormal``/``present``/``absent``.

Times are not decided here: each finding carries the sentence and the
character position that :class:`~caserecord.extraction.time.TimeContext`
places; ``time_hint="baseline"`` is set only where the sentence itself
contrasts an earlier state with now ("he couldn't speak before and now he
can").  Visual acuity values belong to :mod:`caserecord.extraction.acuity`.

Phrases are matched on word tokens, not with backtracking regular
expressions, and every pattern is bounded, so the work is linear in the
length of the text.

Most sentences say nothing this module reads, so the text is first searched
once for trigger words and lab units, and only the sentences that have some
(or sit under a heading or label naming a measure) are read.  Per-clause
results that every group asks for (quantities, eyes, the owner of each value
word) are computed once.  Sight statements ("vision") in a story with acuity
values are dropped in the end, so their findings are made only where they can
change another finding.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Any, NamedTuple

from caserecord._units import UNITS
from caserecord.extraction._data import load_json
from caserecord.extraction._document import Document, Sentence
from caserecord.extraction._folded import FoldedPattern, fold
from caserecord.extraction._mentions import FindingMention, Span
from caserecord.extraction._numbers import NUMBER_WORD_PATTERN, parse_number
from caserecord.extraction.acuity import extract_acuity
from caserecord.extraction.eyes import eye_label_before, eye_leads, find_eyes, may_name_eye

__all__ = ["FindingVocabulary", "Measure", "extract_findings", "validate_vocabulary"]

_SOURCE = "findings.json"

_KINDS = frozenset({"ability", "function", "symptom", "lab"})
_POLARITIES = frozenset({"positive", "negative", "neutral"})
_STATUSES = ("normal", "abnormal", "present", "absent")
_CHANGES = ("improved", "worsened", "unchanged")
_VALUE_WORDS = frozenset(_STATUSES + _CHANGES)
_DIRECTIONS = frozenset({"increase", "decrease"})
_VALUE_CLASSES = _VALUE_WORDS | _DIRECTIONS
_GRADE_KINDS = frozenset({"fraction", "level", "letter", "plus", "score"})
# Cue lists that steer the rules (see the comment in findings.json).
_CUE_LISTS = (
    "negators",
    "restrictions",
    "negated_restrictions",
    "support",
    "ability",
    "past",
    "present_tense",
    "context",
    "skip_after_negation",
    "generic",
    "hypothetical",
    "before",
    "now",
    "observed",
    "adverse",
    "connectors",
    "copulas",
)
_WORD_LISTS = (
    "gap_words",
    "body_parts",
    "body_modifiers",
    "subject_prepositions",
    "joints",
    "score_words",
    "lab_links",
    "lab_stops",
    "lab_general",
)
_SNAKE = re.compile(r"[a-z][a-z0-9_]*")
#: Entries at most in a per-word cache (one text of odd words cannot fill memory).
_CACHE_LIMIT = 100_000
_GAP = "~"
_BODY_SLOT = "{body}"
_MAX_GAP = 3
# Between value words at the same distance from a trigger: a change outranks
# a state, and among states the more specific outranks "present".
_PRIORITY = {
    word: rank
    for rank, word in enumerate(
        ("improved", "worsened", "unchanged", "absent", "abnormal", "normal", "present")
    )
}
_NEGATED_STATE = {"normal": "abnormal", "present": "absent"}
# The value word of a sight statement kept in a story with acuity values: no
# value is told for an eye that stayed the same (see _Extractor.run).
_KEPT_WORDS = frozenset({"unchanged"})


# -- the vocabulary ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measure:
    """One assessed quantity: how its mentions read and which values it takes."""

    name: str
    kind: str  # ability / function / symptom / lab
    eye: bool = False  # an eye test: OD/OS/"right eye" name its eye
    polarity: str = "positive"  # is "more" better (positive) or worse?
    negated: str | None = "absent"  # status of "no X" / "could not X"; None skips
    units: frozenset[str] = frozenset()
    grades: frozenset[str] = frozenset()
    signs: Mapping[str, str] = field(default_factory=dict)  # trigger -> implied status
    confirm: frozenset[str] = frozenset()  # signs that need an observation word
    layers: Mapping[str, str] = field(default_factory=dict)  # OCT trigger -> layer
    unit_subjects: Mapping[str, str] = field(default_factory=dict)  # "ms" -> "P100 latency"
    refines: str | None = None  # the general measure this one narrows
    label_only: bool = False  # its triggers only name a "Key:" label


_Entry = tuple[tuple[str, ...], frozenset[str], "frozenset[str] | tuple[()] | None"]


def _second_forms(words: tuple[str, ...]) -> frozenset[str] | tuple[()] | None:
    """What the second token of a phrase may read (see ``_fits``)."""
    if len(words) == 1:
        return None
    second = words[1]
    if second in (_GAP, _BODY_SLOT):
        return ()
    if len(words) == 2:  # the last word may take a plural or a verb "s"
        return frozenset({second, second + "s", second + "es"})
    return frozenset({second})


class _PhraseIndex:
    """Phrases of words, looked up by their first word and matched on tokens.

    A phrase listed twice (in two cue lists) carries the union of its labels.
    """

    def __init__(
        self, entries: Iterable[tuple[str, frozenset[str]]], fail: Callable[[str], RuntimeError]
    ) -> None:
        merged: dict[tuple[str, ...], frozenset[str]] = {}
        for phrase, labels in entries:
            words = tuple(phrase.split())
            if (
                words[0] in (_GAP, _BODY_SLOT)
                or words[-1] == _GAP
                or (_GAP, _GAP) in pairwise(words)
            ):
                raise fail(f"phrase {phrase!r} must start and end with a word")
            merged[words] = merged.get(words, frozenset()) | labels
        self.by_first: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = {}
        for words, labels in merged.items():
            self.by_first.setdefault(words[0], []).append((words, labels))
        # token text -> the phrases whose first word it is (see ``starting``)
        self._starting: dict[str, list[_Entry]] = {}
        # the token texts that start some phrase (``starting`` is not empty)
        self.starters = frozenset(
            form for first in self.by_first for form in (first, first + "s", first + "es")
        )

    def starting(self, text: str) -> list[_Entry]:
        """The phrases whose first word fits a token ``text``, in the order tried.

        The word as written comes first, so an exact phrase wins over an
        inflected one ("pupils" is "pupil" + "s").  Each comes with the texts
        its second token may have (None for a phrase of one word, () when any
        may do and ``_match`` decides).
        """
        found = self._starting.get(text)
        if found is None:
            found = [
                (words, labels, _second_forms(words))
                for key in dict.fromkeys((text, text[:-1], text[:-2]))
                for words, labels in self.by_first.get(key, ())
                if text == words[0] or text == words[0] + "s" or text == words[0] + "es"
            ]
            if len(self._starting) < _CACHE_LIMIT:
                self._starting[text] = found
        return found

    def find(
        self,
        tokens: Sequence[_Token],
        body: frozenset[str],
        gap: frozenset[str],
        texts: Sequence[str] | None = None,
    ) -> list[_Match]:
        """Every match (overlapping ones included), in text order.

        ``texts`` are the texts of ``tokens``, when the caller has them."""
        if texts is None:
            texts = [t[0] for t in tokens]
        hits = self.starters.intersection(texts)
        if not hits:
            return []
        found: list[_Match] = []
        starting = self._starting
        for i in [i for i, text in enumerate(texts) if text in hits]:
            token = tokens[i]
            if not token.word:
                continue
            entries = starting.get(token.text)
            if entries is None:
                entries = self.starting(token.text)
            for words, labels, forms in entries:
                if forms is None:  # the first word fits: the phrase is matched
                    found.append(_Match(i, i + 1, labels, words))
                    continue
                if forms:
                    # most phrases fail on their second word: look at it first
                    if i + 1 >= len(tokens):
                        continue
                    following = tokens[i + 1]
                    if not following.word or following.text not in forms:
                        continue
                end = _match(words, tokens, i, body, gap)
                if end > i:
                    found.append(_Match(i, end, labels, words))
        return found


@dataclass(frozen=True)
class FindingVocabulary:
    """The validated content of ``findings.json``, with its phrase indexes."""

    measures: Mapping[str, Measure]
    triggers: _PhraseIndex  # labels: {"measure name"}
    exclusions: _PhraseIndex  # labels: {"measure name"}
    cues: _PhraseIndex  # labels: value words and cue list names
    measure_cues: Mapping[str, _PhraseIndex]  # per-measure value words
    words: Mapping[str, frozenset[str]]  # single-word lists (body parts...)
    both_eye_triggers: frozenset[tuple[str, ...]]
    # one pattern per side, run on folded text (see _eye_phrase_finder)
    eye_phrases: tuple[tuple[FoldedPattern, str], ...]
    units: Mapping[str, str]  # spelling (lower case) -> canonical symbol
    eye_words: frozenset[str]  # the first words of the eye phrases

    @cached_property
    def single(self) -> Mapping[str, frozenset[str]]:
        """One-word cue phrases per cue list, for quick membership tests."""
        out: dict[str, set[str]] = {}
        for entries in self.cues.by_first.values():
            for words, labels in entries:
                if len(words) == 1:
                    for label in labels:
                        out.setdefault(label, set()).add(words[0])
        return {label: frozenset(ws) for label, ws in out.items()}


def validate_vocabulary(data: object, *, source: str = _SOURCE) -> FindingVocabulary:
    """Check the findings vocabulary and build its phrase indexes.

    Raises :class:`RuntimeError` naming ``source`` and the bad entry: a
    malformed rule file is a packaging bug, not a user error (as in
    ``_data.load_json``).
    """

    def fail(problem: str) -> RuntimeError:
        return RuntimeError(f"caserecord rule file data/{source}: {problem}")

    if not isinstance(data, Mapping):
        raise fail(f"must hold a JSON object (got {type(data).__name__})")
    expected = {
        "measures",
        "values",
        "both_eye_triggers",
        "eye_phrases",
        "units",
        *_CUE_LISTS,
        *_WORD_LISTS,
    }
    unknown = sorted(str(k) for k in data if not str(k).startswith("_") and k not in expected)
    if unknown:
        raise fail(f"unknown sections {unknown}")
    missing = sorted(k for k in expected if k not in data)
    if missing:
        raise fail(f"missing sections {missing}")

    units = _read_units(data["units"], fail)
    measures_raw = data["measures"]
    if not isinstance(measures_raw, Mapping) or not measures_raw:
        raise fail("'measures' must be a non-empty object of name: definition")
    measures: dict[str, Measure] = {}
    triggers: list[tuple[str, frozenset[str]]] = []
    exclusions: list[tuple[str, frozenset[str]]] = []
    measure_cues: dict[str, _PhraseIndex] = {}
    for name, spec in measures_raw.items():
        measure, phrases, nots, states = _read_measure(name, spec, set(units.values()), fail)
        measures[name] = measure
        triggers += [(p, frozenset({name})) for p in phrases]
        exclusions += [(p, frozenset({name})) for p in nots]
        if states:
            measure_cues[name] = _PhraseIndex(
                [(p, frozenset({word})) for word, ps in states.items() for p in ps], fail
            )
    for measure in measures.values():
        if measure.refines is not None and measure.refines not in measures:
            raise fail(f"measures.{measure.name}.refines names unknown {measure.refines!r}")
    owners: dict[str, str] = {}
    for phrase, labels in triggers:
        (name,) = labels
        if owners.setdefault(phrase, name) != name:
            raise fail(f"trigger {phrase!r} is listed for both {owners[phrase]} and {name}")

    values = data["values"]
    if not isinstance(values, Mapping):
        raise fail("'values' must be an object of value word: phrases")
    cue_entries: list[tuple[str, frozenset[str]]] = []
    for word, phrases in values.items():
        if word not in _VALUE_CLASSES:
            raise fail(f"values: {word!r} is not one of {sorted(_VALUE_CLASSES)}")
        cue_entries += [(p, frozenset({word})) for p in _phrases(phrases, f"values.{word}", fail)]
    for section in _CUE_LISTS:
        cue_entries += [(p, frozenset({section})) for p in _phrases(data[section], section, fail)]
    words = {section: frozenset(_phrases(data[section], section, fail)) for section in _WORD_LISTS}
    for section, entries in words.items():
        if any(" " in w or w in (_GAP, _BODY_SLOT) for w in entries):
            raise fail(f"{section}: entries must be single words")
    both = frozenset(
        tuple(p.split()) for p in _phrases(data["both_eye_triggers"], "both_eye_triggers", fail)
    )
    eye_raw = data["eye_phrases"]
    if not isinstance(eye_raw, Mapping) or not eye_raw or set(eye_raw) - {"right", "left", "both"}:
        raise fail("'eye_phrases' must map right/left/both to phrases")
    eye_phrases = tuple(
        (_eye_phrase_finder(_phrases(ps, f"eye_phrases.{side}", fail)), side)
        for side, ps in eye_raw.items()
    )
    return FindingVocabulary(
        measures=measures,
        triggers=_PhraseIndex(triggers, fail),
        exclusions=_PhraseIndex(exclusions, fail),
        cues=_PhraseIndex(cue_entries, fail),
        measure_cues=measure_cues,
        words=words,
        both_eye_triggers=both,
        eye_phrases=eye_phrases,
        units=units,
        eye_words=frozenset(
            p.split()[0]
            for side, ps in eye_raw.items()
            for p in _phrases(ps, f"eye_phrases.{side}", fail)
        ),
    )


def _eye_phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """The eye phrases of one side, longest first, as whole words in any case."""
    return re.compile(
        r"\b(?:"
        + "|".join(
            re.escape(p).replace(r"\ ", r"\s{1,3}") for p in sorted(phrases, key=len, reverse=True)
        )
        + r")\b",
        re.IGNORECASE,
    )


def _eye_phrase_finder(phrases: list[str]) -> FoldedPattern:
    """``_eye_phrase_pattern`` run on folded text: the same matches (see ``_folded``).

    A pattern opening with ``\\b`` is tried at every position of the text; one
    opening with a letter lets the engine skip to where that letter is.  So each
    phrase is read from its first letter, the boundary before it checked behind
    (the letter is a word character: the character before it must not be one).
    The phrases keep their order (longest first) among those of the same letter,
    and phrases of other letters cannot match where that letter is.
    """
    pattern = _eye_phrase_pattern(phrases)
    ordered = sorted(phrases, key=len, reverse=True)
    if not all("a" <= p[0] <= "z" for p in ordered):
        return FoldedPattern(pattern)
    rests: dict[str, list[str]] = {}
    for p in ordered:
        rests.setdefault(p[0], []).append(re.escape(p[1:]).replace(r"\ ", r"\s{1,3}"))
    letter_first = re.compile(
        "(?:"
        + "|".join(
            first + r"(?<!\w" + first + ")(?:" + "|".join(rest) + ")"
            for first, rest in rests.items()
        )
        + r")\b",
        re.IGNORECASE,
    )
    return FoldedPattern(pattern, candidates=letter_first)


def _phrases(value: object, where: str, fail: Callable[[str], RuntimeError]) -> list[str]:
    if not isinstance(value, list) or not value:
        raise fail(f"{where} must be a non-empty list of phrases")
    out = []
    for phrase in value:
        if not isinstance(phrase, str) or not phrase.strip():
            raise fail(f"{where}: {phrase!r} must be a non-empty string")
        if phrase != " ".join(phrase.lower().split()):
            raise fail(f"{where}: {phrase!r} must be lower case with single spaces")
        out.append(phrase)
    return out


def _read_units(value: object, fail: Callable[[str], RuntimeError]) -> dict[str, str]:
    if not isinstance(value, Mapping) or not value:
        raise fail("'units' must be an object of canonical symbol: spellings")
    lookup: dict[str, str] = {}
    for symbol, spellings in value.items():
        if symbol not in UNITS:
            raise fail(f"units: {symbol!r} is not a unit caserecord knows (see _units.py)")
        for spelling in _phrases(spellings, f"units.{symbol}", fail):
            if lookup.setdefault(spelling, symbol) != symbol:
                raise fail(f"units: {spelling!r} spells both {lookup[spelling]} and {symbol}")
    return lookup


def _read_measure(
    name: object, spec: object, units: set[str], fail: Callable[[str], RuntimeError]
) -> tuple[Measure, list[str], list[str], dict[str, list[str]]]:
    if not isinstance(name, str) or not _SNAKE.fullmatch(name):
        raise fail(f"measure name {name!r} must be snake_case")
    where = f"measures.{name}"
    if not isinstance(spec, Mapping):
        raise fail(f"{where} must be an object")
    allowed = {
        "kind",
        "triggers",
        "eye",
        "polarity",
        "negated",
        "units",
        "grades",
        "signs",
        "confirm",
        "states",
        "layers",
        "unit_subjects",
        "refines",
        "not",
        "label_only",
    }
    if set(spec) - allowed:
        raise fail(f"{where}: unknown keys {sorted(set(spec) - allowed)}")
    kind = spec.get("kind")
    if kind not in _KINDS:
        raise fail(f"{where}.kind must be one of {sorted(_KINDS)} (got {kind!r})")
    polarity = spec.get("polarity", "positive")
    if polarity not in _POLARITIES:
        raise fail(f"{where}.polarity must be one of {sorted(_POLARITIES)} (got {polarity!r})")
    negated = spec.get("negated", "absent")
    if negated is not None and negated not in _STATUSES:
        raise fail(f"{where}.negated must be a status or null (got {negated!r})")
    triggers = _phrases(spec.get("triggers"), f"{where}.triggers", fail)
    measure_units = spec.get("units", [])
    if not isinstance(measure_units, list) or set(measure_units) - units:
        raise fail(f"{where}.units must list symbols of the 'units' section (got {measure_units})")
    grades = spec.get("grades", [])
    if not isinstance(grades, list) or set(grades) - _GRADE_KINDS:
        raise fail(f"{where}.grades must list some of {sorted(_GRADE_KINDS)} (got {grades})")
    signs = spec.get("signs", {})
    if (
        not isinstance(signs, Mapping)
        or set(signs) - set(triggers)
        or any(v not in _STATUSES for v in signs.values())
    ):
        raise fail(f"{where}.signs must map some of its triggers to a status")
    confirm = spec.get("confirm", [])
    if not isinstance(confirm, list) or set(confirm) - set(signs):
        raise fail(f"{where}.confirm must list some of its signs")
    layers = spec.get("layers", {})
    if (
        not isinstance(layers, Mapping)
        or set(layers) - set(triggers)
        or not all(isinstance(v, str) and v for v in layers.values())
    ):
        raise fail(f"{where}.layers must map some of its triggers to a layer name")
    unit_subjects = spec.get("unit_subjects", {})
    if (
        not isinstance(unit_subjects, Mapping)
        or set(unit_subjects) - set(measure_units)
        or not all(isinstance(v, str) and v for v in unit_subjects.values())
    ):
        raise fail(f"{where}.unit_subjects must map some of its units to a subject")
    states_raw = spec.get("states", {})
    if not isinstance(states_raw, Mapping) or set(states_raw) - _VALUE_CLASSES:
        raise fail(f"{where}.states must map value words to phrases")
    states = {
        word: _phrases(ps, f"{where}.states.{word}", fail) for word, ps in states_raw.items()
    }
    nots = _phrases(spec["not"], f"{where}.not", fail) if "not" in spec else []
    refines = spec.get("refines")
    if refines is not None and not isinstance(refines, str):
        raise fail(f"{where}.refines must name a measure")
    eye, label_only = spec.get("eye", False), spec.get("label_only", False)
    if not isinstance(eye, bool) or not isinstance(label_only, bool):
        raise fail(f"{where}: 'eye' and 'label_only' must be true or false")
    measure = Measure(
        name=name,
        kind=kind,
        eye=eye,
        polarity=polarity,
        negated=negated,
        units=frozenset(measure_units),
        grades=frozenset(grades),
        signs=dict(signs),
        confirm=frozenset(confirm),
        layers=dict(layers),
        unit_subjects=dict(unit_subjects),
        refines=refines,
        label_only=label_only,
    )
    return measure, triggers, nots, states


# -- words and phrases -------------------------------------------------------------------

# Numbers, words (with one inner apostrophe: "couldn't"), single punctuation marks.
_TOKEN = re.compile(r"\d{1,12}(?:\.\d{1,6})?|[^\W_]{1,64}(?:['’][^\W_]{1,64})?|[^\w\s]")
_JOINERS = frozenset("-‐‑")  # hyphens join words: "blood-glucose" reads "blood glucose"
_BRACKETED = re.compile(r"\([^()\n]{0,200}\)|\[[^\[\]\n]{0,200}\]")


class _Token(NamedTuple):  # a tuple: made in C (_new_token), read by index in C
    text: str  # normalised: lower case, straight apostrophe, no possessive 's
    start: int  # absolute offsets
    end: int
    word: bool
    bracketed: bool = False  # inside "(...)": an abbreviation, a figure, a reference


_new_token: Callable[[type[_Token], tuple[str, int, int, bool, bool]], _Token] = tuple.__new__


@dataclass(slots=True, unsafe_hash=True)  # never changed; not frozen, as that is slow to make
class _Match:
    first: int  # token indexes [first, last)
    last: int
    labels: frozenset[str]
    words: tuple[str, ...]

    @property
    def phrase(self) -> str:
        return " ".join(self.words)


def _tokens(text: str, offset: int, bracketed: Sequence[Span]) -> list[_Token]:
    out: list[_Token] = []
    append = out.append
    normal = _NORMAL
    find = text.find
    position = 0
    # A token starts at the first place its text is found after the previous
    # one: only blanks and "_", which start no token, lie between them.
    for raw in _TOKEN.findall(text):
        start = find(raw, position)
        position = start + len(raw)
        known = normal.get(raw)
        if known is None:
            known = _normal(raw)
            if len(normal) < _CACHE_LIMIT:
                normal[raw] = known
        norm, word = known
        if norm is None:
            continue
        start += offset
        end = position + offset
        inside = any(s < start and end < e for s, e in bracketed) if bracketed else False
        append(_new_token(_Token, (norm, start, end, word, inside)))
    return out


#: raw token -> (normalised text or None for a joiner, is a word)
_NORMAL: dict[str, tuple[str | None, bool]] = {}


def _normal(raw: str) -> tuple[str | None, bool]:
    if raw in _JOINERS:
        return None, False
    word = raw[0].isalnum()
    norm = raw.lower().replace("’", "'")
    if word and norm.endswith("'s"):
        norm = norm[:-2]
    return norm, word


def _match(
    words: tuple[str, ...],
    tokens: Sequence[_Token],
    i: int,
    body: frozenset[str],
    gap: frozenset[str],
) -> int:
    """Token index just past the phrase ``words`` read from token ``i``, or -1."""
    position, k, n = i, 0, len(words)
    while k < n:
        if words[k] == _GAP:
            target, last = words[k + 1], k + 1 == n - 1
            for skip in range(_MAX_GAP + 1):
                j = position + skip
                if j >= len(tokens) or not tokens[j].word:
                    return -1
                if _fits(target, tokens[j].text, last, body):
                    position = j + 1
                    break
                if tokens[j].text not in gap and not tokens[j].text[:1].isdigit():
                    return -1  # "raise up his both hands", "take 15 steps"
            else:
                return -1
            k += 2
            continue
        if position >= len(tokens) or not tokens[position].word:
            return -1
        if not _fits(words[k], tokens[position].text, k in (0, n - 1), body):
            return -1
        position += 1
        k += 1
    return position


def _fits(word: str, token: str, inflected: bool, body: frozenset[str]) -> bool:
    if word == _BODY_SLOT:
        return token in body
    # The first and last words may take a plural or a verb "s": "pupils", "walks".
    return token == word or (inflected and token in (word + "s", word + "es"))


def _longest(matches: Iterable[_Match]) -> list[_Match]:
    """Non-overlapping matches, preferring the longer, then the earlier."""
    # The chosen do not overlap: kept in text order, the only one that may
    # overlap a match is the last chosen one starting before the match ends.
    chosen: list[_Match] = []
    firsts: list[int] = []
    for m in sorted(matches, key=lambda m: (m.first - m.last, m.first)):
        k = bisect_left(firsts, m.last)
        if k and chosen[k - 1].last > m.first:
            continue
        chosen.insert(k, m)
        firsts.insert(k, m.first)
    return chosen


_VOCAB = validate_vocabulary(load_json(_SOURCE))

_UNIT_PATTERN = "|".join(
    re.escape(s).replace(r"\ ", r"\s?") for s in sorted(_VOCAB.units, key=len, reverse=True)
)
# A number (digits, or words for durations: "five minutes", "an hour"), an
# optional range end ("2-3", "4.4 – 6.2") and a unit.  A letter may not
# follow an alphabetic unit; that is checked in code.
_QUANTITY = re.compile(
    r"(?<![\w.,/])(?P<sign>[-−](?=\d))?"
    r"(?P<a>\d{1,5}(?:\.\d{1,3})?|" + NUMBER_WORD_PATTERN + r")"
    r"(?:(?P<join>\s?[-–—~]\s?|\s{1,3}(?:to|and)\s{1,3})(?P<b>\d{1,5}(?:\.\d{1,3})?))?"
    r"\s?(?P<unit>" + _UNIT_PATTERN + r")",
    re.IGNORECASE,
)
_QUANTITY_FOLDED = FoldedPattern(_QUANTITY)
_FRACTION = re.compile(r"(?<![\w./])(\d{1,2})\s?/\s?(\d{1,2})(?![\w/])")
# "level was 5", "grade 4", "from grade 2 to grade 4"; or right after the name: "GMFCS IV".
_LEVEL = re.compile(
    r"\b(?:level|grade|class|stage)\s{0,3}(?:(?:was|is|of|at)\s{1,3}|[:=]\s{0,3})?"
    r"(?P<v>[0-5]|IV|V|I{1,3})\b",
    re.IGNORECASE,
)
_LEVEL_AFTER = re.compile(r"[\s:=]{0,3}(?:(?:was|is|of|at)\s{1,3})?(?P<v>[1-5]|IV|V|I{1,3})\b")
_LETTER = re.compile(  # the letter itself is upper case: "ASIA B", not "Asia and"
    r"[\s,:=]{0,3}(?:(?i:impairment\s{1,3}scale|grade|scale|classification|score)\s{1,3})?"
    r"(?:(?i:has|had|was|have)\s{1,3})?"
    r"(?:(?i:improved|changed|went|converted|progressed|moved|upgraded)\s{1,3})?"
    r"(?:(?i:from|to)\s{1,3})?"
    r"(?:(?i:was|is|of|at)\s{1,3}|[=:]\s{0,3})?(?:(?i:grade)\s{1,3})?(?P<v>[A-E])\b"
)
_LETTER_TO = re.compile(
    r"\s{1,3}(?i:to)\s{1,3}(?:(?:ASIA|AIS)\s{1,3})?(?:(?i:grade)\s{1,3})?(?P<v>[A-E])\b"
)
# (not the size of the scale: "a 48-point measure", "36 out of 48")
_SCORE = re.compile(r"(?<![\w./])(?<!out of )\d{1,3}(?:\.\d{1,2})?(?![\w/%]|\.\d|-point)")
_PLUS = re.compile(r"\s{0,3}\(\s{0,3}(?P<v>\+{1,4}|[-−])\s{0,3}\)")
_BEFORE_AT_END = re.compile(
    r"\bbefore(?=\s{0,3}(?:[.,;:!?)\]]|$|and\b|but\b|now\b))", re.IGNORECASE
)
# "2/17 -> 9/17", "18 → 14 mmHg": the value before the arrow is the earlier one.
_ARROW = re.compile(r"[ \t]{0,3}(?:-{1,2}>|={1,2}>|[→⇒⟶])[ \t]{0,3}(?=[\w(])")
_ROMAN = {"i": 1.0, "ii": 2.0, "iii": 3.0, "iv": 4.0, "v": 5.0}
_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it", "being", "was", "is"})
_OTHERWISE = "otherwise"
_BARRIERS = frozenset(",;:.!?")
_REFERENCE = re.compile(
    r"\b(?:normal|reference|range|ref|norm|upper\s{1,3}limit)\b", re.IGNORECASE
)
_CONJUNCTIONS = frozenset({"and", "but", "or", "while", "whereas", "although"})
_CHANGE_AMOUNT = frozenset({"by", "gained", "lost", "gaining", "losing"})
# (the lookahead lets the engine skip the characters no break starts with, and
# "\s(?<!\d\s)" is "(?<!\d)\s" with the space first, which keeps that skip)
_CLAUSE_BREAK = re.compile(
    r"(?=[;:,\s])(?:;|:(?=\s)|\s(?<!\d\s)[-–—]{1,2}\s(?!\d)"
    r"|,\s(?=(?:and|but)\s(?!(?:without|not|no|only|with|also)\b))"
    r"|,\s(?=(?:while|whilst|however|which|because|although|though|whereas|he|she|they|it|i|"
    r"we|his|her|their|its|there|now|today|currently)\b)"
    r"|\s(?=(?:but|whilst|while|whereas)\s(?:he|she|they|it|i|we|his|her|their|the|this|"
    r"there)\b)"
    r"|\sand\s(?=(?:now|today|then|he|she|they|it|i|we)\b))",
    re.IGNORECASE,
)


# -- the pieces of a sentence ------------------------------------------------------------


@dataclass(slots=True, unsafe_hash=True)  # never changed; not frozen, as that is slow to make
class _Cue:
    first: int
    last: int
    classes: frozenset[str]
    start: int
    end: int


@dataclass(slots=True, unsafe_hash=True)  # never changed; not frozen, as that is slow to make
class _Trigger:
    measure: str
    phrase: str
    first: int
    last: int
    start: int
    end: int


#: The classes of the cues a group's values are read from (_worded and the
#: functions it calls filter its cues by these).
_READ_CLASSES = _VALUE_CLASSES | {"restrictions", "negated_restrictions", "support", "ability"}

_VISION = frozenset({"vision"})
#: The measures that have exclusion phrases.
_EXCLUDED = frozenset(
    label
    for entries in _VOCAB.exclusions.by_first.values()
    for _, labels in entries
    for label in labels
)
_NEGATORS = frozenset({"negators"})


def _cue_order(cue: _Cue) -> tuple[int, int]:
    return cue.first, cue.last


_UNIT_HEADS: dict[str, frozenset[str]] = {}  # measure -> first words of its units' spellings

#: Tokens between a value word and the trigger it may belong to, at most.
_OWNER_REACH = 30


@dataclass(slots=True)
class _Group:
    """Triggers read together: "stand, sit, walk and squat" share one value."""

    triggers: list[_Trigger]
    scope_first: int = 0  # token range whose words may give its value
    scope_last: int = 0
    settled: list[str] | None = None  # ``measures`` once no trigger joins any more

    @property
    def first(self) -> int:
        return self.triggers[0].first

    @property
    def last(self) -> int:
        return self.triggers[-1].last

    @property
    def start(self) -> int:
        return self.triggers[0].start

    @property
    def end(self) -> int:
        return self.triggers[-1].end

    @property
    def measures(self) -> list[str]:
        if self.settled is not None:
            return self.settled
        return list(dict.fromkeys(t.measure for t in self.triggers))

    @property
    def phrases(self) -> list[str]:
        return [t.phrase for t in self.triggers]

    def covers(self, cue: _Cue) -> bool:
        return any(cue.first < t.last and t.first < cue.last for t in self.triggers)


@dataclass(frozen=True, slots=True)
class _Quantity:
    start: int
    end: int
    token: int  # index of the first token at or after it
    value: float | None
    unit: str
    grade: str | None  # a range "2-3" is kept as written


@dataclass(slots=True)
class _Clause:
    start: int
    end: int
    text: str
    tokens: list[_Token]
    cues: list[_Cue]
    label_break: bool  # the clause ends at ":" (it may be a label)
    texts: list[str] | None = None  # the texts of ``tokens``
    groups: list[_Group] = field(default_factory=list)
    measure_cues: dict[str, list[_Cue]] = field(default_factory=dict)
    # The group each value word belongs to, computed once per cue: every group
    # asks about every cue, and recomputing made long clauses cubic.
    # Keyed by the cue's id: the cues asked about live in the clause (``cues``,
    # ``measure_cues``), and equal cues have the same owner anyway.
    owners: dict[int, _Group | None] = field(default_factory=dict)
    # Per-clause results every group asks for again (see _Extractor).
    quantities: list[_Quantity] | None = None
    eyes: dict[tuple[int, int], list[tuple[int, int, str]]] = field(default_factory=dict)
    values: tuple[list[int], list[int]] | None = None  # sorted starts, sorted ends
    starts: list[int] | None = None  # token starts
    summary: str | None = None  # _detail
    owned: dict[int, list[_Cue]] | None = None  # id of a group -> the cues it owns
    otherwise: list[int] | None = None  # indexes of the tokens "otherwise"
    trigger_matches: list[_Match] | None = None  # vocab.triggers.find of the tokens
    # first and last tokens of the groups, when each group ends before the next
    bounds: tuple[list[int], list[int]] | None = None
    ordered: bool = False
    labels: frozenset[str] | None = None  # the classes of all cues
    negators: list[_Cue] | None = None  # the cues that are negators
    eye_words: bool | None = None  # "eye", "OD", "OS" or "OU" in the text
    lowered: str | None = None  # text.lower()

    def token_at(self, position: int) -> int:
        """Index of the first token starting at or after ``position``."""
        if self.starts is None:
            self.starts = [t.start for t in self.tokens]
        return bisect_left(self.starts, position)

    def has(self, label: str) -> bool:
        if self.labels is None:
            self.labels = frozenset().union(*(c.classes for c in self.cues))
        return label in self.labels


@dataclass(slots=True)
class _Draft:
    """A finding before the sentence is tidied."""

    measure: str
    position: int
    value_word: str | None = None
    value: float | None = None
    unit: str | None = None
    grade: str | None = None
    eye: str | None = None
    eye_explicit: bool = False
    subject: str | None = None
    layer: str | None = None
    detail: str | None = None
    time_hint: str | None = None
    timed: bool = False  # its clause says when (now/before): keep it apart
    clause: int = 0
    spans: dict[str, Span] = field(default_factory=dict)

    @property
    def numeric(self) -> bool:
        return self.value is not None and self.unit is not None


# -- the extractor -----------------------------------------------------------------------


def extract_findings(doc: Document) -> list[FindingMention]:
    """Findings other than acuity values, in text order."""
    return _Extractor(doc, _VOCAB).run()


class _Extractor:
    def __init__(self, doc: Document, vocab: FindingVocabulary) -> None:
        self.doc = doc
        self.vocab = vocab
        self.single = vocab.single
        self.body = vocab.words["body_parts"]
        self.gap = vocab.words["gap_words"]
        self._acuity: bool | None = None  # _has_acuity_values, once asked
        # No run of 65 characters without a blank in the text (see _LONG_HEAD), so
        # in none of its sentences: set by _candidates when it knows.
        self._short_runs = False
        self._sentence_eyes: dict[int, str | None] = {}  # see _sentence_eye
        self._sentence_starts: list[int] | None = None
        # The sentence read is under a heading of side effects ("Complications:").
        self._adverse_section = False
        self._adverse_headings: dict[int, bool] = {}

    @cached_property
    def default_eye(self) -> str | None:
        """The story's eye, worked out only when a finding needs it."""
        return self._story_eye()

    def words(self, label: str) -> frozenset[str]:
        return self.single.get(label, frozenset())

    # -- document level -----------------------------------------------------------
    def run(self) -> list[FindingMention]:
        found: list[FindingMention] = []
        topic: tuple[str, int] | None = None  # (measure, line) of an inline label
        headings = [
            self._heading_measure(section.heading)
            if _TRIGGER_GATE.search(section.heading.lower())
            else None
            for section in self.doc.sections
        ]
        sentences = self.doc.sentences
        wanted, labs = self._candidates(headings)
        index = wanted[0] if wanted else len(sentences)
        position = 1  # next entry of ``wanted``
        while index < len(sentences):
            sentence = sentences[index]
            if topic is not None and topic[1] != sentence.line:
                topic = None
            if not self._is_title(sentence):
                heading = headings[sentence.section] if sentence.section is not None else None
                drafts, topic = self._sentence(sentence, topic, heading, lab=index in labs)
                if drafts:
                    found += [_mention(d, sentence) for d in _tidy(drafts)]
            # A sentence that can say nothing (no trigger, no lab value, no
            # heading or label to speak of) is skipped: it would give no draft
            # and leave the label as it is.
            while position < len(wanted) and wanted[position] <= index:
                position += 1
            following = wanted[position] if position < len(wanted) else len(sentences)
            if (
                topic is not None
                and index + 1 < len(sentences)
                and sentences[index + 1].line == topic[1]
            ):
                following = index + 1
            index = following
        if found:
            found += self._continued_scores(found)
        if any(m.measure == "vision" for m in found) and self._has_acuity_values():
            # Vague sight statements in a story that reports acuity values mostly
            # restate those values ("his sight improved") or the diagnosis ("lost
            # his sight"); the values are the record.  "Vision in the left eye
            # stayed the same" tells what a story rarely gives a value for: it
            # stays (assembly drops it where a value has its time and eye).
            found = [m for m in found if m.measure != "vision" or m.change in _KEPT_WORDS]
        return found

    def _continued_scores(self, found: list[FindingMention]) -> list[FindingMention]:
        """A score told on in the next sentence with "it": "His ALSFRS-R was 36 when he
        started. Three months later it was 35, and at nine months it was 31."

        The values take the measure (and the form) of the last score of the
        sentence before, when that sentence names no other measure's score.
        """
        sentences = self.doc.sentences
        by_sentence: dict[int, list[FindingMention]] = {}
        for mention in found:
            by_sentence.setdefault(mention.sentence, []).append(mention)
        extra: list[FindingMention] = []
        for index, mentions in by_sentence.items():
            scores = [mention for mention in mentions if _scored(mention)]
            following = index + 1
            if (
                not scores
                or len({mention.measure for mention in scores}) > 1
                or following >= len(sentences)
                or following in by_sentence
            ):
                continue
            sentence = sentences[following]
            if "it" not in sentence.text.lower():
                continue
            last = scores[-1]
            for hit in _IT_SCORE.finditer(sentence.text):
                start = sentence.start + hit.start("v")
                end = sentence.start + hit.end("v")
                value = parse_number(hit.group("v"))
                if value is None:
                    continue
                extra.append(
                    FindingMention(
                        measure=last.measure,
                        sentence=following,
                        position=start,
                        grade=hit.group("v") if last.grade is not None else None,
                        value=None if last.grade is not None else value,
                        unit=last.unit,
                        detail=sentence.text.strip(),
                        spans={"value": (start, end)},
                    )
                )
        return extra

    def _candidates(self, headings: list[str | None]) -> tuple[list[int], set[int]]:
        """Indexes of the sentences that may give a finding, in order, and of those
        that may hold a laboratory value.

        A finding needs a trigger word, a laboratory unit, or a heading or label
        naming a measure (a label's sentences are added by ``run``).  The checks
        are a superset of what the rules match, run once over the lower-cased
        text: a trigger phrase's first word as a whole token (as a substring where
        tokens may be cut inside a word), a lab unit's opening letters.
        """
        sentences = self.doc.sentences
        text = self.doc.text
        lowered = text.lower()
        if len(lowered) != len(text):  # offsets would not line up: look at all
            every = list(range(len(sentences)))
            return every, set(every)
        starts = [s.start for s in sentences]

        def hits(gate: re.Pattern[str], group: int) -> set[int]:
            """The sentences in which ``gate`` matches (from ``group``'s start)."""
            found: set[int] = set()
            position = 0
            while (m := gate.search(lowered, position)) is not None:
                at = m.start(group)
                k = bisect_right(starts, at) - 1
                if k >= 0 and at < sentences[k].end:
                    found.add(k)
                    position = max(sentences[k].end - 1, at)  # on to the next sentence
                else:
                    position = at
                position = max(position, m.start() + 1)
            return found

        # (a match of _LAB_GATE holds one of these: most texts need no search)
        labs = hits(_LAB_GATE, 0) if any(w in lowered for w in _LAB_WORDS) else set()
        if _LONG_RUN.search(text) is None and _LONG_HEAD.match(text) is None:
            self._short_runs = True
            # No word is longer than a token and no sentence was cut inside a
            # word: a trigger word can be read as a whole token of the text.
            triggered = hits(_TRIGGER_WORD, 1)
            if sentences and _TRIGGER_HEAD.match(lowered, 0, sentences[0].end):
                triggered.add(0)
        else:
            triggered = hits(_TRIGGER_GATE, 0)
        wanted = triggered | labs
        sections = {i for i, h in enumerate(headings) if h is not None}
        if sections:
            wanted.update(i for i, s in enumerate(sentences) if s.section in sections)
        return sorted(wanted), labs

    def _story_eye(self) -> str | None:
        """The eye a story is about when a finding does not say (FORMAT.md convention)."""
        text = self.doc.text
        # (all the sides named, where eye_sides stops at two: the answer is the same)
        sides = {e.laterality for e in find_eyes(text)}
        low = fold(text)
        for finder, side in self.vocab.eye_phrases:
            if "both" in sides or {"right", "left"} <= sides:
                break  # the answer is known: more sides change nothing
            if side not in sides and finder.search(text, low):
                sides.add(side)
        if "both" in sides or {"right", "left"} <= sides:
            return "both"
        return next(iter(sides), None)

    def _read(
        self, sentence: Sentence, *, bare: bool
    ) -> tuple[list[_Token], list[_Match], list[str]] | None:
        """The tokens and trigger matches of a sentence, or None when it gives
        nothing for sure (``bare``: no label, heading or lab unit to speak of)."""
        if bare:
            # Most sentences that name a trigger's first word hold no whole trigger
            # phrase: a search of the text spares tokenising them.
            lowered = " " + sentence.text.lower()
            if (
                len(lowered) == len(sentence.text) + 1
                and (self._short_runs or not _LONG_HEAD.search(sentence.text))
                and _OTHER_PHRASE_GATE.search(lowered) is None
                and (
                    _PHRASE_GATE.search(lowered) is None
                    # (only once the acuity values are known: asking would run
                    # that pass here, where the tokens may show no trigger)
                    or (self._acuity is not None and self._silent(sentence))
                )
            ):
                return None
        masked = (
            [
                (sentence.start + m.start(), sentence.start + m.end())
                for m in _BRACKETED.finditer(sentence.text)
            ]
            if "(" in sentence.text or "[" in sentence.text
            else []
        )
        tokens = _tokens(sentence.text, sentence.start, masked)
        # A clause is a run of the sentence's tokens, and a phrase read in it
        # reads the same in the sentence: a clause's triggers are the sentence's
        # that lie inside it.
        texts = [t[0] for t in tokens]
        triggers = self.vocab.triggers.find(tokens, self.body, self.gap, texts)
        if bare:
            if not triggers:
                return None  # no trigger, label or lab unit: no rule gives a finding
            if all(m.labels == _VISION for m in triggers) and self._silent(sentence):
                return None  # only sight statements, all dropped (see _silent)
        return tokens, triggers, texts

    def _silent(self, sentence: Sentence) -> bool:
        """Can a sentence whose every trigger is a sight statement be skipped?

        With no label, heading or lab unit it gives "vision" findings only, and
        all but "unchanged" ones are dropped in a story with acuity values (see
        ``run``); the label it may set ("Vision: ...") matters only to a later
        sentence of its line.
        """
        following = sentence.index + 1
        sentences = self.doc.sentences
        last_on_line = following >= len(sentences) or sentences[following].line != sentence.line
        return (
            (":" not in sentence.text or last_on_line)
            and self._unseen(self.vocab.measures["vision"])
            and _UNCHANGED_GATE.search(" " + sentence.text.lower()) is None
        )

    def _dropped(self, clause: _Clause, group: _Group) -> bool:
        """Would all of a group's findings be dropped (see ``run``)?

        Then they need not be made: other groups' findings do not depend on
        them, only a heading's does (whether a finding came before it), so the
        caller asks only without one.  Groups that overlap keep the slow path.
        """
        if any(m != "vision" for m in group.measures):
            return False
        if clause.bounds is None:
            _order(clause)
        if not clause.ordered or not self._unseen(self.vocab.measures["vision"]):
            return False
        if clause.lowered is None:
            clause.lowered = clause.text.lower()
        # ("unchanged" is kept, see run)
        return _UNCHANGED_GATE.search(" " + clause.lowered) is None

    def _unseen(self, measure: Measure) -> bool:
        """Will this measure's findings be dropped unless they tell no change (see
        ``run``)?  Then the eye of the others need not be placed.  A sight
        statement's drafts still count in their sentence (one at least stands for
        each valued group), so they are made."""
        if measure.name != "vision":
            return False
        if self._acuity is None:
            self._acuity = self._has_acuity_values()
        return self._acuity

    def _has_acuity_values(self) -> bool:
        try:
            return any(m.acuity for m in self.doc.memo(extract_acuity))
        except Exception:  # a failing neighbour must not cost the findings
            return False

    def _heading_measure(self, heading: str) -> str | None:
        """The measure a heading names ("Walking:", "Visual fields"), if it names one."""
        tokens = _tokens(heading, 0, ())
        if len([t for t in tokens if t.word]) > 6:
            return None
        triggers = _longest(self.vocab.triggers.find(tokens, self.body, self.gap))
        measures = {m for t in triggers for m in t.labels}
        return measures.pop() if len(measures) == 1 else None

    def _adverse_heading(self, section: int | None) -> bool:
        """Whether the section's heading names side effects ("Complications:",
        "Side effects"): the symptoms under it are the adverse-event extractor's."""
        if section is None:
            return False
        if section not in self._adverse_headings:
            heading = self.doc.sections[section].heading
            tokens = _tokens(heading, 0, ())
            cues = self.vocab.cues.find(tokens, self.body, self.gap) if len(tokens) <= 8 else []
            self._adverse_headings[section] = any("adverse" in m.labels for m in cues)
        return self._adverse_headings[section]

    def _is_title(self, sentence: Sentence) -> bool:
        text = sentence.text.rstrip()
        return (
            sentence.index == 0
            and sentence.header_key is None
            and ":" not in text
            and not text.endswith((".", "!", "?", ";", '"', "”"))
        )

    # -- sentence level -----------------------------------------------------------
    def _sentence(
        self,
        sentence: Sentence,
        topic: tuple[str, int] | None,
        heading: str | None = None,
        *,
        lab: bool = True,
    ) -> tuple[list[_Draft], tuple[str, int] | None]:
        read = self._read(sentence, bare=topic is None and heading is None and not lab)
        if read is None:
            return [], topic
        self._adverse_section = self._adverse_heading(sentence.section)
        clauses = self._clauses(sentence, *read)
        if any(c.has("generic") for c in clauses):
            return [], topic  # "many patients", "your child": not this patient
        has_now = any(c.has("now") for c in clauses)
        header = sentence.header_key is not None
        drafts: list[_Draft] = []
        previous: list[_Group] = []
        for number, clause in enumerate(clauses):
            if self._hypothetical(clause):
                previous = []
                continue
            clause.groups = self._groups(clause)
            groups = clause.groups
            if (
                clause.label_break
                and len(groups) == 1
                and sum(1 for t in clause.tokens if t.word) <= 6
            ):
                topic = (groups[0].measures[0], sentence.line)
                previous = []
                continue
            groups = [
                g for g in groups if not all(self.vocab.measures[m].label_only for m in g.measures)
            ]
            timed = clause.has("now") or clause.has("before")
            if groups:
                hint = self._clause_hint(clause, has_now)
                for group in groups:
                    if heading is None and self._dropped(clause, group):
                        continue
                    for draft in self._group_findings(clause, group):
                        draft.time_hint = draft.time_hint or hint
                        draft.timed = timed
                        draft.clause = number
                        drafts.append(draft)
                previous = groups
                continue
            if previous and not header:
                extra = self._ellipsis(clause, previous)
            elif topic is not None:
                extra = self._topic(clause, topic[0], header=header)
            elif heading is not None and not drafts:
                extra = self._topic(clause, heading, header=True)  # a bullet under "Walking:"
            else:
                extra = []
            if lab:  # else the sentence has no laboratory unit
                claimed = {d.spans.get("value") for d in drafts + extra}
                extra += self._generic_labs(clause, claimed)
            for draft in extra:
                draft.clause = number
            drafts += extra
        for draft in drafts:
            clause = clauses[draft.clause]
            if draft.time_hint is not None or not clause.has("now"):
                continue
            now = [c for c in clause.cues if "now" in c.classes]
            if now:
                # TimeContext takes the time mention nearest the position; in "was a
                # task before and it is something he does now" that must be "now".
                draft.position = min(now, key=lambda c: abs(c.start - draft.position)).start
        return drafts, topic

    def _clauses(
        self, sentence: Sentence, every: list[_Token], triggers: list[_Match], texts: list[str]
    ) -> list[_Clause]:
        """The clauses of a sentence; ``every`` holds the tokens of the whole sentence.

        No token crosses a clause break (breaks begin and end at blanks or at a
        mark that is a token of its own), so a clause's tokens are the sentence's
        tokens inside it, as tokenising the clause alone would give them.
        """
        text = sentence.text
        token_starts = [t.start for t in every]
        spans: list[list[Any]] = []
        cursor = 0
        for m in _CLAUSE_BREAK.finditer(text):
            # "OD: 15 mmHg, OS: 17 mmHg": the colon ties the eye to its value (the
            # label starts the clause or an item of its list)
            if m.group() == ":" and eye_label_before(
                text, m.start(), max(cursor, text.rfind(",", cursor, m.start()) + 1)
            ):
                continue
            spans.append([cursor, m.start(), m.group().lstrip()[:1]])
            cursor = m.end()
        spans.append([cursor, len(text), ""])
        # "Today, he eats ...": a short opening phrase belongs to its clause.
        merged: list[list[Any]] = []
        for span in spans:
            if (
                merged
                and merged[-1][2] == ","
                and len(text[merged[-1][0] : merged[-1][1]].split()) <= 2
            ):
                merged[-1][1:] = span[1:]
            else:
                merged.append(span)
        clauses = []
        for first, last, mark in merged:
            label = mark == ":"
            start, end = first, last
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end <= start:
                continue
            lo = bisect_left(token_starts, sentence.start + start)
            hi = bisect_left(token_starts, sentence.start + end)
            tokens = every[lo:hi]
            words = texts[lo:hi]
            clause = _Clause(
                sentence.start + start,
                sentence.start + end,
                text[start:end],
                tokens,
                self._cues(tokens, words),
                label,
                texts=words,
            )
            clause.trigger_matches = [
                _Match(m.first - lo, m.last - lo, m.labels, m.words)
                for m in triggers
                if lo <= m.first and m.last <= hi
            ]
            clauses.append(clause)
        return clauses

    def _cues(self, tokens: list[_Token], texts: list[str]) -> list[_Cue]:
        found = self.vocab.cues.find(tokens, self.body, self.gap, texts)
        cues: list[_Cue] = []
        if found:
            # No value words from brackets ("(normal, 0.07 ng/mL)" is a reference
            # range), but steering words may be there ("(VAS 3/10, previously 8/10)").
            bracketed = any(t[4] for t in tokens)
            values: list[_Match] = []  # the matches in text order, by kind
            steers: list[_Match] = []
            for m in found:
                if m.labels.isdisjoint(_VALUE_CLASSES):
                    steers.append(m)
                elif not (bracketed and any(t[4] for t in tokens[m.first : m.last])):
                    values.append(m)
            longer = [m for m in steers if m.last - m.first > 1]
            valued = _longest(
                [
                    m
                    for m in values
                    # "more than a few steps" is an amount, not "more"
                    if not any(
                        s.first <= m.first
                        and m.last <= s.last
                        and s.last - s.first > m.last - m.first
                        for s in longer
                    )
                ]
                if longer
                else values
            )
            # Steering words may overlap each other ("was able" is past and "able" an
            # ability), but not a longer value phrase ("no longer" is not a negator).
            steering = (
                [
                    m
                    for m in steers
                    if all(
                        m.last <= v.first
                        or m.first >= v.last
                        or m.last - m.first > v.last - v.first
                        for v in valued
                    )
                ]
                if valued
                else steers
            )
            modifiers = self.vocab.words["body_modifiers"]
            body = self.body
            count = len(tokens)
            cues = [
                _Cue(m.first, m.last, m.labels, tokens[m.first].start, tokens[m.last - 1].end)
                for m in valued + steering
                # "lower limbs": a body part's modifier, not a direction of change.
                if not (
                    m.last == m.first + 1
                    and texts[m.first] in modifiers
                    and m.last < count
                    and texts[m.last] in body
                )
            ]
        if "n't\n" in "\n".join(texts) + "\n":
            for i, token in enumerate(tokens):
                if token.word and token.text.endswith("n't"):
                    cues.append(_Cue(i, i + 1, _NEGATORS, token.start, token.end))
        if len(cues) > 1:
            cues.sort(key=_cue_order)
        return cues

    def _hypothetical(self, clause: _Clause) -> bool:
        for cue in clause.cues:
            if "hypothetical" in cue.classes:
                if clause.tokens[cue.first].text == "may" and self.doc.text[cue.start].isupper():
                    continue  # "May 2008" is a month, not a modal
                return True
        return False

    def _clause_hint(self, clause: _Clause, sentence_has_now: bool) -> str | None:
        """Baseline when the clause tells the earlier state against a "now" elsewhere."""
        if not sentence_has_now or clause.has("now"):
            return None
        before = _BEFORE_AT_END.search(clause.text) is not None or clause.has("before")
        past = clause.has("past") or any(
            t.text in ("couldn't", "didn't", "wasn't", "could") for t in clause.tokens
        )
        return "baseline" if before or past else None

    # -- triggers and groups ------------------------------------------------------
    def _triggers(self, clause: _Clause) -> list[_Trigger]:
        tokens = clause.tokens
        if clause.trigger_matches is None:
            clause.trigger_matches = self.vocab.triggers.find(
                tokens, self.body, self.gap, clause.texts
            )
        if not clause.trigger_matches:
            return []
        found = _longest(clause.trigger_matches)
        # only a measure with exclusions ("not" phrases) can lose a trigger to one
        excluded = (
            self.vocab.exclusions.find(tokens, self.body, self.gap, clause.texts)
            if any(not m.labels.isdisjoint(_EXCLUDED) for m in found)
            else []
        )
        kept: list[_Match] = []
        for m in found:
            (measure,) = m.labels
            if tokens[m.first].bracketed:
                j = m.first - 1
                while j >= 0 and tokens[j].text in ("(", "["):
                    j -= 1
                if any(k.last - 1 == j for k in kept):
                    continue  # "visual evoked potential (VEP)": the same test again
            if any(
                x.labels == m.labels and x.first < m.last and m.first < x.last for x in excluded
            ):
                continue
            if self._circumstance(tokens, m.first):
                continue
            if m.phrase in self.vocab.measures[measure].confirm and not clause.has("observed"):
                continue
            quote = self.doc.text[tokens[m.first].start : tokens[m.first].end]
            if measure == "asia_grade" and not quote.isupper():
                continue  # "Asia" the continent
            kept.append(m)
        kept = _refined(kept, self.vocab.measures)
        return [
            _Trigger(
                next(iter(m.labels)),
                m.phrase,
                m.first,
                m.last,
                tokens[m.first].start,
                tokens[m.last - 1].end,
            )
            for m in kept
        ]

    def _circumstance(self, tokens: Sequence[_Token], first: int) -> bool:
        """ "when sitting", "if standing", "too weak to hold": not a finding of its own."""
        context = self.words("context")
        before = list(tokens[max(0, first - 3) : first])
        words = [t.text for t in before]
        if words and words[-1] in context and before[-1].word:
            return True
        if len(words) >= 2 and words[-2] in context and words[-1] in _PRONOUNS:
            return True
        return len(words) == 3 and words[0] == "too" and words[2] == "to"

    def _groups(self, clause: _Clause) -> list[_Group]:
        tokens = clause.tokens
        connectors = self.words("connectors")
        measures = self.vocab.measures
        groups: list[_Group] = []
        for trigger in self._triggers(clause):
            if groups:
                g = groups[-1]
                between = tokens[g.last : trigger.first]
                joined = (
                    len(between) <= 3
                    and all(
                        (t.word and t.text in connectors) or t.text in (",", "/", "&")
                        for t in between
                    )
                    and not any(measures[m].kind == "lab" for m in (*g.measures, trigger.measure))
                )
                same = g.measures == [trigger.measure]
                if (joined or same) and not self._value_between(g.end, trigger.start):
                    g.triggers.append(trigger)
                    continue
            groups.append(_Group([trigger]))
        for i, g in enumerate(groups):
            g.settled = g.measures
            g.scope_first = groups[i - 1].last if i else 0
            g.scope_last = groups[i + 1].first if i + 1 < len(groups) else len(tokens)
        return groups

    def _value_between(self, start: int, end: int) -> bool:
        segment = self.doc.text[start:end]
        return bool(
            _QUANTITY_FOLDED.search(segment, fold(segment))
            or _FRACTION.search(segment)
            or "(+" in segment
        )

    # -- the values of one group --------------------------------------------------
    def _group_findings(self, clause: _Clause, group: _Group) -> list[_Draft]:
        drafts: list[_Draft] = []
        owned = self._owned(clause, group)
        for name in group.measures:
            measure = self.vocab.measures[name]
            if measure.label_only:
                continue
            if measure.kind == "symptom" and (clause.has("adverse") or self._adverse_section):
                continue  # side effects belong to the adverse-event extractor
            cues = _override(owned, self._measure_cues(clause, group, measure))
            quantities = self._quantities(clause, group, measure)
            valued = (
                self._numeric(clause, group, measure, quantities)
                if quantities
                else self._grade(clause, group, measure)
            )
            if valued and all(d.time_hint == "baseline" for d in valued):
                # "initially 0/17 on Ishihara testing, fully recovered": the words
                # after the early value tell the later state.
                valued += [
                    d
                    for d in self._worded(clause, group, measure, cues)
                    if d.value_word in (*_CHANGES, "normal")
                ]
            drafts += valued or self._worded(clause, group, measure, cues)
        return drafts

    def _owner(self, clause: _Clause, cue: _Cue) -> _Group | None:
        """The group a value word speaks of: the subject before "was", else the nearest."""
        key = id(cue)
        if key not in clause.owners:
            clause.owners[key] = self._find_owner(clause, cue)
        return clause.owners[key]

    def _find_owner(self, clause: _Clause, cue: _Cue) -> _Group | None:
        if clause.bounds is None:
            _order(clause)
        if clause.ordered and clause.bounds is not None:
            return self._find_owner_ordered(clause, cue, *clause.bounds)
        groups = clause.groups
        tokens = clause.tokens
        before = [g for g in groups if g.last <= cue.first]
        copulas = self.words("copulas")
        start = before[-1].last if before else 0
        if any(t.text in copulas for t in tokens[max(start, cue.first - 2) : cue.first]):
            # The subject of "was" is before it: "her strength was weak".  With no
            # trigger there, only a phrase hanging on the word can be its subject
            # ("she is independent in daily activities"); in "her energy was better
            # and the numbness ..." the word is about something else.
            if before:
                return before[-1]
            after = [g for g in groups if g.first >= cue.last]
            if (
                after
                and after[0].first - cue.last <= 3
                and all(
                    t.word and t.text not in _CONJUNCTIONS
                    for t in tokens[cue.last : after[0].first]
                )
            ):
                return after[0]
            return None
        best: tuple[int, int] | None = None
        owner = None
        for index, g in enumerate(groups):
            # A value word far from a trigger does not speak of it; bounding the
            # reach before looking closer keeps long runs of findings linear.
            if g.first - cue.last > _OWNER_REACH or cue.first - g.last > _OWNER_REACH:
                continue
            if g.covers(cue):
                return None
            if cue.last <= g.first:
                between = tokens[cue.last : g.first]
                if any(t.text in _BARRIERS for t in between):
                    continue  # "worsened, pain for both knees": a comma parts them
                distance = len(between)
            elif cue.first >= g.last:
                between = tokens[g.last : cue.first]
                distance = len(between) + 3 * sum(1 for t in between if t.text in _BARRIERS)
            else:
                distance = 0  # inside a group of one measure: "normal disc ... exam"
            if best is None or (distance, index) < best:
                best, owner = (distance, index), g
        return owner

    def _find_owner_ordered(
        self, clause: _Clause, cue: _Cue, firsts: list[int], lasts: list[int]
    ) -> _Group | None:
        """``_find_owner`` for groups in text order that do not overlap: the groups
        before and after a cue, and those within reach, are runs of the list."""
        groups = clause.groups
        tokens = clause.tokens
        previous = bisect_right(lasts, cue.first)  # groups[:previous] end before the cue
        copulas = self.words("copulas")
        start = lasts[previous - 1] if previous else 0
        if any(t.text in copulas for t in tokens[max(start, cue.first - 2) : cue.first]):
            if previous:
                return groups[previous - 1]
            following = bisect_left(firsts, cue.last)  # groups[following:] start after it
            if (
                following < len(groups)
                and firsts[following] - cue.last <= 3
                and all(
                    t.word and t.text not in _CONJUNCTIONS
                    for t in tokens[cue.last : firsts[following]]
                )
            ):
                return groups[following]
            return None
        best: tuple[int, int] | None = None
        owner = None
        lo = bisect_left(lasts, cue.first - _OWNER_REACH)
        hi = bisect_right(firsts, cue.last + _OWNER_REACH)
        for index in range(lo, hi):
            g = groups[index]
            if g.covers(cue):
                return None
            if cue.last <= firsts[index]:
                between = tokens[cue.last : firsts[index]]
                if any(t.text in _BARRIERS for t in between):
                    continue
                distance = len(between)
            elif cue.first >= lasts[index]:
                between = tokens[lasts[index] : cue.first]
                distance = len(between) + 3 * sum(1 for t in between if t.text in _BARRIERS)
            else:
                distance = 0
            if best is None or (distance, index) < best:
                best, owner = (distance, index), g
        return owner

    def _owned(self, clause: _Clause, group: _Group) -> list[_Cue]:
        if clause.owned is None:
            clause.owned = {}
            for c in clause.cues:
                if not c.classes & _READ_CLASSES:
                    continue  # _worded reads no other cue: its owner does not matter
                owner = self._owner(clause, c)
                if owner is not None:
                    clause.owned.setdefault(id(owner), []).append(c)
        return list(clause.owned.get(id(group), ()))

    def _measure_cues(self, clause: _Clause, group: _Group, measure: Measure) -> list[_Cue]:
        return [c for c in self._own_cues(clause, measure.name) if self._owner(clause, c) is group]

    def _own_cues(self, clause: _Clause, name: str) -> list[_Cue]:
        """The value words a measure has of its own ("flat" for a VEP), in this clause."""
        if name not in clause.measure_cues:
            index = self.vocab.measure_cues.get(name)
            found = (
                _longest(index.find(clause.tokens, self.body, self.gap, clause.texts))
                if index
                else []
            )
            clause.measure_cues[name] = [
                _Cue(
                    m.first,
                    m.last,
                    m.labels,
                    clause.tokens[m.first].start,
                    clause.tokens[m.last - 1].end,
                )
                for m in found
            ]
        return clause.measure_cues[name]

    def _quantities(self, clause: _Clause, group: _Group, measure: Measure) -> list[_Quantity]:
        if not measure.units or not self._may_have_units(clause, measure):
            return []
        out = []
        for q in self._all_quantities(clause):
            if q.unit not in measure.units:
                continue
            rivals = [
                g
                for g in clause.groups
                if any(q.unit in self.vocab.measures[m].units for m in g.measures)
            ]
            if min(rivals, key=lambda g: self._quantity_distance(clause, q, g)) is group:
                out.append(q)
        return out

    def _quantity_distance(self, clause: _Clause, q: _Quantity, g: _Group) -> int:
        if q.token >= g.last:
            lo, hi, extra = g.last, q.token, 0
        else:
            lo, hi, extra = q.token, g.first, 1
        commas = sum(1 for t in clause.tokens[lo:hi] if t.text in (",", ";"))
        return hi - lo + extra + 5 * commas

    def _may_have_units(self, clause: _Clause, measure: Measure) -> bool:
        """False when no quantity of the clause can be in a unit of ``measure``.

        A quantity's unit text, lower-cased, starts with the first word of one
        of the unit's spellings; in ASCII text (where ignoring case pairs ASCII
        letters only) that word is in the lower-cased clause.
        """
        if clause.quantities is not None or not clause.text.isascii():
            return True
        heads = _UNIT_HEADS.get(measure.name)
        if heads is None:
            heads = frozenset(
                spelling.split()[0]
                for spelling, unit in self.vocab.units.items()
                if unit in measure.units
            )
            _UNIT_HEADS[measure.name] = heads
        if clause.lowered is None:
            clause.lowered = clause.text.lower()
        lowered = clause.lowered
        return any(head in lowered for head in heads)

    def _all_quantities(self, clause: _Clause) -> list[_Quantity]:
        if clause.quantities is None:
            clause.quantities = self._read_quantities(clause)
        return clause.quantities

    def _read_quantities(self, clause: _Clause) -> list[_Quantity]:
        masked = (
            [
                (m.start(), m.end())
                for m in _BRACKETED.finditer(clause.text)
                if _REFERENCE.search(m.group())
            ]
            if "(" in clause.text or "[" in clause.text
            else []
        )
        out = []
        for m in _QUANTITY_FOLDED.finditer(clause.text, fold(clause.text)):
            if any(s <= m.start() < e for s, e in masked):
                continue  # "(normal, 0.07 ng/mL)": a reference value
            unit_text = m.group("unit")
            if unit_text[-1].isalpha() and clause.text[m.end() : m.end() + 1].isalpha():
                continue
            unit = self.vocab.units.get(" ".join(fold(unit_text).split()))
            first = parse_number(m.group("a"))
            second = parse_number(m.group("b")) if m.group("b") is not None else None
            if unit is None or first is None or (m.group("b") is not None and second is None):
                continue
            if m.group("sign"):
                first = -first
            before = clause.text[max(0, m.start() - 16) : m.start()].lower().split()
            if before and (
                before[-1] in _CHANGE_AMOUNT
                or before[-2:]
                in (["gain", "of"], ["loss", "of"], ["increase", "of"], ["reduction", "of"])
            ):
                continue  # "gained 3 kg", "reduced by 20%": an amount of change, not a level
            start, end = clause.start + m.start(), clause.start + m.end()
            join = (m.group("join") or "").strip()
            if second is None:
                out.append(self._quantity(clause, (start, end), first, unit))
            elif (
                join in ("to", "and")
                and (before[-1:] == ["from"] or join == "and")
                and (before[-1:] != ["between"])
            ):
                # "from 450 to 300 um": two readings, the first the earlier
                first_end = clause.start + m.end("a")
                out.append(self._quantity(clause, (start, first_end), first, unit))
                b_start = clause.start + m.start("b")
                out.append(self._quantity(clause, (b_start, end), second, unit))
            else:
                grade = f"{m.group('a')}-{m.group('b')}"  # "2-3 seconds": a range as written
                out.append(self._quantity(clause, (start, end), None, unit, grade=grade))
        return out

    def _quantity(
        self,
        clause: _Clause,
        span: Span,
        value: float | None,
        unit: str,
        *,
        grade: str | None = None,
    ) -> _Quantity:
        start, end = span
        return _Quantity(start, end, clause.token_at(start), value, unit, grade)

    def _numeric(
        self, clause: _Clause, group: _Group, measure: Measure, quantities: list[_Quantity]
    ) -> list[_Draft]:
        placed = measure.eye and not self._unseen(measure)
        eyes = self._eyes(clause, group) if placed else []
        subject = self._subject(clause, group, measure)
        layer = self._layer(group, measure)
        drafts = []
        for q in quantities:
            draft = _Draft(
                measure.name,
                q.start,
                value=q.value,
                unit=q.unit,
                grade=q.grade,
                detail=_detail(clause),
            )
            draft.spans["value"] = (q.start, q.end)
            if measure.eye:
                if placed:
                    self._place_eye(draft, clause, eyes, (q.start, q.end), group=group)
                draft.subject = measure.unit_subjects.get(q.unit)
                if layer is not None:
                    draft.layer = layer
                    _set_subject(draft, self._layer_subject(clause, group, layer))
            else:
                _set_subject(
                    draft,
                    self._rom_subject(clause, group)
                    if measure.name == "range_of_motion"
                    else subject,
                )
                self._body_eye(draft, clause, group)
            if self._baseline_number(clause, q.token) or (
                len(quantities) > 1 and _ARROW.match(self.doc.text, q.end)
            ):
                draft.time_hint = "baseline"
            drafts.append(draft)
        return drafts

    def _baseline_number(self, clause: _Clause, token: int, *, pair: bool = True) -> bool:
        """ "initially 0/17", "from 9.1% to 6.8%", "from grade 2 to 4": the earlier value.

        ``pair=False`` when no second value was read, so "from ... to" cannot apply.
        """
        if any(
            "before" in c.classes
            and c.last <= token
            and token - c.last <= 1
            # ("82% before treatment and 79% at nine months": the cue ends the first)
            and not {t.text for t in clause.tokens[c.last : token]} & _CONJUNCTIONS
            for c in clause.cues
        ):
            return True
        if not pair:
            return False
        prior = [t.text for t in clause.tokens[max(0, token - 3) : token]]
        following = [t.text for t in clause.tokens[token : token + 5]]
        return "from" in prior and "to" in following and not set(prior) & _BARRIERS

    def _grade(self, clause: _Clause, group: _Group, measure: Measure) -> list[_Draft]:
        """Grades near the group: "(+++)", "0/17", "level 5", "ASIA B", "EDSS 6.5"."""
        found = self._grades(clause, group, measure)
        drafts = []
        for start, end, grade, value in found:
            draft = _Draft(measure.name, start, detail=_detail(clause))
            draft.spans["value"] = (start, end)
            if grade == "-" or (grade in ("+", "++", "+++", "++++") and measure.kind != "lab"):
                draft.value_word = "absent" if grade == "-" else "present"  # "tenderness (+)"
            elif grade is not None:
                draft.grade = grade
            elif value is not None:
                draft.value = value
            else:
                continue
            if measure.eye:
                if not self._unseen(measure):
                    self._place_eye(
                        draft, clause, self._eyes(clause, group), (start, end), group=group
                    )
            else:
                _set_subject(draft, self._subject(clause, group, measure))
                self._body_eye(draft, clause, group)
            token = clause.token_at(start)
            if self._baseline_number(clause, token, pair=len(found) > 1) or (
                len(found) > 1 and _ARROW.match(self.doc.text, end)
            ):
                draft.time_hint = "baseline"
            drafts.append(draft)
        return drafts

    def _grades(self, clause: _Clause, group: _Group, measure: Measure) -> list[_GradeHit]:
        text = self.doc.text
        tokens = clause.tokens
        if not group.scope_first:
            scope_start = clause.start
        elif group.scope_first < len(tokens):
            scope_start = tokens[group.scope_first].start
        else:
            # Groups may overlap: _refined joins "glucose ... fasting" over another
            # trigger, whose scope then starts past the joined one, at the clause end.
            scope_start = clause.end
        scope_end = (
            clause.tokens[group.scope_last].start
            if group.scope_last < len(clause.tokens)
            else clause.end
        )
        base = clause.start  # the patterns read the clause, offsets shifted by base
        raw = text[base:scope_end]
        tail = ""  # _unbracket(raw), made when a rule reads it
        own = [t for t in group.triggers if t.measure == measure.name]
        found: list[_GradeHit] = []
        for trigger in own:
            if (m := _PLUS.match(raw, trigger.end - base)) is not None:
                found.append(_hit(m, base, m.group("v").replace("−", "-")))
        if found:
            return found
        if "fraction" in measure.grades:
            for m in _FRACTION.finditer(raw, scope_start - base):
                numerator, denominator = int(m.group(1)), int(m.group(2))
                if 0 < denominator <= 40 and numerator <= denominator:
                    found.append(_hit(m, base, f"{numerator}/{denominator}", group=0))
        if not found and "level" in measure.grades:
            levels = list(_LEVEL.finditer(raw, group.end - base))
            if not levels:
                tail = tail or _unbracket(raw)
                levels = [m for m in [_LEVEL_AFTER.match(tail, group.end - base)] if m is not None]
            for m in levels[:2]:
                level = m.group("v").lower()
                found.append(_hit(m, base, None, _ROMAN.get(level) or parse_number(level)))
        if not found and "letter" in measure.grades:
            tail = tail or _unbracket(raw)
            for trigger in own:
                # "(ASIA A)" inside brackets; "ASIA (impairment scale) B" around them
                m = _LETTER.match(raw, trigger.end - base) or _LETTER.match(
                    tail, trigger.end - base
                )
                while m is not None and len(found) < 3:
                    letter = m.group("v")
                    found.append(
                        _hit(m, base, f"ASIA {letter}" if measure.name == "asia_grade" else letter)
                    )
                    m = _LETTER_TO.match(tail, m.end())
        words = self.vocab.words["score_words"]
        if (
            not found
            and "score" in measure.grades
            and any(w in words for p in group.phrases for w in p.split())
        ):
            taken = [(q.start, q.end) for q in self._all_quantities(clause)]
            tail = tail or _unbracket(raw)
            for m in _SCORE.finditer(tail, group.end - base):
                if not any(s <= base + m.start() < e for s, e in taken) and len(found) < 2:
                    if (
                        tail.startswith("+", m.end())
                        and not tail[m.end() + 1 : m.end() + 2].isdigit()
                    ):
                        # "Ashworth 1+": a grade of its own between 1 and 2
                        start = base + m.start()
                        found.append((start, start + len(m.group()) + 1, m.group() + "+", None))
                        continue
                    found.append(_hit(m, base, None, parse_number(m.group()), group=0))
        return found

    def _worded(
        self, clause: _Clause, group: _Group, measure: Measure, cues: list[_Cue]
    ) -> list[_Draft]:
        sign = next((measure.signs[p] for p in group.phrases if p in measure.signs), None)
        negation = self._negation(clause, group)
        valued: list[tuple[str, _Cue | None]]
        if negation is not None:
            if self._negated_change(clause, group, cues):
                return []  # "no vision changes", "did not recover": the negation extractor's
            value = self._negated_value(measure, sign, cues)
            if value is None:
                return []
            valued = [(value, negation)]
        else:
            valued = self._valued(clause, cues, measure, group, sign)
            if not valued:
                fallback = self._fallback(clause, group, measure, sign=sign, cues=cues)
                if fallback is None:
                    return []
                valued = [fallback]
        if measure.kind == "lab" and any(
            v not in ("absent", "normal", "abnormal") for v, _ in valued
        ):
            return []
        placed = measure.eye and (
            not self._unseen(measure) or any(v in _KEPT_WORDS for v, _ in valued)
        )
        eyes = self._eyes(clause, group) if placed else []
        several = placed and len(valued) > 1 and len({e[2] for e in eyes}) > 1
        drafts = []
        for value, cue in valued if several else valued[:1]:
            draft = _Draft(measure.name, group.start, value_word=value, detail=_detail(clause))
            if cue is not None:
                draft.spans["value"] = (cue.start, cue.end)
            if measure.eye:
                anchor = (cue.start, cue.end) if cue is not None else (group.start, group.end)
                if placed:
                    self._place_eye(draft, clause, eyes, anchor, group=group)
                draft.layer = self._layer(group, measure)
            else:
                _set_subject(draft, self._subject(clause, group, measure))
                self._body_eye(draft, clause, group)
            drafts.append(draft)
        return drafts

    def _negation(self, clause: _Clause, group: _Group) -> _Cue | None:
        """A negator just before the group, in the same phrase ("could not stand")."""
        reach = max(group.scope_first, group.first - 4)
        for cue in reversed(clause.cues):
            if cue.last > group.first or cue.first < reach:
                continue
            if any(not t.word for t in clause.tokens[cue.last : group.first]):
                return None  # punctuation ends the reach of a negator
            if "negators" in cue.classes:
                return cue
        return None

    def _negated_change(self, clause: _Clause, group: _Group, cues: list[_Cue]) -> bool:
        skip = self.words("skip_after_negation")
        if any(t.text in skip for t in clause.tokens[group.last : group.last + 3]):
            return True
        return any(c.classes & set(_CHANGES) and 0 <= c.first - group.last <= 3 for c in cues)

    def _negated_value(self, measure: Measure, sign: str | None, cues: list[_Cue]) -> str | None:
        if sign is not None:
            # "without RAPD" is a normal pupil; "no weakness" normal strength.
            return "normal" if sign == "abnormal" else "absent"
        if measure.negated == "absent" and any(
            c.classes & {"restrictions", "negated_restrictions", "support"} for c in cues
        ):
            # "could not speak clearly", "inability to walk long distances",
            # "could not walk without crutches"
            return "abnormal"
        return measure.negated

    def _valued(
        self, clause: _Clause, cues: list[_Cue], measure: Measure, group: _Group, sign: str | None
    ) -> list[tuple[str, _Cue | None]]:
        """Value words owned by the group, nearest first."""
        stop = next((i for i in _otherwise(clause) if i >= group.last), len(clause.tokens))
        ranked: list[tuple[int, int, str, _Cue]] = []
        for cue in cues:
            if cue.first >= stop:
                continue  # "-2 abduction OS, otherwise full": the exception is the finding
            word = self._value_of(cue, measure, group, sign)
            if word is None:
                continue
            if self._cue_negated(clause, cue):
                if word not in _NEGATED_STATE:
                    continue  # "without a discernible limp": the other words decide
                word = _NEGATED_STATE[word]
            ranked.append((_distance(cue, group), _PRIORITY.get(word, 9), word, cue))
        ranked.sort(key=lambda item: (item[0], item[1]))
        result: list[tuple[str, _Cue | None]] = [(word, cue) for _, _, word, cue in ranked]
        if result and self._bare_still(clause, result[0][1]):
            # "fatigue still exists but less", "still weak, but stronger": "still"
            # says the finding is there, the change word how it changed
            changed = [item for item in result if item[0] in ("improved", "worsened")]
            if changed:
                result.remove(changed[0])
                result.insert(0, changed[0])
        return result if measure.eye else result[:1]

    def _note_verb(self, clause: _Clause, group: _Group) -> bool:
        """Whether the group's trigger opens its clause as a verb with no subject, the
        style of notes ("- Walks with a walker", "1 month: reaches for toys"), which
        states the ability."""
        tokens = clause.tokens
        first = next((i for i, t in enumerate(tokens) if t.word), None)
        if first is None or group.first != first:
            return False
        word = tokens[first].text
        return len(word) > 3 and word.endswith("s") and not word.endswith("ss")

    def _bare_still(self, clause: _Clause, cue: _Cue | None) -> bool:
        """Whether ``cue`` is the word "still" alone."""
        return (
            cue is not None
            and cue.last - cue.first == 1
            and clause.tokens[cue.first].text == "still"
        )

    def _value_of(
        self, cue: _Cue, measure: Measure, group: _Group, sign: str | None
    ) -> str | None:
        words = cue.classes & _VALUE_CLASSES
        if not words:
            return None
        word = min(words, key=lambda w: _PRIORITY.get(w, 8))
        if word in _DIRECTIONS:
            if measure.kind == "lab":
                return None  # "the increasing of the blood glucose" is not a reading
            prenominal = cue.last == group.first
            # "weakness decreased", "urgency is less frequent": less of a bad sign
            polarity = "negative" if sign == "abnormal" else measure.polarity
            good = (word == "increase") == (polarity == "positive")
            if polarity == "neutral" or (prenominal and not good):
                return "abnormal"  # "reduced weight", "increased RNFL thickness"
            return "improved" if good else "worsened"
        if sign is not None and word == "present":
            return sign
        if measure.kind == "symptom" and word == "abnormal":
            return "present"  # "severe pain": a symptom is there or not
        if sign is not None and word == "absent":
            return "improved"  # "the disc edema had resolved", "no longer needs a catheter"
        return word

    def _cue_negated(self, clause: _Clause, cue: _Cue) -> bool:
        if clause.negators is None:
            clause.negators = [n for n in clause.cues if "negators" in n.classes]
        return any(
            n.last <= cue.first
            and cue.first - n.last <= 2
            and all(t.word for t in clause.tokens[n.last : cue.first])
            for n in clause.negators
        )

    def _fallback(
        self,
        clause: _Clause,
        group: _Group,
        measure: Measure,
        *,
        sign: str | None,
        cues: list[_Cue],
    ) -> tuple[str, _Cue | None] | None:
        """What the trigger itself implies, then words that assert an ability."""
        if sign is not None:
            return (sign, None)  # "fed via a feeding tube", "her head hangs down"
        if measure.kind in ("ability", "function"):
            helped = [
                c
                for c in cues
                if not self._cue_negated(clause, c)
                and (
                    ("support" in c.classes and measure.kind == "ability")
                    # "could barely lift his head", "spoke only in phrases": next to the verb
                    or (
                        "restrictions" in c.classes
                        and (c.last <= max(group.first, 1) or 0 <= c.first - group.last <= 1)
                    )
                )
            ]
            if helped:
                # "could stand by 2 caregivers' support" then, "can stand with help" now
                return ("improved" if clause.has("present_tense") else "abnormal", helped[0])
            able = [c for c in cues if "ability" in c.classes]
            if not able and measure.kind == "ability":
                # "can walk longer and go up and down the steps": one modal, two verbs
                able = [
                    c
                    for c in clause.cues
                    if "ability" in c.classes
                    and c.last <= group.first
                    and not self._cue_negated(clause, c)
                ]
            if able:
                return ("improved", able[-1])
            if measure.kind == "ability" and self._note_verb(clause, group):
                return ("present", None)
        if measure.kind == "symptom":
            return ("present", None)
        return None

    # -- clauses without a trigger of their own -----------------------------------
    def _generic_labs(self, clause: _Clause, claimed: set[Span | None]) -> list[_Draft]:
        """ "serum ferritin was 250 ng/mL": a laboratory value of a test not in the list."""
        drafts = []
        claimed_starts = {span[0] for span in claimed if span is not None}
        for q in self._all_quantities(clause):
            if q.unit not in _LAB_UNITS or q.start in claimed_starts:
                continue
            if any(
                q.unit in self.vocab.measures[m].units for g in clause.groups for m in g.measures
            ):
                continue  # a known test of the clause takes it
            name = _lab_name(clause.tokens, q.token, self.vocab.words)
            if name is None:
                continue
            draft = _Draft(
                name, q.start, value=q.value, unit=q.unit, grade=q.grade, detail=_detail(clause)
            )
            draft.spans["value"] = (q.start, q.end)
            if self._baseline_number(clause, q.token):
                draft.time_hint = "baseline"
            drafts.append(draft)
        return drafts

    def _ellipsis(self, clause: _Clause, previous: list[_Group]) -> list[_Draft]:
        """ "He couldn't speak before and now he can": the second clause's finding."""
        before = clause.has("before") or _BEFORE_AT_END.search(clause.text) is not None
        if not (before or clause.has("now")):
            return self._other_eye(clause, previous)
        negators = [c for c in clause.cues if "negators" in c.classes]
        changes = [c for c in clause.cues if c.classes & set(_CHANGES)]
        able = [c for c in clause.cues if "ability" in c.classes]
        drafts = []
        for group in previous:
            for name in group.measures:
                measure = self.vocab.measures[name]
                if measure.kind == "lab" or measure.label_only:
                    continue
                cue: _Cue
                value: str | None
                if negators:
                    value, cue = self._negated_value(measure, None, clause.cues), negators[0]
                elif changes:
                    cue = changes[0]
                    value = min(cue.classes & set(_CHANGES), key=lambda w: _PRIORITY[w])
                elif able:
                    value, cue = "improved", able[0]
                elif not before:
                    # "... could not feed himself, and now he does": the contrast says it
                    cue = next(c for c in clause.cues if "now" in c.classes)
                    value = "improved"
                else:
                    continue
                if value is None:
                    continue
                draft = _Draft(
                    name,
                    cue.start,
                    value_word=value,
                    detail=_detail(clause),
                    time_hint="baseline" if before else None,
                    timed=True,
                )
                draft.spans["value"] = (cue.start, cue.end)
                drafts.append(draft)
        return drafts

    def _other_eye(self, clause: _Clause, previous: list[_Group]) -> list[_Draft]:
        """ "... recovered in the left eye, but the right eye remained unchanged"."""
        whole = _Group([_Trigger("", "", 0, 0, clause.start, clause.start)], 0, len(clause.tokens))
        eyes = self._eyes(clause, whole)
        drafts: list[_Draft] = []
        if len(eyes) != 1:
            return drafts
        for group in previous:
            for name in group.measures:
                measure = self.vocab.measures[name]
                words = [
                    (word, cue)
                    for cue in _override(clause.cues, self._own_cues(clause, name))
                    if (word := self._value_of(cue, measure, whole, None)) is not None
                    and not self._cue_negated(clause, cue)
                ]
                if not measure.eye or not words:
                    continue
                word, cue = min(words, key=lambda w: _PRIORITY.get(w[0], 9))
                draft = _Draft(name, cue.start, value_word=word, detail=_detail(clause))
                draft.spans["value"] = (cue.start, cue.end)
                draft.eye, draft.eye_explicit = eyes[0][2], True
                draft.spans["eye"] = eyes[0][:2]
                drafts.append(draft)
        return drafts

    def _topic(self, clause: _Clause, name: str, *, header: bool) -> list[_Draft]:
        """A clause under a label: "Motility: full OD"; "Walking: ...; has improved"."""
        measure = self.vocab.measures[name]
        group = _Group(
            [_Trigger(name, "", 0, 0, clause.start, clause.start)], 0, len(clause.tokens)
        )
        if header:
            quantities = (
                [q for q in self._all_quantities(clause) if q.unit in measure.units]
                if self._may_have_units(clause, measure)
                else []
            )
            if quantities:
                return self._numeric(clause, group, measure, quantities)
        if measure.grades:
            # "EDSS: 6.5", "GMFCS: IV", "Colour vision: RE 2/17": the label's grade.
            # (a number after a label is a score as after "score" in a sentence)
            scored = _Group(
                [_Trigger(name, "score", 0, 0, clause.start, clause.start)], 0, group.scope_last
            )
            graded = self._grade(clause, scored, measure)
            if graded:
                return graded
        stop = next(iter(_otherwise(clause)), len(clause.tokens))
        local = self._own_cues(clause, name)
        words = []
        for cue in _override(clause.cues, local):
            word = self._value_of(cue, measure, group, None) if cue.first < stop else None
            if word is not None and self._cue_negated(clause, cue):
                word = _NEGATED_STATE.get(word)
            if word is not None:
                words.append((word, cue))
        negators = [c for c in clause.cues if "negators" in c.classes]
        if not words and header and negators:
            value = self._negated_value(measure, None, clause.cues)
            if value is not None:
                words = [(value, negators[0])]
        if not words and header:
            fallback = self._fallback(clause, group, measure, sign=None, cues=clause.cues)
            if fallback is not None and fallback[1] is not None:
                words = [(fallback[0], fallback[1])]
        if not words:
            return []
        word, cue = min(words, key=lambda w: _PRIORITY.get(w[0], 9))
        draft = _Draft(name, cue.start, value_word=word, detail=_detail(clause))
        draft.spans["value"] = (cue.start, cue.end)
        if measure.eye:
            if not self._unseen(measure) or word in _KEPT_WORDS:
                self._place_eye(
                    draft, clause, self._eyes(clause, group), (cue.start, cue.end), group=group
                )
        else:
            _set_subject(draft, self._subject(clause, group, measure))
        return [draft]

    # -- eyes, subjects, layers ---------------------------------------------------
    def _eyes(self, clause: _Clause, group: _Group) -> list[tuple[int, int, str]]:
        tokens = clause.tokens
        start = (
            tokens[group.scope_first].start
            if 0 < group.scope_first < len(tokens)
            else clause.start
        )
        end = tokens[group.scope_last].start if group.scope_last < len(tokens) else clause.end
        cached = clause.eyes.get((start, end))
        if cached is not None:
            return cached
        text = self.doc.text[start:end]
        found: list[tuple[int, int, str]] = []
        if may_name_eye(text, self.vocab.eye_words):
            found = [(e.start, e.end, e.laterality) for e in find_eyes(text, start)]
            low = fold(text)
            for finder, side in self.vocab.eye_phrases:
                found += [
                    (start + m.start(), start + m.end(), side) for m in finder.finditer(text, low)
                ]
            found.sort()
        clause.eyes[start, end] = found
        return found

    def _place_eye(
        self,
        draft: _Draft,
        clause: _Clause,
        eyes: list[tuple[int, int, str]],
        span: Span,
        *,
        group: _Group,
    ) -> None:
        start, end = span
        chosen = self._paired_eye(clause, start, end) or _nearest_eye(eyes, start, end)
        if chosen is not None:
            draft.eye, draft.eye_explicit = chosen[2], True
            draft.spans["eye"] = (chosen[0], chosen[1])
        elif any(
            tuple(t.text for t in clause.tokens[trigger.first : trigger.last])
            in self.vocab.both_eye_triggers
            for trigger in group.triggers
        ):
            draft.eye, draft.eye_explicit = "both", True  # "pupils were equal", "both discs"
        else:
            # "the left eye could count fingers, and the VEP showed a P2 wave": a
            # clause naming no eye speaks of the one eye its sentence names
            draft.eye = self._sentence_eye(clause.start) or self.default_eye

    def _sentence_eye(self, position: int) -> str | None:
        """The one eye (right or left) the sentence holding ``position`` names, if any."""
        sentences = self.doc.sentences
        if self._sentence_starts is None:
            self._sentence_starts = [s.start for s in sentences]
        index = bisect_right(self._sentence_starts, position) - 1
        if index < 0:
            return None
        if index not in self._sentence_eyes:
            sentence = sentences[index]
            text = sentence.text
            sides: set[str] = set()
            if may_name_eye(text, self.vocab.eye_words):
                sides = {e.laterality for e in find_eyes(text)}
                low = fold(text)
                sides.update(
                    side for finder, side in self.vocab.eye_phrases if finder.search(text, low)
                )
            self._sentence_eyes[index] = sides.pop() if sides in ({"right"}, {"left"}) else None
        return self._sentence_eyes[index]

    def _paired_eye(self, clause: _Clause, start: int, end: int) -> tuple[int, int, str] | None:
        """In a list of per-eye values, the eye that belongs to the value at ``[start, end)``.

        "6/17 OD and 17/17 OS", "flat in the right eye and normal in the left": the
        eye after a value, before the next value, is its own; else the one just before.
        """
        whole = _Group([_Trigger("", "", 0, 0, clause.start, clause.start)], 0, len(clause.tokens))
        eyes = self._eyes(clause, whole)
        if not eyes:
            return None
        if clause.values is None:
            values = [(q.start, q.end) for q in self._all_quantities(clause)]
            values += [
                (clause.start + m.start(), clause.start + m.end())
                for m in _FRACTION.finditer(clause.text)
            ]
            values += [(c.start, c.end) for c in clause.cues if c.classes & _VALUE_CLASSES]
            clause.values = (sorted(s for s, _ in values), sorted(e for _, e in values))
        value_starts, value_ends = clause.values
        i = bisect_left(value_starts, end)
        following = value_starts[i] if i < len(value_starts) else clause.end
        i = bisect_right(value_ends, start)
        preceding = value_ends[i - 1] if i else clause.start
        # the last eye (in order) that ends before the value, from ``preceding`` on
        before = None
        for i in range(bisect_left(eyes, (start,)) - 1, -1, -1):
            if eyes[i][0] < preceding:
                break
            if eyes[i][1] <= start:
                before = eyes[i]
                break
        i = bisect_left(eyes, (end,))
        if (
            i < len(eyes)
            and eyes[i][0] < following
            and len(self.doc.text[end : eyes[i][0]].split()) <= 8
        ):
            after = eyes[i]
            if before is not None and eye_leads(
                self.doc.text, before[1], (start, end), after[:2], value_starts
            ):
                return before  # "OD 14 mmHg, OS 16 mmHg": each eye labels its value
            return after
        return before

    def _body_eye(self, draft: _Draft, clause: _Clause, group: _Group) -> None:
        """A body finding names an eye only in so many words ("left eye pain")."""
        if clause.eye_words is None:
            text = clause.text
            clause.eye_words = (
                "eye" in text.lower() or "OD" in text or "OS" in text or "OU" in text
            )
        if not clause.eye_words:
            return  # no eye named in so many words anywhere in the clause
        for start, end, side in self._eyes(clause, group):
            quote = self.doc.text[start:end]
            if "eye" in quote.lower() or quote in ("OD", "OS", "OU"):
                draft.eye, draft.eye_explicit = side, True
                draft.spans["eye"] = (start, end)
                if draft.subject is None and "eye" in quote.lower():
                    _set_subject(draft, (" ".join(quote.lower().split()), (start, end)))
                return

    def _subject(self, clause: _Clause, group: _Group, measure: Measure) -> _Subject | None:
        """The body part: "muscle strength of his waist", "knee pain", "below the abdomen"."""
        if measure.eye or measure.kind in ("lab", "ability"):
            return None
        tokens = clause.tokens
        words = self.vocab.words
        modifiers = words["body_modifiers"]
        own = [t for t in group.triggers if t.measure == measure.name] or group.triggers
        fixed = {
            i
            for t in group.triggers
            if _GAP not in t.phrase and _BODY_SLOT not in t.phrase
            for i in range(t.first, t.last)
        }
        # "fatigue, urgency and numbness in both hands": the hands are the numbness's
        limit = min(
            [t.first for t in group.triggers if t.first > own[-1].first] + [group.scope_last]
        )
        window = range(own[0].first + 1, min(limit, own[-1].last + 6))
        after = [i for i in window if i not in fixed]
        for i in window:
            if tokens[i].text in words["subject_prepositions"]:
                j = i + 2 if i + 1 < len(tokens) and tokens[i + 1].text == "the" else i + 1
                if j < len(tokens) and tokens[j].word:
                    k = j + 2 if j + 1 < len(tokens) and tokens[j + 1].text == "level" else j + 1
                    return " ".join(t.text for t in tokens[i:k]), (
                        tokens[i].start,
                        tokens[k - 1].end,
                    )
        for i in after:
            if tokens[i].text in self.body:
                return _body_phrase(tokens, i, self.body, modifiers)
            if not tokens[i].word and tokens[i].text != ",":
                break
        # Just before the trigger, in the same noun phrase: "left lower limb weakness".
        i = own[0].first - 1
        while (
            i >= max(group.scope_first, own[0].first - 3)
            and tokens[i].word
            and (tokens[i].text in self.body or tokens[i].text in modifiers)
        ):
            if tokens[i].text in self.body:
                return _body_phrase(tokens, i, self.body, modifiers)
            i -= 1
        return None

    def _rom_subject(self, clause: _Clause, group: _Group) -> _Subject | None:
        """ "left knee flexion": the joint named last before the movement."""
        movement = next((p for p in group.phrases if p in ("flexion", "extension")), None)
        if movement is None:
            return self._subject(clause, group, self.vocab.measures["range_of_motion"])
        sentence = next((s for s in self.doc.sentences if s.start <= clause.start <= s.end), None)
        begin = sentence.start if sentence is not None else clause.start
        tokens = _tokens(self.doc.text[begin : group.start], begin, ())
        joints = self.vocab.words["joints"]
        for i in range(len(tokens) - 1, -1, -1):
            if tokens[i].text in joints:
                sided = i > 0 and tokens[i - 1].text in ("left", "right")
                words = (tokens[i - 1].text if sided else "", tokens[i].text, movement)
                start = tokens[i - 1].start if sided else tokens[i].start
                return " ".join(w for w in words if w), (start, group.end)
        return movement, (group.start, group.end)

    def _layer(self, group: _Group, measure: Measure) -> str | None:
        return next((measure.layers[p] for p in group.phrases if p in measure.layers), None)

    def _layer_subject(self, clause: _Clause, group: _Group, layer: str) -> _Subject:
        near = {t.text for t in clause.tokens[group.scope_first : group.scope_last]}
        words = [str(w) for w in ("average", "mean") if w in near][:1]
        words.append(layer)
        if near & {"thickness", "thicknesses"}:
            words.append("thickness")
        return " ".join(words), (group.start, group.end)


# -- helpers -----------------------------------------------------------------------------


_LAB_UNITS = frozenset({"mmol/L", "mg/dL", "ng/mL"})


def _trie(words: Iterable[str], *, prefix: bool) -> str:
    """An alternation of ``words`` as a trie, so the engine tests one character
    class per position.  With ``prefix``, a word's continuations are dropped (a
    search for the word finds them all)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        if prefix and "" in node:
            return ""
        branches = [
            (r"['’]" if char in "'’" else re.escape(char)) + pattern(child)
            for char, child in sorted(node.items())
            if char
        ]
        if "" in node:
            branches.append("")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return pattern(trie)


# Any token that could start a trigger phrase holds the phrase's first word
# (the word, or the word plus a plural or verb ending, see _PhraseIndex.starting).
_TRIGGER_GATE = re.compile(_trie(_VOCAB.triggers.by_first, prefix=True))
# The same as a whole token of lower-cased text: not after a letter (a word
# token starts at a blank, a mark or the end of a number), with its ending and
# a possessive, and no letter or digit after it.  Runs of letters and digits
# longer than a token (64) are cut anywhere: the texts that have them are read
# with _TRIGGER_GATE.
# (the lookahead on the first letters lets the engine give up early where no
# trigger can start)
_TRIGGER_WORD = re.compile(
    r"[^a-z](?=["
    + re.escape("".join(sorted({w[0] for w in _VOCAB.triggers.by_first})))
    + r"])("
    + _trie(_VOCAB.triggers.by_first, prefix=False)
    + r")(?:e?s)?(?:['’]s)?(?![^\W_])"
)
_TRIGGER_HEAD = re.compile(
    _trie(_VOCAB.triggers.by_first, prefix=False) + r"(?:e?s)?(?:['’]s)?(?![^\W_])"
)
# 65 characters with no blank: a word longer than a token (64), or a sentence
# that may have been cut inside a word (_document._push cuts at 1200 characters,
# at a blank among the last 300 where there is one).
_LONG_RUN = re.compile(r"[ \n][^ \n]{65}")
_LONG_HEAD = re.compile(r"[^ \n]{65}")


def _phrase_gate(phrases: Iterable[tuple[str, ...]]) -> re.Pattern[str]:
    """A search that finds, in lower-cased text with a blank put before it, every
    place where one of ``phrases`` could match tokens (a superset: any word may
    take an ending or a possessive; a phrase is cut at its first gap or slot).

    Between the tokens of a phrase lie only blanks, "_" and joiners (which make
    no token).  Text with a run longer than a token must not rely on it."""
    heads = set()
    for words in phrases:
        cut = words
        for k, w in enumerate(words):
            if w in (_GAP, _BODY_SLOT):
                cut = words[:k]
                break
        heads.add(" ".join(cut))
    ending = r"(?:e?s)?(?:['’]s)?"
    body = _trie(heads, prefix=False).replace(r"\ ", ending + r"[\s_\-‐‑]+")
    firsts = re.escape("".join(sorted({h[0] for h in heads})))
    return re.compile(r"[^a-z](?=[" + firsts + r"])(?:" + body + r")" + ending + r"(?![^\W_])")


_ALL_PHRASES = [words for v in _VOCAB.triggers.by_first.values() for words, _ in v]
# Any sentence in which a trigger phrase reads (see _Extractor._read) ...
_PHRASE_GATE = _phrase_gate(_ALL_PHRASES)
# ... and any in which a trigger other than a sight statement reads.
_OTHER_PHRASE_GATE = _phrase_gate(
    words
    for v in _VOCAB.triggers.by_first.values()
    for words, labels in v
    if labels != frozenset({"vision"})
)

# Any text (lower case, a blank before it) in which a sight statement may read as
# unchanged: those are kept in a story with acuity values (see _Extractor._silent).
_UNCHANGED_GATE = _phrase_gate(
    words
    for index in (_VOCAB.cues, _VOCAB.measure_cues["vision"])
    for entries in index.by_first.values()
    for words, labels in entries
    if labels & _KEPT_WORDS
)

# The laboratory units generic values are read in (see _LAB_UNITS).
_LAB_GATE = re.compile(r"mmol|mg\s?/|ng/")
_LAB_WORDS = ("mmol", "mg", "ng/")
if any(u in _LAB_UNITS and not _LAB_GATE.match(s) for s, u in _VOCAB.units.items()):
    raise RuntimeError(f"caserecord: a spelling of {sorted(_LAB_UNITS)} escapes the lab gate")


def _lab_name(
    tokens: Sequence[_Token], index: int, words_of: Mapping[str, frozenset[str]]
) -> str | None:
    """The test named before a value, skipping linking words and one apposition."""
    links, stops, general = words_of["lab_links"], words_of["lab_stops"], words_of["lab_general"]
    i = index - 1
    while i >= 0 and (tokens[i].text in links or tokens[i].text in (":", "=")):
        i -= 1
    if i >= 0 and tokens[i].text == ",":
        j = i - 1
        while j >= 0 and i - j <= 12 and tokens[j].text != ",":
            j -= 1
        if j < 0 or tokens[j].text != ",":
            return None
        i = j - 1  # ", a biomarker of axonal injury,"
    words: list[str] = []
    while i >= 0 and tokens[i].word and tokens[i].text not in stops and len(words) < 6:
        words.insert(0, tokens[i].text)
        i -= 1
    if not words or all(w in general for w in words) or not words[-1].isalpha():
        return None
    name = "_".join(words)
    return name if _SNAKE.fullmatch(name) else None


_GradeHit = tuple[int, int, str | None, float | None]  # start, end, grade text, value
_Subject = tuple[str, Span]  # "left leg" and the words it was read from


def _hit(
    m: re.Match[str],
    base: int,
    grade: str | None,
    value: float | None = None,
    *,
    group: str | int = "v",
) -> _GradeHit:
    return (base + m.start(group), base + m.end(group), grade, value)


def _refined(matches: list[_Match], measures: Mapping[str, Measure]) -> list[_Match]:
    """ "the blood glucose two hours after meal": the narrower measure takes both."""
    out = list(matches)
    for narrow in matches:
        parent = measures[next(iter(narrow.labels))].refines
        if parent is None:
            continue
        for general in matches:
            if general.labels != {parent} or general not in out or narrow not in out:
                continue
            gap = (
                narrow.first - general.last
                if narrow.first >= general.last
                else general.first - narrow.last
            )
            if 0 <= gap <= 4:
                out.remove(general)
                out.remove(narrow)
                out.append(
                    _Match(
                        min(narrow.first, general.first),
                        max(narrow.last, general.last),
                        narrow.labels,
                        narrow.words,
                    )
                )
    return sorted(out, key=lambda m: m.first)


def _override(general: list[_Cue], specific: list[_Cue]) -> list[_Cue]:
    """A measure's own value words replace the general ones they overlap."""
    kept = [c for c in general if not any(c.first < s.last and s.first < c.last for s in specific)]
    return sorted(kept + specific, key=lambda c: c.first)


def _distance(cue: _Cue, group: _Group) -> int:
    if cue.last <= group.first:
        return group.first - cue.last
    if cue.first >= group.last:
        return cue.first - group.last
    return 0


def _unbracket(text: str) -> str:
    """Brackets blanked out, offsets kept: "GMFCS (...) level was 5"."""
    return _BRACKETED.sub(lambda m: " " * len(m.group()), text)


def _order(clause: _Clause) -> None:
    """Note the groups' token bounds, and whether each group ends before the next."""
    firsts = [g.first for g in clause.groups]
    lasts = [g.last for g in clause.groups]
    clause.bounds = firsts, lasts
    clause.ordered = all(a <= b for a, b in zip(lasts, firsts[1:], strict=False))


def _otherwise(clause: _Clause) -> list[int]:
    if clause.otherwise is None:
        texts = clause.texts if clause.texts is not None else [t.text for t in clause.tokens]
        clause.otherwise = (
            [i for i, text in enumerate(texts) if text == _OTHERWISE]
            if _OTHERWISE in texts
            else []
        )
    return clause.otherwise


def _detail(clause: _Clause) -> str:
    if clause.summary is None:
        clause.summary = " ".join(clause.text.split())[:160]
    return clause.summary


def _body_phrase(
    tokens: Sequence[_Token], i: int, body: frozenset[str], modifiers: frozenset[str]
) -> _Subject:
    """The body part at token ``i`` with its modifiers and coordinated parts."""
    first = i
    while first > 0 and tokens[first - 1].word and tokens[first - 1].text in modifiers:
        first -= 1
    last = i + 1
    while last + 1 < len(tokens) and tokens[last].text in (",", "and"):
        j = last + 1
        while j < len(tokens) and tokens[j].word and tokens[j].text in modifiers:
            j += 1
        if (
            j < len(tokens)
            and tokens[j].text in body
            and (j + 1 >= len(tokens) or tokens[j + 1].text not in body)
        ):
            last = j + 1
            continue
        break
    text = " ".join(t.text for t in tokens[first:last]).replace(" ,", ",")
    return text, (tokens[first].start, tokens[last - 1].end)


def _set_subject(draft: _Draft, found: _Subject | None) -> None:
    if found is not None:
        draft.subject, draft.spans["subject"] = found


def _nearest_eye(
    eyes: list[tuple[int, int, str]], start: int, end: int
) -> tuple[int, int, str] | None:
    """The eye named at or right after a value ("14 mmHg OD"), else the nearest before."""
    candidates = []
    for e in eyes:
        if e[0] >= end:
            candidates.append((e[0] - end, 0, e))
        elif e[1] <= start:
            candidates.append((start - e[1], 1, e))
        else:
            candidates.append((0, 0, e))
    return min(candidates)[2] if candidates else None


# "it was 35", "it had fallen to 31", "it stood at 4.5": a value told of "it" (a
# score named in the sentence before), its unit, if any, a percent sign.
_IT_SCORE = re.compile(
    r"\b[Ii]t\s{1,3}(?:(?:has|had)\s{1,3}(?:been\s{1,3})?)?(?:was|is|(?:fallen|fell|dropped|"
    r"declined|risen|rose|improved|increased|decreased|climbed|slipped|come\s{1,3}down|"
    r"gone\s{1,3}(?:up|down))\s{1,3}to|stood\s{1,3}at|reached)\s{1,3}"
    r"(?P<v>\d{1,3}(?:\.\d{1,2})?)(?![\w/]|\.\d|-point)"
)


def _scored(mention: FindingMention) -> bool:
    """A score or a percentage read as a number: "EDSS 6.5", "FVC 82%"."""
    return mention.grade is not None or (
        mention.value is not None and mention.unit in (None, "%") and not mention.status
    )


def _tidy(drafts: list[_Draft]) -> list[_Draft]:
    """One finding per thing said: drop restatements within a sentence."""
    numeric = {(d.measure, d.clause) for d in drafts if d.numeric}
    explicit = {d.measure for d in drafts if d.eye_explicit and d.value_word is None}
    both = {(d.measure, d.value_word) for d in drafts if d.eye == "both" and d.value_word}
    subjects: dict[tuple[Any, ...], set[str | None]] = {}
    for d in drafts:
        subjects.setdefault(_loose(d), set()).add(d.subject)
    out: list[_Draft] = []
    said: set[tuple[Any, ...]] = set()
    for d in drafts:
        if (
            d.value_word is not None
            and (d.measure, d.clause) in numeric
            and d.time_hint is None
            and (d.value_word not in (*_CHANGES, "normal"))
        ):
            continue  # "still thickened ... 118 um": the number is the finding
        if d.value_word is not None and not d.eye_explicit and d.measure in explicit:
            continue  # "mildly impaired; 14 plates in the right eye and 15 in the left"
        if d.eye in ("right", "left") and (d.measure, d.value_word) in both:
            continue  # "normal in both eyes with a normal N95 in the right eye"
        if d.subject is None and len(subjects[_loose(d)]) > 1:
            continue  # the same finding told once more with its body part
        key = (*_loose(d), d.subject)
        topic = (d.measure, d.eye, d.subject, d.time_hint)
        if key in said or (d.value_word is not None and topic in said and not d.timed):
            continue  # "didn't eat well before, because he couldn't chew"
        said.add(key)
        if d.value_word is not None:
            said.add(topic)
        out.append(d)
    return out


def _loose(d: _Draft) -> tuple[Any, ...]:
    return (d.measure, d.eye, d.value_word, d.value, d.unit, d.grade, d.time_hint, d.layer)


def _mention(draft: _Draft, sentence: Sentence) -> FindingMention:
    return FindingMention(
        measure=draft.measure,
        sentence=sentence.index,
        position=draft.position,
        eye=draft.eye,
        subject=draft.subject,
        status=draft.value_word if draft.value_word in _STATUSES else None,
        change=draft.value_word if draft.value_word in _CHANGES else None,
        value=draft.value,
        unit=draft.unit,
        grade=draft.grade,
        layer=draft.layer,
        detail=draft.detail,
        time_hint=draft.time_hint,
        spans=dict(draft.spans),
    )
