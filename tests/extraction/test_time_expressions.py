import pytest

from caserecord import CaseTime, PartialDate, Phase
from caserecord.extraction._document import Document
from caserecord.extraction.time import TimeContext, find_times


@pytest.mark.parametrize(
    ("text", "quote", "relation", "value", "unit"),
    [
        ("the fall happened six weeks ago", "six weeks ago", "before_now", 6, "week"),
        (
            "symptoms began about two years earlier",
            "about two years earlier",
            "before_now",
            2,
            "year",
        ),
        ("a three-day history of eye pain", "three-day history", "duration", 3, "day"),
        (
            "by the second month post-injection she could read",
            "by the second month",
            "after_day0",
            2,
            "month",
        ),
        ("in the fourth week he walked", "in the fourth week", "after_day0", 4, "week"),
        ("10 days after the infusion", "10 days after the infusion", "after_day0", 10, "day"),
        (
            "at the 12-month follow-up visit",
            "at the 12-month follow-up",
            "after_day0",
            12,
            "month",
        ),
        ("on postoperative day 7", "on postoperative day 7", "after_day0", 7, "day"),
        ("by day ten the pain was gone", "by day ten", "after_day0", 10, "day"),
        ("three weeks later it recurred", "three weeks later", "after_previous", 3, "week"),
        ("within a couple of days", "within a couple of days", "after_day0", 2, "day"),
        ("after a 21-day course of therapy", "21-day course", "after_day0", 21, "day"),
        ("The next day she had a fever", "The next day", "after_previous", 1, "day"),
        (
            "on the following morning he vomited",
            "on the following morning",
            "after_previous",
            1,
            "day",
        ),
        ("the following week she could read", "the following week", "after_previous", 1, "week"),
        ("later that evening it settled", "later that evening", "after_previous", 0, "day"),
        ("the night after the infusion", "the night after the infusion", "after_day0", 1, "day"),
        (
            "on the day of the lumbar puncture",
            "on the day of the lumbar puncture",
            "after_day0",
            0,
            "day",
        ),
        (
            "At my three-month check it was clearer",
            "At my three-month check",
            "after_day0",
            3,
            "month",
        ),
        ("at her 6-month appointments", "at her 6-month appointments", "after_day0", 6, "month"),
        ("1 month: VA 0.1 in the right eye", "1 month:", "after_day0", 1, "month"),
        ("Three months post-op - walking", "Three months post-op - ", "after_day0", 3, "month"),
        ("Week 2: mild headache", "Week 2:", "after_day0", 2, "week"),
        (
            "eighteen months prior to the injection",
            "eighteen months prior",
            "before_now",
            18,
            "month",
        ),
    ],
)
def test_offsets(text: str, quote: str, relation: str, value: float, unit: str) -> None:
    mentions = find_times(text, 100)
    assert len(mentions) >= 1
    first = mentions[0]
    assert text[first.start - 100 : first.end - 100] == quote
    assert (first.relation, first.value, first.unit.value if first.unit else None) == (
        relation,
        value,
        unit,
    )


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("seen again on 3 February 2020", "2020-02-03"),
        ("in October, 2018 she", "2018-10"),
        ("since 2015", "2015"),
        ("on 2021-06-30", "2021-06-30"),
        ("on Sept. 4, 2019", "2019-09-04"),
    ],
)
def test_dates(text: str, iso: str) -> None:
    mentions = [m for m in find_times(text) if m.relation == "date"]
    assert [str(m.date) for m in mentions] == [iso]


@pytest.mark.parametrize(
    ("text", "phase"),
    [
        ("Before treatment her vision was poor", Phase.BASELINE),
        ("At presentation he had pain", Phase.BASELINE),
        ("At discharge she could sit", Phase.DISCHARGE),
        ("at the last follow-up he was stable", Phase.FOLLOW_UP),
    ],
)
def test_phases(text: str, phase: Phase) -> None:
    assert [m.phase for m in find_times(text) if m.relation == "phase"] == [phase]


def test_no_time_in_plain_text() -> None:
    assert find_times("The optic disc was pale and the vessels were normal.") == []


STORY = """Ms. Rivera lost her sight in the left eye two years ago. Her vision was poor.
In March 2021 she received stem cells.
By the second month she could count fingers. Three weeks later she read large print.
Her fields are now normal.
In January 2022 she was seen again."""


def placed(doc: Document, context: TimeContext, words: str) -> CaseTime:
    sentence = next(s for s in doc.sentences if words in s.text)
    return context.place(sentence, sentence.start + sentence.text.index(words)).time


def test_context_places_each_sentence() -> None:
    doc = Document.parse(STORY)
    day0 = next(s.index for s in doc.sentences if "received" in s.text)
    context = TimeContext(doc, day0, PartialDate.parse("2021-03"))
    assert placed(doc, context, "vision was poor") == CaseTime.baseline()
    assert placed(doc, context, "count fingers").value == 2
    late = placed(doc, context, "read large print")
    assert late.approx_days == pytest.approx(2 * 30.4375 + 21, abs=1)
    assert placed(doc, context, "fields are now").approx_days == late.approx_days
    january = placed(doc, context, "seen again")
    assert (january.value, january.unit.value if january.unit else None) == (10, "month")


def test_context_without_intervention_is_baseline() -> None:
    doc = Document.parse("The pupils were equal. Vision was 20/20.")
    context = TimeContext(doc, None, None)
    assert placed(doc, context, "Vision") == CaseTime.baseline()


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("At three months the fields were full", 3, "month"),
        ("by six months she read the paper", 6, "month"),
        ("at 1 year his acuity was stable", 1, "year"),
        ("At 12 weeks the dose was lower", 12, "week"),
    ],
)
def test_cardinal_follow_up_times(text: str, value: float, unit: str) -> None:
    mention = find_times(text)[0]
    assert (mention.relation, mention.value, mention.unit.value if mention.unit else None) == (
        "after_day0",
        value,
        unit,
    )


@pytest.mark.parametrize(
    "text",
    [
        "she was born at 31 weeks gestation",
        "at 5 months old he rolled over",
        "by 2 years of age she walked",
    ],
)
def test_ages_are_not_follow_up_times(text: str) -> None:
    assert [m for m in find_times(text) if m.relation == "after_day0"] == []


def test_without_day0_only_treatment_bound_times_carry() -> None:
    doc = Document.parse(
        "He fell two hours after the storm. Vision was 20/40. "
        "At the 6-month follow-up it was 20/30. Fields were full."
    )
    context = TimeContext(doc, None, None)
    assert placed(doc, context, "Vision was") == CaseTime.baseline()
    assert placed(doc, context, "Fields were").value == 6


def test_on_the_left_is_an_eye() -> None:
    from caserecord.extraction.eyes import find_eyes

    assert [e.laterality for e in find_eyes("138 ms on the left and 102 ms on the right")] == [
        "left",
        "right",
    ]


@pytest.mark.parametrize(
    ("text", "is_baseline"),
    [
        ("acuity before the procedure was 20/60", True),
        ("prior to his first infusion he could not walk", True),
        ("before the stem cell injections she was blind", True),
        ("before the 2nd round of treatment he could sit", False),
        ("before the next course she walked", False),
    ],
)
def test_before_any_treatment_word_is_baseline(text: str, is_baseline: bool) -> None:
    phases = [m.phase for m in find_times(text) if m.relation == "phase"]
    assert (phases == [Phase.BASELINE]) is is_baseline


def test_later_after_day0_keeps_its_unit() -> None:
    doc = Document.parse("She received the cells. Ten weeks later she could roll over.")
    context = TimeContext(doc, 0, None)
    time = placed(doc, context, "roll over")
    assert (time.value, time.unit.value if time.unit else None) == (10, "week")


@pytest.mark.parametrize(
    "text",
    [
        "She said that night vision was better.",
        "Over the next few days nothing changed.",
        "During the following months she improved steadily.",
        "That is the day of reckoning.",
        "The 1 month: dose",  # a list time opens its item
        "Age: 5 months",
    ],
)
def test_day_words_that_are_no_time(text: str) -> None:
    assert [m.rule for m in find_times(text)] == []


@pytest.mark.parametrize(
    ("story", "phrase", "value", "unit"),
    [
        # "the next day" counts from the injection; a later "ten weeks later" is
        # still week 10 (a day is below the precision of weeks) ...
        (
            "He was injected in May. The next day he had a headache. "
            "Ten weeks later he could read large print.",
            "read large print",
            10,
            "week",
        ),
        ("He was injected. The next day he had a headache.", "headache", 1, "day"),
        # ... but a month counted on from day 45 is not rounded away.
        (
            "He was injected. On day 45 he walked. Two months later he ran.",
            "he ran",
            106,  # 45 days and two months of 30.44 days
            "day",
        ),
    ],
)
def test_relative_days_carry_on_the_timeline(
    story: str, phrase: str, value: float, unit: str
) -> None:
    doc = Document.parse(story)
    time = placed(doc, TimeContext(doc, 0, None), phrase)
    assert (time.value, time.unit.value if time.unit else None) == (value, unit)
