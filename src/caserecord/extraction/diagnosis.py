"""Diagnoses (conditions) of the case: name, side, cause and onset.

Conditions are found three ways, all driven by ``data/conditions.json``:

1. a vocabulary of the diagnoses of the genre (optic nerve injury and
   atrophy, LHON, glaucoma, AMD, cerebral palsy, spinal cord injury, MS,
   diabetes...), with spellings, synonyms ("atrophy of the optic nerve")
   and abbreviations ("LHON", "AMD") -- the disease names of ICD-10
   chapters VII (eye) and VI (nervous system) as case narratives write
   them;
2. general head nouns with their modifiers ("... fracture", "... palsy",
   "... syndrome", "... atrophy"), so unseen conditions are caught
   ("a left medial orbital wall fracture", "adrenal insufficiency");
3. the noun phrase after a diagnosis cue ("diagnosed with X",
   "Diagnosis: X") when neither of the above knows it.

A mention is dropped when it is negated ("no history of glaucoma"), a
relative's ("his mother had glaucoma"), general talk that is not about
this patient ("Optic atrophy has been considered an incurable eye
condition"), part of a name ("Early Treatment Diabetic Retinopathy
Study"), or a complication told after the treatment (an adverse event,
not a diagnosis).  Repeats of a condition merge into one, named by its
most specific mention.

Side, cause and onset come from the mention's own words first ("optic
neuropathy OS", "injury from a climbing accident 18 months prior to
treatment", "born with encephalopathy", "at eight months old he was
diagnosed with ..." against the age at presentation), then from the
story -- its history, which ends where the treatment is told, but for
sentences that look back ("three years ago"): an eye
disease without a side takes the eye the story speaks of first, the main
condition takes the first stated cause and onset of the history ("four
months ago due to a serious car accident"), traumatic conditions take the
accident, hereditary ones the mutation found.  Every span indexes the
original text; every pattern is bounded, so a pass is linear in the text.
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import compress, count, filterfalse
from typing import Any, Generic, NamedTuple, TypeVar

from caserecord.extraction._data import load_json
from caserecord.extraction._document import Document, Sentence, split_clauses
from caserecord.extraction._folded import FoldedPattern, fold
from caserecord.extraction._mentions import ConditionMention, PatientMention, Span
from caserecord.extraction._numbers import NUMBER_WORD_PATTERN, parse_number
from caserecord.extraction._patterns import alternation
from caserecord.extraction.demographics import _validated, extract_patient, first_patient_end
from caserecord.extraction.eyes import find_eyes
from caserecord.extraction.time import TimeMention, find_times
from caserecord.timeline import TimeUnit

__all__ = ["extract_conditions"]

_SOURCE = "conditions.json"
_SCHEMA = {  # every key but "conditions", which _check_conditions reads
    "heads": "str_list",
    "head_tags": "list_map",
    "weak_modifiers": "str_list",
    "strip_modifiers": "str_list",
    "merge_modifiers": "str_list",
    "known_modifiers": "str_list",
    "stop_words": "str_list",
    "anatomy": "str_list",
    "joints": "str_list",
    "injured_organs": "str_map",
    "injury_verbs": "str_list",
    "diagnosis_cues": "str_list",
    "diagnosis_header_keys": "str_list",
    "skip_header_keys": "str_list",
    "negation_cues": "str_list",
    "negation_after": "str_list",
    "family_cues": "str_list",
    "family_owners": "str_list",
    "eponym_heads": "str_list",
    "context_before_blockers": "str_list",
    "context_after_blockers": "str_list",
    "generic_verbs": "str_list",
    "generic_cues": "str_list",
    "patient_refs": "str_list",
    "cause_cues": "str_list",
    "weak_cause_cues": "str_list",
    "not_cause_before": "str_list",
    "empty_values": "str_list",
    "not_cause_alone": "str_list",
    "backward_cause_cues": "str_list",
    "cause_heads": "str_list",
    "trauma_heads": "str_list",
    "fall_verbs": "str_list",
    "cause_strip": "str_list",
    "cause_stops": "str_list",
    "mutation_verbs": "str_list",
    "as_a_result_sources": "str_list",
    "onset_cues": "str_list",
    "nature_causes": "str_map",
    "given_verbs": "str_list",
    "cells_given": "str_list",
    "first_noticed_verbs": "str_list",
    "visit_words": "str_list",
    "treatment_words": "str_list",
    "post_treatment_words": "str_list",
    "extra_both_eyes": "str_list",
    "body_sides": "str_map",
    "body_sites": "str_list",
}
_TAGS = frozenset({"eye", "lateral", "trauma", "hereditary", "sign", "birth"})


@dataclass(frozen=True, slots=True)
class _Entry:
    """One condition of the vocabulary."""

    name: str
    tags: frozenset[str]


def _check_conditions(entries: object) -> list[_Entry]:
    def fail(problem: str) -> RuntimeError:
        return RuntimeError(f"caserecord rule file data/{_SOURCE}: {problem}")

    if not isinstance(entries, list) or not entries:
        raise fail("'conditions' must be a non-empty list of objects")
    checked: list[_Entry] = []
    for index, entry in enumerate(entries):
        where = f"conditions[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise fail(f"{where} must be an object with a 'name'")
        unknown = set(entry) - {"name", "variants", "synonyms", "abbreviations", "tags"}
        if unknown:
            raise fail(f"{where} ({entry['name']}): unknown keys {sorted(unknown)}")
        if entry["name"] != entry["name"].lower().strip():
            raise fail(f"{where}: name {entry['name']!r} must be lower case")
        variants = entry.get("variants", [])
        if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
            raise fail(f"{where} ({entry['name']}): 'variants' must be a list of phrases")
        for key in ("synonyms", "abbreviations"):
            table = entry.get(key, {})
            if not isinstance(table, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in table.items()
            ):
                raise fail(f"{where} ({entry['name']}): {key!r} must map a phrase to a name")
        tags = entry.get("tags", [])
        if not isinstance(tags, list) or not set(tags) <= _TAGS:
            raise fail(
                f"{where} ({entry['name']}): tags must be among {sorted(_TAGS)} (got {tags!r})"
            )
        checked.append(_Entry(entry["name"], frozenset(tags)))
    return checked


_RAW = load_json(_SOURCE)
_DATA: dict[str, Any] = _validated(
    {k: v for k, v in _RAW.items() if k != "conditions"}, _SOURCE, _SCHEMA
)
_ENTRIES = _check_conditions(_RAW.get("conditions"))

_I = re.IGNORECASE


def _words(words: Iterable[str]) -> str:
    """Alternation of phrases, longest first; spaces match 1-3 blanks."""
    return alternation(words)


def _set(key: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _DATA[key])


# -- words --------------------------------------------------------------------------------

# A word, hyphenated compounds and a possessive ’s included ("age-related",
# "C5-C6", "Leber’s").  Bounded pieces, one separator per piece: no input
# can make it backtrack.
_WORD = re.compile(
    r"[^\W_]{1,40}(?:['’][A-Za-z]{1,2}\b)?"
    r"(?:[-\u2010\u2011][^\W_]{1,30}(?:['’][A-Za-z]{1,2}\b)?){0,5}"
)
_CODE_SUFFIX = re.compile(r"[-\u2010\u2011]\d{1,4}$")  # "Injury-02"
_NOT_ALNUM = re.compile(r"[\W_]")


def _norm(word: str) -> str:
    return _NOT_ALNUM.sub("", _CODE_SUFFIX.sub("", word).lower())


class _Word(NamedTuple):
    start: int
    end: int
    text: str
    norm: str
    lower: str


class _WordInfo(dict[str, tuple[str, str]]):
    """Word -> (norm, lower), shared by every document: words repeat across narratives."""

    LIMIT = 50_000

    def __missing__(self, word: str) -> tuple[str, str]:
        if len(self) >= self.LIMIT:
            self.clear()
        info = self[word] = (_norm(word), word.lower())
        return info


_WORD_INFO = _WordInfo()
_word_info = _WORD_INFO.__getitem__


def _tokens(text: str, offset: int = 0) -> list[_Word]:
    out: list[_Word] = []
    append, new, info_of = out.append, tuple.__new__, _WORD_INFO.__getitem__
    for match in _WORD.finditer(text):
        word = match.group()
        norm, lower = info_of(word)
        start, end = match.span()
        append(new(_Word, (offset + start, offset + end, word, norm, lower)))
    return out


# -- the vocabulary index -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Sense:
    entry: int  # index into _ENTRIES, or -1 for a general head noun
    display: str


def _index() -> tuple[dict[str, _Sense], dict[str, _Sense], int]:
    phrases: dict[str, _Sense] = {}
    longest = 1
    for number, raw in enumerate(_RAW["conditions"]):
        spellings = [(v, v) for v in [raw["name"], *raw.get("variants", [])]]
        spellings += list(raw.get("synonyms", {}).items())
        for spelling, display in spellings:
            words = _tokens(spelling)
            key = "".join(w.norm for w in words)
            longest = max(longest, len(words))
            for form in _plurals(key):
                phrases.setdefault(form, _Sense(number, display.lower()))
    abbreviations = {
        abbr: _Sense(number, display.lower())
        for number, raw in enumerate(_RAW["conditions"])
        for abbr, display in raw.get("abbreviations", {}).items()
    }
    return phrases, abbreviations, min(longest, 8)


def _plurals(key: str) -> list[str]:
    forms = [key, key + "s", key + "es"]
    if key.endswith("y"):
        forms.append(key[:-1] + "ies")
    return forms


_PHRASES, _ABBREVIATIONS, _LONGEST = _index()
# Every prefix of a phrase key: a key being built that is none cannot become one.
_PREFIXES = frozenset(key[:size] for key in _PHRASES for size in range(1, len(key) + 1))
_HEADS = _set("heads")
_HEAD_TAGS = {k.lower(): frozenset(v) for k, v in _DATA["head_tags"].items()}
_STOP = _set("stop_words")
_WEAK = _set("weak_modifiers")
_STRIP = _set("strip_modifiers")
_KNOWN = _set("known_modifiers")
_MERGE_MODIFIERS = _set("merge_modifiers")
_EPONYM_HEADS = _set("eponym_heads")
_SIDES = {"left": "left", "right": "right", "bilateral": "both", "bilaterally": "both"}
# Words that give a side in a name: "left medial orbital wall fracture", "left-sided".
_SIDED = {**_SIDES, "left-sided": "left", "right-sided": "right"}
_ARTICLES = frozenset({"a", "an", "the", "his", "her", "their", "its", "our", "my"})

# -- patterns around a mention ----------------------------------------------------------------
#
# Most patterns below are costly to run (an alternation tried at every
# position) and rarely match: each has a gate, a cheap test of the words any
# match must hold (_Needles, _Gate, _INJURY_GATE, _TIME_WORDS...), and runs
# only where its gate passes.  A gate must stay a superset of its pattern: a
# word added to a pattern written out here (not read from conditions.json)
# goes into its gate too.

_ANATOMY = _words(_DATA["anatomy"])
_POSTMODIFIER = re.compile(
    r"\s{1,2}(?P<prep>of|in|involving|extending\s{1,2}(?:through|into|to))\s{1,2}"
    r"(?P<object>(?:(?:the|his|her|their|both|left|right|bilateral)\s{1,2}){0,2}"
    r"(?:[a-z][a-z\-]{1,20}\s{1,2}){0,2}?(?:" + _ANATOMY + r")(?:s|es)?)\b"
)
_JOINT = re.compile(
    r"\s{1,2}(?:of|in|for|on)\s{1,2}(?:(?:the|his|her|both)\s{1,2})?"
    r"(?:(?P<side>left|right|bilateral)\s{1,2})?(?P<joint>" + _words(_DATA["joints"]) + r")\b",
    _I,
)
_GESTATION = re.compile(
    r"\s{1,2}at\s{1,2}(?P<weeks>\d{1,2})[\s\-]{1,2}weeks?['’]?"
    r"(?:\s{1,2}of)?\s{1,2}gestation\b",
    _I,
)
_EYE_AFTER = re.compile(
    r"\s{0,2}(?:\(\s{0,2})?(?P<abbr>OD|OS|OU)\b|\s{1,2}(?:of|in|on|affecting)"
    r"\s{1,2}(?:the\s|his\s|her\s|their\s)?(?:(?P<side>left|right)|(?P<both>"
    r"both|either|each))\s{1,2}(?:eyes?|sides?|knees?|hips?|optic\snerves?)\b"
)
# "Stargardt disease, an inherited condition that ...", "MS is an autoimmune disease":
# the kind of disease told right after its name is its cause.
_NATURE = re.compile(
    r"(?:\s{0,2},\s{0,2}|\s{1,3}is\s{1,3})(?:an?\s{1,3})?(?:(?:rare|common|progressive|chronic)"
    r"\s{1,3})?(?P<nature>" + _words(_DATA["nature_causes"]) + r")\s{1,3}(?:[a-z]{2,12}\s{1,3})?"
    r"(?:condition|disease|disorder|illness)\b",
    _I,
)
# "born at 29 weeks", "born after 31+2 weeks' gestation": a birth before term (37 weeks).
_BORN_EARLY = re.compile(
    rf"\bborn\s{{1,3}}(?:at|after)\s{{1,3}}(?:only\s{{1,3}}|just\s{{1,3}})?(?P<num>{NUMBER_WORD_PATTERN})"
    r"(?:\s{0,2}\+\s{0,2}\d)?[\s\-]{1,3}(?:weeks?|wks?)\b",
    _I,
)
_TERM_WEEKS = 37
_PARENTHETICAL = re.compile(r"\s{0,2}\(\s{0,2}(?P<inner>[^()\n]{1,60})\)")
_INJURY = re.compile(
    r"\b(?:" + _words(_DATA["injury_verbs"]) + r")\s{1,3}"
    r"(?:(?:the|his|her|their|its|both)\s{1,3})?(?:(?P<side>left|right)\s{1,3})?"
    r"(?P<organ>" + _words(_DATA["injured_organs"]) + r")\b",
    _I,
)

_NEGATION_BEFORE = re.compile(
    r"\b(?:" + _words(_DATA["negation_cues"]) + r")\b[:\-]?"
    r"(?:\s{1,3}[\w\-’']{1,25}){0,4}\s{0,3}$",
    _I,
)
_NEGATION_AFTER = re.compile(r"\s{1,3}(?:" + _words(_DATA["negation_after"]) + r")\b", _I)
# The patient's relatives ("his mother had glaucoma", "family history of"), not the
# narrator's: in "my father was diagnosed with ALS" the father is the patient.  A relative
# who brings or accompanies the patient ("brought in by her parents with HIE") owns nothing.
_FAMILY_BEFORE = re.compile(
    r"(?:(?<!\bby\s)(?<!\bwith\s)\b(?:"
    + _words(_DATA["family_owners"])
    + r")\s{1,3}(?:[\w\-]{1,20}\s{1,3})?"
    r"(?:" + _words(_DATA["family_cues"]) + r")(?:['’]s)?|\bfamily\s{1,3}history)\b"
    r"(?:\s{1,3}[\w\-’']{1,25}){0,4}\s{0,3}$",
    _I,
)
_BLOCK_BEFORE = re.compile(
    r"\b(?:" + _words(_DATA["context_before_blockers"]) + r")"
    r"\s{1,3}(?:(?:the|a|an)\s{1,3})?$",
    _I,
)
_BLOCK_AFTER = re.compile(r"\s{1,3}(?:" + _words(_DATA["context_after_blockers"]) + r")\b", _I)
_DIAGNOSIS_BEFORE = re.compile(
    r"\b(?:" + _words(_DATA["diagnosis_cues"]) + r")\s{0,3}[:\-]?"
    r"\s{0,3}(?:(?:an?|the|that|of)\s{1,3})?[\"“«'‘]?\s{0,2}$",
    _I,
)
_DIAGNOSIS_NP = re.compile(
    r"\b(?:diagnosed\s{1,3}(?:(?:him|her|them)\s{1,3})?(?:with|as\s{1,3}having|as|to\s{1,3}have|to)"
    r"|diagnosis\s{1,3}(?:is|was|of))\s{1,3}(?:(?:an?|the)\s{1,3})?[\"“«'‘]?\s{0,2}"
    r"(?P<np>[A-Za-z][^,.;:()\"”»\n]{2,80})",
    _I,
)
_NP_STOP = re.compile(
    r"\s(?:and|which|who|that|in|at|on|since|after|when|due|because|as|with|"
    r"by|following|for|from|but|while|whilst|during|secondary|caused|is|was|"
    r"were|are|has|had|last|this|earlier|ago|previously|recently|years?|months?)\b",
    _I,
)
_GENERIC_VERB = re.compile(
    r"\s{0,3}(?:\([^()]{0,60}\)\s{0,3})?(?:" + _words(_DATA["generic_verbs"]) + r")\b", _I
)
_GENERIC_CUE = re.compile(r"\b(?:" + _words(_DATA["generic_cues"]) + r")\b", _I)
_PATIENT_REF = re.compile(
    r"\b(?:" + _words(_DATA["patient_refs"]) + r")\b|\b\d{1,3}[\s\-]{1,2}"
    r"(?:years?|months?)[\s\-]{1,2}old\b",
    _I,
)
_LEADING_ARTICLE = re.compile(r"\s{0,3}(?:(?:the|a|an)\s{1,3})?$", _I)
_POST_TREATMENT = re.compile(
    r"\b(?:after|following|post)\s{1,3}(?:[\w\-’']{1,25}\s{1,3}){0,3}?(?:"
    + _words(_DATA["post_treatment_words"])
    + r")\b|\bpost[\-\s]?(?:operati\w{0,8}|op|"
    r"treatment|transplant\w{0,8}|injection|infusion)\b",
    _I,
)
_INDICATION_BEFORE = re.compile(r"\bfor\s{1,3}(?:(?:the|his|her|their)\s{1,3})?$", _I)
_TREATMENT_WORD = re.compile(r"\b(?:" + _words(_DATA["treatment_words"]) + r")\b", _I)
_VISIT = re.compile(r"\b(?:" + _words(_DATA["visit_words"]) + r")\b", _I)
_ONSET_CUE = re.compile(r"\b(?:" + _words(_DATA["onset_cues"]) + r")", _I)

_CAUSE_STRONG = re.compile(r"\b(?P<cue>" + _words(_DATA["cause_cues"]) + r")\s{1,3}", _I)
_CAUSE_WEAK = re.compile(r"\b(?P<cue>" + _words(_DATA["weak_cause_cues"]) + r")\s{1,3}", _I)
_CAUSE_BACKWARD = re.compile(
    r"\b(?P<cue>" + _words(_DATA["backward_cause_cues"]) + r")\s{1,3}", _I
)
_CAUSE_HEAD = re.compile(r"\b(?:" + _words(_DATA["cause_heads"]) + r")\b", _I)
_TRAUMA_HEAD = re.compile(r"\b(?:" + _words(_DATA["trauma_heads"]) + r")\b", _I)
_FALL = re.compile(
    r"\b(?:" + _words(_DATA["fall_verbs"]) + r")(?:\s{1,3}down)?\s{1,3}"
    r"(?:from|off|onto|on|into|down)\s{1,3}",
    _I,
)
# A run of blanks is a time phrase taken out by _blank_times: the cause ends there.
_CAUSE_STOP = re.compile(r"[.;:!?\n]|,\s|\s{3}|\s(?:" + _words(_DATA["cause_stops"]) + r")\b", _I)
_NOT_CAUSE_BEFORE = re.compile(r"\b(?:" + _words(_DATA["not_cause_before"]) + r")\s{1,3}$", _I)
_EMPTY = _set("empty_values")
_NOT_CAUSE_ALONE = _set("not_cause_alone")
_FALL_STOP = re.compile(r"\sto\b", _I)
_CAUSE_STRIP = re.compile(r"^(?:(?:" + _words(_DATA["cause_strip"]) + r")\s{1,3}){1,4}", _I)
_AS_A_RESULT = re.compile(r"\bas\s{1,3}a\s{1,3}result\b(?!\s{1,3}of)", _I)
_AS_A_RESULT_SOURCE = re.compile(
    r"\b(?:" + _words(_DATA["as_a_result_sources"]) + r")\s{1,3}"
    r"(?:(?:the|a|an)\s{1,3})?(?:medical\s{1,3})?",
    _I,
)
# A full stop inside a variant name ("m.11778G>A") does not end the phrase.
_MUTATION = re.compile(
    r"\b(?:" + _words(_DATA["mutation_verbs"]) + r")\s{1,3}"
    r"(?P<what>(?:[^.;\n]|\.(?=\S)){0,80}?\bmutat(?:ion|ions|ed)\b"
    r"(?:[^.;,\n]|\.(?=\S)){0,60})",
    _I,
)
_BODY_SIDE = re.compile(
    r"\b(?P<side>" + _words(_DATA["body_sides"]) + r")\s{1,3}"
    r"(?:[a-z]{2,15}\s{1,3}){0,2}?(?:" + _words(_DATA["body_sites"]) + r")\b",
    _I,
)
_BODY_SIDES = {k.lower(): v for k, v in _DATA["body_sides"].items()}
_DIAGNOSIS_HEADERS = _set("diagnosis_header_keys")
_EXTRA_BOTH = re.compile(r"\b(?:" + _words(_DATA["extra_both_eyes"]) + r")\b", _I)

_NUM = NUMBER_WORD_PATTERN
# "Ten years of polyuria": found from the unit word, then the number before it.
_UNIT_OF = re.compile(
    r"\b(?P<unit>years?|months?|weeks?|days?)\s{1,3}of\s{1,3}"
    r"(?!age\b|treatment|therapy|follow|life\b)",
    _I,
)
_NUMBER_BEFORE = re.compile(rf"(?P<num>{_NUM})\s{{1,3}}$")
_SINCE_AGE = re.compile(
    # "since she was 5 months old", "at the age of 30", "at age 30", "when he was 12"
    r"\b(?:(?:since|from|at)\s{1,3}(?:(?:he|she|i|the\s{1,3}patient|the\s{1,3}child)\s{1,3}was\s{1,3}"
    r"|the\s{1,3}age\s{1,3}of\s{1,3}|age\s{1,3})"
    r"|when\s{1,3}(?:he|she|i|the\s{1,3}patient|the\s{1,3}child)\s{1,3}was\s{1,3})"
    # "when she was a teenager" is no number of years
    rf"(?:about\s{{1,3}})?(?!an?\s)(?P<num>{_NUM})"
    r"(?:[\s\-]{1,2}(?P<unit>years?|months?|weeks?))?(?:[\s\-]{1,2}old)?"
    # "at eight months old", "at 8 months of age": an age only with "old" or "of age"
    # ("at 3 months" alone is a follow-up time).
    rf"|\b(?:since|from|at)\s{{1,3}}(?P<num2>{_NUM})[\s\-]{{1,2}}(?P<unit2>years?|months?|weeks?)"
    r"(?:(?P<old>[\s\-]{1,2}old|\s{1,3}of\s{1,3}age)\b"
    # "At 14 months he was diagnosed": bare, an age only where an onset is told (and
    # not "at 3 months after the injection", nor weeks: "born at 28 weeks" is gestation).
    r"|(?<![Ww]eeks)(?<![Ww]eek)(?!\s{1,3}(?:post|after|later|following|from|since|into|of|"
    r"gestation)\b|[\s\-]{1,2}post|['’]))"
    # "Hannah was 17 when an optician told her": the age before its when-clause.
    r"|\bwas\s{1,3}(?P<num3>\d{1,3})(?:\s{1,3}(?P<unit3>years?|months?))?(?=\s{1,3}when\b)",
    _I,
)
_BORN_WITH = re.compile(
    r"\bborn\b(?:\s{1,3}[\w\-’']{1,20}){0,4}?\s{1,3}with\s{1,3}"
    r"(?:(?:an?|the)\s{1,3})?$",
    _I,
)
_AT_BIRTH = re.compile(r"\b(?:since|from|at)\s{1,3}birth\b|\bcongenital", _I)
# "At 14 months he was diagnosed": a bare age dates an onset in a young child's story,
# where the sentence says the condition was first found.
_CHILD_YEARS = 5
_FIRST_NOTICED = re.compile(r"\b(?:" + _words(_DATA["first_noticed_verbs"]) + r")\b", _I)
# A sentence telling the treatment given: a verb of giving and what was given.
_GIVEN = re.compile(
    r"\b(?:"
    + _words(_DATA["given_verbs"])
    + r")\b|\bhad\s{1,3}(?:(?:an?|the|his|her|their)\s{1,3})?"
    r"(?:[\w\-]{1,20}\s{1,3}){0,3}?(?:injections?|infusions?|transplant(?:ation)?|implantation)\b",
    _I,
)
_CELLS_GIVEN = re.compile(r"\b(?:" + _words(_DATA["cells_given"]) + r")\b", _I)
# The letter and digit runs one of which every match of _CELLS_GIVEN holds.
_GIVEN_RUNS = frozenset(re.findall(r"[a-z0-9]+", fold(" ".join(_DATA["cells_given"]))))
_ONSET_RELATIONS = frozenset({"before_now", "duration", "date"})

# Those read over whole sentences, run fast on their folded text (see _folded).
_PATIENT_REF_FOLDED = FoldedPattern(_PATIENT_REF)
_GENERIC_CUE_FOLDED = FoldedPattern(_GENERIC_CUE)
_TREATMENT_WORD_FOLDED = FoldedPattern(_TREATMENT_WORD)
_CAUSE_HEAD_FOLDED = FoldedPattern(_CAUSE_HEAD)
_FALL_FOLDED = FoldedPattern(_FALL)
_UNIT_OF_FOLDED = FoldedPattern(_UNIT_OF)
_SINCE_AGE_FOLDED = FoldedPattern(_SINCE_AGE)
_UNITS = {"y": TimeUnit.YEAR, "m": TimeUnit.MONTH, "w": TimeUnit.WEEK, "d": TimeUnit.DAY}
_MONTHS_PER = {
    TimeUnit.YEAR: 12.0,
    TimeUnit.MONTH: 1.0,
    TimeUnit.WEEK: 12 / 52.18,
    TimeUnit.DAY: 12 / 365.25,
}


# -- one sentence and what the rules ask of it --------------------------------------------------

# Time phrases need a digit or a unit word: other sentences skip the time rules.
_MAY_HOLD_TIME = re.compile(r"[0-9]|\b(?:years?|yrs?|months?|mos?|weeks?|wks?|days?)\b", _I)
_DIGIT = re.compile(r"[0-9]")
_NOT_BLANK = re.compile(r"\S")
# The words of _MAY_HOLD_TIME: whole runs, between word boundaries.
_TIME_WORDS = frozenset(
    {"year", "years", "yr", "yrs", "month", "months", "mo", "mos"}
    | {"week", "weeks", "wk", "wks", "day", "days"}
)


_RUN = re.compile(r"[a-z0-9]+")
# Every byte but an ASCII digit or small letter becomes a blank: the runs of a
# folded text are then its blank-separated pieces (several times faster than
# ``_RUN.findall``; a character beyond ASCII is one "?" byte, a blank too).
_RUN_BYTES = bytes(c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256))


def _runs_of(folded: str) -> frozenset[str]:
    """``frozenset(_RUN.findall(folded))``."""
    return frozenset(
        folded.encode("ascii", "replace").translate(_RUN_BYTES).decode("ascii").split()
    )


class _Gate:
    """The words an IGNORECASE pattern ``\\b(?:phrase|...)\\b`` needs.

    Each ASCII letter or digit run of a phrase (``"is known"``: "is", "known")
    matches a whole run of ``[a-z0-9]+`` in the folded text, since the pattern
    puts a word boundary or a blank around it: a sentence whose runs lack every
    phrase's runs cannot match, and the pattern need not run there.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        runs = [tuple(_RUN.findall(fold(p))) for p in phrases]
        self.always = any(not r for r in runs)
        self.single = frozenset(r[0] for r in runs if len(r) == 1)
        self.multi: dict[str, list[tuple[str, ...]]] = {}  # first run -> the others
        for phrase in runs:
            if len(phrase) > 1:
                self.multi.setdefault(phrase[0], []).append(phrase[1:])
        self.firsts = frozenset(self.multi)

    def may_match(self, runs: frozenset[str]) -> bool:
        if self.always or not self.single.isdisjoint(runs):
            return True
        if self.firsts.isdisjoint(runs):
            return False
        return any(
            all(w in runs for w in rest)
            for first in self.firsts.intersection(runs)
            for rest in self.multi[first]
        )


_ALL_NEEDLES: list[_Needles] = []  # every _Needles made (all at import), by number


class _Needles:
    """The words any match of an IGNORECASE phrase pattern holds, for a plain ``in`` test.

    A match holds every letter and digit run of one of the phrases (the
    blanks between words may vary, the runs do not), so a folded text that
    lacks them all cannot match, whatever stands around it.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        found = {tuple(sorted(set(_RUN.findall(fold(p))), key=len, reverse=True)) for p in phrases}
        self.always = () in found
        self.options = tuple(sorted(found))
        # The longest run of each phrase, tested first; one that holds another
        # ("biomarker", "marker") adds nothing to that test.
        firsts = {runs[0] for runs in self.options if runs}
        self.firsts = tuple(
            sorted(f for f in firsts if not any(g != f and g in f for g in firsts))
        )
        self.single = all(len(runs) <= 1 for runs in self.options)
        self.number = len(_ALL_NEEDLES)
        _ALL_NEEDLES.append(self)

    def may_match(self, folded: str) -> bool:
        if self.always:
            return True
        if not any(map(folded.__contains__, self.firsts)):
            return False
        if self.single:
            return True
        for runs in self.options:
            for run in runs:
                if run not in folded:
                    break
            else:
                return True
        return False


class _RunNeedles(dict[str, frozenset[int]]):
    """Run -> the numbers of the _Needles one of whose ``firsts`` lies in the run.

    A first is a run of ASCII letters and digits: where a folded text holds it,
    one of the text's runs holds it, so the needles a sentence may match are
    those of its runs (words repeat across narratives: the table is shared).
    """

    LIMIT = 50_000

    def __missing__(self, run: str) -> frozenset[int]:
        if len(self) >= self.LIMIT:
            self.clear()
        numbers = self[run] = frozenset(
            n.number for n in _ALL_NEEDLES if any(map(run.__contains__, n.firsts))
        )
        return numbers


_RUN_NEEDLES = _RunNeedles()

_BLOCK_NEEDLES = _Needles(_DATA["context_before_blockers"])
_FAMILY_NEEDLES = _Needles([*_DATA["family_cues"], "family"])
_DIAGNOSIS_NEEDLES = _Needles(_DATA["diagnosis_cues"])
_BORN_NEEDLES = _Needles(["born"])
_BIRTH_NEEDLES = _Needles(["birth", "congenital"])
_EXTRA_BOTH_NEEDLES = _Needles(_DATA["extra_both_eyes"])
_STRONG_NEEDLES = _Needles(_DATA["cause_cues"])
_FALL_NEEDLES = _Needles(_DATA["fall_verbs"])
_BACKWARD_NEEDLES = _Needles(_DATA["backward_cause_cues"])
_INJURY_NEEDLES = _Needles(_DATA["injury_verbs"])
_RESULT_NEEDLES = _Needles(["as a result"])
_NATURE_NEEDLES = _Needles(list(_DATA["nature_causes"]))
_ONSET_NEEDLES = _Needles(_DATA["onset_cues"])
_NEGATION_NEEDLES = _Needles(_DATA["negation_cues"])
_POST_WORDS_NEEDLES = _Needles(_DATA["post_treatment_words"])
_NEGATION_GATE = _Gate(_DATA["negation_cues"])  # runs of the stretch searched, not the sentence
_GENERIC_GATE = _Gate(_DATA["generic_cues"])
_CAUSE_HEAD_GATE = _Gate([*_DATA["cause_heads"], *_DATA["fall_verbs"]])  # _CAUSE_HEAD, _FALL
_TREATMENT_GATE = _Gate(_DATA["treatment_words"])
_UNIT_GATE = _Gate(["year", "years", "month", "months", "week", "weeks", "day", "days"])
_SINCE_GATE = _Gate(["since", "from", "at", "when"])


_T = TypeVar("_T")


class _cached(Generic[_T]):  # noqa: N801 - used as a decorator, like functools.cached_property
    """``functools.cached_property`` without its lock (3.11 takes one on every first read):
    the value goes into the instance ``__dict__``, where later reads find it directly."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__

    def __get__(self, instance: Any, owner: type | None = None) -> _T:
        value = instance.__dict__[self.name] = self.func(instance)
        return value


class _Context:
    """A sentence with its facts, each computed once and only when a rule asks."""

    def __init__(self, sentence: Sentence) -> None:
        self.sentence = sentence
        self._has: dict[_Needles, bool] = {}
        self.text = sentence.text
        self.offset = sentence.start
        self.onsets: dict[bool, list[TimeMention]] = {}  # see _onset_times

    # Until set on the instance (most contexts never set them): never mutated in place.
    mentions: list[_Found] = []  # noqa: RUF012
    _starts: list[int] = []  # noqa: RUF012
    _ends: dict[int, _Found] = {}  # noqa: RUF012
    _times: list[TimeMention] | None = None
    _blanked: str | None = None
    _clauses: list[Span] | None = None
    _clause_starts: list[int] = []  # noqa: RUF012

    @_cached
    def folded(self) -> str:
        return fold(self.text)

    @_cached
    def runs(self) -> frozenset[str]:
        """The ASCII letter and digit runs of the folded text, for the gates."""
        return _runs_of(self.folded)

    @_cached
    def needles_in(self) -> frozenset[int]:
        """The numbers of the _Needles one of whose ``firsts`` the text holds."""
        return frozenset().union(*map(_RUN_NEEDLES.__getitem__, self.runs))

    @_cached
    def refers(self) -> bool:
        return _PATIENT_REF_FOLDED.search(self.text, self.folded) is not None

    @_cached
    def generic(self) -> bool:
        if not _GENERIC_GATE.may_match(self.runs):
            return False
        return not self.refers and _GENERIC_CUE_FOLDED.search(self.text, self.folded) is not None

    @property
    def in_story(self) -> bool:
        """Whether the story reads this sentence: not general talk, not after the treatment."""
        return not self.generic and not self.post_treatment

    @_cached
    def post_treatment(self) -> bool:
        folded = self.folded
        if "post" not in folded and (
            ("after" not in folded and "following" not in folded)
            # without "post", a match needs one of the treatment words after its cue
            or not self.has(_POST_WORDS_NEEDLES)
        ):
            return False
        return _POST_TREATMENT.search(self.text) is not None

    def has(self, needles: _Needles, start: int = 0, end: int | None = None) -> bool:
        """Whether ``text[start:end]`` holds the words of one of the phrases of ``needles``."""
        known = self._has.get(needles)
        if known is None:
            # needles.may_match(self.folded), its first test read from the runs' table
            if needles.always:
                known = True
            elif needles.number not in self.needles_in:
                known = False
            else:
                known = needles.single or needles.may_match(self.folded)
            self._has[needles] = known
        if not known or (end is None and not start):
            return known  # a stretch holds no more than the whole sentence
        if needles.single:  # _Needles.may_match, inlined: the usual case
            return needles.always or any(map(self.folded[start:end].__contains__, needles.firsts))
        return needles.may_match(self.folded[start:end])

    @_cached
    def onset_cue(self) -> bool:
        """Whether the sentence tells of an onset ("noticed", "diagnosed", "since")."""
        if not self.has(_ONSET_NEEDLES):
            return False
        return _ONSET_CUE.search(self.text) is not None

    @property
    def times(self) -> list[TimeMention]:
        if self._times is None:
            self._times = []
            if _DIGIT.search(self.text) or (
                not _TIME_WORDS.isdisjoint(self.runs) and _MAY_HOLD_TIME.search(self.text)
            ):
                try:
                    self._times = find_times(self.text, self.offset)
                except (ValueError, ArithmeticError):  # pragma: no cover - lenient rules
                    self._times = []
        return self._times

    @property
    def blanked(self) -> str:
        """The text with time phrases blanked: "accident 18 months ago" ends at "accident"."""
        if self._blanked is None:
            text, offset = self.text, self.offset
            spans = sorted((t.start - offset, t.end - offset) for t in self.times)
            if not spans:
                self._blanked = text
            elif spans[0][0] < 0 or max(end for _, end in spans) > len(text):
                chars = list(text)  # pragma: no cover - times lie in their sentence
                for start, end in spans:
                    for position in range(start, end):
                        if not chars[position].isspace():
                            chars[position] = " "
                self._blanked = "".join(chars)
            else:
                pieces: list[str] = []
                cursor = 0
                for start, end in spans:
                    begin = max(start, cursor)
                    if end > begin:
                        pieces += (text[cursor:begin], _NOT_BLANK.sub(" ", text[begin:end]))
                        cursor = end
                pieces.append(text[cursor:])
                self._blanked = "".join(pieces)
        return self._blanked

    def clause(self, position: int) -> Span:
        """The clause holding ``position`` (absolute), split at ';', ', and', ' but '."""
        if self._clauses is None:
            self._clauses = split_clauses(self.text, self.offset) or [
                (self.offset, self.offset + len(self.text))
            ]
            self._clause_starts = [start for start, _ in self._clauses]
        index = max(0, bisect_right(self._clause_starts, position) - 1)
        return self._clauses[index]

    def window(self, position: int, radius: int) -> tuple[int, int]:
        """A stretch of the mention's clause around ``position``, at most ``radius`` each way."""
        start, end = self.clause(position)
        return max(start, position - radius), min(end, position + radius)

    def keep(self, mentions: list[_Found]) -> None:
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self._starts = [m.start for m in self.mentions]
        self._ends = {m.end: m for m in self.mentions}

    def mention_between(self, start: int, end: int, *, not_key: str | None) -> _Found | None:
        """The first mention starting in ``[start, end)`` whose key is not ``not_key``."""
        index = bisect_left(self._starts, start)
        while index < len(self.mentions) and self.mentions[index].start < end:
            if self.mentions[index].key != not_key:
                return self.mentions[index]
            index += 1
        return None

    def mention_ending(self, position: int) -> _Found | None:
        return self._ends.get(position) or self._ends.get(position - 1)

    def inside_other(self, position: int, mention: _Found) -> bool:
        """Whether ``position`` falls in the words of a mention other than ``mention``."""
        index = bisect_right(self._starts, position) - 1
        return any(
            m is not mention and m.start <= position < m.end
            for m in self.mentions[max(0, index - 2) : index + 1]
        )

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect_left(self._starts, end)
        return any(m.end > start for m in self.mentions[max(0, index - 3) : index])


# -- mentions -------------------------------------------------------------------------------


@dataclass
class _Found:
    """One mention of a condition in one sentence, before merging."""

    key: str
    name: str
    start: int
    end: int
    context: _Context
    tags: frozenset[str]
    modifiers: list[str] = field(default_factory=list)
    laterality: str | None = None
    laterality_span: Span | None = None
    own_side: bool = False  # side read from the mention's own words
    cause: str | None = None
    cause_span: Span | None = None
    onset: TimeMention | None = None
    at_birth: bool = False
    diagnosed: bool = False
    title: bool = False


def extract_conditions(doc: Document) -> list[ConditionMention]:
    """Every diagnosis of the (first) patient of ``doc``, merged, in order of first mention."""
    patient = doc.memo(extract_patient)
    limit = doc.memo(first_patient_end)
    skip = _SKIP_HEADERS
    sentences = [
        s
        for s in doc.sentences
        if s.start < limit and (s.header_key is None or s.header_key.lower() not in skip)
    ]
    contexts = _Contexts(sentences)
    found: list[_Found] = []
    # Which mentions a sentence holds depends on its words and on whether it is a
    # diagnosis header's value only: a text known to hold none is not read again.
    empty: set[tuple[str, bool]] = set()
    for number, sentence in enumerate(sentences):
        header = sentence.header_key
        diagnosis_header = header is not None and header.lower() in _DIAGNOSIS_HEADERS
        key = (sentence.text, diagnosis_header)
        if key in empty:
            continue
        folded = contexts.folded[number] = fold(sentence.text)
        if not _may_mention(sentence.text, folded, diagnosis_header):
            empty.add(key)
            continue
        context = contexts.at(number)
        if context.generic:
            empty.add(key)
            continue
        mentions = _sentence_mentions(context, patient, title=sentence.index == 0)
        if not mentions:
            empty.add(key)
        found.extend(mentions)
    groups = _merge(found)
    if groups:
        _story(groups, contexts, patient)
    return [_to_mention(group) for group in groups if _reportable(group)]


class _Contexts:
    """The contexts of the sentences read, each made once and only when asked for."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self._sentences = sentences
        self._made: dict[int, _Context] = {}
        self.folded: dict[int, str] = {}  # sentence number -> folded text, where known

    def at(self, number: int) -> _Context:
        context = self._made.get(number)
        if context is None:
            context = self._made[number] = _Context(self._sentences[number])
            folded = self.folded.get(number)
            if folded is not None:
                context.__dict__["folded"] = folded  # the cached property, known already
        return context

    def __iter__(self) -> Iterator[_Context]:
        made = self._made
        for number in range(len(self._sentences)):
            context = made.get(number)
            yield self.at(number) if context is None else context

    def __len__(self) -> int:
        return len(self._sentences)


# -- which sentences may hold a mention ----------------------------------------------------

_SKIP_HEADERS = _set("skip_header_keys")

# _INJURY needs one of its verbs ("damaged", "injury to", "severed"...) ...
_INJURY_GATE = ("damag", "injur", "trauma", "sever", "crush")
# ... and _DIAGNOSIS_NP "diagnosed" or "diagnosis".
_DIAGNOSIS_GATE = "diagnos"
assert all(any(w.lower().startswith(g) for g in _INJURY_GATE) for w in _DATA["injury_verbs"])


# What _may_hit knows of each blank-free chunk of text met so far: the norm of its
# first word if the word opens the chunk, of its last word if the word closes it
# (a phrase of several words joins these across blanks: between the words of one
# chunk stands something else, or nothing at all), and whether a hit may lie
# within it (a phrase, an abbreviation or a head noun alone, or two words
# with nothing between them that begin a phrase).
class _Chunks:
    """One generation of that knowledge; a full one is replaced, never emptied in place
    (another thread may be reading it)."""

    LIMIT = 20_000  # chunks

    def __init__(self) -> None:
        self.head: dict[str, str] = {}
        self.tail: dict[str, str] = {}
        # Chunk -> 2 when a hit may lie within it alone, else 1 when its tail is a
        # key prefix (it may begin a pair), else 0; set last: a chunk here is known
        # in full.
        self.code: dict[str, int] = {}

    def learn(self, chunk: str) -> None:
        words = list(_WORD.finditer(chunk))
        head, tail = _NO_HEAD, _NO_TAIL
        if words:
            if words[0].start() == 0:
                head = _word_info(words[0].group())[0]
            if words[-1].end() == len(chunk):
                tail = _word_info(words[-1].group())[0]
        previous: re.Match[str] | None = None
        alone = False
        for match in words:
            word = match.group()
            norm = _word_info(word)[0]
            if (
                word in _ABBREVIATIONS
                or norm in _PHRASES
                or norm in _HEADS
                or norm.rstrip("s") in _HEADS
                # Words with nothing between them (a word cut at its longest) join too.
                or (
                    previous is not None
                    and previous.end() == match.start()
                    and _word_info(previous.group())[0] + norm in _PREFIXES
                )
            ):
                alone = True
                break
            previous = match
        self.tail[chunk] = tail
        self.head[chunk] = head
        # A phrase key's every prefix is in _PREFIXES: a tail that is none cannot
        # begin a pair (most chunks' tails).
        self.code[chunk] = 2 if alone else 1 if tail in _PREFIXES else 0


_NO_HEAD, _NO_TAIL = "\x01", "\x00"  # no key holds these
_CHUNKS = [_Chunks()]  # the current generation


def _may_hit(text: str) -> bool:
    """Whether :func:`_hits` may find anything in ``text`` (a cheap superset).

    A hit is a word that may be one alone, or a phrase whose first two words,
    joined by blanks only, make the beginning of a phrase key.
    """
    chunks = text.split()
    if not chunks:
        return False
    known = _CHUNKS[0]
    if len(known.code) >= _Chunks.LIMIT:
        known = _CHUNKS[0] = _Chunks()
    codes = list(map(known.code.get, chunks))
    if None in codes:
        # (lazy: a chunk repeated in the text is learnt once, then known)
        for chunk in filterfalse(known.code.__contains__, chunks):
            known.learn(chunk)
        codes = list(map(known.code.__getitem__, chunks))
    if 2 in codes:
        return True
    if 1 not in codes:
        return False
    tail, head = known.tail, known.head
    # Only a chunk whose tail is a key prefix may begin a pair with the next one.
    for index in compress(range(len(chunks) - 1), codes):
        if tail[chunks[index]] + head[chunks[index + 1]] in _PREFIXES:
            return True
    return False


def _may_mention(text: str, folded: str, diagnosis_header: bool) -> bool:
    """Whether :func:`_sentence_mentions` may find a mention in ``text`` (a cheap superset).

    ``folded`` is ``fold(text)``.
    """
    if diagnosis_header and ":" in text:
        return True
    if _DIAGNOSIS_GATE in folded or any(map(folded.__contains__, _INJURY_GATE)):
        return True
    return _may_hit(text)


# -- finding mentions in a sentence ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hit:
    first: int  # word index
    last: int  # word index, inclusive
    sense: _Sense
    tags: frozenset[str]


_NONE: frozenset[str] = frozenset()


class _MayBegin(dict[str, bool]):
    """Word -> whether :func:`_hits` may find a hit beginning with it, shared by every document."""

    LIMIT = 50_000

    def __missing__(self, word: str) -> bool:
        if len(self) >= self.LIMIT:
            self.clear()
        norm = _word_info(word)[0]
        value = self[word] = (
            norm in _PREFIXES
            or word in _ABBREVIATIONS
            or norm in _HEADS
            or norm.rstrip("s") in _HEADS
        )
        return value


_MAY_BEGIN = _MayBegin()
_TEXT_OF = operator.itemgetter(2)  # _Word.text


def _hits(words: list[_Word], text: str, offset: int) -> Iterator[_Hit]:
    """Vocabulary phrases (longest first), abbreviations and head nouns, left to right."""
    after = 0  # the first word index not inside the last hit
    previous: _Hit | None = None
    prefixes, heads, abbreviations = _PREFIXES, _HEADS, _ABBREVIATIONS
    # Only a word that starts a phrase, is an abbreviation or a head noun can begin a hit.
    for index in compress(count(), map(_MAY_BEGIN.__getitem__, map(_TEXT_OF, words))):
        if index < after:
            continue
        word = words[index]
        norm = word.norm
        hit = _vocabulary_hit(words, text, offset, index) if norm in prefixes else None
        if hit is None:
            sense = abbreviations.get(word.text)
            if sense is not None and _abbreviation_stands(
                words, text, offset, index, previous=previous, sense=sense
            ):
                hit = _Hit(index, index, sense, _ENTRIES[sense.entry].tags)
            elif norm in heads or norm.rstrip("s") in heads:
                hit = _Hit(index, index, _Sense(-1, word.lower), _HEAD_TAGS.get(norm, _NONE))
        if hit is not None:
            yield hit
            previous = hit
            after = hit.last + 1


def _abbreviation_stands(
    words: list[_Word], text: str, offset: int, index: int, *, previous: _Hit | None, sense: _Sense
) -> bool:
    """An abbreviation in brackets must follow its own name: "superoxide dismutase (SOD)" is
    no septo-optic dysplasia, "optic nerve hypoplasia (ONH)" is the same condition."""
    before = text[max(0, words[index].start - offset - 3) : words[index].start - offset]
    if "(" not in before:
        return True
    if previous is None or previous.sense.entry != sense.entry:
        return False
    gap = text[words[previous.last].end - offset : words[index].start - offset]
    return len(gap) <= 4


def _joined(text: str, offset: int, left: _Word, right: _Word) -> bool:
    """Whether only blanks (no line break) separate two words."""
    gap = text[left.end - offset : right.start - offset]
    return len(gap) <= 3 and not gap.strip() and "\n" not in gap


def _vocabulary_hit(words: list[_Word], text: str, offset: int, index: int) -> _Hit | None:
    # A key that is no prefix of any phrase cannot grow into one: stop there.
    word = words[index]
    key = word.norm
    sense = _PHRASES.get(key)
    best = None if sense is None else _Hit(index, index, sense, _ENTRIES[sense.entry].tags)
    for last in range(index + 1, min(len(words), index + _LONGEST)):
        following = words[last]
        gap = text[word.end - offset : following.start - offset]
        if len(gap) > 3 or gap.strip() or "\n" in gap:
            break
        key += following.norm
        if key not in _PREFIXES:
            break
        sense = _PHRASES.get(key)
        if sense is not None:
            best = _Hit(index, last, sense, _ENTRIES[sense.entry].tags)
        word = following
    return best


def _title_case(words: list[_Word]) -> bool:
    """A heading ("Case Study Cerebral Palsy Female"): capitals say nothing there."""
    long_words = [w for w in words[:60] if len(w.text) > 3 and w.text[:1].isalpha()]
    if len(long_words) < 2:
        return False
    return sum(w.text[:1].isupper() for w in long_words) >= 0.6 * len(long_words)


class _TitleCase:
    """:func:`_title_case` of a sentence's words, decided only when a rule asks (few do)."""

    __slots__ = ("_value", "_words")

    def __init__(self, words: list[_Word]) -> None:
        self._words = words
        self._value: bool | None = None

    def __bool__(self) -> bool:
        if self._value is None:
            self._value = _title_case(self._words)
        return self._value


def _sentence_mentions(context: _Context, patient: PatientMention, *, title: bool) -> list[_Found]:
    words = _tokens(context.text, context.offset)
    title_case = _TitleCase(words)
    hits = list(_hits(words, context.text, context.offset))
    covered = {i for hit in hits for i in range(hit.first, hit.last + 1)}
    found = []
    negated_end = -1  # "no history of diabetes, hypertension or stroke": a negated list
    for hit in hits:
        mention = _mention(hit, words, covered, context, title_case=title_case)
        if mention is None:
            continue
        reason = _rejected(mention, context)
        if (
            reason is None
            and negated_end >= 0
            and _LIST_GAP.fullmatch(
                context.text, negated_end - context.offset, mention.start - context.offset
            )
        ):
            reason = "negated"
        if reason is None:
            found.append(mention)
        negated_end = mention.end if reason == "negated" else -1
    context.keep(found)
    # Keeping the same mentions again would change nothing: only new ones are kept anew.
    injured = list(_injured_organs(context))
    if injured:
        found += injured
        context.keep(found)
    early = list(_born_early(context))
    if early:
        found += early
        context.keep(found)
    diagnosed = list(_diagnosis_phrases(context))
    if diagnosed:
        found += diagnosed
        context.keep(found)
    for mention in context.mentions:
        mention.title = title
        _attributes(mention, context, patient)
    return context.mentions


def _mention(
    hit: _Hit, words: list[_Word], covered: set[int], context: _Context, *, title_case: _TitleCase
) -> _Found | None:
    """The condition a hit names, with its modifiers ("indirect traumatic optic neuropathy")."""
    text, offset = context.text, context.offset
    general = hit.sense.entry < 0
    if general and words[hit.last].norm not in _HEADS:
        return None  # plural head noun: talk of "diseases", not this patient's disease
    modifiers, first = _premodifiers(hit, words, covered, context, title_case=title_case)
    start, end = words[first].start, words[hit.last].end
    display, suffix, side = hit.sense.display, "", None
    joint = _JOINT.match(text, end - offset)
    if joint is not None:  # "osteoarthritis of the right knee" -> knee osteoarthritis
        site = joint.group("joint").lower().rstrip("s")
        display = display if site in display else f"{site} {display}"
        side = _side_in(joint.group())
        end = offset + joint.end()
    strong = [m for m in modifiers if m not in _WEAK and m not in _SIDES and m != "and"]
    post = _POSTMODIFIER.match(text, end - offset)
    if post is not None:
        obj = _clean_phrase(post.group("object"))
        if general and not strong and post.group("prep").lower() == "of":
            display = f"{obj} {display}"  # "fracture of the sphenoid sinus"
        else:
            suffix = f" {post.group('prep').lower()} {obj}"
        side = side or _side_in(post.group())
        end = offset + post.end()
        for _ in range(2):  # "... in the area of the left optic canal"
            chained = _POSTMODIFIER.match(text, end - offset)
            if chained is None:
                break
            suffix += f" {chained.group('prep').lower()} {_clean_phrase(chained.group('object'))}"
            end = offset + chained.end()
    elif general and not strong and joint is None:
        return None  # a bare "disease", "injury": nothing says which
    if "birth" in hit.tags and (weeks := _GESTATION.match(text, end - offset)):
        suffix += f" at {weeks.group('weeks')} week gestation"
        end = offset + weeks.end()
    kept = [m for m in modifiers if m not in _SIDES and m not in _STRIP]
    while kept and kept[0] == "and":
        kept.pop(0)
    name = " ".join(" ".join([*kept, display]).split()) + suffix
    key = _plain_key(name) if general else _ENTRIES[hit.sense.entry].name
    found = _Found(key, name, start, end, context, hit.tags, kept)
    side = side or next((_SIDED[m] for m in modifiers if m in _SIDED), None)
    if side is not None:
        found.laterality, found.laterality_span, found.own_side = side, (start, end), True
    return found


_BRACKET_AFTER = re.compile(r"\)\s{1,2}")
_BRACKET_BEFORE = re.compile(r"\s{1,2}\(")


def _premodifiers(
    hit: _Hit, words: list[_Word], covered: set[int], context: _Context, *, title_case: _TitleCase
) -> tuple[list[str], int]:
    """Modifiers before a hit ("indirect traumatic", "spastic and dystonic") and its first word.

    At most four words, each one that may modify a noun: no stop word, no
    verb form, no capitalised word of a title line unless a known modifier.
    An abbreviation in brackets is stepped over ("maxillary (ZMC) fracture").
    """
    text, offset = context.text, context.offset
    taken: list[str] = []
    first = hit.first
    index = hit.first - 1
    right = words[hit.first].start  # where the words taken so far begin
    while index >= 0 and len(taken) < 5:
        word = words[index]
        gap = text[word.end - offset : right - offset]
        if (
            _BRACKET_AFTER.fullmatch(gap)
            and index > 0
            and _BRACKET_BEFORE.fullmatch(
                text[words[index - 1].end - offset : word.start - offset]
            )
        ):
            right = words[index - 1].end + 1
            index -= 1
            continue
        if len(gap) > 3 or gap.strip() or "\n" in gap:
            break
        if not taken and _eponym(word, hit, words):
            taken.insert(0, word.lower)  # "Bell's palsy"
            first = index
            break
        if index in covered or word.lower in _STOP or not _may_modify(word, title_case):
            if not _and_between(words, index, covered, context, taken, title_case=title_case):
                break
            taken.insert(0, "and")  # "spastic and dystonic quadriplegia"
        else:
            taken.insert(0, word.lower)
            first = index
        right = word.start
        index -= 1
    if taken and taken[0] == "and":
        taken.pop(0)
    return taken, first


def _and_between(
    words: list[_Word],
    index: int,
    covered: set[int],
    context: _Context,
    taken: list[str],
    *,
    title_case: _TitleCase,
) -> bool:
    """Whether ``words[index]`` is an "and" joining two modifiers."""
    if words[index].lower != "and" or not taken or "and" in taken or index == 0:
        return False
    before = words[index - 1]
    gap = context.text[before.end - context.offset : words[index].start - context.offset]
    return (
        not gap.strip()
        and index - 1 not in covered
        and before.lower not in _STOP
        and _may_modify(before, title_case)
    )


def _eponym(word: _Word, hit: _Hit, words: list[_Word]) -> bool:
    return (
        hit.sense.entry < 0
        and word.text[:1].isupper()
        and word.lower.endswith(("'s", "’s"))
        and words[hit.last].norm in _EPONYM_HEADS
    )


def _may_modify(word: _Word, title_case: _TitleCase) -> bool:
    lower = word.lower
    if lower in _KNOWN or lower in _SIDES:
        return True
    if len(lower) < 2 or lower.isdigit() or lower.endswith(("'s", "’s")):
        return False
    hyphenated = "-" in lower
    has_digit = any(c.isdigit() for c in lower)
    if word.text[:1].isupper() and title_case:
        return hyphenated or has_digit  # "MOG-Associated", "T5-T6"
    if lower.endswith(("ed", "ing", "ly")) and not hyphenated:
        return False  # verbs and adverbs: "sustained", "having", "markedly"
    return not word.text.isupper() or has_digit or len(word.text) <= 5


_SIDE_WORDS = (("bilateral", "both"), ("both", "both"), ("left", "left"), ("right", "right"))


def _side_in(text: str) -> str | None:
    lower = f" {text.lower()} "
    for word, side in _SIDE_WORDS:
        if re.search(rf"\b{word}\b", lower):
            return side
    return None


def _clean_phrase(phrase: str) -> str:
    skip = _ARTICLES | set(_SIDES) | {"both"}
    return " ".join(w for w in phrase.lower().split() if w not in skip)


def _plain_key(name: str) -> str:
    return " ".join(w for w in name.split() if w not in _SIDES and w not in _STRIP)


_LIST_GAP = re.compile(r"\s{0,3}(?:,\s{0,3}(?:(?:or|and|nor)\s{1,3})?|(?:or|and|nor)\s{1,3})", _I)


def _keep(mention: _Found, context: _Context) -> bool:
    return _rejected(mention, context) is None


def _rejected(mention: _Found, context: _Context) -> str | None:
    """Why a mention is no diagnosis of this patient, or None when it is one."""
    text = context.text
    local_start, local_end = mention.start - context.offset, mention.end - context.offset
    before = text[max(0, local_start - 120) : local_start]
    after = text[local_end : local_end + 40]
    if (
        context.has(_BLOCK_NEEDLES, max(0, local_start - 120), local_start)
        and _BLOCK_BEFORE.search(before)
    ) or _BLOCK_AFTER.match(after):
        return "name part"  # "a biomarker of axonal injury", "Diabetic Retinopathy Study"
    if (
        context.has(_NEGATION_NEEDLES, max(0, local_start - 120), local_start)
        and _NEGATION_GATE.may_match(
            _runs_of(context.folded[max(0, local_start - 120) : local_start])
        )
        and _NEGATION_BEFORE.search(before)
    ) or _NEGATION_AFTER.match(after):
        return "negated"
    if context.has(
        _FAMILY_NEEDLES, max(0, local_start - 120), local_start
    ) and _FAMILY_BEFORE.search(before):
        return "relative"
    if (
        local_start <= 8
        and _LEADING_ARTICLE.fullmatch(text[:local_start])
        and _GENERIC_VERB.match(after)
        and not context.refers
    ):
        return "generic"  # "Optic atrophy has been considered an incurable eye condition"
    # A condition told after the treatment is an adverse event, unless it is
    # what the treatment was for ("injection ... for AMD").
    if context.post_treatment and _INDICATION_BEFORE.search(before) is None:
        return "after treatment"
    return None


def _injured_organs(context: _Context) -> Iterator[_Found]:
    """ "damaged his right optic nerve" -> optic nerve injury (right)."""
    if not context.has(_INJURY_NEEDLES):
        return
    for match in _INJURY.finditer(context.text):
        start, end = context.offset + match.start(), context.offset + match.end()
        if context.overlaps(start, end):
            continue
        name = _DATA["injured_organs"][" ".join(fold(match.group("organ")).split())]
        sense = _PHRASES.get("".join(w.norm for w in _tokens(name)))
        key = _ENTRIES[sense.entry].name if sense else name
        tags = _ENTRIES[sense.entry].tags if sense else frozenset({"trauma"})
        mention = _Found(key, name, start, end, context, tags)
        if match.group("side"):
            mention.laterality = match.group("side").lower()
            side_start, side_end = match.span("side")
            mention.laterality_span = (context.offset + side_start, context.offset + side_end)
            mention.own_side = True
        if _keep(mention, context):
            yield mention


def _born_early(context: _Context) -> Iterator[_Found]:
    """ "born at 29 weeks" -> premature birth (at 29 weeks), when no mention covers it."""
    if not context.has(_BORN_NEEDLES):
        return
    for match in _BORN_EARLY.finditer(context.text):
        weeks = parse_number(match.group("num"))
        start, end = context.offset + match.start(), context.offset + match.end()
        if weeks is None or not 20 <= weeks < _TERM_WEEKS or context.overlaps(start, end):
            continue
        sense = _PHRASES.get("".join(w.norm for w in _tokens(_PREMATURE)))
        tags = _ENTRIES[sense.entry].tags if sense else frozenset({"birth"})
        mention = _Found(_PREMATURE, f"{_PREMATURE} at {weeks:g} weeks", start, end, context, tags)
        if _keep(mention, context):
            yield mention


_PREMATURE = "premature birth"


def _diagnosis_phrases(context: _Context) -> Iterator[_Found]:
    """The phrase after "diagnosed with" or "Diagnosis:" when no rule above knew it."""
    text, offset = context.text, context.offset
    # Every _DIAGNOSIS_NP match holds "diagnosed" or "diagnosis": elsewhere it need not run.
    candidates = (
        [(m.start("np"), m.group("np")) for m in _DIAGNOSIS_NP.finditer(text)]
        if _DIAGNOSIS_GATE in context.folded
        else []
    )
    header = (context.sentence.header_key or "").lower()
    if header in _DIAGNOSIS_HEADERS and ":" in text:
        value = text.index(":") + 1
        candidates.append((value + len(text[value:]) - len(text[value:].lstrip()), text[value:]))
    for local, raw in candidates:
        stop = _NP_STOP.search(raw)
        phrase = (raw[: stop.start()] if stop else raw).strip()
        words = [w for w in phrase.split()[:6] if w.lower() not in _ARTICLES]
        cleaned = _CODE_SUFFIX.sub("", " ".join(words)).strip(" -\"'”’»").lower()
        start = offset + local
        end = start + len(phrase)
        tokens = cleaned.split()
        if (
            not tokens
            or len(tokens) > 5
            or context.overlaps(start, end)
            or tokens[0] in _STOP
            or cleaned in _EMPTY
            or tokens[0] in _EMPTY
            or not [w for w in tokens if w not in _STOP and w not in _WEAK]
        ):
            continue
        name = " ".join(w for w in tokens if w not in _SIDES and w != "both")
        if not name:
            continue
        mention = _Found(_plain_key(name), name, start, end, context, _NONE)
        mention.diagnosed = True
        side = _side_in(cleaned)
        if side is not None:
            mention.laterality, mention.laterality_span = side, (start, end)
            mention.own_side = True
        if _keep(mention, context):
            yield mention


# -- side, cause, onset of one mention -----------------------------------------------------------


def _attributes(mention: _Found, context: _Context, patient: PatientMention) -> None:
    text, offset = context.text, context.offset
    local_start = mention.start - offset
    before = text[max(0, local_start - 80) : local_start]
    header = (context.sentence.header_key or "").lower()
    if (
        context.has(_DIAGNOSIS_NEEDLES, max(0, local_start - 80), local_start)
        and _DIAGNOSIS_BEFORE.search(before)
    ) or header in _DIAGNOSIS_HEADERS:
        mention.diagnosed = True
    _laterality(mention, context)
    _cause(mention, context)
    start, end = context.window(mention.start, 150)
    mention.at_birth = bool(
        "birth" in mention.tags
        or "congenital" in mention.modifiers
        or (
            context.has(_BORN_NEEDLES, max(0, local_start - 80), local_start)
            and _BORN_WITH.search(before)
        )
        or (
            context.has(_BIRTH_NEEDLES, start - offset, end - offset)
            and _AT_BIRTH.search(text, start - offset, end - offset)
        )  # "since birth"
    )
    if not mention.at_birth:
        mention.onset = _onset_in_sentence(mention, context, patient)


def _laterality(mention: _Found, context: _Context) -> None:
    """The side in the mention's words, right after them ("OS"), or in its clause."""
    text, offset = context.text, context.offset
    if mention.laterality is None:
        near = _EYE_AFTER.match(text, mention.end - offset)
        if near is not None:
            side = (
                {"OD": "right", "OS": "left", "OU": "both"}.get(near.group("abbr") or "")
                or (near.group("side") or "").lower()
                or ("both" if near.group("both") else "")
            )
            if side:
                mention.laterality = side
                mention.laterality_span = (offset + near.start(), offset + near.end())
                mention.own_side = True
    if mention.laterality is not None or not mention.tags & {"eye", "lateral"}:
        return
    start, end = context.window(mention.start, 200)
    stretch = text[start - offset : end - offset]
    sides: list[tuple[str, Span]] = []
    if "eye" in mention.tags:
        sides += [(e.laterality, (e.start, e.end)) for e in find_eyes(stretch, start)]
        if context.has(_EXTRA_BOTH_NEEDLES, start - offset, end - offset):
            sides += [
                ("both", (start + m.start(), start + m.end()))
                for m in _EXTRA_BOTH.finditer(stretch)
            ]
    else:
        sides += [
            (
                _BODY_SIDES[" ".join(fold(m.group("side")).split())],
                (start + m.start(), start + m.end()),
            )
            for m in _BODY_SIDE.finditer(stretch)
        ]
    # "a left orbital fracture and a zygomatic fracture": the first one's side is its own.
    sides = [(s, span) for s, span in sides if not context.inside_other(span[0], mention)]
    side = _combine(s for s, _ in sides)
    if side is not None:
        mention.laterality, mention.laterality_span = side, sides[0][1]


def _combine(sides: Iterable[str]) -> str | None:
    seen = set(sides)
    if not seen:
        return None
    if "both" in seen or {"left", "right"} <= seen:
        return "both"
    return seen.pop()


# What may stand between a condition and its cause cue: "optic neuropathy OS due to".
_SMALL_GAP = re.compile(
    r"(?:[\s,()\"“”'’«»\-]|\b(?:OD|OS|OU|in|of|the|his|her|their|both|left|right|eyes?|knees?|"
    r"bilateral(?:ly)?|was|were|is|are|probably|likely|most|possibly|presumably|mainly|that|"
    r"which|sustained|diagnosed|had|been|seen|noted|since|birth|childhood)\b){0,60}"
)
_CAUSE_PATTERNS = ((_CAUSE_STRONG, False, False), (_CAUSE_WEAK, True, False), (_FALL, True, True))
# What each needs: its cue words; after a weak cue ("from", "in"), a cause noun.
_CAUSE_NEEDLES = {
    _CAUSE_STRONG: _STRONG_NEEDLES,
    _CAUSE_WEAK: _Needles(_DATA["cause_heads"]),
    _FALL: _FALL_NEEDLES,
}


def _cause(mention: _Found, context: _Context) -> None:
    """The cause the mention's own sentence gives, if any."""
    text, offset = context.text, context.offset
    local_start, local_end = mention.start - offset, mention.end - offset
    # "optic atrophy (multiple sclerosis)": a condition in brackets is the cause.
    bracket = _PARENTHETICAL.match(text, local_end)
    if bracket is not None:
        inner = context.mention_between(
            offset + bracket.start("inner"), offset + bracket.end(), not_key=mention.key
        )
        if inner is not None:
            mention.cause, mention.cause_span = inner.name, (inner.start, inner.end)
            return
    if context.has(_NATURE_NEEDLES, local_end, local_end + 40):
        nature = _NATURE.match(text, local_end)
        if nature is not None:
            word = _DATA["nature_causes"][fold(nature.group("nature"))]
            mention.cause = word
            mention.cause_span = (offset + nature.start("nature"), offset + nature.end("nature"))
            return
    blanked = context.blanked
    for pattern, weak, fall in _CAUSE_PATTERNS:
        needles = _CAUSE_NEEDLES[pattern]
        # The cue lies in the hundred characters after the mention; the cause noun a
        # weak cue needs may lie further on.
        if not (
            context.has(needles)
            if weak and not fall
            else context.has(needles, local_end, local_end + 100)
        ):
            continue
        for cue in pattern.finditer(blanked, local_end, min(len(text), local_end + 100)):
            if not _SMALL_GAP.fullmatch(blanked, local_end, cue.start()):
                break
            cause = _cause_phrase(cue, context, mention, weak=weak, fall=fall)
            if cause is not None:
                mention.cause, mention.cause_span = cause
                return
    # "X, which caused A and left him diagnosed with Y"
    backward = context.has(_BACKWARD_NEEDLES, max(0, local_start - 140), local_start)
    for cue in (
        _CAUSE_BACKWARD.finditer(text, max(0, local_start - 140), local_start) if backward else ()
    ):
        origin = _cause_before(cue.start(), context, mention)
        if origin is not None:
            mention.cause, mention.cause_span = origin
            return
    # "... and was diagnosed with cerebral palsy as a result": look back.
    if context.has(_RESULT_NEEDLES, local_end, local_end + 40) and _AS_A_RESULT.search(
        text, local_end, min(len(text), local_end + 40)
    ):
        sources = list(_AS_A_RESULT_SOURCE.finditer(text, max(0, local_start - 200), local_start))
        if sources:
            source = next(
                (s for s in sources if s.group().lower().startswith("history")), sources[0]
            )
            cut = _cut(blanked, source.end(), local_start)
            if cut is not None:
                mention.cause, mention.cause_span = cut[0], (offset + cut[1], offset + cut[2])


def _cut(text: str, start: int, limit: int, *, fall: bool = False) -> tuple[str, int, int] | None:
    """The cause phrase from ``start``: up to a stop word, punctuation or eight words."""
    window = text[start : min(limit, start + 120)]
    stop = _CAUSE_STOP.search(window)
    end = stop.start() if stop else len(window)
    if fall and (to := _FALL_STOP.search(window, 0, end)):
        end = to.start()  # "fall down from 8 meters high to hurt his neck"
    words = window[:end].split()[:8]
    while words and words[-1].lower() in _STOP:
        words.pop()  # "a motorcycle crash in [March 2016]"
    phrase = " ".join(words)
    stripped = _CAUSE_STRIP.sub("", phrase).strip(" \"'“”’-").lower()
    if not any(c.isalpha() for c in stripped):
        return None
    return stripped, start, start + len(phrase)


def _cause_phrase(
    cue: re.Match[str], context: _Context, mention: _Found | None, *, weak: bool, fall: bool
) -> tuple[str, Span] | None:
    """The cause after a cue ("due to", "from", "fell off"), or None when it is none."""
    text, offset = context.text, context.offset
    if weak and not fall and _NOT_CAUSE_BEFORE.search(text, max(0, cue.start() - 20), cue.start()):
        return None  # "suffering from X", "recovery from X": X is no cause
    cut = _cut(context.blanked, cue.end(), len(text), fall=fall)
    if cut is None:
        return None
    phrase, start, end = cut
    if not weak:
        # A condition that heads the cause phrase ("related to his multiple
        # sclerosis") or glosses it in brackets ("secondary to swelling within
        # the optic nerve (optic neuritis)") is the cause; one further in
        # ("ethambutol therapy for tuberculosis") is not.
        inner = context.mention_between(
            offset + start, offset + end, not_key=mention.key if mention else None
        )
        if inner is not None and inner is not mention:
            lead = text[start : inner.start - offset]
            if len(_CAUSE_STRIP.sub("", lead.strip()).split()) == 0 or lead.rstrip().endswith("("):
                return inner.name, (inner.start, inner.end)
    if fall:
        verb = " ".join(cue.group().split()).lower()
        return f"{verb} {phrase}", (offset + cue.start(), offset + end)
    if weak and not _CAUSE_HEAD.search(phrase):
        return None
    if weak and phrase.lower() in _NOT_CAUSE_ALONE:
        return None  # "poor vision from birth": when, not why ("a difficult birth" is why)
    if mention is not None and set(phrase.split()) <= set(mention.name.split()):
        return None
    return phrase, (offset + start, offset + end)


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    last = None
    for last in matches:  # noqa: B007 - only the last one is wanted
        pass
    return last


_ARTICLE_PHRASE = re.compile(r"\b(?:an?|the)\s{1,3}(?:[\w\-]{1,20}\s{1,3}){0,2}$", _I)


def _cause_before(
    position: int, context: _Context, mention: _Found | None
) -> tuple[str, Span] | None:
    """What stands before "which caused": a condition, a fall, or the words from a cause noun."""
    offset = context.offset
    head_start = max(0, position - 200)
    head = context.blanked[head_start:position].rstrip(" ,")
    other = context.mention_ending(offset + head_start + len(head))
    if (
        other is not None
        and other is not mention
        and (mention is None or other.key != mention.key)
    ):
        return other.name, (other.start, other.end)
    fall = _last(_FALL.finditer(head, max(0, len(head) - 80)))
    if fall is not None:
        cut = _cut(head, fall.end(), len(head), fall=True)
        if cut is not None:
            verb = " ".join(fall.group().split()).lower()
            return f"{verb} {cut[0]}", (
                offset + head_start + fall.start(),
                offset + head_start + cut[2],
            )
    # "She was hit by a car in 2018, which caused ...": from the cause word on.
    cause_word = _last(_CAUSE_HEAD.finditer(head, max(0, len(head) - 60)))
    if cause_word is None:
        return None
    start = cause_word.start()
    article = _ARTICLE_PHRASE.search(head, max(0, start - 40), start)
    if article is not None:
        start = article.start()  # "a climbing accident"
    words = head[start:].split()[:8]
    while words and (words[-1].lower() in _STOP or not words[-1].strip(",").isalpha()):
        words.pop()
    phrase = _CAUSE_STRIP.sub("", " ".join(words)).strip(" ,").lower()
    if not phrase:
        return None
    begin = offset + head_start + start
    return phrase, (begin, begin + len(" ".join(words)))


def _onset_in_sentence(
    mention: _Found, context: _Context, patient: PatientMention
) -> TimeMention | None:
    """The onset time of the mention's own sentence, nearest first within its clause.

    A date counts where the sentence tells of an onset ("diagnosed in 2009")
    or where it follows the condition closely ("had a stroke in March 2019").
    """
    candidates = _onset_times(context, patient, per_mention=True)
    if not candidates:
        return None
    starts = [t.start for t in candidates]  # sorted
    best = _adjacent_date(mention, context, candidates, starts)
    dated = context.onset_cue
    start, end = context.clause(mention.start)
    low, high = bisect_left(starts, start), bisect_left(starts, end)
    if low == high:
        low, high = 0, len(candidates)  # none in the clause: the sentence's
    index = min(max(bisect_left(starts, mention.start, low, high), low), high - 1)
    for i in (index - 1, index):
        usable = low <= i < high and (dated or candidates[i].relation != "date")
        if usable and (
            best is None or abs(starts[i] - mention.start) < abs(best.start - mention.start)
        ):
            best = candidates[i]
    return best


_ADJACENT = re.compile(r"[ \t]{0,3}(?:[A-Za-z]{1,12}[ \t]{1,3}){0,2}")


def _adjacent_date(
    mention: _Found, context: _Context, candidates: list[TimeMention], starts: list[int]
) -> TimeMention | None:
    index = bisect_left(starts, mention.end)
    if index == len(candidates) or candidates[index].relation != "date":
        return None
    time = candidates[index]
    gap = (mention.end - context.offset, time.start - context.offset)
    return time if _ADJACENT.fullmatch(context.text, *gap) else None


def _onset_times(
    context: _Context, patient: PatientMention, *, per_mention: bool
) -> list[TimeMention]:
    """Times in a sentence that can date an onset: "ago", "for N years", a date...

    Not a time after the first treatment word ("received stem cells in
    2019"), not the time of a visit ("seven years ago we were visited by"),
    and for the story a date only where the sentence tells of an onset
    ("noted vision loss in August 2009"); a mention's own sentence keeps its
    dates for :func:`_onset_in_sentence` to judge.
    """
    if per_mention in context.onsets:
        return context.onsets[per_mention]
    text, offset = context.text, context.offset
    times = [t for t in context.times if t.relation in _ONSET_RELATIONS]
    runs = context.runs
    # _custom_times finds nothing where neither of its gates passes: not called there.
    if ("of" in runs and _UNIT_GATE.may_match(runs)) or (
        patient.age_value is not None and _SINCE_GATE.may_match(runs)
    ):
        times += _custom_times(context, patient, per_mention=per_mention)
    if not times:
        context.onsets[per_mention] = []
        return context.onsets[per_mention]
    first_treatment = (
        _first_treatment(text, context.folded, offset, times)
        if _TREATMENT_GATE.may_match(runs)
        else offset + len(text) + 1
    )
    kept = [
        time
        for time in times
        if time.start < first_treatment
        and time.unit is not TimeUnit.HOUR
        and (time.relation == "date" or _plausible_onset(time))
        and not _near_visit(text, time.end - offset)
        and (per_mention or time.relation != "date" or context.onset_cue)
    ]
    context.onsets[per_mention] = sorted(kept, key=lambda t: t.start)
    return context.onsets[per_mention]


# No onset lies further back than a human life: the oldest verified age is
# 122 years (Jeanne Calment), and the patient model allows 125.
_LONGEST_LIFE_MONTHS = 125 * 12


def _plausible_onset(time: TimeMention) -> bool:
    if not time.value or time.unit is None or time.unit not in _MONTHS_PER:
        return False
    return 0 < time.value * _MONTHS_PER[time.unit] <= _LONGEST_LIFE_MONTHS


def _first_treatment(text: str, folded: str, offset: int, times: list[TimeMention]) -> int:
    spans = sorted((t.start, t.end) for t in times)
    for match in _TREATMENT_WORD_FOLDED.finditer(text, folded):
        position = offset + match.start()
        index = bisect_right(spans, (position, len(text) + offset + 1)) - 1
        if index < 0 or not spans[index][0] <= position < spans[index][1]:
            return position
    return offset + len(text) + 1


def _near_visit(text: str, end: int) -> bool:
    """ "Seven years ago we were visited by ...": when the patient came, not the onset."""
    words = text[end : end + 30].split()[:4]
    return any(_VISIT.fullmatch(w.strip(",.;").lower()) for w in words)


def _custom_times(
    context: _Context, patient: PatientMention, *, per_mention: bool
) -> list[TimeMention]:
    """ "Ten years of polyuria" (a duration); "since she was 5 months old" (age then)."""
    text, folded, offset, runs = context.text, context.folded, context.offset, context.runs
    found: list[TimeMention] = []
    units_of = "of" in runs and _UNIT_GATE.may_match(runs)
    for anchor in _UNIT_OF_FOLDED.finditer(text, folded) if units_of else ():
        number = _NUMBER_BEFORE.search(text, max(0, anchor.start() - 40), anchor.start())
        value = parse_number(number.group("num")) if number else None
        if number and value:
            unit = _UNITS[fold(anchor.group("unit")[0])]
            found.append(
                TimeMention(
                    offset + number.start(),
                    offset + anchor.end(),
                    "duration",
                    value,
                    unit,
                    rule="n_units_of",
                )
            )
    if patient.age_value is None or not _SINCE_GATE.may_match(runs):
        return found
    age_unit = _UNITS.get((patient.age_unit or "year")[0], TimeUnit.YEAR)
    for match in _SINCE_AGE_FOLDED.finditer(text, folded):
        lead = match.group()[:4].lower()
        bare = match.group("num2") is not None and match.group("old") is None
        told_then = match.group("num3") is not None  # "was 17 when", as "when she was 17"
        if (
            bare or lead == "when" or told_then or (lead.startswith("at") and not per_mention)
        ) and not (context.onset_cue):
            # "at the age of 49" in a story is a later visit, not an onset, unless the
            # sentence tells of one ("lost her sight at the age of 14"); so is "at 14
            # months" or "when she was 6" ("diagnosed at 14 months").
            continue
        if bare and (
            not per_mention
            or (age_unit is TimeUnit.YEAR and patient.age_value > _CHILD_YEARS)
            or not _FIRST_NOTICED.search(text)
        ):
            continue  # only a young child's story dates a diagnosis by a bare age
        value = parse_number(match.group("num") or match.group("num2") or match.group("num3"))
        if value is None:
            continue
        unit_word = (
            match.group("unit") or match.group("unit2") or match.group("unit3") or age_unit.value
        )
        unit = _UNITS[fold(unit_word[0])]
        months_ago = patient.age_value * _MONTHS_PER[age_unit] - value * _MONTHS_PER[unit]
        if months_ago <= 0:
            continue
        if age_unit is TimeUnit.YEAR and not months_ago % 12:
            ago, ago_unit = months_ago / 12, TimeUnit.YEAR
        else:
            ago, ago_unit = months_ago, TimeUnit.MONTH
        found.append(
            TimeMention(
                offset + match.start(),
                offset + match.end(),
                "before_now",
                round(ago, 2),
                ago_unit,
                rule="since_age",
            )
        )
    return found


# -- merging and the story ----------------------------------------------------------------------


@dataclass
class _Group:
    """The mentions of one condition and what they say together."""

    mentions: list[_Found]
    laterality: str | None = None
    laterality_span: Span | None = None
    cause: str | None = None
    cause_span: Span | None = None
    onset: TimeMention | None = None
    at_birth: bool = False

    @property
    def first(self) -> _Found:
        return self.mentions[0]

    @property
    def tags(self) -> frozenset[str]:
        return frozenset(tag for m in self.mentions for tag in m.tags)

    @property
    def name(self) -> str:
        """The most specific name, with the kind words other mentions add ("dry")."""
        best = max(self.mentions, key=lambda m: (len(m.name.split()), len(m.name)))
        words = best.name.split()
        extra = [
            w
            for m in self.mentions
            for w in m.modifiers
            if w in _MERGE_MODIFIERS and w not in words
        ]
        return " ".join([*dict.fromkeys(extra), *words])

    def names(self) -> set[str]:
        return {w for m in self.mentions for w in m.name.split()}


def _merge(found: list[_Found]) -> list[_Group]:
    """One group per condition; an unknown phrase joins a group whose name it is part of."""
    groups: dict[str, _Group] = {}
    known = {e.name for e in _ENTRIES}
    for mention in sorted(found, key=lambda m: m.start):
        key = mention.key
        if key not in groups and key not in known:
            tokens = set(key.split())
            key = next(
                (
                    k
                    for k in groups
                    if tokens and (tokens <= set(k.split()) or set(k.split()) <= tokens)
                ),
                key,
            )
        groups.setdefault(key, _Group([])).mentions.append(mention)
    for group in groups.values():
        sided = [m for m in group.mentions if m.laterality is not None]
        sided.sort(key=lambda m: not m.own_side)
        if sided:
            group.laterality, group.laterality_span = sided[0].laterality, sided[0].laterality_span
        caused = [m for m in group.mentions if m.cause]
        if caused:
            group.cause, group.cause_span = caused[0].cause, caused[0].cause_span
        group.at_birth = any(m.at_birth for m in group.mentions)
        dated = [m for m in group.mentions if m.onset is not None]
        if dated and not group.at_birth:
            group.onset = dated[0].onset
    return list(groups.values())


def _story(groups: list[_Group], contexts: Iterable[_Context], patient: PatientMention) -> None:
    """Fill what a condition's own sentence left open from the rest of the story.

    An eye disease without a side takes the eye the story speaks of first;
    the main condition takes the first cause and onset of the story; an
    injury, fracture or bleed takes the first accident; a hereditary
    disease the mutation found.  ``contexts`` are all the sentences read:
    the story skips those that are not :attr:`_Context.in_story`, asking
    only of a sentence that has something to give (the question costs more).
    """
    eye_side = (
        _story_eye(contexts)
        if any(g.laterality is None and {"eye", "lateral"} <= g.tags for g in groups)
        else None
    )
    if eye_side is not None:
        for group in groups:
            if group.laterality is None and {"eye", "lateral"} <= group.tags:
                group.laterality, group.laterality_span = eye_side
    primary = _primary(groups)
    # The history ends where the treatment is told: "lost his hair after the
    # chemotherapy" or "a retinal detachment" a week later are no causes of the disease.
    causes = _StoryCauses(_until_treatment(contexts))
    for group in groups:
        if group.cause is not None:
            continue
        trauma = "trauma" in group.tags or "traumatic" in group.name
        if group is not primary and not trauma:
            continue
        for cause, span, traumatic, key in causes:
            if key in {m.key for m in group.mentions} or set(cause.split()) <= group.names():
                continue
            if group is primary or traumatic:
                group.cause, group.cause_span = cause, span
                break
    if any(g.cause is None and "hereditary" in g.tags for g in groups):
        mutation = _mutation(contexts)
        for group in groups:
            if group.cause is None and "hereditary" in group.tags and mutation is not None:
                group.cause, group.cause_span = mutation
    if primary is not None and primary.onset is None and not primary.at_birth:
        for context in _until_treatment(contexts):
            times = _onset_times(context, patient, per_mention=False)
            if times and context.in_story:
                primary.onset = times[0]
                break
    _onset_by_cause(groups)


def _onset_by_cause(groups: list[_Group]) -> None:
    """A condition of the same cause as a dated one began with it: "fell from his bicycle on
    2 August" dates the optic nerve injury and the canal fracture the fall caused alike."""
    # Injuries only: a disease caused by another (cataract from diabetes) has its own onset.
    injuries = [g for g in groups if "trauma" in g.tags or "traumatic" in g.name]
    dated = {g.cause: g.onset for g in injuries if g.cause and g.onset is not None}
    for group in injuries:
        if group.onset is None and not group.at_birth and group.cause in dated:
            group.onset = dated[group.cause]


def _until_treatment(contexts: Iterable[_Context]) -> Iterator[_Context]:
    """The sentences of the history: all up to the first that tells the treatment given
    ("he received umbilical cord stem cells"), that one included; after it, not those
    that go on from it -- the rest of its paragraph, "a week later ..." -- unless they look
    back ("was blinded by methanol three years ago").  A later paragraph may be history
    again (a case report's presentation after its abstract)."""
    told_line: int | None = None
    for context in contexts:
        if told_line is None:
            yield context
            if _tells_treatment(context):
                told_line = context.sentence.line
            continue
        if _looks_back(context):
            yield context
        elif context.sentence.line == told_line or _tells_treatment(context):
            told_line = context.sentence.line
        elif not any(t.relation == "after_previous" for t in context.times):
            yield context


def _looks_back(context: _Context) -> bool:
    """ "... three years ago", "two months earlier": a time before the story's now."""
    if context.runs.isdisjoint(_BACK_WORDS):
        return False
    return any(t.relation == "before_now" for t in context.times)


# Every "before_now" time holds one of these words (see time.py's "ago" rule).
_BACK_WORDS = frozenset({"ago", "earlier", "before", "prior"})


def _tells_treatment(context: _Context) -> bool:
    if context.runs.isdisjoint(_GIVEN_RUNS):
        return False
    return bool(_CELLS_GIVEN.search(context.text)) and bool(_GIVEN.search(context.text))


def _primary(groups: list[_Group]) -> _Group | None:
    """The condition the story is about: in the title, else diagnosed, else the first."""
    candidates = [g for g in groups if "sign" not in g.tags]
    for group in candidates:
        if any(m.title for m in group.mentions):
            return group
    for group in candidates:
        if any(m.diagnosed for m in group.mentions):
            return group
    return candidates[0] if candidates else None


# What any eye mention of find_eyes holds: an abbreviation (matched in upper case
# only) or a side word (matched ignoring case, so looked for in the folded text).
_EYE_ABBREVIATIONS = ("OD", "OS", "OU", "RE", "LE")
_EYE_WORDS = ("right", "left", "both", "each", "either", "bilateral")


def _may_name_eye(context: _Context) -> bool:
    """Whether ``find_eyes(context.text)`` may find anything (a cheap superset)."""
    return any(map(context.text.__contains__, _EYE_ABBREVIATIONS)) or any(
        map(context.folded.__contains__, _EYE_WORDS)
    )


def _story_eye(contexts: Iterable[_Context]) -> tuple[str, Span] | None:
    """The eye of the first sentence that names one: "20/800 OD and 20/4000 OS" is both."""
    for context in contexts:
        eyes = find_eyes(context.text, context.offset) if _may_name_eye(context) else ()
        sides = [(e.laterality, (e.start, e.end)) for e in eyes]
        if context.has(_EXTRA_BOTH_NEEDLES):
            sides += [
                ("both", (context.offset + m.start(), context.offset + m.end()))
                for m in _EXTRA_BOTH.finditer(context.text)
            ]
        side = _combine(s for s, _ in sides)
        if side is not None and context.in_story:
            return side, min(span for _, span in sides)
    return None


class _StoryCauses:
    """The causes the story states, in order, read only as far as needed."""

    def __init__(self, contexts: Iterable[_Context]) -> None:
        self._contexts = iter(contexts)
        self._seen: list[tuple[str, Span, bool, str | None]] = []

    def __iter__(self) -> Iterator[tuple[str, Span, bool, str | None]]:
        index = 0
        while True:
            while index >= len(self._seen):
                context = next(self._contexts, None)
                if context is None:
                    return
                causes = _causes_in(context)
                if causes and context.in_story:
                    self._seen.extend(causes)
            yield self._seen[index]
            index += 1


def _causes_in(context: _Context) -> list[tuple[str, Span, bool, str | None]]:
    """Causes a sentence states: (phrase, span, traumatic?, key of a condition named)."""
    text = context.text
    if not context.mentions and not _CAUSE_HEAD_GATE.may_match(context.runs):
        return []
    folded = context.folded
    if not (
        context.mentions
        or _CAUSE_HEAD_FOLDED.search(text, folded)
        or _FALL_FOLDED.search(text, folded)
    ):
        return []
    named = {m.name: m.key for m in context.mentions}
    candidates: list[tuple[int, tuple[str, Span]]] = []
    for pattern, weak, fall in _CAUSE_PATTERNS:
        if not context.has(_CAUSE_NEEDLES[pattern]):
            continue
        for cue in pattern.finditer(context.blanked):
            cause = _cause_phrase(cue, context, None, weak=weak, fall=fall)
            if cause is None:
                continue
            if cause[0] in named or fall or _CAUSE_HEAD.search(cause[0]):
                candidates.append((cue.start(), cause))
    for cue in _CAUSE_BACKWARD.finditer(text) if context.has(_BACKWARD_NEEDLES) else ():
        origin = _cause_before(cue.start(), context, None)
        if origin is not None:
            candidates.append((cue.start(), origin))
    injuries = _INJURY.finditer(text) if context.has(_INJURY_NEEDLES) else ()
    for cue in injuries:  # "the blast damaged her optic nerve"
        origin = _cause_before(cue.start(), context, None)
        if origin is not None:
            candidates.append((cue.start(), origin))
    out = []
    for _, (phrase, span) in sorted(candidates, key=lambda c: c[0]):
        traumatic = bool(_TRAUMA_HEAD.search(phrase) or _FALL.match(phrase + " "))
        out.append((phrase, span, traumatic, named.get(phrase)))
    return out


_MUTATION_VERB = re.compile(r"\b(?:" + _words(_DATA["mutation_verbs"]) + r")\s{1,3}", _I)
_MUTATION_TAIL = re.compile(r"\s(?:in|which|and|that|was|were|with|on|at)\b", _I)
_MUTATION_WORD = re.compile(r"mutat(?:ion|ions|ed)\b", _I)
_MUTATION_LINK = re.compile(
    r"\b(?:with|due\s{1,3}to|caused\s{1,3}by|carrying|harbou?ring)\s{1,3}", _I
)


def _mutation(contexts: Iterable[_Context]) -> tuple[str, Span] | None:
    """ "DNA analysis revealed a mtDNA 11778G>A mutation" -> the mutation phrase."""
    for context in contexts:
        match = _MUTATION.search(context.text) if _MUTATION_WORD.search(context.text) else None
        if match is None or not context.in_story:
            continue
        what, start = match.group("what"), match.start("what")
        for verb in _MUTATION_VERB.finditer(what):  # the verb nearest the mutation
            what, start = what[verb.end() :], start + verb.end()
        keyword = _MUTATION_WORD.search(what)
        # "confirmed LHON with the m.11778G>A mutation": the mutation follows its link word.
        links = list(_MUTATION_LINK.finditer(what, 0, keyword.start())) if keyword else []
        if links:
            what, start = what[links[-1].end() :], start + links[-1].end()
            keyword = _MUTATION_WORD.search(what)
        if keyword is not None and (tail := _MUTATION_TAIL.search(what, keyword.end())):
            what = what[: tail.start()]
        phrase = _CAUSE_STRIP.sub("", " ".join(what.split())).strip(" ,").lower()
        if phrase:
            begin = context.offset + start
            return phrase, (begin, begin + len(what.rstrip()))
    return None


def _reportable(group: _Group) -> bool:
    """A sign (nystagmus) is a diagnosis only when the text makes it one."""
    if "sign" not in group.tags:
        return True
    return group.cause is not None or any(
        m.diagnosed or {"acquired", "congenital"} & set(m.modifiers) for m in group.mentions
    )


def _to_mention(group: _Group) -> ConditionMention:
    first = group.first
    spans: dict[str, Span] = {"name": (first.start, first.end)}
    if group.laterality is not None and group.laterality_span is not None:
        spans["laterality"] = group.laterality_span
    if group.cause is not None and group.cause_span is not None:
        spans["cause"] = group.cause_span
    if group.onset is not None and not group.at_birth:
        spans["onset"] = (group.onset.start, group.onset.end)
    return ConditionMention(
        name=group.name,
        laterality=group.laterality,
        cause=group.cause,
        onset=None if group.at_birth else group.onset,
        onset_at_birth=group.at_birth,
        spans=spans,
    )
