"""One frozen pydantic model per Avro event, with the schema's field names in the schema's order."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    WrapSerializer,
)

__all__ = [
    "MAX_EVIDENCE_TERM_CHARS",
    "MODELS",
    "DeadLetter",
    "DetectorFailure",
    "DetectorVersion",
    "EnforcementAction",
    "EnforcementKind",
    "EnforcementReversed",
    "Event",
    "Evidence",
    "GenerationCompleted",
    "HotlineReport",
    "ImageRef",
    "IncidentType",
    "ModerationAction",
    "ModerationDecision",
    "PromptSubmitted",
    "ReportFiled",
    "ReportReason",
    "ReviewOutcome",
    "ReviewTask",
    "ReviewVerdict",
    "RiskScored",
    "SignalKind",
    "Subject",
    "SubjectKind",
    "UserSignal",
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
#: A lowercase hex sha256 digest, as ``hashlib.sha256(...).hexdigest()`` gives it.
Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]

T = TypeVar("T")


def _as_list(value: tuple[Any, ...], handler: SerializerFunctionWrapHandler) -> list[Any]:
    # The avro library accepts only lists for arrays; fastavro takes either.
    return list(handler(value))


#: An Avro array: an immutable tuple on the model, dumped as a list.
Array = Annotated[tuple[T, ...], WrapSerializer(_as_list)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(_Frozen):
    """A top-level event: knows its registry subject and the schema version it was written for.

    ``SUBJECT`` rather than ``subject`` because several events carry a ``subject`` field.
    """

    SUBJECT: ClassVar[str]
    SCHEMA_VERSION: ClassVar[int] = 1


# Enum members are named exactly as their Avro symbols: schema, value and code read the same.
# Each schema enum has a default symbol, so a reader meeting a newer symbol still decodes.


class SubjectKind(StrEnum):
    """What kind of thing a Subject's id names; Avro default ``image``."""

    image = "image"
    user = "user"
    model = "model"
    prompt_request = "prompt_request"


class ReportReason(StrEnum):
    """Why a report was filed; Avro default ``other``."""

    child_sexual_abuse = "child_sexual_abuse"
    non_consensual_intimate = "non_consensual_intimate"
    sexual_content = "sexual_content"
    harassment = "harassment"
    impersonation = "impersonation"
    spam = "spam"
    other = "other"


class ModerationAction(StrEnum):
    """What policy decided; Avro default ``review``."""

    allow = "allow"
    review = "review"
    block = "block"


class EnforcementKind(StrEnum):
    """What enforcement does; Avro default ``human_review``."""

    block_generation = "block_generation"
    warn = "warn"
    throttle = "throttle"
    human_review = "human_review"
    suspend = "suspend"
    ban = "ban"
    hotline_report = "hotline_report"


class SignalKind(StrEnum):
    """What a UserSignal records about its user; Avro default ``prompt_reviewed``."""

    prompt_blocked = "prompt_blocked"
    prompt_reviewed = "prompt_reviewed"
    generation_flagged = "generation_flagged"
    report_upheld = "report_upheld"
    review_upheld = "review_upheld"
    review_overturned = "review_overturned"


class ReviewOutcome(StrEnum):
    """What a human reviewer concluded; Avro default ``escalated``."""

    upheld = "upheld"
    overturned = "overturned"
    escalated = "escalated"


class IncidentType(StrEnum):
    """What a hotline report is about; Avro default ``other``."""

    child_sexual_abuse_prompt = "child_sexual_abuse_prompt"
    child_sexual_abuse_image = "child_sexual_abuse_image"
    known_hash_match = "known_hash_match"
    other = "other"


class HashBankOp(StrEnum):
    """Add a hash to a bank or withdraw it; Avro default ``add``."""

    add = "add"
    remove = "remove"


class HashKind(StrEnum):
    """Which perceptual hash; Avro default ``pdq``."""

    pdq = "pdq"
    phash = "phash"


class Subject(_Frozen):
    """What an event is about."""

    kind: SubjectKind
    id: Id


class ImageRef(_Frozen):
    """One stored image: where it is and what it is, never its pixels."""

    uri: Id
    sha256: Sha256Hex
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
    lora_ids: Array[str] = ()
    embedding_ids: Array[str] = ()
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
    images: Array[ImageRef] = ()
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
    detectors: Array[DetectorVersion] = ()
    evidence: Array[Evidence] = ()
    failures: Array[DetectorFailure] = ()
    scored_at: UtcDatetime


class ModerationDecision(Event):
    """What policy decided about a subject, and why; v2 adds the prompt's content hash and fingerprint."""

    SUBJECT: ClassVar[str] = "modstream.ModerationDecision"
    SCHEMA_VERSION: ClassVar[int] = 2

    decision_id: Id
    request_id: Id
    user_id: Id
    subject: Subject
    action: ModerationAction
    categories: Array[str] = ()
    reasons: Array[str] = ()
    policy_version: Id
    risk_event_id: Id | None = None
    decided_at: UtcDatetime
    #: sha256 of the normalised prompt: human reviews remember false positives by exact content.
    content_hash: Sha256Hex | None = None
    #: SimHash-64 of the normalised prompt as a signed long, for near-duplicate probing detection;
    #: None on allowed decisions (probing compares blocks only).
    fingerprint: Int64 | None = None


class EnforcementAction(Event):
    """Something done to a user or a request because of one or more decisions."""

    SUBJECT: ClassVar[str] = "modstream.EnforcementAction"

    action_id: Id
    user_id: Id
    action: EnforcementKind
    cause_decision_ids: Array[str] = ()
    request_id: Id | None = None
    reasons: Array[str] = ()
    policy_version: Id
    issued_at: UtcDatetime


class UserSignal(Event):
    """Something that counts for or against a user, keyed by user, for escalation."""

    SUBJECT: ClassVar[str] = "modstream.UserSignal"
    SCHEMA_VERSION: ClassVar[int] = 2

    signal_id: Id
    user_id: Id
    kind: SignalKind
    category: Id
    score: Score
    decision_id: Id
    request_id: Id | None = None
    fingerprint: Int64 | None = None
    content_hash: Sha256Hex | None = None
    evidence: Array[Evidence] = ()
    image_uris: Array[str] = ()
    occurred_at: UtcDatetime
    images: Array[ImageRef] = ()


class ReviewTask(Event):
    """A queue item for human moderators: what to look at, how urgently, and why."""

    SUBJECT: ClassVar[str] = "modstream.ReviewTask"

    task_id: Id
    subject: Subject
    #: 0..100; higher is more urgent.
    priority: Annotated[int, Field(ge=0, le=100)]
    reason_codes: Array[str] = ()
    report_ids: Array[str] = ()
    decision_ids: Array[str] = ()
    user_id: Id | None = None
    created_at: UtcDatetime


class ReviewVerdict(Event):
    """A human moderator's verdict on a decision, a report or a review task."""

    SUBJECT: ClassVar[str] = "modstream.ReviewVerdict"

    verdict_id: Id
    reviewer_id: Id
    user_id: Id
    outcome: ReviewOutcome
    category: Id
    decision_id: Id | None = None
    report_id: Id | None = None
    task_id: Id | None = None
    notes: str = ""
    reviewed_at: UtcDatetime


class EnforcementReversed(Event):
    """An earlier EnforcementAction was undone, usually because a human review overturned it."""

    SUBJECT: ClassVar[str] = "modstream.EnforcementReversed"

    reversal_id: Id
    action_id: Id
    user_id: Id
    cause_verdict_id: Id | None = None
    reasons: Array[str] = ()
    policy_version: Id
    reversed_at: UtcDatetime


class HotlineReport(Event):
    """What a child-safety hotline report needs, for the hotline_report EnforcementAction it belongs to."""

    SUBJECT: ClassVar[str] = "modstream.HotlineReport"

    report_id: Id
    action_id: Id
    user_id: Id
    incident_type: IncidentType
    user_identifiers: dict[str, str] = {}
    request_ids: Array[str] = ()
    decision_ids: Array[str] = ()
    images: Array[ImageRef] = ()
    evidence: Array[Evidence] = ()
    first_seen_at: UtcDatetime
    reported_at: UtcDatetime
    #: The referenced content must be preserved, not deleted.
    evidence_hold: bool = True
    policy_version: Id


class HashBankUpdate(Event):
    """A known-bad image hash added to or withdrawn from a bank: a bank change is an event."""

    SUBJECT: ClassVar[str] = "modstream.HashBankUpdate"

    update_id: Id
    op: HashBankOp
    kind: HashKind
    hash: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$|^[0-9a-f]{64}$")]
    bank: Id
    label: Id
    added_at: UtcDatetime


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
            UserSignal,
            ReviewTask,
            ReviewVerdict,
            EnforcementReversed,
            HotlineReport,
            HashBankUpdate,
        )
    }
)

E = TypeVar("E", bound=Event)


def to_avro(model: BaseModel) -> dict[str, Any]:
    """The record as the Avro writers take it: nested dicts, enum members, tz-aware datetimes.

    >>> to_avro(Subject(kind="user", id="u1"))
    {'kind': <SubjectKind.user: 'user'>, 'id': 'u1'}
    """
    return model.model_dump()


def from_avro(cls: type[E], record: Mapping[str, Any]) -> E:
    """Validate a record as the Avro readers return it into ``cls``; raises pydantic's ValidationError."""
    return cls.model_validate(record)
