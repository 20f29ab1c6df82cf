#!/usr/bin/env bash
# Installs the OpenID provider the single sign-on tests run against (tests/oidc: the npm package
# oidc-provider, pinned by package-lock.json) into tests/oidc/node_modules, when it is missing or
# older than the lock file. Needs Node.js 20 or later and npm.
set -euo pipefail
cd "$(dirname "$0")/../tests/oidc"
stamp=node_modules/.package-lock.json
if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  # NodeSource's nodejs carries npm; Debian's is a separate package.
  echo "npm is missing. Run: sudo apt-get install -y npm" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
