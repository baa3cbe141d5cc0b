"""Lexicon files: format errors name file and line; matching honours word boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors.errors import LexiconError
from detectors.lexicon import LEXICON_DIR, load_lexicon
from detectors.normalize import normalize
from schemas.errors import DetectorError

SECTIONS = frozenset({"hit", "weak"})


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "test_lexicon.txt"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("[hit]\nword\n", 1, "version"),
        ("version: 2026.11.1\nword\n", 2, "before any [section]"),
        ("version: 2026.11.1\n[nope]\n", 2, "unknown section"),
        ("version: 2026.11.1\n[hit]\nword\n\n# c\nword\n", 6, "duplicate term 'word' (first on line 3)"),
        ("version: 2026.11.1\n[hit]\nred {missing}\n", 3, "undefined slot"),
        ("version: 2026.11.1\n@x = a | | b\n", 2, "empty word"),
        ("version: 2026.11.1\n[hit]\n" + "x" * 60 + "\n", 3, "characters"),
        ("version: 2026.11.1\n[hit]\nbad\ttab\n", 3, "control"),
        ("# only a comment\n", 1, "no 'version"),
    ],
)
def test_bad_lines_fail_naming_file_and_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    with pytest.raises(LexiconError) as err:
        load_lexicon(write(tmp_path, body), SECTIONS)
    assert str(err.value).startswith(f"test_lexicon.txt:{line}: ")
    assert message in str(err.value)
    assert isinstance(err.value, DetectorError)


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "test_lexicon.txt"
    path.write_bytes(b"version: 2026.11.1\n\xff\xfe")
    with pytest.raises(LexiconError, match="cannot read"):
        load_lexicon(path, SECTIONS)


@pytest.fixture(scope="module")
def lexicon(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    body = """version: 2026.11.1
@tone = colour | lipstick
[hit]
ass
nude
porn*
no clothes
18+
=niña
голая
ロリ
[weak]
school uniform
[safe]
nude {tone}
カロリ
"""
    return load_lexicon(write(tmp_path_factory.mktemp("lex"), body), SECTIONS)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("class, passage, bass", []),  # scunthorpe: no match inside words
        ("kick ass", ["ass"]),
        ("nudes", ["nude"]),  # plural
        ("nudist", []),  # not a plural, another word
        ("pornographic", ["porn"]),  # stem
        ("no clothes", ["no clothes"]),
        ("18+ only", ["18+"]),
        ("a 180+ b", []),
        ("nude lipstick", []),  # safe phrase hides the term inside it
        ("nude, lipstick", ["nude"]),
        ("niña", ["niña"]),
        ("nina simone", []),  # exact: diacritic required
        ("голая", ["голая"]),
        ("голая-то", ["голая"]),
        ("вголая", []),  # Cyrillic needs a word boundary
        ("ロリ絵", ["ロリ"]),  # Japanese needs none
        ("カロリー", []),  # but "calorie" is a safe phrase
        ("p*rn", ["porn"]),  # masked variant
        ("3xp p0rn", ["porn"]),  # leet view
        ("school uniform", ["school uniform"]),
    ],
)
def test_matching(lexicon, text: str, terms: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert sorted(m.term for m in lexicon.find(normalize(text))) == sorted(terms)


@pytest.mark.parametrize(
    ("name", "sections"),
    [
        ("sexual.txt", {"explicit", "sexualised", "suggestive", "attire"}),
        ("minors.txt", {"strong", "weak", "noun", "adult"}),
        ("negative_adult.txt", {"strong", "medium", "weak"}),
    ],
)
def test_shipped_lexicons_load(name: str, sections: set[str]) -> None:
    lexicon = load_lexicon(LEXICON_DIR / name, frozenset(sections))
    assert lexicon.version.startswith("20")
    assert all(lexicon.sections[s] for s in sections)
