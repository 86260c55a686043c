#!/usr/bin/env bash
# Benchmarks the desktop engine (crates/casedesk-client) against a real portal process
# on loopback: bootstrap of a large tenant into an empty local store (next to a raw
# bulk insert of the same rows, the floor), peak memory, inbox and full-text queries on
# the full store, and the latency of a portal change reaching the local store. Writes
# target/bench/client.md and splices it into BENCHMARKS.md between the client markers;
# the rest of BENCHMARKS.md is left alone.
#
# CASES sets the tenant size (default 100000). The seeded portal tenant is kept in
# target/bench/client-tenant-CASES so reruns skip seeding. The engine keeps its tokens
# in the OS keyring, so on Linux the run happens inside a private D-Bus session with
# an unlocked gnome-keyring, as in the tests.
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
dbus-run-session -- bash -c '
    set -euo pipefail
    XDG_DATA_HOME=$(mktemp -d)
    export XDG_DATA_HOME
    trap "rm -rf \"\$XDG_DATA_HOME\"" EXIT
    eval "$(printf "casedesk-bench" | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    cargo bench --locked -p casedesk-client --bench sync -- \
        --portal "$1/release/casedesk-portal" --cases "$2" \
        --tenant "$3/target/bench/client-tenant-$2" --out "$4"
' bash "$target" "$cases" "$root" "$out"

python3 - "$root/BENCHMARKS.md" "$out" <<'PY'
import sys
path, section_path = sys.argv[1], sys.argv[2]
begin, end = "<!-- client:begin -->", "<!-- client:end -->"
text = open(path, encoding="utf-8").read()
section = open(section_path, encoding="utf-8").read().strip()
block = f"{begin}\n{section}\n{end}"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    text = head + block + tail
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w", encoding="utf-8").write(text)
PY
echo "==> wrote the desktop engine section of BENCHMARKS.md"
