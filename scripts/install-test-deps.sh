#!/usr/bin/env bash
# Installs what the tests need beyond Python packages: Debian's Chromium (Playwright cannot
# download its own browsers here) and the real claude and codex CLIs from npm (each run against a
# loopback fake of its provider's API).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/lib/chromium/chromium ] && [ ! -x /usr/bin/chromium ]; then
    echo "installing Debian's chromium…"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# `npm ci` when a CLI is missing or package-lock.json changed since the last install (npm keeps its
# own copy in node_modules/.package-lock.json), so a newly pinned CLI is installed on an old checkout.
CLIS="claude codex"
needs_install=""
for cli in $CLIS; do
    [ -x "node_modules/.bin/$cli" ] || needs_install=1
done
[ node_modules/.package-lock.json -nt package-lock.json ] || needs_install=1
if [ -n "$needs_install" ]; then
    echo "installing the agent CLIs (npm ci, package-lock.json)…"
    npm ci --no-audit --no-fund --loglevel=error
fi
for cli in $CLIS; do
    "node_modules/.bin/$cli" --version >/dev/null
done
