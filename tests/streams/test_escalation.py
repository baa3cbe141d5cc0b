"""Escalation as a pure function: ladder, decay, probing, child safety, reversal, replays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from schemas.models import EnforcementKind, SignalKind, UserSignal
from streams.escalation import EscalationPolicy, PolicyError, UserState, apply, points, window_counts

POLICY = EscalationPolicy.load()
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def signal(n: int, category: str, *, kind: SignalKind = SignalKind.prompt_blocked, score: float = 1.0,
           minutes: float = 0, fingerprint: int | None = None, decision: str | None = None) -> UserSignal:
    return UserSignal(
        signal_id=f"s-{n}", user_id="u-1", kind=kind, category=category, score=score,
        decision_id=decision or f"d-{n}", request_id=f"r-{n}", fingerprint=fingerprint,
        occurred_at=T0 + timedelta(minutes=minutes),
    )


def run(*signals: UserSignal) -> tuple[UserState, list[str]]:
    state, kinds = UserState(user_id="u-1"), []
    for s in signals:
        state, plans = apply(POLICY, state, s)
        kinds += [p.kind if p.kind == "reverse" else p.kind.value for p in plans]
    return state, kinds


def test_shipped_policy_loads_and_a_broken_one_fails_naming_the_file(tmp_path: Path) -> None:
    assert POLICY.version and [r.action for r in POLICY.ladder] == ["warn", "throttle", "human_review", "suspend", "ban"]
    bad = tmp_path / "p.toml"
    bad.write_text('version = "x"\nhalf_life_days = -1\n')
    with pytest.raises(PolicyError, match="p.toml"):
        EscalationPolicy.load(bad)


def test_high_confidence_minors_suspends_and_reports_once_whatever_the_history() -> None:
    state, kinds = run(*(signal(i, "sexual/minors", minutes=i) for i in range(5)))
    assert kinds.count("hotline_report") == 1
    assert kinds.count("suspend") == 1
    assert "ban" not in kinds  # a ban needs strikes a human upheld


def test_upheld_strikes_can_ban() -> None:
    state, _ = run(signal(1, "sexual/minors", decision="d-1"), signal(2, "sexual/minors", decision="d-2"))
    for n, d in ((3, "d-1"), (4, "d-2")):
        state, plans = apply(POLICY, state, signal(n, "sexual/minors", kind=SignalKind.review_upheld, decision=d))
    assert [i.kind.value for i in state.issued][-1] == "ban"


def test_low_confidence_minors_climbs_the_ladder_without_a_hotline_report() -> None:
    _, kinds = run(signal(1, "sexual/minors", kind=SignalKind.prompt_reviewed, score=0.5))
    assert "hotline_report" not in kinds and "suspend" not in kinds


def test_adult_content_blocks_warn_then_throttle_by_window_rule() -> None:
    _, kinds = run(*(signal(i, "sexual/adult", minutes=i) for i in range(10)))
    assert kinds[0] == "warn" and "throttle" in kinds and "suspend" not in kinds


FAR_APART = (0, 0x5555555555555555, -0x5555555555555556)  # pairwise Hamming distance >= 32


def test_probing_near_duplicates_escalate_faster_than_unrelated_blocks() -> None:
    same = run(*(signal(i, "sexual/real_person", minutes=i, fingerprint=0x0F0F) for i in range(2)))[0]
    unrelated = run(*(signal(i, "sexual/real_person", minutes=i, fingerprint=FAR_APART[i]) for i in range(2)))[0]
    now = T0 + timedelta(minutes=2)
    assert points(POLICY, same, now) == points(POLICY, unrelated, now)  # probing needs 2 earlier ones
    same3 = run(*(signal(i, "sexual/real_person", minutes=i, fingerprint=0x0F0F) for i in range(3)))[0]
    unrelated3 = run(*(signal(i, "sexual/real_person", minutes=i, fingerprint=FAR_APART[i]) for i in range(3)))[0]
    assert points(POLICY, same3, now) > points(POLICY, unrelated3, now) * 1.5


def test_strikes_decay_and_expire() -> None:
    state, _ = run(signal(1, "sexual/real_person"))
    assert points(POLICY, state, T0) == pytest.approx(25.0)
    assert points(POLICY, state, T0 + timedelta(days=14)) == pytest.approx(12.5)
    assert points(POLICY, state, T0 + timedelta(days=91)) == 0.0


def test_windowed_counters_per_kind_and_category() -> None:
    state, _ = run(signal(1, "sexual/adult"), signal(2, "sexual/adult", minutes=90), signal(3, "review", kind=SignalKind.prompt_reviewed, minutes=91))
    now = T0 + timedelta(minutes=91)
    assert window_counts(state, now, 60) == {("prompt_blocked", "sexual/adult"): 1, ("prompt_reviewed", "review"): 1}
    assert window_counts(state, now, 24 * 60)[("prompt_blocked", "sexual/adult")] == 2


def test_a_replayed_signal_changes_nothing_and_ids_are_deterministic() -> None:
    s = signal(1, "sexual/minors")
    state, plans = apply(POLICY, UserState(user_id="u-1"), s)
    again, replans = apply(POLICY, state, s)
    assert again == state and replans == []
    _, fresh = apply(POLICY, UserState(user_id="u-1"), s)
    assert [p.action_id for p in fresh] == [p.action_id for p in plans]


def test_overturned_review_removes_the_strike_and_reverses_what_it_caused() -> None:
    state, kinds = run(signal(1, "sexual/real_person", decision="d-x"))
    assert kinds == ["human_review"]
    verdict = signal(2, "sexual/real_person", kind=SignalKind.review_overturned, decision="d-x", minutes=5)
    state, plans = apply(POLICY, state, verdict)
    assert [p.kind for p in plans] == ["reverse"]
    assert points(POLICY, state, T0) == 0.0 and all(i.reversed for i in state.issued)


def test_an_upheld_minors_review_is_confirmed_child_safety() -> None:
    state, kinds = run(signal(1, "sexual/minors", kind=SignalKind.prompt_reviewed, score=0.5, decision="d-m"))
    assert "hotline_report" not in kinds
    state, plans = apply(POLICY, state, signal(2, "sexual/minors", kind=SignalKind.review_upheld, decision="d-m"))
    assert {p.kind for p in plans} >= {EnforcementKind.hotline_report, EnforcementKind.suspend}
    assert len(state.strikes) == 1 and state.strikes[0].status == "upheld"
