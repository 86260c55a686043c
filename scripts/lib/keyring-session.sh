#!/usr/bin/env bash
# Runs "$@" inside a private D-Bus session with an unlocked gnome-keyring: the real
# Secret Service the desktop engine keeps its tokens in, gone when the command ends.
# The keyring files go to a scratch XDG_DATA_HOME, and the unlock password must not be
# empty (an empty one makes gnome-keyring ask a GUI prompter to create the keyring).
# The bus activates no services (scripts/lib/session-bus.conf): no desktop portals
# with their FUSE mounts in a headless session.
set -euo pipefail
exec dbus-run-session --config-file="$(cd "$(dirname "$0")" && pwd)/session-bus.conf" -- bash -c '
    set -euo pipefail
    XDG_DATA_HOME=$(mktemp -d)
    export XDG_DATA_HOME
    trap "rm -rf \"\$XDG_DATA_HOME\"" EXIT
    eval "$(printf "casedesk-keyring" | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    "$@"
' bash "$@"
