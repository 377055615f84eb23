#!/usr/bin/env bash
# Rewrite constraints.txt from .venv (or $VENV): the versions the tests passed with.
# torch's local label (+cpu) is dropped so that the constraint fits both PyTorch's CPU
# wheel index and the default index (scripts/install.sh tries one, then the other).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
{
  echo "# Versions the project is tested with: \`pip freeze --exclude-editable\` of the working"
  echo "# virtualenv (torch's local +cpu label dropped: the same constraint fits PyTorch's CPU index"
  echo "# and the default one). Used as \`pip install -c constraints.txt\` by scripts/install.sh"
  echo "# (so by CI); regenerate after a dependency change: scripts/freeze-constraints.sh."
  "$VENV/bin/python" -m pip freeze --exclude-editable | sed -E 's/^torch==([0-9.]+)\+cpu$/torch==\1/'
} > constraints.txt
echo "constraints.txt: $(grep -c '==' constraints.txt) pinned packages"
