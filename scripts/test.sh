#!/usr/bin/env bash
# Run the whole test suite on a fresh machine: installs what is missing, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export XLWINGS_LICENSE_KEY=noncommercial
# Lint and format check first: a finding fails the run like a failing test.
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# Type check (settings in pyproject.toml [tool.mypy]): zero findings, like the linters.
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
