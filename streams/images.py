"""The image half of the worker: fetch off the event loop, analyse in a process pool, judge here.

Hash banks and the protected-persons gallery live in this process only (``judge``), so a bank
update never has to reach the pool.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from dataclasses import dataclass

from detectors.images.base import ImageContext, ImageScreening
from detectors.images.fetch import FetchLimits, ImageFetcher, default_fetcher, fetch_ref
from detectors.images.hashes import BankEntry
from detectors.images.screen import ImageScreener, analyse_in_worker, init_worker
from ops.settings import Settings
from schemas.models import HashBankOp, HashBankUpdate, ImageRef
from streams.pools import process_pool


@dataclass
class ImageStage:
    """An image screener with its fetcher and executor; all three injectable for tests."""

    screener: ImageScreener
    fetcher: ImageFetcher
    executor: Executor | None = None  # a pool whose processes ran init_worker; None: a thread

    @classmethod
    def from_settings(cls, settings: Settings) -> ImageStage:
        screener = ImageScreener.default(banks=settings.hash_banks, gallery_dir=settings.face_gallery_dir)
        fetcher = default_fetcher(FetchLimits(), root=settings.image_root,
                                  allowed_hosts=frozenset(settings.image_hosts) or None)
        pool = process_pool(settings.image_workers, init_worker, (screener.config,)) if settings.image_workers else None
        return cls(screener, fetcher, pool)

    async def screen(self, ref: ImageRef, context: ImageContext) -> ImageScreening:
        """Fetch, verify, analyse and judge one image; raises an ``ImageError`` it cannot read."""
        data = await asyncio.to_thread(fetch_ref, self.fetcher, ref)
        if self.executor is None:
            analysis = await asyncio.to_thread(self.screener.analyse, data)
        else:
            analysis = await asyncio.get_running_loop().run_in_executor(self.executor, analyse_in_worker, data)
        return self.screener.judge(analysis, context)

    def apply(self, update: HashBankUpdate) -> bool:
        """Apply a bank change; False if it changed nothing (a replay)."""
        if update.op == HashBankOp.remove:
            return self.screener.bank.remove(update.kind.value, update.hash, update.bank)
        return self.screener.add_hash(BankEntry(hash=update.hash, kind=update.kind.value, bank=update.bank,
                                                label=update.label, added_at=update.added_at))

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
