"""Property tests the schema and detector suites leave open: the worker's whole pure path.

tests/schemas covers arbitrary and damaged bytes through ``decode``; tests/detectors covers
arbitrary text through the rule detectors alone. Here: the *default* chain (every registered
detector, real-person names included) on hostile text, and any valid PromptSubmitted through
what ``screen_prompts`` does to it (decode, screen, build risk / decision / signal /
enforcement, encode each), so a prompt the model accepts can never make an output that fails
to encode and end up dead-lettered instead of decided.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detectors import Action, PromptInput, PromptScreener
from detectors.fingerprint import content_hash, fingerprint
from schemas import decode, encode
from schemas.models import DeadLetter, PromptSubmitted
from streams import events
from tests.detectors.test_properties import JUNK

BOUND_S = 2.0  # per prompt; the worker screens hundreds per second
# What a client can put on the wire: any code point UTF-8 can carry (no lone surrogates).
WIRE_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=600)
IDS = st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80)


@cache
def screener() -> PromptScreener:
    return PromptScreener.default()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prompt=JUNK, negative=JUNK, model=JUNK, lora=st.lists(JUNK, max_size=4))
def test_the_default_chain_screens_any_text_without_failures(
    prompt: str, negative: str, model: str, lora: list[str],
) -> None:
    item = PromptInput(request_id="h", prompt=prompt, negative_prompt=negative, model_id=model, lora_ids=tuple(lora))
    start = time.perf_counter()
    result = screener().screen(item)
    assert time.perf_counter() - start < BOUND_S
    assert not result.assessment.failures, result.assessment.failures
    assert result.verdict.action in (Action.ALLOW, Action.REVIEW, Action.BLOCK)


prompts = st.builds(
    PromptSubmitted,
    event_id=IDS, request_id=IDS, user_id=IDS, model_id=IDS,
    lora_ids=st.lists(WIRE_TEXT, max_size=5).map(tuple), embedding_ids=st.lists(WIRE_TEXT, max_size=3).map(tuple),
    prompt=WIRE_TEXT, negative_prompt=WIRE_TEXT, mature_content_allowed=st.booleans(),
    submitted_at=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prompt=prompts)
def test_any_valid_prompt_is_decided_and_every_output_encodes(prompt: PromptSubmitted) -> None:
    start = time.perf_counter()
    received = decode(encode(prompt), PromptSubmitted)
    assert received == prompt
    item = events.prompt_input(received)
    (screening,) = screener().screen_batch([item])
    risk = events.risk_scored(received, screening)
    decision = events.moderation_decision(received, screening, risk.event_id,
                                          content_hash=content_hash(item), fingerprint=fingerprint(item))
    outputs = [risk, decision, events.user_signal(received, decision, risk), events.enforcement_for(decision)]
    for event in filter(None, outputs):
        assert decode(encode(event)) == event
    assert decision.decision_id == events.stable_id("decision", prompt.event_id, decision.policy_version)
    assert time.perf_counter() - start < BOUND_S


@settings(max_examples=150, deadline=None)
@given(payload=st.binary(max_size=2048), message=st.text(max_size=3000), key=st.none() | st.binary(max_size=64),
       offset=st.integers(-1, 2**62))
def test_any_failure_makes_a_dead_letter_that_encodes(
    payload: bytes, message: str, key: bytes | None, offset: int,
) -> None:
    error = ValueError(message.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
    record = events.dead_letter(stage="screen_prompts", error=error, topic="prompts.submitted", partition=0,
                                offset=offset, key=key, payload=payload, max_payload=1024)
    back = decode(encode(record), DeadLetter)
    assert back.payload == payload[:1024] and back.source_key == key and len(back.error) <= 2000


def test_megabyte_prompts_through_the_default_chain_finish_in_bounded_time() -> None:
    for text in ("nude " * 200_000, "Taylor Swift " * 80_000, "ы" * 1_000_000, "(" * 1_000_000):
        item = PromptInput(request_id="big", prompt=text, negative_prompt=text)
        start = time.perf_counter()
        result = screener().screen(item)
        assert time.perf_counter() - start < 3 * BOUND_S, text[:12]
        assert result.verdict.action is not Action.ALLOW  # the unscreened remainder is never allowed
