"""modstream schemas."""
