//! `casedesk`: the desktop engine on the command line.
//!
//! Every subcommand opens the local store in `--data-dir`, does one thing through
//! `casedesk_client::Desk` and prints the result for a person, or as JSON with
//! `--json`. Commands on cases are queued locally first and then sent in one attempt;
//! when the portal is out of reach they stay queued and the exit status is still 0,
//! because offline is a state, not a failure.

mod args;
mod issue;
mod print;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use casedesk_client::{
    AssigneeFilter, CancellationToken, ClientError, Desk, DeskConfig, DueFilter, InboxFilter,
    InboxSort, OutboxEntry, OutboxFilter, Prefetch, SortKey, StatusFilter,
};
use casedesk_domain::aggregate::{RequestedItem, Verdict};
use casedesk_domain::command::CommandKind;
use casedesk_domain::lifecycle::CaseStatus;
use clap::Parser;

use args::{Cli, Cmd, InboxArgs, LetterCmd, OutboxArg, OutboxCmd, SortArg};
use print::Printer;

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
                letter_sha256: None,
            };
            queued(desk, printer, desk.command(&case, kind).await?).await
        }
        Hearing {
            case,
            intended,
            due,
            message,
            letter_out,
        } => {
            let hearing = issue::Hearing {
                intended,
                due,
                message,
                letter_out,
            };
            let entry = issue::hearing(desk, printer, &case, hearing).await?;
            queued(desk, printer, entry).await
        }
        Decide {
            case,
            outcome,
            fee_cents,
            reasons,
            partial_note,
            channel,
            letter,
            render,
        } => {
            let mut draft = casedesk_client::DecisionDraft::new(outcome.outcome());
            draft.fee_cents = fee_cents;
            draft.reasons = reasons;
            draft.partial_note = partial_note;
            draft.channel = channel.map(|c| c.channel());
            let entry = issue::decide(desk, &case, &draft, letter.as_deref(), render).await?;
            queued(desk, printer, entry).await
        }
        Dispatch { case, on, notice } => {
            let on =
                on.unwrap_or_else(|| casedesk_domain::deadline::local_date(chrono::Utc::now()));
            let entry = desk.record_dispatch(&case, notice, on).await?;
            queued(desk, printer, entry).await
        }
        Notice {
            case,
            kind,
            amount_cents,
            channel,
        } => {
            let draft = casedesk_client::NoticeDraft {
                kind: kind.kind(),
                amount_cents,
                channel: channel.map(|c| c.channel()),
                edited_text: None,
            };
            queued(desk, printer, desk.issue_notice(&case, &draft).await?).await
        }
        Letter {
            action: LetterCmd::Render(render),
        } => issue::save_letter(desk, printer, render).await?,
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
            replaces: None,
        },
        _ => RequestedItem {
            kind: None,
            description: item.trim().to_owned(),
            replaces: None,
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
