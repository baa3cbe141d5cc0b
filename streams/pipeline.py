"""What the agents share: topic handles, sending (plain and acknowledged), decoding at the edge,
dead letters, and turning escalation plans into events."""

from __future__ import annotations

import asyncio
import logging
import weakref
from contextlib import contextmanager
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import faust
from faust import streams as faust_streams
from pydantic import BaseModel

from detectors.base import DetectorFailure
from ops.metrics import Metrics
from ops.settings import Settings
from schemas import decode, encode
from schemas.errors import DecodeError, ModstreamError
from schemas.models import EnforcementKind, ModerationDecision, UserSignal
from streams import escalation, events, topics
from streams.screening import ScreeningStage

log = logging.getLogger("modstream.agents")
E = TypeVar("E", bound=BaseModel)
_RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)  # then every 30 s, for ever


class OversizedInput(ModstreamError):
    """A text field is longer than ``Settings.max_prompt_chars``."""


class ScreeningError(ModstreamError):
    """A prompt was screened but what its decision records (its content hash) could not be computed."""


@contextmanager
def current(event: faust.EventT) -> Iterator[None]:
    """Make ``event`` faust's current event, as stream iteration would.

    Inside a ``take_events`` batch faust leaves no (or the last) event current, but a table
    write sends its changelog record to the current event's partition: each item of a batch
    must be current while its own writes happen, or state lands on the wrong partition.
    """
    token = faust_streams._current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        faust_streams._current_event.reset(token)


@dataclass
class Pipeline:
    """Settings, prompt screening, policy, metrics and faust topic handles, shared by the agents.

    ``sink`` replaces the producer (agent tests capture what would be sent).
    """

    app: faust.App
    settings: Settings
    screening: ScreeningStage
    metrics: Metrics
    policy: escalation.EscalationPolicy
    sink: Callable[[topics.TopicDef, BaseModel], Awaitable[None]] | None = None
    topic: dict[str, faust.TopicT] = field(init=False)

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

    async def send_decision(self, decision: ModerationDecision) -> None:
        """A decision, and for a block the block_generation action enforcement waits on.

        Sent by the agent that decides, not by a consumer of decisions: one hop less per prompt
        (that re-read was a fifth of the worker's record traffic) and no lag between the two.
        """
        await self.send(topics.MODERATION_DECISIONS, decision)
        action = events.enforcement_for(decision)
        if action is not None:
            await self.send(topics.ENFORCEMENT_ACTIONS, action)

    async def send_acked(self, topic: topics.TopicDef, event: BaseModel, stage: str) -> None:
        """Send and wait for the broker's ack, retrying for ever: for what must never be dropped.

        Every failed attempt counts in ``modstream_delivery_failures_total``; the third one also
        leaves a dead letter holding the event, so a stuck delivery is visible, not silent.
        """
        for attempt in range(1, 1_000_000):
            try:
                if self.sink is not None:
                    await self.sink(topic, event)
                else:
                    await (await self.topic[topic.name].send(key=topic.key_of(event), value=encode(event)))
                return
            except Exception as exc:
                self.metrics.delivery_failures.labels(topic.name).inc()
                log.error("delivery of %s to %s failed (attempt %d): %s", type(event).__name__, topic.name, attempt, exc)
                if attempt == 3:
                    await self._dead_letter_record(stage, exc, topic.name, -1, -1, None, encode(event))
                await asyncio.sleep(_RETRY_DELAYS[min(attempt - 1, len(_RETRY_DELAYS) - 1)])

    async def decode(self, stage: str, event: faust.EventT, expect: type[E]) -> E | None:
        """The event's value as ``expect``, or None after dead-lettering what could not be decoded."""
        try:
            return decode(event.message.value or b"", expect=expect)
        except DecodeError as exc:
            await self.dead_letter(stage, exc, event)
            return None

    async def dead_letter(self, stage: str, error: BaseException, event: faust.EventT) -> None:
        m = event.message
        await self._dead_letter_record(stage, error, m.topic, m.partition, m.offset, m.key, m.value or b"")

    async def _dead_letter_record(self, stage: str, error: BaseException, topic: str, partition: int,
                                  offset: int, key: bytes | None, payload: bytes) -> None:
        record = events.dead_letter(
            stage=stage, error=error, topic=topic, partition=partition, offset=offset, key=key,
            payload=payload, max_payload=self.settings.deadletter_payload_max_bytes,
        )
        await self.send(topics.DEADLETTER, record)
        self.metrics.dead_letters.labels(stage, record.error_type).inc()
        log.warning("dead-lettered %s:%s@%s stage=%s error=%s: %s", topic, partition, offset, stage,
                    record.error_type, record.error[:200])

    async def issue(self, plan: escalation.Planned, signal: UserSignal, before: escalation.UserState) -> None:
        """Turn one escalation plan into its events; hotline reports go out acknowledged."""
        version = self.policy.version
        if plan.kind == "reverse":
            assert plan.reverses is not None
            await self.send(topics.ENFORCEMENT_REVERSALS, events.reversal(
                signal.user_id, plan.action_id, plan.reverses, signal.signal_id, plan.reasons, version, signal.occurred_at))
            self.metrics.events.labels("escalate_user", "reversed").inc()
            return
        action = events.enforcement_action(signal.user_id, plan.action_id, plan.kind, plan.cause_decision_ids,
                                           plan.reasons, version, signal.request_id, signal.occurred_at)
        if plan.kind == EnforcementKind.hotline_report:
            first_seen = min((s.at for s in before.strikes if s.category == escalation.CHILD_SAFETY), default=signal.occurred_at)
            await self.send_acked(topics.HOTLINE_REPORTS, events.hotline_report(action, signal, first_seen), "deliver_hotline")
            await self.send_acked(topics.ENFORCEMENT_ACTIONS, action, "deliver_hotline")
        else:
            await self.send(topics.ENFORCEMENT_ACTIONS, action)
        self.metrics.events.labels("escalate_user", plan.kind.value).inc()
        log.info("enforcement %s user=%s action=%s causes=%s", action.action_id, action.user_id,
                 action.action.value, ",".join(action.cause_decision_ids))

    def count_decision(self, stage: str, decision: ModerationDecision, failures: Sequence[DetectorFailure]) -> None:
        """Metrics and a log line for one decision, prompt or image alike."""
        for failure in failures:
            self.metrics.detector_failures.labels(failure.detector).inc()
        self.metrics.decisions.labels(decision.action.value).inc()
        self.metrics.events.labels(stage, "decided").inc()
        # DEBUG: a line per prompt cost ~5 % of the worker's busy time at INFO; the decision is on its topic.
        log.debug(
            "%s decision %s request=%s user=%s subject=%s action=%s categories=%s reasons=%s", stage,
            decision.decision_id, decision.request_id, decision.user_id, decision.subject.kind.value,
            decision.action.value, ",".join(decision.categories), "; ".join(decision.reasons),
        )
