#!/usr/bin/env bash
# Benchmarks the portal's office sync API (bootstrap, changes pages, command batches)
# on SQLite and on PostgreSQL. Writes target/bench/portal-BACKEND.md per backend and
# splices each into BENCHMARKS.md between its portal-BACKEND markers; the rest of
# BENCHMARKS.md is left alone.
#
# CASES sets the tenant size (default 100000). CASEDESK_BENCH_PG_URL names the admin
# URL of a PostgreSQL server to use instead of the local cluster; the benchmark
# creates its own database there and drops it afterwards. Run as root (or with sudo)
# on a fresh Debian machine, it installs and starts PostgreSQL and creates the
# `casedesk` role first.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cases=${CASES:-100000}
out="$root/target/bench"

. scripts/lib/postgres.sh

if [ -z "${CASEDESK_BENCH_PG_URL:-}" ]; then
    start_local_postgres
fi
pg_url=${CASEDESK_BENCH_PG_URL:-postgres://casedesk:casedesk@127.0.0.1/postgres}

echo "==> building the benchmark (release, bench profile)"
cargo bench --locked -p casedesk-portal --bench sync --no-run

# A run that finds a correctness failure still writes its section (the failure is
# part of it) and exits unsuccessfully: the section is spliced, and the script's exit
# status says whether every check passed. A run that ends before it has results
# leaves its section of BENCHMARKS.md as it was.
mkdir -p "$out"
status=0
for backend in sqlite postgres; do
    echo "==> benchmarking ${backend} with ${cases} cases"
    section="$out/portal-${backend}.md"
    rm -f "$section"
    cargo bench --locked -p casedesk-portal --bench sync -- \
        --backend "$backend" --cases "$cases" --database-url "$pg_url" \
        --out "$section" || status=1
    if [ -f "$section" ]; then
        python3 scripts/lib/splice-section.py "$root/BENCHMARKS.md" "portal-${backend}" "$section"
        echo "==> wrote the portal's ${backend} section of BENCHMARKS.md"
    else
        echo "==> the ${backend} run ended without results; its section is unchanged" >&2
    fi
done
if [ "$status" -ne 0 ]; then
    echo "==> a benchmark run reported failures (see its output)" >&2
fi
exit "$status"
