#!/usr/bin/env bash
# Create .venv and install the assistant with its test tools, versions from constraints.txt.
# torch==2.13.0 is installed first, CPU build: PyTorch's CPU wheel index is tried first (from
# PyPI, an ordinary Linux host gets the multi-GB CUDA build), then the default index when that
# one cannot be reached (a closed network: its mirror must then carry a CPU wheel). The script
# says which it took.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
TORCH="torch==2.13.0"
TORCH_CPU_INDEX="${TORCH_CPU_INDEX:-https://download.pytorch.org/whl/cpu}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip
installed_torch="$(python -c 'import importlib.metadata as m; print(m.version("torch"))' 2>/dev/null || true)"
if [ "${installed_torch%%+*}" = "2.13.0" ]; then
  echo "torch: $installed_torch already installed, kept"
elif python - "$TORCH_CPU_INDEX" <<'PROBE' && python -m pip install -q --index-url "$TORCH_CPU_INDEX" "$TORCH"
import sys, urllib.request
try:  # reachable at all? (pip would also take a wheel from the configured find-links)
    urllib.request.urlopen(sys.argv[1].rstrip("/") + "/torch/", timeout=15).close()
except Exception:
    sys.exit(1)
PROBE
then
  echo "torch: CPU build from PyTorch's CPU wheel index ($TORCH_CPU_INDEX)"
else
  echo "torch: PyTorch's CPU wheel index unreachable ($TORCH_CPU_INDEX), $TORCH from the default index"
  python -m pip install -q -c constraints.txt "$TORCH"
fi
python -c 'import torch; print(f"torch: {torch.__version__} (CUDA build: {torch.version.cuda is not None})")'
python -m pip install -q -c constraints.txt -e ".[test]"
