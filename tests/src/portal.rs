//! The portal binary as a process on `127.0.0.1:0` with the demo tenant, and a direct
//! HTTP session on it for the other people in a scenario.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The `casedesk-portal` binary of this workspace (built if needed), for operator
/// commands beside a running portal.
pub fn portal_binary() -> PathBuf {
    crate::workspace_binary("casedesk-portal", "casedesk-portal")
}

/// A running portal process; killed when dropped.
pub struct Portal {
    child: Child,
    pub addr: SocketAddr,
    pub base: String,
    /// `USER / PASSWORD  (role, office)` lines printed by `--demo`.
    pub banner: Vec<String>,
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Portal {
    /// The process id, for signals (a graceful SIGTERM).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status, once the process has ended.
    pub fn try_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().expect("the portal's exit status")
    }

    /// Kills the process (no graceful shutdown), as a crash or a pulled plug would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the portal on `127.0.0.1:0` over `data_dir`, with the demo tenant.
    pub fn start(data_dir: &Path) -> Portal {
        let mut command = Command::new(portal_binary());
        command.arg("serve").arg("--demo");
        Portal::serve(command, data_dir)
    }

    /// Starts `command` (a `casedesk-portal serve …` of any build, with any extra
    /// flags or environment) on `127.0.0.1:0` over `data_dir`, and waits until it
    /// listens.
    pub fn serve(mut command: Command, data_dir: &Path) -> Portal {
        command
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut portal = Portal {
            child: command.spawn().expect("start casedesk-portal"),
            addr: "127.0.0.1:1".parse().unwrap(),
            base: String::new(),
            banner: Vec::new(),
        };
        let stdout = portal.child.stdout.take().expect("stdout");
        let (lines, received) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            let line = received
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("the portal did not start listening");
            if let Some(address) = line.strip_prefix("casedesk-portal listening on ") {
                portal.base = address.to_owned();
                portal.addr = address
                    .trim_start_matches("http://")
                    .parse()
                    .expect("a socket address");
                return portal;
            }
            portal.banner.push(line);
        }
    }

    /// The first demo login with this role (`caseworker`, `team_lead`) and office
    /// name part, as (user, password).
    pub fn login_of(&self, role: &str, nth: usize) -> (String, String) {
        let line = self
            .banner
            .iter()
            .filter(|l| l.contains(&format!("({role},")))
            .nth(nth)
            .unwrap_or_else(|| panic!("no {nth}th {role} login in {:?}", self.banner));
        let (credentials, _) = line
            .split_once("  (")
            .expect("USER / PASSWORD  (role, office)");
        let (user, password) = credentials.split_once(" / ").expect("USER / PASSWORD");
        (user.to_owned(), password.to_owned())
    }

    /// The demo citizens' password, from the banner's `Citizens: … / PASSWORD` line.
    pub fn citizen_password(&self) -> String {
        self.banner
            .iter()
            .find_map(|l| l.strip_prefix("Citizens: "))
            .and_then(|l| l.rsplit_once(" / "))
            .map(|(_, password)| password.to_owned())
            .unwrap_or_else(|| panic!("no citizens line in {:?}", self.banner))
    }

    /// The office name of a login line.
    pub fn office_of(&self, user: &str) -> String {
        let line = self
            .banner
            .iter()
            .find(|l| l.starts_with(&format!("{user} / ")))
            .expect("a login line");
        let (_, rest) = line.split_once(", ").expect("role, office");
        rest.trim_end_matches(')').to_owned()
    }
}

/// Sends a request that must succeed and returns its body: JSON, or bytes.
pub async fn expect_json(request: reqwest::RequestBuilder) -> Value {
    succeeded(request).await.json().await.unwrap()
}

pub async fn expect_bytes(request: reqwest::RequestBuilder) -> Vec<u8> {
    succeeded(request).await.bytes().await.unwrap().to_vec()
}

async fn succeeded(request: reqwest::RequestBuilder) -> reqwest::Response {
    request.send().await.unwrap().error_for_status().unwrap()
}

/// A citizen's access token from the citizen API's login.
pub async fn citizen_token(base: &str, email: &str, password: &str) -> String {
    let reply = expect_json(
        http()
            .post(format!("{base}/api/v1/citizen/session"))
            .json(&json!({"email": email, "password": password})),
    )
    .await;
    reply["access_token"].as_str().unwrap().to_owned()
}

/// A direct HTTP session on the portal, bypassing the desktop (another person's
/// actions, and checks of what the portal holds).
pub struct PortalUser {
    pub base: String,
    pub token: String,
    pub user: Value,
}

impl PortalUser {
    pub async fn login(base: &str, user: &str, password: &str) -> PortalUser {
        let reply = expect_json(
            http()
                .post(format!("{base}/api/v1/office/session"))
                .json(&json!({"user": user, "password": password})),
        )
        .await;
        PortalUser {
            base: base.to_owned(),
            token: reply["access_token"].as_str().unwrap().to_owned(),
            user: reply["user"].clone(),
        }
    }

    /// A blob as the portal hands it to staff.
    pub async fn blob(&self, sha256: &str) -> Vec<u8> {
        expect_bytes(
            http()
                .get(format!("{}/api/v1/office/blobs/{sha256}", self.base))
                .bearer_auth(&self.token),
        )
        .await
    }

    pub fn id(&self) -> String {
        self.user["id"].as_str().unwrap().to_owned()
    }

    /// The case as the portal holds it now.
    pub async fn case(&self, case_id: &str) -> Value {
        self.cases()
            .await
            .into_iter()
            .find(|c| c["id"] == case_id)
            .unwrap_or_else(|| panic!("case {case_id} not on the portal"))
    }

    /// Every case the user may see, as the portal holds it now.
    pub async fn cases(&self) -> Vec<Value> {
        let mut cases = std::collections::BTreeMap::new();
        let mut after = 0;
        loop {
            let page = expect_json(
                http()
                    .get(format!(
                        "{}/api/v1/office/sync/changes?after={after}&limit=1000",
                        self.base
                    ))
                    .bearer_auth(&self.token),
            )
            .await;
            for case in page["changes"].as_array().unwrap() {
                cases.insert(case["id"].as_str().unwrap().to_owned(), case.clone());
            }
            if !page["has_more"].as_bool().unwrap() {
                return cases.into_values().collect();
            }
            after = page["next_cursor"].as_i64().unwrap();
        }
    }

    pub async fn command(&self, case: &Value, kind: &str, payload: Value) -> Value {
        let mut command = json!({
            "command_id": uuid::Uuid::now_v7(),
            "case_id": case["id"],
            "base_version": case["version"],
            "kind": kind,
        });
        if !payload.is_null() {
            command["payload"] = payload;
        }
        let reply: Value = http()
            .post(format!("{}/api/v1/office/commands", self.base))
            .bearer_auth(&self.token)
            .json(&json!({ "commands": [command] }))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        reply["answers"][0].clone()
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}
