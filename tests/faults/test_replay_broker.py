"""Replays yield the same ids: the guarantee modstream relies on instead of exactly-once.

faust's ``exactly_once`` needs a transactional producer, which the embedded broker refuses to
aiokafka (``python -m ops.bench.exactly_once`` shows it). So delivery is at-least-once and every
output id is derived from its cause (``streams.events.stable_id``). Here the worker's consumer group
is reset to the beginning and everything is processed again, then a fresh worker with empty state
(a new consumer group) processes it a third time: decisions, enforcement actions and hotline
reports come out with exactly the ids of the first pass, and nothing new is issued.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from kafka import KafkaConsumer
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.structs import OffsetAndMetadata

from ops.broker import EmbeddedBroker
from ops.kafka_admin import create_topics
from ops.settings import Settings
from schemas import encode
from schemas.models import EnforcementAction, HotlineReport
from streams import topics
from tests.conftest import WorkerProcess, unique_settings
from tests.faults._stream import DECISIONS, PROMPTS, TIMEOUT, Outputs, inconsistent, request_ids, send, traffic
from tests.streams.test_escalation_broker import OBFUSCATED_MINOR_PROMPTS
from tests.streams.test_pipeline_broker import prompt

pytestmark = pytest.mark.broker
SOURCES = (PROMPTS, DECISIONS, topics.USER_SIGNALS.name, topics.REPORTS_FILED.name, topics.REVIEW_VERDICTS.name)
OUTPUTS = (DECISIONS, topics.ENFORCEMENT_ACTIONS.name, topics.HOTLINE_REPORTS.name)
OFFENDERS = 3


def offender_prompts() -> list[tuple[bytes, bytes]]:
    start = datetime.now(UTC)
    out = []
    for _ in range(OFFENDERS):
        user = f"u-{uuid.uuid4().hex[:6]}"
        for i, text in enumerate(OBFUSCATED_MINOR_PROMPTS):
            p = prompt(text, user=user).model_copy(update={"submitted_at": start + timedelta(minutes=2 * i)})
            out.append((p.request_id.encode(), encode(p)))
    return out


class _FaustNamedRange(RangePartitionAssignor):
    name = "faust"  # sole member, so plain range assignment: it gets every partition


def reset_to_beginning(s: Settings, timeout: float = 60) -> None:
    """Rewind the worker's consumer group to offset 0 on every source partition.

    The admin API's offset reset (``reset_group_offsets``) is refused by the embedded broker with
    UnknownMemberId, even long after the group emptied; so this joins the group as a plain
    consumer, takes every partition, commits 0 and leaves, as ``kafka-consumer-groups
    --reset-offsets`` would on an empty group. It must speak the group's protocol name ("faust"):
    the broker remembers it and refuses a member offering only another.
    """
    consumer = KafkaConsumer(*(s.topic(t) for t in SOURCES), bootstrap_servers=s.bootstrap, group_id=s.app_id,
                             enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=1000,
                             partition_assignment_strategy=[_FaustNamedRange], client_id="modstream-offset-reset")
    wanted = len(SOURCES) * s.partitions
    deadline = time.monotonic() + timeout
    try:
        while len(consumer.assignment()) < wanted and time.monotonic() < deadline:
            consumer.poll(timeout_ms=200, max_records=1)
        assigned = consumer.assignment()
        assert len(assigned) == wanted, f"took {len(assigned)} of {wanted} partitions"
        consumer.commit({tp: OffsetAndMetadata(0, "", -1) for tp in assigned})
        assert all(consumer.committed(tp) == 0 for tp in assigned)
    finally:
        consumer.close()


def snapshot(out: Outputs) -> dict[str, object]:
    actions = out.of(EnforcementAction)
    return {
        "decision_ids": {rid: {d.decision_id for d in ds} for rid, ds in out.decisions().items()},
        "action_ids": {a.action_id for a in actions},
        "hotline_ids": {r.report_id for r in out.of(HotlineReport)},
        "block_records": sum(a.action.value == "block_generation" for a in actions),
    }


def run_until_decided(s: Settings, ids: list[str], times: int) -> dict[str, object]:
    """Run a worker until every request has ``times`` decision records, then a quiet spell."""
    worker = WorkerProcess(s)
    try:
        with Outputs(s, *OUTPUTS) as out:
            done = out.read(lambda o: all(len(o.decisions().get(r, ())) >= times for r in ids),
                            timeout=TIMEOUT * 2, quiet=4)
            assert done, f"pass {times} incomplete; worker log:\n{worker.log()}"
            assert inconsistent(out.decisions()) == {}
            return snapshot(out)
    finally:
        worker.stop()


def test_replaying_from_the_beginning_issues_the_same_ids_and_nothing_new(
    broker: EmbeddedBroker, tmp_path: Path,
) -> None:
    s = unique_settings(broker, tmp_path / "first")
    mix = traffic(200, run=f"r{uuid.uuid4().hex[:6]}")
    offenders = offender_prompts()
    send(s, PROMPTS, [*((m.key, m.value) for m in mix), *offenders])
    ids = request_ids(mix) + [k.decode() for k, _ in offenders]

    first = run_until_decided(s, ids, times=1)
    assert len(first["hotline_ids"]) >= OFFENDERS, "the offenders should have been reported"

    reset_to_beginning(s)
    second = run_until_decided(s, ids, times=2)

    fresh = s.model_copy(update={"app_id": f"{s.app_id}-fresh", "data_dir": tmp_path / "fresh"})
    create_topics(fresh.bootstrap, topics.specs(fresh))  # its own changelogs: empty state
    third = run_until_decided(fresh, ids, times=3)

    for later in (second, third):
        assert later["decision_ids"] == first["decision_ids"]  # one id per request, whatever the pass
        assert later["action_ids"] == first["action_ids"]
        assert later["hotline_ids"] == first["hotline_ids"]
    assert third["block_records"] > second["block_records"] > first["block_records"], "the replays did happen"
    blocks = "/".join(str(p["block_records"]) for p in (first, second, third))
    print(f"{len(ids)} prompts x 3 passes: {len(first['action_ids'])} action ids, {len(first['hotline_ids'])} hotline "
          f"report ids, block_generation records {blocks}")
