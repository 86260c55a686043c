#!/usr/bin/env bash
# Builds the portal and starts it with a demo tenant (offices, staff, services and a
# few hundred cases with real PDF and image attachments). On first start it prints
# the demo logins; the data lives in data/demo (delete it to start over).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p casedesk-portal
exec target/release/casedesk-portal serve --demo \
    --data-dir "${CASEDESK_DEMO_DIR:-data/demo}" \
    --listen "${CASEDESK_LISTEN:-127.0.0.1:8080}"
