"""Report triage: one task per subject, repeat reporters ignored, priority by severity and risk."""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.models import ReportFiled, ReportReason, Subject, SubjectKind
from streams.reports import SubjectReports, priority, triage


def report(n: int, reporter: str, reason: ReportReason, kind: SubjectKind = SubjectKind.image, subject: str = "img-1") -> ReportFiled:
    return ReportFiled(report_id=f"rep-{n}", reporter_id=reporter, subject=Subject(kind=kind, id=subject),
                       reason_code=reason, filed_at=datetime(2026, 11, 25, tzinfo=UTC))


def test_same_reporter_same_subject_is_deduplicated() -> None:
    state, first = triage(SubjectReports(), report(1, "a", ReportReason.spam), 0.0)
    state, again = triage(state, report(2, "a", ReportReason.spam), 0.0)
    assert first is not None and again is None and state.report_ids == ("rep-1",)


def test_new_reporters_reissue_one_task_with_rising_priority() -> None:
    state, t1 = triage(SubjectReports(), report(1, "a", ReportReason.sexual_content), 0.0)
    state, t2 = triage(state, report(2, "b", ReportReason.child_sexual_abuse), 0.0)
    assert t1 and t2 and t1.task_id == t2.task_id
    assert t2.priority > t1.priority and t2.report_ids == ("rep-1", "rep-2")
    assert set(t2.reason_codes) == {"sexual_content", "child_sexual_abuse"}


def test_priority_orders_child_safety_first_and_counts_subject_risk() -> None:
    assert priority(("child_sexual_abuse",), 1, 0) > priority(("non_consensual_intimate",), 1, 0) > priority(("spam",), 1, 0)
    assert priority(("harassment",), 1, 120.0) > priority(("harassment",), 1, 0.0)
    assert priority(("child_sexual_abuse",), 50, 1e9) == 100


def test_user_subjects_carry_the_user_id() -> None:
    _, task = triage(SubjectReports(), report(1, "a", ReportReason.harassment, SubjectKind.user, "u-9"), 0.0)
    assert task is not None and task.user_id == "u-9"
