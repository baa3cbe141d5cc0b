"""Report triage as pure functions: de-duplication per reporter and subject, and a priority."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from schemas.models import ReportFiled, ReportReason, ReviewTask, SubjectKind
from streams.events import stable_id

#: How urgent each reason is on its own (0..100); child safety first.
SEVERITY: dict[ReportReason, int] = {
    ReportReason.child_sexual_abuse: 90,
    ReportReason.non_consensual_intimate: 75,
    ReportReason.sexual_content: 45,
    ReportReason.impersonation: 35,
    ReportReason.harassment: 35,
    ReportReason.other: 20,
    ReportReason.spam: 10,
}
_PER_EXTRA_REPORTER, _MAX_REPORTER_BONUS, _MAX_RISK_BONUS = 3, 12, 15
_MAX_REPORTERS_KEPT = 200


class SubjectReports(BaseModel):
    """What the triage table keeps per reported subject (JSON in the changelog)."""

    model_config = ConfigDict(frozen=True)
    reporters: tuple[str, ...] = ()
    report_ids: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


def priority(reasons: tuple[str, ...], reporters: int, subject_risk: float) -> int:
    """0..100: the gravest reason, plus a little per extra reporter and for a risky subject.

    ``subject_risk`` is the subject's decayed strike points (0 when unknown).
    """
    base = max((SEVERITY.get(ReportReason(r), 20) for r in reasons), default=20)
    bonus = min(_PER_EXTRA_REPORTER * max(reporters - 1, 0), _MAX_REPORTER_BONUS)
    risk = min(int(subject_risk / 10), _MAX_RISK_BONUS)
    return min(base + bonus + risk, 100)


def triage(state: SubjectReports, report: ReportFiled, subject_risk: float) -> tuple[SubjectReports, ReviewTask | None]:
    """Fold a report into its subject's record; a repeat by the same reporter yields no task.

    There is one task per subject (``task_id`` from the subject): each new reporter re-issues it
    with the reports so far and a fresh priority, and the review queue upserts by id.
    """
    if report.reporter_id in state.reporters:
        return state, None
    state = SubjectReports(
        reporters=(*state.reporters, report.reporter_id)[-_MAX_REPORTERS_KEPT:],
        report_ids=(*state.report_ids, report.report_id)[-_MAX_REPORTERS_KEPT:],
        reasons=tuple(sorted({*state.reasons, report.reason_code.value})),
    )
    subject = report.subject
    task = ReviewTask(
        task_id=stable_id("review-task", subject.kind.value, subject.id),
        subject=subject,
        priority=priority(state.reasons, len(state.reporters), subject_risk),
        reason_codes=state.reasons,
        report_ids=state.report_ids,
        user_id=subject.id if subject.kind == SubjectKind.user else None,
        created_at=report.filed_at,
    )
    return state, task
