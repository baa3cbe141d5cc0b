"""Measurements of the embedded broker's behaviour against the pinned client versions."""
