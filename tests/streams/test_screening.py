"""Prompt screening in a real process pool: the same answers as inline, and fail-closed when it breaks."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from detectors import PromptScreener
from detectors.base import PromptInput
from schemas import encode
from schemas.models import ModerationDecision
from streams.screening import Screened, ScreeningStage, screen_items
from tests.streams.test_agents import run_agent
from tests.streams.test_pipeline_broker import prompt

TEXTS = ("a red fox in snow", "nude 12 year old girl", "nude woman on a beach", "portrait of an old sailor")


@pytest.fixture(scope="module")
def screener() -> PromptScreener:
    return PromptScreener.default()


@pytest.fixture(scope="module")
def pooled(screener: PromptScreener) -> Iterator[ScreeningStage]:
    stage = ScreeningStage(screener, workers=1)  # every batch to the pool, however small
    asyncio.run(stage.warm())
    yield stage
    stage.close()


def items() -> list[PromptInput]:
    return [PromptInput(request_id=f"r{i}", prompt=t, mature_content_allowed=i % 2 == 0) for i, t in enumerate(TEXTS)]


def test_the_pool_screens_exactly_as_inline(screener: PromptScreener, pooled: ScreeningStage) -> None:
    inline = screen_items(screener, items())
    assert asyncio.run(pooled.screen(items())) == inline
    actions = [s.screening.verdict.action.value for s in inline]
    assert actions[0] == "allow" and actions[1] == "block"
    # Every prompt has its content hash; only what was not allowed carries a SimHash.
    assert all(s.digest and len(s.digest) == 64 for s in inline)
    assert [s.simhash is not None for s in inline] == [a != "allow" for a in actions]


def pool_batches(stage: ScreeningStage) -> list[int]:
    """The sizes of the batches ``stage`` sends to its pool from now on."""
    sizes: list[int] = []
    to_pool = stage._in_pool

    async def spy(batch: list[PromptInput]) -> list[Screened]:
        sizes.append(len(batch))
        return await to_pool(batch)

    stage._in_pool = spy  # type: ignore[method-assign]
    return sizes


def test_batches_that_waited_little_stay_in_the_loop(screener: PromptScreener) -> None:
    stage = ScreeningStage(screener, workers=1, pool_min_lag_s=0.05)
    pooled_batches = pool_batches(stage)
    try:
        assert stage._pool is not None and stage._pool._processes  # warming starts at construction
        asyncio.run(stage.warm())
        fresh = asyncio.run(stage.screen(items(), lag_s=0.01))  # light load: no hop
        assert pooled_batches == []
        backlog = asyncio.run(stage.screen(items(), lag_s=0.5))  # a backlog: the pool's core
        assert pooled_batches == [len(items())]
        assert fresh == backlog == screen_items(screener, items())
    finally:
        stage.close()


def test_a_killed_pool_fails_its_batch_closed_and_recovers(pooled: ScreeningStage) -> None:
    assert pooled._pool is not None
    for process in list(pooled._pool._processes.values()):
        os.kill(process.pid, signal.SIGKILL)
    broken = asyncio.run(pooled.screen(items()))
    assert {s.screening.verdict.action.value for s in broken} == {"review"}
    assert all("BrokenProcessPool" in s.screening.verdict.reasons[0] for s in broken)
    again = asyncio.run(pooled.screen(items()))
    assert [s.screening.verdict.action.value for s in again][:2] == ["allow", "block"]


def test_the_agent_decides_through_the_pool(tmp_path: Path, screener: PromptScreener) -> None:
    stage = ScreeningStage(screener, workers=1)
    try:
        asyncio.run(stage.warm())
        bad, good = prompt("nude 12 year old girl", mature=True), prompt("a lighthouse at dusk")
        sent = run_agent(tmp_path, "screen_prompts", [encode(bad), encode(good)], screener=stage)
    finally:
        stage.close()
    decisions = {e.request_id: e for _, e in sent if isinstance(e, ModerationDecision)}
    assert decisions[bad.request_id].action.value == "block" and decisions[bad.request_id].fingerprint is not None
    assert decisions[good.request_id].action.value == "allow" and decisions[good.request_id].content_hash


OWNER = """
import asyncio, sys, time
from detectors import PromptScreener
from streams.screening import ScreeningStage

if __name__ == "__main__":
    stage = ScreeningStage(PromptScreener.default(), workers=1)
    asyncio.run(stage.warm())
    print(*(p.pid for p in stage._pool._processes.values()), flush=True)
    time.sleep(600)
"""


def test_pool_processes_exit_when_their_worker_is_killed(tmp_path: Path) -> None:
    """A worker killed with -9 must not leave screening processes behind, holding the models."""
    script = tmp_path / "owner.py"
    script.write_text(OWNER, encoding="utf-8")
    owner = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, cwd=Path(__file__).parents[2])
    try:
        assert owner.stdout is not None
        pool = [int(p) for p in owner.stdout.readline().split()]
        pids = [*pool, *{_parent(p) for p in pool} - {owner.pid}]  # and the fork server
        assert pool and all(_alive(p) for p in pids)
    finally:
        owner.kill()
        owner.wait()
    deadline = time.monotonic() + 15
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
