#!/usr/bin/env bash
# The whole test suite: system packages (browser, Java, Virtuoso), Python packages, lint, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
python3 -m pip install -q -e '.[test]' 2>&1 | grep -v "as the 'root' user" || true
ruff check .
# pytest exits 5 when it collected no test: that is a failure for us, like any other non-zero code.
python3 -m pytest "$@"
