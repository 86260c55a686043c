//! The `casedesk-desktop` executable.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    casedesk_desktop::run();
}
