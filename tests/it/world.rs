//! What the desktop tests share: a portal with the demo tenant behind a proxy that
//! can cut the network, the first demo caseworker, and the case they review.

use casedesk_tests::portal::Portal;
use casedesk_tests::proxy::Proxy;
use serde_json::Value;

/// A portal with the demo tenant behind a proxy; the first demo caseworker.
pub struct World {
    pub portal_dir: tempfile::TempDir,
    pub portal: Portal,
    pub proxy: Proxy,
    pub user: String,
    pub password: String,
}

pub async fn world() -> World {
    let portal_dir = tempfile::tempdir().unwrap();
    let portal = Portal::start(portal_dir.path());
    let proxy = Proxy::start(portal.addr).await;
    let (user, password) = portal.login_of("caseworker", 0);
    World {
        portal_dir,
        portal,
        proxy,
        user,
        password,
    }
}

/// An unassigned, newly submitted case of the user's office with a PDF and another
/// document, and the ids of those two documents.
pub fn case_to_review(cases: &[Value], office: &str) -> (Value, String, String) {
    cases
        .iter()
        .filter(|c| {
            c["status"] == "submitted" && c["assignee"].is_null() && c["office_id"] == office
        })
        .find_map(|c| {
            let documents = c["documents"].as_array().unwrap();
            let pdf = documents
                .iter()
                .find(|d| d["media_type"] == "application/pdf")?;
            let other = documents.iter().find(|d| d["id"] != pdf["id"])?;
            Some((
                c.clone(),
                pdf["id"].as_str().unwrap().to_owned(),
                other["id"].as_str().unwrap().to_owned(),
            ))
        })
        .expect("a submitted case with a PDF and another document")
}

pub fn assert_accessible(violations: Vec<String>, screen: &str) {
    assert!(
        violations.is_empty(),
        "axe-core found serious violations on {screen}:\n{}",
        violations.join("\n")
    );
}
