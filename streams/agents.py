"""The moderation flow, top to bottom: each agent reads one topic and writes named topics.

    prompts.submitted ──screen_prompts──> risk.scores, moderation.decisions
    moderation.decisions ──enforce_decisions──> enforcement.actions
    (anything undecodable or failing) ──> deadletter

Agents stay thin: decode at the edge, call pure code (detectors, streams.events), encode,
send. A message that cannot be handled goes to ``deadletter`` and is acked; the worker
keeps running. Logs carry ids and reasons, never prompt text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import faust
from pydantic import BaseModel

from detectors import PromptScreener, Screening
from detectors.base import Action, Assessment, Verdict
from ops.metrics import Metrics
from ops.settings import Settings
from schemas import decode, encode
from schemas.errors import DecodeError
from schemas.models import ModerationDecision, PromptSubmitted
from streams import events, topics

log = logging.getLogger("modstream.agents")


@dataclass
class Pipeline:
    """What the agents share: settings, detectors, metrics and the faust topic handles.

    ``sink`` replaces the producer (agent tests capture what would be sent).
    """

    app: faust.App
    settings: Settings
    screener: PromptScreener
    metrics: Metrics
    sink: Callable[[topics.TopicDef, BaseModel], Awaitable[None]] | None = None

    def __post_init__(self) -> None:
        self.topic = {
            t.name: self.app.topic(
                self.settings.topic(t.name),
                key_type=bytes, value_type=bytes,
                key_serializer="raw", value_serializer="raw",
                partitions=self.settings.partitions,
            )
            for t in topics.ALL
        }

    async def send(self, topic: topics.TopicDef, event: BaseModel) -> None:
        if self.sink is not None:
            await self.sink(topic, event)
            return
        await self.topic[topic.name].send(key=topic.key_of(event), value=encode(event))

    async def dead_letter(self, stage: str, error: BaseException, event: faust.EventT) -> None:
        message = event.message
        record = events.dead_letter(
            stage=stage, error=error,
            topic=message.topic, partition=message.partition, offset=message.offset,
            key=message.key, payload=message.value or b"",
            max_payload=self.settings.deadletter_payload_max_bytes,
        )
        await self.send(topics.DEADLETTER, record)
        self.metrics.dead_letters.labels(stage, record.error_type).inc()
        log.warning(
            "dead-lettered %s:%s@%s stage=%s error=%s: %s", message.topic, message.partition,
            message.offset, stage, record.error_type, record.error[:200],
        )


class OversizedInput(ValueError):
    """A text field is longer than ``Settings.max_prompt_chars``."""


def screen_safely(screener: PromptScreener, items: Sequence[Any]) -> list[Screening]:
    """The screener's verdicts, or fail-closed reviews if the chain itself breaks."""
    try:
        return screener.screen_batch(list(items))
    except Exception as exc:  # a broken chain must not crash the worker nor allow anything
        log.exception("prompt screener failed on a batch of %d", len(items))
        reason = f"screening failed ({type(exc).__name__}); held for review"
        verdict = Verdict(action=Action.REVIEW, reasons=(reason,), policy_version=screener.policy.version)
        return [Screening(assessment=Assessment(request_id=i.request_id), verdict=verdict) for i in items]


def build(
    app: faust.App,
    settings: Settings,
    screener: PromptScreener,
    metrics: Metrics,
    sink: Callable[[topics.TopicDef, BaseModel], Awaitable[None]] | None = None,
) -> Pipeline:
    """Register every agent on ``app``; returns the shared pipeline."""
    p = Pipeline(app, settings, screener, metrics, sink)

    @app.agent(p.topic[topics.PROMPTS_SUBMITTED.name], name="screen_prompts")
    async def screen_prompts(stream: faust.StreamT) -> None:
        stage = "screen_prompts"
        async for batch in stream.take_events(settings.screen_batch_size, settings.screen_batch_window_s):
            accepted: list[tuple[faust.EventT, PromptSubmitted]] = []
            for event in batch:
                try:
                    prompt = decode(event.message.value or b"", expect=PromptSubmitted)
                except DecodeError as exc:
                    await p.dead_letter(stage, exc, event)
                    continue
                too_long = max(len(prompt.prompt), len(prompt.negative_prompt)) > settings.max_prompt_chars
                if too_long:
                    # Oversized text is refused, not screened: block it and keep the bytes.
                    exc = OversizedInput(f"prompt longer than {settings.max_prompt_chars} characters")
                    await p.dead_letter(stage, exc, event)
                    await decide(prompt, events.rejected(f"input rejected: {exc}", screener.policy.version, prompt.request_id))
                    continue
                accepted.append((event, prompt))
            if not accepted:
                continue
            started = time.perf_counter()
            screenings = screen_safely(screener, [events.prompt_input(pr) for _, pr in accepted])
            metrics.screen_seconds.observe(time.perf_counter() - started)
            metrics.batch_size.observe(len(accepted))
            for (event, prompt), screening in zip(accepted, screenings, strict=True):
                try:
                    await decide(prompt, screening)
                except Exception as exc:  # a bug here must cost one dead letter, not the worker
                    await p.dead_letter(stage, exc, event)

    async def decide(prompt: PromptSubmitted, screening: Screening) -> None:
        risk = events.risk_scored(prompt, screening)
        decision = events.moderation_decision(prompt, screening, risk.event_id)
        await p.send(topics.RISK_SCORES, risk)
        await p.send(topics.MODERATION_DECISIONS, decision)
        for failure in screening.assessment.failures:
            metrics.detector_failures.labels(failure.detector).inc()
        metrics.decisions.labels(decision.action.value).inc()
        metrics.events.labels("screen_prompts", "decided").inc()
        log.info(
            "decision %s request=%s user=%s action=%s categories=%s reasons=%s",
            decision.decision_id, decision.request_id, decision.user_id,
            decision.action.value, ",".join(decision.categories), "; ".join(decision.reasons),
        )

    @app.agent(p.topic[topics.MODERATION_DECISIONS.name], name="enforce_decisions")
    async def enforce_decisions(stream: faust.StreamT) -> None:
        stage = "enforce_decisions"
        async for event in stream.events():
            try:
                decision = decode(event.message.value or b"", expect=ModerationDecision)
            except DecodeError as exc:
                await p.dead_letter(stage, exc, event)
                continue
            try:
                action = events.enforcement_for(decision)
                if action is not None:
                    await p.send(topics.ENFORCEMENT_ACTIONS, action)
                    metrics.events.labels(stage, action.action.value).inc()
            except Exception as exc:  # one dead letter, not a crashed agent
                await p.dead_letter(stage, exc, event)

    return p
