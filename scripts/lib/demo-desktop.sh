#!/usr/bin/env bash
# Part of scripts/demo.sh: signs the demo caseworker in (the token goes into the OS
# keyring) and starts the desktop app, which finds the session and opens the inbox.
# Expects CASEDESK_DATA_DIR, CASEDESK_PORTAL and CASEDESK_KEYRING_SERVICE.
set -euo pipefail
cd "$(dirname "$0")/../.."
CASEDESK_PASSWORD=demo-casedesk target/release/casedesk login \
    --portal "$CASEDESK_PORTAL" --user a.becker
exec target/release/casedesk-desktop
