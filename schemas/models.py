"""One frozen pydantic model per Avro event, with the schema's field names in the schema's order."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

__all__ = [
    "MAX_EVIDENCE_TERM_CHARS",
    "MODELS",
    "DeadLetter",
    "DetectorFailure",
    "DetectorVersion",
    "EnforcementAction",
    "EnforcementKind",
    "Event",
    "Evidence",
    "GenerationCompleted",
    "ImageRef",
    "ModerationAction",
    "ModerationDecision",
    "PromptSubmitted",
    "ReportFiled",
    "ReportReason",
    "RiskScored",
    "Subject",
    "SubjectKind",
    "from_avro",
    "to_avro",
]

#: Same cap as ``detectors.base.MAX_EVIDENCE_CHARS``: evidence on the wire is a term, never a prompt.
MAX_EVIDENCE_TERM_CHARS = 48


def _utc_millis(value: datetime) -> datetime:
    # Avro timestamp-millis keeps milliseconds; truncating here makes a model equal its decoded copy.
    return value.astimezone(UTC).replace(microsecond=value.microsecond // 1000 * 1000)


#: A tz-aware instant, normalised to UTC at millisecond precision (the wire's precision).
UtcDatetime = Annotated[AwareDatetime, AfterValidator(_utc_millis)]
#: Identifiers are opaque, but never empty.
Id = Annotated[str, Field(min_length=1)]
#: Avro ``int`` and ``long`` ranges, checked here so encoding never fails on an overflow.
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
Score = Annotated[float, Field(ge=0.0, le=1.0)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(_Frozen):
    """A top-level event: knows its registry subject and the schema version it was written for.

    ``SUBJECT`` rather than ``subject`` because several events carry a ``subject`` field.
    """

    SUBJECT: ClassVar[str]
    SCHEMA_VERSION: ClassVar[int] = 1


class SubjectKind(StrEnum):
    IMAGE = "image"
    USER = "user"
    MODEL = "model"
    PROMPT_REQUEST = "prompt_request"


class ReportReason(StrEnum):
    CHILD_SEXUAL_ABUSE = "child_sexual_abuse"
    NON_CONSENSUAL_INTIMATE = "non_consensual_intimate"
    SEXUAL_CONTENT = "sexual_content"
    HARASSMENT = "harassment"
    IMPERSONATION = "impersonation"
    SPAM = "spam"
    OTHER = "other"


class ModerationAction(StrEnum):
    ALLOW = "allow"
    REVIEW = "review"
    BLOCK = "block"


class EnforcementKind(StrEnum):
    BLOCK_GENERATION = "block_generation"
    WARN = "warn"
    THROTTLE = "throttle"
    HUMAN_REVIEW = "human_review"
    SUSPEND = "suspend"
    BAN = "ban"
    HOTLINE_REPORT = "hotline_report"


class Subject(_Frozen):
    """What an event is about."""

    kind: SubjectKind
    id: Id


class ImageRef(_Frozen):
    """One stored image: where it is and what it is, never its pixels."""

    uri: Id
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    size_bytes: Annotated[Int64, Field(ge=0)]
    width: Annotated[Int32, Field(ge=1)] | None = None
    height: Annotated[Int32, Field(ge=1)] | None = None


class DetectorVersion(_Frozen):
    """A detector that ran, and which version of it."""

    name: Id
    version: Id


class Evidence(_Frozen):
    """Why a detector scored: the matched term and where, never the surrounding prompt."""

    detector: Id
    category: Id
    term: Annotated[str, Field(max_length=MAX_EVIDENCE_TERM_CHARS)]
    field: Id
    start: Annotated[Int32, Field(ge=0)] | None = None
    end: Annotated[Int32, Field(ge=0)] | None = None


class DetectorFailure(_Frozen):
    """A detector that raised instead of scoring."""

    detector: Id
    version: str
    error: str


class PromptSubmitted(Event):
    """A user asked for an image: the prompt and the resources it will run on."""

    SUBJECT: ClassVar[str] = "modstream.PromptSubmitted"

    event_id: Id
    request_id: Id
    user_id: Id
    model_id: Id
    lora_ids: tuple[str, ...] = ()
    embedding_ids: tuple[str, ...] = ()
    prompt: str
    negative_prompt: str = ""
    mature_content_allowed: bool
    submitted_at: UtcDatetime


class GenerationCompleted(Event):
    """A generation request finished: where its images are stored."""

    SUBJECT: ClassVar[str] = "modstream.GenerationCompleted"

    event_id: Id
    request_id: Id
    user_id: Id
    images: tuple[ImageRef, ...] = ()
    completed_at: UtcDatetime


class ReportFiled(Event):
    """Someone reported an image, user, model or request."""

    SUBJECT: ClassVar[str] = "modstream.ReportFiled"

    report_id: Id
    reporter_id: Id
    subject: Subject
    reason_code: ReportReason
    free_text: str = ""
    filed_at: UtcDatetime


class RiskScored(Event):
    """Detectors scored a subject: per-category scores, the evidence behind them, who failed."""

    SUBJECT: ClassVar[str] = "modstream.RiskScored"

    event_id: Id
    request_id: Id
    user_id: Id
    subject: Subject
    scores: dict[str, Score] = {}
    detectors: tuple[DetectorVersion, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    failures: tuple[DetectorFailure, ...] = ()
    scored_at: UtcDatetime


class ModerationDecision(Event):
    """What policy decided about a subject, and why."""

    SUBJECT: ClassVar[str] = "modstream.ModerationDecision"

    decision_id: Id
    request_id: Id
    user_id: Id
    subject: Subject
    action: ModerationAction
    categories: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    policy_version: Id
    risk_event_id: Id | None = None
    decided_at: UtcDatetime


class EnforcementAction(Event):
    """Something done to a user or a request because of one or more decisions."""

    SUBJECT: ClassVar[str] = "modstream.EnforcementAction"

    action_id: Id
    user_id: Id
    action: EnforcementKind
    cause_decision_ids: tuple[str, ...] = ()
    request_id: Id | None = None
    reasons: tuple[str, ...] = ()
    policy_version: Id
    issued_at: UtcDatetime


class DeadLetter(Event):
    """A record a stage could not process, kept with where it came from and why it failed.

    Deliberately loose (no id or offset constraints): a dead letter must always be writable.
    """

    SUBJECT: ClassVar[str] = "modstream.DeadLetter"

    dead_letter_id: str
    stage: str
    error_type: str
    error: str
    source_topic: str
    source_partition: Int32
    source_offset: Int64
    source_key: bytes | None = None
    payload: bytes
    failed_at: UtcDatetime


#: Subject name to model class, for every event this code can read and write.
MODELS: Mapping[str, type[Event]] = MappingProxyType(
    {
        cls.SUBJECT: cls
        for cls in (
            PromptSubmitted,
            GenerationCompleted,
            ReportFiled,
            RiskScored,
            ModerationDecision,
            EnforcementAction,
            DeadLetter,
        )
    }
)

E = TypeVar("E", bound=Event)


def to_avro(model: BaseModel) -> dict[str, Any]:
    """The record as the Avro writers take it: nested dicts, enum members, tz-aware datetimes.

    >>> to_avro(Subject(kind="user", id="u1"))
    {'kind': <SubjectKind.USER: 'user'>, 'id': 'u1'}
    """
    return model.model_dump()


def from_avro(cls: type[E], record: Mapping[str, Any]) -> E:
    """Validate a record as the Avro readers return it into ``cls``; raises pydantic's ValidationError."""
    return cls.model_validate(record)
