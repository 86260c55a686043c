//! The TypeScript bindings of the IPC boundary, generated from the Rust types and the
//! command table into `ui/src/generated/bindings.ts`, with the domain's German labels
//! as tables keyed by the wire names, so the UI and the CLI share one vocabulary.
//!
//! The file is committed; the test `bindings_are_current` fails when regenerating it
//! would change it. Regenerate with
//! `UPDATE_BINDINGS=1 cargo test -p casedesk-desktop bindings_are_current`.

use std::path::{Path, PathBuf};

use casedesk_domain::aggregate::{
    NoticeKind, PaymentStatus, Priority, RequestPurpose, RequestStatus, Verdict,
};
use casedesk_domain::command::CommandKind;
use casedesk_domain::delivery::{DeliveryChannel, DeliveryState};
use casedesk_domain::law::Remedy;
use casedesk_domain::lifecycle::{CaseStatus, Outcome, Role};
use serde::Serialize;
use ts_rs::{Config, TS};
use uuid::Uuid;

use crate::commands::{self, SessionInfo};

/// The Tauri event that carries the engine's change feed (payload: `Change`).
pub const CHANGE_EVENT: &str = "desk:change";
/// The URI scheme that serves verified document bytes from the local cache.
pub const DOCUMENT_PROTOCOL: &str = "casedesk-doc";

/// Every 64-bit integer that crosses the boundary (counts, cents, sequence numbers,
/// versions) stays far below 2^53, so plain `number` is exact and simpler than bigint.
pub fn ts_config() -> Config {
    Config::new().with_large_int("number")
}

/// Where the generated file lives in the repository.
pub fn bindings_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/generated/bindings.ts")
}

/// Exports `T` and everything it refers to into `dir`, one file per type.
fn export<T: TS + 'static>(cfg: &Config) -> std::io::Result<()> {
    T::export_all(cfg).map_err(std::io::Error::other)
}

/// The complete bindings file.
pub fn generate() -> std::io::Result<String> {
    let scratch = tempfile_dir()?;
    let cfg = ts_config().with_out_dir(&scratch);
    // The roots: every command's arguments and result, and the event payload. Their
    // dependencies are exported with them.
    export::<SessionInfo>(&cfg)?;
    export::<commands::BatchItem>(&cfg)?;
    export::<casedesk_domain::Outcome>(&cfg)?;
    export::<casedesk_client::Change>(&cfg)?;
    export::<casedesk_client::ErrorPayload>(&cfg)?;
    export::<casedesk_client::InboxFilter>(&cfg)?;
    export::<casedesk_client::InboxSort>(&cfg)?;
    export::<casedesk_client::InboxRow>(&cfg)?;
    export::<casedesk_client::CaseDetail>(&cfg)?;
    export::<casedesk_client::OutboxEntry>(&cfg)?;
    export::<casedesk_domain::command::CommandKind>(&cfg)?;
    export::<casedesk_domain::wire::ServiceDefinition>(&cfg)?;
    export::<casedesk_domain::wire::UserInfo>(&cfg)?;
    export::<casedesk_client::DecisionDraft>(&cfg)?;
    export::<casedesk_client::HearingDraft>(&cfg)?;
    export::<casedesk_client::ItemsRequestDraft>(&cfg)?;
    export::<casedesk_client::NoticeDraft>(&cfg)?;
    export::<casedesk_client::AnswerDeadline>(&cfg)?;

    let mut declarations = Vec::new();
    collect(&scratch, &mut declarations)?;
    std::fs::remove_dir_all(&scratch)?;
    declarations.sort();

    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p casedesk-desktop bindings_are_current\n\n\
         import { invoke } from \"@tauri-apps/api/core\";\n\n",
    );
    for (_, declaration) in &declarations {
        out.push_str(declaration);
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "/** The Tauri event carrying the engine's change feed; payload: `Change`. */\n\
         export const CHANGE_EVENT = \"{CHANGE_EVENT}\";\n\n\
         /** The URI scheme serving verified document bytes: `convertFileSrc(sha256, DOCUMENT_PROTOCOL)`. */\n\
         export const DOCUMENT_PROTOCOL = \"{DOCUMENT_PROTOCOL}\";\n\n\
         /** The app's commands. A failed call rejects with an `ErrorPayload`. */\n\
         export const commands = {{\n"
    ));
    for command in commands::signatures() {
        out.push_str(&doc_block(command.doc, "  "));
        let params: Vec<String> = command
            .args
            .iter()
            .map(|(name, ty)| format!("{name}: {ty}"))
            .collect();
        let names: Vec<&str> = command.args.iter().map(|(name, _)| *name).collect();
        let payload = if names.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", names.join(", "))
        };
        out.push_str(&format!(
            "  {name}({params}): Promise<{result}> {{\n    return invoke<{result}>(\"{name}\"{payload});\n  }},\n",
            name = command.name,
            params = params.join(", "),
            result = command.result,
        ));
    }
    out.push_str("};\n");
    out.push_str(&label_tables());
    Ok(out)
}

/// One `/** … */` block for a doc comment (`#[doc]` lines keep their leading space).
fn doc_block(doc: &str, indent: &str) -> String {
    let lines: Vec<&str> = doc.lines().map(str::trim).collect();
    match lines.as_slice() {
        [] => String::new(),
        [line] => format!("{indent}/** {line} */\n"),
        lines => {
            let mut block = format!("{indent}/**\n");
            for line in lines {
                block.push_str(&format!("{indent} * {line}\n").replace(" * \n", " *\n"));
            }
            block.push_str(&format!("{indent} */\n"));
            block
        }
    }
}

/// The German labels of the domain's enums, each a `Record` over the generated type
/// so that TypeScript refuses a table that misses a variant.
fn label_tables() -> String {
    let mut out = String::new();
    let mut table = |name: &str, ty: &str, source: &str, rows: Vec<(String, &str)>| {
        out.push_str(&format!(
            "\n/** German labels of `{ty}`, from `{source}`. */\nexport const {name}: Record<{ty}, string> = {{\n"
        ));
        for (key, label) in rows {
            let label = serde_json::to_string(label).expect("a string serialises");
            out.push_str(&format!("  {key}: {label},\n"));
        }
        out.push_str("};\n");
    };
    fn rows<T: Serialize + Copy>(
        all: &[T],
        german: fn(T) -> &'static str,
    ) -> Vec<(String, &'static str)> {
        all.iter().map(|&v| (wire_name(&v), german(v))).collect()
    }
    let outcomes = [
        Outcome::Approved,
        Outcome::Rejected,
        Outcome::Partial,
        Outcome::Receipted,
    ];
    table(
        "CASE_STATUS_LABELS",
        "CaseStatus",
        "CaseStatus::german",
        rows(&CaseStatus::ALL, CaseStatus::german),
    );
    table(
        "OUTCOME_LABELS",
        "Outcome",
        "Outcome::german",
        rows(&outcomes, Outcome::german),
    );
    table(
        "BESCHEID_LABELS",
        "Outcome",
        "Outcome::bescheid_german",
        rows(&outcomes, Outcome::bescheid_german),
    );
    table(
        "PRIORITY_LABELS",
        "Priority",
        "Priority::german",
        rows(
            &[
                Priority::Low,
                Priority::Normal,
                Priority::High,
                Priority::Urgent,
            ],
            Priority::german,
        ),
    );
    table(
        "VERDICT_LABELS",
        "Verdict",
        "Verdict::german",
        rows(&[Verdict::Accepted, Verdict::Rejected], Verdict::german),
    );
    table(
        "REQUEST_STATUS_LABELS",
        "RequestStatus",
        "RequestStatus::german",
        rows(
            &[
                RequestStatus::Open,
                RequestStatus::Answered,
                RequestStatus::Expired,
                RequestStatus::Withdrawn,
            ],
            RequestStatus::german,
        ),
    );
    table(
        "PAYMENT_STATUS_LABELS",
        "PaymentStatus",
        "PaymentStatus::german",
        rows(
            &[
                PaymentStatus::Open,
                PaymentStatus::Paid,
                PaymentStatus::Failed,
            ],
            PaymentStatus::german,
        ),
    );
    table(
        "ROLE_LABELS",
        "Role",
        "Role::german",
        rows(
            &[Role::Caseworker, Role::TeamLead, Role::Admin],
            Role::german,
        ),
    );
    table(
        "REQUEST_PURPOSE_LABELS",
        "RequestPurpose",
        "RequestPurpose::german",
        rows(
            &[RequestPurpose::Items, RequestPurpose::Hearing],
            RequestPurpose::german,
        ),
    );
    table(
        "NOTICE_KIND_LABELS",
        "NoticeKind",
        "NoticeKind::german",
        rows(&[NoticeKind::Fee, NoticeKind::Tax], NoticeKind::german),
    );
    table(
        "DELIVERY_CHANNEL_LABELS",
        "DeliveryChannel",
        "DeliveryChannel::german",
        rows(
            &[
                DeliveryChannel::Post,
                DeliveryChannel::Portal,
                DeliveryChannel::Zustellung,
            ],
            DeliveryChannel::german,
        ),
    );
    table(
        "DELIVERY_STATE_LABELS",
        "DeliveryState",
        "DeliveryState::german",
        rows(
            &[
                DeliveryState::AwaitingDispatch,
                DeliveryState::AwaitingRetrieval,
                DeliveryState::RetrievalLapsed,
                DeliveryState::Announced,
            ],
            DeliveryState::german,
        ),
    );
    table(
        "REMEDY_LABELS",
        "Remedy",
        "Remedy::german",
        rows(&[Remedy::Klage, Remedy::Widerspruch], Remedy::german),
    );
    table(
        "REMEDY_PERIOD_LABELS",
        "Remedy",
        "Remedy::period_german",
        rows(&[Remedy::Klage, Remedy::Widerspruch], Remedy::period_german),
    );
    table(
        "COMMAND_KIND_LABELS",
        "CommandKind[\"kind\"]",
        "CommandKind::german",
        every_command_kind()
            .iter()
            .map(|kind| (kind.name().to_owned(), kind.german()))
            .collect(),
    );
    out
}

/// The serde name of a unit variant, as TypeScript sees it.
fn wire_name(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        other => panic!("not a unit variant: {other:?}"),
    }
}

/// One command of every kind; only the kind matters. A kind missing here leaves its
/// key out of `COMMAND_KIND_LABELS`, which TypeScript then refuses.
fn every_command_kind() -> Vec<CommandKind> {
    let id = Uuid::nil();
    let day = chrono::NaiveDate::default();
    vec![
        CommandKind::Claim,
        CommandKind::Release,
        CommandKind::Assign { assignee: id },
        CommandKind::SetStatus {
            status: CaseStatus::InReview,
            reason: None,
        },
        CommandKind::AddNote {
            text: String::new(),
        },
        CommandKind::ReviewDocument {
            document_id: id,
            verdict: Verdict::Accepted,
            reason: None,
        },
        CommandKind::RequestItems {
            items: Vec::new(),
            reason: String::new(),
            answer_due: day,
            message: String::new(),
            letter_sha256: None,
        },
        CommandKind::StartHearing {
            intended: String::new(),
            answer_due: day,
            message: String::new(),
            letter_sha256: None,
        },
        CommandKind::SendMessage {
            text: String::new(),
        },
        CommandKind::ExtendRequest {
            request_id: id,
            answer_due: day,
        },
        CommandKind::WithdrawRequest {
            request_id: id,
            reason: String::new(),
        },
        CommandKind::AcceptAnswer { request_id: id },
        CommandKind::RecordDecision {
            outcome: Outcome::Approved,
            letter_sha256: None,
            fee_cents: 0,
            reasons: None,
            channel: DeliveryChannel::Post,
        },
        CommandKind::IssueNotice {
            kind: NoticeKind::Fee,
            letter_sha256: None,
            amount_cents: 0,
            channel: DeliveryChannel::Post,
        },
        CommandKind::RecordDispatch {
            notice_id: None,
            channel: DeliveryChannel::Post,
            on: day,
        },
        CommandKind::SetPriority {
            priority: Priority::Normal,
        },
        CommandKind::SetDueDate {
            due_date: day,
            reason: String::new(),
        },
        CommandKind::TransferOffice { office_id: id },
        CommandKind::Withdraw { reason: None },
        CommandKind::AnswerRequest {
            request_id: id,
            documents: Vec::new(),
            message: None,
            items: Vec::new(),
        },
        CommandKind::CitizenMessage {
            text: String::new(),
        },
        CommandKind::ExpireRequest { request_id: id },
        CommandKind::RecordRetrieval { notice_id: None },
        CommandKind::LapseRetrieval { notice_id: None },
        CommandKind::RecordPayment {
            status: PaymentStatus::Open,
        },
    ]
}

/// Reads the exported files, keeping only the declarations: the per-file imports are
/// unnecessary once everything lives in one module.
fn collect(dir: &Path, out: &mut Vec<(String, String)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        let body: Vec<&str> = text
            .lines()
            .filter(|line| {
                !line.starts_with("import ") && !line.starts_with("// This file was generated")
            })
            .collect();
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        out.push((name, body.join("\n").trim().to_owned()));
    }
    Ok(())
}

fn tempfile_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "casedesk-bindings-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4()
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails when the committed bindings differ from what the Rust types generate.
    #[test]
    fn bindings_are_current() {
        let generated = generate().expect("generate bindings");
        let path = bindings_path();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is out of date; regenerate it with \
             `UPDATE_BINDINGS=1 cargo test -p casedesk-desktop bindings_are_current`",
            path.display()
        );
    }
}
