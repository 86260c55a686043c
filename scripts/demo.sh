#!/usr/bin/env bash
# Builds and starts the portal with a demo tenant (offices, staff, services and a few
# hundred cases with real PDF and image attachments), then the desktop app, signed in
# as the demo caseworker a.becker. Closing the app stops the portal.
#
# The portal's data lives in data/demo, the desktop's in data/demo-desktop (delete
# them to start over). Without a display (a server, CI), the app runs in a virtual
# X display (Xvfb) and the script prints where a screenshot of it was saved.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/postgres.sh # as_root
. scripts/lib/desktop-deps.sh

missing=()
desktop_missing_packages
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists dbus-1 2>/dev/null || missing+=(libdbus-1-dev)
command -v dbus-run-session >/dev/null 2>&1 || missing+=(dbus-daemon dbus-x11)
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring)
[ -n "${DISPLAY:-}" ] || command -v import >/dev/null 2>&1 || missing+=(imagemagick)
if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "==> building the UI, the portal, the desktop app and the command line"
ui_install
npm --prefix ui run --silent build
cargo build --release --locked -p casedesk-portal -p casedesk-desktop -p casedesk-cli

listen="${CASEDESK_LISTEN:-127.0.0.1:8080}"
portal_log=$(mktemp)
target/release/casedesk-portal serve --demo \
    --data-dir "${CASEDESK_DEMO_DIR:-data/demo}" \
    --listen "$listen" >"$portal_log" 2>&1 &
portal_pid=$!
trap 'kill "$portal_pid" 2>/dev/null || true; rm -f "$portal_log"' EXIT
until grep -q "casedesk-portal listening on" "$portal_log"; do
    kill -0 "$portal_pid" 2>/dev/null || { cat "$portal_log"; exit 1; }
    sleep 0.2
done
cat "$portal_log"

export CASEDESK_DATA_DIR="${CASEDESK_DESKTOP_DIR:-$PWD/data/demo-desktop}"
export CASEDESK_PORTAL="http://$listen"
export CASEDESK_KEYRING_SERVICE="${CASEDESK_KEYRING_SERVICE:-casedesk-demo}"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
    echo "==> starting Casedesk as a.becker (close the window to stop the demo)"
    scripts/lib/demo-desktop.sh
else
    # No desktop session: a virtual display and a private keyring. The app keeps
    # running until interrupted; a screenshot shows what it shows.
    shot="$PWD/data/demo-desktop.png"
    echo "==> no display: starting Casedesk as a.becker in Xvfb (Ctrl-C stops the demo)"
    SHOT="$shot" xvfb-run -a --server-args="-screen 0 1600x1000x24" \
        scripts/lib/keyring-session.sh bash -c '
            scripts/lib/demo-desktop.sh &
            app=$!
            trap "kill $app 2>/dev/null" EXIT INT TERM
            # Time for the login, the app to start and the inbox to fill.
            sleep 10
            import -window root "$SHOT" && echo "==> screenshot of the app: $SHOT"
            wait $app'
fi
