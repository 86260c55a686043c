//! Real processes on real sockets: the portal binary, the `casedesk` binary, and a TCP
//! proxy between them that can play a broken network (down, a reply that never
//! comes, a stream cut off, a flipped byte).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------------
// The portal.

/// The portal binary: built beside `casedesk` by `cargo test --workspace`; built here
/// when a single package is tested.
fn portal_binary() -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_casedesk"))
        .with_file_name(format!("casedesk-portal{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "-p", "casedesk-portal", "--bin", "casedesk-portal"])
            .status()
            .expect("run cargo build for the portal");
        assert!(status.success(), "building casedesk-portal failed");
    }
    path
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
    /// Kills the process (no graceful shutdown), as a crash or a pulled plug would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the portal on `127.0.0.1:0` over `data_dir`, with the demo tenant.
    pub fn start(data_dir: &Path) -> Portal {
        let mut command = Command::new(portal_binary());
        command
            .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
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

/// A direct HTTP session on the portal, bypassing the desktop (another person's
/// actions, and checks of what the portal holds).
pub struct PortalUser {
    pub base: String,
    pub token: String,
    pub user: Value,
}

impl PortalUser {
    pub async fn login(base: &str, user: &str, password: &str) -> PortalUser {
        let reply: Value = http()
            .post(format!("{base}/api/v1/office/session"))
            .json(&json!({"user": user, "password": password}))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        PortalUser {
            base: base.to_owned(),
            token: reply["access_token"].as_str().unwrap().to_owned(),
            user: reply["user"].clone(),
        }
    }

    pub fn id(&self) -> String {
        self.user["id"].as_str().unwrap().to_owned()
    }

    /// The case as the portal holds it now (from a changes page from 0).
    pub async fn case(&self, case_id: &str) -> Value {
        let mut after = 0;
        loop {
            let page: Value = http()
                .get(format!(
                    "{}/api/v1/office/sync/changes?after={after}&limit=1000",
                    self.base
                ))
                .bearer_auth(&self.token)
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap()
                .json()
                .await
                .unwrap();
            if let Some(case) = page["changes"]
                .as_array()
                .unwrap()
                .iter()
                .rev()
                .find(|c| c["id"] == case_id)
            {
                return case.clone();
            }
            assert!(
                page["has_more"].as_bool().unwrap(),
                "case {case_id} not on the portal"
            );
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

// ---------------------------------------------------------------------------------
// The network in between.

/// What the proxy does to traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Pass everything through.
    None,
    /// Refuse every connection (closed at once): the portal is unreachable.
    Down,
    /// Forward command batches to the portal but never deliver its reply.
    SwallowCommandReplies,
    /// Cut the bootstrap response after this many bytes.
    CutBootstrapAfter(usize),
    /// Flip the first body byte of every blob download.
    CorruptBlobs,
    /// Cut every blob download after this many bytes.
    CutBlobsAfter(usize),
}

struct ProxyState {
    backend: Mutex<SocketAddr>,
    fault: Mutex<Fault>,
    /// Request lines seen, in order (`GET /api/v1/office/sync/bootstrap?after=…`).
    requests: Mutex<Vec<String>>,
}

/// A TCP proxy on `127.0.0.1:0` in front of the portal.
pub struct Proxy {
    pub base: String,
    state: Arc<ProxyState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    pub async fn start(backend: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(ProxyState {
            backend: Mutex::new(backend),
            fault: Mutex::new(Fault::None),
            requests: Mutex::new(Vec::new()),
        });
        let task = {
            let state = state.clone();
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    let state = state.clone();
                    tokio::spawn(async move { relay(client, state).await });
                }
            })
        };
        Proxy {
            base: format!("http://{addr}"),
            state,
            task,
        }
    }

    pub fn set_fault(&self, fault: Fault) {
        *self.state.fault.lock().unwrap() = fault;
    }

    pub fn set_backend(&self, backend: SocketAddr) {
        *self.state.backend.lock().unwrap() = backend;
    }

    pub fn requests(&self) -> Vec<String> {
        self.state.requests.lock().unwrap().clone()
    }
}

async fn relay(mut client: TcpStream, state: Arc<ProxyState>) {
    let fault = *state.fault.lock().unwrap();
    if fault == Fault::Down {
        return;
    }
    let backend = *state.backend.lock().unwrap();
    let Ok(server) = TcpStream::connect(backend).await else {
        let _ = client.shutdown().await;
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let swallow = Arc::new(AtomicBool::new(false));
    let cut = Arc::new(AtomicBool::new(false));
    let corrupt = Arc::new(AtomicBool::new(false));
    let upstream = {
        let (state, swallow, cut, corrupt) =
            (state.clone(), swallow.clone(), cut.clone(), corrupt.clone());
        async move {
            let mut buffer = vec![0; 64 * 1024];
            loop {
                let n = match client_read.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let chunk = &buffer[..n];
                let fault = *state.fault.lock().unwrap();
                for line in request_lines(chunk) {
                    if line.starts_with("POST /api/v1/office/commands")
                        && fault == Fault::SwallowCommandReplies
                    {
                        swallow.store(true, Ordering::SeqCst);
                    }
                    if line.starts_with("GET /api/v1/office/sync/bootstrap")
                        && matches!(fault, Fault::CutBootstrapAfter(_))
                        || line.starts_with("GET /api/v1/office/blobs/")
                            && matches!(fault, Fault::CutBlobsAfter(_))
                    {
                        cut.store(true, Ordering::SeqCst);
                    }
                    if line.starts_with("GET /api/v1/office/blobs/") && fault == Fault::CorruptBlobs
                    {
                        corrupt.store(true, Ordering::SeqCst);
                    }
                    state.requests.lock().unwrap().push(line);
                }
                if server_write.write_all(chunk).await.is_err() {
                    break;
                }
            }
            let _ = server_write.shutdown().await;
        }
    };
    let downstream = async move {
        let mut buffer = vec![0; 64 * 1024];
        let mut sent_of_cut = 0usize;
        let mut flip_next_chunk = false;
        loop {
            let n = match server_read.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let chunk = &mut buffer[..n];
            if swallow.load(Ordering::SeqCst) {
                // The portal has the request; its answer is lost on the way back.
                continue;
            }
            if cut.load(Ordering::SeqCst) {
                let limit = match *state.fault.lock().unwrap() {
                    Fault::CutBootstrapAfter(limit) | Fault::CutBlobsAfter(limit) => limit,
                    _ => usize::MAX,
                };
                let room = limit.saturating_sub(sent_of_cut);
                let take = room.min(chunk.len());
                let _ = client_write.write_all(&chunk[..take]).await;
                sent_of_cut += take;
                if sent_of_cut >= limit {
                    break;
                }
                continue;
            }
            if flip_next_chunk && !chunk.is_empty() {
                chunk[0] ^= 0xff;
                flip_next_chunk = false;
            } else if corrupt.swap(false, Ordering::SeqCst) {
                match find(chunk, b"\r\n\r\n") {
                    Some(end) if end + 4 < chunk.len() => chunk[end + 4] ^= 0xff,
                    // The headers end this chunk: flip the body's first byte next.
                    Some(_) => flip_next_chunk = true,
                    None => corrupt.store(true, Ordering::SeqCst),
                }
            }
            if client_write.write_all(chunk).await.is_err() {
                break;
            }
        }
        let _ = client_write.shutdown().await;
    };
    tokio::select! {
        _ = async { tokio::join!(upstream, downstream) } => {}
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// HTTP request lines in a chunk of client bytes, and `range` headers.
fn request_lines(chunk: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(chunk)
        .split("\r\n")
        .filter(|line| {
            ["GET ", "POST ", "PUT ", "DELETE "]
                .iter()
                .any(|m| line.starts_with(m))
                && line.ends_with(" HTTP/1.1")
                || line.to_ascii_lowercase().starts_with("range: ")
        })
        .map(str::to_owned)
        .collect()
}

// ---------------------------------------------------------------------------------
// The desktop, through its command line.

/// One desktop installation: a data directory and the `casedesk` binary.
pub struct Desktop {
    pub dir: tempfile::TempDir,
}

impl Desktop {
    pub fn new() -> Desktop {
        keyring_available();
        Desktop {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_casedesk"));
        command
            .arg("--json")
            .args(args)
            .env("CASEDESK_DATA_DIR", self.dir.path())
            .env("CASEDESK_KEYRING_SERVICE", "casedesk-test")
            .env("RUST_LOG", "warn")
            .env_remove("CASEDESK_PASSWORD");
        command
    }

    /// Runs `casedesk --json ARGS` to the end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run casedesk")
    }

    /// Runs and returns the JSON it printed; panics with its stderr when it failed.
    pub fn json(&self, args: &[&str]) -> Value {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "casedesk {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "casedesk {args:?} printed no JSON ({e}): {}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
    }

    /// Runs and returns the `{code, message}` error it printed; panics if it succeeded.
    pub fn error(&self, args: &[&str]) -> Value {
        let output = self.run(args);
        assert!(
            !output.status.success(),
            "casedesk {args:?} should have failed: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        // Log lines may come first; the error is the last line.
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        serde_json::from_str(last).unwrap_or_else(|e| {
            panic!(
                "casedesk {args:?} printed no JSON error ({e}): {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
    }

    pub fn login(&self, portal: &str, user: &str, password: &str) -> Value {
        let output = self
            .command(&["login", "--portal", portal, "--user", user])
            .env("CASEDESK_PASSWORD", password)
            .output()
            .expect("run casedesk login");
        assert!(
            output.status.success(),
            "login failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    }

    /// Every case aggregate in the local store as the portal last sent it, by id.
    pub async fn server_states(&self) -> std::collections::BTreeMap<String, Value> {
        use sqlx::Connection;
        let url = format!(
            "sqlite://{}?mode=ro",
            self.dir.path().join("casedesk.db").display()
        );
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT cases.id, case_json.server FROM cases \
             JOIN case_json ON case_json.row = cases.row",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        rows.into_iter()
            .map(|(id, packed)| {
                // The store keeps aggregates LZ4-compressed.
                let json = lz4_flex::decompress_size_prepended(&packed).unwrap();
                (id, serde_json::from_slice(&json).unwrap())
            })
            .collect()
    }
}

/// The tests need the OS credential store; on a headless Linux machine that is
/// gnome-keyring inside a D-Bus session, which `scripts/test.sh` starts.
fn keyring_available() {
    static CHECKED: std::sync::Once = std::sync::Once::new();
    CHECKED.call_once(|| {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() || !cfg!(target_os = "linux"),
            "these tests use the real Secret Service: run them inside `dbus-run-session` with \
             `gnome-keyring-daemon --unlock --components=secrets` started, as scripts/test.sh does"
        );
    });
}
