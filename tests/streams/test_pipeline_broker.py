"""The whole prompt chain on the real embedded broker, through the public client API."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from ops.broker import EmbeddedBroker
from schemas import encode
from schemas.models import (
    DeadLetter,
    EnforcementAction,
    ModerationDecision,
    PromptSubmitted,
    RiskScored,
)
from streams import topics
from streams.client import DecisionSubscriber, EventPublisher, Subscriber
from streams.events import stable_id
from tests.conftest import WorkerProcess, unique_settings

pytestmark = pytest.mark.broker
TIMEOUT = 90  # group join on the embedded broker takes ~3-5 s; CI machines are slow and noisy


def prompt(text: str, *, negative: str = "", mature: bool = False, user: str = "u-1") -> PromptSubmitted:
    rid = f"req-{uuid.uuid4().hex[:10]}"
    return PromptSubmitted(
        event_id=f"evt-{rid}", request_id=rid, user_id=user, model_id="sdxl", lora_ids=[],
        embedding_ids=[], prompt=text, negative_prompt=negative,
        mature_content_allowed=mature, submitted_at=datetime.now(UTC),
    )


@pytest.fixture(scope="module")
def moderator(broker: EmbeddedBroker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerProcess]:
    settings = unique_settings(broker, tmp_path_factory.mktemp("worker"), max_prompt_chars=4096)
    worker = WorkerProcess(settings)
    yield worker
    worker.stop()


def subscriber(worker: WorkerProcess, *names: str) -> Subscriber:
    s = worker.settings
    return Subscriber(s.bootstrap, names, topic_prefix=s.topic_prefix, from_beginning=True)


def decisions_for(worker: WorkerProcess, request_ids: set[str]) -> dict[str, ModerationDecision]:
    s = worker.settings
    found: dict[str, ModerationDecision] = {}
    with DecisionSubscriber(s.bootstrap, topic_prefix=s.topic_prefix, from_beginning=True) as sub:
        for event in sub.collect(until=10_000, timeout=TIMEOUT, stop=lambda got: request_ids <= _ids(got)):
            if isinstance(event, ModerationDecision) and event.request_id in request_ids:
                found[event.request_id] = event
    assert set(found) == request_ids, f"missing decisions; worker log:\n{worker.log()}"
    return found


def _ids(events: list[object]) -> set[str]:
    return {e.request_id for e in events if isinstance(e, ModerationDecision)}


def test_decisions_enforcement_and_dead_letters_flow(moderator: WorkerProcess) -> None:
    s = moderator.settings
    benign = prompt("a watercolor painting of a lighthouse at dusk")
    abusive = prompt("nude 12 year old girl", mature=True, user="u-bad")
    adult = prompt("nude woman, 30 years old, boudoir photo", mature=True)
    garbage = b"\x05 definitely not avro"
    with EventPublisher(s.bootstrap, topic_prefix=s.topic_prefix) as publisher:
        publisher.publish(benign)
        publisher.publish_raw(topics.PROMPTS_SUBMITTED.name, garbage, key=b"junk")
        publisher.publish(abusive)
        publisher.publish(adult, wait=True)

    got = decisions_for(moderator, {benign.request_id, abusive.request_id, adult.request_id})
    assert got[benign.request_id].action.value == "allow"
    assert got[adult.request_id].action.value == "allow"
    blocked = got[abusive.request_id]
    assert blocked.action.value == "block"
    assert "sexual/minors" in blocked.categories
    assert blocked.decision_id == stable_id("decision", abusive.event_id, blocked.policy_version)
    assert all(abusive.prompt not in reason for reason in blocked.reasons)

    with subscriber(moderator, topics.ENFORCEMENT_ACTIONS.name, topics.DEADLETTER.name, topics.RISK_SCORES.name) as sub:
        events = sub.collect(until=10_000, timeout=TIMEOUT, stop=lambda got: (
            any(isinstance(e, EnforcementAction) for e in got) and any(isinstance(e, DeadLetter) for e in got)
            and sum(isinstance(e, RiskScored) for e in got) >= 3))
    actions = [e for e in events if isinstance(e, EnforcementAction) and e.action.value == "block_generation"]
    assert [a.request_id for a in actions] == [abusive.request_id]
    assert list(actions[0].cause_decision_ids) == [blocked.decision_id]
    assert actions[0].action_id == stable_id("enforcement", blocked.decision_id, "block_generation")

    dead = [e for e in events if isinstance(e, DeadLetter)]
    assert len(dead) == 1 and dead[0].payload == garbage and dead[0].source_key == b"junk"
    assert dead[0].source_topic == s.topic(topics.PROMPTS_SUBMITTED.name)
    assert dead[0].stage == "screen_prompts" and dead[0].error_type == "MalformedMessage"

    risk = {e.request_id: e for e in events if isinstance(e, RiskScored)}[abusive.request_id]
    assert risk.scores["sexual/minors"] >= 0.9
    assert risk.evidence and all(len(e.term) < len(abusive.prompt) for e in risk.evidence)
    assert moderator.alive


def test_wrong_schema_and_oversized_input_are_dead_lettered_and_the_worker_goes_on(moderator: WorkerProcess) -> None:
    s = moderator.settings
    huge = prompt("a cat " * 2000)  # 12k chars > max_prompt_chars=4096
    wrong_schema = encode(EnforcementAction(
        action_id="a-1", user_id="u-1", action="warn", cause_decision_ids=[], request_id=None,
        reasons=[], policy_version="p", issued_at=datetime.now(UTC),
    ))
    after = prompt("a red bicycle leaning on a wall")
    with EventPublisher(s.bootstrap, topic_prefix=s.topic_prefix) as publisher:
        publisher.publish(huge)
        publisher.publish_raw(topics.PROMPTS_SUBMITTED.name, wrong_schema)
        publisher.publish(after, wait=True)

    got = decisions_for(moderator, {huge.request_id, after.request_id})
    assert got[huge.request_id].action.value == "block"
    assert any("input rejected" in r for r in got[huge.request_id].reasons)
    assert got[after.request_id].action.value == "allow"

    with subscriber(moderator, topics.DEADLETTER.name) as sub:
        dead = sub.collect(until=10_000, timeout=TIMEOUT, stop=lambda got: {"OversizedInput", "UnexpectedSchema"} <= {d.error_type for d in got})
    kinds = {d.error_type for d in dead}
    assert {"OversizedInput", "UnexpectedSchema"} <= kinds
    assert moderator.alive
