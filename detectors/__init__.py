"""modstream detectors."""
