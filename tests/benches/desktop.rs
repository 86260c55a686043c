//! `cargo bench -p casedesk-tests --bench desktop -- --portal PATH --cli PATH --app PATH
//! --tenant DIR --out FILE`: the desktop app's performance with a large local store.
//!
//! Measures, against the targets its report states, the real release app in its real
//! webview (WebKitGTK, driven through tauri-driver): start to interactive inbox, opening
//! a case, search results while typing, and the resident memory of every process of the
//! app. The store is filled the way a caseworker's would be: a release portal serves a
//! seeded tenant (kept between runs, shared with `scripts/bench-client.sh`), and the
//! release `casedesk` command line logs in as a team lead who sees every case and
//! syncs once. Times are taken inside the page (`performance.now()`, event time stamps,
//! a `MutationObserver` and the next animation frame) so WebDriver's round trips do not
//! count; only the start is timed from outside, from the WebDriver session request
//! that starts the app. Checks what it measures (the case shown is the one clicked, the
//! rows shown are the engine's answer) but never fails on a time. Writes one Markdown
//! section to `--out`.
//!
//! Run under an X display and inside a D-Bus session with an unlocked keyring
//! (`scripts/bench-desktop.sh` does both).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail, ensure};
use casedesk_tests::bench::{LoadAverage, Machine, Table, max, median, verdict};
use casedesk_tests::desktop::{AppLaunch, DesktopApp};
use casedesk_tests::portal::Portal;
use clap::Parser;
use fantoccini::key::Key;
use serde_json::{Value, json};

const START_TARGET_MS: f64 = 1500.0;
const OPEN_TARGET_MS: f64 = 100.0;
const SEARCH_TARGET_MS: f64 = 100.0;
const MEMORY_TARGET_MB: f64 = 400.0;
/// The demo tenant's team lead of every office, who sees every case.
const LEAD: &str = "h.zimmermann";
const PASSWORD: &str = "demo-casedesk";
const KEYRING_SERVICE: &str = "casedesk-bench-desktop";
/// How long the page must be quiet (no DOM change in the inbox) before a search or a
/// scroll counts as settled.
const QUIET_MS: u64 = 600;

#[derive(Parser)]
struct Args {
    /// The `casedesk-portal` binary (release build).
    #[arg(long)]
    portal: PathBuf,
    /// The `casedesk` command line (release build), which logs in and fills the store.
    #[arg(long)]
    cli: PathBuf,
    /// The `casedesk-desktop` binary (release build, with the built UI embedded).
    #[arg(long)]
    app: PathBuf,
    #[arg(long, default_value_t = 100_000)]
    cases: u32,
    /// Where the seeded portal tenant is kept between runs.
    #[arg(long)]
    tenant: PathBuf,
    #[arg(long)]
    out: PathBuf,
    /// App starts (each a new process over the same store).
    #[arg(long, default_value_t = 3)]
    starts: usize,
    /// Cases opened from the inbox.
    #[arg(long, default_value_t = 5)]
    opens: usize,
    /// Searches, each for another applicant's family name.
    #[arg(long, default_value_t = 5)]
    searches: usize,
    /// Jumps through the virtual list, evenly spaced down to its end.
    #[arg(long, default_value_t = 20)]
    scroll_jumps: usize,
    /// Accepted for `cargo bench` compatibility.
    #[arg(long)]
    bench: bool,
}

// ---------------------------------------------------------------------------------
// Processes: the portal, the app's process tree, memory and the machine's load.

/// One line of `/proc/<pid>/stat`: parent, name and CPU ticks so far.
struct ProcStat {
    ppid: u32,
    comm: String,
    ticks: u64,
    start_ticks: u64,
}

fn proc_stat(pid: u32) -> Option<ProcStat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text[open + 1..close].to_owned();
    // Fields after the name, counted from 3 (state) as in proc(5).
    let fields: Vec<&str> = text[close + 2..].split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok());
    Some(ProcStat {
        ppid: field(4)? as u32,
        comm,
        ticks: field(14)? + field(15)?,
        start_ticks: field(22)?,
    })
}

fn all_processes() -> HashMap<u32, ProcStat> {
    let mut processes = HashMap::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            if let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok())
                && let Some(stat) = proc_stat(pid)
            {
                processes.insert(pid, stat);
            }
        }
    }
    processes
}

/// `root` and every process below it.
fn process_tree(root: u32) -> Vec<u32> {
    tree_in(&all_processes(), root)
}

/// `root` and every process below it in a snapshot of the processes.
fn tree_in(processes: &HashMap<u32, ProcStat>, root: u32) -> Vec<u32> {
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        let mut children: Vec<u32> = processes
            .iter()
            .filter(|(_, s)| s.ppid == parent)
            .map(|(pid, _)| *pid)
            .collect();
        children.sort_unstable();
        tree.extend(children);
        i += 1;
    }
    tree
}

/// What a process runs: the executable's file name, else its `comm`.
fn process_name(pid: u32) -> String {
    std::fs::read_link(format!("/proc/{pid}/exe"))
        .ok()
        .and_then(|exe| exe.file_name().map(|n| n.to_string_lossy().into_owned()))
        .map(|name| name.trim_end_matches(" (deleted)").to_owned())
        .or_else(|| proc_stat(pid).map(|s| s.comm))
        .unwrap_or_else(|| format!("pid {pid}"))
}

/// The app's main process below tauri-driver (tauri-driver → WebKitWebDriver → app).
fn app_process(driver: u32) -> anyhow::Result<u32> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(pid) = process_tree(driver)
            .into_iter()
            .find(|pid| process_name(*pid).starts_with("casedesk-desktop"))
        {
            return Ok(pid);
        }
        ensure!(Instant::now() < deadline, "no casedesk-desktop process");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

fn epoch_ms(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// When a process started, in ms since the epoch (resolution: one clock tick, 10 ms).
fn process_start_epoch_ms(pid: u32) -> Option<f64> {
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let boot = epoch_ms(SystemTime::now()) - uptime * 1000.0;
    let start = proc_stat(pid)?.start_ticks as f64 / clock_ticks_per_second();
    Some(boot + start * 1000.0)
}

struct ProcessMemory {
    name: String,
    rss_kb: u64,
    pss_kb: u64,
    pss_anon_kb: u64,
    pss_file_kb: u64,
    pss_shmem_kb: u64,
    /// Resident pages of the local store's file (SQLite maps it for reading).
    store_rss_kb: u64,
}

struct MemoryPoint {
    label: String,
    processes: Vec<ProcessMemory>,
    /// Physical memory of all the processes together, each page once.
    unique_kb: Option<u64>,
}

impl MemoryPoint {
    fn unique_mb(&self) -> Option<f64> {
        self.unique_kb.map(|kb| kb as f64 / 1024.0)
    }

    fn rss_mb(&self) -> f64 {
        self.processes.iter().map(|p| p.rss_kb).sum::<u64>() as f64 / 1024.0
    }

    fn pss_mb(&self) -> f64 {
        self.processes.iter().map(|p| p.pss_kb).sum::<u64>() as f64 / 1024.0
    }
}

/// The resident kB of a process's mappings of files whose name starts with `file`.
fn mapped_rss_kb(pid: u32, file: &str) -> u64 {
    let Ok(smaps) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) else {
        return 0;
    };
    let mut total = 0;
    let mut inside = false;
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or_default();
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            inside = line
                .split_whitespace()
                .nth(5)
                .and_then(|path| path.rsplit('/').next())
                .is_some_and(|name| name.starts_with(file));
        } else if inside && first == "Rss:" {
            total += line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    total
}

/// The physical memory the processes hold together, each page counted once however
/// many of them map it (a library's code, memory shared between the UI and the web
/// process): the page frame numbers of every resident page, from
/// `/proc/<pid>/pagemap`, in the mappings `smaps` shows resident. `None` when the
/// kernel hides frame numbers (reading them needs `CAP_SYS_ADMIN`).
fn unique_resident_kb(pids: &[u32]) -> Option<u64> {
    use std::io::{Read, Seek, SeekFrom};
    let mut frames = std::collections::HashSet::new();
    let mut page_kb = u64::MAX;
    let mut hidden = false;
    for pid in pids {
        let Ok(smaps) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) else {
            continue;
        };
        let Ok(mut pagemap) = std::fs::File::open(format!("/proc/{pid}/pagemap")) else {
            continue;
        };
        let mut range = (0_u64, 0_u64);
        for line in smaps.lines() {
            let mut words = line.split_whitespace();
            let first = words.next().unwrap_or_default();
            if let Some((start, end)) = first.split_once('-')
                && let (Ok(start), Ok(end)) =
                    (u64::from_str_radix(start, 16), u64::from_str_radix(end, 16))
            {
                range = (start, end);
            } else if first == "KernelPageSize:" {
                let kb = words.next().and_then(|v| v.parse().ok()).unwrap_or(4);
                page_kb = page_kb.min(kb);
            } else if first == "Rss:" && words.next().is_some_and(|v| v != "0") {
                let page = page_kb.min(4) * 1024;
                let pages = (range.1 - range.0) / page;
                let mut entries = vec![0_u8; pages as usize * 8];
                if pagemap.seek(SeekFrom::Start(range.0 / page * 8)).is_err()
                    || pagemap.read_exact(&mut entries).is_err()
                {
                    continue;
                }
                for entry in entries.chunks_exact(8) {
                    let entry = u64::from_le_bytes(entry.try_into().unwrap_or_default());
                    // Bit 63: present; bits 0–54: the page frame number.
                    if entry >> 63 == 1 {
                        let frame = entry & ((1 << 55) - 1);
                        if frame == 0 {
                            hidden = true;
                        } else {
                            frames.insert(frame);
                        }
                    }
                }
            }
        }
    }
    (!hidden && !frames.is_empty()).then(|| frames.len() as u64 * page_kb.min(4))
}

/// RSS and PSS of the app and every process below it, from `smaps_rollup`, and
/// their pages counted once.
fn memory(label: &str, app: u32) -> MemoryPoint {
    let mut processes = Vec::new();
    let pids = process_tree(app);
    for &pid in &pids {
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        let kb = |key: &str| {
            rollup
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        processes.push(ProcessMemory {
            name: process_name(pid),
            rss_kb: kb("Rss:"),
            pss_kb: kb("Pss:"),
            pss_anon_kb: kb("Pss_Anon:"),
            pss_file_kb: kb("Pss_File:"),
            pss_shmem_kb: kb("Pss_Shmem:"),
            store_rss_kb: mapped_rss_kb(pid, "casedesk.db"),
        });
    }
    MemoryPoint {
        label: label.to_owned(),
        processes,
        unique_kb: unique_resident_kb(&pids),
    }
}

/// The processes outside this benchmark that kept a CPU busy over one second (name ×
/// count, share of a core), to say whether something else ran meanwhile.
fn busy_neighbours() -> String {
    let ours: std::collections::HashSet<u32> =
        process_tree(std::process::id()).into_iter().collect();
    let before = all_processes();
    std::thread::sleep(Duration::from_secs(1));
    let after = all_processes();
    let hz = clock_ticks_per_second();
    let mut busy: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for (pid, stat) in &after {
        if ours.contains(pid) {
            continue;
        }
        let Some(earlier) = before.get(pid) else {
            continue;
        };
        let share = stat.ticks.saturating_sub(earlier.ticks) as f64 / hz;
        if share >= 0.05 {
            let entry = busy.entry(stat.comm.clone()).or_default();
            entry.0 += 1;
            entry.1 += share;
        }
    }
    if busy.is_empty() {
        return "none".into();
    }
    busy.iter()
        .map(|(name, (count, share))| format!("{name} ×{count} ({:.0} %)", share * 100.0))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What other work took the CPU while the app was measured.
struct Neighbours {
    /// Per second: the CPU time of processes outside the benchmark, in cores.
    samples: Vec<f64>,
    /// CPU seconds per process name.
    by_name: BTreeMap<String, f64>,
}

impl Neighbours {
    fn describe(&self, cores: usize) -> String {
        if self.samples.is_empty() {
            return "not sampled".into();
        }
        let mean = self.samples.iter().sum::<f64>() / self.samples.len() as f64;
        let mut names: Vec<(&String, &f64)> = self.by_name.iter().collect();
        names.sort_by(|a, b| b.1.total_cmp(a.1));
        let top = names
            .iter()
            .take(4)
            .filter(|(_, s)| **s >= 1.0)
            .map(|(n, s)| format!("{n} {s:.0} s"))
            .collect::<Vec<_>>();
        format!(
            "on average {:.0} % of one core (of {} % the machine has; max {:.0} % in one \
             second, over {} s){}",
            mean * 100.0,
            cores * 100,
            max(&self.samples) * 100.0,
            self.samples.len(),
            if top.is_empty() {
                String::new()
            } else {
                format!("; CPU time by name: {}", top.join(", "))
            }
        )
    }
}

/// Samples once a second until stopped how much CPU processes outside this
/// benchmark take (this process, everything below it and the X server of its
/// display count as the benchmark).
struct NeighbourWatch {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<Neighbours>,
}

impl NeighbourWatch {
    fn start() -> NeighbourWatch {
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let display = std::env::var("DISPLAY").unwrap_or_default();
        let thread = std::thread::spawn(move || {
            let hz = clock_ticks_per_second();
            let mut before = all_processes();
            let mut neighbours = Neighbours {
                samples: Vec::new(),
                by_name: BTreeMap::new(),
            };
            while !stopped.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_secs(1));
                let after = all_processes();
                let mut ours: std::collections::HashSet<u32> =
                    tree_in(&after, std::process::id()).into_iter().collect();
                for (pid, stat) in &after {
                    if stat.comm == "Xvfb"
                        && !display.is_empty()
                        && std::fs::read(format!("/proc/{pid}/cmdline"))
                            .map(|c| c.split(|b| *b == 0).any(|arg| arg == display.as_bytes()))
                            .unwrap_or(false)
                    {
                        ours.insert(*pid);
                    }
                }
                let mut busy = 0.0;
                for (pid, stat) in &after {
                    if ours.contains(pid) {
                        continue;
                    }
                    if let Some(earlier) = before.get(pid) {
                        let seconds = stat.ticks.saturating_sub(earlier.ticks) as f64 / hz;
                        busy += seconds;
                        if seconds > 0.0 {
                            *neighbours.by_name.entry(stat.comm.clone()).or_default() += seconds;
                        }
                    }
                }
                neighbours.samples.push(busy);
                before = after;
            }
            neighbours
        });
        NeighbourWatch { stop, thread }
    }

    fn finish(self) -> Neighbours {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap_or(Neighbours {
            samples: Vec::new(),
            by_name: BTreeMap::new(),
        })
    }
}

fn command_output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------
// Figures.

/// The UI's search debounce as the source says (`SEARCH_DEBOUNCE_MS`).
fn search_debounce_ms() -> Option<f64> {
    let source =
        std::fs::read_to_string(casedesk_tests::repo_root().join("ui/src/hooks/useInboxQuery.ts"))
            .ok()?;
    let line = source
        .lines()
        .find(|l| l.contains("const SEARCH_DEBOUNCE_MS"))?;
    line.split('=')
        .nth(1)?
        .trim()
        .trim_end_matches(';')
        .parse()
        .ok()
}

/// Which sources the app binary was built from: the commit, uncommitted changes in
/// the app's sources, and source files newer than the binary (then what ran may
/// differ from what the sources say, e.g. the debounce).
fn provenance(app: &Path) -> String {
    let root = casedesk_tests::repo_root();
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let sources = ["ui/src", "src-tauri/src", "crates/casedesk-client/src"];
    let commit = git(&["rev-parse", "--short", "HEAD"]);
    let mut status_args = vec!["status", "--porcelain", "--"];
    status_args.extend(sources);
    let dirty = git(&status_args).lines().count();
    let built = std::fs::metadata(app).and_then(|m| m.modified()).ok();
    let mut newer = Vec::new();
    let mut stack: Vec<PathBuf> = sources.iter().map(|s| root.join(s)).collect();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let (Some(built), Ok(modified)) =
                (built, entry.metadata().and_then(|m| m.modified()))
                && modified > built
            {
                newer.push(
                    path.strip_prefix(root)
                        .unwrap_or(&path)
                        .display()
                        .to_string(),
                );
            }
        }
    }
    newer.sort();
    let built_at = built
        .map(|t| {
            chrono::DateTime::<chrono::Local>::from(t)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    format!(
        "The app binary was built {built_at} at commit {commit} ({}); {}.",
        if dirty == 0 {
            "no uncommitted changes in the UI, the shell or the engine".to_owned()
        } else {
            format!("{dirty} files of the UI, the shell or the engine had uncommitted changes")
        },
        if newer.is_empty() {
            "no source file is newer than the binary".to_owned()
        } else {
            format!(
                "**source files changed after the build, so what ran may differ from them**: {}",
                newer.join(", ")
            )
        }
    )
}

/// One IPC request of the page: command, start and end in the page's clock.
#[derive(Clone)]
struct Ipc {
    command: String,
    start: f64,
    end: f64,
}

/// The IPC requests `INSTALL_PROBES` noted (`window.__casedeskIpc`), those that ended.
fn ipc_calls(log: &Value) -> Vec<Ipc> {
    log.as_array()
        .map(|entries| {
            entries
                .iter()
                .filter_map(|e| {
                    Some(Ipc {
                        command: e["command"].as_str()?.to_owned(),
                        start: e["start"].as_f64()?,
                        end: e["end"].as_f64()?,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The requests as `command start–end (duration)`, times relative to `origin`.
fn describe_ipc(calls: &[Ipc], origin: f64) -> String {
    if calls.is_empty() {
        return "—".into();
    }
    calls
        .iter()
        .map(|c| {
            format!(
                "`{}` {:.0}–{:.0}",
                c.command,
                c.start - origin,
                c.end - origin
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where the time between an input and the painted result went: until the first IPC
/// request, from it until the last answer, and from there until painted.
#[derive(Clone, Copy)]
struct Split {
    before_ipc: f64,
    ipc: f64,
    after_ipc: f64,
}

fn split(calls: &[Ipc], input: f64, painted: f64) -> Option<Split> {
    let relevant: Vec<&Ipc> = calls
        .iter()
        .filter(|c| c.start >= input && c.start <= painted)
        .collect();
    let first = relevant.iter().map(|c| c.start).fold(f64::NAN, f64::min);
    let last = relevant.iter().map(|c| c.end).fold(f64::NAN, f64::max);
    if relevant.is_empty() {
        return None;
    }
    Some(Split {
        before_ipc: first - input,
        ipc: last - first,
        after_ipc: painted - last,
    })
}

/// Each part's median over the splits that saw IPC.
fn median_of(splits: &[Option<Split>]) -> Option<Split> {
    let known: Vec<&Split> = splits.iter().flatten().collect();
    if known.is_empty() {
        return None;
    }
    let part = |f: fn(&Split) -> f64| median(&known.iter().map(|s| f(s)).collect::<Vec<_>>());
    Some(Split {
        before_ipc: part(|s| s.before_ipc),
        ipc: part(|s| s.ipc),
        after_ipc: part(|s| s.after_ipc),
    })
}

fn median_split(splits: &[Option<Split>]) -> String {
    match median_of(splits) {
        None => "no IPC seen".into(),
        Some(m) => format!(
            "until the first IPC request {:.0} ms, IPC {:.0} ms, after the last answer until painted {:.0} ms",
            m.before_ipc, m.ipc, m.after_ipc
        ),
    }
}

// ---------------------------------------------------------------------------------
// In-page scripts.

/// Resolves once the app's root says the inbox's first page is shown and its rows
/// are in the page (or the list is empty with a count of 0), after that frame is
/// painted;
/// reports that moment, when the ready mark appeared, and the page's own timing.
const WAIT_READY: &str = r#"
const done = arguments[arguments.length - 1];
const ready = () => document.querySelector('#root > .app[data-ready="true"]');
const rows = () => document.querySelectorAll('[data-testid=inbox-row]').length;
const count = () => (document.querySelector('[data-testid=inbox-count]') || {}).textContent;
const shown = () => ready() && (rows() > 0 || (document.querySelector('.inbox-empty') && count() === '0'));
let marked = ready() ? performance.now() : null;
const report = (already) => {
  const seen = performance.now();
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const painted = performance.now();
      const nav = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
      done({
        origin: performance.timeOrigin,
        marked,
        seen,
        painted,
        already,
        dcl: nav ? nav.domContentLoadedEventEnd : null,
        fcp: fcp ? fcp.startTime : null,
        rows: rows(),
      });
    };
    channel.port2.postMessage(null);
  });
};
if (shown()) {
  report(true);
} else {
  const observer = new MutationObserver(() => {
    if (marked === null && ready()) marked = performance.now();
    if (shown()) {
      observer.disconnect();
      report(false);
    }
  });
  observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
}
"#;

/// Once per page: notes every IPC request (Tauri sends them with `fetch` to
/// `ipc://localhost/<command>`) in `window.__casedeskIpc`, and provides
/// `window.__casedeskAfterPaint(callback)`, which calls back with the time of the
/// first task after the next frame's rendering update.
const INSTALL_PROBES: &str = r#"
if (!window.__casedeskIpc) {
  const log = window.__casedeskIpc = [];
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    const url = String((input && input.url) || input);
    const start = performance.now();
    const answer = fetch.apply(this, arguments);
    if (!/^(ipc:|http:\/\/ipc\.localhost)/.test(url)) return answer;
    const call = { command: decodeURIComponent(url.replace(/^.*?localhost\//, '').split('?')[0]), start, end: null };
    log.push(call);
    return answer.then(response => {
      for (const method of ['json', 'text', 'arrayBuffer']) {
        const read = response[method].bind(response);
        response[method] = () => read().then(body => { call.end = performance.now(); return body; });
      }
      return response;
    });
  };
  window.__casedeskAfterPaint = (callback) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => callback(performance.now());
    channel.port2.postMessage(null);
  });
}
return typeof window.__casedeskAfterPaint;
"#;

/// Rows of the inbox that are wholly on screen.
const VISIBLE_ROWS: &str = r#"
const list = document.querySelector('[data-testid=inbox-list]').getBoundingClientRect();
return [...document.querySelectorAll('[data-testid=inbox-row]')]
  .filter(row => { const r = row.getBoundingClientRect(); return r.top >= list.top && r.bottom <= list.bottom; })
  .map(row => ({ az: row.dataset.aktenzeichen, id: row.dataset.caseId, applicant: row.querySelector('.cell-applicant').textContent }));
"#;

/// Before a click on a row: notes the click's time stamp, when the case view shows
/// the case (`arguments[0]` = its Aktenzeichen) and when that frame is painted.
const WATCH_OPEN: &str = r#"
const az = arguments[0];
window.__casedeskIpc.length = 0;
const b = window.__casedeskBench = { input: null, shown: null, painted: null };
document.addEventListener('click', e => { if (b.input === null) b.input = e.timeStamp; }, { capture: true, once: true });
const selector = `[data-testid=case-view][data-aktenzeichen="${CSS.escape(az)}"]`;
const observer = new MutationObserver(() => {
  if (b.shown === null && document.querySelector(selector)) {
    b.shown = performance.now();
    observer.disconnect();
    window.__casedeskAfterPaint(t => { b.painted = t; });
  }
});
observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-aktenzeichen'] });
"#;

/// Waits (at most 20 s) for the case view noted by `WATCH_OPEN`.
const WAIT_OPEN: &str = r#"
const done = arguments[arguments.length - 1];
const b = window.__casedeskBench;
const started = performance.now();
const check = () => {
  if (b.painted !== null || performance.now() - started > 20000) {
    done({ input: b.input, shown: b.shown, painted: b.painted, ipc: window.__casedeskIpc.slice() });
  } else {
    setTimeout(check, 10);
  }
};
check();
"#;

/// Before typing into the search box: notes every input event and every change of
/// the inbox panel (which rows, how many still loading) with the time that frame
/// was painted.
const WATCH_SEARCH: &str = r#"
window.__casedeskIpc.length = 0;
const input = document.querySelector('[data-testid=search]');
const b = window.__casedeskBench = { inputs: [], snaps: [], last: performance.now() };
const onInput = e => b.inputs.push({ stamp: e.timeStamp, now: performance.now(), value: input.value });
input.addEventListener('input', onInput);
const panel = document.querySelector('.inbox-panel');
const observer = new MutationObserver(() => {
  const snap = {
    at: performance.now(),
    painted: null,
    rows: [...panel.querySelectorAll('[data-testid=inbox-row]')].map(r => r.dataset.aktenzeichen),
    loading: panel.querySelectorAll('.inbox-row.placeholder').length,
    count: (panel.querySelector('[data-testid=inbox-count]') || {}).textContent || '',
  };
  b.snaps.push(snap);
  b.last = snap.at;
  window.__casedeskAfterPaint(t => { snap.painted = t; });
});
observer.observe(panel, { subtree: true, childList: true, attributes: true, characterData: true });
b.stop = () => { observer.disconnect(); input.removeEventListener('input', onInput); };
"#;

/// Resolves once the inbox panel has been quiet for `arguments[0]` ms (and as long
/// since the last input), or after 20 s, with what the watcher noted.
const WAIT_QUIET: &str = r#"
const quiet = arguments[0];
const done = arguments[arguments.length - 1];
const b = window.__casedeskBench;
const started = performance.now();
const check = () => {
  const now = performance.now();
  const lastInput = b.inputs.length ? b.inputs[b.inputs.length - 1].now : 0;
  const timedOut = now - started > 20000;
  if ((now - b.last >= quiet && now - lastInput >= quiet) || timedOut) {
    b.stop();
    done({ inputs: b.inputs, snaps: b.snaps, timedOut, ipc: window.__casedeskIpc.slice() });
  } else {
    setTimeout(check, 50);
  }
};
check();
"#;

/// Scrolls the virtual list to `arguments[0]` (a fraction of its height) and resolves
/// once the frame showing the loaded rows at that position is painted (at most 20 s).
const SCROLL_TO: &str = r#"
const fraction = arguments[0];
const done = arguments[arguments.length - 1];
window.__casedeskIpc.length = 0;
const list = document.querySelector('[data-testid=inbox-list]');
const started = performance.now();
list.scrollTop = fraction * (list.scrollHeight - list.clientHeight);
const target = Math.floor(list.scrollTop / 36);
const check = () => {
  const rows = [...list.querySelectorAll('.inbox-row')];
  const loaded = rows.length > 0 && !rows.some(r => r.classList.contains('placeholder'))
    && rows.some(r => Math.abs(Number(r.id.replace('inbox-row-', '')) - target) <= 3);
  const timedOut = performance.now() - started > 20000;
  if (loaded || timedOut) {
    window.__casedeskAfterPaint(t => done({ ms: t - started, loaded, target,
      ipc: window.__casedeskIpc.map(c => ({ command: c.command, start: c.start - started, end: c.end === null ? null : c.end - started })) }));
  } else {
    requestAnimationFrame(check);
  }
};
requestAnimationFrame(check);
"#;

/// Times one IPC command from the page: `arguments[0]` = command, `arguments[1]` =
/// its arguments; resolves with the duration and the size of the answer.
const TIME_IPC: &str = r#"
const [command, args] = arguments;
const done = arguments[arguments.length - 1];
const started = performance.now();
window.__TAURI_INTERNALS__.invoke(command, args).then(
  answer => done({ ms: performance.now() - started, bytes: JSON.stringify(answer).length, answer: Array.isArray(answer) && typeof answer[0] === 'number' ? answer : null }),
  error => done({ ms: performance.now() - started, error: String(error && (error.message || error.code) || error) }),
);
"#;

// ---------------------------------------------------------------------------------
// Measurements.

struct Start {
    /// From the session request to the painted frame with the ready mark.
    ms: f64,
    process_ms: Option<f64>,
    log_ms: Option<f64>,
    navigation_ms: f64,
    dom_loaded_ms: Option<f64>,
    first_paint_ms: Option<f64>,
    /// The ready mark was already set when the first script ran: the figure is an
    /// upper bound.
    upper_bound: bool,
    /// How long before the rows were in the page the ready mark appeared.
    mark_early_ms: Option<f64>,
    rows: u64,
}

/// When the app logged "Casedesk starting" (after its logging started, before the
/// engine opens the store) for the latest start, in ms since the epoch.
fn logged_start_epoch_ms(data_dir: &Path) -> Option<f64> {
    let mut latest = None;
    for entry in std::fs::read_dir(data_dir.join("logs")).ok()?.flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for line in text.lines().filter(|l| l.contains("Casedesk starting")) {
            let stamp = line.split_whitespace().next()?;
            let at = chrono::DateTime::parse_from_rfc3339(stamp).ok()?;
            let ms = at.timestamp_micros() as f64 / 1000.0;
            latest = Some(latest.map_or(ms, |l: f64| l.max(ms)));
        }
    }
    latest
}

async fn measure_start(app: &DesktopApp, app_pid: u32, data_dir: &Path) -> anyhow::Result<Start> {
    let requested = epoch_ms(app.session_requested);
    let ready = app.client.execute_async(WAIT_READY, vec![]).await?;
    let origin = ready["origin"].as_f64().context("time origin")?;
    let painted = ready["painted"].as_f64().context("ready time")?;
    let relative = |page_ms: f64| origin + page_ms - requested;
    Ok(Start {
        ms: relative(painted),
        process_ms: process_start_epoch_ms(app_pid).map(|started| started - requested),
        log_ms: logged_start_epoch_ms(data_dir).map(|logged| logged - requested),
        navigation_ms: origin - requested,
        dom_loaded_ms: ready["dcl"].as_f64().map(relative),
        first_paint_ms: ready["fcp"].as_f64().map(relative),
        upper_bound: ready["already"].as_bool().unwrap_or(false),
        mark_early_ms: ready["marked"]
            .as_f64()
            .zip(ready["seen"].as_f64())
            .map(|(marked, seen)| seen - marked)
            .filter(|early| *early > 1.0),
        rows: ready["rows"].as_u64().unwrap_or(0),
    })
}

struct Open {
    aktenzeichen: String,
    ms: f64,
    dom_ms: f64,
    ipc: String,
    split: Option<Split>,
}

/// Clicks the row of `aktenzeichen` and times the case showing; `close` closes it
/// again, back to the list alone.
async fn open_case(app: &DesktopApp, aktenzeichen: &str, close: bool) -> anyhow::Result<Open> {
    app.client
        .execute(WATCH_OPEN, vec![json!(aktenzeichen)])
        .await?;
    app.click(&format!(
        "[data-testid=inbox-row][data-aktenzeichen='{aktenzeichen}']"
    ))
    .await;
    let seen = app.client.execute_async(WAIT_OPEN, vec![]).await?;
    let input = seen["input"].as_f64().context("no click event")?;
    let shown = seen["shown"]
        .as_f64()
        .with_context(|| format!("case {aktenzeichen} not shown"))?;
    let painted = seen["painted"].as_f64().unwrap_or(shown);
    let calls = ipc_calls(&seen["ipc"]);
    let open = Open {
        aktenzeichen: aktenzeichen.to_owned(),
        ms: painted - input,
        dom_ms: shown - input,
        ipc: describe_ipc(&calls, input),
        split: split(&calls, input, painted),
    };
    if close {
        close_case(app).await;
    }
    Ok(open)
}

async fn close_case(app: &DesktopApp) {
    app.click("[data-testid=case-view] .close-button").await;
    app.wait_until("the case view closed", || async {
        app.find_all("[data-testid=case-view]").await.is_empty()
    })
    .await;
}

struct Search {
    term: String,
    ms: f64,
    dom_ms: f64,
    typing_ms: f64,
    count: String,
    ipc: String,
    split: Option<Split>,
    checked: bool,
}

/// Installs the watcher, runs `act`, and waits until the inbox has been quiet.
async fn watch_inbox(
    app: &DesktopApp,
    act: impl AsyncFnOnce() -> anyhow::Result<()>,
) -> anyhow::Result<Value> {
    app.client.execute(WATCH_SEARCH, vec![]).await?;
    act().await?;
    let seen = app
        .client
        .execute_async(WAIT_QUIET, vec![json!(QUIET_MS)])
        .await?;
    ensure!(
        seen["timedOut"] != json!(true),
        "the inbox did not settle within 20 s"
    );
    Ok(seen)
}

async fn clear_search(app: &DesktopApp) -> anyhow::Result<()> {
    let input = app.find("[data-testid=search]").await;
    let value = input.prop("value").await?.unwrap_or_default();
    if value.is_empty() {
        return Ok(());
    }
    watch_inbox(app, async || {
        let keys = format!(
            "{}a{}{}",
            char::from(Key::Control),
            char::from(Key::Null),
            char::from(Key::Backspace)
        );
        input.send_keys(&keys).await?;
        Ok(())
    })
    .await?;
    let value = input.prop("value").await?.unwrap_or_default();
    ensure!(value.is_empty(), "the search box kept {value:?}");
    Ok(())
}

fn filter_with_text(text: Option<&str>) -> Value {
    json!({
        "status": {"kind": "any"}, "service": null, "assignee": {"kind": "anyone"}, "office": null,
        "due": null, "outbox": null, "answered": false, "text": text,
    })
}

async fn search(app: &DesktopApp, term: &str) -> anyhow::Result<Search> {
    clear_search(app).await?;
    let input = app.find("[data-testid=search]").await;
    let seen = watch_inbox(app, async || {
        input.send_keys(term).await?;
        Ok(())
    })
    .await?;
    let inputs = seen["inputs"].as_array().context("inputs")?;
    ensure!(!inputs.is_empty(), "no input events while typing {term}");
    let first_input = inputs[0]["stamp"].as_f64().context("input time")?;
    let last = inputs.last().context("inputs")?;
    ensure!(
        last["value"].as_str() == Some(term),
        "the search box holds {:?}",
        last["value"]
    );
    let last_input = last["stamp"].as_f64().context("input time")?;
    let snaps = seen["snaps"].as_array().context("snapshots")?;
    let settled = snaps.last().context("the inbox never changed")?;
    let shown = snaps
        .iter()
        .find(|s| {
            s["at"].as_f64().unwrap_or(0.0) >= last_input
                && s["rows"] == settled["rows"]
                && s["loading"].as_u64() == Some(0)
        })
        .context("the final rows never showed")?;
    let at = shown["at"].as_f64().context("time")?;
    let painted = shown["painted"].as_f64().unwrap_or(at);

    // What the engine answers for the same query: the rows shown must be its first.
    let rows: Vec<String> = settled["rows"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let expected = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             window.__TAURI_INTERNALS__.invoke('inbox', arguments[0]).then(r => done(r.map(x => x.aktenzeichen)), e => done(String(e)));",
            vec![json!({
                "filter": filter_with_text(Some(term)),
                "sort": {"key": "relevance", "descending": false},
                "offset": 0,
                "limit": rows.len().max(1),
            })],
        )
        .await?;
    let checked = expected.as_array().is_some_and(|e| {
        !rows.is_empty()
            && e.len() == rows.len()
            && e.iter().zip(&rows).all(|(a, b)| a.as_str() == Some(b))
    });
    let calls = ipc_calls(&seen["ipc"]);
    Ok(Search {
        term: term.to_owned(),
        ms: painted - last_input,
        dom_ms: at - last_input,
        typing_ms: last_input - first_input,
        count: settled["count"].as_str().unwrap_or_default().to_owned(),
        ipc: describe_ipc(
            &calls
                .iter()
                .filter(|c| c.start >= last_input)
                .cloned()
                .collect::<Vec<_>>(),
            last_input,
        ),
        split: split(&calls, last_input, painted),
        checked,
    })
}

struct Jump {
    fraction: f64,
    row: u64,
    ms: f64,
    loaded: bool,
    ipc: String,
}

async fn scroll(app: &DesktopApp, jumps: usize) -> anyhow::Result<Vec<Jump>> {
    let mut done = Vec::new();
    for i in 1..=jumps {
        let fraction = i as f64 / jumps as f64;
        let seen = app
            .client
            .execute_async(SCROLL_TO, vec![json!(fraction)])
            .await?;
        done.push(Jump {
            fraction,
            row: seen["target"].as_u64().unwrap_or(0),
            ms: seen["ms"].as_f64().unwrap_or(f64::NAN),
            loaded: seen["loaded"].as_bool().unwrap_or(false),
            ipc: describe_ipc(&ipc_calls(&seen["ipc"]), 0.0),
        });
    }
    Ok(done)
}

/// Times the IPC commands behind the inbox from the page, on the warm store.
async fn ipc_profile(app: &DesktopApp, term: &str) -> anyhow::Result<Vec<(String, f64, u64)>> {
    let view = |patch: Value| {
        let mut filter = filter_with_text(None);
        for (k, v) in patch.as_object().into_iter().flatten() {
            filter[k] = v.clone();
        }
        filter
    };
    let views = [
        view(json!({})),
        view(json!({"status": {"kind": "open"}, "assignee": {"kind": "me"}})),
        view(json!({"due": {"kind": "overdue"}})),
        view(json!({"answered": true})),
        view(json!({"status": {"kind": "open"}})),
        view(json!({"assignee": {"kind": "unassigned"}})),
        view(json!({"outbox": "rejected"})),
    ];
    let due = json!({"key": "due", "descending": false});
    let relevance = json!({"key": "relevance", "descending": false});
    let with_text = filter_with_text(Some(term));
    let mut all_counts = vec![filter_with_text(None)];
    all_counts.extend(views.iter().cloned());
    let mut text_counts = vec![with_text.clone()];
    text_counts.extend(views.iter().cloned());
    let mut probes: Vec<(String, &str, Value)> = vec![
        ("`session`".into(), "session", json!({})),
        (
            "`counts`: list + 7 saved views (as at start)".into(),
            "counts",
            json!({"filters": all_counts}),
        ),
        (
            format!("`counts`: search “{term}” + 7 saved views (as while searching)"),
            "counts",
            json!({"filters": text_counts}),
        ),
        (
            format!("`counts`: search “{term}” alone"),
            "counts",
            json!({"filters": [with_text]}),
        ),
        (
            "`inbox`: first 200 by due date".into(),
            "inbox",
            json!({"filter": filter_with_text(None), "sort": due, "offset": 0, "limit": 200}),
        ),
        (
            format!("`inbox`: first 200 for “{term}” by relevance"),
            "inbox",
            json!({"filter": with_text, "sort": relevance, "offset": 0, "limit": 200}),
        ),
        (
            "`inbox`: 200 by due date at offset 99,000".into(),
            "inbox",
            json!({"filter": filter_with_text(None), "sort": due, "offset": 99_000, "limit": 200}),
        ),
    ];
    for (i, filter) in views.iter().enumerate() {
        probes.push((
            format!("`counts`: saved view {} alone", i + 1),
            "counts",
            json!({"filters": [filter]}),
        ));
    }
    let mut timed = Vec::new();
    for (label, command, args) in probes {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..5 {
            let answer = app
                .client
                .execute_async(TIME_IPC, vec![json!(command), args.clone()])
                .await?;
            if let Some(error) = answer["error"].as_str() {
                bail!("{command}: {error}");
            }
            times.push(answer["ms"].as_f64().unwrap_or(f64::NAN));
            bytes = answer["bytes"].as_u64().unwrap_or(0);
        }
        timed.push((label, median(&times), bytes));
    }
    Ok(timed)
}

// ---------------------------------------------------------------------------------
// The run.

struct Run {
    starts: Vec<Start>,
    memory: Vec<MemoryPoint>,
    start_memory: Vec<(f64, f64, Option<f64>)>,
    opens: Vec<Open>,
    switches: Vec<Open>,
    searches: Vec<Search>,
    jumps: Vec<Jump>,
    profile: Vec<(String, f64, u64)>,
    cases_shown: String,
    processes: String,
}

fn family_name(applicant: &str) -> String {
    applicant
        .split_whitespace()
        .last()
        .unwrap_or(applicant)
        .to_owned()
}

async fn exercise(args: &Args, launch: &AppLaunch) -> anyhow::Result<Run> {
    let mut run = Run {
        starts: Vec::new(),
        memory: Vec::new(),
        start_memory: Vec::new(),
        opens: Vec::new(),
        switches: Vec::new(),
        searches: Vec::new(),
        jumps: Vec::new(),
        profile: Vec::new(),
        cases_shown: String::new(),
        processes: String::new(),
    };
    for start in 0..args.starts {
        let app = launch.launch().await;
        let pid = app_process(app.driver_pid)?;
        let measured = measure_start(&app, pid, &launch.data_dir).await?;
        eprintln!(
            "start {start}: ready after {:.0} ms from the session request",
            measured.ms
        );
        run.starts.push(measured);
        // Let the first frames and the initial sync settle before reading memory.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let shown = memory("inbox shown", pid);
        run.start_memory
            .push((shown.rss_mb(), shown.pss_mb(), shown.unique_mb()));
        if start + 1 < args.starts {
            app.quit().await;
            continue;
        }

        // The last start also does the work.
        let probes = app.client.execute(INSTALL_PROBES, vec![]).await?;
        ensure!(probes == json!("function"), "the page probes: {probes}");
        run.cases_shown = app.text("[data-testid=inbox-count]").await;
        run.processes = process_tree(pid)
            .into_iter()
            .map(process_name)
            .collect::<Vec<_>>()
            .join(", ");
        run.memory.push(shown);
        let rows = app.client.execute(VISIBLE_ROWS, vec![]).await?;
        let rows = rows.as_array().context("visible rows")?.clone();
        ensure!(
            rows.len() > 2 * args.opens + 1,
            "only {} rows on screen",
            rows.len()
        );
        // From the list alone (the layout makes room for the case each time), then
        // from one open case to another (other rows, the list already narrowed).
        let step = (rows.len() / (args.opens + 1)).max(2);
        for i in 0..args.opens {
            let az = rows[i * step]["az"].as_str().context("az")?;
            let open = open_case(&app, az, true).await?;
            eprintln!("opened {az} from the list in {:.1} ms", open.ms);
            run.opens.push(open);
        }
        let first = rows[args.opens * step]["az"].as_str().context("az")?;
        open_case(&app, first, false).await?;
        for i in 0..args.opens {
            let az = rows[i * step + 1]["az"].as_str().context("az")?;
            let open = open_case(&app, az, false).await?;
            eprintln!("opened {az} from another case in {:.1} ms", open.ms);
            run.switches.push(open);
        }
        close_case(&app).await;
        run.memory.push(memory(
            &format!("after opening {} cases", 2 * args.opens + 1),
            pid,
        ));

        let mut terms: Vec<String> = Vec::new();
        for row in &rows {
            let name = family_name(row["applicant"].as_str().unwrap_or_default());
            if name.chars().count() >= 3 && !terms.contains(&name) {
                terms.push(name);
            }
        }
        ensure!(
            terms.len() >= args.searches,
            "only {} distinct family names on screen",
            terms.len()
        );
        for term in terms.iter().take(args.searches) {
            let searched = search(&app, term).await?;
            eprintln!("searched {term}: {:.1} ms", searched.ms);
            run.searches.push(searched);
        }
        run.memory
            .push(memory(&format!("after {} searches", args.searches), pid));
        clear_search(&app).await?;

        eprintln!("timing the IPC commands");
        run.profile = ipc_profile(&app, &terms[0]).await?;

        eprintln!("scrolling");
        run.jumps = scroll(&app, args.scroll_jumps).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        run.memory.push(memory(
            &format!("after scrolling to the end ({} jumps)", args.scroll_jumps),
            pid,
        ));
        app.quit().await;
    }
    Ok(run)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    casedesk_tests::keyring_available();
    let load_before = LoadAverage::now().to_string();
    let neighbours_before = busy_neighbours();
    eprintln!("load before: {load_before}; busy elsewhere: {neighbours_before}");

    // The tenant: seeded once, kept between runs, shared with the engine's benchmark
    // and marked the same way (a tenant without the marker is seeded again).
    let marker = args.tenant.join(format!("seeded-{}-frames2", args.cases));
    if !marker.exists() {
        let _ = std::fs::remove_dir_all(&args.tenant);
        eprintln!("seeding {} cases (once)", args.cases);
        let started = Instant::now();
        let status = Command::new(&args.portal)
            .args(["seed", "--cases", &args.cases.to_string(), "--data-dir"])
            .arg(&args.tenant)
            .env("RUST_LOG", "warn")
            .status()?;
        ensure!(status.success(), "seeding failed");
        std::fs::write(&marker, format!("{:.1} s", started.elapsed().as_secs_f64()))?;
    }
    let mut serve = Command::new(&args.portal);
    serve
        .arg("serve")
        .env("CASEDESK_SESSIONS__ACCESS_MINUTES", "240");
    let portal = Portal::serve(serve, &args.tenant);

    // The store: the command line logs in as the team lead and syncs once.
    let scratch_parent = args.out.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(scratch_parent)?;
    let store = tempfile::Builder::new()
        .prefix("desktop-store-")
        .tempdir_in(scratch_parent)?;
    let cli = |sub: &[&str]| -> anyhow::Result<()> {
        let status = Command::new(&args.cli)
            .arg("--data-dir")
            .arg(store.path())
            .args(sub)
            .env("CASEDESK_PASSWORD", PASSWORD)
            .env("CASEDESK_KEYRING_SERVICE", KEYRING_SERVICE)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .status()
            .with_context(|| format!("running casedesk {sub:?}"))?;
        ensure!(status.success(), "casedesk {sub:?} failed");
        Ok(())
    };
    cli(&["login", "--portal", &portal.base, "--user", LEAD])?;
    let started = Instant::now();
    cli(&["sync", "--once", "--no-prefetch"])?;
    let sync_s = started.elapsed().as_secs_f64();
    let store_mb = std::fs::metadata(store.path().join("casedesk.db"))
        .map(|m| m.len() as f64 / 1e6)
        .unwrap_or(f64::NAN);
    eprintln!("store filled in {sync_s:.1} s ({store_mb:.0} MB)");

    let launch = AppLaunch {
        app: Some(args.app.clone()),
        data_dir: store.path().to_owned(),
        keyring_service: KEYRING_SERVICE.into(),
        portal: portal.base.clone(),
    };
    let watch = NeighbourWatch::start();
    let run = exercise(&args, &launch).await?;
    let neighbours = watch.finish();
    drop(portal);

    let load_after = LoadAverage::now().to_string();
    let neighbours_after = busy_neighbours();
    eprintln!("load after: {load_after}; busy elsewhere: {neighbours_after}");
    let report = report(
        &args,
        &run,
        Conditions {
            load_before,
            load_after,
            neighbours_before,
            neighbours_after,
            neighbours,
            sync_s,
            store_mb,
        },
    )?;
    casedesk_tests::bench::save(&args.out, &report)?;
    Ok(())
}

// ---------------------------------------------------------------------------------
// The report.

/// Where the time and the memory go, from the figures of the tables, as one
/// paragraph.
fn what_limits_it(run: &Run, debounce: Option<f64>) -> String {
    let ms = |v: Option<f64>| v.map_or("—".to_owned(), |ms| format!("{ms:.0} ms"));
    let mut parts = Vec::new();
    let mut starts: Vec<&Start> = run.starts.iter().collect();
    starts.sort_by(|a, b| a.ms.total_cmp(&b.ms));
    if let Some(start) = starts.get(starts.len().saturating_sub(1) / 2) {
        parts.push(format!(
            "**Start.** In the median start ({:.0} ms), the app logs “Casedesk starting” at \
             {}, the webview starts loading the page at {:.0} ms and paints first at {}; \
             from there to ready, the UI asks the engine for the session, the counts and \
             the first rows and renders them.",
            start.ms,
            ms(start.log_ms),
            start.navigation_ms,
            ms(start.first_paint_ms)
        ));
    }
    if let Some(open) = median_of(&run.opens.iter().map(|o| o.split).collect::<Vec<_>>()) {
        parts.push(format!(
            "**Opening a case** from the list takes, at the median, {:.0} ms of IPC \
             (`case_detail`) and {:.0} ms from its answer to the painted frame.",
            open.ipc, open.after_ipc
        ));
    }
    if let Some(search) = median_of(&run.searches.iter().map(|s| s.split).collect::<Vec<_>>()) {
        parts.push(format!(
            "**Search** waits {} for the debounce, then takes {:.0} ms of IPC (`counts` \
             and `inbox`) and {:.0} ms from the last answer to the painted frame, at the \
             median.",
            ms(debounce),
            search.ipc,
            search.after_ipc
        ));
    }
    if let Some(point) = run.memory.last()
        && let Some(largest) = point.processes.iter().max_by_key(|p| p.pss_kb)
    {
        parts.push(format!(
            "**Memory.** At the last point, “{}”, {} holds the most: {:.0} of {:.0} MB \
             PSS. The RSS sum counts a page that several processes map once in each of \
             them, so it exceeds the memory they hold together (each page once).",
            point.label,
            largest.name,
            largest.pss_kb as f64 / 1024.0,
            point.pss_mb()
        ));
    }
    parts.push(
        "How the app is built for this: \
         [docs/performance.md](docs/performance.md#desktop-app)."
            .to_owned(),
    );
    parts.join(" ")
}

struct Conditions {
    neighbours: Neighbours,
    load_before: String,
    load_after: String,
    neighbours_before: String,
    neighbours_after: String,
    sync_s: f64,
    store_mb: f64,
}

fn report(args: &Args, run: &Run, context: Conditions) -> anyhow::Result<String> {
    let mut out = String::new();
    let debounce = search_debounce_ms();
    let starts: Vec<f64> = run.starts.iter().map(|s| s.ms).collect();
    let opens: Vec<f64> = run.opens.iter().map(|o| o.ms).collect();
    let switches: Vec<f64> = run.switches.iter().map(|o| o.ms).collect();
    let searches: Vec<f64> = run.searches.iter().map(|s| s.ms).collect();
    let rss: Vec<f64> = run
        .memory
        .iter()
        .map(MemoryPoint::rss_mb)
        .chain(run.start_memory.iter().map(|m| m.0))
        .collect();
    let pss: Vec<f64> = run
        .memory
        .iter()
        .map(MemoryPoint::pss_mb)
        .chain(run.start_memory.iter().map(|m| m.1))
        .collect();
    let unique: Option<Vec<f64>> = run
        .memory
        .iter()
        .map(MemoryPoint::unique_mb)
        .chain(run.start_memory.iter().map(|m| m.2))
        .collect();
    let machine = Machine::this();
    let webkit = command_output(
        "dpkg-query",
        &["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"],
    );

    writeln!(
        out,
        "## Desktop app (`casedesk-desktop`), {} cases in the local store\n",
        run.cases_shown.trim()
    )?;
    writeln!(
        out,
        "The release app in its real webview (WebKitGTK {webkit}) under Xvfb \
         (1600×1000), driven through tauri-driver, over a local store of the seeded \
         tenant ({} cases requested) that the release `casedesk` command line filled as \
         {LEAD} (a team lead who sees every case: `login`, then `sync --once \
         --no-prefetch`, {:.1} s, {:.0} MB `casedesk.db`). The release portal runs \
         beside it on loopback, so the app's sync loop connects as usual. Code: \
         `tests/benches/desktop.rs`; reproduce with `bash scripts/bench-desktop.sh` \
         (`CASES=2000` for a quick run).\n",
        args.cases, context.sync_s, context.store_mb
    )?;
    writeln!(out, "{}\n", provenance(&args.app))?;
    writeln!(
        out,
        "Machine: {}, {} cores (`nproc`: {}), {} memory, Linux {}. \
         Load average (1, 5, 15 min) before: {}; after: {} (the benchmark's own \
         processes count in it). Processes outside the benchmark busy on a CPU during \
         one second before: {}; after: {}. While the app was measured, other processes \
         took {}.\n",
        machine.cpu,
        machine.cores,
        command_output("nproc", &[]),
        machine.memory,
        machine.kernel,
        context.load_before,
        context.load_after,
        context.neighbours_before,
        context.neighbours_after,
        context.neighbours.describe(machine.cores)
    )?;

    let mut targets = Table::new(["Measure", "Target", "median", "max", ""]);
    let target = |measure: String, target: &str, unit: &str, values: &[f64], limit: f64| {
        [
            measure,
            target.to_owned(),
            format!("{:.0} {unit}", median(values)),
            format!("{:.0} {unit}", max(values)),
            verdict(max(values) <= limit).to_owned(),
        ]
    };
    targets.row(target(
        format!("Start to interactive inbox ({} starts)", starts.len()),
        "≤ 1.5 s",
        "ms",
        &starts,
        START_TARGET_MS,
    ));
    targets.row(target(
        format!("Opening a case from the inbox ({} cases)", opens.len()),
        "≤ 100 ms",
        "ms",
        &opens,
        OPEN_TARGET_MS,
    ));
    targets.row(target(
        format!(
            "Opening a case while another is open ({} cases)",
            switches.len()
        ),
        "≤ 100 ms",
        "ms",
        &switches,
        OPEN_TARGET_MS,
    ));
    targets.row(target(
        format!(
            "Typing in search shows results ({} searches; includes the {} ms debounce)",
            searches.len(),
            debounce.map_or("?".into(), |d| format!("{d:.0}"))
        ),
        "≤ 100 ms",
        "ms",
        &searches,
        SEARCH_TARGET_MS,
    ));
    match &unique {
        Some(unique) => {
            targets.row(target(
                format!(
                    "Resident memory of all the app's processes, each physical page once ({} points)",
                    unique.len()
                ),
                "≤ 400 MB",
                "MB",
                unique,
                MEMORY_TARGET_MB,
            ));
        }
        None => {
            targets.row([
                "Resident memory of all the app's processes, each physical page once",
                "≤ 400 MB",
                "—",
                "—",
                "not measured (page frame numbers need root)",
            ]);
        }
    }
    targets.row(target(
        format!(
            "… the same as RSS sum (a page shared by processes counts in each) ({} points)",
            rss.len()
        ),
        "≤ 400 MB",
        "MB",
        &rss,
        MEMORY_TARGET_MB,
    ));
    targets.row(target(
        "… the same as PSS sum (shared pages divided among the processes)".to_owned(),
        "≤ 400 MB",
        "MB",
        &pss,
        MEMORY_TARGET_MB,
    ));
    writeln!(out, "### Targets\n\n{targets}")?;
    writeln!(
        out,
        "A target counts as met when the worst repetition meets it.\n"
    )?;
    writeln!(
        out,
        "### What limits it\n\n{}\n",
        what_limits_it(run, debounce)
    )?;

    writeln!(out, "### Start to interactive inbox\n")?;
    writeln!(
        out,
        "Each start is a new app process over the same store (the OS file cache is \
         warm; the first start also has an empty WebKit cache). The clock runs from the \
         WebDriver session request, which makes WebKitWebDriver start the app, until the \
         frame is painted in which the page has set `data-ready=\"true\"` on \
         `#root > .app` (the inbox's first page is shown) and the rows \
         `[data-testid=inbox-row]` are in the page (a mark set before the rows is \
         reported in the last column): a `MutationObserver` sees both, and the time is \
         taken in the first task after the next animation frame, as \
         `performance.timeOrigin + performance.now()`. The other columns place the steps \
         on the same clock (ms from the session request): the app process starting \
         (`/proc/<pid>/stat`, 10 ms resolution), the app logging “Casedesk starting” \
         (Tauri and logging set up, before the engine opens the store), the webview \
         starting to load the page (`performance.timeOrigin`), the bundle having run \
         (`DOMContentLoaded`) and the first paint (“Casedesk wird gestartet …”). From \
         there to ready the UI asks for the session, then the counts of the list and \
         the saved views, then the first page of rows, and renders them (their costs on \
         the warm store are in the IPC table below).\n"
    )?;
    let mut table = Table::new([
        "Start",
        "ready",
        "process started",
        "“Casedesk starting” logged",
        "page load starts",
        "DOMContentLoaded",
        "first paint",
        "rows in the page",
        "ready mark before the rows",
    ]);
    let ms = |v: Option<f64>| v.map_or("—".into(), |ms| format!("{ms:.0}"));
    for (i, start) in run.starts.iter().enumerate() {
        table.row([
            (i + 1).to_string(),
            format!(
                "{:.0}{}",
                start.ms,
                if start.upper_bound {
                    " (upper bound: already set when the script ran)"
                } else {
                    ""
                }
            ),
            start.process_ms.map_or("—".into(), |ms| {
                if ms < 10.0 {
                    "< 10".into()
                } else {
                    format!("{ms:.0}")
                }
            }),
            ms(start.log_ms),
            format!("{:.0}", start.navigation_ms),
            ms(start.dom_loaded_ms),
            ms(start.first_paint_ms),
            start.rows.to_string(),
            start
                .mark_early_ms
                .map_or("—".into(), |early| format!("**{early:.0} ms**")),
        ]);
    }
    writeln!(out, "{table}")?;

    writeln!(out, "### Opening a case\n")?;
    writeln!(
        out,
        "A WebDriver click on a row of the inbox, rows spread over the first screen: \
         first from the list alone (the layout then makes room for the case; the case is \
         closed again between clicks), then from one open case to another row (the list \
         already narrowed beside the case). The clock runs from the click event's time \
         stamp until the frame in which the DOM holds \
         `[data-testid=case-view][data-aktenzeichen='<AZ>']` is painted (the first task \
         after the next animation frame; “DOM” is when the `MutationObserver` saw it). \
         The IPC requests are noted by wrapping the page's `fetch`, which Tauri's IPC \
         uses; their times are relative to the click. Median split from the list: {}; \
         from another case: {}.\n",
        median_split(&run.opens.iter().map(|o| o.split).collect::<Vec<_>>()),
        median_split(&run.switches.iter().map(|o| o.split).collect::<Vec<_>>())
    )?;
    let mut table = Table::new([
        "From",
        "Case",
        "painted (ms)",
        "DOM (ms)",
        "IPC (ms from the click)",
    ]);
    for (from, open) in run
        .opens
        .iter()
        .map(|o| ("the list", o))
        .chain(run.switches.iter().map(|o| ("another case", o)))
    {
        table.row([
            from.to_owned(),
            open.aktenzeichen.clone(),
            format!("{:.0}", open.ms),
            format!("{:.0}", open.dom_ms),
            open.ipc.clone(),
        ]);
    }
    writeln!(out, "{table}")?;

    writeln!(out, "### Typing in search\n")?;
    writeln!(
        out,
        "The search box is emptied (the list shows every case again), then WebDriver \
         types an applicant's family name taken from the first screen. The clock runs \
         from the last `input` event's time stamp until the frame is painted in which \
         the rows `[data-testid=inbox-row]` are the final ones with no row still \
         loading; the final rows are checked against the engine's answer for the same \
         query (`inbox` over IPC). Of each figure, {} ms are the UI's debounce \
         (`SEARCH_DEBOUNCE_MS` in `ui/src/hooks/useInboxQuery.ts`), during which nothing is \
         asked; the rest is IPC (queries, serialisation) and rendering. IPC times are \
         relative to the last input event. Median split: {}.\n",
        debounce.map_or("?".into(), |d| format!("{d:.0}")),
        median_split(&run.searches.iter().map(|s| s.split).collect::<Vec<_>>())
    )?;
    let mut table = Table::new([
        "Term",
        "results",
        "painted (ms)",
        "without the debounce (ms)",
        "DOM (ms)",
        "typing took (ms)",
        "rows = engine's",
        "IPC (ms from the last input)",
    ]);
    for s in &run.searches {
        table.row([
            s.term.clone(),
            s.count.to_string(),
            format!("{:.0}", s.ms),
            format!("{:.0}", s.ms - debounce.unwrap_or(0.0)),
            format!("{:.0}", s.dom_ms),
            format!("{:.0}", s.typing_ms),
            if s.checked { "yes" } else { "**no**" }.to_owned(),
            s.ipc.clone(),
        ]);
    }
    writeln!(out, "{table}")?;

    writeln!(
        out,
        "### IPC commands behind the inbox, timed from the page\n"
    )?;
    writeln!(
        out,
        "Each command called 5 times through `__TAURI_INTERNALS__.invoke` on the warm \
         store after the searches (median; time from the call to the answer in the \
         page, including serialisation both ways). “7 saved views” are the views' \
         filters as in `ui/src/lib/inboxQuery.ts`.\n"
    )?;
    let mut table = Table::new(["Command", "ms", "answer bytes"]);
    for (label, ms, bytes) in &run.profile {
        table.row([label.clone(), format!("{ms:.1}"), bytes.to_string()]);
    }
    writeln!(out, "{table}")?;

    writeln!(out, "### Scrolling far down (context, no target)\n")?;
    let jump_ms: Vec<f64> = run.jumps.iter().map(|j| j.ms).collect();
    writeln!(
        out,
        "{} jumps of the virtual list (`scrollTop`), evenly spaced to its end; time from \
         the jump to the first animation frame whose rows at the new position are all \
         loaded: median {:.0} ms, max {:.0} ms ({} of {} loaded).\n",
        run.jumps.len(),
        median(&jump_ms),
        max(&jump_ms),
        run.jumps.iter().filter(|j| j.loaded).count(),
        run.jumps.len()
    )?;
    let mut table = Table::new(["Position", "row", "ms", "IPC"]);
    for jump in &run.jumps {
        table.row([
            format!("{:.0} %", jump.fraction * 100.0),
            jump.row.to_string(),
            format!("{:.0}", jump.ms),
            jump.ipc.clone(),
        ]);
    }
    writeln!(out, "{table}")?;

    writeln!(out, "### Memory\n")?;
    writeln!(
        out,
        "Over the app's process and every process below it ({}). “Each page once” is \
         the physical memory they hold together: the page frames of all their resident \
         pages from `/proc/<pid>/pagemap`, a frame mapped by several of them (a \
         library's code, buffers shared by the UI and the web process) counted once. \
         The sums are from `/proc/<pid>/smaps_rollup`: RSS counts a shared page in \
         every process that maps it; PSS divides it among all processes that map it, \
         the app's and any other. Each point is read 1–2 s after the step. After the \
         inbox is shown, per start: {}.\n",
        run.processes,
        run.start_memory
            .iter()
            .map(|(r, p, u)| match u {
                Some(u) => format!("each page once {u:.0} MB / RSS {r:.0} MB / PSS {p:.0} MB"),
                None => format!("RSS {r:.0} MB / PSS {p:.0} MB"),
            })
            .collect::<Vec<_>>()
            .join("; ")
    )?;
    let mut table = Table::new(["Point", "each page once", "RSS sum", "PSS sum"]);
    for point in &run.memory {
        table.row([
            point.label.clone(),
            point
                .unique_mb()
                .map_or("—".to_owned(), |u| format!("{u:.0} MB")),
            format!("{:.0} MB", point.rss_mb()),
            format!("{:.0} MB", point.pss_mb()),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "\nWhat it is, per process (MB): PSS split into anonymous memory (heaps: the \
         engine's SQLite page caches, the JavaScript heap, WebKit's rendering), \
         file-backed pages (the libraries' code; the local store is read through the \
         OS's file cache, not mapped) and shared memory (buffers between the web \
         process and the UI process); the last column is the resident part of any \
         mapping of `casedesk.db` (none expected), counted once per mapping.\n"
    )?;
    let mut table = Table::new([
        "Point",
        "Process",
        "RSS",
        "PSS",
        "PSS anon",
        "PSS file",
        "PSS shmem",
        "`casedesk.db` mapped, RSS",
    ]);
    let mb = |kb: u64| format!("{:.0}", kb as f64 / 1024.0);
    for point in &run.memory {
        for p in &point.processes {
            table.row([
                point.label.clone(),
                p.name.clone(),
                mb(p.rss_kb),
                mb(p.pss_kb),
                mb(p.pss_anon_kb),
                mb(p.pss_file_kb),
                mb(p.pss_shmem_kb),
                mb(p.store_rss_kb),
            ]);
        }
    }
    writeln!(out, "{table}")?;
    Ok(out)
}
