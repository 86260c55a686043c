#!/usr/bin/env bash
# Benchmarks the desktop engine (crates/casedesk-client) against a real portal process
# on loopback: bootstrap of a large tenant into an empty local store (next to a raw
# bulk insert of the same rows, the floor), peak memory, inbox and full-text queries on
# the full store, and the latency of a portal change reaching the local store. Writes
# target/bench/client.md and splices it into BENCHMARKS.md between the client markers;
# the rest of BENCHMARKS.md is left alone.
#
# CASES sets the tenant size (default 100000). The seeded portal tenant is kept in
# target/bench/client-tenant-CASES so later runs skip seeding. The engine keeps its
# tokens in the OS keyring, so on Linux the run happens inside a private D-Bus session
# with an unlocked gnome-keyring, as in the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cases=${CASES:-100000}
out="$root/target/bench/client.md"
target=${CARGO_TARGET_DIR:-$root/target}

echo "==> building the portal and the benchmark (release)"
cargo build --locked --release -p casedesk-portal --bin casedesk-portal
cargo bench --locked -p casedesk-client --bench sync --no-run

mkdir -p "$(dirname "$out")"
scripts/lib/keyring-session.sh cargo bench --locked -p casedesk-client --bench sync -- \
    --portal "$target/release/casedesk-portal" --cases "$cases" \
    --tenant "$root/target/bench/client-tenant-$cases" --out "$out"

python3 scripts/lib/splice-section.py "$root/BENCHMARKS.md" client "$out"
echo "==> wrote the desktop engine section of BENCHMARKS.md"
