#!/usr/bin/env bash
# Finds uv, or installs it from PyPI into .tools/ (no download outside the package registry).
set -euo pipefail
export PATH="$HOME/.local/bin:$PWD/.tools/bin:$PATH"
if command -v uv >/dev/null 2>&1; then exit 0; fi
echo "uv not found: installing it into .tools/ from PyPI"
if ! python3 -m venv .tools >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv .tools
  else
    echo "python3 cannot create a virtual environment. Run: sudo apt-get install -y python3-venv" >&2
    exit 1
  fi
fi
.tools/bin/pip install -q uv
