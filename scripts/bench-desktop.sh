#!/usr/bin/env bash
# Benchmarks the desktop app (src-tauri with the UI in ui/) as a caseworker meets it:
# the release app in its real webview, driven through tauri-driver, over a local store
# of a large tenant that the release `casedesk` command line filled from a release
# portal on loopback. Measures start to interactive inbox, opening a case, search
# results while typing and the memory of all the app's processes. Writes
# target/bench/desktop.md and splices it into BENCHMARKS.md between the desktop
# markers; the rest of BENCHMARKS.md is left alone.
#
# CASES sets the tenant size (default 100000). The seeded portal tenant is kept in
# target/bench/client-tenant-CASES (shared with scripts/bench-client.sh), so later runs
# skip seeding. The app keeps its tokens in the OS keyring and needs a display, so on
# Linux the run happens inside Xvfb and a private D-Bus session with an unlocked
# gnome-keyring, as in the tests. Other work on the machine skews the figures: the
# report states the load before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cases=${CASES:-100000}
out="$root/target/bench/desktop.md"
target=${CARGO_TARGET_DIR:-$root/target}

echo "==> load before building: $(uptime)"
echo "==> building the UI, then the portal, the app and the command line (release)"
# The builds yield to other work on the machine (nice); the measurement does not. The
# app embeds ui/dist when it is compiled, so the UI comes first.
nice npm --prefix ui run --silent build
nice cargo build --locked --release -p casedesk-portal -p casedesk-desktop -p casedesk-cli
nice cargo bench --locked -p casedesk-tests --bench desktop --no-run

mkdir -p "$(dirname "$out")"
echo "==> load before measuring: $(uptime)"
xvfb-run -a --server-args="-screen 0 1600x1000x24" \
    scripts/lib/keyring-session.sh cargo bench --locked -p casedesk-tests --bench desktop -- \
    --portal "$target/release/casedesk-portal" --cli "$target/release/casedesk" \
    --app "$target/release/casedesk-desktop" --cases "$cases" \
    --tenant "$root/target/bench/client-tenant-$cases" --out "$out"
echo "==> load after measuring: $(uptime)"

python3 scripts/lib/splice-section.py "$root/BENCHMARKS.md" desktop "$out"
echo "==> wrote the desktop app section of BENCHMARKS.md"
