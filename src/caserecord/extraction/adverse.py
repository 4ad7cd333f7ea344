"""Adverse events after treatment, and the findings a narrative explicitly denies.

Adverse events are side effects told after the intervention ("experienced
only mild swelling and discomfort at the injection site"), complications
listed against it ("visual loss after the injection was associated with
ocular hypertension, vitreous hemorrhage, ...", "complicated by ...",
"Side effects: ...") and harms that are the subject of an onset verb
("proliferative vitreoretinopathy developed") or, in a sentence told after
the treatment, of a finding verb ("a cataract was observed at one month"),
each with a CTCAE severity word when the story gives one (mild, moderate,
severe, life-threatening; CTCAE v5.0, 2017; "transient" is mild, a "high"
fever severe).  A harm in a clause that makes it a risk ("may", "possible",
"if") is not an event.

Denied findings are read NegEx-style (Chapman et al., J Biomed Inform
2001;34:301-310): a trigger ("no", "without", "denied", "negative for")
opens a scope that ends at punctuation or a terminating word ("but",
"after", "which"...), and a list inside the scope ("no fever, headaches,
or other side effects") gives one finding per item.  Weak triggers ("no",
"without") only count when the scope names a clinical finding, so
"without difficulty" or "no effective treatment" are not denials.  A
denied finding is never an adverse event.  The words are data in
``data/adverse.json``, validated when this module is imported.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from caserecord.extraction._data import load_json
from caserecord.extraction._document import Document, Sentence
from caserecord.extraction._folded import FoldedPattern, fold, folded_sentences, folded_text
from caserecord.extraction._mentions import AbsentMention, AdverseMention, Span
from caserecord.extraction._numbers import NUMBER_WORD_PATTERN
from caserecord.extraction._patterns import alternation
from caserecord.extraction.time import find_times
from caserecord.extraction.treatment import extract_treatments
from caserecord.extraction.treatment_gate import (
    Words,
    first_words,
    has,
    hit,
    hits,
    needles,
    union,
    word_gates,
    words,
)

__all__ = ["AdverseVocabulary", "extract_adverse", "validate_adverse_vocabulary"]

_SOURCE = "adverse.json"
_FLAGS = re.IGNORECASE

_NEGATION_KEYS = (
    "strong_triggers",
    "weak_triggers",
    "pseudo_triggers",
    "skip_words",
    "terminators",
    "subject_words",
    "finding_words",
    "post_passive",
    "post_did_not",
    "post_has_not",
    "table_headers",
    "table_none",
)
_ADVERSE_KEYS = (
    "event_words",
    "strong_verbs",
    "weak_verbs",
    "event_verbs",
    "list_cues",
    "list_subjects",
    "list_subject_verbs",
    "exception_cues",
    "tolerance_cues",
    "sequel_cues",
    "loss_verbs",
    "loss_objects",
    "after_words",
    "treatment_words",
    "post_forms",
    "baseline_cues",
    "improvement_words",
    "trim_words",
    "onset_verbs",
    "finding_verbs",
    "hypothetical_cues",
    "nothing_words",
    "fever_words",
    "degree_words",
    "copula_verbs",
    "body_parts",
    "resolution_verbs",
)
_SEVERITIES = ("mild", "moderate", "severe", "life_threatening")


@dataclass(frozen=True)
class Idiom:
    """A harm told by a turn of phrase: "ran a temperature" is a fever."""

    event: str
    verbs: tuple[str, ...]
    objects: tuple[str, ...]  # "" when the verb alone tells it ("fainted")


@dataclass(frozen=True)
class AdverseVocabulary:
    """The checked content of ``adverse.json``."""

    negation: dict[str, tuple[str, ...]]
    adverse: dict[str, tuple[str, ...]]
    severity: dict[str, str]  # word -> severity
    fever_grades: dict[str, str]  # "high" (fever) -> severity
    adjectives: dict[str, str]  # "dizzy" -> "dizziness"
    idioms: tuple[Idiom, ...]


def validate_adverse_vocabulary(data: object, *, source: str = _SOURCE) -> AdverseVocabulary:
    """Check the adverse-event vocabulary and return it typed.

    Raises :class:`RuntimeError` naming ``source`` and the bad key.
    """

    def fail(problem: str) -> RuntimeError:
        return RuntimeError(f"caserecord rule file data/{source}: {problem}")

    def words(value: object, where: str) -> tuple[str, ...]:
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(w, str) and w.strip() for w in value)
        ):
            raise fail(f"{where} must be a non-empty list of non-empty strings")
        return tuple(value)

    if not isinstance(data, Mapping):
        raise fail(f"must hold a JSON object (got {type(data).__name__})")
    negation, adverse = data.get("negation"), data.get("adverse")
    if not isinstance(negation, Mapping) or not isinstance(adverse, Mapping):
        raise fail("must have the objects 'negation' and 'adverse'")
    severity = adverse.get("severity")
    if not isinstance(severity, Mapping) or set(severity) != set(_SEVERITIES):
        raise fail(f"adverse.severity must have exactly the keys {list(_SEVERITIES)}")
    severity_words = {
        word.lower(): level
        for level in _SEVERITIES
        for word in words(severity[level], f"adverse.severity.{level}")
    }
    grades = adverse.get("fever_grades")
    if not isinstance(grades, Mapping) or not set(grades) <= set(_SEVERITIES):
        raise fail(f"adverse.fever_grades must be an object with keys among {list(_SEVERITIES)}")
    fever_grades = {
        word.lower(): level
        for level, listed in grades.items()
        for word in words(listed, f"adverse.fever_grades.{level}")
    }
    adjectives = adverse.get("harm_adjectives")
    if (
        not isinstance(adjectives, Mapping)
        or not adjectives
        or not all(isinstance(v, str) and v.strip() for v in adjectives.values())
    ):
        raise fail("adverse.harm_adjectives must map adjectives to non-empty nouns")
    idioms = adverse.get("idioms")
    if not isinstance(idioms, list) or not idioms:
        raise fail("adverse.idioms must be a non-empty list")
    read: list[Idiom] = []
    for number, idiom in enumerate(idioms):
        where = f"adverse.idioms[{number}]"
        if not isinstance(idiom, Mapping) or not isinstance(idiom.get("event"), str):
            raise fail(f"{where} must be an object with a string 'event'")
        objects = idiom.get("objects")
        if not isinstance(objects, list) or not all(isinstance(o, str) for o in objects):
            raise fail(f"{where}.objects must be a list of strings")
        read.append(
            Idiom(idiom["event"], words(idiom.get("verbs"), f"{where}.verbs"), tuple(objects))
        )
    return AdverseVocabulary(
        negation={k: words(negation.get(k), f"negation.{k}") for k in _NEGATION_KEYS},
        adverse={k: words(adverse.get(k), f"adverse.{k}") for k in _ADVERSE_KEYS},
        severity=severity_words,
        fever_grades=fever_grades,
        adjectives={k.lower(): v for k, v in adjectives.items()},
        idioms=tuple(read),
    )


VOCABULARY = validate_adverse_vocabulary(load_json(_SOURCE))
_N = VOCABULARY.negation
_A = VOCABULARY.adverse


def _phrases(phrases: Iterable[str]) -> str:
    return alternation(phrases, flexible=True)


def _words(phrases: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + _phrases(phrases) + r")(?![\w-])", _FLAGS)


_STRONG = _words(_N["strong_triggers"])
_WEAK = _words(_N["weak_triggers"])
_PSEUDO = _words(_N["pseudo_triggers"])
_SKIP = re.compile(r"\s{0,3}(?:" + _phrases(_N["skip_words"]) + r")(?![\w-])", _FLAGS)
# A number opening a time ("... 3 months after") ends a scope as a terminator word does.
_TIME_AHEAD = (
    r"\s(?:(?:for|over|within|after|in|about|nearly)\s{1,3}){0,2}(?:"
    + NUMBER_WORD_PATTERN
    + r")[\s-]{1,2}(?:hours?|days?|weeks?|months?|years?)\b"
)
_SCOPE_PUNCTUATION = r"[.;:!?()\[\]«»\"“”]"
_SCOPE_COMMA = (  # after the comma
    r"\s{0,2}(?:but|however|although|which|who|and\s{1,3}(?:he|she|they|it|the|his|her|there))\b"
)
_SCOPE_WORDS = r"(?:" + _phrases(_N["terminators"]) + r")(?![\w-])"  # after the blank
_SCOPE_END = re.compile(
    _TIME_AHEAD
    + "|"
    + _SCOPE_PUNCTUATION
    + r"|\s-{1,2}\s|\s—|,"
    + _SCOPE_COMMA
    + r"|\s"
    + _SCOPE_WORDS,
    _FLAGS,
)
# _SCOPE_END with the first character of every branch taken first: it matches where
# _SCOPE_END does, and re scans for that character before it tries the rest.
_SCOPE_END_CANDIDATES = re.compile(
    r"[.;:!?()\[\]«»\"“”,\s](?:(?<="
    + _SCOPE_PUNCTUATION
    + r")|(?<=,)"
    + _SCOPE_COMMA
    + r"|(?<=\s)(?:"
    + _TIME_AHEAD.removeprefix(r"\s")
    + r"|-{1,2}\s|—|"
    + _SCOPE_WORDS
    + r"))",
    _FLAGS,
)
_SUBJECT = re.compile(r"^(?:" + _phrases(_N["subject_words"]) + r")(?![\w-])", _FLAGS)
_FINDING = _words(_N["finding_words"])
_LIST_ITEM_LEAD = re.compile(r"^(?:or|and|nor|and/or)\s{1,3}", _FLAGS)
_INNER_SPLIT = re.compile(
    r"\s{1,3}(?:or|and/or|nor)\s{1,3}|\s{1,3}and\s{1,3}(?!\w+\s+and\b)", _FLAGS
)
_POSSESSIVE = re.compile(r"\b(?:his|her|their|its|the|a|an|my|our|your)\s{1,3}", _FLAGS)
_PAREN = re.compile(r"\s{0,2}\([^()]{0,40}\)")
_QUOTES = re.compile(r"[\"“”«»]")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_BACK_STOP = frozenset(
    {
        "and",
        "but",
        "or",
        "nevertheless",
        "however",
        "the",
        "his",
        "her",
        "their",
        "its",
        "a",
        "an",
        "that",
        "which",
        "who",
        "whom",
        "in",
        "of",
        "to",
        "with",
        "although",
        "though",
        "yet",
        "still",
        "then",
        "so",
        "he",
        "she",
        "they",
        "it",
        "we",
        "patients",
        "patient",
        "was",
        "were",
        "is",
        "are",
        "had",
        "has",
        "my",
        "our",
        "your",
    }
)

_POST_DID_NOT = re.compile(
    r"\b(?:did|does|do)\s{1,3}not\s{1,3}(?P<verb>" + _phrases(_N["post_did_not"]) + r")\b", _FLAGS
)
_POST_HAS_NOT = re.compile(
    r"\b(?:has|have|had)\s{1,3}not\s{1,3}(?:yet\s{1,3})?(?P<verb>"
    + _phrases(_N["post_has_not"])
    + r")\s{1,3}(?P<object>[a-z][a-z' -]{1,40}?)(?=\s{0,2}(?:[.,;:!?]|$)|\s(?:but|and|yet)\b)",
    _FLAGS,
)
_POST_PASSIVE = re.compile(
    r"\b(?:was|were|has\s{1,3}been|have\s{1,3}been)\s{1,3}not\s{1,3}(?P<verb>"
    + _phrases(_N["post_passive"])
    + r")\b",
    _FLAGS,
)
_TABLE_HEADER = _words(_N["table_headers"])
_TABLE_NONE = re.compile(
    r"(?<![\w-])(?:" + _phrases(_N["table_none"]) + r")\s{0,3}$", _FLAGS | re.MULTILINE
)

_EVENT = _words(_A["event_words"])
_SEVERITY = _words(VOCABULARY.severity)
_STRONG_VERB = _words(_A["strong_verbs"])
_WEAK_VERB = _words(_A["weak_verbs"])
_EVENT_VERB = re.compile(
    r"(?<![\w-])(?:" + _phrases(_A["event_verbs"]) + r")\s{1,3}"
    r"(?:soon\s{1,3}|shortly\s{1,3})?(?:after|following)\b",
    _FLAGS,
)
_LIST_CUE = re.compile(
    r"(?<![\w-])(?:"
    + _phrases(_A["list_cues"])
    + r"|(?:the\s{1,3}only\s{1,3})?(?:"
    + _phrases(_A["list_subjects"])
    + r")(?:\s{1,3}(?:"
    + _phrases(_A["list_subject_verbs"])
    + r")|\s{0,2}:))(?![\w-])",  # "Side effects: a low fever ..." lists them too
    _FLAGS,
)
_AFTER = re.compile(
    r"(?<![\w-])(?:"
    + _phrases(_A["post_forms"])
    + r"|(?:"
    + _phrases(_A["after_words"])
    + r")[\s-]{1,2}(?:(?:the|each|every|his|her|their|this|that|a|an)\s{1,3})?"
    r"(?:(?:first|second|third|fourth|fifth|last|final|next|\d{1,2}(?:st|nd|rd|th)|stem\s{1,3}"
    r"cell|cell)\s{1,3})?(?:" + _phrases(_A["treatment_words"]) + r"))(?![\w-])",
    _FLAGS,
)
# "Apart from slight redness of the eye, she had no problems": the exception is the event.
_EXCEPTION = _words(_A["exception_cues"])
_TOLERANCE = _words(_A["tolerance_cues"])
_SEQUEL = _words(_A["sequel_cues"])
_LOSS = re.compile(
    r"(?<![\w-])(?:"
    + _phrases(_A["loss_verbs"])
    + r")\s{1,3}(?:(?:his|her|their|its|the|all|most|some|much|part\s{1,3}of)\s{1,3}){0,2}(?:"
    + _phrases(_A["loss_objects"])
    + r")(?![\w-])",
    _FLAGS,
)
# "felt nauseous and vomited": a second verb after "and" is a second event.
_SECOND_VERB = re.compile(
    r"\s{1,3}and\s{1,3}(?=(?:[a-z]{3,20}ed|felt|got|had|became|began)\b)", _FLAGS
)
# "nausea, vomiting and a headache": the last comma-less item of a list, after "and"/"or".
_LAST_CONJUNCTION = re.compile(r"\s{1,3}(?:and|or)\s{1,3}(?=\S)", _FLAGS)
# "dizziness and a headache" are two events; "swelling and discomfort at the injection
# site" one: a phrase after "and" that carries its own place or object shares the first's.
_OWN_LEAD = re.compile(
    r"^(?:a|an|some|occasional|" + _phrases(VOCABULARY.severity) + r")\s", _FLAGS
)
_SHARED_TAIL = re.compile(
    r"\s(?:of|at|in|on|around|near|over|under|behind|to|from|with)\s", _FLAGS
)
_SUBJECT_VERB = _words([*_A["onset_verbs"], *_A["finding_verbs"]])
_ONSET_VERBS = frozenset(" ".join(v.lower().split()) for v in _A["onset_verbs"])
_FOLLOWED_AFTER = re.compile(r"\s{1,3}(?:(?:soon|shortly)\s{1,3})?(?:after|following)\b", _FLAGS)
_HYPOTHETICAL = _words(_A["hypothetical_cues"])
_DENIAL_WORD = _words(["no", "not", "never", "nor", "without", "none", "neither"])
_NOTHING = re.compile(r"^(?:" + _phrases(_A["nothing_words"]) + r")(?![\w-])", _FLAGS)
# "a high fever", "low-grade temperatures": the grade of a fever is its severity.
_FEVER_GRADE = re.compile(
    r"(?<![\w-])(?P<grade>"
    + _phrases(VOCABULARY.fever_grades)
    + r")(?:[\s-]{1,2}grade)?\s{1,3}(?:"
    + _phrases(_A["fever_words"])
    + r")(?![\w-])",
    _FLAGS,
)
_BASELINE = _words(_A["baseline_cues"])
_TREATMENT = _words(_A["treatment_words"])
_IMPROVEMENT = _words(_A["improvement_words"])
_TRIM = re.compile(r"^(?:(?:" + _phrases(_A["trim_words"]) + r")\s{1,3})", _FLAGS)
# "she felt dizzy", "my right eye was red and sore": a harm told by adjectives after a
# verb of being or feeling; each adjective is named by its noun ("dizziness").
_DEGREE = r"(?:(?:" + _phrases(_A["degree_words"]) + r")\s{1,3}){0,2}"
_ADJECTIVE = r"(?:" + _phrases(VOCABULARY.adjectives) + r")"
_ADJECTIVE_JOIN = r"(?:\s{0,2},\s{0,2}(?:and\s{1,3})?|\s{1,3}(?:and|or)\s{1,3})"
_COPULA = re.compile(
    r"(?<![\w-])(?:"
    + _phrases(_A["copula_verbs"])
    + r")\s{1,3}(?P<adjectives>"
    + _DEGREE
    + _ADJECTIVE
    + r"(?:"
    + _ADJECTIVE_JOIN
    + _DEGREE
    + _ADJECTIVE
    + r"){0,3})(?![\w-])",
    _FLAGS,
)
_DEGREE_WORDS = frozenset(w.lower() for p in _A["degree_words"] for w in p.split())
_BODY_PARTS = frozenset(w.lower() for w in _A["body_parts"])
# "ran a temperature", "threw up", "lost her hair": idioms that name a harm (data: idioms).
_IDIOM_DETERMINER = r"(?:(?:a|an|his|her|their|my|our|its|some|the)\s{1,3})?"
_IDIOM_GRADE = (
    r"(?:(?:" + _phrases([*VOCABULARY.fever_grades, *VOCABULARY.severity]) + r")"
    r"(?:[\s-]{1,2}grade)?\s{1,3})?"
)
_IDIOM = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(
        f"(?P<idiom{number}>(?:"
        + _phrases(idiom.verbs)
        + ")"
        + (
            r"\s{1,3}" + _IDIOM_DETERMINER + _IDIOM_GRADE + "(?:" + _phrases(idiom.objects) + ")"
            if any(idiom.objects)
            else ""
        )
        + ")"
        for number, idiom in enumerate(VOCABULARY.idioms)
    )
    + r")(?![\w-])",
    _FLAGS,
)
# "... ran a temperature of 37.2": a measured normal temperature is no fever.
_TEMPERATURE_VALUE = re.compile(r"\s{1,3}of\s{1,3}(?P<value>\d{2,3}(?:\.\d{1,2})?)")
_FEVER_FROM = {"celsius": 37.5, "fahrenheit": 99.5}
# "a transient rise in IOP (28 mmHg) was managed with drops": a harm told by how it ended.
_RESOLUTION = _words(_A["resolution_verbs"])
# Words inside a harm's name ("rise in pressure", "loss of vision"), never at its ends.
_INNER = frozenset({"in", "of", "at", "on", "around", "behind", "under", "to"})
_INDEFINITE = frozenset({"a", "an", "some", "another", "several", "two", "three"})
# "Apart from that, ...": a pronoun refers back; it names no harm.
_PRONOUN_ITEM = re.compile(r"^(?:that|this|these|those|it|them|which)\b", _FLAGS)
# Where a told side effect ends: punctuation, a new clause, or the time it happened.
_AE_PUNCTUATION = r"[.;:!?()\[\]\"“”]"
_AE_COMMA = (  # after the comma
    r"\s{0,2}(?:but|however|which|who|without|and\s{1,3}(?:he|she|they|it|the|his|her|there))\b"
)
_AE_WORDS = (  # after the blank
    r"(?:but|without|which|who|whom|after|following|during|afterwards?|thereafter|"
    r"since|before|until|when|while|whereas|because|so|then|therefore|that|lasting|requiring|"
    r"needing|necessitating|treated|managed|resolved|resolving|was|were|for\s{1,3}"
    r"(?:(?:about|around|nearly|almost|over|up\s{1,3}to)\s{1,3})?(?:a|an|the|some|several|"
    + NUMBER_WORD_PATTERN
    + r")|(?:on|in|at|within|during|over)\s{1,3}(?:the\s{1,3})?(?:day|days|night|same|"
    r"first|second|third|next|following|evening|morning|week|weeks|hours?|time)|and\s{1,3}"
    r"(?:he|she|they|was|were|had|then|resolved|disappeared|subsided)|(?:the|that)\s{1,3}"
    r"(?:evening|night|morning|afternoon|next|following|same|day|week)|once|twice|otherwise)"
    r"(?![\w-])"
)
# "a fever of 39.5 C", "pressure up to 35 mmHg": a measured value is no part of the event.
_AE_VALUE = r"(?:of|to|up\s{1,3}to|reaching)\s{1,3}\d"
_AE_END = re.compile(
    _TIME_AHEAD
    + "|"
    + _AE_PUNCTUATION
    + r"|\s-{1,2}\s|,"
    + _AE_COMMA
    + r"|\s"
    + _AE_WORDS
    + r"|\s"
    + _AE_VALUE,
    _FLAGS,
)
# As _SCOPE_END_CANDIDATES for _SCOPE_END.
_AE_END_CANDIDATES = re.compile(
    r"[.;:!?()\[\]\"“”,\s](?:(?<="
    + _AE_PUNCTUATION
    + r")|(?<=,)"
    + _AE_COMMA
    + r"|(?<=\s)(?:"
    + _TIME_AHEAD.removeprefix(r"\s")
    + r"|-{1,2}\s|"
    + _AE_WORDS
    + r"|"
    + _AE_VALUE
    + r"))",
    _FLAGS,
)

# Gates (see treatment_gate): every match of a rule holds one of its words, so a rule is
# skipped on a sentence without them.  All these rules match their phrases as whole words
# ((?<![\w-]), \b or blanks around them) and run on the whole sentence.
_STRONG_GATE = words(_N["strong_triggers"])
_WEAK_GATE = words(_N["weak_triggers"])
_PSEUDO_GATE = words(_N["pseudo_triggers"])
_TRIGGER_GATE = words(_N["strong_triggers"], _N["weak_triggers"])
_NOT_GATE = words(["not"])  # _POST_DID_NOT, _POST_HAS_NOT, _POST_PASSIVE
_TABLE_GATE = needles(_N["table_headers"])  # substrings, looked up in the whole text
_POST_FORM_GATE = words(_A["post_forms"])
_AFTER_WORD_GATE = words(_A["after_words"])
_TREATMENT_GATE = words(_A["treatment_words"])
_BASELINE_GATE = words(_A["baseline_cues"])
_SEQUEL_GATE = words(_A["sequel_cues"])
_LOSS_GATE = words(_A["loss_verbs"])
_STRONG_VERB_GATE = words(_A["strong_verbs"])
_WEAK_VERB_GATE = words(_A["weak_verbs"])
_TOLERANCE_GATE = words(_A["tolerance_cues"])
_EVENT_VERB_GATE = words(_A["event_verbs"])
_LIST_CUE_GATE = words(_A["list_cues"], _A["list_subjects"])
_SUBJECT_VERB_GATE = words(_A["onset_verbs"], _A["finding_verbs"])
_ADJECTIVE_GATE = words(VOCABULARY.adjectives)
# Each idiom by the rarer side of it: its objects when each is one word ("temperature"
# rather than "had"), else its verbs ("threw" rather than "up", "hair" rather than "fell
# out").
_PARTICLES = frozenset({"", "up", "out", "in", "on", "off", "down", "see"})
_IDIOM_GATE = words(
    *(
        idiom.objects
        if all(
            o.strip() and " " not in o.strip() and o.lower() not in _PARTICLES
            for o in idiom.objects
        )
        else idiom.verbs
        for idiom in VOCABULARY.idioms
    )
)
_RESOLUTION_GATE = words(_A["resolution_verbs"])
# An exception that opens its clause is read without a word of tolerance only after these
# ("Apart from a headache, ..."); "other than", "save for" need the tolerance ("no other").
_EXCEPTION_GATE = words(["apart", "except", "aside", "besides", "exception", "barring"])
_TURNS_GATE = union(
    _EXCEPTION_GATE, _TOLERANCE_GATE, _ADJECTIVE_GATE, _IDIOM_GATE, _RESOLUTION_GATE
)
# The gates of the rules that tell an event; a sentence none of them lets in tells none.
_TELLING_GATES = (
    _LOSS_GATE,
    _STRONG_VERB_GATE,
    _WEAK_VERB_GATE,
    _TOLERANCE_GATE,
    _EVENT_VERB_GATE,
    _LIST_CUE_GATE,
    _SUBJECT_VERB_GATE,
    _ADJECTIVE_GATE,
    _IDIOM_GATE,
    _RESOLUTION_GATE,
    _EXCEPTION_GATE,
)
_ALL_WORDS = union(
    _TRIGGER_GATE,
    _NOT_GATE,
    _POST_FORM_GATE,
    _AFTER_WORD_GATE,
    _TREATMENT_GATE,
    _BASELINE_GATE,
    _SEQUEL_GATE,
    *_TELLING_GATES,
)
# A sentence without a word of _DENYING_WORDS denies nothing (see _absent); one without a
# word of _TELLING_WORDS tells no adverse event (see _adverse).
_DENYING_WORDS = union(_TRIGGER_GATE, _NOT_GATE)
_TELLING_WORDS = union(*_TELLING_GATES)
_POST_DID_NOT_GATE = words(_N["post_did_not"])
_POST_HAS_NOT_GATE = words(_N["post_has_not"])
_POST_PASSIVE_GATE = words(_N["post_passive"])
# Hot case-insensitive rules, run case-sensitively on the folded text (_folded).


def _word_lead(*groups: Iterable[str]) -> tuple[re.Pattern[str], int]:
    """The lead of a _words() rule: a match starts where one of its phrases does."""
    return re.compile("(?:" + _phrases(p for group in groups for p in group) + ")", _FLAGS), 0


_AFTER_FOLDED = FoldedPattern(_AFTER, lead=_word_lead(_A["post_forms"], _A["after_words"]))
_SCOPE_END_FOLDED = FoldedPattern(_SCOPE_END, candidates=_SCOPE_END_CANDIDATES)
_AE_END_FOLDED = FoldedPattern(_AE_END, candidates=_AE_END_CANDIDATES)
_EVENT_FOLDED = FoldedPattern(_EVENT)  # a lead of 100+ words would cost more than it saves
_BASELINE_FOLDED = FoldedPattern(_BASELINE, lead=_word_lead(_A["baseline_cues"]))
_STRONG_FOLDED = FoldedPattern(_STRONG, lead=_word_lead(_N["strong_triggers"]))
_WEAK_FOLDED = FoldedPattern(_WEAK, lead=_word_lead(_N["weak_triggers"]))
_PSEUDO_FOLDED = FoldedPattern(_PSEUDO, lead=_word_lead(_N["pseudo_triggers"]))
_WEAK_VERB_FOLDED = FoldedPattern(_WEAK_VERB, lead=_word_lead(_A["weak_verbs"]))
_STRONG_VERB_FOLDED = FoldedPattern(_STRONG_VERB, lead=_word_lead(_A["strong_verbs"]))
_POST_DID_NOT_FOLDED = FoldedPattern(_POST_DID_NOT)
_POST_HAS_NOT_FOLDED = FoldedPattern(_POST_HAS_NOT)
_POST_PASSIVE_FOLDED = FoldedPattern(_POST_PASSIVE)


# The first words of the _words() rules: each match opens with one, whole (treatment_gate).
_PSEUDO_FIRSTS = first_words(_N["pseudo_triggers"])
_STRONG_FIRSTS = first_words(_N["strong_triggers"])
_WEAK_FIRSTS = first_words(_N["weak_triggers"])
_STRONG_VERB_FIRSTS = first_words(_A["strong_verbs"])
_WEAK_VERB_FIRSTS = first_words(_A["weak_verbs"])
# Rules that open with a phrase (after "(?<![\w-])") and a blank or "(?![\w-])" after its
# first word: _LOSS, _EVENT_VERB, _LIST_CUE ("the only" before a subject).
_LOSS_FOLDED = FoldedPattern(_LOSS)
_LOSS_FIRSTS = first_words(_A["loss_verbs"])
_EVENT_VERB_FOLDED = FoldedPattern(_EVENT_VERB)
_EVENT_VERB_FIRSTS = first_words(_A["event_verbs"])
_LIST_CUE_FOLDED = FoldedPattern(_LIST_CUE)
_LIST_CUE_FIRSTS = first_words(_A["list_cues"], ["the"], _A["list_subjects"])
_SUBJECT_VERB_FOLDED = FoldedPattern(_SUBJECT_VERB)
_SUBJECT_VERB_FIRSTS = first_words(_A["onset_verbs"], _A["finding_verbs"])
_COPULA_FOLDED = FoldedPattern(_COPULA)
_EXCEPTION_FOLDED = FoldedPattern(_EXCEPTION)
_TOLERANCE_FOLDED = FoldedPattern(_TOLERANCE)
_COPULA_FIRSTS = first_words(_A["copula_verbs"])
_IDIOM_FOLDED = FoldedPattern(_IDIOM)
_IDIOM_FIRSTS = first_words(*(idiom.verbs for idiom in VOCABULARY.idioms))
_RESOLUTION_FOLDED = FoldedPattern(_RESOLUTION)
_RESOLUTION_FIRSTS = first_words(_A["resolution_verbs"])


def _whole_words(
    pattern: FoldedPattern,
    firsts: frozenset[str] | None,
    text: str,
    folded: str,
    present: frozenset[str],
) -> list[re.Match[str]]:
    """``pattern.finditer(text, folded)`` for a _words() rule, tried where its words are."""
    if firsts is None:
        return pattern.finditer(text, folded)
    return pattern.finditer_words(text, folded, firsts & present)


# _inert(doc): no sentence holds a word of this module's gates; _gate_words(doc): each
# sentence's words as far as those gates can tell them apart (both for doc.memo).
_inert, _gate_words = word_gates(_ALL_WORDS)


def _gated(doc: Document, gate: Words) -> Iterator[tuple[Sentence, frozenset[str], str]]:
    """(sentence, its gate words, its folded text) of each sentence holding a word of
    ``gate``; none in a junk document without a gate word anywhere."""
    if doc.memo(_inert):
        return
    found_words = doc.memo(_gate_words)
    folded_all = doc.memo(folded_sentences)
    sentences = doc.sentences
    for index in hits(found_words, gate):
        yield sentences[index], found_words[index], folded_all[index]


def _after_cue(text: str, folded: str, present: frozenset[str]) -> bool:
    """``bool(_AFTER.search(text))``, skipped when the words it needs are missing."""
    if not (
        hit(present, _POST_FORM_GATE)
        or (hit(present, _AFTER_WORD_GATE) and hit(present, _TREATMENT_GATE))
    ):
        return False
    return bool(_AFTER_FOLDED.search(text, folded))


_MAX_SCOPE = 160
_MAX_ITEMS = 60  # more than any case narrative tells; keeps the dedupe linear on junk input


def extract_adverse(doc: Document) -> tuple[list[AdverseMention], list[AbsentMention]]:
    """Side effects after treatment, and the findings the text denies."""
    absent, denied = _absent(doc)
    day0 = doc.memo(extract_treatments).day0_sentence
    return _adverse(doc, day0, denied), absent


# -- denied findings ----------------------------------------------------------------------------


def _absent(doc: Document) -> tuple[list[AbsentMention], list[Span]]:
    found: list[AbsentMention] = []
    keys: set[frozenset[str]] = set()
    scopes: list[Span] = []

    def add(description: str, sentence: Sentence, span: Span) -> None:
        description = _tidy(description)
        if not description or len(description.split()) > 10:
            return
        key = _key(description)
        if key in keys or len(found) >= _MAX_ITEMS:
            return
        keys.add(key)
        found.append(AbsentMention(description, sentence.index, {"description": span}))

    # Only a sentence with a word of one of the two gates below denies anything.
    for sentence, present, folded in _gated(doc, _DENYING_WORDS):
        if hit(present, _TRIGGER_GATE):
            for description, span, scope in _negated_in(sentence, folded, present):
                add(description, sentence, span)
                scopes.append(scope)
        if hit(present, _NOT_GATE):
            for description, span in _post_negated_in(sentence, folded, present):
                add(description, sentence, span)
                scopes.append(span)
    for description, sentence, span in _table_none(doc):
        scopes.append(span)  # the column header names what the rows deny
        words = _key(description)
        if any(words <= _key(m.description) for m in found):
            continue  # "no ... side effects" told in words already
        add(description, sentence, span)
    return found, scopes


def _negated_in(
    sentence: Sentence, folded: str, present: frozenset[str]
) -> list[tuple[str, Span, Span]]:
    text, offset = sentence.text, sentence.start
    pseudo = (
        [m.span() for m in _whole_words(_PSEUDO_FOLDED, _PSEUDO_FIRSTS, text, folded, present)]
        if hit(present, _PSEUDO_GATE)
        else []
    )
    found: list[tuple[str, Span, Span]] = []
    covered = 0
    strong_found = (
        _whole_words(_STRONG_FOLDED, _STRONG_FIRSTS, text, folded, present)
        if hit(present, _STRONG_GATE)
        else []
    )
    weak_found = (
        _whole_words(_WEAK_FOLDED, _WEAK_FIRSTS, text, folded, present)
        if hit(present, _WEAK_GATE)
        else []
    )
    triggers = sorted(
        [(m, True) for m in strong_found] + [(m, False) for m in weak_found],
        key=lambda pair: (pair[0].start(), -pair[0].end()),
    )
    for trigger, strong in triggers:
        if trigger.start() < covered or _inside(trigger.start(), pseudo):
            continue  # inside the last scope, or "no longer"
        start = _skip(text, trigger.end())
        end_match = _SCOPE_END_FOLDED.search(
            text, folded, start, min(len(text), start + _MAX_SCOPE)
        )
        end = end_match.start() if end_match else min(len(text), start + _MAX_SCOPE)
        scope = text[start:end]
        if not scope.strip():
            continue
        covered = end
        items = _list_items(scope, start)
        if not items:
            continue
        if not strong and not any(_FINDING.search(item) for item, _ in items):
            continue  # "without difficulty", "no effective treatment": not a finding denied
        for item, (item_start, _) in items:
            for part, (part_start, part_end) in _split_inner(item, item_start):
                found.append(
                    (
                        part,
                        (offset + part_start, offset + part_end),
                        (offset + trigger.start(), offset + end),
                    )
                )
    return found


def _skip(text: str, position: int) -> int:
    for _ in range(6):
        match = _SKIP.match(text, position)
        if not match or match.end() == position:
            break
        position = match.end()
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _list_items(scope: str, offset: int) -> list[tuple[str, Span]]:
    """'fever, headaches, or other side effects' -> three items with their spans."""
    pieces: list[tuple[str, int]] = []
    cursor = 0
    for comma in re.finditer(",", scope):
        pieces.append((scope[cursor : comma.start()], cursor))
        cursor = comma.end()
    pieces.append((scope[cursor:], cursor))
    items: list[tuple[str, Span]] = []
    is_list = len(pieces) > 1 and any(_LIST_ITEM_LEAD.match(p.strip()) for p, _ in pieces[1:])
    if len(pieces) > 1 and not is_list:
        is_list = _split_last_item(pieces)
    for number, (piece, start) in enumerate(pieces):
        stripped = piece.strip()
        if number > 0 and (not is_list or _SUBJECT.match(stripped) or len(stripped.split()) > 8):
            break
        final = bool(_LIST_ITEM_LEAD.match(stripped))
        lead = _LIST_ITEM_LEAD.match(stripped)
        if lead:
            stripped = stripped[lead.end() :]
        if not stripped:
            continue
        at = offset + start + piece.index(stripped)
        items.append((stripped, (at, at + len(stripped))))
        if final:
            break
    return items


def _split_last_item(pieces: list[tuple[str, int]]) -> bool:
    """'fever, headache and a rash': a list of short items whose last one follows "and"
    without a comma; the last piece is split there (in place).  Whether it was a list."""
    if any(len(piece.split()) > _SHORT_ITEM for piece, _ in pieces):
        return False
    last, start = pieces[-1]
    conjunction = _LAST_CONJUNCTION.search(last)
    if conjunction is None:
        return False
    cut = conjunction.start()
    pieces[-1:] = [(last[:cut], start), (last[cut:], start + cut)]  # "... and a rash" ends it
    return True


_SHORT_ITEM = 5  # words of a list item; longer pieces are clauses, not a list


def _split_inner(item: str, offset: int) -> list[tuple[str, Span]]:
    """'pain with eye movement or double vision' -> two parts; 'visual loss and no signs of
    infection' -> 'visual loss', 'infection' (a part's own "no" denies it too)."""
    parts: list[tuple[str, Span]] = []
    cursor = 0
    for match in [*_INNER_SPLIT.finditer(item), None]:
        stop = len(item) if match is None else match.start()
        piece = item[cursor:stop]
        if piece.strip():
            lead = _PART_TRIGGER.match(piece)
            skip = _skip(piece, lead.end()) if lead else len(piece) - len(piece.lstrip())
            start, end = cursor + skip, cursor + len(piece.rstrip())
            if start < end:
                parts.append((item[start:end], (offset + start, offset + end)))
        if match is not None:
            cursor = match.end()
    return parts


_PART_TRIGGER = re.compile(r"\s{0,3}(?:no|nor|without)\s", _FLAGS)


def _post_negated_in(
    sentence: Sentence, folded: str, present: frozenset[str]
) -> list[tuple[str, Span]]:
    """'his vision did not recover', 'has not mastered turning', 'side effects were not seen'."""
    text, offset = sentence.text, sentence.start
    found: list[tuple[str, Span]] = []
    did_not = hit(present, _POST_DID_NOT_GATE)
    for match in _POST_DID_NOT_FOLDED.finditer(text, folded) if did_not else []:
        subject = _noun_before(text, match.start())
        if subject:
            start = subject[1]
            found.append(
                (
                    f"{subject[0]} did not {match.group('verb').lower()}",
                    (offset + start, offset + match.end()),
                )
            )
    has_not = hit(present, _POST_HAS_NOT_GATE)
    for match in _POST_HAS_NOT_FOLDED.finditer(text, folded) if has_not else []:
        found.append(
            (
                f"{match.group('verb')} {match.group('object')}",
                (offset + match.start("verb"), offset + match.end("object")),
            )
        )
    passive = hit(present, _POST_PASSIVE_GATE)
    for match in _POST_PASSIVE_FOLDED.finditer(text, folded) if passive else []:
        subject = _noun_before(text, match.start())
        if subject and _FINDING.search(subject[0]):
            found.append((subject[0], (offset + subject[1], offset + subject[2])))
    return found


def _noun_before(text: str, position: int, limit: int = 4) -> tuple[str, int, int] | None:
    """The few words just before ``position`` that name a thing: 'vision', 'side effects'."""
    words = list(_WORD.finditer(text, max(0, position - 60), position))
    taken: list[re.Match[str]] = []
    for word in reversed(words):
        gap = text[word.end() : (taken[0].start() if taken else position)]
        if gap.strip() or word.group().lower() in _BACK_STOP or len(taken) >= limit:
            break
        taken.insert(0, word)
    if not taken:
        return None
    return text[taken[0].start() : taken[-1].end()].lower(), taken[0].start(), taken[-1].end()


def _table_none(doc: Document) -> list[tuple[str, Sentence, Span]]:
    """A schedule table whose side-effect column reads 'none reported': one denial, once."""
    text = doc.text
    folded = doc.memo(folded_text)
    if not has(folded, _TABLE_GATE):
        return []  # no line can hold a header
    for number, (start, end) in enumerate(doc.lines):
        if not has(folded[start:end], _TABLE_GATE):
            continue  # no header on this line
        header = _TABLE_HEADER.search(text, start, end)
        if header is None:
            continue
        colon = text.find(":", header.end(), end)
        # "Side effects: none reported" -- the value on the header's own line
        if (
            colon >= 0
            and not text[header.end() : colon].strip()
            and _TABLE_NONE.fullmatch(text[colon + 1 : end].strip().rstrip("."))
        ):
            sentence = _sentence_at(doc, start)
            if sentence is not None:
                return [(header.group().lower(), sentence, header.span())]
        if text[start:end].rstrip().endswith((".", "!", "?")):
            continue
        for row_start, row_end in doc.lines[number + 1 : number + 40]:
            if _TABLE_NONE.search(text, row_start, row_end):
                sentence = _sentence_at(doc, row_start)
                if sentence is not None:
                    return [(header.group().lower(), sentence, header.span())]
        return []
    return []


def _inside(position: int, spans: list[Span]) -> bool:
    """Whether ``position`` falls in one of ``spans`` (sorted, not overlapping)."""
    index = bisect_right(spans, position, key=lambda span: span[0]) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _overlaps(span: Span, spans: list[Span]) -> bool:
    """Whether ``span`` overlaps one of ``spans`` (sorted by start; scopes are short)."""
    index = bisect_left(spans, (span[1], 0))
    return any(s < span[1] and span[0] < e for s, e in spans[max(0, index - 16) : index])


def _sentence_at(doc: Document, position: int) -> Sentence | None:
    for sentence in doc.sentences:
        if sentence.start <= position < sentence.end or sentence.start >= position:
            return sentence
    return None


# -- adverse events ------------------------------------------------------------------------------


def _adverse(doc: Document, day0: int | None, denied: list[Span]) -> list[AdverseMention]:
    found: list[AdverseMention] = []

    denied = sorted(set(denied))

    def add(description: str, severity: str | None, sentence: Sentence, span: Span) -> bool:
        if len(found) >= _MAX_ITEMS or _overlaps(span, denied):
            return False  # a denied finding is never an adverse event
        description = _as_noun(_EPISODES.sub("", _tidy(description)))
        if not description or len(description.split()) > 12:
            return False
        if len(found) >= _MAX_ITEMS or any(
            _overlap(description, m.description) >= 0.5 for m in found
        ):
            return True  # told already
        spans = {"description": span}
        found.append(AdverseMention(description, severity, sentence.index, span[0], spans))
        return True

    # Sentences that told a harm after the treatment, or said they came after it: the next
    # sentence of the same paragraph goes on telling what followed ("She had a fever after
    # the first infusion. We noticed some redness where the drip went in.").
    told: set[int] = set()
    sentences = doc.sentences
    # Every rule below (the losses and those of _told_events) needs a word of these gates;
    # the tests before them have no effect of their own.
    for sentence, present, folded in _gated(doc, _TELLING_WORDS):
        after = _after_cue(sentence.text, folded, present)
        carried = (
            sentence.index - 1 in told and sentences[sentence.index - 1].line == sentence.line
        )
        if not _after_treatment(
            doc, sentence, day0, after_cue=after or carried, folded=folded, present=present
        ):
            continue
        text = sentence.text
        # Whether the sentence is told after the treatment, worked out only when needed
        # (reading its times costs more than all the rest).
        cue: bool | None = None
        later = day0 is not None and sentence.index > day0
        if later and hit(present, _LOSS_GATE):
            cue = _told_after(sentence, after, present, later)
        if later and cue:
            # "Within days they lost vision": a loss told after the treatment was given.
            for loss in _whole_words(_LOSS_FOLDED, _LOSS_FIRSTS, text, folded, present):
                before = text[max(0, loss.start() - 20) : loss.start()]
                span = (sentence.start + loss.start(), sentence.start + loss.end())
                if add(loss.group(), _severity(before), sentence, span):
                    told.add(sentence.index)
        for description, span, severity, needs_cue in _told_events(text, folded, present):
            if needs_cue and not severity and not carried:
                if cue is None:
                    cue = _told_after(sentence, after, present, later)
                if not cue:
                    continue
            if add(
                description,
                severity,
                sentence,
                (sentence.start + span[0], sentence.start + span[1]),
            ):
                told.add(sentence.index)
        if cue:
            told.add(sentence.index)
    if day0 is not None:
        for description, severity, sentence, span in _timeline_events(doc, day0):
            add(description, severity, sentence, span)
        for description, severity, sentence, span in _headed_events(doc, day0):
            if len(found) >= _MAX_ITEMS:
                break  # junk: no narrative tells more
            add(description, severity, sentence, span)
    return sorted(found, key=lambda m: m.position)  # as told, whichever rule read them


def _timeline_events(doc: Document, day0: int) -> Iterator[tuple[str, str | None, Sentence, Span]]:
    """'- Day 1: mild conjunctival redness and a foreign body sensation; IOP 16 mmHg'.

    A follow-up list item headed by a time after day 0 lists what was found then,
    often without a verb: each harm it names is an event (improvements, denials and
    measurements are not).
    """
    for sentence in doc.sentences[day0 + 1 :]:
        text = sentence.text
        head = text[:_LABEL_REACH]
        if ":" not in head and " - " not in head and " – " not in head:
            continue  # no label can end here
        label = _LABEL.match(text)
        if label is None or not _UNIT_IN_LABEL.search(label.group("label")):
            continue  # "Visual acuity: ..." names no time (reading one costs more)
        if not _time_label(label.group(), len(label.group("label"))):
            continue
        body_start = label.end()
        for chunk_start, chunk_end in _chunks(text, body_start):
            for item, (item_start, _) in _list_items(text[chunk_start:chunk_end], chunk_start):
                for part, (start, end) in _conjoined(item, item_start):
                    if not _listed_harm(part):
                        continue
                    yield (
                        part,
                        _severity(part),
                        sentence,
                        (sentence.start + start, sentence.start + end),
                    )


def _headed_events(doc: Document, day0: int) -> Iterator[tuple[str, str | None, Sentence, Span]]:
    """'Complications:' over lines of harms, 'Side effects, to be honest: hair loss, bad
    nausea and ...': under a heading that names side effects, each item naming a harm is
    one, told without a verb."""
    headed = 0
    for sentence in doc.sentences[day0 + 1 :]:
        if headed >= _MAX_ITEMS:
            break  # more lists of side effects than any narrative tells: junk
        text = sentence.text
        body = 0
        heading = doc.sections[sentence.section].heading if sentence.section is not None else ""
        if not _SIDE_EFFECT_HEADING.fullmatch(heading.strip()):
            label = _LABEL.match(text[:_LABEL_REACH]) if ":" in text[:_LABEL_REACH] else None
            if label is None or not _SIDE_EFFECT_HEADING.match(label.group("label")):
                continue
            body = label.end()
        headed += 1
        folded = fold(text)
        for number, piece in enumerate(_HEADED_ITEM.finditer(text, body)):
            if number >= _MAX_ITEMS:
                break  # more items than any list of side effects: junk
            start = piece.start() + len(piece.group()) - len(piece.group().lstrip(" ,;.-"))
            start = _skip_trim(text, _skip_and(text, start))
            end = min(piece.end(), _event_end(text, folded, start, _MAX_SCOPE))
            cut = text.find("(", start, end)  # "headache (mild; ...)": the name ends there
            item = text[start : end if cut < 0 else cut].strip(" ,;.-")
            if not item or len(item.split()) > _HEADED_WORDS or _ends_in_adjective(item):
                continue
            if _listed_harm(" ".join(item.split()[:_LISTED_WORDS])):
                span = (sentence.start + start, sentence.start + start + len(item))
                # "headache (mild; resolved ...)": the remark in brackets grades it
                yield item, _severity(text[start : piece.end()]), sentence, span


# A heading (or the label of a list) that names side effects, with a few words of its own
# ("Side effects, to be honest:", "Complications of the procedure:").
_SIDE_EFFECT_HEADING = re.compile(
    r"(?:(?:any|the|post-?\w+|\w+)\s{1,3})?(?:"
    + _phrases(_A["list_subjects"])
    + r")\b[^:]{0,30}:?",
    _FLAGS,
)
# One item: up to a comma, semicolon, sentence stop, dash or opening parenthesis.
_HEADED_ITEM = re.compile(r"[^,;.()\u2013\u2014]+(?:\([^()]{0,80}\))?")
_HEADED_WORDS = 10


def _skip_and(text: str, position: int) -> int:
    """Past an "and" or "plus" that opens the last item of a list."""
    match = _LAST_ITEM_LEAD.match(text, position)
    return match.end() if match else position


_LAST_ITEM_LEAD = re.compile(r"(?:and|plus|also)\s{1,3}", _FLAGS)


_LABEL_REACH = 40
_UNIT_IN_LABEL = re.compile(r"day|week|month|year|hour", _FLAGS)
_LABEL = re.compile(r"\W{0,3}(?P<label>[A-Za-z0-9][^:;.!?\n]{0,36}?)\s{0,2}(?::|\s[-–—]\s)\s{0,3}")


def _time_label(label: str, words: int) -> bool:
    """Whether ``label`` (with its colon or dash) is a time after day 0 and little else
    ("Day 1:", "At 3 months -"); ``words``: the length of the label without its mark."""
    return any(
        m.relation == "after_day0" and 2 * (min(m.end, words) - m.start) >= words
        for m in find_times(label, 0)
    )


def _chunks(text: str, start: int) -> list[Span]:
    """The pieces of ``text`` from ``start`` between semicolons."""
    spans: list[Span] = []
    for piece in re.finditer(r"[^;]+", text[start:]):
        spans.append((start + piece.start(), start + piece.end()))
    return spans


def _listed_harm(item: str) -> bool:
    """Whether a verbless list item names a harm: 'mild conjunctival redness', not 'redness
    resolved', 'no pain' or 'IOP 16 mmHg'."""
    return (
        len(item.split()) <= _LISTED_WORDS
        and _EVENT.search(item) is not None
        and _IMPROVEMENT.search(item) is None
        and _DENIAL_WORD.search(item) is None
        and _NOTHING.match(item) is None
    )


_LISTED_WORDS = 6


def _ends_in_adjective(phrase: str) -> bool:
    """Whether the last word of ``phrase`` is a harm adjective (a quick test before _as_noun)."""
    words = phrase.split()
    return bool(words) and words[-1].lower().strip(",.;:") in VOCABULARY.adjectives


def _as_noun(phrase: str) -> str:
    """'dizzy' -> 'dizziness', 'bit nauseous' -> 'nausea', 'red and sore' -> 'redness and
    soreness': a harm told by adjectives is named by nouns; any other phrase stays."""
    nouns: list[str] = []
    for word in _ADJECTIVE_WORD.findall(phrase.lower()):
        if word in _DEGREE_WORDS or word in _JOINERS:
            continue
        noun = VOCABULARY.adjectives.get(word)
        if noun is None:
            return phrase
        if noun not in nouns:
            nouns.append(noun)
    return " and ".join(nouns) if nouns else phrase


_ADJECTIVE_WORD = re.compile(r"[a-z][a-z'-]*")
# "three episodes of mild hypoglycaemia" is told as "mild hypoglycaemia" (the count is
# no part of the harm's name).
_EPISODES = re.compile(
    r"^(?:(?:"
    + NUMBER_WORD_PATTERN
    + r"|several|multiple|repeated|recurrent|frequent|occasional|few|some)\s{1,3})?"
    r"(?:episodes?|bouts?|attacks?|spells?)\s{1,3}of\s{1,3}",
    _FLAGS,
)
# Between the parts of a run of adjectives: "dizzy" | "a bit nauseous".
_JOIN = re.compile(_ADJECTIVE_JOIN, _FLAGS)
_JOINERS = frozenset({"and", "or", "a", "an"})


def _told_after(sentence: Sentence, after: bool, present: frozenset[str], later: bool) -> bool:
    """Whether a sentence tells what followed the treatment: a cue, a sequel or a time."""
    return bool(after or (hit(present, _SEQUEL_GATE) and _SEQUEL.search(sentence.text))) or (
        later and _timed_after(sentence)
    )


def _timed_after(sentence: Sentence) -> bool:
    """'Within one week she noticed ...': a time after treatment links what follows to it."""
    return any(
        m.relation in ("after_day0", "after_previous")
        for m in find_times(sentence.text[:_TIME_WINDOW], sentence.start)
    )


_TIME_WINDOW = 2000  # no sentence telling a side effect is longer; bounds find_times on junk


def _after_treatment(
    doc: Document,
    sentence: Sentence,
    day0: int | None,
    *,
    after_cue: bool,
    folded: str,
    present: frozenset[str],
) -> bool:
    if day0 is None or sentence.index < day0:
        return after_cue and day0 is None
    if sentence.section is not None and _BASELINE.search(doc.sections[sentence.section].heading):
        return False
    return not (
        hit(present, _BASELINE_GATE)
        and _BASELINE_FOLDED.search(sentence.text, folded)
        and not after_cue
    )


# (description, span in the sentence, severity, whether it needs an after-treatment cue)
Event = tuple[str, Span, str | None, bool]


def _told_events(text: str, folded: str, present: frozenset[str]) -> list[Event]:
    """(description, span, severity, needs an after-treatment cue) for each event told."""
    found: list[Event] = []
    # "experienced only mild swelling ...", "had a fever after the injection"
    for pattern, firsts, weak, gate in (
        (_STRONG_VERB_FOLDED, _STRONG_VERB_FIRSTS, False, _STRONG_VERB_GATE),
        (_WEAK_VERB_FOLDED, _WEAK_VERB_FIRSTS, True, _WEAK_VERB_GATE),
    ):
        if not hit(present, gate):
            continue
        for verb in _whole_words(pattern, firsts, text, folded, present):
            if _hypothetical(text, verb.start()):
                continue  # "patients may experience ...", "if she develops a fever"
            start = _skip_trim(text, verb.end())
            end = _event_end(text, folded, start, _MAX_SCOPE)
            lead = text[verb.end() : start]
            # "a sore back afterwards and a headache": the list goes on after the time
            pieces = [(start, end), *_more_segments(text, folded, end)]
            for piece_start, piece_end in pieces:
                for listed, listed_span in _list_items(text[piece_start:piece_end], piece_start):
                    for item, (s, _) in _second_verbs(listed, listed_span[0]):
                        if not _EVENT_FOLDED.search(item, fold(item)) or _IMPROVEMENT.search(item):
                            continue
                        if _ends_in_adjective(item) and _as_noun(item) != item:
                            continue  # "felt dizzy": adjectives, read with their subject below
                        for part, part_span in _conjoined(item, s):
                            severity = _severity(part) or _severity(lead)
                            found.append((part, part_span, severity, weak))
    if hit(present, _TURNS_GATE):  # most sentences have none of these turns
        found.extend(_told_in_turns(text, folded, present))
    # "severe bilateral visual loss developed after they received ..."
    for verb in (
        _whole_words(_EVENT_VERB_FOLDED, _EVENT_VERB_FIRSTS, text, folded, present)
        if hit(present, _EVENT_VERB_GATE)
        else ()
    ):
        subject = _noun_before(text, verb.start(), limit=6)
        if subject and _EVENT.search(subject[0]) and not _IMPROVEMENT.search(subject[0]):
            found.append((subject[0], (subject[1], subject[2]), _severity(subject[0]), False))
    if hit(present, _SUBJECT_VERB_GATE):
        found.extend(_subject_events(text, folded, present))
    # "... was associated with ocular hypertension, vitreous hemorrhage, or lens dislocation"
    for cue in (
        _whole_words(_LIST_CUE_FOLDED, _LIST_CUE_FIRSTS, text, folded, present)
        if hit(present, _LIST_CUE_GATE)
        else ()
    ):
        head = text[max(0, cue.start() - _MAX_SCOPE) : cue.start()]
        # "Side effects included ..." lists side effects whatever they are called; so does
        # "complicated by"; "the injection was followed by ..." lists them when they read
        # as harms.
        named = bool(re.search(r"side[\s-]effects?|adverse|complicat", cue.group(), _FLAGS))
        if not (named or _EVENT.search(head) or _AFTER.search(head) or _TREATMENT.search(head)):
            continue
        if re.search(r"\b(?:no|without|not|nor|none)\s{1,3}(?:\w+\s{1,3})?$", head, _FLAGS):
            continue  # "no side effects were ..." is a denial, read by the negation rules
        if _hypothetical(text, cue.start()):
            continue  # "possible side effects include ..."
        start = _skip_trim(text, cue.end())
        end = _event_end(text, folded, start, 2 * _MAX_SCOPE)
        segments = [(start, end, named)]
        if named:
            segments.extend((s, e, False) for s, e in _more_segments(text, folded, end))
        for segment_start, segment_end, any_item in segments:
            for listed, span in _list_items(text[segment_start:segment_end], segment_start):
                if _IMPROVEMENT.search(listed) or _NOTHING.match(listed):
                    continue
                if not (any_item or _EVENT.search(listed)):
                    continue
                for item, item_span in _conjoined(listed, span[0]):
                    found.append((item, item_span, _severity(item), False))
    return found


def _told_in_turns(text: str, folded: str, present: frozenset[str]) -> list[Event]:
    """Harms told in other turns than a verb and its object."""
    found: list[Event] = []
    # "tolerated it well apart from insomnia", "went smoothly except for a transient headache";
    # "Apart from a headache the day after, ..." names a harm as the exception.
    if hit(present, _EXCEPTION_GATE) or hit(present, _TOLERANCE_GATE):
        found.extend(_exceptions(text, folded, present))
    # "she became feverish", "my right eye was red and sore"
    if hit(present, _ADJECTIVE_GATE):
        found.extend(_described_events(text, folded, present))
    # "he ran a temperature", "she threw up in the car"
    if hit(present, _IDIOM_GATE):
        found.extend(_idiom_events(text, folded, present))
    # "a small haematoma ... resolved with compression"
    if hit(present, _RESOLUTION_GATE):
        found.extend(_resolved_events(text, folded, present))
    return found


def _more_segments(text: str, folded: str, end: int) -> list[Span]:
    """'Side effects: low back pain (2 days); mild headache': the items after a semicolon.

    Only when the first item ended just before it (at a parenthesis or a time), and each
    further one is short; a clause with its own subject ends the list.
    """
    segments: list[Span] = []
    limit = min(len(text), end + 2 * _MAX_SCOPE)
    window = text[end : end + _SEGMENT_GAP]
    if ";" not in window and "and" not in window and "plus" not in window:
        return segments  # no further item can open there (see _NEXT_ITEM)
    while len(segments) < _MAX_SEGMENTS:
        joint = _NEXT_ITEM.search(text, end, min(limit, end + _SEGMENT_GAP))
        if joint is None:
            break
        start = _skip_trim(text, joint.end())
        end = _event_end(text, folded, start, _MAX_SCOPE)
        if end <= start or _SUBJECT.match(text[start:end]) or len(text[start:end].split()) > 8:
            break  # "...; he reported a headache": a clause of its own, not a further item
        segments.append((start, end))
    return segments


_MAX_SEGMENTS = 8
# What opens a further item of a list of harms after a time or place cut the last one:
# "; mild headache", "... after the second puncture and a self-limiting fever".
_NEXT_ITEM = re.compile(
    r";|,?\s(?:and|plus)\s(?=(?:a|an|some|" + _phrases(VOCABULARY.severity) + r")\s)", _FLAGS
)
_SEGMENT_GAP = 40  # "(2 days)", "after each puncture": what may stand between item and ";"


def _exceptions(text: str, folded: str, present: frozenset[str]) -> list[Event]:
    """'tolerated it well apart from insomnia': the exception to a good tolerance is a harm;
    without a word of tolerance, an exception that names a harm and opens its clause
    ("Apart from a headache the day after, she was fine") is one too."""
    found: list[Event] = []
    tolerated = (
        hit(present, _TOLERANCE_GATE) and _TOLERANCE_FOLDED.search(text, folded) is not None
    )
    if not tolerated and not hit(present, _EXCEPTION_GATE):
        return found  # neither a tolerance nor an exception that can open a clause
    for cue in _EXCEPTION_FOLDED.finditer(text, folded):
        start = _skip_trim(text, cue.end())
        end = _event_end(text, folded, start, _MAX_SCOPE)
        item = text[start:end].split(",", 1)[0].rstrip()  # "Apart from X, she had no ..."
        if (
            not 0 < len(item.split()) <= 8
            or _IMPROVEMENT.search(item)
            or _PRONOUN_ITEM.match(item)
        ):
            continue
        if not tolerated and not (_EVENT.search(item) and _opens_clause(text, cue.start())):
            continue
        found.append((item, (start, start + len(item)), _severity(item), False))
    return found


def _opens_clause(text: str, position: int) -> bool:
    """Whether only blanks, a bullet or a clause mark stand before ``position`` in its clause."""
    before = text[max(0, position - 3) : position].strip()
    return not before or before[-1] in ",;:-("


def _described_events(text: str, folded: str, present: frozenset[str]) -> list[Event]:
    """'she became feverish', 'my right eye was red and sore for two days'.

    The adjectives are named by their nouns; a body part as subject is kept ("redness and
    soreness of right eye").  As with "had a fever", the sentence must be told after the
    treatment.
    """
    found: list[Event] = []
    for verb in _whole_words(_COPULA_FOLDED, _COPULA_FIRSTS, text, folded, present):
        if _hypothetical(text, verb.start()) or _clause_has(_DENIAL_WORD, text, verb.start()):
            continue  # "she may feel tired", "he was never dizzy"
        told, start = verb.group("adjectives"), verb.start("adjectives")
        subject = _body_part_before(text, verb.start())
        if subject is not None:
            # one event of the body part: "redness and soreness of right eye"
            found.append(
                (
                    f"{_as_noun(told)} of {subject[0]}",
                    (subject[1], verb.end()),
                    _severity(told),
                    True,
                )
            )
            continue
        for part, span in _conjoined(told, start, always=True):  # "dizzy and a bit nauseous"
            found.append((part, span, _severity(part), True))
    return found


def _body_part_before(text: str, position: int) -> tuple[str, int, int] | None:
    """The body part that is the subject of the verb at ``position`` ("my right eye",
    "both eyes" in "That night both eyes were"), else None."""
    subject = _noun_before(text, position, limit=4)
    if subject is None or subject[0].split()[-1] not in _BODY_PARTS:
        return None
    name, start, end = subject
    words = name.split()
    cut = max((i + 1 for i, w in enumerate(words) if w in _SEQUENCE_WORDS), default=0)
    if cut:
        start = end - len(" ".join(words[cut:]))
        name = " ".join(words[cut:])
    return name, start, end


# Words of time and sequence that stand before a subject without a comma: "that night".
_SEQUENCE_WORDS = frozenset(
    {
        *("night", "morning", "evening", "afternoon", "day", "days", "week", "weeks"),
        *("month", "months", "later", "afterwards", "afterward", "then", "next", "soon"),
        *("today", "tonight", "yesterday", "suddenly", "also"),
    }
)


def _idiom_events(text: str, folded: str, present: frozenset[str]) -> list[Event]:
    """'he ran a temperature', 'she threw up', 'lost his hair': the harm the idiom names."""
    found: list[Event] = []
    for match in _whole_words(_IDIOM_FOLDED, _IDIOM_FIRSTS, text, folded, present):
        if _hypothetical(text, match.start()) or _clause_has(_DENIAL_WORD, text, match.start()):
            continue
        value = _TEMPERATURE_VALUE.match(text, match.end())
        if value is not None and not _feverish(float(value.group("value"))):
            continue  # "had a temperature of 36.8": measured, and normal
        name = match.lastgroup or ""
        idiom = VOCABULARY.idioms[int(name.removeprefix("idiom"))]
        subject = None if any(idiom.objects) else _body_part_before(text, match.start())
        if subject is not None:  # "his back started to ache": aching of back
            found.append((f"{idiom.event} of {subject[0]}", (subject[1], match.end()), None, True))
            continue
        found.append((idiom.event, match.span(), _severity(match.group()), True))
    return found


def _feverish(value: float) -> bool:
    """Whether a body temperature (Celsius or Fahrenheit, by its size) is a fever."""
    return value >= (_FEVER_FAHRENHEIT if value > _CELSIUS_CEILING else _FEVER_CELSIUS)


_FEVER_CELSIUS = 37.5
_FEVER_FAHRENHEIT = 99.5
_CELSIUS_CEILING = 45


def _resolved_events(text: str, folded: str, present: frozenset[str]) -> list[Event]:
    """'A transient rise in IOP (28 mmHg) was managed with drops', 'a small haematoma
    resolved': a harm newly told (an indefinite or graded one) by how it ended.  "His
    headaches resolved" tells an improvement of a known complaint, not a harm."""
    found: list[Event] = []
    for verb in _whole_words(_RESOLUTION_FOLDED, _RESOLUTION_FIRSTS, text, folded, present):
        phrase = _phrase_before(text, verb.start())
        if phrase is None:
            continue
        name, start, end, determiner = phrase
        if not _EVENT.search(name) or _IMPROVEMENT.search(name):
            continue
        severity = _severity(name)
        if determiner not in _INDEFINITE and severity is None:
            continue
        if _hypothetical(text, start) or _clause_has(_DENIAL_WORD, text, start):
            continue
        found.append((name, (start, end), severity, False))
    return found


def _longer_name(text: str, position: int, subject: tuple[str, int, int] | None) -> bool:
    """Whether the harm's name may reach further back than _noun_before read it: past a
    parenthesis before ``position`` or an inner preposition before the subject."""
    if text[max(0, position - 3) : position].rstrip().endswith(")"):
        return True
    if subject is None:
        return False
    before = text[max(0, subject[1] - 12) : subject[1]].split()
    return bool(before) and before[-1].lower() in _INNER


def _phrase_before(text: str, position: int, limit: int = 8) -> tuple[str, int, int, str] | None:
    """The harm's name that ends just before ``position``, and the word before it.

    Unlike _noun_before it keeps inner prepositions ("rise in intraocular pressure") and
    steps over a short parenthesis ("(IOP 28 mmHg)").  None when no word is there.
    """
    cursor = position
    while cursor > 0 and text[cursor - 1].isspace():
        cursor -= 1
    if cursor > 0 and text[cursor - 1] == ")":
        opening = text.rfind("(", max(0, cursor - _PAREN_REACH), cursor - 1)
        if opening < 0:
            return None
        cursor = opening
    words = list(_WORD.finditer(text, max(0, cursor - 80), cursor))
    taken: list[re.Match[str]] = []
    before = ""
    for word in reversed(words):
        gap = text[word.end() : (taken[0].start() if taken else cursor)]
        low = word.group().lower()
        if gap.strip() or len(taken) >= limit:
            break
        if low in _BACK_STOP and not (low in _INNER and taken):
            before = low
            break
        taken.insert(0, word)
    while taken and taken[0].group().lower() in _INNER:
        before = taken.pop(0).group().lower()  # "... in intraocular pressure": no name's start
    if not taken:
        return None
    start, end = taken[0].start(), taken[-1].end()
    return text[start:end].lower(), start, end, before


_PAREN_REACH = 40


def _subject_events(text: str, folded: str, present: frozenset[str]) -> list[Event]:
    """'Proliferative vitreoretinopathy developed', 'a cataract was observed at one month'.

    The harm is the subject.  A verb of onset tells it began (no cue needed, as with
    "she developed ..."); a verb of finding ("was noted") only tells it was there, so the
    sentence must also say it came after the treatment.
    """
    found: list[Event] = []
    for verb in _whole_words(_SUBJECT_VERB_FOLDED, _SUBJECT_VERB_FIRSTS, text, folded, present):
        subject = _noun_before(text, verb.start(), limit=6)
        if _longer_name(text, verb.start(), subject):
            # "a rise in intraocular pressure (IOP 28) was noted": a longer name
            longer = _phrase_before(text, verb.start(), limit=6)
            subject = None if longer is None else longer[:3]
        if not subject or not _EVENT.search(subject[0]) or _IMPROVEMENT.search(subject[0]):
            continue
        if _hypothetical(text, subject[1]) or _clause_has(_DENIAL_WORD, text, verb.start()):
            continue  # "no ... such as retinal detachment occurred": denied, not told
        onset = " ".join(verb.group().lower().split()) in _ONSET_VERBS
        followed = _FOLLOWED_AFTER.match(text, verb.end()) is not None
        parts = _conjoined(subject[0], subject[1])
        place = _PLACE_AFTER.match(text, verb.end()) if onset and len(parts) == 1 else None
        if place is not None:  # "a small haematoma formed at the femoral puncture site"
            parts = [(f"{subject[0]} {place.group('place')}", (subject[1], place.end()))]
        for part, span in parts:
            found.append((part, span, _severity(part), not (onset or followed)))
    return found


# Where a harm began, when it names a part of the body: "... formed at the puncture site".
_PLACE_AFTER = re.compile(
    r"\s{1,3}(?P<place>(?:at|on|around|over|behind|near|under)\s{1,3}"
    r"(?:(?:the|his|her|their|its|my|our|a|an)\s{1,3})?(?:[a-z][\w'-]{0,20}\s{1,3}){0,3}(?:"
    + _phrases(_A["body_parts"])
    + r"))(?![\w-])",
    _FLAGS,
)


def _event_end(text: str, folded: str, start: int, scope: int) -> int:
    """Where the event told from ``start`` ends (see _AE_END), at most ``scope`` on."""
    limit = min(len(text), start + scope)
    end_match = _AE_END_FOLDED.search(text, folded, start, limit)
    return end_match.start() if end_match else limit


def _hypothetical(text: str, position: int) -> bool:
    """Whether the clause before ``position`` makes what follows a risk, not an event:
    "patients may experience", "she was warned that she could", "if she develops"."""
    return _clause_has(_HYPOTHETICAL, text, position)


def _clause_has(pattern: re.Pattern[str], text: str, position: int) -> bool:
    """Whether ``pattern`` occurs in the clause of ``text`` that ends at ``position``."""
    low = max(0, position - _CLAUSE_WINDOW)
    clause = max(low, *(text.rfind(mark, low, position) for mark in _CLAUSE_MARKS))
    return pattern.search(text, clause, position) is not None


_CLAUSE_WINDOW = 100
# Where a clause starts: "He can now walk but experienced a fever" -- the "can" of
# the first clause does not make the second one's fever a risk.
_CLAUSE_MARKS = (",", ";", ":", " but ", " yet ", " however ", " although ", " though ")


def _conjoined(item: str, offset: int, *, always: bool = False) -> list[tuple[str, Span]]:
    """'dizziness and a headache' -> two events; 'swelling and discomfort at the injection
    site' or 'redness and itching around the eye' stay one (the place is shared).

    ``always``: the parts are harms whatever their words ("dizzy and a bit nauseous").
    """
    whole = [(item, (offset, offset + len(item)))]
    if always:
        parts: list[tuple[str, Span]] = []
        cursor = 0
        for join in [*_JOIN.finditer(item), None]:
            cut = len(item) if join is None else join.start()
            if item[cursor:cut].strip():
                parts.append((item[cursor:cut], (offset + cursor, offset + cut)))
            cursor = cut if join is None else join.end()
        return parts
    match = _LAST_CONJUNCTION.search(item)
    if match is None or _LAST_CONJUNCTION.search(item, match.end()) is not None:
        return whole  # one "and" only: longer chains are read as lists, not here
    first, second = item[: match.start()], item[match.end() :]
    if not (_harm_named(first) and _harm_named(second)):
        return whole  # "a drop in vision": one harm told in two words
    if not _OWN_LEAD.match(second) and _SHARED_TAIL.search(" " + second):
        return whole
    return [
        (first, (offset, offset + len(first))),
        (second, (offset + match.end(), offset + len(item))),
    ]


def _harm_named(text: str) -> bool:
    """Whether ``text`` names a harm, by a noun ("headache") or an adjective ("gritty")."""
    return _EVENT.search(text) is not None or any(
        word in VOCABULARY.adjectives for word in _ADJECTIVE_WORD.findall(text.lower())
    )


def _second_verbs(item: str, offset: int) -> list[tuple[str, Span]]:
    """'nauseous and vomited' -> two events; 'redness and itching' stays one."""
    parts: list[tuple[str, Span]] = []
    cursor = 0
    for match in _SECOND_VERB.finditer(item):
        parts.append((item[cursor : match.start()], (offset + cursor, offset + match.start())))
        cursor = match.end()
    parts.append((item[cursor:], (offset + cursor, offset + len(item))))
    return [(p.strip(), span) for p, span in parts if p.strip()]


def _skip_trim(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    for _ in range(4):
        match = _TRIM.match(text, position)
        if not match:
            break
        position = match.end()
    return position


def _severity(text: str) -> str | None:
    match = _SEVERITY.search(text)
    if match is None:
        grade = _FEVER_GRADE.search(text)  # "a high fever": graded by its height
        return None if grade is None else _fever_grade(grade.group("grade"))
    return VOCABULARY.severity.get(
        " ".join(match.group().lower().split()).replace(" ", "-"),
        VOCABULARY.severity.get(match.group().lower()),
    )


def _fever_grade(word: str) -> str | None:
    return VOCABULARY.fever_grades.get(" ".join(word.lower().split()))


# -- phrases -------------------------------------------------------------------------------------


def _tidy(text: str) -> str:
    text = _QUOTES.sub("", _PAREN.sub("", text))
    text = _POSSESSIVE.sub("", text)
    text = _TRIM.sub("", text.strip())
    return " ".join(text.lower().split()).strip(" ,.;:-")


def _key(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def _overlap(a: str, b: str) -> float:
    wa, wb = _key(a), _key(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / max(len(wa), len(wb))
