import pytest

from caserecord.extraction.eyes import eye_near, find_eyes


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        ("20/40 OD, 20/60 OS, normal OU", ["right", "left", "both"]),
        ("in the right eye and the left eye", ["right", "left"]),
        ("both eyes were swollen", ["both"]),
        ("it was bilateral", ["both"]),
        ("the os and od of the text", []),
        ("his right knee hurt", []),
    ],
)
def test_find_eyes(text: str, sides: list[str]) -> None:
    assert [e.laterality for e in find_eyes(text)] == sides


def test_value_takes_following_eye_only_across_small_words() -> None:
    text = "acuity in the right eye was 0.5 and in the left eye 0.7"
    eyes = find_eyes(text)
    first = text.index("0.5")
    assert eye_near(text, eyes, first, first + 3, clause=(0, len(text))).laterality == "right"
    second = text.index("0.7")
    assert eye_near(text, eyes, second, second + 3, clause=(0, len(text))).laterality == "left"


def test_parenthetical_between_value_and_eye() -> None:
    text = "20/50 (63 letters) OS"
    eyes = find_eyes(text)
    assert eye_near(text, eyes, 0, 5, clause=(0, len(text))).laterality == "left"


def test_eye_sides_stop_once_the_story_names_both() -> None:
    from caserecord.extraction.eyes import eye_sides

    assert eye_sides("Vision in the left improved; the right eye did not.") == {"left", "right"}
    assert eye_sides("OU 20/40") == {"both"}
    assert eye_sides("His left knee hurt.") == set()


def test_may_name_eye_is_a_superset_of_find_eyes() -> None:
    from caserecord.extraction.eyes import find_eyes, may_name_eye

    texts = [
        "Acuity 20/40 OD.",
        "Both eyes were dry.",
        "She walked better.",
        "The LEFT EYE improved.",
        "Vision: bilateral loss.",
        "Nothing about sight here.",
    ]
    for text in texts:
        if find_eyes(text):
            assert may_name_eye(text), text
    assert not may_name_eye("She walked better.")
    assert may_name_eye("the fellow eye", ["fellow eye"])
