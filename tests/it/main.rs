//! End to end: the desktop app in its real webview, driven through WebDriver, against
//! the real portal binary on `127.0.0.1:0` behind a proxy that can cut the network.
//! Beside them, `tidy` checks the whole workspace's sources and docs.

mod desktop;
mod letters;
mod requests;
mod tidy;
mod world;
