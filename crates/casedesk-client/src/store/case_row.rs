//! One case as the inbox sees it: the indexed columns of `cases` and the text of the
//! full-text index, read from an aggregate's JSON.
//!
//! A bootstrap reads a hundred thousand aggregates, so the columns are read through a
//! borrowing serde view (`IndexView`) that skips documents, requests, messages and
//! most of the history, and never builds a whole `CaseAggregate`.

use std::borrow::Cow;

use casedesk_domain::lifecycle::CaseStatus;
use serde::Deserialize;

use crate::error::Result;

/// The part of an aggregate the inbox indexes, read straight from its JSON without
/// building the whole aggregate (documents, requests, messages and most of the history
/// are skipped by the parser).
#[derive(Deserialize)]
struct IndexView<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    aktenzeichen: Cow<'a, str>,
    #[serde(borrow)]
    office_id: Cow<'a, str>,
    #[serde(borrow)]
    service_id: Cow<'a, str>,
    #[serde(borrow)]
    status: Cow<'a, str>,
    #[serde(default, borrow)]
    assignee: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    assignee_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    priority: Cow<'a, str>,
    version: i64,
    seq: i64,
    #[serde(borrow)]
    received_at: Cow<'a, str>,
    #[serde(borrow)]
    due_date: Cow<'a, str>,
    #[serde(borrow)]
    applicant: ApplicantView<'a>,
    #[serde(default)]
    form_data: serde_json::Map<String, serde_json::Value>,
    #[serde(default, borrow)]
    notes: Vec<TextView<'a>>,
    #[serde(default, borrow)]
    history: Vec<HistoryView<'a>>,
}

#[derive(Deserialize)]
struct ApplicantView<'a> {
    #[serde(borrow)]
    given_name: Cow<'a, str>,
    #[serde(borrow)]
    family_name: Cow<'a, str>,
    #[serde(borrow)]
    street: Cow<'a, str>,
    #[serde(borrow)]
    postal_code: Cow<'a, str>,
    #[serde(borrow)]
    city: Cow<'a, str>,
}

#[derive(Deserialize)]
struct TextView<'a> {
    #[serde(borrow)]
    text: Cow<'a, str>,
}

#[derive(Deserialize)]
struct HistoryView<'a> {
    #[serde(borrow)]
    actor: ActorView<'a>,
}

#[derive(Deserialize)]
struct ActorView<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
}

/// The indexed columns and search text of one case.
#[derive(Debug, Clone)]
pub(crate) struct CaseRow {
    pub id: String,
    pub aktenzeichen: String,
    pub office_id: String,
    pub service_id: String,
    pub status: String,
    pub open: bool,
    pub assignee: Option<String>,
    pub assignee_name: Option<String>,
    pub priority: String,
    pub version: i64,
    pub seq: i64,
    pub received_at: String,
    pub due_date: String,
    pub applicant_sort: String,
    pub applicant_name: String,
    /// The citizen acted last (answered a request, wrote) on an open case.
    pub answered: bool,
    pub search_applicant: String,
    pub search_address: String,
    pub search_form: String,
    pub search_notes: String,
}

impl CaseRow {
    pub fn from_json(json: &str) -> Result<Self> {
        let view: IndexView<'_> = serde_json::from_str(json)?;
        let open = CaseStatus::parse(&view.status).is_some_and(CaseStatus::is_open);
        let answered = open
            && view
                .history
                .last()
                .is_some_and(|entry| entry.actor.kind == "citizen");
        let applicant = &view.applicant;
        let mut form = String::new();
        for value in view.form_data.values() {
            match value {
                serde_json::Value::String(s) => push_word(&mut form, s),
                serde_json::Value::Number(n) => push_word(&mut form, &n.to_string()),
                _ => {}
            }
        }
        let mut notes = String::new();
        for note in &view.notes {
            push_word(&mut notes, &note.text);
        }
        Ok(CaseRow {
            id: view.id.into_owned(),
            aktenzeichen: view.aktenzeichen.to_string(),
            office_id: view.office_id.into_owned(),
            service_id: view.service_id.into_owned(),
            status: view.status.into_owned(),
            open,
            assignee: view.assignee.map(Cow::into_owned),
            assignee_name: view.assignee_name.map(Cow::into_owned),
            priority: view.priority.into_owned(),
            version: view.version,
            seq: view.seq,
            received_at: view.received_at.into_owned(),
            due_date: view.due_date.into_owned(),
            applicant_sort: format!("{} {}", applicant.family_name, applicant.given_name)
                .to_lowercase(),
            applicant_name: format!("{} {}", applicant.given_name, applicant.family_name),
            answered,
            search_applicant: format!("{} {}", applicant.given_name, applicant.family_name),
            search_address: format!(
                "{} {} {}",
                applicant.street, applicant.postal_code, applicant.city
            ),
            search_form: form,
            search_notes: notes,
        })
    }
}

fn push_word(buffer: &mut String, text: &str) {
    if !buffer.is_empty() {
        buffer.push(' ');
    }
    buffer.push_str(text);
}
