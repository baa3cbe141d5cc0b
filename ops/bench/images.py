"""Hook for the image path's benchmark: GenerationCompleted -> image screening -> decision.

Images are being wired into the worker separately. Until an agent consumes
``generations.completed``, the benchmark reports the image path as skipped. When one exists,
``image_path`` names it; the measurement to add is the prompt path's (``ops.bench.run.Bench.measure``)
with GenerationCompleted messages (image refs served from a local file server on loopback)
as the workload and the image decision topic as the output.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ops.settings import Settings
from streams import topics

__all__ = ["image_agents", "image_path"]


def image_agents() -> list[str]:
    """Names of the worker's agents that read ``generations.completed`` (built, not started)."""
    from ops.worker import assemble

    with tempfile.TemporaryDirectory() as tmp:
        pipeline = assemble(Settings(store="memory://", data_dir=Path(tmp)))
        wanted = topics.GENERATIONS_COMPLETED.name
        found = []
        for name, agent in pipeline.app.agents.items():
            channel = agent.channel
            names = getattr(channel, "topics", ()) or ()
            if wanted in names:
                found.append(name)
        return found


def image_path() -> dict[str, object]:
    """What the image-path benchmark did: skipped (no image agent) or which agents await a workload."""
    try:
        agents = image_agents()
    except Exception as exc:
        return {"status": "skipped", "reason": f"worker could not be assembled: {type(exc).__name__}: {exc}"[:300]}
    if not agents:
        return {"status": "skipped", "reason": "no agent reads generations.completed yet"}
    return {"status": "not measured", "agents": agents,
            "reason": "image agent present; add its workload in ops/bench/images.py (see docstring)"}
