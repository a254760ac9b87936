"""piagraph: 特定個人情報保護評価書 (My Number privacy impact assessments) as a knowledge graph.

The library's face; the CLI (``piagraph``) is a thin layer over these::

    import piagraph
    with piagraph.open_store("piagraph-store") as store:
        piagraph.ingest_files(["data/samples/"], store)
        table = piagraph.who_receives(store, municipality="飯塚市")

Names are imported on first use, so that ``import piagraph`` stays cheap (parser processes import
only what they need).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# name -> (module, attribute); ``ingest_files`` because ``piagraph.ingest`` is the module.
_EXPORTS = {
    "ingest_files": ("piagraph.ingest", "ingest"),
    "open_store": ("piagraph.store", "open_store"),
    "who_receives": ("piagraph.analyse.who_receives", "who_receives"),
    "compare": ("piagraph.analyse.compare", "compare"),
    "assessment_flow_graph": ("piagraph.analyse.flowgraph", "assessment_flow_graph"),
    "timeline": ("piagraph.analyse.history", "timeline"),
    "council_reviews": ("piagraph.analyse.history", "council_reviews"),
    "find_assessments": ("piagraph.select", "find_assessments"),
    "Selection": ("piagraph.select", "Selection"),
    "parse_source": ("piagraph.parse", "parse_source"),
    "read_path": ("piagraph.read", "read_path"),
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'piagraph' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
