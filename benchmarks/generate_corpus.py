"""CLI: python benchmarks/generate_corpus.py --count N --seed S --out DIR [--layouts pdf,tsv] [--full-ratio 0.2]."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generator import main

if __name__ == "__main__":
    raise SystemExit(main())
