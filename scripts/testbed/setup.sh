#!/usr/bin/env bash
# Installs what the testbed's Python scripts need (Debian packages; run as root). The Java side (detectors on the
# committed ONNX model, CI) needs none of this.
set -euo pipefail
apt-get update -qq
apt-get install -y -qq python3-torch python3-pil python3-onnx python3-fonttools python3-matplotlib \
    python3-numpy fonts-noto-color-emoji
