"""Prompt screening for the agent: in the event loop's process, or in a process pool beside it.

Screening is most of a prompt's CPU, and in the event loop's process it runs on one core while
faust's own work (fetching, encoding, sending, tables) waits. With ``Settings.screen_workers``
at 1 or more, batches go to pool processes that each build the detectors once; the agent keeps
one batch in flight per agent actor, so faust's I/O overlaps the next batch's screening.

Everything a batch needs from the detectors is computed where it is screened: the content hash
and SimHash read ``prepare``'s per-process cache, which only the screening process has warm.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from dataclasses import dataclass

from detectors import PromptScreener, Screening
from detectors.base import Action, Assessment, PromptInput, Verdict
from detectors.fingerprint import content_hash, fingerprint
from detectors.policy import Policy
from streams.pools import process_pool

__all__ = ["ScreeningStage", "Screened", "screen_items", "screen_safely"]

log = logging.getLogger("modstream.screening")


@dataclass(frozen=True)
class Screened:
    """One prompt's screening with what the decision records about its content."""

    screening: Screening
    digest: str | None  # sha256 of the normalised text; None only if hashing itself failed
    simhash: int | None  # only for a prompt the chain did not allow: probing compares blocks
    error: str | None = None  # hashing failed: the agent dead-letters the prompt


def fail_closed(policy_version: str, items: Sequence[PromptInput], why: str) -> list[Screening]:
    """A review for every item: what a broken chain or pool returns, never an allow."""
    verdict = Verdict(action=Action.REVIEW, reasons=(f"{why}; held for review",), policy_version=policy_version)
    return [Screening(assessment=Assessment(request_id=i.request_id), verdict=verdict) for i in items]


def screen_safely(screener: PromptScreener, items: Sequence[PromptInput]) -> list[Screening]:
    """The screener's verdicts, or fail-closed reviews if the chain itself breaks."""
    try:
        return screener.screen_batch(list(items))
    except Exception as exc:  # a broken chain must not crash the worker nor allow anything
        log.exception("prompt screener failed on a batch of %d", len(items))
        return fail_closed(screener.policy.version, items, f"screening failed ({type(exc).__name__})")


def screen_items(screener: PromptScreener, items: Sequence[PromptInput]) -> list[Screened]:
    """Screen a batch and hash each prompt; the same in the loop's process and in a pool."""
    out = []
    for item, screening in zip(items, screen_safely(screener, items), strict=True):
        try:
            # SimHash on every allowed prompt cost ~0.4 CPU ms each, a third of screening, for a
            # field nobody reads: only blocks are compared for probing (escalation.py).
            simhash = fingerprint(item) if screening.verdict.action != Action.ALLOW else None
            out.append(Screened(screening, content_hash(item), simhash))
        except Exception as exc:
            out.append(Screened(screening, None, None, f"{type(exc).__name__}: {str(exc)[:200]}"))
    return out


_screener: PromptScreener | None = None  # one per pool process, set by _init


def _init(policy: Policy) -> None:
    global _screener  # the pool process's own detectors, built once
    import torch

    torch.set_num_threads(1)  # the model's ops are tiny; threads would only contend for cores
    _screener = PromptScreener.default(policy)


def _screen_in_pool(items: Sequence[PromptInput]) -> list[Screened]:
    if _screener is None:
        raise RuntimeError("_screen_in_pool runs only in a pool built by ScreeningStage")
    return screen_items(_screener, items)


class ScreeningStage:
    """The agent's one way to screen a batch: inline (``workers=0``) or in ``workers`` processes,
    batches whose oldest prompt waited less than ``pool_min_lag_s`` inline all the same.

    ``screener`` is this process's copy: inline screening, the policy version, and warm-up. A pool
    that breaks (a process killed, out of memory) fails its batch closed, as reviews, and is
    rebuilt for the next one; nothing is allowed unscreened.
    """

    def __init__(self, screener: PromptScreener, workers: int = 0, pool_min_lag_s: float = 0.0) -> None:
        self.screener = screener
        self.workers = workers
        self.pool_min_lag_s = pool_min_lag_s
        self._pool: ProcessPoolExecutor | None = self._new_pool() if workers else None
        # Pool processes build their detectors now, while this process loads the rest and joins
        # the group: not on the first prompts, which would wait seconds for them.
        probe = [PromptInput(request_id="warm-up", prompt="warm up")]
        self._warming = [self._pool.submit(_screen_in_pool, probe) for _ in range(workers)] if self._pool else []

    def _new_pool(self) -> ProcessPoolExecutor:
        return process_pool(self.workers, _init, (self.screener.policy,))

    async def warm(self) -> None:
        """Returns once every pool process has built its detectors; raises if one could not."""
        await asyncio.gather(*(asyncio.wrap_future(f) for f in self._warming))

    async def screen(self, items: Sequence[PromptInput], lag_s: float = float("inf")) -> list[Screened]:
        """``lag_s``: how long the batch's oldest prompt has waited since it was published."""
        # A short wait means a light load: the hop to the pool would cost more latency than the
        # loop has to spare. A backlog is where the pool's second core pays. (The batch's size
        # said less: under a backlog faust's batches were often small too.)
        if self._pool is None or lag_s < self.pool_min_lag_s:
            return screen_items(self.screener, items)
        return await self._in_pool(items)

    async def _in_pool(self, items: Sequence[PromptInput]) -> list[Screened]:
        assert self._pool is not None
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, _screen_in_pool, list(items))
        except BrokenExecutor as exc:
            log.error("screening pool broke on a batch of %d (%s); rebuilding it", len(items), exc)
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            why = f"screening failed ({type(exc).__name__})"
            return [Screened(s, None, None) for s in fail_closed(self.screener.policy.version, items, why)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
