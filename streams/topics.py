"""Every modstream topic, declared once: its name, event type and message key."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from ops.kafka_admin import TopicSpec
from ops.settings import Settings
from schemas.models import (
    DeadLetter,
    EnforcementAction,
    GenerationCompleted,
    ModerationDecision,
    PromptSubmitted,
    ReportFiled,
    RiskScored,
)


@dataclass(frozen=True)
class TopicDef:
    """A topic's contract: what it carries and which event field keys (and so partitions) it."""

    name: str
    event: type[BaseModel]
    key_field: str
    doc: str

    def key_of(self, event: BaseModel) -> bytes:
        return str(getattr(event, self.key_field)).encode()


PROMPTS_SUBMITTED = TopicDef(
    "prompts.submitted", PromptSubmitted, "request_id",
    "Generation services publish every prompt here before they generate.",
)
GENERATIONS_COMPLETED = TopicDef(
    "generations.completed", GenerationCompleted, "request_id",
    "Generation results with image references, for image screening.",
)
REPORTS_FILED = TopicDef(
    "reports.filed", ReportFiled, "report_id",
    "User reports against images, users, models or prompt requests.",
)
RISK_SCORES = TopicDef(
    "risk.scores", RiskScored, "request_id",
    "Per-category scores with detector versions and evidence (terms, never prompts).",
)
MODERATION_DECISIONS = TopicDef(
    "moderation.decisions", ModerationDecision, "request_id",
    "allow / review / block per request, keyed by request id so a generator can wait for it.",
)
ENFORCEMENT_ACTIONS = TopicDef(
    "enforcement.actions", EnforcementAction, "user_id",
    "What enforcement systems must do, keyed by user; ids are deterministic for dedupe.",
)
DEADLETTER = TopicDef(
    "deadletter", DeadLetter, "source_topic",
    "Anything that could not be decoded or processed, with its source offset and raw bytes.",
)

ALL: tuple[TopicDef, ...] = (
    PROMPTS_SUBMITTED,
    GENERATIONS_COMPLETED,
    REPORTS_FILED,
    RISK_SCORES,
    MODERATION_DECISIONS,
    ENFORCEMENT_ACTIONS,
    DEADLETTER,
)


def by_name(name: str) -> TopicDef:
    """The topic declared under ``name`` (without prefix)."""
    for topic in ALL:
        if topic.name == name:
            return topic
    known = ", ".join(t.name for t in ALL)
    raise KeyError(f"unknown topic {name!r}; modstream topics are: {known}")


def for_event(event: type[BaseModel]) -> TopicDef:
    """The topic an event type is published to."""
    for topic in ALL:
        if topic.event is event:
            return topic
    raise KeyError(f"no topic carries {event.__name__}")


def specs(settings: Settings) -> list[TopicSpec]:
    """What `modstream topics create` creates: every topic, prefixed, with its partitions."""
    return [TopicSpec(name=settings.topic(t.name), partitions=settings.partitions) for t in ALL]
