//! The desktop app, driven like a caseworker drives it: the real binary in its real
//! webview, through WebDriver (`tauri-driver` in front of `WebKitWebDriver`), under
//! the X display the test command provides (Xvfb).
//!
//! One scenario runs at a time ([`one_at_a_time`]): the app is single-instance per
//! user, and two webviews plus two portals seeding at once overload a small machine.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant, SystemTime};

use fantoccini::elements::Element;
use fantoccini::error::NewSessionError;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::sync::{Mutex, OwnedMutexGuard};

static ONE_SCENARIO_AT_A_TIME: LazyLock<Arc<Mutex<()>>> =
    LazyLock::new(|| Arc::new(Mutex::new(())));

/// Held for the whole of a desktop scenario, portal start included: a webview, a
/// portal seeding its demo tenant and a second scenario doing the same at once are
/// more than a two-core machine handles gracefully.
pub async fn one_at_a_time() -> OwnedMutexGuard<()> {
    ONE_SCENARIO_AT_A_TIME.clone().lock_owned().await
}

/// How long a condition may take before a test fails: generous, because the first
/// start of a webview on a loaded CI machine is slow.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// One desktop installation: a data directory, a keyring entry name and the portal
/// address offered at first login.
pub struct Installation {
    pub dir: tempfile::TempDir,
    pub portal: String,
}

impl Installation {
    pub fn new(portal: &str) -> Installation {
        crate::keyring_available();
        Installation {
            dir: tempfile::tempdir().unwrap(),
            portal: portal.to_owned(),
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Starts the app and connects WebDriver to it.
    pub async fn launch(&self) -> DesktopApp {
        AppLaunch {
            app: None,
            data_dir: self.dir.path().to_owned(),
            keyring_service: "casedesk-desktop-test".into(),
            portal: self.portal.clone(),
        }
        .launch()
        .await
    }

    /// The app's log files, for failure messages.
    pub fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(entries) = std::fs::read_dir(self.dir.path().join("logs")) {
            for entry in entries.flatten() {
                text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
            }
        }
        text
    }
}

/// How to start the app: which binary, over which data directory and keyring entry.
/// [`Installation::launch`] starts the workspace's debug build over a fresh
/// directory; the desktop benchmark (`tests/benches/desktop.rs`) starts a release
/// build over a store the `casedesk` command line filled beforehand.
#[derive(Debug, Clone)]
pub struct AppLaunch {
    /// The `casedesk-desktop` binary; `None` means the workspace's build for the
    /// current profile (built when missing).
    pub app: Option<PathBuf>,
    /// `CASEDESK_DATA_DIR`; window state and WebKit caches go inside it too.
    pub data_dir: PathBuf,
    /// `CASEDESK_KEYRING_SERVICE`: the keyring entry the session token is under.
    pub keyring_service: String,
    /// `CASEDESK_PORTAL`: the portal address offered at first login.
    pub portal: String,
}

impl AppLaunch {
    /// Starts tauri-driver, which starts the app when the WebDriver session is
    /// requested, and connects to it.
    pub async fn launch(&self) -> DesktopApp {
        assert!(
            std::env::var_os("DISPLAY").is_some() || !cfg!(target_os = "linux"),
            "the desktop tests need an X display: run them under `xvfb-run -a`, as scripts/test.sh does"
        );
        let app = match &self.app {
            Some(app) => app.clone(),
            None => app_binary(),
        };
        // A session request that the driver drops without an answer is retried once on
        // a fresh driver (a loaded machine has been seen to do that); a second failure
        // is a real one.
        let mut attempt = 1;
        let (client, session_requested, driver) = loop {
            let mut driver = self.start_driver();
            let mut capabilities = serde_json::Map::new();
            capabilities.insert(
                "tauri:options".into(),
                json!({ "application": app.to_string_lossy() }),
            );
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            let session_requested = SystemTime::now();
            match ClientBuilder::new(connector)
                .capabilities(capabilities)
                .connect(&driver.url)
                .await
            {
                Ok(client) => break (client, session_requested, driver),
                Err(error) => {
                    // Nothing owns the driver yet: stop it here, or it outlives the run.
                    kill_group(&mut driver.child);
                    let dropped = matches!(
                        error,
                        NewSessionError::FailedC(_)
                            | NewSessionError::Failed(_)
                            | NewSessionError::Lost(_)
                    );
                    if !dropped || attempt == 2 {
                        panic!("a WebDriver session with the app (attempt {attempt}): {error}");
                    }
                    eprintln!("the WebDriver session request was dropped ({error}); retrying once");
                    attempt += 1;
                }
            }
        };
        DesktopApp {
            client,
            session_requested,
            driver_pid: driver.child.id(),
            driver: Some(driver.child),
            data_dir: self.data_dir.clone(),
        }
    }

    /// Starts tauri-driver over this installation and waits until it and the
    /// WebKitWebDriver it starts both listen.
    fn start_driver(&self) -> Driver {
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new(tauri_driver());
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            // What the app reads at start (tauri-driver passes its environment on).
            .env("CASEDESK_DATA_DIR", &self.data_dir)
            .env("CASEDESK_KEYRING_SERVICE", &self.keyring_service)
            .env("CASEDESK_PORTAL", &self.portal)
            // Window state and WebKit caches stay inside the installation.
            .env("XDG_CONFIG_HOME", self.data_dir.join("config"))
            .env("XDG_CACHE_HOME", self.data_dir.join("cache"))
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let mut child = command.spawn().expect("start tauri-driver");
        // tauri-driver starts WebKitWebDriver and serves at once; a session request it
        // forwards before WebKitWebDriver listens is answered by a dropped connection.
        // So both must be listening before the session is requested.
        let deadline = Instant::now() + PATIENCE;
        for (what, listening) in [("tauri-driver", port), ("WebKitWebDriver", native_port)] {
            while std::net::TcpStream::connect(("127.0.0.1", listening)).is_err() {
                if Instant::now() > deadline || matches!(child.try_wait(), Ok(Some(_))) {
                    kill_group(&mut child);
                    panic!("{what} did not start listening on port {listening}");
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

/// A started tauri-driver and the address it serves WebDriver on.
struct Driver {
    child: Child,
    url: String,
}

/// A running app with a WebDriver session.
pub struct DesktopApp {
    pub client: Client,
    /// When the WebDriver session was requested, which is when the driver starts the
    /// app: the start of a start-up measurement.
    pub session_requested: SystemTime,
    /// The process id of tauri-driver; WebKitWebDriver, the app and the app's web
    /// processes run below it.
    pub driver_pid: u32,
    driver: Option<Child>,
    /// The app's data directory, whose `logs/` a failure message quotes.
    data_dir: PathBuf,
}

impl Drop for DesktopApp {
    fn drop(&mut self) {
        if let Some(mut driver) = self.driver.take() {
            kill_group(&mut driver);
        }
    }
}

impl DesktopApp {
    /// Ends the session (the app exits) and stops the driver.
    pub async fn quit(mut self) {
        let client = self.client.clone();
        let _ = client.close().await;
        if let Some(mut driver) = self.driver.take() {
            kill_group(&mut driver);
        }
    }

    /// Waits until `css` matches a displayed element and returns it.
    pub async fn find(&self, css: &str) -> Element {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && element.is_displayed().await.unwrap_or(false)
            {
                return element;
            }
            if Instant::now() > deadline {
                panic!(
                    "no visible element {css}\n{}\n{}",
                    self.body_text().await,
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
    }

    /// Polls `check` until it holds; WebDriver has no push, so this is how a test
    /// waits for the UI to catch up with the engine.
    pub async fn wait_until<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + PATIENCE;
        while !check().await {
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting until {what}\n{}\n{}",
                    self.body_text().await,
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The last lines of the app's newest log file, for failure messages.
    pub fn log_tail(&self) -> String {
        let newest = std::fs::read_dir(self.data_dir.join("logs"))
            .into_iter()
            .flatten()
            .flatten()
            .max_by_key(|entry| entry.metadata().and_then(|m| m.modified()).ok());
        let Some(text) = newest.and_then(|e| std::fs::read_to_string(e.path()).ok()) else {
            return "(no app log)".into();
        };
        let lines: Vec<&str> = text.lines().collect();
        format!(
            "app log, last lines:\n{}",
            lines[lines.len().saturating_sub(40)..].join("\n")
        )
    }

    /// Clicks the element `css` selects. A list that re-renders between finding the
    /// element and clicking it replaces the node (WebKit then answers "Node with
    /// identifier … was not found"): the click never happened, so it is tried again on
    /// the element found anew.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.find(css).await.click().await {
                Ok(()) => return,
                Err(error) if Instant::now() < deadline && is_stale(&error) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(error) => panic!("click {css}: {error}"),
            }
        }
    }

    /// Replaces the text of an input.
    pub async fn fill(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    /// Sets the value of an input or textarea the way React sees typing: through the
    /// native value setter, then an `input` event. For values WebDriver's clear and
    /// type cannot produce reliably on a controlled field (a long text, a field that
    /// reformats itself).
    pub async fn set_value(&self, css: &str, value: &str) {
        self.find(css).await;
        self.client
            .execute(
                "const [css, value] = arguments;\
                 const field = document.querySelector(css);\
                 const proto = field instanceof HTMLTextAreaElement\
                     ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;\
                 Object.getOwnPropertyDescriptor(proto, 'value').set.call(field, value);\
                 field.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![json!(css), json!(value)],
            )
            .await
            .unwrap_or_else(|e| panic!("set the value of {css}: {e}"));
    }

    /// Types keys into whatever has focus (shortcuts).
    pub async fn keys(&self, keys: &str) {
        self.client
            .execute(
                "document.activeElement && document.activeElement.blur && \
                 (document.activeElement.tagName === 'INPUT' || document.activeElement.tagName === 'TEXTAREA') \
                 && document.activeElement.blur();",
                vec![],
            )
            .await
            .unwrap();
        let body = self.client.find(Locator::Css("body")).await.unwrap();
        body.send_keys(keys).await.unwrap();
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.unwrap()
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    /// Every `attr` of the elements matching `css`.
    pub async fn attrs(&self, css: &str, name: &str) -> Vec<String> {
        let mut values = Vec::new();
        for element in self.find_all(css).await {
            if let Ok(Some(value)) = element.attr(name).await {
                values.push(value);
            }
        }
        values
    }

    pub async fn body_text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(e) => format!("(no page: {e})"),
        }
    }

    /// Runs axe-core on the page and returns the serious and critical violations
    /// (`id: description (n nodes)`).
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let axe =
            std::fs::read_to_string(crate::repo_root().join("ui/node_modules/axe-core/axe.min.js"))
                .expect("axe-core (npm ci in ui/)");
        self.client
            .execute(&axe, vec![])
            .await
            .expect("load axe-core");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, { resultTypes: ['violations'] })\
                    .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))))\
                    .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));",
                vec![],
            )
            .await
            .expect("run axe-core");
        result
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| format!("{}: {} {}", v["id"], v["help"], v["nodes"]))
            .collect()
    }

    /// Saves a screenshot as `<CASEDESK_SCREENSHOTS>/<name>.png` when that variable is
    /// set (scripts/screenshots.sh); otherwise does nothing.
    pub async fn screenshot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("CASEDESK_SCREENSHOTS") {
            let png = self.client.screenshot().await.expect("screenshot");
            let dir = PathBuf::from(dir);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
        }
    }

    /// Signs in through the login form and waits until the app is online.
    pub async fn log_in(&self, user: &str, password: &str) {
        self.fill("#user", user).await;
        self.fill("#password", password).await;
        self.click("button[type=submit]").await;
        self.find("[data-testid=inbox-list]").await;
        self.wait_for_connection("online").await;
    }

    /// The connection state the status bar shows (`online`, `offline`, …).
    pub async fn connection(&self) -> Option<String> {
        self.attr("[data-testid=sync-status]", "data-connection")
            .await
    }

    pub async fn wait_for_connection(&self, state: &str) {
        self.wait_until(&format!("the status bar says {state}"), || async {
            self.connection().await.as_deref() == Some(state)
        })
        .await;
    }

    /// Searches for an Aktenzeichen and opens its case from the inbox. While typing,
    /// the list passes through the results of the search's first letters; a click on
    /// a row that is being replaced at that moment hits its placeholder and is lost,
    /// as it would be for a person, who clicks again. So does this.
    pub async fn open_case(&self, aktenzeichen: &str) {
        self.fill("[data-testid=search]", aktenzeichen).await;
        let row = format!("[data-testid=inbox-row][data-aktenzeichen='{aktenzeichen}']");
        let view = format!("[data-testid=case-view][data-aktenzeichen='{aktenzeichen}']");
        let deadline = Instant::now() + PATIENCE;
        loop {
            self.click(&row).await;
            let retry = Instant::now() + Duration::from_secs(2);
            while Instant::now() < retry {
                if self.is_shown(&view).await {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            if Instant::now() > deadline {
                // Fails with the page's text and the app's log.
                self.find(&view).await;
                return;
            }
        }
    }

    /// Whether `css` matches a displayed element now.
    pub async fn is_shown(&self, css: &str) -> bool {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element.is_displayed().await.unwrap_or(false),
            Err(_) => false,
        }
    }

    /// Claims the open case and waits until the portal confirmed it.
    pub async fn claim_open_case(&self) {
        self.click("[data-testid=claim]").await;
        self.wait_until("the claim is confirmed", || async {
            self.attr("[data-testid=case-view]", "data-pending")
                .await
                .as_deref()
                == Some("0")
                && self.find_all("[data-testid=release]").await.len() == 1
        })
        .await;
    }

    /// A number the UI shows in `css` (counts, totals).
    pub async fn number(&self, css: &str) -> i64 {
        self.text(css)
            .await
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(-1)
    }

    /// Runs a script in the page and returns its value.
    pub async fn eval(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("script")
    }
}

fn app_binary() -> PathBuf {
    let app = crate::workspace_binary("casedesk-desktop", "casedesk-desktop");
    assert!(
        crate::repo_root().join("ui/dist/index.html").exists(),
        "the UI is not built: run `npm ci && npm run build` in ui/ (scripts/test.sh does)"
    );
    app
}

fn tauri_driver() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(path) = home.map(|h| h.join("bin/tauri-driver"))
        && path.exists()
    {
        return path;
    }
    PathBuf::from("tauri-driver")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Stops tauri-driver, the WebKitWebDriver below it and the app, one process at a
/// time. Never their process group: on the machines this runs on, signalling the
/// web processes' group took the whole machine down. The app's web processes end
/// by themselves when the app is gone. A left-over app would also take the next
/// scenario's start for a second instance and hand over to itself.
fn kill_group(child: &mut Child) {
    #[cfg(target_os = "linux")]
    {
        let mut doomed = descendants(child.id());
        doomed.retain(|(_, name)| name == "WebKitWebDriver" || name.starts_with("casedesk-deskto"));
        for (pid, _) in doomed {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The processes below `root` as (pid, command name), from `/proc`.
#[cfg(target_os = "linux")]
fn descendants(root: u32) -> Vec<(u32, String)> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (name) state ppid …`; the name may contain spaces and parentheses.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].to_owned();
        let ppid = stat[close + 1..]
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parents.push((pid, ppid, name));
        }
    }
    let mut found = Vec::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for (pid, ppid, name) in &parents {
            if *ppid == parent {
                found.push((*pid, name.clone()));
                frontier.push(*pid);
            }
        }
    }
    found
}

/// Whether WebDriver refused a command because the element's node is gone.
fn is_stale(error: &fantoccini::error::CmdError) -> bool {
    match error {
        fantoccini::error::CmdError::Standard(e) => {
            matches!(
                e.error,
                fantoccini::error::ErrorStatus::StaleElementReference
                    | fantoccini::error::ErrorStatus::NoSuchElement
            ) || e.message.contains("was not found")
        }
        _ => false,
    }
}
