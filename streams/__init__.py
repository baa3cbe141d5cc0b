"""modstream streams."""
