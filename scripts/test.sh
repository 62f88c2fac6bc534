#!/usr/bin/env bash
# One command on a fresh machine: install with the model and test extras, then run the whole suite.
# Needs Debian's chromium for the browser test (apt-get install -y chromium), as .ci/run does.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS=models,test bash scripts/setup.sh
set +e
.venv/bin/python -m pytest -q "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure, not a pass" >&2
  exit 1
fi
exit "$status"
