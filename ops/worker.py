"""Run the moderation worker: make sure topics exist, build the app and its agents, start faust."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import faust
import torch

from detectors import PromptScreener
from ops.kafka_admin import create_topics, wait_for_broker
from ops.metrics import Metrics
from ops.settings import Settings
from streams import topics
from streams.agents import Pipeline, build
from streams.app import create_app
from streams.images import ImageStage
from streams.screening import ScreeningStage

log = logging.getLogger("modstream.worker")


class ModerationWorker(faust.Worker):
    """faust's worker, marking readiness in a file: what `modstream dev` and startup probes wait for."""

    def __init__(self, *args: object, ready_file: Path, warm: Callable[[], Awaitable[None]], **kwargs: object):
        super().__init__(*args, **kwargs)
        self.ready_file, self.warm = ready_file, warm
        ready_file.unlink(missing_ok=True)  # a killed worker's marker must not pass for this one's

    async def on_startup_finished(self) -> None:  # faust: tables recovered, agents consuming
        await super().on_startup_finished()
        await self.warm()  # ready means the first prompt is screened at full speed
        self.ready_file.write_text(f"{os.getpid()}\n")
        log.info("ready (%s)", self.ready_file)

    def on_worker_shutdown(self) -> None:
        self.ready_file.unlink(missing_ok=True)
        super().on_worker_shutdown()


def assemble(settings: Settings, screener: PromptScreener | None = None) -> Pipeline:
    """The app with every agent registered, without starting it."""
    app = create_app(settings)
    metrics = Metrics()
    if settings.metrics_port:
        metrics.serve(settings.metrics_port)
    images = ImageStage.from_settings(settings) if settings.screen_images else None
    screening = ScreeningStage(screener or PromptScreener.default(), settings.screen_workers,
                               settings.screen_pool_min_lag_ms / 1000)
    return build(app, settings, screening, metrics, images=images)


def run_worker(settings: Settings) -> None:
    """Blocks until SIGINT/SIGTERM; exits the process like any faust worker."""
    # The prompt model's ops are tiny: a second torch thread only waits for the busy other core
    # (p99 measured better with one). Image analysis has its own processes.
    torch.set_num_threads(1)
    wait_for_broker(settings.bootstrap, timeout=30)
    created = create_topics(settings.bootstrap, topics.specs(settings))
    pipeline = assemble(settings)
    worker = ModerationWorker(
        pipeline.app,
        ready_file=settings.ready_file,
        warm=pipeline.screening.warm,
        loglevel=settings.log_level.upper(),
        quiet=True,
        override_logging=True,
    )
    log.info("topics created: %s", ", ".join(created) or "none (all existed)")
    worker.execute_from_commandline()
