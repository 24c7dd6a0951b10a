#!/usr/bin/env bash
# Installs what CodedComputing needs on a Debian machine that has Swift: LAPACK/BLAS and Open MPI headers and
# libraries, and the Python packages of the comparison scripts. Idempotent; run as root (or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
  libopenblas0-pthread libblas3 liblapack3 liblapack-dev liblapacke-dev libopenblas-dev libopenmpi-dev openmpi-bin pkg-config \
  python3 python3-pip
python3 -m pip install -q -r scripts/requirements.txt \
  || python3 -m pip install -q --break-system-packages -r scripts/requirements.txt
