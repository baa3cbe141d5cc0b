"""Pure constructors of outgoing events from incoming ones, with deterministic ids.

Ids are UUIDv5 over the cause, so a redelivered or replayed input yields the very same
output ids: consumers dedupe on them, and at-least-once delivery stays harmless.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from detectors.base import Action, Assessment, PromptInput, Screening, Verdict
from detectors.images.base import ImageAssessment, ImageScreening, ImageVerdict
from schemas.models import (
    DeadLetter,
    DetectorFailure,
    DetectorVersion,
    EnforcementAction,
    EnforcementKind,
    EnforcementReversed,
    Evidence,
    GenerationCompleted,
    HotlineReport,
    IncidentType,
    ModerationAction,
    ModerationDecision,
    PromptSubmitted,
    ReviewOutcome,
    ReviewVerdict,
    RiskScored,
    SignalKind,
    Subject,
    SubjectKind,
    UserSignal,
)

#: Categories from gravest to mildest: a signal names the gravest one a decision carries.
SEVERITY_ORDER = ("sexual/minors", "sexual/real_person", "sexual/adult")

_NAMESPACE = uuid.UUID("5b0e5b9e-6a4c-4e0c-9d0e-6d6f64737472")  # fixed forever: ids depend on it


def stable_id(*parts: object) -> str:
    """A UUIDv5 over ``parts``: the same cause always gets the same id."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(str(p) for p in parts)))


def now() -> datetime:
    return datetime.now(UTC)


def prompt_input(event: PromptSubmitted) -> PromptInput:
    return PromptInput(
        request_id=event.request_id,
        prompt=event.prompt,
        negative_prompt=event.negative_prompt,
        model_id=event.model_id,
        lora_ids=tuple(event.lora_ids),
        embedding_ids=tuple(event.embedding_ids),
        mature_content_allowed=event.mature_content_allowed,
        submitted_at=event.submitted_at,
    )


def rejected(reason: str, policy_version: str, request_id: str) -> Screening:
    """A fail-closed block for input that cannot be screened as given (e.g. oversized)."""
    verdict = Verdict(action=Action.BLOCK, reasons=(reason,), policy_version=policy_version)
    return Screening(assessment=Assessment(request_id=request_id), verdict=verdict)


def risk_scored(event: PromptSubmitted, screening: Screening) -> RiskScored:
    assessment = screening.assessment
    versions = sorted({(r.detector, r.version) for r in assessment.results})
    return RiskScored(
        event_id=stable_id("risk", event.event_id, *versions),
        request_id=event.request_id,
        user_id=event.user_id,
        subject=Subject(kind=SubjectKind.prompt_request, id=event.request_id),
        scores={str(c): round(v, 6) for c, v in assessment.scores.items()},
        detectors=[DetectorVersion(name=n, version=v) for n, v in versions],
        evidence=[
            Evidence(
                detector=e.detector, category=str(e.category), term=e.term,
                field=e.field, start=e.start, end=e.end,
            )
            for e in assessment.evidence
        ],
        failures=[
            DetectorFailure(detector=f.detector, version=f.version, error=f.error)
            for f in assessment.failures
        ],
        scored_at=now(),
    )


def moderation_decision(
    event: PromptSubmitted,
    screening: Screening,
    risk_event_id: str | None,
    *,
    content_hash: str | None = None,
    fingerprint: int | None = None,
) -> ModerationDecision:
    verdict = screening.verdict
    return ModerationDecision(
        decision_id=stable_id("decision", event.event_id, verdict.policy_version),
        request_id=event.request_id,
        user_id=event.user_id,
        subject=Subject(kind=SubjectKind.prompt_request, id=event.request_id),
        action=ModerationAction(verdict.action.value),
        categories=[str(c) for c in verdict.categories],
        reasons=list(verdict.reasons),
        policy_version=verdict.policy_version,
        risk_event_id=risk_event_id,
        decided_at=now(),
        content_hash=content_hash,
        fingerprint=fingerprint,
    )


def enforcement_for(decision: ModerationDecision) -> EnforcementAction | None:
    """What a decision asks of enforcement systems on its own (user escalation is stateful)."""
    if decision.action != ModerationAction.block:
        return None
    kind = EnforcementKind.block_generation
    return EnforcementAction(
        action_id=stable_id("enforcement", decision.decision_id, kind.value),
        user_id=decision.user_id,
        action=kind,
        cause_decision_ids=[decision.decision_id],
        request_id=decision.request_id,
        reasons=list(decision.reasons),
        policy_version=decision.policy_version,
        issued_at=now(),
    )


def dead_letter(
    *,
    stage: str,
    error: BaseException,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    payload: bytes,
    max_payload: int,
) -> DeadLetter:
    """The envelope for a message that failed ``stage``: enough to find, inspect and replay it."""
    return DeadLetter(
        dead_letter_id=stable_id("deadletter", stage, topic, partition, offset),
        stage=stage,
        error_type=type(error).__name__,
        error=str(error)[:2000],
        source_topic=topic,
        source_partition=partition,
        source_offset=offset,
        source_key=key,
        payload=payload[:max_payload],
        failed_at=now(),
    )


def remembered_false_positive(screening: Screening, overturned: set[str]) -> Screening:
    """Allow what human review already overturned for this exact content; anything new still counts."""
    verdict = screening.verdict
    fired = {str(c) for c in verdict.categories} or {"review"}
    if verdict.action == Action.ALLOW or not overturned or not fired <= overturned:
        return screening
    allowed = verdict.model_copy(update={
        "action": Action.ALLOW,
        "reasons": (*verdict.reasons, "allowed: human review overturned this trigger on this content"),
    })
    return screening.model_copy(update={"verdict": allowed})


def gravest(categories: list[str] | tuple[str, ...]) -> str:
    for category in SEVERITY_ORDER:
        if category in categories:
            return category
    return categories[0] if categories else "review"


def user_signal(prompt: PromptSubmitted, decision: ModerationDecision, risk: RiskScored) -> UserSignal | None:
    """What a block or review counts against the user; nothing for an allow."""
    if decision.action == ModerationAction.allow:
        return None
    category = gravest(decision.categories)
    kind = SignalKind.prompt_blocked if decision.action == ModerationAction.block else SignalKind.prompt_reviewed
    return UserSignal(
        signal_id=stable_id("signal", decision.decision_id),
        user_id=decision.user_id, kind=kind, category=category,
        score=risk.scores.get(category, 0.0), decision_id=decision.decision_id,
        request_id=decision.request_id, fingerprint=decision.fingerprint,
        content_hash=decision.content_hash,
        evidence=[e for e in risk.evidence if e.category == category][:16],
        occurred_at=prompt.submitted_at,  # event time: a replay folds in the same way
    )


def verdict_signal(verdict: ReviewVerdict) -> UserSignal | None:
    """A moderator's verdict as a signal about the user; ``escalated`` changes nothing yet."""
    cause = verdict.decision_id or verdict.report_id
    if verdict.outcome == ReviewOutcome.escalated or cause is None:
        return None
    if verdict.outcome == ReviewOutcome.overturned:
        kind = SignalKind.review_overturned
    else:
        kind = SignalKind.review_upheld if verdict.decision_id else SignalKind.report_upheld
    return UserSignal(
        signal_id=stable_id("signal", verdict.verdict_id), user_id=verdict.user_id, kind=kind,
        category=verdict.category, score=1.0, decision_id=cause, occurred_at=verdict.reviewed_at,
    )


def enforcement_action(user_id: str, plan_id: str, kind: EnforcementKind, causes: tuple[str, ...],
                       reasons: tuple[str, ...], policy_version: str, request_id: str | None,
                       at: datetime) -> EnforcementAction:
    return EnforcementAction(
        action_id=plan_id, user_id=user_id, action=kind, cause_decision_ids=causes,
        request_id=request_id, reasons=reasons, policy_version=policy_version, issued_at=at,
    )


def reversal(user_id: str, plan_id: str, action_id: str, verdict_signal_id: str,
             reasons: tuple[str, ...], policy_version: str, at: datetime) -> EnforcementReversed:
    return EnforcementReversed(
        reversal_id=plan_id, action_id=action_id, user_id=user_id,
        cause_verdict_id=verdict_signal_id, reasons=reasons, policy_version=policy_version,
        reversed_at=at,
    )


def hotline_report(action: EnforcementAction, signal: UserSignal, first_seen: datetime) -> HotlineReport:
    """The child-safety report for ``action``: who, what, when, the evidence, and a hold on it."""
    incident = IncidentType.child_sexual_abuse_image if signal.images or signal.image_uris else IncidentType.child_sexual_abuse_prompt
    return HotlineReport(
        report_id=stable_id("hotline", action.action_id), action_id=action.action_id,
        user_id=action.user_id, incident_type=incident,
        user_identifiers={"user_id": action.user_id},
        request_ids=[signal.request_id] if signal.request_id else [],
        decision_ids=list(action.cause_decision_ids), evidence=signal.evidence, images=signal.images,
        first_seen_at=first_seen, reported_at=now(), evidence_hold=True,
        policy_version=action.policy_version,
    )


def image_risk_scored(generation: GenerationCompleted, index: int, screening: ImageScreening) -> RiskScored:
    a = screening.assessment
    versions = sorted({(r.detector, r.version) for r in a.results})
    ref = generation.images[index]
    return RiskScored(
        event_id=stable_id("image-risk", generation.event_id, index, *versions),
        request_id=generation.request_id, user_id=generation.user_id,
        subject=Subject(kind=SubjectKind.image, id=ref.sha256),
        scores={str(c): round(v, 6) for c, v in a.scores.items()},
        detectors=[DetectorVersion(name=n, version=v) for n, v in versions],
        evidence=[Evidence(detector=e.detector, category=str(e.category), term=e.term, field="image") for e in a.evidence],
        failures=[DetectorFailure(detector=f.detector, version=f.version, error=f.error) for f in a.failures],
        scored_at=now(),
    )


def image_decision(generation: GenerationCompleted, index: int, screening: ImageScreening,
                   risk_event_id: str | None) -> ModerationDecision:
    v = screening.verdict
    return ModerationDecision(
        decision_id=stable_id("image-decision", generation.event_id, index, v.policy_version),
        request_id=generation.request_id, user_id=generation.user_id,
        subject=Subject(kind=SubjectKind.image, id=generation.images[index].sha256),
        action=ModerationAction(v.action.value), categories=[str(c) for c in v.categories],
        reasons=list(v.reasons), policy_version=v.policy_version, risk_event_id=risk_event_id,
        decided_at=now(),
    )


def image_rejected(request_id: str, reason: str, policy_version: str) -> ImageScreening:
    """A fail-closed review for an image that could not be fetched or read."""
    verdict = ImageVerdict(action=Action.REVIEW, reasons=(reason,), policy_version=policy_version)
    return ImageScreening(assessment=ImageAssessment(request_id=request_id), verdict=verdict)


def image_signal(generation: GenerationCompleted, index: int, screening: ImageScreening,
                 decision: ModerationDecision, risk: RiskScored) -> UserSignal | None:
    """What a flagged image counts against its user: child safety, evasion by wording, or the category."""
    v = screening.verdict
    if decision.action == ModerationAction.allow:
        return None
    if v.hotline:
        category, score = "sexual/minors", 1.0
    elif v.evasion:
        category, score = "generation/evasion", 1.0
    else:
        category = gravest(decision.categories)
        score = risk.scores.get(category, 0.5)
    ref = generation.images[index]
    return UserSignal(
        signal_id=stable_id("signal", decision.decision_id), user_id=generation.user_id,
        kind=SignalKind.generation_flagged, category=category, score=score,
        decision_id=decision.decision_id, request_id=generation.request_id,
        evidence=list(risk.evidence)[:16], image_uris=[ref.uri], images=[ref],
        occurred_at=generation.completed_at,
    )
