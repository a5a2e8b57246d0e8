#!/usr/bin/env bash
# Installs what the tests need beyond Python packages: Debian's Chromium (Playwright cannot
# download its own browsers here) and the real claude CLI from npm (run against a loopback fake).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/lib/chromium/chromium ] && [ ! -x /usr/bin/chromium ]; then
    echo "installing Debian's chromium…"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ ! -x node_modules/.bin/claude ]; then
    echo "installing the claude CLI (npm, package-lock.json)…"
    npm ci --no-audit --no-fund --loglevel=error
fi
node_modules/.bin/claude --version >/dev/null
