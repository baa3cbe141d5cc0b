"""Agents without a broker: faust's test_context feeds them, a sink captures what they send."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import BaseModel

from detectors import PromptScreener
from detectors.base import PromptInput
from ops.metrics import Metrics
from ops.settings import Settings
from schemas import encode
from schemas.models import DeadLetter, EnforcementAction, ModerationDecision, RiskScored
from streams import topics
from streams.agents import build
from streams.app import create_app
from tests.streams.test_pipeline_broker import prompt


class BrokenScreener:
    """A chain whose every call raises: the worker must hold prompts for review, not allow them."""

    policy = PromptScreener.default().policy

    def screen_batch(self, items: list[PromptInput]) -> list[object]:
        raise RuntimeError("model file vanished")


def run_agent(tmp_path: Path, agent_name: str, values: list[bytes], screener: object | None = None,
              metrics: Metrics | None = None, **settings: object) -> list[tuple[str, BaseModel]]:
    sent: list[tuple[str, BaseModel]] = []

    async def capture(topic: topics.TopicDef, event: BaseModel) -> None:
        sent.append((topic.name, event))

    async def feed() -> None:
        s = Settings(data_dir=tmp_path, **settings)
        app = create_app(s)
        build(app, s, screener or PromptScreener.default(), metrics or Metrics(), sink=capture)
        async with app.agents[agent_name].test_context() as agent:
            for value in values:
                await agent.put(value=value, key=b"k")
            await asyncio.sleep(0.05)  # let the take() window flush

    asyncio.run(feed())
    return sent


def test_screen_prompts_decides_and_dead_letters_in_order_of_need(tmp_path: Path) -> None:
    bad, good = prompt("nude 12 year old girl", mature=True), prompt("a lighthouse at dusk")
    sent = run_agent(tmp_path, "screen_prompts", [encode(bad), b"junk", encode(good)])
    by_topic: dict[str, list[BaseModel]] = {}
    for name, event in sent:
        by_topic.setdefault(name, []).append(event)
    decisions = {d.request_id: d for d in by_topic["moderation.decisions"] if isinstance(d, ModerationDecision)}
    assert decisions[bad.request_id].action.value == "block"
    assert decisions[good.request_id].action.value == "allow"
    assert len(by_topic["risk.scores"]) == 2 and all(isinstance(r, RiskScored) for r in by_topic["risk.scores"])
    (dead,) = by_topic["deadletter"]
    assert isinstance(dead, DeadLetter) and dead.payload == b"junk" and dead.error_type == "MalformedMessage"


def test_a_broken_screener_yields_fail_closed_reviews_never_allow(tmp_path: Path) -> None:
    item = prompt("a lighthouse at dusk")
    sent = run_agent(tmp_path, "screen_prompts", [encode(item)], screener=BrokenScreener())
    (decision,) = [e for _, e in sent if isinstance(e, ModerationDecision)]
    assert decision.action.value == "review"
    assert any("RuntimeError" in r for r in decision.reasons)


def test_oversized_prompt_is_blocked_and_dead_lettered(tmp_path: Path) -> None:
    item = prompt("x" * 200)
    sent = run_agent(tmp_path, "screen_prompts", [encode(item)], max_prompt_chars=100)
    kinds = {name: event for name, event in sent}
    assert kinds["moderation.decisions"].action.value == "block"
    assert kinds["deadletter"].error_type == "OversizedInput"


def test_a_block_comes_with_block_generation_from_the_same_agent(tmp_path: Path) -> None:
    bad = prompt("nude 12 year old girl", mature=True)
    sent = run_agent(tmp_path, "screen_prompts", [encode(bad), encode(bad)])  # the second: a redelivery
    decisions = [e for _, e in sent if isinstance(e, ModerationDecision)]
    actions = [e for name, e in sent if name == "enforcement.actions"]
    assert len(actions) == 2 and actions[0].action_id == actions[1].action_id  # redelivery: same id
    assert all(isinstance(a, EnforcementAction) for a in actions)
    assert actions[0].action.value == "block_generation"
    assert list(actions[0].cause_decision_ids) == [decisions[0].decision_id] and actions[0].request_id == bad.request_id
    # Enforcement is told no later than anyone else: the action follows its decision directly.
    names = [name for name, _ in sent]
    assert names.index("enforcement.actions") == names.index("moderation.decisions") + 1
    assert decisions[0].fingerprint is not None  # blocks keep their SimHash for probing


@pytest.mark.parametrize("text, action", [("a lighthouse at dusk", "allow"), ("a nude woman, photo", "allow")])
def test_no_enforcement_and_no_fingerprint_for_allowed_prompts(tmp_path: Path, text: str, action: str) -> None:
    sent = run_agent(tmp_path, "screen_prompts", [encode(prompt(text, mature=True))])
    (decision,) = [e for _, e in sent if isinstance(e, ModerationDecision)]
    assert decision.action.value == action
    assert decision.fingerprint is None and decision.content_hash is not None
    assert [name for name, _ in sent if name == "enforcement.actions"] == []


def test_no_enforcement_for_a_review(tmp_path: Path) -> None:
    sent = run_agent(tmp_path, "screen_prompts", [encode(prompt("a lighthouse at dusk"))], screener=BrokenScreener())
    (decision,) = [e for _, e in sent if isinstance(e, ModerationDecision)]
    assert decision.action.value == "review" and decision.fingerprint is not None
    assert [name for name, _ in sent if name == "enforcement.actions"] == []


def test_decision_latency_is_measured_from_the_record_timestamp(tmp_path: Path) -> None:
    metrics = Metrics()
    run_agent(tmp_path, "screen_prompts", [encode(prompt(t)) for t in ("a lighthouse at dusk", "a red bicycle")],
              metrics=metrics)
    for name in ("modstream_prompt_queued_seconds", "modstream_prompt_decided_seconds"):
        count = metrics.registry.get_sample_value(f"{name}_count")
        total = metrics.registry.get_sample_value(f"{name}_sum")
        assert count == 2 and total is not None and 0 <= total < 5
