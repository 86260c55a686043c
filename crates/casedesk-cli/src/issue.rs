//! The subcommands that issue something to the citizen and need more than one call
//! to the engine: a decision with a letter from a file, rendered or none; a hearing
//! with its letter; a letter rendered into a file.

use std::path::{Path, PathBuf};

use anyhow::Context;
use casedesk_client::{DecisionDraft, Desk, HearingDraft, LetterKind, LetterRequest, OutboxEntry};
use chrono::NaiveDate;

use crate::args::RenderArgs;
use crate::print::Printer;

/// `decide`: with the letter in `letter`, one rendered from the templates
/// (`render`), or without a letter.
pub async fn decide(
    desk: &Desk,
    case: &str,
    draft: &DecisionDraft,
    letter: Option<&Path>,
    render: bool,
) -> anyhow::Result<OutboxEntry> {
    Ok(match letter {
        Some(path) => {
            let pdf =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            desk.finalise_decision(case, draft, Some(&pdf)).await?
        }
        None if render => desk.decide_with_letter(case, draft).await?,
        None => desk.finalise_decision(case, draft, None).await?,
    })
}

/// What `hearing` was given.
pub struct Hearing {
    pub intended: String,
    pub due: Option<NaiveDate>,
    pub message: String,
    pub letter_out: Option<PathBuf>,
}

/// `hearing`: the answer deadline defaults to the law's answer period; a day that is
/// not a working day is refused with the next one named, since the caseworker typed
/// it. With `--letter-out`, the hearing letter is saved once the hearing is queued.
pub async fn hearing(
    desk: &Desk,
    printer: &Printer,
    case: &str,
    hearing: Hearing,
) -> anyhow::Result<OutboxEntry> {
    let answer_due = match hearing.due {
        Some(due) => due,
        None => desk
            .case(case)
            .await?
            .law
            .and_then(|law| law.default_answer_due)
            .context("die Leistung ist nicht im lokalen Bestand; bitte --due angeben oder synchronisieren")?,
    };
    let draft = HearingDraft {
        intended: hearing.intended,
        answer_due,
        message: hearing.message,
    };
    let entry = desk.start_hearing(case, &draft).await?;
    if let Some(out) = &hearing.letter_out {
        let pdf = desk
            .render_letter(case, &LetterRequest::new(LetterKind::Hearing))
            .await?;
        write(out, &pdf)?;
        // With --json the queued command is the one document printed.
        if !printer.json {
            printer.line(&format!(
                "Anhörungsschreiben zu {case} gespeichert in {} ({} Bytes)",
                out.display(),
                pdf.len()
            ));
        }
    }
    Ok(entry)
}

/// `letter render`: a letter of the case, rendered offline, into a file.
pub async fn save_letter(desk: &Desk, printer: &Printer, args: RenderArgs) -> anyhow::Result<()> {
    let kind = match args.outcome {
        Some(outcome) => LetterKind::Decision(outcome.outcome()),
        None if args.items_request => LetterKind::ItemsRequest,
        None if args.hearing => LetterKind::Hearing,
        None if args.fee_notice => LetterKind::FeeNotice,
        None if args.tax_notice => LetterKind::TaxNotice,
        None => anyhow::bail!(
            "--outcome, --items-request, --hearing, --fee-notice oder --tax-notice angeben"
        ),
    };
    let mut request = LetterRequest::new(kind);
    request.reasons = args.reasons;
    if let Some(channel) = args.channel {
        request.channel = channel.channel();
    }
    let pdf = desk.render_letter(&args.case, &request).await?;
    write(&args.out, &pdf)?;
    printer.line(&format!(
        "Brief zu {} gespeichert in {} ({} Bytes)",
        args.case,
        args.out.display(),
        pdf.len()
    ));
    Ok(())
}

fn write(out: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(out, bytes).with_context(|| format!("cannot write {}", out.display()))
}
