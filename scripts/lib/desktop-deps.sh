# What building and testing the desktop app needs on Debian 12; sourced by
# scripts/test.sh and scripts/demo.sh (which define `missing` and `as_root`).

# Appends the missing Debian packages to the array `missing`.
desktop_missing_packages() {
    local pkg
    for pkg in webkit2gtk-4.1 libsoup-3.0 librsvg-2.0 ayatana-appindicator3-0.1 openssl; do
        pkg-config --exists "$pkg" 2>/dev/null || {
            missing+=(libwebkit2gtk-4.1-dev libsoup-3.0-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev)
            break
        }
    done
    [ -e /usr/include/xdo.h ] || missing+=(libxdo-dev)
    command -v cc >/dev/null 2>&1 || missing+=(build-essential)
    command -v WebKitWebDriver >/dev/null 2>&1 || missing+=(webkit2gtk-driver)
    command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb xauth)
    command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
}

# tauri-driver: the WebDriver server in front of WebKitWebDriver.
install_tauri_driver() {
    if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
        echo "==> installing tauri-driver"
        cargo install tauri-driver --locked --version 2.1.0
    fi
}

# The UI's npm packages, exactly as locked; skipped when they are already in place.
ui_install() {
    if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
        npm ci --prefix ui --no-audit --no-fund --loglevel=error
    fi
}
