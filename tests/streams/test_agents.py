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
from schemas.models import DeadLetter, EnforcementAction, ModerationAction, ModerationDecision, RiskScored
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
              **settings: object) -> list[tuple[str, BaseModel]]:
    sent: list[tuple[str, BaseModel]] = []

    async def capture(topic: topics.TopicDef, event: BaseModel) -> None:
        sent.append((topic.name, event))

    async def feed() -> None:
        s = Settings(data_dir=tmp_path, **settings)
        app = create_app(s)
        build(app, s, screener or PromptScreener.default(), Metrics(), sink=capture)
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


def test_enforce_decisions_turns_blocks_into_block_generation(tmp_path: Path) -> None:
    bad = prompt("nude 12 year old girl", mature=True)
    screened = run_agent(tmp_path, "screen_prompts", [encode(bad)])
    decision = next(e for _, e in screened if isinstance(e, ModerationDecision))
    sent = run_agent(tmp_path, "enforce_decisions", [encode(decision), encode(decision), b"\x01junk"])
    actions = [e for _, e in sent if isinstance(e, EnforcementAction)]
    assert len(actions) == 2 and actions[0].action_id == actions[1].action_id  # redelivery: same id
    assert actions[0].action.value == "block_generation"
    assert [e.error_type for _, e in sent if isinstance(e, DeadLetter)] == ["MalformedMessage"]


@pytest.mark.parametrize("action", ["allow", "review"])
def test_no_enforcement_for_non_blocks(tmp_path: Path, action: str) -> None:
    item = prompt("a lighthouse at dusk")
    decision = next(e for _, e in run_agent(tmp_path, "screen_prompts", [encode(item)]) if isinstance(e, ModerationDecision))
    decision = decision.model_copy(update={"action": ModerationAction(action)})
    assert run_agent(tmp_path, "enforce_decisions", [encode(decision)]) == []
