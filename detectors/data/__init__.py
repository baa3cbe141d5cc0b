"""The labelled prompt set: train and test splits, written by ``build_dataset``."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
TRAIN = DATA_DIR / "prompts_train.jsonl"
TEST = DATA_DIR / "prompts_test.jsonl"

__all__ = ["DATA_DIR", "TEST", "TRAIN"]
