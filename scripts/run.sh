#!/usr/bin/env bash
# One command on a fresh machine: install, ingest if the corpus changed, then API (:8000) and UI (:8501).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/vankien up "$@"
