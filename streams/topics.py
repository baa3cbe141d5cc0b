"""Every modstream topic, declared once: its name, event type and message key."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from ops.kafka_admin import TopicSpec
from ops.settings import Settings
from schemas.models import (
    DeadLetter,
    EnforcementAction,
    EnforcementReversed,
    GenerationCompleted,
    HashBankUpdate,
    HotlineReport,
    ModerationDecision,
    PromptSubmitted,
    ReportFiled,
    ReviewTask,
    ReviewVerdict,
    RiskScored,
    UserSignal,
)


@dataclass(frozen=True)
class TopicDef:
    """A topic's contract: what it carries and which event field keys (and so partitions) it."""

    name: str
    event: type[BaseModel]
    key_field: str  # a field name, or a dotted path such as "subject.id"
    doc: str

    def key_of(self, event: BaseModel) -> bytes:
        value: object = event
        for part in self.key_field.split("."):
            value = getattr(value, part)
        return str(value).encode()


PROMPTS_SUBMITTED = TopicDef(
    "prompts.submitted", PromptSubmitted, "request_id",
    "Generation services publish every prompt here before they generate.",
)
GENERATIONS_COMPLETED = TopicDef(
    "generations.completed", GenerationCompleted, "request_id",
    "Generation results with image references, for image screening.",
)
REPORTS_FILED = TopicDef(
    "reports.filed", ReportFiled, "subject.id",
    "User reports against images, users, models or prompt requests, keyed by what they report.",
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
USER_SIGNALS = TopicDef(
    "user.signals", UserSignal, "user_id",
    "What counts for or against a user (blocks, reviews, upheld reports, verdicts), by user.",
)
ENFORCEMENT_REVERSALS = TopicDef(
    "enforcement.reversals", EnforcementReversed, "user_id",
    "Enforcement actions undone because a human review overturned their cause.",
)
HOTLINE_REPORTS = TopicDef(
    "safety.hotline_reports", HotlineReport, "user_id",
    "Child-safety reports for the hotline, with evidence hold; delivered with acks and retries.",
)
REVIEW_QUEUE = TopicDef(
    "review.queue", ReviewTask, "subject.id",
    "Work for human moderators, prioritised; one task per reported subject.",
)
REVIEW_VERDICTS = TopicDef(
    "review.verdicts", ReviewVerdict, "user_id",
    "Human moderators' verdicts: upheld, overturned or escalated.",
)
HASH_BANK_UPDATES = TopicDef(
    "hashbank.updates", HashBankUpdate, "hash",
    "Known-bad image hashes added or withdrawn at run time; every worker applies every one.",
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
    USER_SIGNALS,
    ENFORCEMENT_REVERSALS,
    HOTLINE_REPORTS,
    REVIEW_QUEUE,
    REVIEW_VERDICTS,
    HASH_BANK_UPDATES,
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


#: The agents' faust tables; their changelog topics are created with the rest.
TABLES = ("user_state", "report_index", "prompt_context", "false_positives", "user_risk", "hash_bank")


def changelog(settings: Settings, table: str) -> str:
    return f"{settings.app_id}-{table}-changelog"


def table_ttl_s(settings: Settings, table: str) -> int | None:
    """How long ``table`` keeps an entry (None: for ever). Its store and its changelog both forget."""
    return settings.prompt_context_ttl_s if table == "prompt_context" else None


def changelog_config(settings: Settings, table: str) -> dict[str, str]:
    """Compacted; a table with a TTL also deletes what is older than that (as Kafka Streams does
    for windowed stores), so a recovery does not bring back what the store forgot."""
    ttl_s = table_ttl_s(settings, table)
    if ttl_s is None:
        return {"cleanup.policy": "compact"}
    return {"cleanup.policy": "compact,delete", "retention.ms": str(ttl_s * 1000)}


def specs(settings: Settings) -> list[TopicSpec]:
    """What `modstream topics create` creates: every topic and table changelog, with partitions."""
    return [TopicSpec(name=settings.topic(t.name), partitions=settings.partitions) for t in ALL] + [
        TopicSpec(name=changelog(settings, table), partitions=settings.partitions, config=changelog_config(settings, table))
        for table in TABLES
    ]
