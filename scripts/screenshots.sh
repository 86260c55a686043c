#!/usr/bin/env bash
# Retakes the README's screenshots from the real app: runs the desktop's WebDriver
# tests (tests/it/desktop.rs), which save a PNG at each main screen when
# CASEDESK_SCREENSHOTS names a folder. Needs what scripts/test.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/desktop-deps.sh
ui_install
npm --prefix ui run --silent build
cargo build --locked -p casedesk-desktop -p casedesk-portal
CASEDESK_SCREENSHOTS="$PWD/docs/screenshots" \
    xvfb-run -a --server-args="-screen 0 1600x1000x24" \
    scripts/lib/keyring-session.sh cargo test --locked -p casedesk-tests --test it desktop::
echo "==> screenshots in docs/screenshots"
