"""User escalation as a pure function: (policy, user state, signal) -> (new state, actions to issue).

The ``escalate_user`` agent keeps one ``UserState`` per user in a changelog-backed table and
calls ``apply`` for each ``UserSignal``. Everything here is deterministic in its inputs (the
clock is the signal's own time), so a replayed signal yields the same state and action ids.
"""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schemas.errors import ModstreamError
from schemas.models import EnforcementKind, SignalKind, UserSignal
from streams.events import stable_id

LADDER_ORDER = ("warn", "throttle", "human_review", "suspend", "ban")
CHILD_SAFETY = "sexual/minors"
_MAX_STRIKES = 500  # per user; the oldest go first (they have decayed the most)
_MAX_SEEN = 256


class PolicyError(ModstreamError):
    """The escalation policy file is missing or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rung(_Strict):
    action: Literal["warn", "throttle", "human_review", "suspend", "ban"]
    points: float = Field(gt=0)
    #: Count only strikes a human upheld: automation may suspend, a ban needs a person.
    confirmed_only: bool = False


class WindowRule(_Strict):
    category: str
    window_minutes: float = Field(gt=0)
    count: int = Field(ge=1)
    action: Literal["warn", "throttle", "human_review", "suspend", "ban"]


class Probing(_Strict):
    window_minutes: float = Field(gt=0)
    min_near_duplicates: int = Field(ge=1)
    max_hamming: int = Field(ge=0, le=64)
    multiplier: float = Field(ge=1)


class ChildSafety(_Strict):
    min_score: float = Field(ge=0, le=1)
    incident_window_days: float = Field(gt=0)


class EscalationPolicy(_Strict):
    """The declarative ladder, weights, windows and child-safety rule (ops/escalation.toml)."""

    version: str
    half_life_days: float = Field(gt=0)
    strike_expiry_days: float = Field(gt=0)
    weights: dict[str, float]
    ladder: tuple[Rung, ...]
    windows: tuple[WindowRule, ...] = ()
    probing: Probing
    child_safety: ChildSafety

    @classmethod
    def load(cls, path: Path | None = None) -> EscalationPolicy:
        path = path or Path(__file__).resolve().parent.parent / "ops" / "escalation.toml"
        try:
            return cls.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
            raise PolicyError(f"escalation policy {path}: {exc}") from exc

    def weight(self, signal: UserSignal) -> float:
        key = "review" if signal.kind == SignalKind.prompt_reviewed else signal.category
        return self.weights.get(key, 0.0)


class Strike(_Strict):
    signal_id: str
    decision_id: str
    kind: SignalKind
    category: str
    weight: float
    at: datetime
    fingerprint: int | None = None
    content_hash: str | None = None
    status: Literal["active", "upheld", "overturned"] = "active"


class Issued(_Strict):
    action_id: str
    kind: EnforcementKind
    cause_decision_ids: tuple[str, ...]
    at: datetime
    reversed: bool = False


class UserState(_Strict):
    """Everything escalation remembers about one user (JSON in the table's changelog)."""

    user_id: str
    strikes: tuple[Strike, ...] = ()
    issued: tuple[Issued, ...] = ()
    hotline_at: datetime | None = None
    seen: tuple[str, ...] = ()


class Planned(_Strict):
    """An action ``apply`` decided on; the agent turns it into an event."""

    action_id: str
    kind: EnforcementKind | Literal["reverse"]
    cause_decision_ids: tuple[str, ...]
    reasons: tuple[str, ...]
    reverses: str | None = None


def points(policy: EscalationPolicy, state: UserState, now: datetime, *, confirmed_only: bool = False) -> float:
    """Decayed strike points: each strike halves every ``half_life_days``."""
    total = 0.0
    for strike in state.strikes:
        age_days = max((now - strike.at).total_seconds(), 0.0) / 86400
        counted = strike.status == "upheld" if confirmed_only else strike.status != "overturned"
        if counted and age_days <= policy.strike_expiry_days:
            total += strike.weight * 0.5 ** (age_days / policy.half_life_days)
    return total


def window_counts(state: UserState, now: datetime, minutes: float) -> dict[tuple[str, str], int]:
    """Active signals per (kind, category) in the last ``minutes``: the windowed counters."""
    since = now - timedelta(minutes=minutes)
    counts: dict[tuple[str, str], int] = {}
    for s in state.strikes:
        if s.at >= since and s.status != "overturned":
            counts[(s.kind.value, s.category)] = counts.get((s.kind.value, s.category), 0) + 1
    return counts


def level(state: UserState) -> int:
    """The highest ladder rung in force (-1: none)."""
    rungs = [LADDER_ORDER.index(i.kind.value) for i in state.issued if not i.reversed and i.kind.value in LADDER_ORDER]
    return max(rungs, default=-1)


def _near_duplicates(policy: EscalationPolicy, state: UserState, signal: UserSignal) -> int:
    if signal.fingerprint is None or signal.kind != SignalKind.prompt_blocked:
        return 0
    since = signal.occurred_at - timedelta(minutes=policy.probing.window_minutes)
    return sum(
        1 for s in state.strikes
        if s.kind == SignalKind.prompt_blocked and s.fingerprint is not None and s.at >= since
        and (s.fingerprint ^ signal.fingerprint).bit_count() <= policy.probing.max_hamming
    )


def overturned_content(state: UserState, signal: UserSignal) -> list[tuple[str, str]]:
    """(content hash, category) of what an overturning review cleared: the review's memory."""
    if signal.kind != SignalKind.review_overturned:
        return []
    return [(s.content_hash, s.category) for s in state.strikes
            if s.decision_id == signal.decision_id and s.content_hash]


def _plan(user_id: str, kind: EnforcementKind, trigger: str, reasons: list[str]) -> Planned:
    return Planned(
        action_id=stable_id("enforcement", user_id, kind.value, trigger),
        kind=kind, cause_decision_ids=(trigger,), reasons=tuple(reasons),
    )


def _overturn(state: UserState, signal: UserSignal) -> tuple[UserState, list[Planned]]:
    strikes = tuple(s.model_copy(update={"status": "overturned"}) if s.decision_id == signal.decision_id else s
                    for s in state.strikes)
    overturned = {s.decision_id for s in strikes if s.status == "overturned"}
    plans, issued = [], []
    for action in state.issued:
        if not action.reversed and set(action.cause_decision_ids) <= overturned:
            plans.append(Planned(
                action_id=stable_id("reversal", action.action_id), kind="reverse",
                cause_decision_ids=(signal.decision_id,), reverses=action.action_id,
                reasons=(f"review {signal.signal_id} overturned decision {signal.decision_id}",),
            ))
            action = action.model_copy(update={"reversed": True})
        issued.append(action)
    return state.model_copy(update={"strikes": strikes, "issued": tuple(issued)}), plans


def apply(policy: EscalationPolicy, state: UserState, signal: UserSignal) -> tuple[UserState, list[Planned]]:
    """Fold one signal into the user's state; returns the state and the actions to issue."""
    if signal.signal_id in state.seen:
        return state, []  # a redelivery: already folded in
    state = state.model_copy(update={"seen": (*state.seen, signal.signal_id)[-_MAX_SEEN:]})
    if signal.kind == SignalKind.review_overturned:
        return _overturn(state, signal)

    now, plans = signal.occurred_at, []
    weight, reasons = policy.weight(signal), [f"{signal.category}: {signal.kind.value} ({signal.decision_id})"]
    dupes = _near_duplicates(policy, state, signal)
    if dupes >= policy.probing.min_near_duplicates:
        weight *= policy.probing.multiplier
        reasons.append(f"probing: {dupes} near-duplicate blocked prompts in {policy.probing.window_minutes:g} min")
    upheld = signal.kind in (SignalKind.review_upheld, SignalKind.report_upheld)
    strikes = tuple(s.model_copy(update={"status": "upheld"}) if upheld and s.decision_id == signal.decision_id else s
                    for s in state.strikes)
    if not (upheld and any(s.decision_id == signal.decision_id for s in state.strikes)):
        strikes = (*strikes, Strike(
            signal_id=signal.signal_id, decision_id=signal.decision_id, kind=signal.kind,
            category=signal.category, weight=weight, at=now, fingerprint=signal.fingerprint,
            content_hash=signal.content_hash, status="upheld" if upheld else "active",
        ))[-_MAX_STRIKES:]
    state = state.model_copy(update={"strikes": strikes})

    if signal.category == CHILD_SAFETY and (upheld or signal.score >= policy.child_safety.min_score):
        why = [*reasons, "child safety: suspend and report to the hotline, whatever the history"]
        if level(state) < LADDER_ORDER.index("suspend"):
            plans.append(_plan(state.user_id, EnforcementKind.suspend, signal.decision_id, why))
        window = timedelta(days=policy.child_safety.incident_window_days)
        if state.hotline_at is None or now - state.hotline_at > window:
            plans.append(_plan(state.user_id, EnforcementKind.hotline_report, signal.decision_id, why))
            state = state.model_copy(update={"hotline_at": now})

    target, total = -1, points(policy, state, now)
    confirmed = points(policy, state, now, confirmed_only=True)
    for rung in policy.ladder:
        if (confirmed if rung.confirmed_only else total) >= rung.points:
            target = max(target, LADDER_ORDER.index(rung.action))
    for rule in policy.windows:
        count = sum(n for (_, cat), n in window_counts(state, now, rule.window_minutes).items() if cat == rule.category)
        if count >= rule.count:
            target = max(target, LADDER_ORDER.index(rule.action))
            reasons.append(f"{count} {rule.category} signals in {rule.window_minutes:g} min")
    current = max(level(state), *(LADDER_ORDER.index(p.kind.value) for p in plans if p.kind.value in LADDER_ORDER), -1)
    if target > current:
        kind = EnforcementKind(LADDER_ORDER[target])
        plans.append(_plan(state.user_id, kind, signal.decision_id, [*reasons, f"{total:.1f} strike points"]))

    issued = tuple(Issued(action_id=p.action_id, kind=p.kind, cause_decision_ids=p.cause_decision_ids, at=now)
                   for p in plans if p.kind != "reverse")
    return state.model_copy(update={"issued": (*state.issued, *issued)}), plans
