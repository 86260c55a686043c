//! `casedesk`: the desktop engine on the command line.
//!
//! Every subcommand opens the local store in `--data-dir`, does one thing through
//! `casedesk_client::Desk` and prints the result for a person, or as JSON with
//! `--json`. Commands on cases are queued locally first and then sent in one attempt;
//! when the portal is out of reach they stay queued and the exit status is still 0,
//! because offline is a state, not a failure.

mod print;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use casedesk_client::{
    AssigneeFilter, CancellationToken, ClientError, Desk, DeskConfig, DueFilter, InboxFilter,
    InboxSort, LetterKind, LetterRequest, OutboxEntry, OutboxFilter, Prefetch, SortKey,
    StatusFilter,
};
use casedesk_domain::aggregate::{RequestedItem, Verdict};
use casedesk_domain::command::CommandKind;
use casedesk_domain::lifecycle::{CaseStatus, Outcome};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use uuid::Uuid;

use print::Printer;

#[derive(Debug, Parser)]
#[command(
    name = "casedesk",
    version,
    about = "Casedesk desktop engine on the command line"
)]
struct Cli {
    /// Where the local store and document cache live (default: the platform's data
    /// directory for Casedesk).
    #[arg(long, global = true, env = "CASEDESK_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Log in to a portal; the password comes from CASEDESK_PASSWORD or a prompt.
    Login {
        #[arg(long)]
        portal: String,
        #[arg(long)]
        user: String,
    },
    /// Log out; the outbox is kept unless --wipe, which deletes the local cache too.
    Logout {
        #[arg(long)]
        wipe: bool,
    },
    /// Sync with the portal: once, or continuously until interrupted.
    Sync {
        #[arg(long)]
        once: bool,
        /// Skip downloading the documents of the user's cases.
        #[arg(long)]
        no_prefetch: bool,
    },
    /// Connection, last sync, pending and refused commands.
    Status,
    /// List cases.
    Inbox(InboxArgs),
    /// Full-text search over Aktenzeichen, applicant, address, form data and notes.
    Search {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Show one case with everything it holds.
    Show { case: String },
    /// Save a document of a case to a file (verified against its SHA-256).
    Document {
        case: String,
        /// The document's id, file name or number in `show` (1, 2, …).
        document: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Take an unassigned case.
    Claim { case: String },
    /// Give back a case.
    Release { case: String },
    /// Assign a case to a member of staff (team leads).
    Assign {
        case: String,
        /// User name of the new assignee.
        #[arg(long)]
        to: String,
    },
    /// Add an internal note.
    Note { case: String, text: String },
    /// Accept or reject a document.
    Review {
        case: String,
        /// The document's id, file name or number in `show` (1, 2, …).
        document: String,
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        accept: bool,
        #[arg(long)]
        reject: bool,
        #[arg(long, required_if_eq("reject", "true"))]
        reason: Option<String>,
    },
    /// Ask the citizen for missing items.
    RequestItems {
        case: String,
        /// An item, as `DESCRIPTION` or `KIND:DESCRIPTION` (KIND = the service's
        /// required-document key). Repeat for several.
        #[arg(long = "item", required = true)]
        items: Vec<String>,
        #[arg(long)]
        reason: String,
        /// Answer deadline, YYYY-MM-DD.
        #[arg(long)]
        due: NaiveDate,
        #[arg(long)]
        message: String,
    },
    /// Record the decision.
    Decide {
        case: String,
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
        /// The fee in cent (default: the case's assessed fee).
        #[arg(long)]
        fee_cents: Option<i64>,
        /// The decision letter (PDF); uploaded before the decision is sent.
        #[arg(long, conflicts_with = "render")]
        letter: Option<PathBuf>,
        /// Render the decision letter from the synced templates and attach it.
        #[arg(long)]
        render: bool,
    },
    /// Letters rendered from the synced templates and letterhead.
    Letter {
        #[command(subcommand)]
        action: LetterCmd,
    },
    /// The outbox: list, retry or discard refused commands.
    Outbox {
        #[command(subcommand)]
        action: Option<OutboxCmd>,
    },
}

#[derive(Debug, Subcommand)]
enum OutboxCmd {
    List,
    /// Queue a refused command again on the case's current state.
    Retry {
        command_id: Uuid,
    },
    /// Drop a refused command.
    Discard {
        command_id: Uuid,
    },
}

#[derive(Debug, Subcommand)]
enum LetterCmd {
    /// Render one letter from the local store to a PDF file (works offline).
    Render {
        /// The case (Aktenzeichen or id).
        #[arg(long)]
        case: String,
        /// A decision with this outcome.
        #[arg(long, value_enum, required_unless_present_any = ["items_request", "fee_notice"])]
        outcome: Option<OutcomeArg>,
        /// The letter form of the open request for missing items.
        #[arg(long, conflicts_with_all = ["outcome", "fee_notice"])]
        items_request: bool,
        /// A separate fee notice.
        #[arg(long, conflicts_with_all = ["outcome", "items_request"])]
        fee_notice: bool,
        #[arg(long)]
        out: PathBuf,
    },
}

impl OutcomeArg {
    fn outcome(self) -> Outcome {
        match self {
            OutcomeArg::Approved => Outcome::Approved,
            OutcomeArg::Rejected => Outcome::Rejected,
            OutcomeArg::Partial => Outcome::Partial,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OutcomeArg {
    Approved,
    Rejected,
    Partial,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SortArg {
    Due,
    Received,
    Aktenzeichen,
    Applicant,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OutboxArg {
    Pending,
    Rejected,
    Any,
}

#[derive(Debug, Args)]
struct InboxArgs {
    /// Only these statuses (submitted, in_review, awaiting_citizen, decided, closed,
    /// withdrawn); default: the open ones. Repeat for several.
    #[arg(long = "status")]
    statuses: Vec<String>,
    /// Every status.
    #[arg(long, conflicts_with = "statuses")]
    all: bool,
    #[arg(long)]
    service: Option<String>,
    /// me, unassigned, any, or a user id.
    #[arg(long, default_value = "any")]
    assignee: String,
    /// Office code (e.g. 32) or id.
    #[arg(long)]
    office: Option<String>,
    #[arg(long, conflicts_with = "due_within")]
    overdue: bool,
    /// Due within this many days.
    #[arg(long)]
    due_within: Option<u32>,
    #[arg(long, value_enum)]
    outbox: Option<OutboxArg>,
    /// Only cases where the citizen answered or wrote last.
    #[arg(long)]
    answered: bool,
    /// Full-text filter.
    #[arg(long)]
    text: Option<String>,
    #[arg(long, value_enum, default_value = "due")]
    sort: SortArg,
    #[arg(long)]
    desc: bool,
    #[arg(long, default_value_t = 50)]
    limit: u32,
    #[arg(long, default_value_t = 0)]
    offset: u32,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let printer = Printer { json: cli.json };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Fehler: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, &printer)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            printer.error(&error);
            ExitCode::FAILURE
        }
    }
}

fn data_dir(cli: &Cli) -> anyhow::Result<PathBuf> {
    if let Some(dir) = &cli.data_dir {
        return Ok(dir.clone());
    }
    let dirs = directories::ProjectDirs::from("de", "Casedesk", "Casedesk")
        .context("no home directory to keep the local store in; pass --data-dir")?;
    Ok(dirs.data_local_dir().to_owned())
}

async fn run(cli: Cli, printer: &Printer) -> anyhow::Result<()> {
    let mut config = DeskConfig::from_env(data_dir(&cli)?)?;
    if let Cmd::Sync {
        no_prefetch: true, ..
    } = &cli.command
    {
        config.prefetch = Prefetch::None;
    }
    let desk = Desk::open(config).await?;
    let done = execute(&desk, cli.command, printer).await;
    desk.store().close().await;
    done
}

/// Runs one subcommand on the open engine.
///
/// Over 100 lines on purpose: it is the dispatch table, one short arm per
/// subcommand; anything longer than a few lines is a function of its own below.
async fn execute(desk: &Desk, command: Cmd, printer: &Printer) -> anyhow::Result<()> {
    use Cmd::*;
    match command {
        Login { portal, user } => {
            let password = match std::env::var("CASEDESK_PASSWORD") {
                Ok(password) => password,
                Err(_) => rpassword::prompt_password("Passwort: ")?,
            };
            let me = desk.login(&portal, &user, &password).await?;
            printer.logged_in(&me);
        }
        Logout { wipe } => {
            desk.logout(wipe).await?;
            printer.line(if wipe {
                "Abgemeldet; lokaler Bestand gelöscht."
            } else {
                "Abgemeldet."
            });
        }
        Sync { once: true, .. } => {
            let report = desk.sync_once().await?;
            let fetched = desk.prefetch().await?;
            printer.synced(&report, fetched, &desk.status());
        }
        Sync { once: false, .. } => sync_forever(desk, printer).await?,
        Status => printer.status(&desk.status()),
        Inbox(args) => {
            let (filter, sort) = inbox_filter(desk, &args).await?;
            let rows = desk.inbox(&filter, sort, args.offset, args.limit).await?;
            let total = desk.count(&filter).await?;
            printer.inbox(&rows, total);
        }
        Search { text, limit } => {
            let rows = desk.search(&text, limit).await?;
            printer.inbox(&rows, rows.len() as i64);
        }
        Show { case } => printer.case(&desk.case(&case).await?),
        Document {
            case,
            document,
            out,
        } => save_document(desk, printer, &case, &document, &out).await?,
        Claim { case } => queued(desk, printer, desk.claim(&case).await?).await,
        Release { case } => queued(desk, printer, desk.release(&case).await?).await,
        Assign { case, to } => {
            let staff = desk.staff().await?;
            let user = staff.iter().find(|u| u.name == to).with_context(|| {
                format!("{to} ist nicht im Personalverzeichnis der Dienststelle")
            })?;
            let entry = desk
                .command(&case, CommandKind::Assign { assignee: user.id })
                .await?;
            queued(desk, printer, entry).await
        }
        Note { case, text } => queued(desk, printer, desk.add_note(&case, &text).await?).await,
        Review {
            case,
            document,
            accept,
            reject: _,
            reason,
        } => {
            let detail = desk.case(&case).await?;
            let meta = print::find_document(&detail.case, &document)?;
            let verdict = if accept {
                Verdict::Accepted
            } else {
                Verdict::Rejected
            };
            let entry = desk
                .review_document(&case, meta.id, verdict, reason)
                .await?;
            queued(desk, printer, entry).await
        }
        RequestItems {
            case,
            items,
            reason,
            due,
            message,
        } => {
            let kind = CommandKind::RequestItems {
                items: items.iter().map(|item| requested_item(item)).collect(),
                reason,
                answer_due: due,
                message,
            };
            queued(desk, printer, desk.command(&case, kind).await?).await
        }
        Decide {
            case,
            outcome,
            fee_cents,
            letter,
            render,
        } => {
            let outcome = outcome.outcome();
            let entry = match letter {
                Some(path) => {
                    let pdf = std::fs::read(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    desk.finalise_decision(&case, outcome, fee_cents, Some(&pdf))
                        .await?
                }
                None if render => {
                    desk.decide_with_letter(&case, outcome, fee_cents, None)
                        .await?
                }
                None => {
                    desk.finalise_decision(&case, outcome, fee_cents, None)
                        .await?
                }
            };
            queued(desk, printer, entry).await
        }
        Letter {
            action:
                LetterCmd::Render {
                    case,
                    outcome,
                    items_request,
                    fee_notice,
                    out,
                },
        } => {
            let kind = match outcome {
                Some(outcome) => LetterKind::Decision(outcome.outcome()),
                None if items_request => LetterKind::ItemsRequest,
                None if fee_notice => LetterKind::FeeNotice,
                None => anyhow::bail!("--outcome, --items-request oder --fee-notice angeben"),
            };
            save_letter(desk, printer, &case, kind, &out).await?;
        }
        Outbox { action } => match action.unwrap_or(OutboxCmd::List) {
            OutboxCmd::List => printer.outbox(&desk.outbox().await?),
            OutboxCmd::Retry { command_id } => {
                let entry = desk.retry(command_id).await?;
                queued(desk, printer, entry).await
            }
            OutboxCmd::Discard { command_id } => {
                let entry = desk.discard(command_id).await?;
                printer.discarded(&entry);
            }
        },
    }
    Ok(())
}

/// An item of `request-items`: `kind: description` names one of the service's
/// required documents, anything else is a free item.
fn requested_item(item: &str) -> RequestedItem {
    match item.split_once(':') {
        Some((kind, description)) if !kind.contains(' ') => RequestedItem {
            kind: Some(kind.to_owned()),
            description: description.trim().to_owned(),
        },
        _ => RequestedItem {
            kind: None,
            description: item.trim().to_owned(),
        },
    }
}

/// `document`: a case's document, checked against its hash, into a file.
async fn save_document(
    desk: &Desk,
    printer: &Printer,
    case: &str,
    document: &str,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let detail = desk.case(case).await?;
    let meta = print::find_document(&detail.case, document)?;
    let bytes = desk.document(&meta.sha256).await?;
    std::fs::write(out, &bytes.bytes).with_context(|| format!("cannot write {}", out.display()))?;
    printer.line(&format!(
        "{} gespeichert in {} ({} Bytes, SHA-256 geprüft)",
        meta.file_name,
        out.display(),
        bytes.bytes.len()
    ));
    Ok(())
}

/// `letter render`: a letter of the case, rendered offline, into a file.
async fn save_letter(
    desk: &Desk,
    printer: &Printer,
    case: &str,
    kind: LetterKind,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let request = LetterRequest {
        fee_cents: None,
        kind,
        created: chrono::Utc::now(),
        edited_body: None,
    };
    let pdf = desk.render_letter(case, &request).await?;
    std::fs::write(out, &pdf).with_context(|| format!("cannot write {}", out.display()))?;
    printer.line(&format!(
        "Brief zu {case} gespeichert in {} ({} Bytes)",
        out.display(),
        pdf.len()
    ));
    Ok(())
}

/// After queueing: one attempt to send, then report where the command stands.
async fn queued(desk: &Desk, printer: &Printer, entry: OutboxEntry) {
    let sent = desk.push_now().await;
    let state = desk.outbox().await.ok().and_then(|entries| {
        entries
            .into_iter()
            .find(|e| e.command_id == entry.command_id)
    });
    printer.queued(&entry, &sent, state.as_ref());
}

async fn sync_forever(desk: &Desk, printer: &Printer) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    let mut changes = desk.subscribe();
    let engine = {
        let desk = desk.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move { desk.run(shutdown).await })
    };
    loop {
        tokio::select! {
            change = changes.recv() => match change {
                Ok(change) => printer.change(&change),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    shutdown.cancel();
    engine.await?;
    Ok(())
}

async fn inbox_filter(desk: &Desk, args: &InboxArgs) -> anyhow::Result<(InboxFilter, InboxSort)> {
    let status = if !args.statuses.is_empty() {
        let statuses = args
            .statuses
            .iter()
            .map(|status| {
                CaseStatus::parse(status).with_context(|| format!("unbekannter Status {status}"))
            })
            .collect::<anyhow::Result<_>>()?;
        StatusFilter::Only { statuses }
    } else if args.all {
        StatusFilter::Any
    } else {
        StatusFilter::Open
    };
    let mut filter = InboxFilter {
        status,
        ..InboxFilter::default()
    };
    filter.service = args.service.clone();
    filter.assignee = match args.assignee.as_str() {
        "any" => AssigneeFilter::Anyone,
        "me" => AssigneeFilter::Me,
        "unassigned" => AssigneeFilter::Unassigned,
        other => AssigneeFilter::User {
            id: other.parse().with_context(|| {
                format!("--assignee: me, unassigned, any oder eine Benutzer-ID, nicht {other}")
            })?,
        },
    };
    if let Some(office) = &args.office {
        let me = desk.me().await.ok_or(ClientError::NotLoggedIn)?;
        let found = me
            .offices
            .iter()
            .find(|o| o.code == *office || o.id.to_string() == *office)
            .with_context(|| format!("keine eigene Dienststelle {office}"))?;
        filter.office = Some(found.id);
    }
    filter.due = match (args.overdue, args.due_within) {
        (true, _) => Some(DueFilter::Overdue),
        (false, Some(days)) => Some(DueFilter::Within { days }),
        _ => None,
    };
    filter.outbox = args.outbox.map(|o| match o {
        OutboxArg::Pending => OutboxFilter::Pending,
        OutboxArg::Rejected => OutboxFilter::Rejected,
        OutboxArg::Any => OutboxFilter::Any,
    });
    filter.answered = args.answered;
    filter.text = args.text.clone();
    let key = match args.sort {
        SortArg::Due => SortKey::Due,
        SortArg::Received => SortKey::Received,
        SortArg::Aktenzeichen => SortKey::Aktenzeichen,
        SortArg::Applicant => SortKey::Applicant,
    };
    Ok((
        filter,
        InboxSort {
            key,
            descending: args.desc,
        },
    ))
}
