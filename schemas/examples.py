"""Realistic example events, one per model, for tests, benchmarks and documentation.

>>> example(PromptSubmitted).request_id
'req-7f3a'
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from hashlib import sha256
from types import MappingProxyType
from typing import TypeVar, cast

from schemas.models import (
    DeadLetter,
    DetectorFailure,
    DetectorVersion,
    EnforcementAction,
    EnforcementKind,
    EnforcementReversed,
    Event,
    Evidence,
    GenerationCompleted,
    HashBankOp,
    HashBankUpdate,
    HashKind,
    HotlineReport,
    ImageRef,
    IncidentType,
    ModerationAction,
    ModerationDecision,
    PromptSubmitted,
    ReportFiled,
    ReportReason,
    ReviewOutcome,
    ReviewTask,
    ReviewVerdict,
    RiskScored,
    SignalKind,
    Subject,
    SubjectKind,
    UserSignal,
)

__all__ = ["EXAMPLES", "example"]

E = TypeVar("E", bound=Event)

_AT = datetime(2025, 3, 14, 9, 26, 53, 589000, tzinfo=UTC)
_REQUEST = "req-7f3a"
_USER = "user-42"
_POLICY = "policy-2025.03"
_PROMPT = (
    "a lighthouse on a basalt cliff at dusk, volumetric fog, long exposure, waves crashing "
    "against the rocks, warm light from the lantern room, cinematic composition, 35mm film "
    "grain, highly detailed, by a contemporary landscape painter"
)


def _prompt_submitted() -> PromptSubmitted:
    return PromptSubmitted(
        event_id="evt-0001",
        request_id=_REQUEST,
        user_id=_USER,
        model_id="sdxl-base-1.0",
        lora_ids=("lora-film-grain-v2", "lora-seascape"),
        embedding_ids=("emb-easynegative",),
        prompt=_PROMPT,
        negative_prompt="blurry, lowres, watermark",
        mature_content_allowed=False,
        submitted_at=_AT,
    )


def _generation_completed() -> GenerationCompleted:
    images = tuple(
        ImageRef(uri=f"s3://gen-images/{_REQUEST}/{n}.png", sha256=sha256(f"{_REQUEST}/{n}".encode()).hexdigest(), size_bytes=1_482_113 + n,
                 width=1024, height=1024)
        for n in range(2)
    )
    return GenerationCompleted(
        event_id="evt-0002", request_id=_REQUEST, user_id=_USER, images=images, completed_at=_AT
    )


def _report_filed() -> ReportFiled:
    return ReportFiled(
        report_id="rep-0003",
        reporter_id="user-7",
        subject=Subject(kind=SubjectKind.image, id=f"{_REQUEST}/0"),
        reason_code=ReportReason.impersonation,
        free_text="This looks like a real person I know.",
        filed_at=_AT,
    )


def _risk_scored() -> RiskScored:
    return RiskScored(
        event_id="evt-0004",
        request_id=_REQUEST,
        user_id=_USER,
        subject=Subject(kind=SubjectKind.prompt_request, id=_REQUEST),
        scores={"sexual/minors": 0.02, "sexual/adult": 0.41, "real_person": 0.88},
        detectors=(
            DetectorVersion(name="lexicon", version="2025.03.1"),
            DetectorVersion(name="celebrity-names", version="1.4.0"),
            DetectorVersion(name="text-classifier", version="0.9.2"),
        ),
        evidence=(
            Evidence(detector="lexicon", category="sexual/adult", term="lingerie", field="prompt", start=41, end=49),
            Evidence(detector="celebrity-names", category="real_person", term="taylor swift", field="prompt",
                     start=0, end=12),
            Evidence(detector="lexicon", category="sexual/adult", term="nsfw-helper", field="lora"),
        ),
        failures=(DetectorFailure(detector="image-nsfw", version="3.1.0", error="DetectorError: model not loaded"),),
        scored_at=_AT,
    )


#: sha256 and SimHash-64 (as a signed long) of the normalised prompt; the fingerprint is negative
#: on purpose, as half of all real ones are.
_CONTENT_HASH = sha256(_PROMPT.lower().encode()).hexdigest()
_FINGERPRINT = -0x3A5C_19E2_74B0_D6F1


def _moderation_decision() -> ModerationDecision:
    return ModerationDecision(
        decision_id="dec-0005",
        request_id=_REQUEST,
        user_id=_USER,
        subject=Subject(kind=SubjectKind.prompt_request, id=_REQUEST),
        action=ModerationAction.block,
        categories=("sexual/real_person",),
        reasons=("real_person >= 0.8 with sexual/adult >= 0.4",),
        policy_version=_POLICY,
        risk_event_id="evt-0004",
        decided_at=_AT,
        content_hash=_CONTENT_HASH,
        fingerprint=_FINGERPRINT,
    )


def _enforcement_action() -> EnforcementAction:
    return EnforcementAction(
        action_id="act-0006",
        user_id=_USER,
        action=EnforcementKind.block_generation,
        cause_decision_ids=("dec-0005",),
        request_id=_REQUEST,
        reasons=("blocked: sexual/real_person",),
        policy_version=_POLICY,
        issued_at=_AT,
    )


def _dead_letter() -> DeadLetter:
    return DeadLetter(
        dead_letter_id="dlq-0007",
        stage="decode",
        error_type="MalformedMessage",
        error="magic byte 123 is not 0 (17 bytes)",
        source_topic="prompts.submitted",
        source_partition=3,
        source_offset=1_048_577,
        source_key=_REQUEST.encode(),
        payload=b'{"prompt": "oops"}',
        failed_at=_AT,
    )


def _user_signal() -> UserSignal:
    return UserSignal(
        signal_id="sig-0009",
        user_id=_USER,
        kind=SignalKind.prompt_blocked,
        category="sexual/real_person",
        score=0.88,
        decision_id="dec-0005",
        request_id=_REQUEST,
        fingerprint=_FINGERPRINT,
        content_hash=_CONTENT_HASH,
        evidence=(
            Evidence(detector="celebrity-names", category="real_person", term="taylor swift", field="prompt",
                     start=0, end=12),
        ),
        image_uris=(f"s3://gen-images/{_REQUEST}/0.png",),
        occurred_at=_AT,
    )


def _review_task() -> ReviewTask:
    return ReviewTask(
        task_id="task-0010",
        subject=Subject(kind=SubjectKind.image, id=f"{_REQUEST}/0"),
        priority=80,
        reason_codes=("report:impersonation", "decision:block"),
        report_ids=("rep-0003",),
        decision_ids=("dec-0005",),
        user_id=_USER,
        created_at=_AT,
    )


def _review_verdict() -> ReviewVerdict:
    return ReviewVerdict(
        verdict_id="ver-0011",
        reviewer_id="mod-ana",
        user_id=_USER,
        outcome=ReviewOutcome.overturned,
        category="sexual/real_person",
        decision_id="dec-0005",
        report_id="rep-0003",
        task_id="task-0010",
        notes="Fictional character in period costume, not a real person.",
        reviewed_at=_AT,
    )


def _enforcement_reversed() -> EnforcementReversed:
    return EnforcementReversed(
        reversal_id="rev-0012",
        action_id="act-0006",
        user_id=_USER,
        cause_verdict_id="ver-0011",
        reasons=("review overturned: sexual/real_person",),
        policy_version=_POLICY,
        reversed_at=_AT,
    )


def _hotline_report() -> HotlineReport:
    image = f"{_REQUEST}/1"
    return HotlineReport(
        report_id="hot-0013",
        action_id="act-0014",
        user_id=_USER,
        incident_type=IncidentType.known_hash_match,
        user_identifiers={"user_id": _USER, "account_email_hash": sha256(b"user-42@example.com").hexdigest()},
        request_ids=(_REQUEST,),
        decision_ids=("dec-0005",),
        images=(ImageRef(uri=f"s3://gen-images/{image}.png", sha256=sha256(image.encode()).hexdigest(),
                         size_bytes=1_482_114, width=1024, height=1024),),
        evidence=(Evidence(detector="hash-match", category="sexual/minors", term="hashlist:2025-03", field="image"),),
        first_seen_at=datetime(2025, 3, 14, 9, 21, 7, 12000, tzinfo=UTC),
        reported_at=_AT,
        evidence_hold=True,
        policy_version=_POLICY,
    )


def _hash_bank_update() -> HashBankUpdate:
    return HashBankUpdate(
        update_id="hbu-0015", op=HashBankOp.add, kind=HashKind.pdq,
        hash="f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22",
        bank="ncmec-hashlist", label="csam", added_at=_AT,
    )


#: Model class to a builder of its example.
EXAMPLES: MappingProxyType[type[Event], Callable[[], Event]] = MappingProxyType(
    {
        PromptSubmitted: _prompt_submitted,
        GenerationCompleted: _generation_completed,
        ReportFiled: _report_filed,
        RiskScored: _risk_scored,
        ModerationDecision: _moderation_decision,
        EnforcementAction: _enforcement_action,
        DeadLetter: _dead_letter,
        UserSignal: _user_signal,
        ReviewTask: _review_task,
        ReviewVerdict: _review_verdict,
        EnforcementReversed: _enforcement_reversed,
        HotlineReport: _hotline_report,
        HashBankUpdate: _hash_bank_update,
    }
)


def example(cls: type[E]) -> E:
    """A realistic, valid instance of ``cls``."""
    return cast(E, EXAMPLES[cls]())
