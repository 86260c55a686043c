# Shared by the test and benchmark scripts: installs (if missing) and starts the local
# PostgreSQL cluster and makes sure the `casedesk` role exists. Source it, then call
# `start_local_postgres`; the admin URL is postgres://casedesk:casedesk@127.0.0.1/postgres.

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

start_local_postgres() {
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        echo "==> installing postgresql"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    local version
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    echo "==> starting PostgreSQL ${version}"
    as_root pg_ctlcluster "$version" main start 2>/dev/null || true
    for _ in $(seq 1 30); do
        as_root su postgres -c "psql -qtAc 'SELECT 1'" >/dev/null 2>&1 && break
        sleep 1
    done
    as_root su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'casedesk'\"" | grep -q 1 ||
        as_root su postgres -c "psql -qc \"CREATE ROLE casedesk LOGIN SUPERUSER PASSWORD 'casedesk'\""
}
