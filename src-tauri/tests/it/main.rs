//! Checks on the app as shipped. Having an integration test also makes
//! `cargo test --workspace` build the `casedesk-desktop` binary with the test build's
//! features, which is the binary the WebDriver tests in `tests/` drive.

use std::path::Path;

use serde_json::Value;

fn config() -> Value {
    serde_json::from_str(include_str!("../../tauri.conf.json")).expect("tauri.conf.json")
}

#[test]
fn the_webview_runs_under_a_strict_content_security_policy() {
    assert!(Path::new(env!("CARGO_BIN_EXE_casedesk-desktop")).exists());
    let config = config();
    let security = &config["app"]["security"];
    let csp = security["csp"].as_object().expect("a CSP per directive");
    for (directive, sources) in csp {
        let sources = sources.as_str().unwrap();
        assert!(
            !sources.contains("unsafe") && !sources.contains('*'),
            "{directive} allows too much: {sources}"
        );
    }
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["object-src"], "'none'");
    // Documents come only through the app's own scheme, never from the network.
    assert!(
        csp["img-src"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .all(|s| [
                "'self'",
                "data:",
                "blob:",
                "casedesk-doc:",
                "http://casedesk-doc.localhost"
            ]
            .contains(&s))
    );
    assert_eq!(security["freezePrototype"], true);
    assert_eq!(config["app"]["withGlobalTauri"], false);
}
