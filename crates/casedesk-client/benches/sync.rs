//! `cargo bench -p casedesk-client --bench sync -- --portal PATH`: the desktop engine
//! against a real portal process on loopback with a large tenant.
//!
//! Measures, against the targets its report states: the bootstrap into an empty local
//! store end to end (next to the floor, a raw bulk insert of the same rows into
//! SQLite), the peak memory of this process during it, inbox pages and full-text
//! search on the full store, and how long a change committed on the portal takes to
//! reach the local store while the engine follows the live stream. Checks correctness
//! as it goes (every case arrives; the change that was made is the one that arrives)
//! but never fails on a time. Writes one Markdown section to `--out`.
//!
//! Run inside a D-Bus session with an unlocked keyring (`scripts/bench-client.sh`
//! does): the engine keeps its tokens there as it does in production.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use casedesk_client::{
    AssigneeFilter, Change, Desk, DeskConfig, DueFilter, InboxFilter, InboxSort, Prefetch, SortKey,
};
use casedesk_domain::frames;
use clap::Parser;
use serde_json::{Value, json};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, QueryBuilder, Sqlite};

const BOOTSTRAP_TARGET: f64 = 30_000.0;
const QUERY_TARGET_MS: f64 = 20.0;

/// The case frames of a bootstrap sent as frames, in order.
fn case_frames(body: &[u8]) -> anyhow::Result<Vec<&[u8]>> {
    let mut frames = Vec::new();
    let mut at = 0;
    while at < body.len() {
        let record = frames::next_record(&body[at..])?.context("a cut record")?;
        if record.kind == frames::RecordKind::Case {
            frames.push(record.payload);
        }
        at += record.len;
    }
    Ok(frames)
}

/// Seconds to bulk-insert `rows` into a bare table of a new database at `path`, in
/// one transaction, with the engine's initial-load settings. The database is closed
/// and deleted before this returns: closing copies the log into the database (SQLite
/// checkpoints when the last connection closes), which in the background would
/// compete with the queries timed next for CPU and disk.
async fn floor_insert(path: &Path, rows: &[(String, &[u8])]) -> anyhow::Result<f64> {
    let mut conn = sqlx::SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // The durability of the engine's initial load: commits do not wait for
            // the disk and nothing is checkpointed while it runs.
            .synchronous(SqliteSynchronous::Normal)
            .pragma("wal_autocheckpoint", "0"),
    )
    .await?;
    sqlx::query("CREATE TABLE raw (id TEXT PRIMARY KEY NOT NULL, payload BLOB NOT NULL)")
        .execute(&mut conn)
        .await?;
    let started = Instant::now();
    let mut tx = conn.begin().await?;
    for chunk in rows.chunks(1000) {
        let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO raw (id, payload) ");
        insert.push_values(chunk, |mut values, (id, payload)| {
            values.push_bind(id.as_str()).push_bind(*payload);
        });
        insert.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    let took = started.elapsed().as_secs_f64();
    conn.close().await?;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    Ok(took)
}
const LATENCY_TARGET_MS: f64 = 500.0;
const MEMORY_TARGET_MB: f64 = 300.0;
/// The demo tenant's team lead of every office, who sees every case.
const LEAD: &str = "h.zimmermann";
/// A caseworker who makes the changes whose arrival is timed.
const WORKER: &str = "a.becker";
const PASSWORD: &str = "demo-casedesk";

#[derive(Parser)]
struct Args {
    /// The `casedesk-portal` binary (release build).
    #[arg(long)]
    portal: PathBuf,
    #[arg(long, default_value_t = 100_000)]
    cases: u32,
    /// Where the seeded portal tenant is kept between runs.
    #[arg(long)]
    tenant: PathBuf,
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Accepted for `cargo bench` compatibility.
    #[arg(long)]
    bench: bool,
}

struct Portal {
    child: Child,
    base: String,
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_portal(binary: &Path, tenant: &Path) -> anyhow::Result<Portal> {
    let mut child = Command::new(binary)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(tenant)
        .env("RUST_LOG", "warn")
        .env("CASEDESK_SESSIONS__ACCESS_MINUTES", "240")
        .stdout(Stdio::piped())
        .spawn()
        .context("starting the portal")?;
    let stdout = child.stdout.take().context("portal stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let Some(line) = lines.next() else {
            bail!("the portal ended before listening")
        };
        if let Some(address) = line?.strip_prefix("casedesk-portal listening on ") {
            break address.to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Ok(Portal { child, base })
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}

async fn desk_in(dir: &Path) -> anyhow::Result<Desk> {
    let mut config = DeskConfig::new(dir.to_owned());
    config.keyring_service = "casedesk-bench".into();
    config.prefetch = Prefetch::None;
    Ok(Desk::open(config).await?)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut report = String::new();

    // The tenant: seeded once and kept. The marker names what a tenant holds
    // (`frames2`: the offices' dictionaries and case frames with checksums); a tenant
    // without it is seeded again.
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
    let portal = start_portal(&args.portal, &args.tenant)?;
    let scratch = tempfile::tempdir()?;

    // 1. Bootstrap end to end, into an empty store each time.
    let mut runs = Vec::new();
    let mut timings = Vec::new();
    let mut peak_after_first = None;
    let mut cases = 0;
    let mut last_dir = None;
    for run in 0..args.runs {
        let dir = scratch.path().join(format!("desk-{run}"));
        let desk = desk_in(&dir).await?;
        desk.login(&portal.base, LEAD, PASSWORD).await?;
        let started = Instant::now();
        let synced = desk.sync_once().await?;
        let elapsed = started.elapsed().as_secs_f64();
        cases = synced.bootstrapped;
        ensure!(cases >= i64::from(args.cases), "only {cases} cases arrived");
        ensure!(desk.store().case_count().await? == cases, "count mismatch");
        eprintln!("bootstrap run {run}: {cases} cases in {elapsed:.2} s");
        runs.push(elapsed);
        timings.push((
            elapsed,
            synced.bootstrap_timings.clone().context("timings")?,
        ));
        if run == 0 {
            peak_after_first = peak_rss_mb();
        }
        desk.store().close().await;
        last_dir = Some(dir);
    }
    let last_dir = last_dir.context("at least one run")?;
    runs.sort_by(f64::total_cmp);
    timings.sort_by(|a, b| a.0.total_cmp(&b.0));
    let best_timings = timings[0].1.clone();
    let best = runs[0];
    let median = runs[runs.len() / 2];

    // 2. The floor: the same rows, fetched once, bulk-inserted into a bare table.
    let session: Value = reqwest::Client::new()
        .post(format!("{}/api/v1/office/session", portal.base))
        .json(&json!({"user": LEAD, "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = session["access_token"]
        .as_str()
        .context("token")?
        .to_owned();
    let fetch = |accept: &'static str| {
        reqwest::Client::new()
            .get(format!("{}/api/v1/office/sync/bootstrap", portal.base))
            .bearer_auth(&token)
            .header(reqwest::header::ACCEPT, accept)
            .send()
    };
    let body = fetch("application/x-ndjson").await?.text().await?;
    let json_rows: Vec<(String, &[u8])> = body
        .lines()
        .filter(|l| l.starts_with("{\"id\""))
        .map(|l| (l[7..43].to_owned(), l.as_bytes()))
        .collect();
    ensure!(
        json_rows.len() as i64 == cases,
        "floor rows {} != {cases}",
        json_rows.len()
    );
    let frames_body = fetch(frames::MEDIA_TYPE).await?.bytes().await?;
    let frames = case_frames(&frames_body)?;
    ensure!(
        frames.len() == json_rows.len(),
        "frames and JSON rows differ"
    );
    let frame_rows: Vec<(String, &[u8])> = json_rows
        .iter()
        .zip(frames)
        .map(|((id, _), frame)| (id.clone(), frame))
        .collect();
    let floor_json = floor_insert(&scratch.path().join("floor-json.db"), &json_rows).await?;
    let floor = floor_insert(&scratch.path().join("floor-frames.db"), &frame_rows).await?;
    let megabytes = body.len() as f64 / 1e6;
    let frame_megabytes = frames_body.len() as f64 / 1e6;
    drop(json_rows);
    drop(frame_rows);
    drop(body);

    // 3. Queries on the full store.
    let desk = desk_in(&last_dir).await?;
    let me = desk.me().await.context("logged in")?;
    let today = casedesk_domain::deadline::local_date(chrono::Utc::now());
    let sample: Vec<casedesk_client::InboxRow> = desk
        .inbox(
            &InboxFilter::default(),
            InboxSort::default(),
            (cases / 2) as u32,
            1,
        )
        .await?;
    let family = sample[0]
        .applicant_name
        .rsplit(' ')
        .next()
        .unwrap_or("Müller")
        .to_owned();
    let az_prefix: String = sample[0].aktenzeichen.chars().take(12).collect();
    let queries: Vec<(&str, InboxFilter, InboxSort)> = vec![
        (
            "open cases by due date (first page)",
            InboxFilter::open(),
            InboxSort::default(),
        ),
        (
            "open cases by applicant, middle page",
            InboxFilter::open(),
            InboxSort {
                key: SortKey::Applicant,
                descending: false,
            },
        ),
        (
            "overdue, by due date",
            InboxFilter {
                due: Some(DueFilter::Overdue),
                ..InboxFilter::open()
            },
            InboxSort::default(),
        ),
        (
            "unassigned in review or submitted, newest first",
            InboxFilter {
                assignee: AssigneeFilter::Unassigned,
                ..InboxFilter::open()
            },
            InboxSort {
                key: SortKey::Received,
                descending: true,
            },
        ),
        (
            "one service, due within 7 days",
            InboxFilter {
                service: Some(sample[0].service_id.clone()),
                due: Some(DueFilter::Within { days: 7 }),
                ..InboxFilter::default()
            },
            InboxSort::default(),
        ),
        (
            "full text: applicant family name",
            InboxFilter {
                text: Some(family.clone()),
                ..InboxFilter::default()
            },
            InboxSort {
                key: SortKey::Relevance,
                descending: false,
            },
        ),
        (
            "full text: Aktenzeichen prefix",
            InboxFilter {
                text: Some(az_prefix.clone()),
                ..InboxFilter::default()
            },
            InboxSort::default(),
        ),
        (
            "full text within open cases, by due date",
            InboxFilter {
                text: Some(family.clone()),
                ..InboxFilter::open()
            },
            InboxSort::default(),
        ),
    ];
    let mut query_rows = Vec::new();
    let mut worst_query = 0.0_f64;
    let mut worst_query_name = "";
    for (name, filter, sort) in &queries {
        // The deep page sits in the middle of the result, wherever that is.
        let offset = if name.contains("middle page") {
            (desk.count(filter).await? / 200 * 100) as u32
        } else {
            0
        };
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..30 {
            let started = Instant::now();
            let page = desk.inbox(filter, *sort, offset, 100).await?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            found = page.len();
        }
        let mut count_times = Vec::new();
        let mut total = 0;
        for _ in 0..10 {
            let started = Instant::now();
            total = desk.count(filter).await?;
            count_times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        count_times.sort_by(f64::total_cmp);
        if percentile(&times, 0.95) >= worst_query {
            worst_query = percentile(&times, 0.95);
            worst_query_name = *name;
        }
        query_rows.push(format!(
            "| {name} | {found} of {total} | {:.2} | {:.2} | {:.2} |",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            percentile(&count_times, 0.5)
        ));
    }
    let _ = (me, today);

    // 4. A change on the portal reaching the local store while following live.
    let shutdown = casedesk_client::CancellationToken::new();
    let engine = {
        let desk = desk.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move { desk.run(shutdown).await })
    };
    let mut feed = desk.subscribe();
    // Wait until the engine is online and following.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !matches!(
        desk.status().connection,
        casedesk_client::Connection::Online
    ) {
        ensure!(Instant::now() < deadline, "engine did not come online");
        let _ = tokio::time::timeout(Duration::from_millis(200), feed.recv()).await;
    }
    let worker_session: Value = reqwest::Client::new()
        .post(format!("{}/api/v1/office/session", portal.base))
        .json(&json!({"user": WORKER, "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let worker_token = worker_session["access_token"].as_str().context("token")?;
    let worker_office = worker_session["user"]["offices"][0]["id"]
        .as_str()
        .context("office")?
        .to_owned();
    let targets = desk
        .inbox(
            &InboxFilter {
                office: Some(worker_office.parse()?),
                ..InboxFilter::open()
            },
            InboxSort::default(),
            0,
            20,
        )
        .await?;
    let mut latencies = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        // Give the engine a quiet moment so each change is timed on its own.
        tokio::time::sleep(Duration::from_millis(200)).await;
        while feed.try_recv().is_ok() {}
        let detail = desk.case(&target.case_id.to_string()).await?;
        let command = json!({
            "command_id": uuid::Uuid::now_v7(),
            "case_id": target.case_id,
            "base_version": detail.server_version,
            "kind": "add_note",
            "payload": {"text": format!("Latenzmessung {i}")},
        });
        let started = Instant::now();
        let answer: Value = reqwest::Client::new()
            .post(format!("{}/api/v1/office/commands", portal.base))
            .bearer_auth(worker_token)
            .json(&json!({"commands": [command]}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        ensure!(answer["answers"][0]["result"] == "applied", "{answer}");
        loop {
            let change = tokio::time::timeout(Duration::from_secs(30), feed.recv())
                .await
                .context("the change never arrived")??;
            if let Change::CaseChanged { case_ids } = change
                && case_ids.contains(&target.case_id)
            {
                break;
            }
        }
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        let local = desk.case(&target.case_id.to_string()).await?;
        ensure!(
            local
                .case
                .notes
                .iter()
                .any(|n| n.text == format!("Latenzmessung {i}")),
            "the local store lacks the change"
        );
    }
    shutdown.cancel();
    engine.await?;
    latencies.sort_by(f64::total_cmp);
    let latency_p95 = percentile(&latencies, 0.95);

    // The report.
    let cases_f = cases as f64;
    let best_rate = cases_f / best;
    let floor_rate = cases_f / floor;
    let floor_json_rate = cases_f / floor_json;
    let peak = peak_after_first.unwrap_or(f64::NAN);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let stages = [
        (
            "unpack the frames and parse them into inbox rows and search text",
            best_timings.parse_ms,
        ),
        (
            "write batches: rows, JSON, search index, commit",
            best_timings.write_ms,
        ),
        ("build the inbox indexes at the end", best_timings.index_ms),
    ];
    let per_case_us = |ms: u64| ms as f64 * 1000.0 / cases as f64;
    writeln!(
        report,
        "## Desktop engine (`casedesk-client`), {cases} cases\n"
    )?;
    writeln!(
        report,
        "Measured on this machine ({cores} cores; load average at the end: {}) with the \
         portal as a separate release process on loopback (SQLite backend) and the engine \
         in this process, logged in as {LEAD} (a team lead who sees every case). Code: \
         `crates/casedesk-client/benches/sync.rs`; reproduce with \
         `bash scripts/bench-client.sh` (`CASES=2000` for a quick run).\n",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )?;
    writeln!(report, "### Targets\n")?;
    writeln!(
        report,
        "| Measure | Target | Measured | |\n|---|---|---|---|"
    )?;
    writeln!(
        report,
        "| Bootstrap into an empty store, end to end (best of {}) | ≥ 30,000 cases/s | {:.0} cases/s | {} |",
        args.runs,
        best_rate,
        verdict(best_rate >= BOOTSTRAP_TARGET)
    )?;
    writeln!(
        report,
        "| Inbox page (100 rows) and full-text search, worst p95 | ≤ 20 ms | {worst_query:.2} ms | {} |",
        verdict(worst_query <= QUERY_TARGET_MS)
    )?;
    writeln!(
        report,
        "| Portal change in the local store while online, p95 of {} | ≤ 500 ms | {latency_p95:.0} ms | {} |",
        latencies.len(),
        verdict(latency_p95 <= LATENCY_TARGET_MS)
    )?;
    writeln!(
        report,
        "| Peak memory (this process's high-water RSS after the first bootstrap) | ≤ 300 MB | {peak:.0} MB | {} |\n",
        verdict(peak <= MEMORY_TARGET_MB)
    )?;
    let busy_ms: u64 = stages.iter().map(|(_, ms)| ms).sum();
    let (largest, largest_ms) = stages
        .iter()
        .max_by_key(|(_, ms)| *ms)
        .copied()
        .context("three stages")?;
    let overlap = busy_ms as f64 / best_timings.total_ms.max(1) as f64;
    writeln!(
        report,
        "### What limits it\n\n\
         The bootstrap's stages overlap: their busy time adds up to {busy_ms} ms in the \
         {} ms from the request to the committed cursor, {overlap:.1}× the wall time on \
         {cores} cores that the portal process shares{}. The largest stage is \
         “{largest}” at {:.1} µs per case. The slowest query is “{worst_query_name}” at \
         p95 {worst_query:.2} ms. A portal change reaches the local store as one signal \
         on the live stream, one changes page and its commit. How the engine is built \
         for this, and what was tried without gain: \
         [docs/performance.md](docs/performance.md#desktop-engine).\n",
        best_timings.total_ms,
        if overlap >= 0.9 * cores as f64 {
            ", so the cores are the limit"
        } else {
            ""
        },
        per_case_us(largest_ms)
    )?;
    writeln!(report, "### Bootstrap\n")?;
    writeln!(
        report,
        "Time from the request to the committed cursor (`Desk::sync_once` on an empty \
         store: service catalog, staff directory, the bootstrap as the portal's stored \
         zstd frames with the offices' dictionaries, unpacked, parsed and written in \
         transactions of {} cases with the inbox columns and the FTS5 index, the frames \
         kept as they came, then an empty changes pull). {:.0} MB of aggregates as JSON, \
         {:.0} MB as frames on the wire.\n",
        DeskConfig::new(PathBuf::new()).bootstrap_batch,
        megabytes,
        frame_megabytes
    )?;
    writeln!(
        report,
        "| Path | best | median | cases/s (best) |\n|---|---|---|---|"
    )?;
    writeln!(
        report,
        "| engine end to end | {best:.2} s | {median:.2} s | {best_rate:.0} |"
    )?;
    writeln!(
        report,
        "| floor: the same {cases} rows as the engine receives them (id, frame) bulk-inserted into a bare SQLite table, one transaction, with the engine's initial-load settings (WAL, synchronous=NORMAL, no checkpoint) | {floor:.2} s | — | {floor_rate:.0} |"
    )?;
    writeln!(
        report,
        "| the same rows as JSON text (id, aggregate), inserted the same way | {floor_json:.2} s | — | {floor_json_rate:.0} |\n"
    )?;
    writeln!(
        report,
        "The engine takes {:.1}× the floor's time ({:.1}× that of inserting the JSON \
         text). The floor does no network, no decompression, no parsing, no indexes and \
         no full-text index.\n",
        best / floor,
        best / floor_json
    )?;
    writeln!(
        report,
        "Where the best run's time went (busy time per stage, summed over the batches; \
         two batches are parsed at a time on the blocking pool while the writer commits \
         the batch before them, so the stages overlap):\n"
    )?;
    writeln!(report, "| Stage | ms | µs per case |\n|---|---|---|")?;
    for (stage, ms) in stages
        .into_iter()
        .chain([("total, request to committed cursor", best_timings.total_ms)])
    {
        writeln!(report, "| {stage} | {ms} | {:.1} |", per_case_us(ms))?;
    }
    writeln!(report)?;
    writeln!(report, "### Queries on the full store\n")?;
    writeln!(
        report,
        "30 runs each of a 100-row page (`Desk::inbox`) and 10 of the matching count \
         (`Desk::count`), on the store the last bootstrap filled.\n"
    )?;
    writeln!(
        report,
        "| Query | rows | page p50 ms | page p95 ms | count p50 ms |\n|---|---|---|---|---|"
    )?;
    for row in &query_rows {
        writeln!(report, "{row}")?;
    }
    writeln!(report, "\n### Change latency\n")?;
    writeln!(
        report,
        "{} notes added by {WORKER} through the portal's API while the engine follows \
         the live stream; time from sending the command to the engine announcing the \
         case changed (after the pull committed). p50 {:.0} ms, p95 {latency_p95:.0} ms, \
         max {:.0} ms.\n",
        latencies.len(),
        percentile(&latencies, 0.5),
        latencies.last().copied().unwrap_or(f64::NAN)
    )?;
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.out, &report)?;
    println!("{report}");
    drop(portal);
    Ok(())
}
