#!/usr/bin/env bash
# Create .venv and install Vankien into it. EXTRAS=models,test adds sentence-transformers (CPU torch) and test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
extras="${EXTRAS:-}"
if [[ ",$extras," == *",models,"* ]]; then
  # The CPU build first: a bare `torch` requirement would pull several GB of CUDA wheels.
  .venv/bin/python -m pip install -q torch==2.13.0
fi
if [ -n "$extras" ]; then
  .venv/bin/python -m pip install -q -e ".[${extras}]"
else
  .venv/bin/python -m pip install -q -e .
fi
