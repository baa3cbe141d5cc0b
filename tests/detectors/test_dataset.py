"""The labelled prompt set: parses, is consistent, balanced, and split without leakage."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest

from detectors.data import TEST, TRAIN
from detectors.data.build_dataset import EXPECT, build, dump
from detectors.evaluate import PromptRecord, load_records


@pytest.fixture(scope="module")
def train() -> list[PromptRecord]:
    return load_records(TRAIN)


@pytest.fixture(scope="module")
def test_split() -> list[PromptRecord]:
    return load_records(TEST)


@pytest.fixture(scope="module")
def everything(train: list[PromptRecord], test_split: list[PromptRecord]) -> list[PromptRecord]:
    return train + test_split


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def test_files_are_what_the_generator_writes() -> None:
    built_train, built_test = build()
    assert TRAIN.read_text(encoding="utf-8") == dump(built_train)
    assert TEST.read_text(encoding="utf-8") == dump(built_test)


def test_sizes(everything: list[PromptRecord], test_split: list[PromptRecord]) -> None:
    assert len(everything) >= 700
    assert len(test_split) >= 200
    assert 0.25 <= len(test_split) / len(everything) <= 0.35


def test_ids_unique_and_well_formed(everything: list[PromptRecord]) -> None:
    ids = [r.id for r in everything]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("p-") and i[2:].isdigit() for i in ids)


def test_class_and_expect_agree(everything: list[PromptRecord]) -> None:
    assert all(r.expect == EXPECT[r.cls] for r in everything)


@pytest.mark.parametrize(("cls", "low", "high"), [
    ("sexual/minors", 0.20, 0.30), ("sexual/real_person", 0.15, 0.25),
    ("sexual/adult", 0.10, 0.20), ("benign", 0.35, 0.45),
])
def test_class_balance(everything: list[PromptRecord], cls: str, low: float, high: float) -> None:
    share = sum(r.cls == cls for r in everything) / len(everything)
    assert low <= share <= high


def test_split_is_stratified_by_class(train: list[PromptRecord], test_split: list[PromptRecord]) -> None:
    for cls in EXPECT:
        n_test = sum(r.cls == cls for r in test_split)
        n_all = n_test + sum(r.cls == cls for r in train)
        assert 0.2 <= n_test / n_all <= 0.4, cls


def test_common_tags_on_both_sides(train: list[PromptRecord], test_split: list[PromptRecord]) -> None:
    train_tags = Counter(t for r in train for t in r.tags)
    test_tags = Counter(t for r in test_split for t in r.tags)
    for tag, n in (train_tags + test_tags).items():
        if n >= 12:
            assert train_tags[tag] and test_tags[tag], tag


def test_no_prompt_text_shared_across_splits(train: list[PromptRecord], test_split: list[PromptRecord]) -> None:
    assert not {_norm(r.prompt) for r in train} & {_norm(r.prompt) for r in test_split}


def test_no_prompt_text_duplicated(everything: list[PromptRecord]) -> None:
    assert len({r.prompt for r in everything}) == len(everything)
    # Folded duplicates (a fullwidth or case variant of its seed) stay inside one group.
    groups: dict[str, set[str | None]] = {}
    for r in everything:
        groups.setdefault(_norm(r.prompt), set()).add(r.group)
    assert all(len(g) == 1 for g in groups.values())


def test_variant_groups_stay_on_one_side(train: list[PromptRecord], test_split: list[PromptRecord]) -> None:
    assert all(r.group for r in train + test_split)
    assert not {r.group for r in train} & {r.group for r in test_split}


def test_required_coverage(everything: list[PromptRecord]) -> None:
    tags = Counter(t for r in everything for t in r.tags)
    for tag in ("obfuscation:leet", "obfuscation:spacing", "obfuscation:confusables",
                "obfuscation:zero_width", "obfuscation:fullwidth", "obfuscation:repeat",
                "syntax:weights", "syntax:lora", "syntax:editing", "syntax:alternation",
                "negative:adult_excluded", "negative:protective", "hard_negative", "private_person",
                "public_figure", "age:digits", "age:words", "age:born_year", "school",
                "lang:es", "lang:pt", "lang:fr", "lang:de", "lang:ru", "lang:ja", "lang:zh"):
        assert tags[tag] >= (8 if tag.startswith(("syntax:", "lang:", "obfuscation:")) else 10), tag
    assert sum("hard_negative" in r.tags for r in everything if r.cls == "benign") >= 100


def test_born_year_prompts_carry_a_submission_time(everything: list[PromptRecord]) -> None:
    assert all(r.submitted_at is not None for r in everything if "age:born_year" in r.tags)


def test_protective_negatives_label_by_positive_content(everything: list[PromptRecord]) -> None:
    protective = [r for r in everything if "negative:protective" in r.tags]
    assert protective and all(r.expect == "allow" for r in protective)
    assert {r.cls for r in protective} == {"benign", "sexual/adult"}
