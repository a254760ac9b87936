#!/usr/bin/env bash
# The main job: install piagraph, ingest the bundled samples into the embedded store, write out/.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e . 2>&1 | grep -v "as the 'root' user" || true
store="${PIAGRAPH_STORE:-piagraph-store}"
# Re-ingesting replaces each file's graphs, so running the job twice gives the same store.
piagraph ingest --store "$store" data/samples/
piagraph outputs --store "$store" -o out
echo
echo "Outputs are in out/ (start with out/index.html or out/summary.txt)."
echo "To browse them in the web workspace: piagraph serve --store $store"
