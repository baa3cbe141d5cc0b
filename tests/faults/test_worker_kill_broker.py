"""Workers killed with SIGKILL in the middle of a stream: nothing is lost, nothing decided two ways."""

from __future__ import annotations

import os
import signal
import uuid
from pathlib import Path

import pytest

from ops.bench.procs import wait_for_members
from ops.broker import EmbeddedBroker
from schemas.models import EnforcementAction
from streams import topics
from tests.conftest import WorkerProcess, unique_settings
from tests.faults._stream import DECISIONS, PROMPTS, TIMEOUT, Outputs, inconsistent, request_ids, send, traffic

pytestmark = pytest.mark.broker
N = 2_000  # scripts/soak_faults.py runs the same with 20,000


def kill9(worker: WorkerProcess) -> None:
    os.kill(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait()


def assert_all_decided_once_each_way(out: Outputs, ids: list[str], *workers: WorkerProcess) -> None:
    decisions = out.decisions()
    missing = [r for r in ids if r not in decisions]
    logs = "\n---\n".join(w.log() for w in workers)
    assert not missing, f"{len(missing)} of {len(ids)} prompts never decided, e.g. {missing[:3]}; logs:\n{logs}"
    assert inconsistent(decisions) == {}
    actions: dict[str, set[tuple[str, tuple[str, ...]]]] = {}
    for a in out.of(EnforcementAction):
        actions.setdefault(a.action_id, set()).add((a.action.value, tuple(a.cause_decision_ids)))
    assert all(len(v) == 1 for v in actions.values()), "one action id issued for two different things"


def test_a_worker_killed_mid_stream_and_restarted_decides_every_prompt(broker: EmbeddedBroker, tmp_path: Path) -> None:
    s = unique_settings(broker, tmp_path)
    messages = traffic(N, run=f"k{uuid.uuid4().hex[:6]}")
    ids = request_ids(messages)
    worker = WorkerProcess(s)
    try:
        with Outputs(s, DECISIONS, topics.ENFORCEMENT_ACTIONS.name) as out:
            send(s, PROMPTS, ((m.key, m.value) for m in messages))
            assert out.read(lambda o: o.decided(ids) >= N // 4), f"no progress before the kill:\n{worker.log()}"
            before = out.decided(ids)
            kill9(worker)
            assert before < N, "the worker finished before it could be killed: raise N"
            worker = WorkerProcess(s)
            out.read(lambda o: o.decided(ids) == N, timeout=TIMEOUT * 2, quiet=2)
            assert_all_decided_once_each_way(out, ids, worker)
            redecided = sum(len(v) > 1 for v in out.decisions().values())
            print(f"killed after {before}/{N} decisions; {redecided} decided again after the restart, same ids")
    finally:
        worker.stop()


# Issue 7: this failed in 2 of 13 runs on a loaded machine. The first records of one partition (about
# a quarter of the prompts) were never decided, because a worker whose first assignment needed table
# recovery dropped a paused partition's records. See _ShortFetchConsumerThread in streams/app.py.
def test_when_one_of_two_workers_is_killed_the_other_takes_over_its_partitions(
    broker: EmbeddedBroker, tmp_path: Path,
) -> None:
    s = unique_settings(broker, tmp_path / "w1")
    first = WorkerProcess(s)
    second = WorkerProcess(s.model_copy(update={"data_dir": tmp_path / "w2"}))
    messages = traffic(N, run=f"g{uuid.uuid4().hex[:6]}")
    head, tail = messages[: N // 2], messages[N // 2 :]
    ids = request_ids(messages)
    try:
        wait_for_members([first, second], s.app_id, timeout=TIMEOUT)
        with Outputs(s, DECISIONS, topics.ENFORCEMENT_ACTIONS.name) as out:
            send(s, PROMPTS, ((m.key, m.value) for m in head))
            assert out.read(lambda o: o.decided(ids) >= N // 8), f"no progress:\n{first.log()}\n{second.log()}"
            kill9(first)
            send(s, PROMPTS, ((m.key, m.value) for m in tail))  # lands on every partition, the dead one's too
            out.read(lambda o: o.decided(ids) == N, timeout=TIMEOUT * 2, quiet=2)
            assert second.alive
            assert_all_decided_once_each_way(out, ids, first, second)
    finally:
        first.stop()
        second.stop()
