"""modstream ops."""
