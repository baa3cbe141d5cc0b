"""The two small torch networks: the hashed n-gram student and the head over MiniLM embeddings.

Both predict one of four classes, in ``CLASSES`` order, from a prompt and its negative prompt.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["CLASSES", "StudentNet", "TeacherHead"]

#: Output order of both networks; index 0 is benign.
CLASSES = ("benign", "sexual/adult", "sexual/minors", "sexual/real_person")


class StudentNet(nn.Module):
    """Mean of hashed n-gram embeddings, per field, concatenated, then a one-hidden-layer MLP.

    Buckets never seen in training stay exactly zero (zero init, sparse gradients, lazy Adam),
    so an unseen n-gram adds nothing rather than noise.
    """

    def __init__(self, buckets: int, dim: int, hidden: int) -> None:
        super().__init__()
        self.embed = nn.EmbeddingBag(buckets, dim, mode="mean", sparse=True)
        nn.init.zeros_(self.embed.weight)
        self.mlp = nn.Sequential(nn.Linear(2 * dim, hidden), nn.ReLU(), nn.Linear(hidden, len(CLASSES)))

    def forward(
        self, p_ids: torch.Tensor, p_off: torch.Tensor, n_ids: torch.Tensor, n_off: torch.Tensor
    ) -> torch.Tensor:
        return self.mlp(torch.cat([self.embed(p_ids, p_off), self.embed(n_ids, n_off)], dim=1))


class TeacherHead(nn.Module):
    """384 (prompt) + 384 (negative) MiniLM embedding -> hidden -> 4 logits."""

    def __init__(self, hidden: int = 64, dim: int = 384) -> None:
        super().__init__()
        self.mlp = nn.Sequential(
            nn.Dropout(0.1), nn.Linear(2 * dim, hidden), nn.ReLU(), nn.Linear(hidden, len(CLASSES))
        )

    def forward(self, prompt: torch.Tensor, negative: torch.Tensor) -> torch.Tensor:
        return self.mlp(torch.cat([prompt, negative], dim=1))
