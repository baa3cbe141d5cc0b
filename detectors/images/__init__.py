"""Image detectors: known-bad hashes, nudity, faces (apparent age, likeness), and image policy.

The streams engineer's surface: ``ImageScreener`` (``default``, ``screen``, ``screen_batch``,
``analyse``/``judge``, ``process_pool``, ``add_hash``, ``register_person``), ``ImageContext``,
``ImageScreening``, the fetchers and ``fetch_ref``/``load_image``, and ``BankEntry``.
"""

from detectors.images.base import (
    FaceFinding,
    HashMatch,
    ImageAssessment,
    ImageCategory,
    ImageContext,
    ImageDetectorResult,
    ImageEvidence,
    ImageScreening,
    ImageVerdict,
)
from detectors.images.fetch import (
    DecodeLimits,
    FetchLimits,
    FileFetcher,
    HttpFetcher,
    ImageFetcher,
    MemoryFetcher,
    default_fetcher,
    fetch_ref,
    load_image,
)
from detectors.images.hashes import BankEntry, HashBank
from detectors.images.policy import ImagePolicy
from detectors.images.screen import AnalysisConfig, ImageAnalysis, ImageScreener

__all__ = [
    "AnalysisConfig",
    "BankEntry",
    "DecodeLimits",
    "FaceFinding",
    "FetchLimits",
    "FileFetcher",
    "HashBank",
    "HashMatch",
    "HttpFetcher",
    "ImageAnalysis",
    "ImageAssessment",
    "ImageCategory",
    "ImageContext",
    "ImageDetectorResult",
    "ImageEvidence",
    "ImageFetcher",
    "ImagePolicy",
    "ImageScreener",
    "ImageScreening",
    "ImageVerdict",
    "MemoryFetcher",
    "default_fetcher",
    "fetch_ref",
    "load_image",
]
