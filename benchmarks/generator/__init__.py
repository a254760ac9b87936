"""Deterministic synthetic corpus of 特定個人情報保護評価書 texts for benchmarks (not test data for tuning)."""

from .content import Options
from .corpus import generate_document, main, write_corpus

__all__ = ["Options", "generate_document", "main", "write_corpus"]
