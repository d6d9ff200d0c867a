"""Unit tests of flask_bust_assets.pipeline."""
