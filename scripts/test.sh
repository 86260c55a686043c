#!/usr/bin/env bash
# Sets up and runs every test of the workspace: formatting, lints, unit and property
# tests, the storage conformance suite on SQLite and PostgreSQL, the in-process API
# tests, the end-to-end tests against the real portal binary, the UI's type check and
# component tests, and the desktop app driven through WebDriver in its real webview.
#
# On a fresh Debian 12 machine it installs what the tests need (PostgreSQL, qpdf,
# poppler-utils, WebKitGTK and its WebDriver, Xvfb, tauri-driver, the UI's npm
# packages) and starts PostgreSQL. Set CASEDESK_TEST_PG_URL to use another server.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/postgres.sh

missing=()
command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# The desktop engine keeps tokens in the OS keyring: on Linux the Secret Service,
# which the tests get from gnome-keyring inside a private D-Bus session.
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists dbus-1 2>/dev/null || missing+=(libdbus-1-dev)
command -v dbus-run-session >/dev/null 2>&1 || missing+=(dbus-daemon dbus-x11)
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring)
# The desktop app: Tauri on WebKitGTK, its WebDriver, and an X server without a screen.
. scripts/lib/desktop-deps.sh
desktop_missing_packages
if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# An S3-compatible server for the blob store tests (moto's standalone server).
if [ -z "${CASEDESK_TEST_S3_SERVER:-}" ]; then
    tools=target/test-tools
    if [ ! -x "$tools/bin/moto_server" ]; then
        echo "==> installing moto (S3-compatible test server) into $tools"
        python3 -m venv "$tools" >/dev/null 2>&1 || {
            as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            python3 -m venv "$tools"
        }
        "$tools/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.2.*'
    fi
    export CASEDESK_TEST_S3_SERVER="$PWD/$tools/bin/moto_server"
fi

if [ -z "${CASEDESK_TEST_PG_URL:-}" ]; then
    start_local_postgres
    export CASEDESK_TEST_PG_URL=postgres://casedesk:casedesk@127.0.0.1/postgres
fi
# Every test creates its own database; drop those of earlier runs.
psql "$CASEDESK_TEST_PG_URL" -qtAc "SELECT datname FROM pg_database WHERE datname LIKE 'casedesk_test_%'" |
    while read -r db; do psql "$CASEDESK_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null; done

# The UI: dependencies, type check, component tests, and the build the app embeds.
install_tauri_driver
echo "==> ui: npm ci, typecheck, component tests, build"
ui_install
npm --prefix ui run --silent typecheck
npm --prefix ui run --silent format:check
npm --prefix ui test --silent
npm --prefix ui run --silent build

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo test (SQLite and PostgreSQL; desktop tests with a real keyring and webview)"
# Inside an Xvfb display and a private D-Bus session with an unlocked gnome-keyring:
# the desktop tests use the real Secret Service and the real webview.
xvfb-run -a --server-args="-screen 0 1600x1000x24" \
    scripts/lib/keyring-session.sh cargo test --workspace --locked
echo "==> all tests passed"
