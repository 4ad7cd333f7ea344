"""Realistic narratives and the mutations that fuzz ``caserecord.extract``.

One home for the fuzzing vocabulary, shared by ``tests/test_fuzz.py``
(Hypothesis, a few hundred examples in CI) and ``benchmarks/soak.py``
(100,000 seeded inputs, run by hand).  Every mutation draws its choices
through a :class:`Chooser`, so the same code is driven by Hypothesis (which
can then shrink a failure to the smallest choices) or by ``random.Random``
(which the soak script seeds per input, so input ``i`` of seed ``s`` can be
rebuilt from those two numbers).

The narratives were written for these tests in the styles the extractor
meets -- clinic testimonial, published case report, letter with a header
block and bullets, paediatric story, non-ophthalmic story with dates -- and
are not taken from any corpus.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from caserecord import CaseRecord, extract

T = TypeVar("T")

__all__ = [
    "NARRATIVES",
    "STRUCTURE_MUTATIONS",
    "TEXT_MUTATIONS",
    "Chooser",
    "Outcome",
    "RandomChooser",
    "arbitrary_text",
    "check_extraction",
    "mutate",
    "narratives",
    "paragraphs_of",
]

# -- narratives --------------------------------------------------------------------
# Each narrative is a list of paragraphs; each paragraph a list of sentences
# (a header line or a bullet is a one-sentence paragraph).  Mutations work on
# that structure, and the text is rebuilt with "\n\n" between paragraphs.

NARRATIVES: dict[str, list[list[str]]] = {
    "testimonial_optic_nerve": [
        ["Patient: Mr. Okafor", "Gender: Male", "Age: 52"],
        ["Diagnosis: traumatic optic neuropathy, left eye"],
        [
            "Mr. Okafor, aged 52, is a retired schoolteacher from Lagos.",
            "Eight months ago he was struck by a falling branch and injured his left optic nerve.",
            "His vision in the left eye dropped to hand motion at 50 cm.",
            "High-dose steroids and vitamin B12 brought no improvement.",
        ],
        [
            "On 14 March 2021 he received umbilical cord mesenchymal stem cells, "
            "30 million cells by retrobulbar injection into the left eye.",
            "The treatment was repeated four times over two weeks.",
            "He had mild headache on the second day, which resolved without medication.",
            "There was no fever and no infection.",
        ],
        [
            "By the end of the first month he could count fingers at 1 m.",
            "Three months after treatment his best corrected acuity was 20/200 OS.",
            "At the 6-month follow-up it reached 0.2 decimal, and the RNFL thickness "
            "was 68 um on OCT.",
            "Intraocular pressure stayed at 15 mmHg throughout.",
        ],
    ],
    "case_report_lhon": [
        [
            "A 19-year-old woman presented with painless, sequential vision loss in both eyes "
            "over 6 weeks.",
            "Genetic testing confirmed Leber hereditary optic neuropathy (m.11778G>A).",
            "At baseline her visual acuity was 20/400 OD and CF at 2 feet OS.",
            "Pattern VEP showed a P100 latency of 128 ms in the right eye; the left eye had no "
            "recordable response.",
            "Humphrey visual field mean deviation was -24.5 dB OD.",
        ],
        [
            "She was treated with idebenone 300 mg three times daily for 12 months.",
            "In July 2019 she also underwent intravitreal injection of autologous bone marrow "
            "derived stem cells (1 x 10^6 cells in 0.1 mL) in the right eye.",
            "One week later she developed a vitreous haemorrhage, which cleared within a month.",
        ],
        [
            "At 3 months her acuity improved to 20/100 OD; the left eye was unchanged.",
            "At 12 months it was 0.40 logMAR OD and 1.30 logMAR OS.",
            "Mean deviation improved to -18.2 dB, and P100 latency shortened to 116 ms.",
            "No retinal detachment or endophthalmitis occurred.",
        ],
    ],
    "letter_with_bullets": [
        ["Dear Dr. Lindqvist,"],
        [
            "Thank you for referring Ms. Haddad, a 34-year-old accountant with relapsing-"
            "remitting multiple sclerosis and optic neuritis of the right eye since 2017.",
            "She had previously received interferon beta-1a and three courses of IV "
            "methylprednisolone.",
        ],
        ["Before treatment:"],
        ["- she could not read newspaper print;"],
        ["- walking was limited to 200 m with a cane;"],
        ["- EDSS 5.5."],
        ["Condition 6 months after treatment"],
        ["- vision 6/12 in the right eye;"],
        ["- she walks 1 km without aids;"],
        ["- EDSS 4.0."],
        [
            "She received two intrathecal infusions of adipose-derived stromal cells, 50 million "
            "cells each, on 2 and 9 February 2020.",
            "Apart from a transient low-grade fever after the first infusion, she tolerated them "
            "well.",
        ],
        ["Yours sincerely,", "Dr. A. Moreau"],
    ],
    "paediatric_onh": [
        [
            "A 16-month-old girl was brought to us with optic nerve hypoplasia and septo-optic "
            "dysplasia diagnosed at birth.",
            "Her mother noticed that she did not follow faces or toys.",
            "Pupils reacted sluggishly, and the fundus showed small pale discs in both eyes.",
        ],
        [
            "She received four subcutaneous injections of cord blood stem cells and "
            "four lumbar punctures over 10 days in November 2011.",
            "After the second lumbar puncture she vomited twice.",
        ],
        [
            "Two weeks after discharge she began to fix on light.",
            "By the third month she reached for brightly coloured toys at 30 cm.",
            "At 9 months her VEP amplitude had increased from 4 uV to 7.5 uV.",
            "Her parents report that she now recognises them across the room.",
        ],
    ],
    "spinal_cord_injury": [
        ["Name: Carlos", "Sex: male", "Age: 28 years", "Injury: T11 complete, ASIA A"],
        [
            "Carlos, a 28-year-old construction worker, fell from scaffolding in June 2018 and "
            "fractured his T11 vertebra.",
            "Despite surgical fixation and six months of rehabilitation, he had no movement or "
            "sensation below the waist.",
        ],
        [
            "In January 2019 he was treated with umbilical cord MSCs, 1 million cells/kg, given "
            "intravenously and by four lumbar punctures.",
            "Intensive physiotherapy continued five days a week.",
            "He reported mild back pain at the puncture site for 2 days.",
        ],
        [
            "Results:",
        ],
        [
            "After 3 months he could feel light touch on his thighs.",
            "At 6 months hip flexor strength was 3/5 on both sides and he was reclassified as "
            "ASIA C.",
            "He now walks 20 m with a walker and has regained bladder control.",
        ],
    ],
    "diabetes_and_amd": [
        [
            "An 81-year-old retired farmer with dry age-related macular degeneration in both "
            "eyes and type 2 diabetes (HbA1c 8.9%) was seen on 3 May 2022.",
            "Best corrected visual acuity was 55 ETDRS letters OD and 40 letters OS.",
            "Intraocular pressure was 18 mmHg OU.",
        ],
        [
            "He paid for bilateral intravitreal injections of autologous adipose-derived cells at "
            "a private clinic.",
            "Within 24 hours he had severe pain and redness in both eyes.",
            "On day 3 retinal detachment was found in the right eye, and he lost light "
            "perception OD.",
        ],
        [
            "A year later his left eye reads 20/800, the right eye is NLP, and HbA1c is 7.1%.",
            "He denies any benefit from the injections.",
        ],
    ],
}


# -- choosing ----------------------------------------------------------------------


class Chooser(Protocol):
    """Where mutations get their choices: Hypothesis or a seeded ``random.Random``."""

    def integer(self, low: int, high: int) -> int:
        """An integer in ``[low, high]``; the lower end is the simpler choice."""
        ...


def _pick(choose: Chooser, options: Sequence[T]) -> T:
    return options[choose.integer(0, len(options) - 1)]


@dataclass
class RandomChooser:
    """A :class:`Chooser` over ``random.Random``, for the soak script."""

    rng: random.Random

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


@dataclass
class _HypothesisChooser:
    draw: Callable[[Any], Any]

    def integer(self, low: int, high: int) -> int:
        from hypothesis import strategies as st

        return int(self.draw(st.integers(low, high)))


# -- mutations on the structure (paragraphs of sentences) ------------------------------

Paragraphs = list[list[str]]


def _sentence_slots(paragraphs: Paragraphs) -> list[tuple[int, int]]:
    return [(p, s) for p, para in enumerate(paragraphs) for s in range(len(para))]


def drop_sentences(choose: Chooser, paragraphs: Paragraphs) -> Paragraphs:
    """Remove one to several sentences (a story that leaves things out)."""
    out = [list(p) for p in paragraphs]
    for _ in range(choose.integer(1, 4)):
        slots = _sentence_slots(out)
        if not slots:
            break
        p, s = _pick(choose, slots)
        del out[p][s]
    return [p for p in out if p]


def duplicate_sentences(choose: Chooser, paragraphs: Paragraphs) -> Paragraphs:
    """Repeat a sentence elsewhere (copy-pasted text, a second mention)."""
    out = [list(p) for p in paragraphs]
    for _ in range(choose.integer(1, 3)):
        slots = _sentence_slots(out)
        if not slots:
            break
        p, s = _pick(choose, slots)
        q = choose.integer(0, len(out) - 1)
        out[q].insert(choose.integer(0, len(out[q])), out[p][s])
    return out


def shuffle_sentences(choose: Chooser, paragraphs: Paragraphs) -> Paragraphs:
    """Swap sentences and paragraphs (events told out of order)."""
    out = [list(p) for p in paragraphs]
    for _ in range(choose.integer(1, 6)):
        slots = _sentence_slots(out)
        if len(slots) < 2:
            break
        (p, s), (q, r) = _pick(choose, slots), _pick(choose, slots)
        out[p][s], out[q][r] = out[q][r], out[p][s]
    if len(out) > 1 and choose.integer(0, 1):
        i, j = choose.integer(0, len(out) - 1), choose.integer(0, len(out) - 1)
        out[i], out[j] = out[j], out[i]
    return out


def merge_narratives(choose: Chooser, paragraphs: Paragraphs) -> Paragraphs:
    """Append paragraphs of another story (two patients, or a concatenated file)."""
    other = _pick(choose, sorted(NARRATIVES))
    extra = NARRATIVES[other]
    start = choose.integer(0, len(extra) - 1)
    return [list(p) for p in paragraphs] + [list(p) for p in extra[start:]]


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_REPLACEMENT_NUMBERS = (
    "0",
    "1",
    "-1",
    "00",
    "0.0",
    "0.001",
    "7.5",
    "12",
    "20",
    "99",
    "125",
    "126",
    "200",
    "999",
    "1000",
    "2500",
    "1e9",
    "3.14159",
    "1,000",
    "1/2",
    "10^6",
    "99999999999999999999999",
    "0.000000000000000000001",
    "٣",  # Arabic-Indic three: str.isdigit() is True, float() accepts it
    "²",  # superscript two: isdigit() is True, float() refuses it
    "½",
    "NaN",
    "inf",
)


def change_numbers(choose: Chooser, paragraphs: Paragraphs) -> Paragraphs:
    """Replace numbers with implausible, huge, tiny, negative or odd-script ones."""
    out = [list(p) for p in paragraphs]
    slots = [(p, s) for p, s in _sentence_slots(out) if _NUMBER.search(out[p][s])]
    for _ in range(choose.integer(1, 5)):
        if not slots:
            break
        p, s = _pick(choose, slots)
        numbers = list(_NUMBER.finditer(out[p][s]))
        if not numbers:
            continue
        match = _pick(choose, numbers)
        if choose.integer(0, 2):
            new = _pick(choose, _REPLACEMENT_NUMBERS)
        else:
            new = str(choose.integer(0, 10**12))
        sentence = out[p][s]
        out[p][s] = sentence[: match.start()] + new + sentence[match.end() :]
    return out


_CLINICAL_WORDS = (
    "20/20",
    "6/6",
    "CF",
    "HM",
    "LP",
    "NLP",
    "OD",
    "OS",
    "OU",
    "logMAR",
    "decimal",
    "letters",
    "mmHg",
    "dB",
    "ms",
    "uV",
    "um",
    "month",
    "day 0",
    "baseline",
    "follow-up",
    "no",
    "not",
    "without",
    "stem cells",
    "injection",
    "right eye",
    "left eye",
    "both eyes",
    "year-old",
    "Age:",
    "Date:",
)


def splice_words(choose: Chooser, paragraphs: Paragraphs) -> Paragraphs:
    """Insert clinical trigger words at random places (dangling values, odd order)."""
    out = [list(p) for p in paragraphs]
    for _ in range(choose.integer(1, 6)):
        slots = _sentence_slots(out)
        if not slots:
            break
        p, s = _pick(choose, slots)
        sentence = out[p][s]
        cut = choose.integer(0, len(sentence))
        word = _pick(choose, _CLINICAL_WORDS)
        out[p][s] = f"{sentence[:cut]} {word} {sentence[cut:]}"
    return out


STRUCTURE_MUTATIONS: dict[str, Callable[[Chooser, Paragraphs], Paragraphs]] = {
    "drop_sentences": drop_sentences,
    "duplicate_sentences": duplicate_sentences,
    "shuffle_sentences": shuffle_sentences,
    "merge_narratives": merge_narratives,
    "change_numbers": change_numbers,
    "splice_words": splice_words,
}


def _join(paragraphs: Paragraphs) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs)


# -- mutations on the text -------------------------------------------------------------

# Characters that break naive tokenisers: zero-width and bidi controls, combining
# marks, non-breaking and ideographic spaces, line and paragraph separators,
# typographic punctuation, a BOM, an emoji with a skin-tone modifier, NUL, and
# letters outside the Basic Multilingual Plane.  Surrogates are left out: a
# ``str`` holding one cannot be written as UTF-8 JSON at all.
_NOISE = (
    "\u200b",
    "\u200d",
    "\u200e",
    "\u202e",
    "\u0301",
    "\u0308",
    "\u00a0",
    "\u3000",
    "\u2028",
    "\u2029",
    "\u0085",
    "\u000b",
    "\u000c",
    "\ufeff",
    "\u2019",
    "\u201c",
    "\u2013",
    "\u2014",
    "\u2026",
    "\u2212",
    "\u00b5",
    "\u03bc",
    "\u00b0",
    "\u00bd",
    "\U0001f44d\U0001f3fd",
    "\x00",
    "\U00010348",
    "\u0130",  # dotted capital I: lower() makes it two characters
    "\u1e9e",  # capital sharp s
    "\ufb01",  # fi ligature: casefold() expands it
    "\u00df",
)


def _noise_character(choose: Chooser) -> str:
    if choose.integer(0, 3):
        return _pick(choose, _NOISE)
    code = choose.integer(0x20, 0x10FFFF)
    return "?" if 0xD800 <= code <= 0xDFFF else chr(code)


def unicode_noise(choose: Chooser, text: str) -> str:
    """Sprinkle invisible, combining, wide and astral characters through the text."""
    for _ in range(choose.integer(1, 12)):
        cut = choose.integer(0, len(text))
        text = text[:cut] + _noise_character(choose) + text[cut:]
    return text


def crlf(choose: Chooser, text: str) -> str:
    """Windows or old-Mac line endings, or a mixture."""
    ending = _pick(choose, ("\r\n", "\r", "\n\r", "\r\r\n"))
    if choose.integer(0, 1):
        return text.replace("\n", ending)
    lines = text.split("\n")
    return "".join(line + (ending if choose.integer(0, 1) else "\n") for line in lines[:-1]) + (
        lines[-1] if lines else ""
    )


def tabs(choose: Chooser, text: str) -> str:
    """Tabs for spaces, tab-indented lines, runs of whitespace."""
    style = choose.integer(0, 2)
    if style == 0:
        return text.replace(" ", "\t")
    if style == 1:
        return "\n".join("\t" * choose.integer(0, 3) + line for line in text.split("\n"))
    run = " " * choose.integer(1, 4) + "\t" * choose.integer(0, 1)
    stride = choose.integer(1, 5)
    words = text.split(" ")
    spaced = [word + (run if i % stride == 0 else " ") for i, word in enumerate(words[:-1])]
    return "".join(spaced) + words[-1]


_LONG_LINE = 20_000


def long_lines(choose: Chooser, text: str) -> str:
    """No line breaks at all, or one sentence repeated into a very long line."""
    if choose.integer(0, 1):
        return " ".join(text.split())
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
    if not sentences:
        return text
    repeated = _pick(choose, sentences)[:_LONG_LINE]
    # At most 20 KB more, however often this mutation is applied: very long
    # for a line, and still well under a second of extraction.
    times = choose.integer(1, max(1, _LONG_LINE // len(repeated)))
    separator = _pick(choose, (" ", "", "; ", ", and "))
    return text + "\n" + separator.join([repeated] * times)


def case_and_punctuation(choose: Chooser, text: str) -> str:
    """ALL CAPS, all lower case, or the punctuation stripped."""
    style = choose.integer(0, 3)
    if style == 0:
        return text.upper()
    if style == 1:
        return text.lower()
    if style == 2:
        return re.sub(r"[.,;:]", "", text)
    return re.sub(r"([.,;:])", r" \1 \1", text)


def truncate(choose: Chooser, text: str) -> str:
    """Cut the text anywhere, mid-word or mid-number (a partial copy)."""
    if not text:
        return text
    start = choose.integer(0, len(text) // 4) if choose.integer(0, 1) else 0
    return text[start : choose.integer(start, len(text))]


def splice_arbitrary(choose: Chooser, text: str) -> str:
    """Insert arbitrary code points, markup or binary-looking junk."""
    junk = _pick(
        choose,
        (
            "<b>20/40</b>",
            "&nbsp;&amp;",
            "{{age}}",
            "%s %d",
            "\\n\\t",
            "((((((((",
            "))))",
            "[[[20/]]]",
            "////////",
            "--------",
            "........",
            "::::::::",
            "1/2/3/4/5/6/7/8/9",
            "very " * 30,
            "".join(_noise_character(choose) for _ in range(choose.integer(1, 40))),
        ),
    )
    cut = choose.integer(0, len(text))
    return text[:cut] + junk + text[cut:]


TEXT_MUTATIONS: dict[str, Callable[[Chooser, str], str]] = {
    "unicode_noise": unicode_noise,
    "crlf": crlf,
    "tabs": tabs,
    "long_lines": long_lines,
    "case_and_punctuation": case_and_punctuation,
    "truncate": truncate,
    "splice_arbitrary": splice_arbitrary,
}


def mutate(
    choose: Chooser,
    *,
    base: list[list[str]] | None = None,
    only: str | None = None,
    max_mutations: int = 4,
) -> str:
    """A narrative after up to ``max_mutations`` mutations (or exactly ``only``)."""
    paragraphs = base if base is not None else NARRATIVES[_pick(choose, sorted(NARRATIVES))]
    names = (
        [only]
        if only is not None
        else [
            _pick(choose, sorted(STRUCTURE_MUTATIONS) + sorted(TEXT_MUTATIONS))
            for _ in range(choose.integer(1, max_mutations))
        ]
    )
    # Structure first, text after: a CRLF or a truncation must survive to the end.
    names.sort(key=lambda n: n in TEXT_MUTATIONS)
    for name in names:
        if name in STRUCTURE_MUTATIONS:
            paragraphs = STRUCTURE_MUTATIONS[name](choose, paragraphs)
    text = _join(paragraphs)
    for name in names:
        if name in TEXT_MUTATIONS:
            text = TEXT_MUTATIONS[name](choose, text)
    return text


def paragraphs_of(text: str) -> Paragraphs:
    """Any text as lines of sentences, so stories from elsewhere can be mutated too."""
    return [
        [s for s in re.split(r"(?<=[.!?])\s+", line.strip()) if s]
        for line in text.splitlines()
        if line.strip()
    ]


_WORDS = sorted(
    {word for story in NARRATIVES.values() for p in story for s in p for word in s.split()}
)
_PUNCTUATION = (".", ",", ";", ":", "(", ")", "/", "-", "\n", "\n\n", "\t", "'", '"', "%", "~")


def arbitrary_text(choose: Chooser) -> str:
    """Word salad: story words, clinical words, numbers, punctuation and noise in any order."""
    pieces: list[str] = []
    for _ in range(choose.integer(0, 200)):
        kind = choose.integer(0, 9)
        if kind < 5:
            pieces.append(_pick(choose, _WORDS))
        elif kind < 7:
            pieces.append(_pick(choose, _CLINICAL_WORDS))
        elif kind == 7:
            pieces.append(str(choose.integer(0, 10 ** choose.integer(1, 12))))
        elif kind == 8:
            pieces.append(_pick(choose, _PUNCTUATION))
        else:
            pieces.append(_noise_character(choose))
    return "".join(piece + _pick(choose, (" ", " ", " ", "", "\n")) for piece in pieces)


def narratives(*, only: str | None = None, max_mutations: int = 4) -> Any:
    """Hypothesis strategy: mutated narratives (``only`` one named mutation)."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw: Callable[[Any], Any]) -> str:
        return mutate(_HypothesisChooser(draw), only=only, max_mutations=max_mutations)

    return build()


# -- the property ----------------------------------------------------------------------

# Report notes written when a guard swallowed an exception inside extraction:
# the record is still returned, but a rule crashed, which is a bug to report.
_CRASH_NOTES = re.compile(r"rules failed on this text|extraction failed \(")


@dataclass
class Outcome:
    """What one extraction did: its problems (empty when all is well)."""

    problems: list[str] = field(default_factory=list)
    record: CaseRecord | None = None


def check_extraction(text: str) -> Outcome:
    """Extract, then check the record validates and round-trips; list what went wrong."""
    outcome = Outcome()
    try:
        record = extract(text)
    except Exception as exc:
        outcome.problems.append(f"extract raised {type(exc).__name__}: {exc}")
        return outcome
    outcome.record = record
    if record.report is not None:
        outcome.problems += [
            f"a rule crashed: {note.message}"
            for note in record.report.warnings
            if _CRASH_NOTES.search(note.message)
        ]
    try:
        again = CaseRecord.model_validate(record.model_dump())
        if again != record:
            outcome.problems.append("model_dump -> model_validate changed the record")
        dumped = record.model_dump_json()
        back = CaseRecord.model_validate_json(dumped)
        if back != record:
            outcome.problems.append("JSON round trip changed the record")
        if back.model_dump_json() != dumped:
            outcome.problems.append("JSON round trip changed the JSON")
    except Exception as exc:
        outcome.problems.append(f"record does not round-trip: {type(exc).__name__}: {exc}")
    return outcome
