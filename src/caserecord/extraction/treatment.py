"""Treatments in case narratives: the interventions a story is about, and those tried before.

Clinic testimonials and case reports tell of a treatment with a verb of
administration ("received", "underwent", "was injected", "were
administered", "implanted", "was started on") near what was given: cells
("umbilical cord-derived mesenchymal stem cell (UCMSC) packets"), a drug
("intravenous methylprednisolone"), a surgery or rehabilitation.  One
:class:`~caserecord.extraction._mentions.InterventionMention` is returned
per distinct treatment; a sentence that enumerates routes with their own
counts ("4 intravenous and 2 intrathecal infusions") gives one per route.

Cell types follow the names of the ISCT position statements (Dominici
2006: "mesenchymal stromal/stem cells"), composed from a tissue source and
a kind ("umbilical cord-derived mesenchymal stem cells"); routes keep the
ophthalmic and neurological terms of the reports (intrathecal,
retrobulbar, intravitreal...).  All words live in ``data/treatments.json``,
validated when this module is imported.

The story's first intervention fixes day 0 (:attr:`TreatmentMentions.day0_sentence`)
and, when stated, its calendar date (:attr:`TreatmentMentions.day0_date`), from
the sentence, an injection schedule table or the admission date.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate, pairwise
from typing import Any, overload

from caserecord._calendar import MONTH_ABBREVIATIONS, MONTHS
from caserecord.errors import TimelineError
from caserecord.extraction._data import load_json
from caserecord.extraction._document import Document, Sentence
from caserecord.extraction._folded import (
    FoldedPattern,
    fold,
    folded_sentences,
    folded_text,
    max_width,
)
from caserecord.extraction._mentions import (
    InterventionMention,
    PriorTreatmentMention,
    Span,
    TreatmentMentions,
)
from caserecord.extraction._numbers import NUMBER_WORD_PATTERN, parse_number
from caserecord.extraction._patterns import alternation, phrase_tree
from caserecord.extraction.time import TimeMention, find_times
from caserecord.extraction.treatment_gate import (
    Needles,
    cased_needles,
    first_words,
    flexible_needles,
    has,
    hit,
    hits,
    needles,
    word_gates,
    words,
)
from caserecord.timeline import PartialDate

__all__ = ["TreatmentVocabulary", "extract_treatments", "validate_treatment_vocabulary"]

_SOURCE = "treatments.json"
_FLAGS = re.IGNORECASE


# -- the vocabulary, validated ----------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A route of administration: its name, how stories write it, where it puts the cells."""

    name: str
    words: tuple[str, ...]
    abbreviations: tuple[str, ...]
    sites: tuple[str, ...]
    systemic: bool
    # Lay words for the route ("through a drip", "behind the eye"): read as the route itself.
    lay: tuple[str, ...] = ()


@dataclass(frozen=True)
class TreatmentVocabulary:
    """The checked content of ``treatments.json``."""

    cell_sources: dict[str, str]  # phrase -> source name
    cell_kinds: dict[str, str]  # phrase -> kind name
    cell_heads: tuple[str, ...]
    cell_abbreviations: dict[str, tuple[str | None, str | None]]  # abbr -> (source, kind)
    cell_origin: tuple[str, ...]
    cell_products: dict[str, str]  # phrase -> source name ("cord blood" is itself the cells)
    treatment_heads: tuple[str, ...]
    count_nouns: tuple[str, ...]
    dose_count_nouns: tuple[str, ...]
    course_nouns: tuple[str, ...]
    routes: tuple[Route, ...]
    route_nouns: tuple[str, ...]
    route_guides: tuple[str, ...]
    implant_verbs: tuple[str, ...]
    surgical_route: str
    administration_verbs: tuple[str, ...]
    passive_only_verbs: tuple[str, ...]
    topic_cues: tuple[str, ...]
    literature_cues: tuple[str, ...]
    modal_cues: tuple[str, ...]
    negation_cues: tuple[str, ...]
    drugs: dict[str, str]  # drug word -> class
    surgery_words: tuple[str, ...]
    surgery_generic_determiners: tuple[str, ...]
    rehabilitation: tuple[str, ...]
    alongside_cues: tuple[str, ...]
    habitual_cues: tuple[str, ...]
    other_treatment_verbs: tuple[str, ...]
    other_name_stopwords: tuple[str, ...]
    prior: dict[str, tuple[str, ...]]
    laterality: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # side -> (phrases, abbrs)


_PRIOR_KEYS = (
    "qualifiers",
    "heads",
    "failure_cues",
    "places",
    "try_verbs",
    "stop_verbs",
    "prior_drugs",
    "perfect_verbs",
    "heading_keys",
    "treatment_nouns",
    "weak_help",
    "surgeries",
)
_WORD_LISTS = (
    "cell_heads",
    "cell_origin",
    "treatment_heads",
    "count_nouns",
    "dose_count_nouns",
    "course_nouns",
    "route_nouns",
    "route_guides",
    "implant_verbs",
    "administration_verbs",
    "passive_only_verbs",
    "topic_cues",
    "literature_cues",
    "modal_cues",
    "negation_cues",
    "surgery_words",
    "surgery_generic_determiners",
    "rehabilitation",
    "alongside_cues",
    "habitual_cues",
    "other_treatment_verbs",
    "other_name_stopwords",
)


def validate_treatment_vocabulary(data: object, *, source: str = _SOURCE) -> TreatmentVocabulary:
    """Check the treatment vocabulary and return it typed.

    Raises :class:`RuntimeError` naming ``source`` and the bad key: a
    malformed rule file is a packaging bug and must fail at import, not
    later inside a rule.
    """
    check = _Checker(data, source)
    sources = check.named_phrases("cell_sources")
    kinds = check.named_phrases("cell_kinds")
    return TreatmentVocabulary(
        cell_sources=sources,
        cell_kinds=kinds,
        cell_abbreviations=check.abbreviations(set(sources.values()), set(kinds.values())),
        cell_products=check.products(set(sources.values())),
        routes=check.routes(),
        drugs=check.drugs(),
        prior=check.prior(),
        laterality=check.laterality(),
        surgical_route=check.text("surgical_route"),
        **{key: check.words(check.section(key), key) for key in _WORD_LISTS},
    )


class _Checker:
    """The checks of :func:`validate_treatment_vocabulary`, one method per section."""

    def __init__(self, data: object, source: str) -> None:
        self.source = source
        if not isinstance(data, Mapping):
            raise self.fail(f"must hold a JSON object (got {type(data).__name__})")
        self.data: Mapping[str, Any] = data

    def fail(self, problem: str) -> RuntimeError:
        return RuntimeError(f"caserecord rule file data/{self.source}: {problem}")

    def section(self, key: str) -> Any:
        if key not in self.data:
            raise self.fail(f"missing key {key!r}")
        return self.data[key]

    def words(self, value: object, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
            raise self.fail(f"{where} must be a list of non-empty strings (got {value!r:.60})")
        return tuple(value)

    def text(self, key: str) -> str:
        value = self.section(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{key} must be a non-empty string (got {value!r:.60})")
        return value

    def entries(self, key: str) -> list[Mapping[str, Any]]:
        entries = self.section(key)
        if not isinstance(entries, list) or not entries:
            raise self.fail(f"{key} must be a non-empty list of objects")
        for entry in entries:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
                raise self.fail(f"{key}: every entry needs a string 'name' (got {entry!r:.60})")
        return entries

    def named_phrases(self, key: str) -> dict[str, str]:
        return {
            _norm(phrase): entry["name"]
            for entry in self.entries(key)
            for phrase in self.words(entry.get("phrases"), f"{key}[{entry['name']}].phrases")
        }

    def abbreviations(
        self,
        sources: set[str],
        kinds: set[str],
    ) -> dict[str, tuple[str | None, str | None]]:
        raw = self.section("cell_abbreviations")
        if not isinstance(raw, Mapping):
            raise self.fail("cell_abbreviations must be an object of ABBR: {source, kind}")
        table: dict[str, tuple[str | None, str | None]] = {}
        for abbr, meaning in raw.items():
            if not isinstance(meaning, Mapping):
                raise self.fail(f"cell_abbreviations[{abbr!r}] must be a {{source, kind}} object")
            cell_source, kind = meaning.get("source"), meaning.get("kind")
            if cell_source is not None and cell_source not in sources:
                raise self.fail(
                    f"cell_abbreviations[{abbr!r}].source must name a cell_sources "
                    f"entry or be null (got {cell_source!r})"
                )
            if kind is not None and kind not in kinds:
                raise self.fail(
                    f"cell_abbreviations[{abbr!r}].kind must name a cell_kinds "
                    f"entry or be null (got {kind!r})"
                )
            table[abbr] = (cell_source, kind)
        return table

    def products(self, sources: set[str]) -> dict[str, str]:
        products = self.named_phrases("cell_products")
        for name in products.values():
            if name not in sources:
                raise self.fail(
                    f"cell_products names must name a cell_sources entry (got {name!r})"
                )
        return products

    def routes(self) -> tuple[Route, ...]:
        routes: list[Route] = []
        for entry in self.entries("routes"):
            name = entry["name"]
            if not isinstance(entry.get("systemic"), bool):
                raise self.fail(f"routes[{name}].systemic must be true or false")
            routes.append(
                Route(
                    name,
                    self.words(entry.get("words"), f"routes[{name}].words"),
                    self.words(entry.get("abbreviations", []), f"routes[{name}].abbreviations"),
                    self.words(entry.get("sites", []), f"routes[{name}].sites"),
                    entry["systemic"],
                    self.words(entry.get("lay", []), f"routes[{name}].lay"),
                )
            )
        return tuple(routes)

    def drugs(self) -> dict[str, str]:
        drugs = self.section("drugs")
        if not isinstance(drugs, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in drugs.items()
        ):
            raise self.fail("drugs must be an object of drug word: class")
        return {_norm(k): v for k, v in drugs.items()}

    def prior(self) -> dict[str, tuple[str, ...]]:
        prior = self.section("prior")
        if not isinstance(prior, Mapping):
            raise self.fail("prior must be an object")
        return {key: self.words(prior.get(key), f"prior.{key}") for key in _PRIOR_KEYS}

    def laterality(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        laterality = self.section("laterality")
        if not isinstance(laterality, Mapping) or set(laterality) != {"right", "left", "both"}:
            raise self.fail("laterality must have exactly the keys right, left, both")
        sides: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for side, entry in laterality.items():
            if not isinstance(entry, Mapping):
                raise self.fail(f"laterality.{side} must be a {{phrases, abbreviations}} object")
            sides[side] = (
                self.words(entry.get("phrases"), f"laterality.{side}.phrases"),
                self.words(entry.get("abbreviations", []), f"laterality.{side}.abbreviations"),
            )
        return sides


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").replace("-", " ").split())


VOCABULARY = validate_treatment_vocabulary(load_json(_SOURCE))
_V = VOCABULARY


# -- patterns built from the vocabulary --------------------------------------------------


def _phrases(phrases: Iterable[str]) -> str:
    """Phrases as an alternation, longest first; a space or hyphen matches either."""
    return alternation(phrases, flexible=True)


def _cased(words: Iterable[str]) -> str:
    """Case-sensitive alternation (abbreviations), optional plural ``s``."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "(?-i:(?:" + "|".join(re.escape(w) for w in ordered) + ")s?)" if ordered else "(?!)"


_B = r"(?<![\w-])"  # word start that also refuses a hyphen ("intra-venous" stays whole)
_E = r"(?![\w-])"
_NUM = NUMBER_WORD_PATTERN

_SRC = _phrases(_V.cell_sources)
_KIND = _phrases(_V.cell_kinds)
_HEAD = _phrases(_V.cell_heads)
_TREAT = _phrases(_V.treatment_heads)
_ABBR = _cased(_V.cell_abbreviations)
_ORIGIN = _phrases(_V.cell_origin)

# What may stand before the head of a cell phrase (bounded: see _CELL_FOLDED).
_CELL_LEAD = (
    r"(?:" + _B + r"(?P<origin>" + _ORIGIN + r")[\s-]{1,2})?"
    r"(?:" + _B + r"(?P<src>" + _SRC + r")(?P<derived>[\s-]{1,2}derived)?[\s-]{1,2})?"
    r"(?:" + _B + r"(?P<pre>" + _ABBR + r")\s{1,3})?"
    r"(?:" + _B + r"(?P<kind>" + _KIND + r")\s{1,3})?"
    r"[\"“”']?"
)
_CELL_HEAD = r"(?:" + _HEAD + r"|" + _ABBR + r")"
_CELL = re.compile(
    _CELL_LEAD + _B + r"(?P<head>" + _HEAD + r"|" + _ABBR + r")" + _E + r"[\"“”']?"
    r"(?:\s{0,2}\((?P<abbr>[A-Za-z][A-Za-z-]{1,9})\))?"
    r"(?:\s{1,3}(?P<treat>" + _TREAT + r")" + _E + r")?",
    _FLAGS,
)
_ABBR_HEAD = re.compile(_ABBR)
_ABBR_ALONE = re.compile(
    r"\b(?P<abbr>" + _ABBR + r")\b(?:\s{1,3}(?P<treat>" + _TREAT + r")" + _E + r")?", _FLAGS
)
_SOURCED_FROM = re.compile(
    r"\b(?:sourced|derived|harvested|isolated|obtained|extracted|collected|taken|prepared)?"
    r"\s{0,3}from\s{1,3}(?:(?:the|his|her|their|its|a|an|my|our)\s{1,3})?"
    r"(?:(?:patient['’]s(?:\s{1,3}own)?|own|healthy|donor|donated|newborn)\s{1,3})?"
    r"(?:(?P<origin>" + _ORIGIN + r")\s{1,3})?"
    # one word for where on the body: "from her own abdominal fat", "from his hip marrow"
    r"(?:(?!(?:" + _SRC + r")" + _E + r")[a-z]{3,15}\s{1,3})?(?P<src>" + _SRC + r")" + _E,
    _FLAGS,
)

# "she was given her own umbilical cord blood": a tissue that is itself the cell product.
_PRODUCT = re.compile(
    r"(?:"
    + _B
    + r"(?P<origin>"
    + _ORIGIN
    + r")[\s-]{1,2})?"
    + _B
    + r"(?P<product>"
    + _phrases(_V.cell_products)
    + r")"
    + _E
    + r"(?!\s{1,3}(?:banks?|banking|stem|mononuclear|cells?|derived)\b)"
    + r"(?:\s{1,3}(?P<treat>"
    + _TREAT
    + r")"
    + _E
    + r")?",
    _FLAGS,
)

_ROUTE_LOOKUP: dict[str, Route] = {}
_SITE_LOOKUP: dict[str, Route] = {}
for _route in _V.routes:
    for _w in (*_route.words, _route.name):
        _ROUTE_LOOKUP[_norm(_w)] = _route
    for _w in _route.abbreviations:
        _ROUTE_LOOKUP[_w] = _route
    for _w in (*_route.sites, *_route.lay):
        _SITE_LOOKUP[_norm(_w)] = _route
_LAY = frozenset(_norm(w) for r in _V.routes for w in r.lay)
_ROUTE_WORDS_ALT = _phrases(w for r in _V.routes for w in r.words)
# A lay phrase ("into a vein") is matched as a site is: where the cells went.
_ROUTE_SITES = _phrases(s for r in _V.routes for s in (*r.sites, *r.lay))
_ROUTE_ABBREVIATIONS = _cased(a for r in _V.routes for a in r.abbreviations)
# Sites first: "into each retrobulbar space" is an injection there, not the bare adjective.
_ROUTE = re.compile(
    rf"(?:{_B}(?P<guide>{_phrases(_V.route_guides)})\s{{1,2}})?"
    rf"(?:{_B}(?P<site>{_ROUTE_SITES}){_E}"
    rf"|{_B}(?P<word>{_phrases(w for r in _V.routes for w in r.words)}){_E}"
    rf"|{_B}(?P<abbr>{_ROUTE_ABBREVIATIONS}){_E})",
    _FLAGS,
)
_ROUTE_NOUN_AFTER = re.compile(
    r"\s{0,2}(?:\((?-i:[A-Z.]{1,5})\)\s{0,2})?\s(?P<noun>"
    + _phrases(_V.route_nouns)
    + r")"
    + _E
    + r"(?P<into>\s{1,2}(?:into|in)\s{1,2}(?:the\s{1,2})?"
    r"(?P<site>[a-z][a-z'’ -]{2,40}?)(?=\s{0,2}(?:[,.;:)]|$|\s(?:of|to|and|for|at|on|with|"
    r"by|in|these|this|which|where)\b)))?",
    _FLAGS,
)

_ADMIN = re.compile(r"\b(?P<verb>" + _phrases(_V.administration_verbs) + r")\b", _FLAGS)
# "were given", "was performed" -- or a subject that gives: "we performed", "the surgeon made"
_PASSIVE_BEFORE = re.compile(
    r"(?:\b(?:was|were|been|be|being|is|are)|\b(?:we|i|they|doctors?|surgeons?|physicians?|"
    r"team|clinic|hospital))\s{1,3}(?:\w+ly\s{1,3})?"
    # a chain of participles: "were harvested, expanded and delivered"
    r"(?:[a-z]{2,20}ed,?\s{1,3}(?:and\s{1,3}|then\s{1,3})?){0,3}$",
    _FLAGS,
)
_AFTER_BEFORE = re.compile(r"\b(?:after|following|since|post)\b[^.;:]{0,40}$", _FLAGS)
_TOPIC = re.compile(r"\b(?:" + _phrases(_V.topic_cues) + r")\b", _FLAGS)
_NEGATED_AFTER = re.compile(r"\s{1,3}(?:no|not|never|nothing|none)\b", _FLAGS)
_LITERATURE = re.compile(r"\b(?:" + _phrases(_V.literature_cues) + r")\b", _FLAGS)
# Lower case on purpose: "May 2018" is a month, "may" a modal.
_MODAL = re.compile(r"\b(?:" + _phrases(_V.modal_cues) + r")\b(?!\s{0,3},?\s{0,3}\d)")
_OPENING_PARTICIPLE = re.compile(
    r"\s{1,3}(?:via|by|through|into|with|in|to|at|intra\w{3,12})\b", _FLAGS
)
_NEGATED_BEFORE = re.compile(
    r"\b(?:" + _phrases(_V.negation_cues) + r")\s{1,3}(?:\w+\s{1,3})?$", _FLAGS
)
_DRUG = re.compile(_B + r"(?P<drug>" + _phrases(_V.drugs) + r")" + _E, _FLAGS)
_SURGERY = re.compile(r"\b(?:" + _phrases(_V.surgery_words) + r")\b", _FLAGS)
_DETERMINERS = frozenset(w.lower() for w in _V.surgery_generic_determiners) | {"a", "an"}
_CLAUSE_MARK = re.compile(r"[,;.:]")
_LATERALITY_PHRASE = re.compile(
    r"\s{1,3}(?:of|on|in|to)\s{1,3}(?:his|her|the|their)\s{1,3}(?:right|left|both)\s{1,3}"
    r"(?:eyes?|sides?|knees?|legs?|arms?)\b",
    _FLAGS,
)
_REHAB = re.compile(
    r"(?:\b(?P<adj>intense|intensive|daily|regular)\s{1,3})?\b(?P<rehab>"
    + _phrases(_V.rehabilitation)
    + r")\b",
    _FLAGS,
)
_BEFORE_FRAME = re.compile(r"\W{0,3}(?:before|prior\s{1,3}to)\s", _FLAGS)
_ALONGSIDE = re.compile(r"\b(?:" + _phrases(_V.alongside_cues) + r")\s{1,3}$", _FLAGS)
_LASTED = re.compile(r"\b(?:days?|weeks?|months?|years?)\s{1,3}of\s{1,3}$", _FLAGS)
_HABITUAL = re.compile(r"\b(?:" + _phrases(_V.habitual_cues) + r")\b", _FLAGS)
_OTHER = re.compile(
    r"\b(?:treatment|therapy)\b(?:\s{0,2},[^,.;]{1,60},)?\s{1,3}(?:was|were)\s{1,3}"
    r"(?:" + _phrases(_V.other_treatment_verbs) + r")\b",
    _FLAGS,
)
_WORD = re.compile(r"[A-Za-z][\w'’-]*|\d[\d.,]*|[()]|[^\s\w]")

_COUNT_NOUNS = {_norm(w) for w in _V.count_nouns}
_DOSE_NOUNS = {_norm(w) for w in _V.dose_count_nouns}
_TIME_NOUNS = {
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "hour",
    "hours",
    "minute",
    "minutes",
    "times",
    "%",
    "percent",
    "mg",
    "g",
    "ml",
    "kg",
    "cm",
    "mm",
    "meters",
    "metres",
    "plates",
    "letters",
}
_COUNT_BREAK = {
    "and",
    "or",
    "to",
    "with",
    "in",
    "at",
    "for",
    "from",
    "of",
    "was",
    "were",
    "by",
    "on",
    "after",
    "before",
    "over",
    "per",
    "a",
    "the",
    ",",
    ";",
    ":",
    ".",
    # A month after a number makes it a date ("on 11 July 2023 (2 doses)"), not a count.
    *MONTHS,
    *MONTH_ABBREVIATIONS,
}
_ABBREVIATION_TOKEN = re.compile(r"[A-Z][A-Za-z]{0,3}(?:-?[A-Z]{1,6})s?")
_ORDINAL_COURSE = re.compile(
    r"\b(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"\d{1,2}(?:st|nd|rd|th))\s{1,3}(?:(?:" + _phrases(_V.course_nouns) + r")s?)\b",
    _FLAGS,
)

_MAX_ITEMS = 40
_DOSE_REACH = 4  # sentences from a cell treatment's first telling where its dose may be told
_SURGERY_END = re.compile(
    r"\s{0,2}(?:[,;.]|$)|\s(?:(?:and|but|which|after|when|due|because|"
    r"in\s+(?:19|20)\d\d|on|at)\b)",
    _FLAGS,
)
_VERB_NOUNS = {
    "injected": "injection",
    "infused": "infusion",
    "implanted": "implantation",
    "transplanted": "transplantation",
}
_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "mln": 1e6, "billion": 1e9}
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
# "40 million cells", "1x10^6 cells/kg", "two million ... stem cells": a number with a
# multiplier; the word "cells" is looked for a few words on (see _cell_dose).
_DOSE_CELL_NUMBER = re.compile(
    r"\b(?P<num>\d{1,4}(?:[.,]\d{1,3})?|" + _NUM + r")\s{0,2}(?:(?P<mult>thousand|million|"
    r"billion|mln)\b|[x×*]\s{0,2}10\s{0,2}(?:\^|e)?\s{0,2}(?P<exp>\d{1,2}|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}))",
    _FLAGS,
)
_DOSE_CELL_NUMBER_FOLDED = FoldedPattern(_DOSE_CELL_NUMBER)
_PER_KG = re.compile(r"\s{0,2}/\s{0,2}kg\b|\s{1,3}per\s{1,3}kg\b|\s{0,2}/\s{0,2}kg", _FLAGS)
_CELLS_WORD = re.compile(r"cells?", _FLAGS)
_CELLS_WORD_WHOLE = re.compile(r"\bcells?\b", _FLAGS)
_ROUTE_LIKE = re.compile(r"\b(?:puncture|surgery|injection)\b", _FLAGS)  # a listed item's route
_DOSE_MASS = re.compile(
    r"\b(?P<num>\d{1,5}(?:\.\d{1,3})?)\s{0,2}(?P<unit>mg|g|gm|grams?|mcg|µg|μg|ug|ml|mL|IU|"
    r"units)(?P<perkg>\s{0,2}/\s{0,2}kg)?\b"
    r"(?P<freq>\s{0,2}/\s{0,2}(?:day|d)\b|\s{1,3}(?:q\s?\d{1,2}\s?h|once\s{1,3}daily|"
    r"twice\s{1,3}daily|daily|bid|tid|qid|"
    r"per\s{1,3}day|a\s{1,3}day|every\s{1,3}\d{1,2}\s{1,3}hours|weekly|monthly))?"
    r"(?:\s{1,3}(?:intravenously|orally|iv|i\.v\.|by\s{1,3}mouth))?"
    r"(?P<dur>\s{1,3}for\s{1,3}(?P<days>" + _NUM + r")\s{1,3}(?:consecutive\s{1,3})?"
    r"(?P<durunit>days?|weeks?))?",
    _FLAGS,
)
_DOSE_AMOUNT = re.compile(
    r"\bin\s{1,3}(?:an?\s{1,3})?(?:amount|dose|volume|quantity)\s{1,3}of\s{1,3}"
    r"(?P<num>\d{1,5}(?:\.\d{1,3})?)(?:\s{0,2}(?P<unit>ml|mg|g)\b)?",
    _FLAGS,
)
_DAILY_FOR = re.compile(
    r"\b(?:daily|a\s{1,3}day|per\s{1,3}day|once\s{1,3}a\s{1,3}day)\s{1,3}for\s{1,3}"
    r"(?P<days>" + _NUM + r")\s{1,3}(?:consecutive\s{1,3})?days?\b",
    _FLAGS,
)

_LATERALITY = [
    (
        side,
        re.compile(
            r"(?:"
            + (_B + r"(?:" + _phrases(phrases) + r")" + _E if phrases else "(?!)")
            + r"|\b"
            + _cased(abbrs)
            + r"\b)",
            _FLAGS,
        ),
    )
    for side, (phrases, abbrs) in _V.laterality.items()
]

# A count that opens a listed item: digits or a cardinal word, never an ordinal ("first").
_COUNT = (
    r"\b(?:\d{1,3}(?![\d.,]|st\b|nd\b|rd\b|th\b)|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve)\b"
)
_SPLIT_ROUTE_ITEM = re.compile(
    rf"(?P<num>{_COUNT})\s{{1,3}}(?P<route>{_ROUTE_WORDS_ALT}|{_ROUTE_ABBREVIATIONS}){_E}",
    _FLAGS,
)
_VIA_ITEM = re.compile(
    r"(?P<num>" + _COUNT + r")\s{1,3}(?P<what>[^,;:()\d]{3,60}?)\s{1,3}(?:via|through|by)\s{1,3}"
    r"(?P<route>[^,;:]{3,60}?)(?=\s{0,2}(?:[,;:.]|$)|\s(?:in|at|on|during)\s)",
    _FLAGS,
)
_DOSE_ROUTE_ITEM = re.compile(
    r"(?P<dose>" + _NUM + r"\s{1,3}(?:thousand|million|billion)\s{1,3}(?:stem\s{1,3})?cells)"
    r"\s{1,3}(?:were|was)\s{1,3}(?:administered|injected|delivered|infused|transplanted|"
    r"implanted|given)\s{1,3}(?P<route>[^,;]{2,60}?)(?=\s{0,2}(?:[,;.]|$)|\s(?:and|while)\s)",
    _FLAGS,
)
_OTHER_HEAD = re.compile(r"\b(?:treatment|therapy)\b", _FLAGS)
_ITEM_CLOSED = re.compile(r"\s{0,2}(?:[.;,)]|$)")
_ITEM_JOIN = re.compile(r"\s{0,2}(?:,|and|,\s{0,2}and)\s{0,2}", _FLAGS)
_ITEM_NOUN_AFTER = re.compile(
    r"\s{1,3}(?P<noun>injections?|infusions?|implantations?|"
    r"transplantations?|administrations?)\b",
    _FLAGS,
)
_NOUN_OF = re.compile(
    r"(?:(?P<route>" + _phrases(w for r in _V.routes for w in r.words) + r")\s{1,3})?"
    r"(?P<noun>injections?|infusions?|transplantations?|implantations?|administrations?|"
    r"transplants?|implants?|grafts?)\s{1,3}of\s{1,3}(?:(?:an?|the|his|her|their)\s{1,3})?$",
    _FLAGS,
)
# _NOUN_OF holds a noun of giving, at most the width of a route and blanks after its start.
_NOUN_OF_FOLDED = FoldedPattern(
    _NOUN_OF,
    lead=(
        re.compile(
            r"injection|infusion|transplant|implant|administration|graft",
        ),
        max_width(
            r"(?:(?P<route>" + _phrases(w for r in _V.routes for w in r.words) + r")\s{1,3})?",
            _FLAGS,
        ),
    ),
)
_GIVING_NOUN = re.compile(
    r"injections?|infusions?|transplantations?|implantations?|transplants?|implants?|grafts?",
    _FLAGS,
)
# The participle a noun of giving stands for, so naming and routes read it as a verb.
_VERB_OF_NOUN = {
    "injection": "injected",
    "infusion": "infused",
    "transplantation": "transplanted",
    "transplant": "transplanted",
    "implantation": "implanted",
    "implant": "implanted",
    "graft": "implanted",
    "administration": "administered",
}
_SCHEDULE_ROW = re.compile(
    r"^[ \t]{0,8}1[ \t.)]{0,3}(?P<date>(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))",
    re.MULTILINE,
)
_ISO_DATE = re.compile(r"(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])")
_ADMISSION = re.compile(r"\badmission\s{0,2}date\b|\bdate\s{1,2}of\s{1,2}admission\b", _FLAGS)
_SOME_TIMES = re.compile(r"\b(?:times|twice|thrice)\b", _FLAGS)
_AGAIN = re.compile(
    r"\b(?:again|once\s+more|a\s+second\s+time|repeated|the\s+same\s+done)\b", _FLAGS
)
_PAREN = re.compile(r"\s{0,2}\([^()]{0,40}\)")
_QUOTES = re.compile(r"[\"“”]")
# A time that names its unit in full ("35 days'", "four months"), not a stray "d" or "h".
_CHUNK_END = re.compile(r"[,;:()]|\s(?:and|but|while|whereas)\s")
_ANAPHOR = re.compile(
    r"(?:they|these|those|the\s{1,3}cells|these\s{1,3}cells|the\s{1,3}"
    r"(?:treatment|therapy|injections?|infusions?|transplantation|procedure)"
    # "A second round six months later ...": the story's treatment once more
    r"|(?:a|the)\s{1,3}(?:second|third|fourth|further)\s{1,3}(?:round|course|session|cycle)"
    r"|another\s{1,3}(?:round|course|session|cycle))\b",
    _FLAGS,
)
# The cells named before, as what a verb of giving gave: "put the cells into", "injected them",
# "had the procedure repeated"
_CELLS_ANAPHOR = re.compile(
    r"\s{1,3}(?:them|the\s{1,3}cells|these\s{1,3}cells|the\s{1,3}(?:same|procedure))\b", _FLAGS
)
_SOURCE_NAMED = re.compile(_B + r"(?:" + _SRC + r")" + _E, _FLAGS)
# "took marrow from his hip", "liposuctioned fat from her tummy": the tissue the cells came from
_HARVEST_VERBS = (
    *("took", "taken", "harvested", "collected", "extracted", "drew", "drawn", "removed"),
    *("aspirated", "liposuctioned", "obtained"),
)
_HARVEST_GATE = words(_HARVEST_VERBS)
_HARVESTED = re.compile(
    r"\b(?:"
    + "|".join(_HARVEST_VERBS)
    + r")\s{1,3}(?:(?:some|a\s{1,3}little)\s{1,3})?(?:of\s{1,3})?"
    r"(?:(?:his|her|their|the|my|our)\s{1,3})?(?:own\s{1,3})?(?P<src>" + _SRC + r")" + _E,
    _FLAGS,
)
_UNIT_WORD = re.compile(r"\b(?:days?|weeks?|months?|years?|hours?)\b", _FLAGS)
_TREATMENT_KEYS = frozenset(
    {
        "treatment",
        "treatments",
        "intervention",
        "therapy",
        "procedure",
        "treatment given",
        "management",
        "treatment course",
    }
)
_TREATMENT_WORD = re.compile(
    r"\b(?:treatments?|therap(?:y|ies)|transplant\w{0,6}|injections?|infusions?|surgery|"
    r"operation|procedures?|stem\s+cells?|implant\w{0,5}|enrol\w{0,5}|courses?|sessions?)\b",
    _FLAGS,
)
_DATE_CONTEXT = re.compile(
    r"\b(?:trial|treatment|therapy|stem\s+cells?|surgery|procedure|"
    r"clinic|hospital|injection|transplant\w{0,6}|admitted|admission)\b",
    _FLAGS,
)


def _lay_needle(phrase: str) -> str:
    """The piece of a lay route phrase a gate looks for: its last word that is not a
    preposition, article or "eye" (words every story holds): "vein", "artery", "behind"."""
    pieces = [p for p in re.split(r"[\s'’-]+", phrase.lower()) if p]
    content = [p for p in pieces if p not in _LAY_COMMON] or pieces
    return content[-1]


_LAY_COMMON = frozenset(
    {"into", "the", "a", "an", "his", "her", "my", "their", "each", "both", "under", "up"}
    | {"through", "in", "on", "eye", "eyes"}
)


# Gates (see treatment_gate): every match of a rule holds one of its needles, so a rule is
# skipped on a sentence without them, which cannot change what it finds.  Word gates need
# the rule's phrases bounded as whole words (\b, _B/_E or blanks around them) and the rule
# run on the whole sentence; _SURGERY, searched up to an endpos, has a substring gate.
_CELL_GATE = words(_V.cell_heads)
_ABBR_GATE = cased_needles(_V.cell_abbreviations)  # case-sensitive, looked up in raw text
_PRODUCT_GATE = words(_V.cell_products)
_LITERATURE_GATE = words(_V.literature_cues)
_MODAL_GATE = words(_V.modal_cues)
_ADMIN_GATE = words(_V.administration_verbs)
_CELLS_GATE = words(["cells"])
_MULTIPLIER_GATE = words(["thousand", "million", "billion"])
_DRUG_GATE = words(_V.drugs)
_SURGERY_GATE = flexible_needles(_V.surgery_words)  # substrings: searched up to an endpos
_OTHER_HEAD_GATE = words(["treatment", "therapy"])
_OTHER_VERB_GATE = words(_V.other_treatment_verbs)
_REHAB_GATE = words(_V.rehabilitation)
_DESPITE_GATE = words(["despite"])
_TREATED_WITH_GATE = words(["treated", "managed"])
_WITH_GATE = words(["with"])
_TRIED_GATE = words(_V.prior["try_verbs"])
_FAILED_IN_GATE = words(
    ["help", "helped", "work", "worked", "failed", "ineffective", "brought"], _V.prior["weak_help"]
)
_QUALIFIED_GATE = words(_V.prior["heads"])
_TREAT_GATE = words(["treated", "treatment"])
_FOR_GATE = words(["for"])
_PLACES_GATE = words(_V.prior["places"])
_PRIOR_DRUG_GATE = words(_V.prior["prior_drugs"])
_PERFECT_GATE = words(_V.prior["perfect_verbs"])
_HEADING_GATE = words(_V.prior["heading_keys"])
_STOPPED_PASSIVE_GATE = words(["stopped", "discontinued", "withdrawn", "tapered"])
_DONE_SURGERY_GATE = words([*_V.surgery_words, *_V.prior["surgeries"]])
# Substring gates, good for any range of the text searched (a match lies inside it).
_ROUTE_GATE = flexible_needles(
    [w for r in _V.routes for w in r.words],
    [s for r in _V.routes for s in r.sites],
    # a lay phrase by its rarest piece ("vein", not "into"): every match holds that piece
    [_lay_needle(p) for r in _V.routes for p in r.lay],
)
# What a count told with a route looks like (in folded text): "twice", "four by", "x3"
_TIMES_WORDS = frozenset({"once", "twice", "thrice", "times"})
_BY_WORDS = frozenset({"by", "via", "through"})
_NUMBER_WORDS = frozenset(
    {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
    | {"eleven", "twelve"}
)
_BY_WORD = re.compile(r"\s(?:by|via|through)\s")
_COUNT_BEFORE = re.compile(
    r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))\s{1,3}$"
)


def _route_count_hint(present: frozenset[str], folded: str) -> bool:
    """Whether a sentence (its words, its folded text) may count a route: "twice", "four
    times", "four by IV" (each "by" is looked at: a search for the count before it costs
    more)."""
    if not _TIMES_WORDS.isdisjoint(present):
        return True
    if _BY_WORDS.isdisjoint(present) or (
        _NUMBER_WORDS.isdisjoint(present) and _DIGIT.search(folded) is None
    ):
        return False
    return any(
        _COUNT_BEFORE.search(folded, max(0, by.start() - 10), by.start() + 1)
        for by in _BY_WORD.finditer(folded)
    )


# A cell dose's multiplier, in folded text: every dose (_cell_dose) holds one
_DOSE_HINT = re.compile(r"[x×*]\s{0,2}10|thousand|million|billion|mln")
_ROUTE_ABBR_GATE = cased_needles(a for r in _V.routes for a in r.abbreviations)
_COUNT_NOUN_GATE = needles(_V.count_nouns, _V.dose_count_nouns)
_DAY_GATE = needles(["day"])
_TIMES_GATE: Needles = ("twice", "thrice", "times", "x", "×")  # substrings of every match
# A cell dose holds a multiplier word or "10" (of "x 10^6"), both found in the folded text.
_CELL_DOSE_GATE: Needles = ("thousand", "million", "billion", "mln", "10")
_DOSE_AMOUNT_GATE = needles(["amount", "dose", "volume", "quantity"])
_NOUN_OF_GATE = needles(
    ["injection", "infusion", "transplant", "implant", "administration", "graft"]
)
_VIA_GATE = words(["via", "through", "by"])
_FROM_GATE = words(["from"])
_DIGIT = re.compile(r"\d")


def _union(*gates: frozenset[str] | None) -> frozenset[str] | None:
    return None if any(g is None for g in gates) else frozenset().union(*(g or () for g in gates))


# A sentence none of whose words are in _EVENT_WORDS, without cells or a treatment heading,
# tells no event (see _events); one without _PRIOR_WORDS tells no prior treatment.
_EVENT_WORDS = _union(_ADMIN_GATE, _OTHER_HEAD_GATE, _REHAB_GATE)
_PRIOR_WORDS = _union(
    _DESPITE_GATE,
    _TREATED_WITH_GATE,
    _TRIED_GATE,
    _FAILED_IN_GATE,
    _QUALIFIED_GATE,
    _TREAT_GATE,
    _PRIOR_DRUG_GATE,
    _PERFECT_GATE,
    _HEADING_GATE,
    _DONE_SURGERY_GATE,
)
# Every word gate of this module: a document none of whose letter runs holds one of them
# (a sentence's word is a run of the document or, cut at a sentence edge, part of one)
# gives every sentence no gate word.
_ALL_WORDS = _union(
    _EVENT_WORDS,
    _PRIOR_WORDS,
    _HARVEST_GATE,
    _CELL_GATE,
    _PRODUCT_GATE,
    _LITERATURE_GATE,
    _MODAL_GATE,
    _CELLS_GATE,
    _MULTIPLIER_GATE,
    _DRUG_GATE,
    _OTHER_VERB_GATE,
    _WITH_GATE,
    _FOR_GATE,
    _PLACES_GATE,
    _VIA_GATE,
    _FROM_GATE,
)
# _inert(doc): no sentence holds a word of this module's gates; _gate_words(doc): each
# sentence's words as far as those gates can tell them apart (both for doc.memo).
_inert, _gate_words = word_gates(_ALL_WORDS)


def _sentence_starts(doc: Document) -> list[int]:
    """Where each sentence starts (cached per document with ``doc.memo``)."""
    return [s.start for s in doc.sentences]


def _in_text(found: Needles, text: str) -> Needles:
    """The needles of ``found`` in ``text``: a sentence of the text holds no other."""
    return None if found is None else tuple(n for n in found if n in text)


class _FoldedOnDemand(Sequence[str]):
    """The folded sentences of a document, each folded when first asked for."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self.sentences = sentences
        self.done: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.sentences)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        found = self.done.get(index)
        if found is None:
            found = self.done[index] = fold(self.sentences[index].text)
        return found


_HEADER_KEYS: dict[str, bool] = {}


def _headed(doc: Document, sentence: Sentence) -> bool:
    """Whether a treatment heading frames the sentence: its own "Key: value" line
    ("Treatment: UC-MSCs") or a heading line above it ("Treatment given:" then a list)."""
    if _treatment_key(sentence.header_key):
        return True
    if sentence.section is None:
        return False
    section = doc.sections[sentence.section]
    if sentence.line - section.line > _MAX_ITEMS:
        return False  # no list of treatments runs this long under its heading: junk
    return _treatment_key(section.heading.rstrip(" :"))


def _treatment_key(key: str | None) -> bool:
    """Whether a "Key: value" line's key names the treatment ("Treatment: ...")."""
    if not key:
        return False
    known = _HEADER_KEYS.get(key)
    if known is None:
        known = _norm(key) in _TREATMENT_KEYS
        if len(_HEADER_KEYS) < 4096:
            _HEADER_KEYS[key] = known
    return known


# Hot case-insensitive rules, run case-sensitively on the folded sentence (_folded).
_ADMIN_FOLDED = FoldedPattern(_ADMIN)
_ADMIN_FIRSTS = first_words(_V.administration_verbs)  # _ADMIN matches from \b, whole
_REHAB_FOLDED = FoldedPattern(
    _REHAB,
    lead=(
        re.compile(_phrases(_V.rehabilitation), _FLAGS),
        max_width(r"(?:\b(?P<adj>intense|intensive|daily|regular)\s{1,3})?", _FLAGS),
    ),
)
# Every cell phrase holds a head, at most max_width(_CELL_LEAD) characters after its start.
_VIA_ITEM_FOLDED = FoldedPattern(_VIA_ITEM)
# _REHAB opens with an adjective or a rehabilitation phrase, whole (first_words).
_REHAB_FIRSTS = first_words(["intense", "intensive", "daily", "regular"], _V.rehabilitation)
# With each side's gates: its phrases' needles (folded) and its abbreviations' (raw).
_LATERALITY_FOLDED = [
    (side, FoldedPattern(pattern), needles(phrases), cased_needles(abbrs))
    for (side, pattern), (phrases, abbrs) in zip(_LATERALITY, _V.laterality.values(), strict=True)
]
_TREATMENT_WORD_FOLDED = FoldedPattern(_TREATMENT_WORD)
_COURSE_GATE = needles(_V.course_nouns)


# Where a cell phrase may start: at the first word of an origin, source, abbreviation, kind
# or head (an abbreviation may take an "s": "MSCs"), or at the quote before a head.
_CELL_FIRSTS = first_words(
    _V.cell_origin, _V.cell_sources, _V.cell_abbreviations, _V.cell_kinds, _V.cell_heads
)
_CELL_FIRSTS_PLURAL = frozenset(w + "s" for w in _CELL_FIRSTS or ())
_CELL_QUOTES = ('"', "“", "”", "'")
_CELL_FOLDED = FoldedPattern(
    _CELL, lead=(re.compile(_CELL_HEAD, _FLAGS), max_width(_CELL_LEAD, _FLAGS))
)
_SIDE_FOLDED = FoldedPattern(
    re.compile(
        r"\b(?P<side>right|left)\s{1,3}eye\b|\b(?P<abbr>(?-i:OD|OS))\b"
        r"|\b(?:both|each)\s{1,3}eyes?\b|\bbilateral",
        _FLAGS,
    )
)
# _SIDE_FOLDED a branch at a time: (pattern, on the raw text?) by side.  A lookbehind after
# the opening word stands for the \b before it, so the search scans for that word.
_SIDE_SCANS: tuple[tuple[str, tuple[tuple[re.Pattern[str], bool], ...]], ...] = (
    (
        "right",
        (
            (re.compile(r"right(?<!\wright)\s{1,3}eye\b"), False),
            (re.compile(r"OD(?<!\wOD)\b"), True),
        ),
    ),
    (
        "left",
        (
            (re.compile(r"left(?<!\wleft)\s{1,3}eye\b"), False),
            (re.compile(r"OS(?<!\wOS)\b"), True),
        ),
    ),
    (
        "both",
        (
            (re.compile(r"both(?<!\wboth)\s{1,3}eyes?\b"), False),
            (re.compile(r"each(?<!\weach)\s{1,3}eyes?\b"), False),
            (re.compile(r"bilateral(?<!\wbilateral)"), False),
        ),
    ),
)
_SOURCED_FROM_FOLDED = FoldedPattern(_SOURCED_FROM)
_NEGATED_BEFORE_FOLDED = FoldedPattern(_NEGATED_BEFORE)
_PASSIVE_BEFORE_FOLDED = FoldedPattern(_PASSIVE_BEFORE)
_AFTER_BEFORE_FOLDED = FoldedPattern(_AFTER_BEFORE)
_TOPIC_FOLDED = FoldedPattern(_TOPIC)
_PRODUCT_FOLDED = FoldedPattern(_PRODUCT)
# _PRODUCT and _DRUG open with a phrase, whole (treatment_gate.first_words).
_PRODUCT_FIRSTS = first_words(_V.cell_origin, _V.cell_products)
_DRUG_FOLDED = FoldedPattern(_DRUG)
_DRUG_FIRSTS = first_words(_V.drugs)
# Every drug names a phrase of _V.drugs, and every cell phrase a head: a phrase of
# cell_heads or an abbreviation (see _has_drug, _has_cells).
_DRUG_NEEDLES = flexible_needles(_V.drugs)
_CELL_HEAD_NEEDLES = flexible_needles(_V.cell_heads)
_MODAL_FOLDED = FoldedPattern(_MODAL)
# Every route holds a word, site or abbreviation (the head), after at most a guide; the
# head holds one of the route gates' needles.
_ROUTE_HEAD = rf"{_ROUTE_SITES}|{_ROUTE_WORDS_ALT}|{_ROUTE_ABBREVIATIONS}"
_ROUTE_HEAD_WIDTH = max_width(_ROUTE_HEAD, _FLAGS)
_ROUTE_SEEK = (
    None
    if _ROUTE_HEAD_WIDTH is None or _ROUTE_GATE is None or _ROUTE_ABBR_GATE is None
    else (_ROUTE_GATE, _ROUTE_ABBR_GATE, _ROUTE_HEAD_WIDTH)
)
# The head as a tree: searched for at every step of a scan, an alternation of some 80
# phrases tried them all at each place.
_ROUTE_HEAD_TREE = phrase_tree(
    [
        *(s for r in _V.routes for s in (*r.sites, *r.lay)),
        *(w for r in _V.routes for w in r.words),
    ],
    cased=[a for r in _V.routes for a in r.abbreviations],
)
_ROUTE_FOLDED = FoldedPattern(
    _ROUTE,
    lead=(
        _ROUTE_HEAD_TREE,
        max_width(rf"(?:{_B}(?P<guide>{_phrases(_V.route_guides)})\s{{1,2}})?", _FLAGS),
    ),
    seek=_ROUTE_SEEK,
)
# _SPLIT_ROUTE_ITEM names a route by a word or an abbreviation only (no site, no lay phrase):
# its own tree and needles, fewer than _ROUTE's.
_ROUTE_WORD_GATE = flexible_needles([w for r in _V.routes for w in r.words])
_ROUTE_WORD_WIDTH = max_width(rf"{_ROUTE_WORDS_ALT}|{_ROUTE_ABBREVIATIONS}", _FLAGS)
_SPLIT_ROUTE_ITEM_FOLDED = FoldedPattern(
    _SPLIT_ROUTE_ITEM,
    lead=(
        phrase_tree(
            [w for r in _V.routes for w in r.words],
            cased=[a for r in _V.routes for a in r.abbreviations],
        ),
        max_width(rf"(?P<num>{_COUNT})\s{{1,3}}", _FLAGS),
    ),
    seek=(
        None
        if _ROUTE_WORD_WIDTH is None or _ROUTE_WORD_GATE is None or _ROUTE_ABBR_GATE is None
        else (_ROUTE_WORD_GATE, _ROUTE_ABBR_GATE, _ROUTE_WORD_WIDTH)
    ),
)
_PASSIVE_ONLY = frozenset(_norm(v) for v in _V.passive_only_verbs)
_IMPLANT_VERBS = frozenset(_norm(v) for v in _V.implant_verbs)
_OTHER_STOPWORDS = frozenset(w.lower() for w in _V.other_name_stopwords)


# -- what one sentence tells ---------------------------------------------------------------


class _Covered:
    """Spans already taken in a sentence, asked "does [start, end) overlap one?" in
    log time: a sentence of many cell words would otherwise test each against each."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach = list(accumulate((end for _, end in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        # the spans that open before ``end``: does one of them reach past ``start``?
        last = bisect_left(self.starts, end) - 1
        return last >= 0 and self.reach[last] > start


@dataclass(slots=True)  # built by the hundred thousand on a long list of "MSCs"
class _Cells:
    """A mention of cells ("autologous bone marrow-derived stem cells (BMSCs)")."""

    start: int
    end: int
    sentence: int
    text: str
    kind: str | None = None
    source: str | None = None
    origin: str | None = None
    treat: str | None = None
    abbr: str | None = None
    head: str = "stem cells"  # or "mononuclear cells", "progenitor cells"
    product: bool = False  # a tissue given as it is ("her own cord blood"): no cell type
    # The source as a bare modifier ("Wharton's jelly mesenchymal stem cells", not
    # "...-derived"): with a kind, the kind names the cells and the source stays a source.
    source_words: str | None = None

    @property
    def specific(self) -> bool:
        return self.kind is not None or self.source is not None

    @property
    def cell_type(self) -> str | None:
        if self.product:
            return None
        if self.source_words and self.kind:
            return _cell_type(None, self.kind, self.head)  # "Wharton's jelly MSCs": MSCs
        return _cell_type(self.source, self.kind, self.head)

    @property
    def key(self) -> str:
        """What the cells are, for merging tellings: their type, else what was given."""
        return self.cell_type or self.source or self.text.lower()

    @property
    def telling(self) -> bool:
        """Whether the mention says what cells they are, not just 'stem cells'."""
        return self.specific or self.product or self.head != "stem cells"


# Every cell phrase (a match of _CELL) starts at a quote or after a character that is no
# letter, digit or hyphen (_B); so none starts inside an abbreviation made of those (a
# story's own, "(UCBSC)", always is), and an abbreviation that starts outside all of
# them lies outside all of them.
_ABBREVIATIONS_ARE_WORDS = all(re.fullmatch(r"[\w-]+", a) for a in _V.cell_abbreviations)


def _alone_cells(
    sentence: Sentence,
    alone: re.Pattern[str],
    gate: Needles,
    phrases: list[Span],
    defined: Mapping[str, tuple[str | None, str | None]],
) -> list[_Cells]:
    """The abbreviations of a sentence that stand alone, outside its cell ``phrases``
    (in order, apart), as cells: "the MSCs were injected"."""
    # A match kept below starts outside the cell phrases, and so does all of its
    # abbreviation: a phrase cannot start inside a word (see _ABBREVIATIONS_ARE_WORDS).
    # Without a needle left there, none is kept.
    if phrases and _ABBREVIATIONS_ARE_WORDS and not has(_outside(sentence.text, phrases), gate):
        return []
    found: list[_Cells] = []
    after = 0  # phrases[after] is the first one that may hold a later match's start
    # Run as it is: each match opens with a case-sensitive abbreviation, which the
    # engine looks for fast, and the sentence holds one (the caller's gate).
    for match in alone.finditer(sentence.text):
        start = match.start()
        while after < len(phrases) and phrases[after][1] <= start:
            after += 1
        if after < len(phrases) and phrases[after][0] <= start:
            continue  # inside a cell phrase
        source, kind = _abbreviation(match.group("abbr"), defined)
        treat = match.group("treat")
        found.append(
            _Cells(
                sentence.start + match.start(),
                sentence.start + match.end(),
                sentence.index,
                match.group().strip(),
                kind,
                source,
                treat=treat.lower() if treat else None,
                abbr=match.group("abbr"),
            )
        )
    return found


def _outside(text: str, spans: list[Span]) -> str:
    """The pieces of ``text`` outside ``spans`` (in order, apart), joined by a NUL."""
    pieces, at = [], 0
    for start, end in spans:
        pieces.append(text[at:start])
        at = end
    pieces.append(text[at:])
    return "\0".join(pieces)


# _Reader._cell_fields of a cell phrase, by its words and groups.
_CellFields = tuple[str, str | None, str | None, str | None, str | None, str, str | None]
_CELL_FIELDS: dict[tuple[str | Any, ...], _CellFields] = {}


def _head_name(head: str) -> str:
    """'stem cell', 'MSCs' -> 'stem cells'; 'olfactory ensheathing cell' -> '... cells'."""
    words = _norm(head).split()
    if "stem" in words or _ABBR_HEAD.fullmatch(head):
        return "stem cells"  # an abbreviation head ("MSCs") stands for stem cells
    if words and words[-1] == "cell":
        words[-1] = "cells"
    name = " ".join(words)
    return name.replace("cd", "CD", 1) if name.startswith("cd") else name


def _cell_type(source: str | None, kind: str | None, head: str = "stem cells") -> str:
    """'umbilical cord-derived mesenchymal stem cells', the ISCT way of naming cells."""
    words = " ".join(w for w in (kind, head) if w)
    return f"{source}-derived {words}" if source else words


@dataclass
class _Event:
    """One treatment told in one sentence."""

    kind: str  # cell_therapy, drug, surgery, rehabilitation, other, reference
    sentence: Sentence
    key: str  # what it is, for merging: cell type, drug class, name
    name: str | None = None
    spans: dict[str, Span] = field(default_factory=dict)
    cells: _Cells | None = None
    route: str | None = None
    route_key: str | None = None
    systemic: bool = False
    sessions: int | None = None
    dose_text: str | None = None
    dose_value: float | None = None
    dose_unit: str | None = None
    laterality: str | None = None
    split: bool = False
    again: bool = False
    ordinal: int | None = None
    habitual: bool = False
    verb: str | None = None
    lasted: bool = False  # "two years of rehabilitation": told by its length, no verb

    @property
    def detailed(self) -> bool:
        return bool(self.route or self.sessions or self.dose_text or self.split)


def extract_treatments(doc: Document) -> TreatmentMentions:
    """The interventions of a narrative, its prior treatments and its day 0."""
    return _Reader(doc).read()


class _Reader:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.inert = doc.memo(_inert)  # then no sentence holds a gate word
        # A junk document folds only the few sentences asked for.
        self.folded: Sequence[str] = (
            _FoldedOnDemand(doc.sentences) if self.inert else doc.memo(folded_sentences)
        )
        self.words = doc.memo(_gate_words)
        self.cells = self._find_cells()
        self.by_sentence: dict[int, list[_Cells]] = {}
        for cell in self.cells:
            self.by_sentence.setdefault(cell.sentence, []).append(cell)

    # -- cells ---------------------------------------------------------------------
    def _find_cells(self) -> list[_Cells]:
        found: list[_Cells] = []
        defined: dict[str, tuple[str | None, str | None]] = {}
        taken: dict[int, list[Span]] = {}
        sentences = self.doc.sentences
        found_words = self.words
        # An abbreviation in a sentence is one in the document: look there once.
        abbr_gate = _in_text(_ABBR_GATE, self.text)
        scan = abbr_gate is None or bool(abbr_gate) or not self.inert
        abbr_sentences = self._with_needles(abbr_gate)
        if abbr_sentences is not None:  # the words or an abbreviation let a sentence in
            chosen = {*hits(found_words, _CELL_GATE), *abbr_sentences}
            candidates = [sentences[index] for index in sorted(chosen)]
        else:
            candidates = [
                s
                for s in (sentences if scan else ())
                if hit(found_words[s.index], _CELL_GATE) or has(s.text, abbr_gate)
            ]
        for sentence in candidates:
            matches = self._cell_matches(sentence)
            if not matches:
                continue
            for match in matches:
                cell = self._cell_from_match(match, sentence)
                if match.group("abbr"):
                    # "umbilical cord blood-derived stem cell (UCBSC)": the story's own
                    # abbreviation, which later sentences may use alone.
                    defined[match.group("abbr").rstrip("s")] = (cell.source, cell.kind)
                    cell.abbr = match.group("abbr")
                found.append(cell)
            taken[sentence.index] = [match.span() for match in matches]  # in order, apart
        alone = _ABBR_ALONE
        alone_gate: Needles = _ABBR_GATE
        if defined:
            alone_gate = cased_needles([*_V.cell_abbreviations, *defined])
            alone = re.compile(
                r"\b(?P<abbr>"
                + _cased([*_V.cell_abbreviations, *defined])
                + r")\b(?:\s{1,3}(?P<treat>"
                + _TREAT
                + r")"
                + _E
                + r")?",
                _FLAGS,
            )
        alone_gate = abbr_gate if alone_gate is _ABBR_GATE else _in_text(alone_gate, self.text)
        alone_sentences = self._with_needles(alone_gate)
        for sentence in (
            sentences
            if alone_sentences is None
            else [sentences[index] for index in alone_sentences]
        ):
            if has(sentence.text, alone_gate):
                phrases = taken.get(sentence.index, [])
                found += _alone_cells(sentence, alone, alone_gate, phrases, defined)
        own: dict[int, list[_Cells]] = {}
        for cell in found:
            own.setdefault(cell.sentence, []).append(cell)
        for index in hits(found_words, _PRODUCT_GATE) if not self.inert else ():
            sentence = sentences[index]
            spans = _Covered(
                [
                    (c.start - sentence.start, c.end - sentence.start)
                    for c in own.get(sentence.index, [])
                ]
            )
            folded, present = self.folded[index], found_words[index]
            for match in (
                _PRODUCT_FOLDED.finditer(sentence.text, folded)
                if _PRODUCT_FIRSTS is None
                else _PRODUCT_FOLDED.finditer_words(
                    sentence.text, folded, _PRODUCT_FIRSTS & present
                )
            ):
                if spans.overlaps(match.start(), match.end()):
                    continue
                origin, treat = match.group("origin"), match.group("treat")
                found.append(
                    _Cells(
                        sentence.start + match.start(),
                        sentence.start + match.end(),
                        sentence.index,
                        # "her own cord blood" is named "cord blood"; "own" says autologous
                        _clean(match.group()[match.start("product") - match.start() :]),
                        source=_V.cell_products.get(_norm(match.group("product"))),
                        origin=origin.lower() if origin else None,
                        treat=treat.lower() if treat else None,
                        product=True,
                    )
                )
        found.sort(key=lambda c: c.start)
        return found

    def _cell_matches(self, sentence: Sentence) -> list[re.Match[str]]:
        """``_CELL.finditer(sentence.text)``, tried only where a cell phrase may start."""
        text, folded = sentence.text, self.folded[sentence.index]
        if self.inert or _CELL_FIRSTS is None:
            return _CELL_FOLDED.finditer(text, folded)
        present = self.words[sentence.index]
        # A phrase opens with its first word, whole or (an abbreviation) with an "s".
        firsts = [*(_CELL_FIRSTS & present), *(w[:-1] for w in _CELL_FIRSTS_PLURAL & present)]
        return _CELL_FOLDED.finditer_words(text, folded, [*firsts, *_CELL_QUOTES])

    def _with_needles(self, found: Needles) -> list[int] | None:
        """The sentences holding one of ``found`` (needles of the text), by index; None when
        they are too many to list this way (then test each sentence)."""
        if found is None:
            return None
        sentences, text = self.doc.sentences, self.text
        starts = self.doc.memo(_sentence_starts)
        chosen: set[int] = set()
        budget = 64 + len(sentences)
        for needle in found:
            at = text.find(needle)
            while at >= 0:
                budget -= 1
                if budget < 0:
                    return None  # junk full of abbreviations
                index = bisect_right(starts, at) - 1
                if index >= 0 and at + len(needle) <= sentences[index].end:
                    chosen.add(index)
                at = text.find(needle, at + 1)
        return sorted(chosen)

    @staticmethod
    def _cell_from_match(match: re.Match[str], sentence: Sentence) -> _Cells:
        # What the cells are depends on the words matched alone: read once per wording
        # (a long list of "MSCs" repeats a few).
        key = (match.group(), *match.groups())
        fields = _CELL_FIELDS.get(key)
        if fields is None:
            fields = _Reader._cell_fields(match)
            if len(_CELL_FIELDS) < 4096:
                _CELL_FIELDS[key] = fields
        text, kind, source, origin, treat, head, source_words = fields
        return _Cells(
            sentence.start + match.start(),
            sentence.start + match.end(),
            sentence.index,
            text,
            kind,
            source,
            origin,
            treat,
            head=head,
            source_words=source_words,
        )

    @staticmethod
    def _cell_fields(match: re.Match[str]) -> _CellFields:
        """(text, kind, source, origin, treat, head, source_words) of a cell phrase."""
        source = _V.cell_sources.get(_norm(match.group("src"))) if match.group("src") else None
        kind = _V.cell_kinds.get(_norm(match.group("kind"))) if match.group("kind") else None
        for abbr in (match.group("pre"), match.group("head")):
            if abbr and abbr[:1].isupper() and abbr[1:2].isupper():
                abbr_source, abbr_kind = _abbreviation(abbr, {})
                source, kind = source or abbr_source, kind or abbr_kind
        origin = match.group("origin")
        text = _clean(match.group())
        treat = match.group("treat")
        source_words = None
        if (
            match.group("src")
            and not match.group("derived")
            and source == _V.cell_sources.get(_norm(match.group("src")))
        ):
            source_words = " ".join(match.group("src").lower().split())
        # "stem cells", or the cells a head names ("mononuclear cells"); an abbreviation
        # head ("MSCs") stands for stem cells.
        head = _head_name(match.group("head"))
        return (
            text,
            kind,
            source,
            origin.lower() if origin else None,
            treat.lower() if treat else None,
            head,
            source_words,
        )

    def _event_sentences(self) -> list[Sentence]:
        """The sentences that may tell an event (a superset: read() tests each again)."""
        by_sentence = self.by_sentence
        sentences = self.doc.sentences
        if self.inert:  # only cells or a treatment heading can tell an event
            if any(_treatment_key(key) for key in {h.key for h in self.doc.headers}) or any(
                _treatment_key(h.heading.rstrip(" :")) for h in self.doc.sections
            ):
                return [s for s in sentences if by_sentence.get(s.index) or _headed(self.doc, s)]
            # a sentence's header_key is the key of its line's header
            return [sentences[index] for index in sorted(by_sentence)]
        # The sentences the test in read() lets in: a gate word, cells or a treatment
        # heading (a sentence's header_key is the key of its line's header).
        keys = {h.key for h in self.doc.headers}
        headed = {key for key in keys if _treatment_key(key)}
        chosen = set(hits(self.words, _EVENT_WORDS))
        chosen.update(index for index, cells in by_sentence.items() if cells)
        if headed:
            chosen.update(s.index for s in sentences if s.header_key in headed)
        # "Treatment given:" on a line of its own, its items below (a section heading).
        titled = {
            i for i, h in enumerate(self.doc.sections) if _treatment_key(h.heading.rstrip(" :"))
        }
        if titled:
            chosen.update(
                s.index for s in sentences if s.section in titled and _headed(self.doc, s)
            )
        return [sentences[index] for index in sorted(chosen)]

    # -- reading --------------------------------------------------------------------
    def read(self) -> TreatmentMentions:
        events: list[_Event] = []
        words, by_sentence = self.words, self.by_sentence
        sentences = self._event_sentences()
        for sentence in sentences:
            index = sentence.index
            if (
                not hit(words[index], _EVENT_WORDS)
                and not by_sentence.get(index)
                and not _headed(self.doc, sentence)
            ):
                continue  # no verb of giving, no cells, no heading: no event (see _events)
            events.extend(self._events(sentence))
        result = TreatmentMentions()
        cell_events = [e for e in events if e.kind == "cell_therapy"]
        references = [e for e in events if e.kind == "reference"]
        drug_events = [e for e in events if e.kind in ("drug", "other")]
        rehab = [e for e in events if e.kind == "rehabilitation"]
        has_cell_story = any(c.treat or (c.specific and not c.product) for c in self.cells)

        main: list[_Event]
        if cell_events or (references and self.cells):
            main = cell_events or references
            for event in main:
                event.kind = "cell_therapy"
        elif has_cell_story:
            main = []
        elif drug_events:
            main = drug_events
        else:
            main = [e for e in events if e.kind == "surgery"]

        if main:
            # The first telling with details (route, count, dose, time) is the treatment
            # itself; an earlier passing mention ("she received cells abroad") is a summary.
            # "Before the stem cell treatment she had ...": a telling framed as before it
            # names the treatment to date what came first; it is not its day.
            day0_event = next(
                (
                    e
                    for e in main[:_MAX_ITEMS]
                    if (e.detailed or self._timed(e)) and not _BEFORE_FRAME.match(e.sentence.text)
                ),
                main[0],
            )
            result.day0_sentence = day0_event.sentence.index
            interventions = self._merge(main)
            if main[0].kind == "cell_therapy":
                self._complete_cells(interventions)
                interventions += self._merge(
                    [
                        e
                        for e in rehab
                        if not (e.habitual or e.lasted)
                        and e.sentence.index >= day0_event.sentence.index
                    ]
                )
        elif has_cell_story:
            fallback = self._fallback()
            interventions = [fallback] if fallback else []
            if fallback is not None:
                result.day0_sentence = fallback.sentence
                self._complete_cells(interventions)
        else:
            interventions = []
        result.interventions = interventions
        if result.day0_sentence is not None:
            result.day0_date = self._day0_date(result.day0_sentence)
            result.now = self._now(result.day0_sentence)
        main_ids = {id(e) for e in main}
        result.prior = self._prior(events, main_ids, result.day0_sentence)
        return result

    def _timed(self, event: _Event) -> bool:
        return any(m.relation != "phase" for m in _times(event.sentence))

    # -- events of one sentence -------------------------------------------------------
    def _events(self, sentence: Sentence) -> list[_Event]:
        text = sentence.text
        folded = self.folded[sentence.index]
        present = self.words[sentence.index]
        if not text.strip() or (hit(present, _LITERATURE_GATE) and _LITERATURE.search(text)):
            return []  # what studies have shown is not this patient's treatment
        # A modal statement ("stem cells may be injected") is not a treatment given; a
        # modal after the verb ("a patch of cells that would replace ...") does not make one.
        modal = _MODAL_FOLDED.search(text, folded) if hit(present, _MODAL_GATE) else None
        verbs = (
            [
                m
                for m in (
                    _ADMIN_FOLDED.finditer(text, folded)
                    if _ADMIN_FIRSTS is None
                    else _ADMIN_FOLDED.finditer_words(text, folded, _ADMIN_FIRSTS & present)
                )
                if self._admin_verb(text, folded, m)
                and (modal is None or modal.start() >= m.start())
            ]
            if hit(present, _ADMIN_GATE)
            else []
        )
        spans = [(m.start(), m.end()) for m in verbs]
        verb = verbs[0].group("verb").lower() if verbs else None
        if _headed(self.doc, sentence):
            # "Treatment: 4 intrathecal injections of UC-MSCs": the heading does the giving.
            spans, verb = [(0, len(text))], verb or "treatment"
        events: list[_Event] = []
        told_by_verb = verb is not None
        # "Treatment consisted of two intravenous infusions of placental MSCs", "paid a
        # clinic for intravitreal injections of cells": the noun does the giving.
        # A title ("A Case of Stem Cell Transplant for Diabetes") names, it does not tell.
        told = sentence.header_key is not None or text.rstrip().endswith((".", "!", "?", ";"))
        nouns = self._noun_cues(sentence) if modal is None and told else []
        cell_spans = sorted(spans + [span for span, _ in nouns])
        # Cells count when a verb of giving stands near them, not anywhere in a long sentence.
        cells = [
            c
            for c in self.by_sentence.get(sentence.index, [])
            if _near((c.start - sentence.start, c.end - sentence.start), cell_spans)
            and not self._only_a_topic(text, folded, c.start - sentence.start, cell_spans)
        ]
        if verb is None and cells and nouns:
            verb = nouns[0][1]
        if verb is not None:
            if cells and verbs:
                first = (cells[0].start - sentence.start, cells[0].end - sentence.start)
                nearest = min(verbs, key=lambda m: _gap((m.start(), m.end()), first))
                verb = nearest.group("verb").lower()
            if (
                cells
                or (
                    hit(present, _CELLS_GATE)
                    and hit(present, _MULTIPLIER_GATE)
                    and _DOSE_ROUTE_ITEM.search(text)
                )
                or self._refers_to_cells(sentence, verbs)
            ):
                events.extend(self._cell_events(sentence, cells, verb))
            elif self.cells:
                # "she received 2 intravenous and 2 intrathecal infusions of them": routes
                # counted in a cell story are cells even when the sentence does not say so.
                split = self._split_items(sentence, None)
                if not split and self._counted_route(sentence):
                    # "Treatment: two sub-Tenon injections into the right eye, five million
                    # cells each": one route counted or dosed tells the story's cells too.
                    split = self._cell_events(sentence, [], verb)
                events.extend(split)
            if hit(present, _DRUG_GATE):
                events.extend(self._drug_events(sentence, spans))
            if not self.by_sentence.get(sentence.index) and has(folded, _SURGERY_GATE):
                events.extend(self._surgery_events(sentence, verbs))
        if hit(present, _OTHER_HEAD_GATE) and hit(present, _OTHER_VERB_GATE):
            events.extend(self._other_events(sentence))
        if hit(present, _REHAB_GATE):
            events.extend(self._rehab_events(sentence, told_by_verb))
        return events

    def _noun_cues(self, sentence: Sentence) -> list[tuple[Span, str]]:
        """Nouns of giving that tell a treatment of the cells beside them, with the noun."""
        text, offset = sentence.text, sentence.start
        folded = self.folded[sentence.index]
        found: list[tuple[Span, str]] = []
        for cells in self.by_sentence.get(sentence.index, [])[:_MAX_ITEMS]:
            start, end = cells.start - offset, cells.end - offset
            noun_of = (
                _NOUN_OF_FOLDED.search(text, folded, max(0, start - 40), start)
                if has(folded[max(0, start - 40) : start], _NOUN_OF_GATE)
                else None
            )
            if noun_of:
                span, noun = noun_of.span(), noun_of.group("noun")
            elif cells.treat and _GIVING_NOUN.fullmatch(cells.treat):
                span, noun = (start, end), cells.treat
            else:
                continue
            before = text[max(0, span[0] - 60) : span[0]]
            folded_before = folded[max(0, span[0] - 60) : span[0]]
            if _AFTER_BEFORE_FOLDED.search(before, folded_before) or _TOPIC_FOLDED.search(
                before, folded_before
            ):
                continue  # "after the stem cell injections", "information on cell infusions"
            if _NEGATED_BEFORE_FOLDED.search(
                text[max(0, span[0] - 40) : span[0]], folded[max(0, span[0] - 40) : span[0]]
            ):
                continue  # "no stem cell injections"
            found.append((span, _VERB_OF_NOUN.get(_norm(noun).rstrip("s"), _norm(noun))))
        return found

    @staticmethod
    def _only_a_topic(text: str, folded: str, position: int, verbs: list[Span]) -> bool:
        """'received a letter about stem cell trials': the cells are what it was about."""
        index = bisect_right(verbs, position, key=lambda span: span[1])
        if index == 0:
            return False
        start = max(verbs[index - 1][1], position - _NEAR)
        return bool(_TOPIC_FOLDED.search(text, folded, start, position))

    def _counted_route(self, sentence: Sentence) -> bool:
        """Whether a sentence without cells or drugs names a route with a count or a cell dose."""
        text, folded = sentence.text, self.folded[sentence.index]
        counted = has(folded, _COUNT_NOUN_GATE)
        dosed = "cell" in folded and _DOSE_HINT.search(folded) is not None
        if not (counted or dosed):
            return False  # the cheap tests first: a route is costly to look for
        if not (has(folded, _ROUTE_GATE) or has(text, _ROUTE_ABBR_GATE)) or _has_drug(text):
            return False
        if _ROUTE_FOLDED.search(text, folded) is None:
            return False
        if dosed and _cell_dose(text, 0, len(text), folded) is not None:
            return True
        return counted and _count_in(text, folded) is not None

    def _refers_to_cells(self, sentence: Sentence, verbs: list[re.Match[str]]) -> bool:
        """'They were given by injection ...', 'The surgeon put the cells into the back of
        my eye' just after the cells were named."""
        text = sentence.text
        given = any(_CELLS_ANAPHOR.match(text, verb.end()) for verb in verbs)
        if not _ANAPHOR.match(text) and not given:
            return False
        if given and _SOURCE_NAMED.search(text):
            return True  # "took marrow from his hip and ... injected the cells into ..."
        return any(
            self.by_sentence.get(index) for index in range(sentence.index - 2, sentence.index)
        )

    @staticmethod
    def _admin_verb(text: str, folded: str, match: re.Match[str]) -> bool:
        if match.start() == 0:
            # "Delivered via ...": a telling; "Transplanted cells have ...": an adjective.
            return bool(_OPENING_PARTICIPLE.match(text, match.end()))
        start = max(0, match.start() - 40)
        before, folded_before = text[start : match.start()], folded[start : match.start()]
        if _NEGATED_BEFORE_FOLDED.search(before, folded_before) or _NEGATED_AFTER.match(
            text, match.end()
        ):
            return False  # "never received", "had no stem cells"
        verb = _norm(match.group("verb"))
        return not (
            verb in _PASSIVE_ONLY and not _PASSIVE_BEFORE_FOLDED.search(before, folded_before)
        )

    def _cell_events(self, sentence: Sentence, cells: list[_Cells], verb: str) -> list[_Event]:
        text, offset = sentence.text, sentence.start
        primary = next((c for c in cells if c.treat or c.specific), cells[0] if cells else None)
        items = self._split_items(sentence, primary)
        if items:
            return items
        event = _Event(
            "cell_therapy",
            sentence,
            primary.key if primary else "stem cells",
            cells=primary,
            verb=verb,
        )
        if primary is not None:
            event.spans["name"] = (primary.start, primary.end)
        self._fill_route(event, text, offset, 0, len(text))
        self._fill_count(event, text, offset)
        if primary is None and event.sessions is None and not _SOME_TIMES.search(text):
            # "She had the procedure repeated in 2019": the cells told before, once more
            # ("repeated four times over two weeks" counts otherwise)
            event.again = bool(_AGAIN.search(text))
        self._fill_dose(event, text, offset)
        self._fill_laterality(event, text, offset)
        event.ordinal = _max_ordinal(text)
        event.name = self._cell_name(event, text, offset, primary, verb)
        return [event]

    def _split_items(self, sentence: Sentence, primary: _Cells | None) -> list[_Event]:
        """'4 intravenous and 2 intrathecal infusions', '1 ... via X, 2 ... via Y', doses."""
        text, offset = sentence.text, sentence.start
        folded, present = self.folded[sentence.index], self.words[sentence.index]
        key = primary.key if primary else "stem cells"
        events: list[_Event] = []
        # (a) counts per route: "4 intravenous and 2 intrathecal infusions",
        # "4 intrathecal injections ... and 4 IV infusions"
        abbreviated = has(text, _ROUTE_ABBR_GATE)
        worded = abbreviated or has(folded, _ROUTE_WORD_GATE)  # a route word or abbreviation
        for item, noun in _counted_routes(text, folded) if worded else ():
            count = _count_value(item.group("num"))
            route = _route_of(item.group("route"))
            if count is None or route is None:
                continue
            event = _Event(
                "cell_therapy",
                sentence,
                key,
                cells=primary,
                split=True,
                route=route.name,
                route_key=route.name,
                systemic=route.systemic,
                sessions=count,
            )
            event.spans.update(
                route=_abs(item.span("route"), offset), sessions=_abs(item.span("num"), offset)
            )
            base = self._cell_base(primary, noun.group("noun") if noun else None)
            event.name = f"{base}, {route.name}"
            events.append(event)
        if events:
            return events
        # (a2) "into her spinal fluid four times and into a vein twice", "four by IV and
        # four by lumbar puncture": a count next to each route
        # (any route, lay phrases and sites too: a gate of more needles, asked only then)
        if _route_count_hint(present, folded) and (worded or has(folded, _ROUTE_GATE)):
            events = self._counted_next_to_routes(sentence, primary, key)
        if events:
            return events
        # (b) "N <what> via <route>" listed
        via = [
            m
            for m in (_VIA_ITEM_FOLDED.finditer(text, folded) if hit(present, _VIA_GATE) else [])
            if _ROUTE.search(m.group("route")) or _ROUTE_LIKE.search(m.group("route"))
        ]
        if len(via) >= 2:
            for item in via:
                count = _count_value(item.group("num"))
                what = _clean(item.group("what"))
                route_text = _clean(item.group("route"))
                route_match = _ROUTE.search(route_text)
                route_obj = _route_from_match(route_match) if route_match else None
                event = _Event(
                    "cell_therapy",
                    sentence,
                    key,
                    cells=primary,
                    split=True,
                    route=route_text.lower(),
                    route_key=route_text.lower(),
                    systemic=bool(route_obj and route_obj.systemic),
                    sessions=count,
                )
                event.name = f"{what.lower()} via {route_text.lower()}"
                event.spans.update(
                    name=_abs(item.span("what"), offset), route=_abs(item.span("route"), offset)
                )
                if count is not None:
                    event.spans["sessions"] = _abs(item.span("num"), offset)
                events.append(event)
            return events
        # (c) "490 million cells were administered intrathecally, 15 million ... into each ..."
        doses = (
            list(_DOSE_ROUTE_ITEM.finditer(text))
            if hit(present, _CELLS_GATE) and hit(present, _MULTIPLIER_GATE)
            else []
        )
        if len(doses) >= 2 or (doses and not primary):
            for item in doses:
                event = _Event("cell_therapy", sentence, key, cells=primary, split=len(doses) > 1)
                self._fill_route(event, text, offset, item.start("route"), item.end("route"))
                self._fill_dose(event, text, offset, item.start("dose"), item.end("dose"))
                self._fill_laterality(event, text, offset, item.start("route"), item.end())
                if event.route is None:
                    continue
                event.name = f"{self._cell_base(None, None)}, {event.route_key}"
                events.append(event)
        if events or not (worded or has(folded, _ROUTE_GATE)):
            return events
        # (d) "by retrobulbar injection in both eyes (10 million cells per eye) combined with
        # intravenous infusion of 50 million cells": routes told apart, each with its dose
        return self._dosed_routes(sentence, primary, key)

    def _dosed_routes(self, sentence: Sentence, primary: _Cells | None, key: str) -> list[_Event]:
        text, offset, folded = sentence.text, sentence.start, self.folded[sentence.index]
        first = _DOSE_HINT.search(folded)
        if first is None or _DOSE_HINT.search(folded, first.end()) is None:
            return []  # two doses, each with a multiplier
        events: list[_Event] = []
        for start, end in _route_segments(text, folded):
            event = _Event("cell_therapy", sentence, key, cells=primary, split=True)
            self._fill_route(event, text, offset, start, end)
            self._fill_dose(event, text, offset, start, end)
            self._fill_count(event, text[start:end], offset + start)
            self._fill_laterality(event, text, offset, start, end)
            event.name = f"{self._cell_base(primary, None)}, {event.route_key}"
            events.append(event)
        return events

    def _counted_next_to_routes(
        self, sentence: Sentence, primary: _Cells | None, key: str
    ) -> list[_Event]:
        text, offset = sentence.text, sentence.start
        events: list[_Event] = []
        for match, route, times in _routes_then_counts(text, self.folded[sentence.index]):
            event = _Event(
                "cell_therapy",
                sentence,
                key,
                cells=primary,
                split=True,
                route=route.name,
                route_key=route.name,
                systemic=route.systemic,
                sessions=_route_count(times.group("num")),
            )
            event.spans.update(
                route=_abs(match.span(), offset), sessions=_abs(times.span("num"), offset)
            )
            event.name = f"{self._cell_base(primary, None)}, {route.name}"
            self._fill_laterality(event, text, offset, match.start(), times.end())
            events.append(event)
        return events

    def _cell_base(self, cells: _Cells | None, noun: str | None) -> str:
        """A treatment name from cells and a noun: 'umbilical cord blood stem cell infusions'."""
        if cells is not None and noun:
            words = _strip_abbr(cells.text).lower()
            words = re.sub(r"\bcells\b", "cell", words)
            return f"{words} {noun.lower()}"
        if cells is not None and (cells.specific or cells.treat):
            return _strip_abbr(cells.text).lower()
        best = self._best_name
        if best:
            return best
        return "stem cell therapy"

    @cached_property
    def _best_name(self) -> str | None:
        """The story's most telling treatment phrase ('mesenchymal stem cell therapy')."""
        named = [c for c in self.cells if c.treat]
        specific = [c for c in named if c.specific]
        for group in (specific, named):
            if group:
                return _strip_abbr(group[0].text).lower()
        return None

    def _cell_name(
        self, event: _Event, text: str, offset: int, cells: _Cells | None, verb: str
    ) -> str:
        if cells is None:
            return self._cell_base(None, None)
        if cells.treat:
            return _strip_abbr(cells.text).lower()
        noun_of = _NOUN_OF_FOLDED.search(
            text, fold(text), max(0, cells.start - offset - 40), cells.start - offset
        )
        if noun_of:
            event.spans["name"] = (offset + noun_of.start(), cells.end)
            phrase = _clean(noun_of.group() + " " + _strip_abbr(cells.text)).lower()
            return re.sub(r"\bof (?:an?|the|his|her|their) ", "of ", phrase)
        if cells.telling or cells.abbr:
            return _strip_abbr(cells.text).lower()
        # "the stem cells were injected": the verb names the treatment better than a
        # title that calls it "therapy".
        noun = _VERB_NOUNS.get(verb)
        best = self._best_name
        if noun and (best is None or noun not in best):
            return f"stem cell {noun}"
        return best or "stem cell therapy"

    # -- filling slots -------------------------------------------------------------------
    def _fill_route(self, event: _Event, text: str, offset: int, start: int, end: int) -> None:
        found: list[tuple[Route, int, int, str]] = []
        folded = fold(text)
        routes = (
            _ROUTE_FOLDED.finditer(text, folded, start, end)
            if has(folded, _ROUTE_GATE) or has(text, _ROUTE_ABBR_GATE)
            else []
        )
        for match in routes:
            route = _route_from_match(match)
            if route is None or any(r is route or match.start() < stop for r, _, stop, _ in found):
                continue  # the same route again, or a word inside the last route's phrase
            phrase, stop = self._route_text(match, route, text)
            found.append((route, match.start(), stop, phrase))
        if not found and event.verb and _norm(event.verb) in _IMPLANT_VERBS:
            event.route = event.route_key = _V.surgical_route
            return
        if not found:
            return
        first, last = found[0], found[-1]
        if len(found) == 1:
            event.route = first[3]
        else:
            noun = _ROUTE_NOUN_AFTER.match(text, last[2])
            event.route = " and ".join(r.name for r, *_ in found) + (
                f" {noun.group('noun').lower()}" if noun else ""
            )
            if noun is None and " " in last[3] and last[3].startswith(last[0].name):
                event.route = " and ".join(r.name for r, *_ in found[:-1]) + f" and {last[3]}"
        event.route_key = "+".join(sorted(r.name for r, *_ in found))
        event.systemic = all(r.systemic for r, *_ in found)
        event.spans["route"] = (offset + first[1], offset + last[2])

    @staticmethod
    def _route_text(match: re.Match[str], route: Route, text: str) -> tuple[str, int]:
        """How the story names a route, and where that name ends."""
        if match.group("site"):
            if _norm(match.group("site")) in _LAY:
                return route.name, match.end()  # "through a drip" is intravenous
            return f"{route.name} injection", match.end()
        if match.group("abbr"):
            return route.name, match.end()
        word = _norm(match.group("word"))
        guide = _norm(match.group("guide")) + " " if match.group("guide") else ""
        # Adverbs and variant spellings read as the route's name; a multi-word route
        # ("lumbar puncture") is its own phrase.
        base = word if " " in word or word == _norm(route.words[0]) else route.name
        if " " in word:
            return guide + base, match.end()
        noun = _ROUTE_NOUN_AFTER.match(text, match.end())
        if noun is None:
            return guide + base, match.end()
        phrase = f"{guide}{base} {noun.group('noun').lower()}"
        if noun.group("into"):
            phrase += f" into {noun.group('site').strip().lower()}"
        return phrase, noun.end()

    @staticmethod
    def _fill_count(event: _Event, text: str, offset: int) -> None:
        folded = fold(text)
        found = _count_in(text, folded) if has(folded, _COUNT_NOUN_GATE) else None
        if found is None:
            daily = _DAILY_FOR.search(text) if has(folded, _DAY_GATE) else None
            days = _count_value(daily.group("days")) if daily else None
            if daily and days:
                event.sessions = days
                event.spans["sessions"] = _abs(daily.span(), offset)
                return
            # "given by lumbar puncture three times", "the injections were repeated twice"
            times = _TIMES.search(text) if has(folded, _TIMES_GATE) else None
            count = _times_value(times.group("num") or times.group("num2")) if times else None
            if times and count:
                event.sessions = count
                event.spans["sessions"] = _abs(times.span(), offset)
            return
        value, (start, end), noun, abbr, num_text = found
        if noun in _DOSE_NOUNS:
            dose_text = f"{num_text} {abbr} {noun}" if abbr else f"{num_text} {noun}"
            rest = text[end : end + 30]
            if noun.startswith("unit") and re.match(
                r"\s{1,3}of\s{1,3}(?:stem\s{1,3})?cells", rest, _FLAGS
            ):
                dose_text += " of stem cells"
            event.dose_text = dose_text.lower()
            event.spans["dose"] = (offset + start, offset + end)
            if noun.startswith("unit"):
                return
        event.sessions = value
        event.spans["sessions"] = (offset + start, offset + end)

    @staticmethod
    def _fill_dose(
        event: _Event, text: str, offset: int, start: int = 0, end: int | None = None
    ) -> None:
        dose = _dose_in(text, start, len(text) if end is None else end)
        if dose is None:
            return
        event.dose_text, event.dose_value, event.dose_unit = dose.text, dose.value, dose.unit
        event.spans["dose"] = _abs(dose.span, offset)
        if dose.days is not None and event.sessions is None:
            event.sessions = dose.days[0]
            event.spans["sessions"] = _abs(dose.days[1], offset)

    @staticmethod
    def _fill_laterality(
        event: _Event, text: str, offset: int, start: int = 0, end: int | None = None
    ) -> None:
        end = len(text) if end is None else end
        sides: dict[str, Span] = {}
        folded = fold(text)
        for side, pattern, folded_gate, raw_gate in _LATERALITY_FOLDED:
            if not (has(folded, folded_gate) or has(text, raw_gate)):
                continue  # every match holds one of these needles
            match = pattern.search(text, folded, start, end)
            if match:
                sides[side] = _abs(match.span(), offset)
        if not sides:
            return
        if "both" in sides or ("right" in sides and "left" in sides):
            event.laterality = "both"
            event.spans["laterality"] = sides.get("both") or sides["right"]
        else:
            side = next(iter(sides))
            event.laterality = side
            event.spans["laterality"] = sides[side]

    # -- drugs, surgery, rehabilitation, other ---------------------------------------------
    def _drug_events(self, sentence: Sentence, verbs: list[Span]) -> list[_Event]:
        text, offset = sentence.text, sentence.start
        events: list[_Event] = []
        seen: set[tuple[str, str | None]] = set()
        covered = 0
        folded, present = self.folded[sentence.index], self.words[sentence.index]
        for match in (
            _DRUG_FOLDED.finditer(text, folded)
            if _DRUG_FIRSTS is None
            else _DRUG_FOLDED.finditer_words(text, folded, _DRUG_FIRSTS & present)
        ):
            if not _near(match.span(), verbs):
                continue
            if match.start() < covered or _DRUG_DENIED.search(
                text, max(0, match.start() - 50), match.start()
            ):
                continue  # inside the last drug's phrase, or "despite steroids", "no steroids"
            drug_class = _V.drugs.get(_norm(match.group("drug")), _norm(match.group("drug")))
            event = _Event("drug", sentence, drug_class)
            start, end = _drug_phrase(text, match)
            covered = end
            local = _ROUTE.search(text, max(0, start - 1), min(len(text), end + 1))
            route = _route_from_match(local) if local else None
            if local and route is not None:
                event.route = event.route_key = route.name
                event.systemic = route.systemic
                event.spans["route"] = _abs(local.span(), offset)
            else:
                # "methylprednisolone 250 mg q6h intravenously": the route after the dose
                self._fill_route(event, text, offset, end, min(len(text), end + 60))
                event.route = event.route_key
            phrase = re.sub(r"^(?:an?|the)\s+", "", _clean(text[start:end]).lower())
            phrase = re.sub(r"^(?:" + _NUM + r")\s+", "", phrase)
            if event.route and not _ROUTE.search(phrase) and " " not in phrase:
                phrase = f"{event.route} {phrase}"  # "intravenous methylprednisolone"
            event.name = phrase
            event.spans["name"] = (offset + start, offset + end)
            if (drug_class, event.route_key) in seen:
                continue
            seen.add((drug_class, event.route_key))
            self._fill_count(event, text[max(0, start - 30) : end], offset + max(0, start - 30))
            self._fill_dose(event, text, offset, start, min(len(text), end + 60))
            if event.sessions is None:
                daily = _DAILY_FOR.search(text, start)
                days = _count_value(daily.group("days")) if daily else None
                if daily and days:
                    event.sessions = days
                    event.spans["sessions"] = _abs(daily.span(), offset)
            event.again = bool(_AGAIN.search(text))
            events.append(event)
        return events

    def _surgery_events(self, sentence: Sentence, verbs: list[re.Match[str]]) -> list[_Event]:
        text, offset = sentence.text, sentence.start
        events: list[_Event] = []
        for verb in verbs:
            noun = _SURGERY.search(text, verb.end(), min(len(text), verb.end() + 60))
            if noun is None or _CLAUSE_MARK.search(text, verb.end(), noun.start()):
                continue
            words = text[verb.end() : noun.start()].split()
            lead = 0
            while lead < len(words) and words[lead].lower() in _DETERMINERS:
                lead += 1
            if lead and lead == len(words):
                # "underwent the surgery": the story's treatment told again, not a new one
                events.append(_Event("reference", sentence, "reference", verb=verb.group("verb")))
                continue
            if len(words) - lead > 5:
                continue
            start = noun.start() - len(" ".join(words[lead:])) - (1 if words[lead:] else 0)
            stop = _SURGERY_END.search(text, noun.end(), min(len(text), noun.end() + 120))
            end = stop.start() if stop else noun.end()
            phrase = _LATERALITY_PHRASE.sub("", _clean(text[start:end]).lower())
            phrase = " ".join(phrase.split()[:8])
            event = _Event("surgery", sentence, phrase, name=phrase, verb=verb.group("verb"))
            event.spans["name"] = (offset + start, offset + end)
            events.append(event)
        return events

    def _other_events(self, sentence: Sentence) -> list[_Event]:
        text, offset = sentence.text, sentence.start
        events: list[_Event] = []
        for match in _OTHER.finditer(text):
            words = list(_WORD.finditer(text, max(0, match.start() - 80), match.start()))
            name_words: list[re.Match[str]] = []
            for word in reversed(words):
                if (
                    word.group().lower() in _OTHER_STOPWORDS
                    or not word.group()[0].isalpha()
                    or len(name_words) >= 3
                ):
                    break
                name_words.insert(0, word)
            if not name_words:
                continue
            start = name_words[0].start()
            head = _OTHER_HEAD.match(text, match.start())
            end = head.end() if head else match.start()
            phrase = _clean(text[start:end]).lower()
            if _has_drug(phrase) or _has_cells(phrase):
                continue
            event = _Event("other", sentence, phrase, name=phrase)
            event.spans["name"] = (offset + start, offset + end)
            events.append(event)
        return events

    def _rehab_events(self, sentence: Sentence, has_verb: bool) -> list[_Event]:
        text, offset = sentence.text, sentence.start
        events: list[_Event] = []
        folded, present = self.folded[sentence.index], self.words[sentence.index]
        for match in (
            _REHAB_FOLDED.finditer(text, folded)
            if _REHAB_FIRSTS is None
            else _REHAB_FOLDED.finditer_words(text, folded, _REHAB_FIRSTS & present)
        ):
            before = text[max(0, match.start() - 60) : match.start()]
            # "Before the stem cell treatment she had ... weekly occupational therapy": a
            # sentence framed as before tells habits however far the frame is.
            habitual = bool(_HABITUAL.search(before) or _BEFORE_FRAME.match(text))
            alongside = bool(_ALONGSIDE.search(before))
            # "After two years of rehabilitation she could not stand": a course that lasted
            lasted = bool(_LASTED.search(before))
            if not (habitual or alongside or has_verb or lasted):
                continue
            phrase = _clean(match.group()).lower()
            event = _Event(
                "rehabilitation",
                sentence,
                _norm(match.group("rehab")),
                name=phrase,
                habitual=habitual,
                lasted=lasted and not (habitual or alongside or has_verb),
            )
            event.spans["name"] = _abs(match.span(), offset)
            events.append(event)
        return events

    # -- merging events into interventions ---------------------------------------------------
    def _merge(self, events: list[_Event]) -> list[InterventionMention]:
        """One mention per distinct treatment: same agent and compatible route merge."""
        merged: list[tuple[_Event, InterventionMention]] = []
        for event in events:
            if len(merged) >= _MAX_ITEMS:
                break  # no case narrative tells this many treatments; stay linear on junk
            target = next((pair for pair in merged if _compatible(pair[0], pair[1], event)), None)
            if target is None:
                merged.append((event, self._mention(event)))
                continue
            first, mention = target
            if event.detailed and not first.detailed and not first.split:
                # The telling with details names the treatment better than a passing mention.
                merged[merged.index(target)] = (event, mention)
                mention.name = event.name or mention.name
                mention.sentence = event.sentence.index
                if "name" in event.spans:
                    mention.spans["name"] = event.spans["name"]
            self._fill_from(mention, event)
        merged = _without_joint_tellings(merged)
        mentions = [mention for _, mention in merged]
        # A route-less telling ("she received cord blood cells") of a treatment whose routes
        # are told elsewhere adds nothing of its own.
        routed = [m for m in mentions if m.route]
        if routed:
            for mention in [m for m in mentions if not m.route]:
                peer = next((m for m in routed if m.kind == mention.kind), None)
                if peer is not None and mention.sessions is None and mention.dose_text is None:
                    mentions.remove(mention)
        return mentions

    def _mention(self, event: _Event) -> InterventionMention:
        kind = "cell_therapy" if event.kind == "reference" else event.kind
        name = event.name or (self._cell_base(None, None) if kind == "cell_therapy" else event.key)
        mention = InterventionMention(
            name=name,
            kind=kind,
            route=event.route,
            laterality=event.laterality,
            sessions=event.sessions,
            dose_text=event.dose_text,
            dose_value=event.dose_value,
            dose_unit=event.dose_unit,
            sentence=event.sentence.index,
            spans=dict(event.spans),
        )
        if event.ordinal and mention.sessions is None and event.ordinal > 1:
            mention.sessions = event.ordinal
        return mention

    @staticmethod
    def _fill_from(mention: InterventionMention, event: _Event) -> None:
        for name in ("route", "laterality", "dose_text", "dose_value", "dose_unit"):
            if getattr(mention, name) is None and getattr(event, name) is not None:
                setattr(mention, name, getattr(event, name))
                span_key = "dose" if name.startswith("dose") else name
                if span_key in event.spans:
                    mention.spans.setdefault(span_key, event.spans[span_key])
        if event.again:
            mention.sessions = (mention.sessions or 1) + 1
        elif mention.sessions is None and event.sessions is not None:
            mention.sessions = event.sessions
            if "sessions" in event.spans:
                mention.spans["sessions"] = event.spans["sessions"]
        if (
            event.ordinal
            and event.ordinal > (mention.sessions or 1)
            and not event.split
            and "sessions" not in mention.spans
        ):
            mention.sessions = event.ordinal

    def _complete_cells(self, interventions: list[InterventionMention]) -> None:
        """Cell type and source from the sentence, else from the whole story."""
        self._story_dose(interventions)
        self._story_count(interventions)
        primary = self._primary_cells()
        source, source_span = self._stated_source()
        origin = self._origin()
        for mention in interventions:
            if mention.kind != "cell_therapy":
                continue
            told = self.by_sentence.get(-1 if mention.sentence is None else mention.sentence, [])
            name_span = mention.spans.get("name", (-1, -1))
            # The cells the treatment's name was read from, else the sentence's telling ones.
            own = [c for c in told if c.telling and name_span[0] <= c.start < name_span[1]]
            own += [c for c in told if c.telling]
            cells = own[0] if own else primary
            mention.cell_type = cells.cell_type if cells else "stem cells"
            if cells is not None and cells.product and mention.name:
                mention.name = re.sub(r"\bstem cell therapy\b", cells.text.lower(), mention.name)
            if cells is not None and cells.cell_type:
                mention.spans.setdefault("cell_type", (cells.start, cells.end))
            cell_source = (cells.source if cells else None) or source
            if cell_source:
                if origin and not cell_source.startswith(origin):
                    cell_source = f"{origin} {cell_source}"
                mention.cell_source = cell_source
                span = (cells.start, cells.end) if cells and cells.source else source_span
                if span:
                    mention.spans["cell_source"] = span
            if mention.laterality is None and (
                mention.route is None
                or not any(r.systemic and r.name in (mention.route or "") for r in _V.routes)
            ):
                side = self._single_side
                if side:
                    mention.laterality, mention.spans["laterality"] = side

    def _story_dose(self, interventions: list[InterventionMention]) -> None:
        """A cell dose told on its own ("Each eye received 1 x 10^6 cells", "Dose: 50 million
        cells per infusion") near the treatment: given to its cell treatments when it is the only
        one told there and none of them has a dose of its own."""
        cell = [m for m in interventions if m.kind == "cell_therapy" and m.sentence is not None]
        if not cell or any(m.dose_text for m in cell):
            return
        first = min(m.sentence for m in cell if m.sentence is not None)
        sentences = self.doc.sentences[first : first + _DOSE_REACH]
        doses: dict[str, tuple[_Dose, int]] = {}
        for sentence in sentences:
            text = sentence.text
            folded = fold(text)
            if not has(folded, _CELL_DOSE_GATE):
                continue
            dose = _cell_dose(text, 0, len(text), folded)
            if dose is not None:
                doses.setdefault(dose.text, (dose, sentence.start))
        if len(doses) != 1:
            return  # none, or several that may each belong to one of the treatments
        dose, offset = next(iter(doses.values()))
        for mention in cell:
            mention.dose_text, mention.dose_value = dose.text, dose.value
            mention.dose_unit = dose.unit
            mention.spans["dose"] = _abs(dose.span, offset)

    def _story_count(self, interventions: list[InterventionMention]) -> None:
        """'He had two injections in each eye, three months apart': the count of the story's
        only cell treatment told in a later sentence of giving that names no other agent."""
        cell = [m for m in interventions if m.kind == "cell_therapy"]
        if len(cell) != 1 or cell[0].sessions is not None or cell[0].sentence is None:
            return
        first = cell[0].sentence
        counts: dict[int, tuple[Span, int]] = {}
        for sentence in self.doc.sentences[first + 1 : first + _DOSE_REACH]:
            text, folded = sentence.text, self.folded[sentence.index]
            if (
                self.by_sentence.get(sentence.index)
                or not hit(self.words[sentence.index], _ADMIN_GATE)
                or not has(folded, _COUNT_NOUN_GATE)
                or _has_drug(text)
                or _ADMIN_FOLDED.search(text, folded) is None
            ):
                continue
            found = _count_in(text, folded)
            if found is not None:
                counts.setdefault(found[0], (found[1], sentence.start))
        if len(counts) == 1:
            value, (span, offset) = next(iter(counts.items()))
            cell[0].sessions = value
            cell[0].spans["sessions"] = _abs(span, offset)

    def _primary_cells(self) -> _Cells | None:
        specific = [c for c in self.cells if c.specific]
        if not specific:
            return None
        counts = Counter(c.cell_type for c in specific)
        best = max(counts.values())
        return next(c for c in specific if counts[c.cell_type] == best)

    def _stated_source(self) -> tuple[str | None, Span | None]:
        """The source of the cells told as where they came from ("stem cells from my own
        fat") and its span."""
        for sentence in self.doc.sentences:
            present = self.words[sentence.index]
            if not ("cell" in present or "cells" in present):
                continue  # the words \bcells?\b looks for
            if not _CELLS_WORD_WHOLE.search(sentence.text):
                continue
            match = (
                _SOURCED_FROM_FOLDED.search(sentence.text, self.folded[sentence.index])
                if hit(present, _FROM_GATE)
                else None
            ) or (_HARVESTED.search(sentence.text) if hit(present, _HARVEST_GATE) else None)
            if match:
                return (
                    _V.cell_sources.get(_norm(match.group("src"))),
                    _abs(match.span("src"), sentence.start),
                )
        return None, None

    def _origin(self) -> str | None:
        origins = [c.origin for c in self.cells if c.origin]
        if not origins:
            return None
        origin = origins[0]
        return (
            "allogeneic"
            if origin.startswith("allogen")
            else ("autologous" if origin in ("autologous", "autogenous", "own") else origin)
        )

    @cached_property
    def _single_side(self) -> tuple[str, Span] | None:
        """A story that names one eye only implies it (FORMAT.md convention)."""
        # The first match of each side: the branches of _SIDE_FOLDED start with distinct
        # words and never overlap, so its matches are those of each branch alone, found
        # here by a literal-led search (on the folded text for the case-insensitive ones).
        texts = (self.doc.memo(folded_text), self.text)
        found: dict[str, Span] = {}
        for side, scans in _SIDE_SCANS:
            for pattern, raw in scans:
                match = pattern.search(texts[raw])
                if match and (side not in found or match.start() < found[side][0]):
                    found[side] = match.span()
        if len(found) == 1:
            side = next(iter(found))
            if side != "both":
                return side, found[side]
        return None

    def _fallback(self) -> InterventionMention | None:
        """A story that tells its treatment only in passing: "after 35 days' transplant"."""
        named = [c for c in self.cells if c.treat or c.specific]
        if not named:
            return None
        found = self._passing_mention()
        if found is None:
            return None  # cells talked about, never told as given: no intervention
        sentence, (start, end) = found
        text, offset = sentence.text, sentence.start
        clause_cells = [
            c for c in self.by_sentence.get(sentence.index, []) if start <= c.start - offset < end
        ]
        cells = next((c for c in clause_cells if c.treat), None)
        name = _strip_abbr(cells.text).lower() if cells else self._best_name
        primary = self._primary_cells()
        origin = self._origin()
        if primary is not None and (
            name is None
            or not any(w in name for w in (primary.source or "@", primary.kind or "@"))
        ):
            # The story names its cells elsewhere ("SCOTS uses autologous BMSCs"): say so.
            name = re.sub(r"\bcells\b", "cell", primary.key) + " treatment"
            if origin and primary.source:
                name = f"{origin} {name}"
        event = _Event(
            "cell_therapy", sentence, "fallback", name=name or "stem cell therapy", cells=cells
        )
        if cells is not None:
            event.spans["name"] = (cells.start, cells.end)
        # Slots only from the words that tell the treatment: "Four months following
        # treatment, acuity was 20/100 OD and 20/40 OS" says nothing of the treated eye.
        self._fill_route(event, text, offset, start, end)
        self._fill_count(event, text[start:end], offset + start)
        self._fill_dose(event, text, offset, start, end)
        self._fill_laterality(event, text, offset, start, end)
        return self._mention(event)

    def _passing_mention(self) -> tuple[Sentence, Span] | None:
        """The first clause that places the treatment in time, and that clause's bounds."""
        for sentence in self.doc.sentences:
            if not _TREATMENT_WORD_FOLDED.search(sentence.text, self.folded[sentence.index]):
                continue
            for time in _times(sentence):
                after = self.text[time.start : time.end + 50]
                spelled = _UNIT_WORD.search(self.text, time.start, time.end)
                if time.relation == "after_day0" and spelled and _TREATMENT_WORD.search(after):
                    return sentence, _chunk(sentence, time.start)
            for cells in self.by_sentence.get(sentence.index, []):
                before = self.text[max(sentence.start, cells.start - 50) : cells.start]
                if cells.treat and _AFTER_BEFORE.search(before):
                    return sentence, _chunk(sentence, cells.start)
        return None

    # -- day 0 ------------------------------------------------------------------------------
    def _day0_date(self, index: int) -> TimeMention | None:
        sentence = self.doc.sentences[index]
        dates = [m for m in _times(sentence) if m.relation == "date"]
        if dates:
            return dates[0]
        # A row holds an ISO date: where none is, no row is (a cheap scan for "19", "20").
        row = _SCHEDULE_ROW.search(self.text) if _ISO_DATE.search(self.text) else None
        if row:
            mention = _date_mention(row.group("date"), row.start("date"), row.end("date"))
            if mention:
                return mention
        admission = self._admission_date()
        if admission:
            return admission
        if index > 0:
            previous = self.doc.sentences[index - 1]
            if _DATE_CONTEXT.search(previous.text):
                dates = [m for m in _times(previous) if m.relation == "date"]
                if dates:
                    return dates[0]
        return None

    def _admission_date(self) -> TimeMention | None:
        header = self.doc.header("admission date", "date of admission", "admitted")
        if header is not None:
            dates = [
                m
                for m in find_times(header.value[:_TIME_WINDOW], header.value_start)
                if m.relation == "date"
            ]
            if dates:
                return dates[0]
        if "admission" not in self.doc.memo(folded_text):
            return None  # every match of _ADMISSION holds the word
        lines = self.doc.lines
        for number, (start, end) in enumerate(lines):
            if not _ADMISSION.search(self.text, start, end):
                continue
            for next_start, next_end in lines[number + 1 : number + 3]:
                match = _ISO_DATE.search(self.text, next_start, next_end)
                if match:
                    return _date_mention(match.group(), match.start(), match.end())
        return None

    def _now(self, index: int) -> TimeMention | None:
        sentence = self.doc.sentences[index]
        for mention in _times(sentence):
            words = self.text[mention.start : mention.end].lower().split()
            if mention.relation == "before_now" and words and words[-1] in ("ago", "earlier"):
                return mention
        return None

    # -- prior treatments ------------------------------------------------------------------------
    def _prior(
        self, events: list[_Event], main: set[int], day0: int | None
    ) -> list[PriorTreatmentMention]:
        found: list[PriorTreatmentMention] = []

        def add(name: str, span: Span, kind: str = "other") -> None:
            if len(found) >= _MAX_ITEMS:
                return
            name = _prior_name(name)
            if not name or any(_same(name, p.name) or _within(name, p.name) for p in found):
                return  # ("ranibizumab" after "anti-vegf injections (ranibizumab)")
            mention = PriorTreatmentMention(name=name, kind=kind, spans={"name": span})
            # A fuller telling of one already found takes its place ("cataract surgery",
            # then "cataract surgery under peribulbar anesthesia").
            fuller = next((i for i, p in enumerate(found) if _within(p.name, name)), None)
            if fuller is not None:
                found[fuller] = mention
            else:
                found.append(mention)

        sentences = self.doc.sentences
        # "Previous therapy:" alone on its line: the lines under it list what was tried.
        for index in _under_prior_heading(self.doc) if not self.inert else ():
            sentence = sentences[index]
            for name, span, kind in _treatment_items(sentence.text, 0, sentence.start):
                add(name, span, kind)
        # Every rule of _prior_in needs one of _PRIOR_WORDS.
        chosen = set(hits(self.words, _PRIOR_WORDS)) if not self.inert else set()
        # "She'd had twenty injections": a perfect of "had", whose gate word is everywhere
        chosen.update(
            index
            for index, present in enumerate(self.words)
            if "had" in present and _had_had(present, self.folded[index])
        )
        for index in sorted(chosen):
            sentence = sentences[index]
            for name, span, kind in _prior_in(
                sentence, day0, self.by_sentence, self.words[sentence.index]
            ):
                add(name, span, kind)
        for event in events:
            if id(event) in main or event.kind in ("reference", "cell_therapy"):
                continue
            if event.kind == "rehabilitation":
                # Habitual, or told as given before the story's treatment was.
                before = day0 is not None and event.sentence.index < day0
                if (event.habitual or before) and "name" in event.spans:
                    add(event.name or event.key, event.spans["name"], "rehabilitation")
                continue
            if day0 is not None and event.sentence.index < day0 and "name" in event.spans:
                add(event.name or event.key, event.spans["name"], event.kind)
        return found


def _without_joint_tellings(
    merged: list[tuple[_Event, InterventionMention]],
) -> list[tuple[_Event, InterventionMention]]:
    """'gave them through a drip and as a shot behind each eye', then 'two IV infusions and
    two retrobulbar injections': a telling of routes together adds its details to the
    tellings of each route apart, which count the sessions, and is not one more treatment."""
    apart = {first.route_key: mention for first, mention in merged if first.split}
    kept: list[tuple[_Event, InterventionMention]] = []
    for first, mention in merged:
        routes = set((first.route_key or "").split("+"))
        if first.split or len(routes) < 2 or not routes <= set(apart):
            kept.append((first, mention))
            continue
        for route in routes:
            peer = apart[route]
            local = not any(r.systemic for r in _V.routes if r.name == route)
            if local and peer.laterality is None and mention.laterality is not None:
                peer.laterality = mention.laterality  # "behind each eye": both
                if "laterality" in mention.spans:
                    peer.spans["laterality"] = mention.spans["laterality"]
            if peer.dose_text is None and mention.dose_text is not None:
                peer.dose_text, peer.dose_value = mention.dose_text, mention.dose_value
                peer.dose_unit = mention.dose_unit
                if "dose" in mention.spans:
                    peer.spans["dose"] = mention.spans["dose"]
    return kept


def _under_prior_heading(doc: Document) -> list[int]:
    """The sentences under a heading line that names prior treatment ("Previous therapy:")."""
    headed = {
        number
        for number, section in enumerate(doc.sections)
        if _PRIOR_HEADING_LINE.match(section.heading)
    }
    if not headed:
        return []
    return [s.index for s in doc.sentences if s.section in headed and s.header_key is None][
        :_MAX_ITEMS
    ]


def _compatible(first: _Event, mention: InterventionMention, event: _Event) -> bool:
    """Whether ``event`` tells more of the treatment ``mention`` (first told by ``first``)."""
    if first.key != event.key and event.kind != "cell_therapy":
        return False
    if event.split or first.split:
        if event.route_key == first.route_key:
            return not (
                event.sessions
                and mention.sessions
                and event.sentence.index != first.sentence.index
            )
        return not event.split and event.route_key is None
    if event.route_key and mention.route and event.route_key != first.route_key:
        return False
    # The same drug and route given again with its own count is a new course.
    return not (
        event.sessions
        and mention.sessions
        and event.sessions != mention.sessions
        and event.sentence.index != first.sentence.index
    )


# -- prior treatments told in words ----------------------------------------------------------

_P = _V.prior
_DESPITE = re.compile(
    r"\bdespite\s{1,3}(?:(?:undergoing|receiving|taking|trying|having(?:\s{1,3}(?:had|"
    r"received|tried))?)\s{1,3})?(?P<body>[^.;:]{3,160}?)"
    r"(?=\s{0,2}(?:[.;:]|$|,\s{0,2}(?:he|his|she|her|they|their|the|there|it|vision|this)\b))",
    _FLAGS,
)
_TREATMENTS_WITH = re.compile(
    r"^(?:(?:"
    + _phrases(_P["qualifiers"])
    + r")\s{1,3}){0,1}(?:"
    + _phrases(_P["heads"])
    + r")\s{1,3}(?:with|of|including|such\s{1,3}as|like)\s{1,3}",
    _FLAGS,
)
_QUALIFIED = re.compile(
    r"\b(?:after|despite|with|following|under|on|received|receiving|tried)\s{1,3}"
    r"(?:(?:his|her|their|the)\s{1,3})?(?P<name>(?:"
    + _phrases(_P["qualifiers"])
    + r")\s{1,3}(?:"
    + _phrases(_P["heads"])
    + r"))\b",
    _FLAGS,
)
_QUALIFIED_FOLDED = FoldedPattern(
    _QUALIFIED,
    lead=(
        re.compile(_phrases(_P["heads"]), _FLAGS),
        max_width(
            r"\b(?:after|despite|with|following|under|on|received|receiving|tried)\s{1,3}"
            r"(?:(?:his|her|their|the)\s{1,3})?(?:" + _phrases(_P["qualifiers"]) + r")\s{1,3}",
            _FLAGS,
        ),
    ),
)
# _QUALIFIED opens with one of these words, whole (treatment_gate.first_words).
_QUALIFIED_FIRSTS = frozenset(
    {"after", "despite", "with", "following", "under", "on", "received", "receiving", "tried"}
)
_FAILURE = re.compile(r"\b(?:" + _phrases(_P["failure_cues"]) + r")\b", _FLAGS)
_TREATED_IN = re.compile(
    r"\b(?:was|were|had\s{1,3}been|been|got|getting)\s{1,3}(?:treated|treatment)\s{1,3}"
    r"(?P<prep>in|at)\s{1,3}(?P<where>" + _phrases(_P["places"]) + r")\b",
    _FLAGS,
)
_TREATED_FOR = re.compile(
    r"\b(?:(?:was|were|had\s{1,3}been|been)\s{1,3}treated|(?:began|started|received|"
    r"underwent|continued)\s{1,3}(?:a\s{1,3}|the\s{1,3})?treatment)\s{1,3}for\s{1,3}"
    r"(?P<what>[a-z][a-z' -]{2,40}?)(?=\s{0,2}(?:[,.;:]|$)|\s(?:but|and|with|in|at|since|"
    r"by|until|for|during|over|from|without|when|before|after)\b)",
    _FLAGS,
)
_STOPPED = re.compile(
    r"\b(?:" + _phrases(_P["stop_verbs"]) + r")\s{1,3}(?:using\s{1,3}|taking\s{1,3}|the\s{1,3})?"
    r"(?P<drug>" + _phrases(_P["prior_drugs"]) + r")\b",
    _FLAGS,
)
_DOSE_OF = re.compile(
    r"\b(?:dose|doses|amount|units)\s{1,3}of\s{1,3}(?P<drug>"
    + _phrases(_P["prior_drugs"])
    + r")\s{1,3}(?:he|she|they|the\s{1,3}patient)\s{1,3}(?:uses|used|takes|took|needed|"
    r"was\s{1,3}(?:using|taking)|had\s{1,3}been\s{1,3}(?:using|taking))\b",
    _FLAGS,
)
_WAS_ON = re.compile(
    r"\b(?:(?:was|were|had\s{1,3}been)\s{1,3}(?:on|taking|using)|(?:controlled|maintained)"
    r"\s{1,3}on)\s{1,3}(?P<drug>"
    + _phrases(_P["prior_drugs"])
    + r")\b(?:\s{0,2},?\s{1,3}(?:and|plus)\s{1,3}(?P<drug2>"
    + _phrases(_P["prior_drugs"])
    + r")\b)?",
    _FLAGS,
)
_TREATED_WITH = re.compile(
    r"\b(?:was|were|had\s{1,3}been|been|is|being)\s{1,3}(?:\w+ly\s{1,3})?(?:treated|managed)"
    r"\s{1,3}with\s{1,3}(?P<body>[^.;:,]{3,100}?)(?=\s{0,2}(?:[.;:]|$|,)|\s(?:but|without|for|"
    r"since|in|at|from|until|which|who|when|after|before|during|over)\b)",
    _FLAGS,
)
_TRIED = re.compile(
    r"\b(?:" + _phrases(_P["try_verbs"]) + r")\s{1,3}(?P<body>[^.;:]{3,120}?)"
    r"(?=\s{0,2}(?:[.;:]|$|,\s{0,2}(?:but|yet|all|none|nothing|which|he|she|they|without)\b)"
    r"|\s(?:but|without|with\s{1,3}no|to\s{1,3}no|in\s{1,3}vain)\b)",
    _FLAGS,
)
_BEFORE = re.compile(r"\b(?:before|prior)\b", _FLAGS)
_EARLIER_HINT = re.compile(
    r"\b(?:previously|already|earlier|once)\b|^\W{0,3}(?:before|prior)\b", _FLAGS
)


def _had_had(present: frozenset[str], folded: str) -> bool:
    """Whether a sentence holds a perfect of "had" ("had had", "she'd had", "has had")."""
    return (
        "had" in present
        and ("d had" in folded or "s had" in folded or "ve had" in folded)
        and _DOUBLE_HAD.search(folded) is not None
    )


_DOUBLE_HAD = re.compile(
    r"(?:\bha[sd]|\bhave|['’]d)\s{1,3}(?:(?:previously|already|earlier|once)\s{1,3})?had\b"
)
# "She had received eleven anti-VEGF injections and photodynamic therapy before she came",
# "he has previously tried vitamin A": a perfect tense told before the story's treatment
# tells what was done before it.
_PERFECT = re.compile(
    r"(?:\b(?P<aux>had|has|have)|(?<=['’])d)\s{1,3}"
    r"(?:(?P<adverb>previously|already|earlier|also|once)\s{1,3})?(?:"
    + _phrases(_P["perfect_verbs"])
    + r"|had)\s{1,3}(?P<body>[^.;:]{3,120}?)"
    r"(?=\s{0,2}(?:[.;:]|$)|,\s{0,2}(?:but|yet|which|he|she|they|without)\b"
    r"|\s(?:and\s{1,3})?(?:had|has|have)\b|\s(?:but|without|with\s{1,3}no|to\s{1,3}no|in\s{1,3}vain|"
    r"before|for|since|in|at|from|until|which|when|after|during|over|on|because)\b)",
    _FLAGS,
)
# "Prior therapy: ABA, speech therapy and a gluten-free diet" (a list's own heading)
_PRIOR_HEADING = re.compile(
    r"^[^A-Za-z]{0,3}(?:"
    + _phrases(_P["heading_keys"])
    # "Previous management included X, Y and Z" heads its list as a colon does
    + r")\s{0,2}(?::|\s(?:included|includes|consisted\s{1,3}of|comprised|was|were)\s)"
    r"\s{0,2}(?P<body>[^.]{3,200})",
    _FLAGS,
)
_PRIOR_HEADING_LINE = re.compile(
    r"^[^A-Za-z]{0,3}(?:" + _phrases(_P["heading_keys"]) + r")\s{0,2}:?\s{0,2}$", _FLAGS
)
# "The local hospital performed endoscopic optic canal decompression", "he underwent a
# left trabeculectomy in 2016": an operation told done before the story's treatment.
_DONE_SURGERY = re.compile(
    r"\b(?:performed|carried\s{1,3}out|did|underwent|undergone|had)\s{1,3}"
    r"(?:(?:an?|the|his|her|their)\s{1,3})?(?P<name>(?:[A-Za-z][\w\-]{1,24}\s{1,3}){0,4}?"
    r"(?:" + _phrases([*_V.surgery_words, *_P["surgeries"]]) + r"))\b",
    _FLAGS,
)
# What alone names no operation of its own: "had surgery" may be the story's treatment.
_GENERIC_SURGERY = frozenset({"surgery", "operation", "procedure", "surgeries", "operations"})
# "Oral prednisolone was started at presentation but was stopped after two weeks"
_STOPPED_PASSIVE = re.compile(
    r"\b(?P<drug>" + _phrases(_P["prior_drugs"]) + r")\b[^.;]{0,60}?\b(?:was|were|had\s{1,3}been)"
    r"\s{1,3}(?:later\s{1,3}|then\s{1,3}|subsequently\s{1,3})?(?:stopped|discontinued|"
    r"withdrawn|tapered\s{1,3}off)\b",
    _FLAGS,
)
# Words that make a listed item a treatment beyond _TREATMENT_NOUN ("omega-3 supplements").
_PRIOR_NOUN = re.compile(r"\b(?:" + _phrases(_P["treatment_nouns"]) + r")\b", _FLAGS)
# What opens a listed item without naming it: "then natalizumab", "eleven injections".
_ITEM_LEAD = re.compile(
    r"^(?:(?:then|also|later|finally|even)\s{1,3})?"
    r"(?:(?:more\s{1,3}than|over|about|around|nearly|almost|at\s{1,3}least)\s{1,3})?(?:(?:\d{1,3}|"
    + _NUM
    + r"|several|various|many|some|different|multiple|other|all)\s{1,3})?"
    r"(?:(?:courses?|rounds?|cycles?|sessions?|doses?|trials?)\s{1,3}of\s{1,3})?",
    _FLAGS,
)
# "patching and vision therapy for almost a year": the time is not part of the list.
_FOR_DURATION = re.compile(
    r"\s(?:for|over)\s{1,3}(?:(?:about|almost|nearly|over|more\s{1,3}than|several|many|a|an|"
    r"the\s{1,3}(?:past|last))\s|\d|" + _NUM + r"\s)",
    _FLAGS,
)
_QUANTIFIER = re.compile(
    r"^(?:several|various|many|some|different|multiple|other|all)\s{1,3}", _FLAGS
)
_LIST_SPLIT = re.compile(
    r"\s{0,2}[,;]\s{0,2}(?:and\s{1,3}|or\s{1,3}|as\s{1,3}well\s{1,3}as\s{1,3}|plus\s{1,3})?"
    r"|\s{1,3}(?:and|or|as\s{1,3}well\s{1,3}as|plus)\s{1,3}",
    _FLAGS,
)


# "despite 18 months of intensive physiotherapy": the time is not part of the name.
_DURATION_OF = re.compile(
    r"^(?:(?:" + _NUM + r"|several|many|a\s{1,3}few)\s{1,3})?(?:days?|weeks?|months?|years?)"
    r"\s{1,3}of\s{1,3}",
    _FLAGS,
)
_TREATMENT_NOUN = re.compile(
    r"\b(?:treatments?|therap(?:y|ies)|medications?|medicines?|surgery|surgeries|drugs?|"
    r"operations?|injections?|infusions?|tablets?|pills?)\b|(?:"
    + _phrases(_V.rehabilitation)
    + r")|"
    + _DRUG.pattern
    + r"|\b(?:"
    + _phrases(_V.surgery_words)
    + r")\b",
    _FLAGS,
)
# What cannot be part of a listed treatment: a new clause's time, subject or verb.
_NOT_AN_ITEM = re.compile(
    r"^(?:at|in|on|by|after|within|over|for|during|since|until|when|he|she|they|it|his|her|"
    r"their|the\s{1,3}patient|there|this|vision(?!\s{1,3}(?:therapy|training|rehabilitation))|"
    r"which|who)\b|\b(?:was|were|is|are|had|has|"
    r"have|did|could|remained|stayed|kept)\b",
    _FLAGS,
)


# "Patching and vitamins had not helped her", "physiotherapy did not help"
_NOT_HELPED = re.compile(
    r"(?:^|[,;:]\s{0,2}|\b(?:but|and|so|as)\s{1,3})(?P<body>[A-Za-z][^,;:.()]{1,80}?)"
    r"\s{1,3}(?:(?:had|has|have|did|do|does)\s{1,3}(?:not|never)|hadn['’]t|hasn['’]t|"
    r"haven['’]t|didn['’]t|doesn['’]t|don['’]t)\s{1,3}(?:help|helped|work|worked)\b"
    r"|(?:^|[,;:]\s{0,2}|\b(?:but|and|so|as)\s{1,3})(?P<body2>[A-Za-z][^,;:.()]{1,80}?)"
    r"\s{1,3}(?:had\s{1,3}|have\s{1,3}|has\s{1,3})?(?:failed|been\s{1,3}ineffective|"
    r"was\s{1,3}ineffective|were\s{1,3}ineffective|brought\s{1,3}no|"
    # "Speech therapy and ABA helped a little": a treatment that did not do enough
    + _phrases(_P["weak_help"])
    + r")\b",
    _FLAGS,
)
# "The patient failed two courses of intravenous methylprednisolone"
_FAILED = re.compile(
    r"\bfailed\s{1,3}(?:(?:" + _NUM + r"|several|multiple|many|all)\s{1,3}"
    r"(?:(?:courses?|trials?|rounds?|cycles?|doses?|kinds?|types?)\s{1,3}of\s{1,3})?)?"
    r"(?P<body>(?!to\b)[A-Za-z][^,;:.()]{2,80}?)(?=\s{0,2}(?:[,;:.()]|$)|\s(?:and\s{1,3}then|"
    r"before|in\s{1,3}(?:19|20)\d\d|but|so|after|when)\b)",
    _FLAGS,
)
# Where a prior treatment's name ends: the eye or the year it was done in is told apart.
_NAME_TAIL = re.compile(
    r"\s(?:on|in|to|of)\s{1,3}(?:the|his|her|their|both)\s{1,3}(?:right|left|both|eyes?)\b"
    r"|\s(?:in|since|from|during)\s{1,3}(?:19|20)\d\d\b"
    # "physiotherapy since 8 months of age", "since birth"; "(three times)", "(2016)"
    r"|\s(?:since|from)\s{1,3}(?:birth|infancy|(?:the\s{1,3}age\s{1,3}of\s{1,3}|age\s{1,3})?"
    r"(?:\d{1,2}|" + _NUM + r")\s{1,3}(?:months?|years?)\b)"
    r"|\s{0,2}\((?:(?:19|20)\d\d|once|twice|[\w\-]{1,12}\s{1,3}times|x\s{0,2}\d{1,2}|\d{1,2}\s{0,2}x)\)"
    r"|\s(?:once|twice|(?:\d{1,2}|"
    + _NUM
    + r")\s{1,3}times)\s{1,3}(?:a|per|each)\s{1,3}(?:day|week|month)",
    _FLAGS,
)
_DETERMINER_LEAD = re.compile(r"^(?:the|a|an|his|her|their)\s+")
_SUBJECT_WORDS = re.compile(
    r"^(?:he|she|they|it|this|that|these|those|nothing|which|who|i|we|you|the\s{1,3}"
    r"(?:patient|child|boy|girl|man|woman|doctors?))$",
    _FLAGS,
)


def _list_end(body: str) -> int:
    """Where a list after 'despite' ends: at the first comma piece that is a new clause."""
    for comma in re.finditer(",", body):
        piece = body[comma.end() :].split(",", 1)[0].strip()
        if _NOT_AN_ITEM.search(piece) or len(piece.split()) > 6:
            return comma.start()
    return len(body)


# "(three times)", "(2016)": a count or year in brackets (not a drug: "(ranibizumab)").
_TRAILING_NOTE = re.compile(
    r"\s{0,2}\((?:(?:19|20)\d\d|once|twice|[\w\-]{1,12}\s{1,3}times|x\s{0,2}\d{1,2}|"
    r"\d{1,2}\s{0,2}x)\)$",
    _FLAGS,
)


def _split_list(body: str, offset: int) -> list[tuple[str, Span]]:
    """'steroids, vitamins and acupuncture' -> three items with spans shifted by ``offset``."""
    items: list[tuple[str, Span]] = []
    cursor = 0
    for split in [*_LIST_SPLIT.finditer(body), None]:
        stop = split.start() if split else len(body)
        item = body[cursor:stop].strip()
        if item:
            start = offset + body.index(item, cursor)
            items.append((item, (start, start + len(item))))
        if split:
            cursor = split.end()
    return items


def _treatment_items(
    body: str, body_start: int, offset: int, *, headed: bool = False
) -> list[tuple[str, Span, str]]:
    """The items of a list told as done before ('tried X, Y and Z'), when one of them at
    least is a treatment: the others are named in the same breath (new drug names).
    ``headed``: the list stands under a heading that says its items are treatments."""
    duration = _FOR_DURATION.search(body)
    if duration:
        body = body[: duration.start()]
    items: list[tuple[str, Span, str]] = []
    treatment_like = False
    for listed, (start, _end) in _split_list(body, body_start):
        lead = _ITEM_LEAD.match(listed)
        skip = lead.end() if lead else 0
        item = listed[skip:]
        dose = _DOSE_MASS.search(item)  # "idebenone 900 mg/day": the dose is not the name
        if dose:
            item = item[: dose.start()]
        item = _TRAILING_NOTE.sub("", item).rstrip(" ,.")  # "(three times)" is no part of it
        tail = _NAME_TAIL.search(item)  # nor "since 8 months of age", "in 2016"
        if tail and tail.start() > 0:
            item = item[: tail.start()]
        if len(item) < 2 or len(item.split()) > 6 or _NOT_AN_ITEM.search(item) or _has_cells(item):
            continue  # a letter alone is a word cut short (a sentence cut in junk), no name
        treatment_like = treatment_like or bool(
            _TREATMENT_NOUN.search(item) or _PRIOR_NOUN.search(item)
        )
        kind = "drug" if _has_drug(item) else "other"
        items.append((item, _abs((start + skip, start + skip + len(item)), offset), kind))
    return items if (treatment_like or headed) and len(items) <= 8 else []


def _listed_in(
    text: str, offset: int, present: frozenset[str], before: bool, cells_here: bool
) -> list[tuple[str, Span, str]]:
    """Lists told as done before: 'had received X and Y' (before the story's treatment,
    or anywhere as 'had previously undergone X') and 'Prior therapy: X, Y' (a list under its
    own heading, anywhere)."""
    found: list[tuple[str, Span, str]] = []
    # after day 0 only "had previously ..." or a sentence framed "Before ..." tells the past
    if (
        not cells_here
        and (hit(present, _PERFECT_GATE) or ("had" in present and _had_had(present, text.lower())))
        and (before or _EARLIER_HINT.search(text))
    ):
        for match in _PERFECT.finditer(text):
            # "had previously undergone X", or a sentence framed "Before all this, ..."
            earlier = bool(_BEFORE_FRAME.match(text)) or (
                match.group("aux") in (None, "had", "Had", "HAD")
                and bool(match.group("adverb") and match.group("adverb").lower() != "also")
            )
            if before or earlier:
                found.extend(_treatment_items(match.group("body"), match.start("body"), offset))
    heading = _PRIOR_HEADING.match(text) if hit(present, _HEADING_GATE) else None
    if heading:
        found.extend(
            _treatment_items(heading.group("body"), heading.start("body"), offset, headed=True)
        )
    return found


def _surgeries_in(text: str, offset: int) -> list[tuple[str, Span, str]]:
    """Operations told as done ("performed endoscopic optic canal decompression"), named by
    more than a generic word ("had surgery" may be the story's own treatment)."""
    found: list[tuple[str, Span, str]] = []
    for match in _DONE_SURGERY.finditer(text):
        name = match.group("name")
        if name.lower() in _GENERIC_SURGERY or _NOT_AN_ITEM.search(name) or _has_cells(name):
            continue
        found.append((name, _abs(match.span("name"), offset), "surgery"))
    return found


def _tried_in(text: str, offset: int) -> list[tuple[str, Span, str]]:
    """'He tried acupuncture and several medications, but nothing helped'; without a told
    failure, only a list that names a treatment is one ('we tried patching')."""
    found: list[tuple[str, Span, str]] = []
    failed = bool(_FAILURE.search(text))
    for match in _TRIED.finditer(text):
        if not failed:
            found.extend(_treatment_items(match.group("body"), match.start("body"), offset))
            continue
        body = match.group("body")
        duration = _FOR_DURATION.search(body)  # "... vision therapy for almost a year"
        for listed_item, (start, end) in _split_list(
            body[: duration.start()] if duration else body, match.start("body")
        ):
            quantifier = _QUANTIFIER.match(listed_item)  # "several medications"
            skip = quantifier.end() if quantifier else 0
            item = listed_item[skip:]
            if item and len(item.split()) <= 6:
                kind = "drug" if _has_drug(item) else "other"
                found.append((item, _abs((start + skip, end), offset), kind))
    return found


def _prior_in(
    sentence: Sentence,
    day0: int | None,
    cells: Mapping[int, list[_Cells]],
    present: frozenset[str],
) -> list[tuple[str, Span, str]]:
    text, offset = sentence.text, sentence.start
    found: list[tuple[str, Span, str]] = []
    before_day0 = day0 is None or sentence.index < day0
    listed: list[Span] = []
    for match in _DESPITE.finditer(text) if hit(present, _DESPITE_GATE) else ():
        listed.append(match.span())
        if not (day0 is None or sentence.index <= day0):
            continue  # "despite vitrectomy" after the story's treatment: a rescue, not prior
        body_start = match.start("body")
        body = match.group("body")
        if _has_cells(body):
            continue
        lead = _TREATMENTS_WITH.match(body) or _DURATION_OF.match(body)
        if lead:
            body_start += lead.end()
            body = body[lead.end() :]
        if not (lead or _TREATMENT_NOUN.search(body[:60]) or _PRIOR_NOUN.search(body[:60])):
            continue
        body = body[: _list_end(body)]
        for item, span in _split_list(body, body_start):
            kind = "drug" if _has_drug(item) else "other"
            found.append((item, _abs(span, offset), kind))
    # "She had been treated with oral steroids and IVIG without improvement"
    if (
        before_day0
        and not cells.get(sentence.index)
        and hit(present, _TREATED_WITH_GATE)
        and hit(present, _WITH_GATE)
    ):
        for match in _TREATED_WITH.finditer(text):
            for item, span in _split_list(match.group("body"), match.start("body")):
                if len(item.split()) <= 5:
                    kind = "drug" if _has_drug(item) else "other"
                    found.append((item, _abs(span, offset), kind))
    # "He tried acupuncture and several medications, but nothing helped"
    if before_day0 and not cells.get(sentence.index) and hit(present, _TRIED_GATE):
        found.extend(_tried_in(text, offset))
    found.extend(_listed_in(text, offset, present, before_day0, bool(cells.get(sentence.index))))
    if before_day0 and not cells.get(sentence.index) and hit(present, _DONE_SURGERY_GATE):
        found.extend(_surgeries_in(text, offset))
    if (day0 is None or sentence.index <= day0) and hit(present, _FAILED_IN_GATE):
        found.extend(_failed_in(sentence, cells))
    if not cells.get(sentence.index):
        found.extend(_qualified_in(text, offset, present, listed, before_day0))
    treat = hit(present, _TREAT_GATE)
    for match in _TREATED_IN.finditer(text) if treat and hit(present, _PLACES_GATE) else ():
        found.append(
            (
                f"treatment {match.group('prep').lower()} {match.group('where').lower()}",
                _abs((match.start(), match.end()), offset),
                "other",
            )
        )
    if (
        not cells.get(sentence.index)
        and sentence.index != day0
        and treat
        and hit(present, _FOR_GATE)
    ):
        for match in _TREATED_FOR.finditer(text):
            what = match.group("what").strip()
            if _has_cells(what) or _has_drug(what):
                continue
            found.append((f"treatment for {what}", _abs(match.span(), offset), "other"))
    if not hit(present, _PRIOR_DRUG_GATE):
        return found
    passive = hit(present, _STOPPED_PASSIVE_GATE)
    for pattern in (_STOPPED, _DOSE_OF, _STOPPED_PASSIVE) if passive else (_STOPPED, _DOSE_OF):
        for match in pattern.finditer(text):
            found.append((match.group("drug"), _abs(match.span("drug"), offset), "drug"))
    # "a man, poorly controlled on metformin, received cells": before the cells it is prior
    first_cells = min((c.start - offset for c in cells.get(sentence.index, [])), default=None)
    if before_day0 or (sentence.index == day0 and first_cells is not None):
        upto = len(text) if before_day0 or first_cells is None else first_cells
        for match in _WAS_ON.finditer(text, 0, upto):
            for group in ("drug", "drug2"):  # "on metformin and insulin"
                if match.group(group):
                    found.append((match.group(group), _abs(match.span(group), offset), "drug"))
    return found


def _qualified_in(
    text: str, offset: int, present: frozenset[str], listed: list[Span], before_day0: bool
) -> list[tuple[str, Span, str]]:
    """'After normal treatment the blood sugar still ...': a failed treatment told before."""
    if not hit(present, _QUALIFIED_GATE):
        return []
    matches = _QUALIFIED_FOLDED.finditer_words(text, fold(text), _QUALIFIED_FIRSTS & present)
    # Whether the sentence tells a failure: read once, and only when there is a treatment.
    if not matches or not (_FAILURE.search(text) or (before_day0 and _BEFORE.search(text))):
        return []
    return [
        (match.group("name"), _abs(match.span("name"), offset), "other")
        for match in matches
        # not inside a list after "despite": "despite standard therapy with ..."
        if not any(s <= match.start() < e for s, e in listed)
    ]


def _failed_in(
    sentence: Sentence, cells: Mapping[int, list[_Cells]]
) -> list[tuple[str, Span, str]]:
    """'Steroids had not helped her', 'the patient failed two courses of X'."""
    text, offset = sentence.text, sentence.start
    found: list[tuple[str, Span, str]] = []
    # What is told after the cells of the same sentence is their outcome, not a prior.
    first_cells = min((c.start - offset for c in cells.get(sentence.index, [])), default=None)
    for pattern, groups in ((_NOT_HELPED, ("body", "body2")), (_FAILED, ("body",))):
        for match in pattern.finditer(text):
            group = next((g for g in groups if match.group(g)), None)
            if group is None or (first_cells is not None and match.end() > first_cells):
                continue
            body = match.group(group)
            lead = _DURATION_OF.match(body) or _QUANTIFIER.match(body)
            skip = lead.end() if lead else 0
            if (
                _SUBJECT_WORDS.match(body.strip())
                or _has_cells(body)
                or (pattern is _FAILED and not _TREATMENT_NOUN.search(body))
            ):
                continue
            for item, span in _split_list(body[skip:], match.start(group) + skip):
                if 0 < len(item.split()) <= 5 and not _SUBJECT_WORDS.match(item):
                    kind = "drug" if _has_drug(item) else "other"
                    found.append((item, _abs(span, offset), kind))
    return found


# -- small helpers ------------------------------------------------------------------------------


_NEAR = 100  # characters between a verb of giving and what was given


def _has_drug(text: str) -> bool:
    """``bool(_DRUG.search(text))``, for a short text (a listed item, a name)."""
    folded = fold(text)
    return has(folded, _DRUG_NEEDLES) and _DRUG_FOLDED.search(text, folded) is not None


def _has_cells(text: str) -> bool:
    """``bool(_CELL.search(text))``, for a short text (a listed item, a name)."""
    folded = fold(text)
    if not (has(folded, _CELL_HEAD_NEEDLES) or has(text, _ABBR_GATE)):
        return False
    return _CELL_FOLDED.search(text, folded) is not None


def _gap(a: Span, b: Span) -> int:
    return max(0, b[0] - a[1], a[0] - b[1])


def _near(span: Span, others: list[Span]) -> bool:
    """Whether ``span`` lies within _NEAR characters of one of ``others`` (sorted by start)."""
    index = bisect_left(others, (span[0] - _NEAR, 0))
    # Spans are short: the neighbour just before the window may still reach into it.
    return any(_gap(span, other) <= _NEAR for other in others[max(0, index - 1) : index + 3])


_TIME_WINDOW = 2000  # no sentence telling a treatment is longer; bounds find_times on junk


def _chunk(sentence: Sentence, position: int) -> Span:
    """The comma-delimited stretch, relative to the sentence, that holds ``position``."""
    text, at = sentence.text, position - sentence.start
    before = [m.end() for m in _CHUNK_END.finditer(text, max(0, at - 160), at)]
    after = _CHUNK_END.search(text, at, min(len(text), at + 160))
    return (before[-1] if before else max(0, at - 160)), (
        after.start() if after else min(len(text), at + 160)
    )


def _times(sentence: Sentence) -> list[TimeMention]:
    return find_times(sentence.text[:_TIME_WINDOW], sentence.start)


def _abs(span: tuple[int, int], offset: int) -> Span:
    return span[0] + offset, span[1] + offset


def _clean(text: str) -> str:
    return " ".join(_QUOTES.sub("", text).split())


def _strip_abbr(text: str) -> str:
    return " ".join(_PAREN.sub("", text).split())


def _same(a: str, b: str) -> bool:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return bool(wa and wb) and len(wa & wb) / max(len(wa), len(wb)) >= 0.5


@lru_cache(maxsize=256)
def _prior_name(text: str) -> str:
    """A told prior treatment as its name: lower case, no article, without the eye, year,
    frequency or dose told after it ("idebenone 900 mg/day" -> "idebenone").  Cached: junk
    repeats one phrase thousands of times."""
    name = " ".join(text.lower().split()).strip(" ,.;:")
    name = _DETERMINER_LEAD.sub("", name)
    tail = _NAME_TAIL.search(name)  # "trabeculectomy on the right eye in 2015"
    if tail and tail.start() > 0:
        name = name[: tail.start()]
    dose = _DOSE_MASS.search(name) if _DIGIT.search(name) else None
    if dose and dose.start() > 0:
        name = name[: dose.start()].rstrip(" ,")
    aside = _DATED_ASIDE.search(name)  # "fingolimod (stopped 2019)"
    if aside and aside.start() > 0:
        name = name[: aside.start()]
    return name


# A closing parenthesis that dates a treatment or tells its end, no part of its name.
_DATED_ASIDE = re.compile(
    r"\s{0,2}\((?=[^()]{0,40}(?:\d|\b(?:"
    + _phrases(_P["stop_verbs"])
    + r"|until|since)\b))[^()]{1,40}\)$",
    _FLAGS,
)


def _within(a: str, b: str) -> bool:
    """Whether every word of ``a`` is a word of ``b`` (brackets and plurals aside)."""
    wa = _name_words(a.strip("()"))
    return bool(wa) and wa <= _name_words(b)


@lru_cache(maxsize=256)
def _name_words(name: str) -> frozenset[str]:
    """The words of a name, singular ('injections' -> 'injection'), without brackets.
    Cached: a junk list of one treatment asks for the same names thousands of times."""
    words = (w.strip("()") for w in name.lower().split())
    return frozenset(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )


def _float(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _abbreviation(
    abbr: str,
    defined: Mapping[str, tuple[str | None, str | None]],
) -> tuple[str | None, str | None]:
    for key in (abbr, abbr[:-1] if abbr.endswith("s") else abbr):
        if key in defined:
            return defined[key]
        if key in _V.cell_abbreviations:
            return _V.cell_abbreviations[key]
    return None, None


def _route_of(word: str) -> Route | None:
    return _ROUTE_LOOKUP.get(_norm(word)) or _ROUTE_LOOKUP.get(word)


def _route_from_match(match: re.Match[str]) -> Route | None:
    if match.group("site"):
        return _SITE_LOOKUP.get(_norm(match.group("site")))
    if match.group("abbr"):
        abbr = match.group("abbr")
        return _ROUTE_LOOKUP.get(abbr) or _ROUTE_LOOKUP.get(abbr.rstrip("s"))
    return _route_of(match.group("word") or "")


_ROUTE_WORDS = _phrases(w for r in _V.routes for w in r.words)
_ROUTE_ADJECTIVES = _phrases(w for r in _V.routes for w in r.words if not w.endswith("ly"))
_DRUG_BEFORE = re.compile(
    r"(?:(?:"
    + _NUM
    + r")\s{1,3})?(?:\b(?:daily|weekly)\s{1,3})?(?:"
    + _B
    + r"(?:"
    + _ROUTE_WORDS
    + r")\s{1,3})?(?:\b(?:high|low)[\s-]dose\s{1,3})?"
    r"(?:\b(?:injections?|infusions?|pulses?|courses?)\s{1,3}of\s{1,3})?$",
    _FLAGS,
)
_DRUG_AFTER = re.compile(
    r"(?:\s{1,3}(?:" + _ROUTE_ADJECTIVES + r"))?(?:\s{1,3}(?:injection|infusion|pulse))?"
    r"(?:\s{1,3}(?:therapy|treatment|taper))?",
    _FLAGS,
)
_DRUG_DENIED = re.compile(
    r"(?:\bdespite\b[^,.;]{0,40}|\bno\s{1,3}|\bwithout\s{1,3}|"
    r"\binstead\s{1,3}of\s{1,3})$",
    _FLAGS,
)


_DRUG_BEFORE_FOLDED = FoldedPattern(_DRUG_BEFORE)


def _drug_phrase(text: str, match: re.Match[str]) -> Span:
    """The noun phrase around a drug word: 'six parabulbar injections of dexamethasone'."""
    start, end = match.start(), match.end()
    before = _DRUG_BEFORE_FOLDED.search(text, fold(text), max(0, start - 80), start)
    if before:
        start = before.start()
    after = _DRUG_AFTER.match(text, end)
    if after:
        end = after.end()
    return start, end


def _dose_unit(unit: str, per_kg: bool) -> str | None:
    table = {
        "mg": "mg",
        "g": "g",
        "gm": "g",
        "gram": "g",
        "grams": "g",
        "mcg": "ug",
        "µg": "ug",
        "μg": "ug",
        "ug": "ug",
        "ml": "mL",
        "iu": "U",
        "units": "U",
    }
    canonical = table.get(fold(unit))
    if canonical is None:
        return None
    return f"{canonical}/kg" if per_kg and canonical in ("mg", "ug") else canonical


def _counted_routes(text: str, folded: str) -> list[tuple[re.Match[str], re.Match[str] | None]]:
    """Routes that each carry their own count, with the noun they share or have."""
    matches = _SPLIT_ROUTE_ITEM_FOLDED.finditer(text, folded)
    group: list[re.Match[str]] = []
    for match in matches:
        if group and not _ITEM_JOIN.fullmatch(text, group[-1].end(), match.start()):
            group = []
        group.append(match)
        noun = _ITEM_NOUN_AFTER.match(text, match.end())
        if len(group) >= 2 and (noun or _ITEM_CLOSED.match(text, match.end())):
            return [(item, noun) for item in group]
    # Each with its own noun: "4 intrathecal injections of MSCs and 4 IV infusions".
    standalone: list[tuple[re.Match[str], re.Match[str] | None]] = [
        (m, noun) for m in matches if (noun := _ITEM_NOUN_AFTER.match(text, m.end()))
    ]
    routes = {_route_of(m.group("route")) for m, _ in standalone}
    return standalone if len(routes) >= 2 and None not in routes else []


def _route_segments(text: str, folded: str) -> list[Span]:
    """The pieces of a sentence that each tell one route with its own cell dose, cut at the
    last joining word between two routes ("combined with", "and", ";"); none unless two
    routes or more have a dose each."""
    routes = _routes_in(text, folded)
    if len(routes) < 2 or len(routes) > _MAX_SEGMENT_ROUTES:
        return []
    cuts = [0]
    for (_, _, stop), (match, _, _) in pairwise(routes):
        joins = list(_SEGMENT_JOIN.finditer(text, stop, match.start()))
        cuts.append(joins[-1].start() if joins else match.start())
    cuts.append(len(text))
    segments = list(pairwise(cuts))
    if sum(_cell_dose(text, s, e, folded) is not None for s, e in segments) < len(segments):
        return []
    return segments


@lru_cache(maxsize=32)
def _routes_in(text: str, folded: str) -> tuple[tuple[re.Match[str], Route, int], ...]:
    """Each distinct route a sentence names, with where its phrase ends (read once for the
    rules that compare the routes of a sentence)."""
    routes: list[tuple[re.Match[str], Route, int]] = []
    for match in _ROUTE_FOLDED.finditer(text, folded):
        route = _route_from_match(match)
        if route is None or any(route is r or match.start() < stop for _, r, stop in routes):
            continue
        _, stop = _Reader._route_text(match, route, text)
        routes.append((match, route, stop))
    return tuple(routes)


_MAX_SEGMENT_ROUTES = 4
_SEGMENT_JOIN = re.compile(
    r"[,;]|\b(?:and|plus|then|combined\s{1,3}with|together\s{1,3}with|along\s{1,3}with|"
    r"followed\s{1,3}by|as\s{1,3}well\s{1,3}as)\b",
    _FLAGS,
)


def _routes_then_counts(
    text: str, folded: str
) -> list[tuple[re.Match[str], Route, re.Match[str]]]:
    """'into her spinal fluid four times and into a vein twice': two or more routes, each
    followed by its own count (else none)."""
    found: list[tuple[re.Match[str], Route, re.Match[str]]] = []
    for match, route, stop in _routes_in(text, folded):
        times = _TIMES_AFTER.match(text, stop)
        if times is None:  # "four by IV and four by lumbar puncture"
            times = _COUNT_BY.search(text, max(0, match.start() - 30), match.start())
        if times is not None and _route_count(times.group("num")):
            found.append((match, route, times))
    return found if len(found) >= 2 else []


def _route_count(text: str) -> int | None:
    """'twice', 'four times', 'four' (by IV): the count told with a route."""
    return (
        _times_value(text)
        if text.lower()[-5:] in ("times", "twice", "thrice") or text.lower() == "once"
        else _count_value(text)
    )


_TIMES_AFTER = re.compile(
    r"\s{1,3}(?P<num>once|twice|thrice|(?:" + _NUM + r")\s{1,3}times)\b", _FLAGS
)
_COUNT_BY = re.compile(
    r"(?<![\w-])(?P<num>" + _COUNT + r")\s{1,3}(?:by|via|through)\s{1,3}(?:(?:an?|the)\s{1,3})?$",
    _FLAGS,
)


def _count_value(text: str) -> int | None:
    lowered = " ".join(text.lower().split())
    if lowered in ("a", "an", "several", "a few", "few", "multiple", "numerous"):
        return None  # an article or a vague amount is not a count
    if re.search(r"(?:st|nd|rd|th)$", lowered) and not lowered.endswith("thousand"):
        return None  # an ordinal ("the third course") is read by _max_ordinal
    value = parse_number(lowered)
    if value is None or not value.is_integer() or not 1 <= value <= 1000:
        return None
    return int(value)


_NUMBER = re.compile(_NUM)
_NUMBER_FOLDED = FoldedPattern(re.compile(_NUM, _FLAGS))  # _NUM is all "(?i:...)" already


def _count_in(text: str, folded: str) -> tuple[int, Span, str, str | None, str] | None:
    """A counted treatment: '7 ... stem cell (UCBSC) packets' -> (7, span, 'packets', 'UCBSC')."""
    for number in _NUMBER_FOLDED.finditer(text, folded):
        value = _count_value(number.group())
        if value is None:
            continue
        abbr: str | None = None
        for steps, word in enumerate(
            _WORD.finditer(text, number.end(), min(len(text), number.end() + 120))
        ):
            token = word.group().rstrip("'’")
            lowered = token.lower()
            if steps > 9 or lowered in _TIME_NOUNS or lowered.split("-")[0] in _TIME_NOUNS:
                break  # "two weeks", "a 72-year-old woman"
            if _norm(token) in _COUNT_NOUNS or _norm(token) in _DOSE_NOUNS:
                return value, (number.start(), word.end()), _norm(token), abbr, number.group()
            if lowered in _COUNT_BREAK:
                break
            if _ABBREVIATION_TOKEN.fullmatch(token):
                abbr = token
    return None


_TIMES = re.compile(
    # "lumbar puncture x3": a count after a multiplication sign, not "1 x 10^6 cells"
    r"(?:(?<=[A-Za-z)]\s)|(?<=[A-Za-z)]))(?P<num>[x×]\s?\d{1,2})\b(?![.,]?\d|\s{0,2}[\^⁰¹²³⁴⁵⁶⁷⁸⁹])"
    r"|\b(?P<num2>twice|thrice|(?:" + _NUM + r")\s{1,3}times)\b"
    r"(?!\s{1,3}(?:a|an|per|each|daily|weekly|monthly|more|less|higher|lower|greater|larger|"
    r"as|than|over|the|that|normal)\b)",
    _FLAGS,
)


def _times_value(text: str) -> int | None:
    word = text.lower()
    if word in ("once", "twice", "thrice"):
        return {"once": 1, "twice": 2, "thrice": 3}[word]
    if word[:1] in ("x", "×"):
        return _count_value(word[1:].strip())
    return _count_value(" ".join(text.split()[:-1]))


def _max_ordinal(text: str) -> int | None:
    if not has(fold(text), _COURSE_GATE):
        return None  # every match names a course noun
    values = [parse_number(m.group("ord")) for m in _ORDINAL_COURSE.finditer(text)]
    whole = [int(v) for v in values if v is not None and v.is_integer()]
    return max(whole) if whole else None


@dataclass(frozen=True)
class _Dose:
    text: str
    value: float | None
    unit: str | None
    span: Span
    days: tuple[int, Span] | None = None  # "daily for five days": five sessions


def _dose_in(text: str, start: int, end: int) -> _Dose | None:
    """The first dose in ``text[start:end]``: cells, a mass or volume, or 'an amount of'."""
    folded = fold(text)
    cells = _cell_dose(text, start, end, folded) if has(folded, _CELL_DOSE_GATE) else None
    if cells is not None:
        return cells
    digits = _DIGIT.search(text, start, end)  # every dose below opens with a digit
    mass = _DOSE_MASS.search(text, start, end) if digits else None
    if mass:
        amount = " ".join(text[mass.start() : mass.end("unit")].split())
        if mass.group("perkg"):
            amount += "/kg"
        freq = " ".join((mass.group("freq") or "").split())
        if freq:
            amount += freq if freq.startswith("/") else f" {freq}"
        if mass.group("dur"):
            amount += " " + " ".join(mass.group("dur").split())
        days = None
        if (
            mass.group("dur")
            and freq
            and re.search(r"daily|day|/", freq, _FLAGS)
            and mass.group("durunit").lower().startswith("day")
        ):
            count = _count_value(mass.group("days"))
            days = (count, mass.span("dur")) if count else None
        return _Dose(
            amount,
            _float(mass.group("num")),
            _dose_unit(mass.group("unit"), bool(mass.group("perkg"))),
            mass.span(),
            days,
        )
    amount_of = (
        _DOSE_AMOUNT.search(text, start, end)
        if digits and has(folded, _DOSE_AMOUNT_GATE)
        else None
    )
    if amount_of:
        unit = amount_of.group("unit")
        return _Dose(
            amount_of.group("num") + (f" {unit}" if unit else ""),
            _float(amount_of.group("num")),
            _dose_unit(unit, False) if unit else None,
            amount_of.span("num"),
        )
    return None


def _cell_dose(text: str, start: int, end: int, folded: str) -> _Dose | None:
    """'490 million cells', '1x10^6 cells/kg', '100 million cord blood stem cells'."""
    for number in _DOSE_CELL_NUMBER_FOLDED.finditer(text, folded, start, end):
        if not (number.group("mult") or number.group("exp")):
            continue
        value = (
            _float(number.group("num"))
            if number.group("num")[0].isdigit()
            else (parse_number(number.group("num")))
        )
        if value is not None and number.group("mult"):
            value *= _MULTIPLIERS[fold(number.group("mult"))]
        elif value is not None:
            value *= 10.0 ** int(number.group("exp").translate(_SUPERSCRIPT))
        stop = None
        words = _WORD.finditer(text, number.end(), min(end, number.end() + 80))
        for steps, word in enumerate(words):
            if steps > 6 or not word.group()[0].isalpha():
                break
            if _CELLS_WORD.fullmatch(word.group()):
                stop = word.end()
                break
        per_kg = _PER_KG.match(text, stop if stop is not None else number.end())
        if per_kg and (stop is not None or number.group("exp")):
            stop = per_kg.end()  # "1x10^6 cells/kg", "1x10^6/kg"
        elif stop is None:
            continue  # "two million people", "10^6 copies": not cells
        phrase = _clean(text[number.start() : stop]).lower()
        return _Dose(phrase, value, "cells/kg" if per_kg else "cells", (number.start(), stop))
    return None


def _date_mention(text: str, start: int, end: int) -> TimeMention | None:
    try:
        date = PartialDate.parse(text)
    except (TimelineError, ValueError):
        return None
    return TimeMention(start, end, "date", date=date, rule="schedule")
