"""Stable Diffusion prompt syntax read as plain text: every branch, every network name."""

from __future__ import annotations

import pytest

from detectors.syntax import parse

CASES = [
    ("weights", "(nude:1.3), ((girl)), [blur]", ["nude 1.3", "girl", "blur"]),
    ("age as weight", "(age:12)", ["age 12"]),
    ("escaped parens", r"\(nude\) art", ["(nude) art"]),
    ("editing from to", "[child:woman:0.9], nude", ["child , nude", "woman , nude"]),
    ("editing to only", "[nude:0.4] portrait", ["nude portrait"]),
    ("editing from only", "[nude::0.4] portrait", ["nude portrait"]),
    ("alternation", "[nude|clothed] girl", ["nude girl", "clothed girl"]),
    ("dynamic prompts", "{2$$red|blue|nude} car", ["red car", "blue car", "nude car"]),
    ("nested", "((a [b|c]:1.2))", ["a b 1.2", "a c 1.2"]),
    ("break and and", "cat BREAK nude AND dog", ["cat , nude , dog"]),
    ("unbalanced", "nude ]] (( girl", ["nude girl"]),
    ("colon outside groups", "--ar 3:4", ["--ar 3:4"]),
]


@pytest.mark.parametrize(("name", "prompt", "lines"), CASES, ids=[c[0] for c in CASES])
def test_branches_are_plain_text(name: str, prompt: str, lines: list[str]) -> None:
    rendered = [" ".join(line.split()) for line in parse(prompt).text.split("\n")]
    for expected in lines:
        assert any(expected in r for r in rendered), (name, rendered)


@pytest.mark.parametrize(
    ("prompt", "networks"),
    [
        ("<lora:loli_v3:0.8> a girl", ("loli_v3",)),
        ("<lyco:nsfw pose:1> <hypernet:x:0.5>", ("nsfw pose", "x")),
        ("<lora:plain>", ("plain",)),
        ("embedding:easyneg, (embedding:kid_face:1.2)", ("easyneg", "kid_face")),
        ("a <broken tag", ()),
    ],
)
def test_network_names_are_text(prompt: str, networks: tuple[str, ...]) -> None:
    assert parse(prompt).networks == networks


def test_network_tags_leave_the_prompt() -> None:
    assert "lora" not in parse("<lora:x:1> cat").text


def test_many_choices_are_all_read() -> None:
    options = "|".join(f"w{i}" for i in range(20))
    text = parse(f"[{options}] end").text
    assert all(f"w{i}" in text for i in range(20))


def test_deep_nesting_does_not_recurse_forever() -> None:
    assert "deep" in parse("(" * 5000 + "deep" + ")" * 5000).text
