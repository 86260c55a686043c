//! Output for people (German, aligned columns, dates as dd.mm.yyyy) or for scripts
//! (`--json`: one JSON document per command on stdout; errors as `{code, message}` on
//! stderr).

use anyhow::Context;
use casedesk_client::{
    CaseDetail, Change, ClientError, Connection, DeliveryView, InboxRow, OutboxEntry, OutboxState,
    SyncReport, SyncStatus,
};
use casedesk_domain::CaseAggregate;
use casedesk_domain::aggregate::{DocumentMeta, RequestPurpose, Verdict};
use casedesk_domain::delivery::DeliveryChannel;
use casedesk_domain::wire::UserInfo;
use chrono::{DateTime, Local, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;

pub struct Printer {
    pub json: bool,
}

fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

fn time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%d.%m.%Y %H:%M").to_string()
}

/// Cuts `text` to `width` characters for a column.
fn cell(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        format!("{text:<width$}")
    } else {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

impl Printer {
    fn json_out(&self, value: &impl Serialize) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => println!("{text}"),
            Err(error) => eprintln!("Fehler: {error}"),
        }
    }

    pub fn error(&self, error: &anyhow::Error) {
        let (code, message) = match error.downcast_ref::<ClientError>() {
            Some(client) => (client.code().as_str(), client.to_string()),
            None => ("error", format!("{error:#}")),
        };
        if self.json {
            eprintln!("{}", json!({"code": code, "message": message}));
        } else {
            eprintln!("Fehler: {message}");
        }
    }

    pub fn line(&self, text: &str) {
        if self.json {
            self.json_out(&json!({"message": text}));
        } else {
            println!("{text}");
        }
    }

    pub fn logged_in(&self, me: &UserInfo) {
        if self.json {
            return self.json_out(me);
        }
        let offices: Vec<String> = me
            .offices
            .iter()
            .map(|o| format!("{} ({})", o.name, o.code))
            .collect();
        println!(
            "Angemeldet als {} ({}, {}): {}",
            me.display_name,
            me.name,
            me.role.german(),
            offices.join(", ")
        );
    }

    pub fn synced(&self, report: &SyncReport, fetched: usize, status: &SyncStatus) {
        if self.json {
            return self.json_out(&json!({
                "report": report, "documents_fetched": fetched, "status": status,
            }));
        }
        if report.bootstrapped > 0 {
            println!("Erstabgleich: {} Vorgänge geladen", report.bootstrapped);
        }
        println!(
            "Synchronisiert bis Position {}: {} Vorgänge aktualisiert, {} Befehle gesendet ({} abgelehnt), {} Dokumente geladen",
            report.cursor, report.changed, report.sent, report.rejected, fetched
        );
        self.status(status);
    }

    pub fn status(&self, status: &SyncStatus) {
        if self.json {
            return self.json_out(status);
        }
        let connection = match &status.connection {
            Connection::Idle => "bereit".to_owned(),
            Connection::Online => "online".to_owned(),
            Connection::Bootstrapping { received, total } => {
                format!("Erstabgleich {received} von {total}")
            }
            Connection::Offline { since, reason } => {
                format!("offline seit {} ({reason})", time(*since))
            }
            Connection::LoginRequired => "Anmeldung erforderlich".to_owned(),
        };
        let last = status
            .last_sync
            .map(time)
            .unwrap_or_else(|| "noch nie".to_owned());
        println!(
            "Verbindung: {connection}; letzte Synchronisierung: {last}; ausstehend: {}; abgelehnt: {}",
            status.pending, status.rejected
        );
    }

    pub fn inbox(&self, rows: &[InboxRow], total: i64) {
        if self.json {
            return self.json_out(&json!({"total": total, "cases": rows}));
        }
        let today = casedesk_domain::deadline::local_date(Utc::now());
        println!(
            "{:<20} {:<17} {:<28} {:<10} {:<20} Hinweis",
            "Aktenzeichen", "Status", "Antragsteller", "Frist", "Zuständig"
        );
        for row in rows {
            let mut flags = Vec::new();
            if row.status.is_open() && row.due_date < today {
                flags.push("überfällig".to_owned());
            }
            if row.answered {
                flags.push("Antwort eingegangen".to_owned());
            }
            if row.pending > 0 {
                flags.push(format!("{} ausstehend", row.pending));
            }
            if row.rejected > 0 {
                flags.push(format!("{} abgelehnt", row.rejected));
            }
            println!(
                "{} {} {} {} {} {}",
                cell(&row.aktenzeichen, 20),
                cell(row.status.german(), 17),
                cell(&row.applicant_name, 28),
                cell(&date(row.due_date), 10),
                cell(row.assignee_name.as_deref().unwrap_or("–"), 20),
                flags.join(", ")
            );
        }
        println!("{} von {total} Vorgängen", rows.len());
    }

    pub fn case(&self, detail: &CaseDetail) {
        if self.json {
            return self.json_out(detail);
        }
        let case = &detail.case;
        let service = detail
            .service
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| case.service_id.clone());
        println!("{} – {service}", case.aktenzeichen);
        println!(
            "Status: {}; zuständig: {}; Frist: {}; Eingang: {}; Version {}",
            case.status.german(),
            case.assignee_name.as_deref().unwrap_or("niemand"),
            date(case.due_date),
            time(case.received_at),
            case.version
        );
        let a = &case.applicant;
        println!(
            "Antragsteller: {}, {}, {} {}, {}",
            a.full_name(),
            a.street,
            a.postal_code,
            a.city,
            a.email
        );
        print_form(detail);
        print_documents(case);
        print_threads(case);
        print_decision(detail);
        println!("Verlauf:");
        for entry in &case.history {
            println!(
                "  {} {}: {}",
                time(entry.at),
                actor_name(&entry.actor),
                entry.event.name()
            );
        }
        if !detail.outbox.is_empty() {
            println!("Eigene Änderungen:");
            for entry in &detail.outbox {
                println!("  {}", outbox_line(entry));
            }
        }
    }

    pub fn queued(
        &self,
        entry: &OutboxEntry,
        sent: &Result<SyncReport, ClientError>,
        now: Option<&OutboxEntry>,
    ) {
        let state = match (sent, now) {
            (_, Some(now)) if now.state == OutboxState::Rejected => "abgelehnt",
            (Err(e), _) if e.is_offline() => "offline – in der Warteschlange",
            (Err(_), _) => "nicht gesendet – in der Warteschlange",
            (Ok(_), Some(_)) => "in der Warteschlange",
            (Ok(_), None) => "gesendet",
        };
        if self.json {
            return self.json_out(&json!({
                "command": entry,
                "state": now.map(|n| n.state).unwrap_or(OutboxState::Applied),
                "send_error": sent.as_ref().err().map(ClientError::payload),
            }));
        }
        println!(
            "{} {}: {state}",
            entry.aktenzeichen,
            entry.command.kind.german()
        );
        if let Some(now) = now
            && now.state == OutboxState::Rejected
        {
            println!(
                "  Grund: {}",
                now.rejection_message.as_deref().unwrap_or("")
            );
        }
        if let Err(error) = sent
            && !error.is_offline()
        {
            println!("  {error}");
        }
    }

    pub fn outbox(&self, entries: &[OutboxEntry]) {
        if self.json {
            return self.json_out(&entries);
        }
        if entries.is_empty() {
            println!("Keine ausstehenden oder abgelehnten Änderungen.");
        }
        for entry in entries {
            println!("{}", outbox_line(entry));
        }
    }

    pub fn discarded(&self, entry: &OutboxEntry) {
        if self.json {
            return self.json_out(entry);
        }
        println!(
            "{} {}: verworfen",
            entry.aktenzeichen,
            entry.command.kind.german()
        );
    }

    pub fn change(&self, change: &Change) {
        if self.json {
            return match serde_json::to_string(change) {
                Ok(line) => println!("{line}"),
                Err(error) => eprintln!("Fehler: {error}"),
            };
        }
        match change {
            Change::SyncStatus(status) => self.status(status),
            Change::CommandRejected {
                aktenzeichen,
                message,
                ..
            } => println!("{aktenzeichen}: Änderung abgelehnt – {message}"),
            Change::CaseChanged { case_ids } if !case_ids.is_empty() => {
                println!("{} Vorgänge aktualisiert", case_ids.len());
            }
            Change::CaseChanged { .. } | Change::InboxChanged => {}
        }
    }
}

fn outbox_line(entry: &OutboxEntry) -> String {
    let state = match entry.state {
        OutboxState::Pending if entry.attempts > 0 => format!(
            "ausstehend ({} Fehlversuche: {})",
            entry.attempts,
            entry.last_error.as_deref().unwrap_or("")
        ),
        OutboxState::Pending => "ausstehend".to_owned(),
        OutboxState::Applied => "übernommen".to_owned(),
        OutboxState::Rejected => format!(
            "abgelehnt: {}",
            entry.rejection_message.as_deref().unwrap_or("")
        ),
    };
    format!(
        "{}  {}  {}  {}  {state}",
        entry.command_id,
        time(entry.created_at),
        entry.aktenzeichen,
        entry.command.kind.german()
    )
}

fn actor_name(actor: &casedesk_domain::ActorRef) -> String {
    match actor {
        casedesk_domain::ActorRef::Staff { name, .. } => name.clone(),
        casedesk_domain::ActorRef::Citizen { name, .. } => format!("{name} (Bürger)"),
        casedesk_domain::ActorRef::System => "System".to_owned(),
    }
}

fn form_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(true) => "ja".to_owned(),
        serde_json::Value::Bool(false) => "nein".to_owned(),
        other => other.to_string(),
    }
}

/// A document of the case by id, file name or number in `show`.
pub fn find_document<'a>(case: &'a CaseAggregate, key: &str) -> anyhow::Result<&'a DocumentMeta> {
    if let Ok(n) = key.parse::<usize>()
        && n >= 1
        && n <= case.documents.len()
    {
        return Ok(&case.documents[n - 1]);
    }
    case.documents
        .iter()
        .find(|d| d.id.to_string() == key || d.file_name == key || d.sha256 == key)
        .with_context(|| format!("{} hat kein Dokument {key}", case.aktenzeichen))
}

/// The form data, labelled by the service's fields where the service is known.
fn print_form(detail: &CaseDetail) {
    println!("Angaben:");
    match &detail.service {
        Some(service) => {
            for field in &service.fields {
                if let Some(value) = detail.case.form_data.get(&field.key) {
                    println!("  {}: {}", field.label, form_value(value));
                }
            }
        }
        None => {
            for (key, value) in &detail.case.form_data {
                println!("  {key}: {}", form_value(value));
            }
        }
    }
}

/// The documents with their review.
fn print_documents(case: &CaseAggregate) {
    println!("Dokumente:");
    for (i, document) in case.documents.iter().enumerate() {
        let review = match &document.review {
            Some(r) if r.verdict == Verdict::Accepted => r.verdict.german().to_owned(),
            Some(r) => format!(
                "{}: {}",
                r.verdict.german(),
                r.reason.as_deref().unwrap_or("ohne Begründung")
            ),
            None => "Ungeprüft".to_owned(),
        };
        println!(
            "  {}. {} ({}, {} Bytes) – {review}",
            i + 1,
            document.file_name,
            document.media_type,
            document.size
        );
    }
}

/// Requests for items, messages, notes and the decision, where there are any.
fn print_threads(case: &CaseAggregate) {
    if !case.requests.is_empty() {
        println!("Nachforderungen und Anhörungen:");
        for request in &case.requests {
            let what = match request.purpose {
                RequestPurpose::Items => request
                    .items
                    .iter()
                    .map(|i| i.description.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                RequestPurpose::Hearing => request.reason.clone(),
            };
            println!(
                "  {} {} bis {}: {what} ({})",
                request.purpose.german(),
                time(request.requested_at),
                date(request.answer_due),
                request.status.german()
            );
        }
    }
    if !case.messages.is_empty() {
        println!("Nachrichten:");
        for message in &case.messages {
            println!(
                "  {} {}: {}",
                time(message.at),
                message.author,
                message.text
            );
        }
    }
    if !case.notes.is_empty() {
        println!("Notizen:");
        for note in &case.notes {
            println!("  {} {}: {}", time(note.at), note.author, note.text);
        }
    }
}

/// The decision, the notices after it and where each one's delivery stands, with the
/// period that follows the announcement named by the law ("Klagefrist" or
/// "Widerspruchsfrist").
fn print_decision(detail: &CaseDetail) {
    let case = &detail.case;
    let Some(decision) = &case.decision else {
        return;
    };
    println!(
        "Bescheid: {} am {}; Gebühr {}",
        decision.outcome.german(),
        time(decision.decided_at),
        euro(decision.fee_cents)
    );
    if let Some(reasons) = &decision.reasons {
        println!("  Begründung: {reasons}");
    }
    let Some(law) = &detail.law else {
        println!(
            "  Bescheid: {}; {}",
            decision.delivery.channel.german(),
            decision.delivery.state().german()
        );
        return;
    };
    for view in &law.deliveries {
        let title = match view.kind {
            None => "Bescheid".to_owned(),
            Some(kind) => {
                let amount = view
                    .notice_id
                    .and_then(|id| case.notices.iter().find(|n| n.id == id))
                    .map(|n| format!(" über {}", euro(n.amount_cents)))
                    .unwrap_or_default();
                format!("{}{amount}", kind.german())
            }
        };
        println!("  {}", delivery_line(&title, view));
    }
}

/// One delivery: channel, state and, once announced, the dates that follow.
fn delivery_line(title: &str, view: &DeliveryView) -> String {
    let delivery = &view.delivery;
    let mut parts = vec![
        format!("{title}: {}", delivery.channel.german()),
        view.state.german().to_owned(),
    ];
    if let Some(on) = delivery.dispatched_on {
        let what = match delivery.channel {
            DeliveryChannel::Zustellung => "zugestellt am",
            _ => "zur Post gegeben am",
        };
        parts.push(format!("{what} {}", date(on)));
    }
    if let Some(retrieved) = delivery.retrieved_at {
        parts.push(format!("abgerufen am {}", time(retrieved)));
    }
    if let Some(until) = view.retrievable_until {
        parts.push(format!("abrufbar bis {}", date(until)));
    }
    if let Some(dates) = &delivery.dates {
        parts.push(format!("Bekanntgabe {}", date(dates.announced)));
        parts.push(format!(
            "{} bis {}",
            view.remedy.period_german(),
            date(dates.remedy_deadline)
        ));
        // The fee part may be announced on another day and challenged another way.
        if let Some(fee_announced) = dates.fee_announced {
            parts.push(format!("Bekanntgabe der Gebühr {}", date(fee_announced)));
        }
        if view.fee_remedy.is_some() || dates.fee_remedy_deadline.is_some() {
            parts.push(format!(
                "{} (Gebühr) bis {}",
                view.fee_remedy.unwrap_or(view.remedy).period_german(),
                date(dates.fee_remedy_deadline.unwrap_or(dates.remedy_deadline))
            ));
        }
        if let Some(due) = dates.fee_due {
            parts.push(format!("Gebühr fällig am {}", date(due)));
        }
    }
    parts.join("; ")
}

/// Cents as German euros: "1.234,50 €".
fn euro(cents: i64) -> String {
    let euros = (cents / 100).abs().to_string();
    let mut grouped = String::new();
    for (i, c) in euros.chars().enumerate() {
        if i > 0 && (euros.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{grouped},{:02} €", (cents % 100).abs())
}
