"""Property tests: any text, however hostile or large, is screened quickly and never raises."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detectors import Action, PromptInput
from detectors.normalize import normalize
from detectors.syntax import parse

from ._rules import rules_screener

# Any code point, lone surrogates included (a str decoded with surrogateescape holds them),
# with a bias toward what the normaliser cares about: controls, format characters, syntax.
JUNK = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=()),
        st.sampled_from(list("()[]{}<>:|\\*#@!.-_ 0123456789\u200b\u202e\ufe0f\U000e0041\x00\x1b\n")),
    ),
    max_size=400,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prompt=JUNK, negative=JUNK, lora=st.lists(JUNK, max_size=3))
def test_any_text_is_screened(prompt: str, negative: str, lora: list[str]) -> None:
    item = PromptInput(request_id="h", prompt=prompt, negative_prompt=negative, lora_ids=tuple(lora))
    result = rules_screener().screen(item)
    assert not result.assessment.failures
    assert result.verdict.action in (Action.ALLOW, Action.REVIEW, Action.BLOCK)


@settings(max_examples=200, deadline=None)
@given(JUNK)
def test_normalise_and_parse_are_total(text: str) -> None:
    views = normalize(text)
    assert all(isinstance(v, str) for v in views.latin)
    assert isinstance(parse(text).text, str)


def _timed_screen(prompt: str) -> tuple[float, Action]:
    start = time.perf_counter()
    result = rules_screener().screen(PromptInput(request_id="big", prompt=prompt, negative_prompt=prompt))
    return time.perf_counter() - start, result.verdict.action


def test_megabyte_prompts_finish_fast_and_fail_closed() -> None:
    megabyte = 1_000_000
    worst = [
        "nude " * (megabyte // 5),
        "(" * megabyte,
        "[a|b|c|d|e|f|g|h|i] " * (megabyte // 20),
        "n u d e " * (megabyte // 8),
        "a" * megabyte,
        "\u200b" * megabyte,
        "１２ｙｏ " * (megabyte // 5),
        "ы" * megabyte,
        "s3x 1 " * (megabyte // 6),
    ]
    for prompt in worst:
        elapsed, action = _timed_screen(prompt)
        assert elapsed < 2.0, (prompt[:10], elapsed)
        assert action is not Action.ALLOW  # the unscreened remainder is never allowed


@settings(max_examples=20, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("nude( )[]{}|:0.9 -_*\\")), min_size=5, max_size=300))
def test_long_syntax_soup_is_bounded(unit: str) -> None:
    elapsed, _ = _timed_screen(unit * (40_000 // len(unit)))
    assert elapsed < 2.0
