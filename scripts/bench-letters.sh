#!/usr/bin/env bash
# Benchmarks the decision-letter generator (crates/casedesk-letters): one letter on
# one core, letters per second over all cores, and headless Chromium printing the
# same letter as HTML to PDF in the same run. Writes target/bench/letters.md and
# splices it into BENCHMARKS.md between the letters markers (appended at the end the
# first time); the rest of BENCHMARKS.md is left alone.
#
# SECONDS_PER_RUN sets the throughput phase (default 10 s); CHROMIUM_RUNS the number
# of timed Chromium runs (default 7). Installs Debian's chromium when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/target/bench/letters.md"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v chromium >/dev/null 2>&1; then
    echo "==> installing chromium (for the HTML-to-PDF comparison)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

echo "==> building the benchmark (release, bench profile)"
cargo bench --locked -p casedesk-letters --bench letters --no-run

mkdir -p "$(dirname "$out")"
cargo bench --locked -p casedesk-letters --bench letters -- \
    --seconds "${SECONDS_PER_RUN:-10}" --chromium-runs "${CHROMIUM_RUNS:-7}" --out "$out"

python3 scripts/lib/splice-section.py "$root/BENCHMARKS.md" letters "$out"
echo "==> wrote the letters section of BENCHMARKS.md"
