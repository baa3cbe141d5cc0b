"""The image path's workload: GenerationCompleted -> fetch, analyse, judge -> an image decision.

Each generation carries one distinct 1024 x 1024 JPEG (benign photos from scikit-image's sample
data, cropped and re-encoded so no two share bytes or hashes), written under a folder the
worker reads ``file://`` references from (``Settings.image_root``). Decisions are keyed by
request id like prompt decisions, so the driver times them the same way. If the worker has no
agent on ``generations.completed`` (or the image stack is not installed), the image path is
reported as skipped.
"""

from __future__ import annotations

import hashlib
import io
import random
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from ops.bench.workload import Message
from ops.settings import Settings
from schemas import encode
from schemas.models import GenerationCompleted, ImageRef
from streams import topics

__all__ = ["image_agents", "image_messages"]

SIDE = 1024
_PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry")


def image_agents() -> list[str]:
    """Names of the worker's agents that read ``generations.completed`` (built, not started)."""
    from ops.worker import assemble

    with tempfile.TemporaryDirectory() as tmp:
        pipeline = assemble(Settings(store="memory://", data_dir=Path(tmp), image_workers=0, screen_workers=0))
        wanted = topics.GENERATIONS_COMPLETED.name
        return [name for name, agent in pipeline.app.agents.items()
                if wanted in (getattr(agent.channel, "topics", ()) or ())]


def image_messages(root: Path, n: int, *, run: str, seed: int = 20261125) -> list[Message]:
    """``n`` GenerationCompleted messages, one distinct JPEG each, written below ``root``."""
    from PIL import Image
    from skimage import data as samples

    rng = random.Random(seed)
    photos = [Image.fromarray(getattr(samples, name)()).convert("RGB") for name in _PHOTOS]
    root.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        photo = photos[i % len(photos)]
        w, h = photo.size
        crop = rng.uniform(0.7, 1.0)
        left, top = rng.uniform(0, w * (1 - crop)), rng.uniform(0, h * (1 - crop))
        image = photo.crop((int(left), int(top), int(left + w * crop), int(top + h * crop))).resize((SIDE, SIDE))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=rng.randint(80, 95))
        blob = buffer.getvalue()
        path = root / f"{run}-{i:05d}.jpg"
        path.write_bytes(blob)
        rid = f"{run}-{i:07d}"
        ref = ImageRef(uri=path.as_uri(), sha256=hashlib.sha256(blob).hexdigest(), size_bytes=len(blob),
                       width=SIDE, height=SIDE)
        event = GenerationCompleted(event_id=f"gen-{rid}", request_id=rid, user_id=f"u-{rng.randrange(5000):05d}",
                                    images=(ref,), completed_at=datetime.now(UTC))
        out.append(Message(key=rid.encode(), value=encode(event), cls="image/benign"))
    return out
