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

. scripts/lib/postgres.sh

if [ -z "${CASEDESK_BENCH_PG_URL:-}" ]; then
    start_local_postgres
fi
pg_url=${CASEDESK_BENCH_PG_URL:-postgres://casedesk:casedesk@127.0.0.1/postgres}

echo "==> building the benchmark (release, bench profile)"
cargo bench --locked -p casedesk-portal --bench sync --no-run

# A run that finds a correctness failure still writes its section (the failure is
# part of it) and exits unsuccessfully; BENCHMARKS.md is written either way and the
# script's exit status says whether every check passed.
mkdir -p "$out"
status=0
for backend in sqlite postgres; do
    echo "==> benchmarking ${backend} with ${cases} cases"
    rm -f "$out/portal-${backend}.md"
    cargo bench --locked -p casedesk-portal --bench sync -- \
        --backend "$backend" --cases "$cases" --database-url "$pg_url" \
        --out "$out/portal-${backend}.md" || status=1
done

# Sections that other benchmarks keep in BENCHMARKS.md (not the portal's) are carried
# over unchanged after the portal's.
others=$(mktemp)
trap 'rm -f "$others"' EXIT
if [ -f "$root/BENCHMARKS.md" ]; then
    # Other benchmarks' sections sit between `<!-- NAME:begin -->` and `<!-- NAME:end -->`
    # markers; a begin marker starts keeping at once (it precedes its section's heading).
    awk '/^<!-- [a-z-]+:begin -->$/{keep = 1} /^## /{keep = ($0 !~ /^## (SQLite backend|PostgreSQL backend|What limits the portal)/)} keep' \
        "$root/BENCHMARKS.md" >"$others"
fi

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
    for backend in sqlite postgres; do
        if [ -f "$out/portal-${backend}.md" ]; then
            cat "$out/portal-${backend}.md"
        else
            printf '## %s backend\n\nThe run failed before it produced results; see its output.\n\n' "$backend"
        fi
    done
    cat <<'NOTES'
## What limits the portal

Read with the "Where the time goes" tables above; whoever changes the code these
findings describe should update this text in `scripts/bench-portal.sh`.

All figures were measured on the shared 2-core development machine while other
engineers built in the same tree (their builds run with `nice -n 10`); each section's
"CPU while measuring" row says how busy the machine was. Where it was not idle, the
figures are pessimistic, and p95 latencies suffer most.

Already done in response to earlier runs of this benchmark: the compressed bootstrap
no longer breaks off (its body stream is fused; the e2e test bootstraps with zstd),
bootstrap rows travel from the reader task in batches of 128, SQLite readers use
memory-mapped I/O, the sync routes compress at zstd's fastest level, changes pages
splice the stored aggregate text instead of re-validating it, and bulk imports use
small multi-row statements (sqlx resolves SQLite's numbered parameters with a linear
scan).

**SQLite bootstrap and changes: the query plan sorted every case.** With the office
filter `office_id IN (SELECT … FROM memberships …)`, SQLite read the `(office_id, id)`
or `(office_id, seq)` index once per office and put every matching row, aggregate
included, into a temporary B-tree to sort it (`USE TEMP B-TREE FOR ORDER BY`): the
bootstrap of a team lead sorted 622 MB, and a changes page read every row after the
cursor to return 1,000. The bootstrap and changes queries now write the filter as
`+office_id IN (…)` on SQLite, so the planner walks the `id` or `seq` index and
filters rows as they stream; a unit test pins both plans. In the `sqlite3` shell
the bootstrap query went from 1.72 s to 0.33 s and a changes page from about 20 ms
to 3–4 ms. Over the whole path, the store's share of the bootstrap fell from about
15–17 µs to about 5–6 µs per case. The readers' memory map now covers 2 GiB
(SQLite's ceiling), because the newest rows of a 1.4 GB tenant lay beyond the old
1 GiB map.

**Changes pages: the compressed p95 was a TCP stall, not work.** On an idle machine
the compressed changes page at head−1000 measured p50 21 ms but p95 62 ms, while the
identity page never exceeded 17 ms: a few requests in every 30 took about 40 ms
longer. The server did not set `TCP_NODELAY`, so the last small piece of a compressed
body waited (Nagle's algorithm) for the client's delayed ACK, 40 ms on Linux. Every
accepted connection now sets `TCP_NODELAY`; the same page measured p95 24 ms in the
next run on the same machine and tenant.

**PostgreSQL: aggregates are lz4-compressed.** A 6 kB aggregate lives in TOAST, and
the default pglz made reading it back expensive. Migration 0004 sets
`cases.aggregate` to lz4 where the server supports it. Measured on 100,000 real
aggregates copied into two tables side by side: reading all of them took 1.85 s with
pglz and 1.38 s with lz4, writing them 13.7 s and 7.2 s. 

**PostgreSQL: planner statistics after a bulk load, and pages that stream.** A
freshly bulk-loaded PostgreSQL database without planner statistics chose a hash join
that read every case after the cursor (60 ms for one page); after `ANALYZE` it walks
`cases_seq` (under 1 ms before the aggregates are read). `seed` now ends with
`Database::refresh_statistics` (`ANALYZE` on PostgreSQL; nothing on SQLite, whose
queries say which index to use), so the first queries on seeded data are planned as
autovacuum would later plan them; the in-process changes page went from about 25 ms
to 13 ms p50, the bootstrap from 44,424 to 64,059 cases/s. Changes pages are also no
longer read whole before the first byte is sent: the store streams the page from its
snapshot in batches of 64 (`Database::changes_stream`, with `changes` as the collected
form), so zstd compresses the first cases while PostgreSQL or SQLite still reads the
rest; a page that fails midway ends the body with an error, never as a complete
page. The compressed 6 MB page went from p50 45–47 ms to 24–26 ms on PostgreSQL.
The PostgreSQL server competes with the benchmark for the two cores (see its "CPU
while measuring" row), and runs on this shared machine vary by about 25% from hour
to hour.

What is left of a changes page is the store (about 9–13 ms of a 1,000-case page),
zstd both ways (8–12 ms for 4–6 MB, now partly overlapping the store) and the HTTP
path (4–5 ms). In a probe
against a 100,000-case tenant, sqlx's native SQLite driver was no faster than the
`Any` driver on this query (about 6–8 ms each, the `sqlite3` shell 7–10 ms), and
reading a page as one row (`group_concat` of the aggregates) was 2–3× slower: SQLite
materialises the subquery and copies the multi-megabyte value. The next step is
smaller aggregates (a compact history encoding, or leaving the history out of sync
payloads), which shrinks every stage at once.

**Bootstrap as stored frames (e).** Compressing the NDJSON stream for every request
was the largest cost of a compressed bootstrap (c − b), and the desktop then
decompressed it and compressed every aggregate again for its own store. The portal now
keeps every aggregate a second time, as a zstd frame made with a dictionary trained on
its office's cases (`store/frames.rs`, written with every change of the aggregate),
and a client that asks for `application/vnd.casedesk.frames` gets those frames as they
are, after the dictionaries of the user's offices: no compression per request, and
the reader reads about 80 MB of frames instead of 622 MB of JSON. On 100,300 cases
this path (e) took 0.49–0.63 s on SQLite and 0.24–0.25 s on PostgreSQL over the runs
of 2026-12-07, against 1.3–1.6 s and 1.7 s for zstd NDJSON (c), at 80–82 MB on the
wire against 51 MB (the frames carry a 4-byte checksum since the last two runs). On
SQLite the frames sit in their own
`WITHOUT ROWID` table: a column added to `cases` would lie behind the aggregate in
each row's overflow pages, and reading it would read the aggregate too. The NDJSON
paths stay for other clients and for `curl`. The price is paid by every change: a
command's transaction also compresses the aggregate and upserts its frame. Commands
on SQLite went from 4,209/s in the last run without frames to 3,012–3,490/s in three
runs with them (PostgreSQL from 3,679/s to 3,165–3,737/s), still well above the
target; on SQLite's single writer that is about 50–95 µs more per command. One of
those runs measured on a slow stretch of this shared machine (every PostgreSQL path,
the store alone included, 15–30% slower) and missed the PostgreSQL zstd bootstrap
target with 45,503 cases/s; the run recorded here met it.

**Reading the bootstrap breakdown:** HTTP (b) can come out slightly faster than the
store alone (a). Over HTTP the store's reader task, the server's body task and the
client run as separate stages on both cores, so they overlap and hide part of the
store's time. Read a negative (b − a) as "HTTP costs next to nothing", not as a
negative cost.

**Commands: statements per command, not commits.** Earlier runs fixed the counter
row (a group reads it under its lock, hands out `seq` in memory and writes it once,
which took PostgreSQL from about 570 to 1,507 commands/s) but each command was still
about eleven statements inside the serialised section: savepoint, duplicate look-up,
case read, membership check, case rewrite, event insert, answer insert, release.
A group now reads the stored answers of all its command ids and all its cases with
one statement each, decides every command in memory (scope from the offices loaded
with the session), and writes the changed cases, the events and the answers with
multi-row statements: about ten statements per group of 100. Before this change the
run measured 1,507 commands/s on PostgreSQL and 2,634/s on SQLite over HTTP. What
remains per command is parsing and re-serialising the 6 kB aggregate, writing it
(PostgreSQL also compresses it into TOAST, now with lz4), and the request's JSON. The
one-command-per-call row pays a whole transaction per command, with four clients
queueing on the counter lock; clients send batches.
NOTES
    if [ -s "$others" ]; then
        echo
        cat "$others"
    fi
} >"$root/BENCHMARKS.md"
echo "==> wrote BENCHMARKS.md"
if [ "$status" -ne 0 ]; then
    echo "==> a benchmark run reported failures (see BENCHMARKS.md)" >&2
fi
exit "$status"
