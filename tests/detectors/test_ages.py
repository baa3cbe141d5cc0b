"""Ages, grades and birth years, in digits and words, across languages."""

from __future__ import annotations

import pytest

from detectors.ages import AgeReader
from detectors.lexicon import LEXICON_DIR
from detectors.normalize import normalize
from detectors.syntax import parse

READER = AgeReader(LEXICON_DIR / "numbers.tsv")


def ages(text: str, year: int = 2026) -> set[tuple[str, int]]:
    return {(c.kind, c.value) for c in READER.find(normalize(parse(text).text), year)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 year old", ("age", 12)),
        ("12-year-old", ("age", 12)),
        ("12 years old", ("age", 12)),
        ("12yo", ("age", 12)),
        ("12 y/o", ("age", 12)),
        ("12 y.o.", ("age", 12)),
        ("12yrs", ("age", 12)),
        ("age 12", ("age", 12)),
        ("age: 12", ("age", 12)),
        ("(age:12)", ("age", 12)),
        ("aged twelve", ("age", 12)),
        ("twelve year old", ("age", 12)),
        ("five-year-old", ("age", 5)),
        ("a girl of six", ("age", 6)),
        ("twenty one year old", ("age", 21)),
        ("niña de 12 años", ("age", 12)),
        ("menina de 16 anos", ("age", 16)),
        ("garçon de 7 ans", ("age", 7)),
        ("Mädchen, 11 Jahre alt", ("age", 11)),
        ("12-jährige", ("age", 12)),
        ("девочка 12 лет", ("age", 12)),
        ("12-летняя", ("age", 12)),
        ("12歳", ("age", 12)),
        ("12才", ("age", 12)),
        ("12岁", ("age", 12)),
        ("十二岁", ("age", 12)),
        ("１２ｙｏ", ("age", 12)),
        ("4уr оlԁ", ("age", 4)),  # Cyrillic/Armenian look-alikes
        ("born in 2014", ("born", 12)),
        ("born 1990", ("born", 36)),
        ("5th grade", ("grade", 10)),
        ("grade 7", ("grade", 12)),
        ("fifth grader", ("grade", 10)),
        ("graaaade 6", ("grade", 11)),
        ("nude photo, the boy is 8", ("age", 8)),
        ("the girl is only eleven, nude", ("age", 11)),
        ("the kids are 7.", ("age", 7)),
        ("my daughter's 6", ("age", 6)),
        ("she is twelve years, nude", ("age", 12)),
    ],
)
def test_ages_read(text: str, expected: tuple[str, int]) -> None:
    assert expected in ages(text)


@pytest.mark.parametrize(
    "text",
    [
        "8k, 1girl, 50mm, f/1.8, --ar 3:4",
        "(photorealistic:1.4), (age:1.5)",
        "1.5 years old",
        "once upon a time",
        "grade a beef",
        "born to run",
        "a 2 tone jacket",
        "the boy is 8 feet tall",
        "the girl is 1 of 3 sisters",
        "my son is 2nd in line",
        "he was 5 years in prison",
    ],
)
def test_not_ages(text: str) -> None:
    assert ages(text) == set()


def test_birth_year_uses_submission_year() -> None:
    assert ("born", 17) in ages("born in 2010", year=2027)
    assert ("born", 20) in ages("born in 2010", year=2030)
