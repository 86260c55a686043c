#!/usr/bin/env bash
# Benchmarks the portal's office sync API (bootstrap, changes pages, command batches)
# on SQLite and on PostgreSQL and writes BENCHMARKS.md at the repository root.
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

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ -z "${CASEDESK_BENCH_PG_URL:-}" ]; then
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        echo "==> installing postgresql"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    echo "==> starting PostgreSQL ${version}"
    as_root pg_ctlcluster "$version" main start 2>/dev/null || true
    for _ in $(seq 1 30); do
        as_root su postgres -c "psql -qtAc 'SELECT 1'" >/dev/null 2>&1 && break
        sleep 1
    done
    as_root su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'casedesk'\"" | grep -q 1 ||
        as_root su postgres -c "psql -qc \"CREATE ROLE casedesk LOGIN SUPERUSER PASSWORD 'casedesk'\""
fi
pg_url=${CASEDESK_BENCH_PG_URL:-postgres://casedesk:casedesk@127.0.0.1/postgres}

echo "==> building the benchmark (release, bench profile)"
cargo bench --locked -p casedesk-portal --bench sync --no-run

mkdir -p "$out"
for backend in sqlite postgres; do
    echo "==> benchmarking ${backend} with ${cases} cases"
    cargo bench --locked -p casedesk-portal --bench sync -- \
        --backend "$backend" --cases "$cases" --database-url "$pg_url" \
        --out "$out/portal-${backend}.md"
done

{
    cat <<EOF
# Benchmarks

How fast the portal serves desktop clients: the bootstrap stream, changes pages and
command batches of the office sync API, measured over real loopback sockets against
the real server on a freshly seeded tenant of ${cases} cases, once on SQLite and once
on PostgreSQL. The targets come from the issue: bootstrap at least 50,000 cases/s to a
client on loopback, a changes page of 1,000 in at most 50 ms, at least 2,000 commands/s
applied. The benchmark checks correctness as it goes (case counts against the stream's
markers, every command \`applied\`, every resent command \`duplicate\`) but never fails
on a time: a missed target is reported as missed.

Reproduce with

    bash scripts/bench-portal.sh

(\`CASES=2000\` for a quick run; \`CASEDESK_BENCH_PG_URL\` for another PostgreSQL server).
One backend alone:

    cargo bench -p casedesk-portal --bench sync -- --backend sqlite --cases 100000 \\
        --out target/bench/portal-sqlite.md

The code is \`crates/casedesk-portal/benches/sync.rs\`; this file is generated from
its output, so edit the benchmark, not this file.

EOF
    cat "$out/portal-sqlite.md"
    cat "$out/portal-postgres.md"
} >"$root/BENCHMARKS.md"
echo "==> wrote BENCHMARKS.md"
