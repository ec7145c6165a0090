#!/usr/bin/env bash
# The full demo on the bundled sample data: the SOP end to end, outputs in out/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/renaksi-xl demo "$@"
