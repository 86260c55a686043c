//! The queries the UI needs: the inbox with filters and sort, full-text search, and
//! one case with everything it holds. All read the effective (local) state.

use casedesk_domain::CaseAggregate;
use casedesk_domain::aggregate::{Priority, RequestedItem};
use casedesk_domain::lifecycle::{ActorRef, CaseStatus};
use casedesk_domain::offer::OfferedActions;
use casedesk_domain::wire::ServiceDefinition;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite};
use uuid::Uuid;

use crate::case_law::CaseLaw;
use crate::error::{ClientError, Result};
use crate::outbox::OutboxEntry;
use crate::store::{LocalStore, parse_uuid};

/// Whose cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    Me,
    Unassigned,
    User {
        id: Uuid,
    },
}

/// Deadline filters; both only consider open cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DueFilter {
    /// The due date has passed.
    Overdue,
    /// Due today or within the next `days` days (overdue ones included).
    Within { days: u32 },
}

/// Cases with commands in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OutboxFilter {
    Pending,
    Rejected,
    /// Pending or rejected.
    Any,
}

/// Which statuses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum StatusFilter {
    /// Every status.
    #[default]
    Any,
    /// The open ones ([`CaseStatus::is_open`]), served by the `open` indexes.
    Open,
    /// Exactly these; none matches nothing.
    Only { statuses: Vec<CaseStatus> },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InboxFilter {
    pub status: StatusFilter,
    pub service: Option<String>,
    pub assignee: AssigneeFilter,
    pub office: Option<Uuid>,
    pub due: Option<DueFilter>,
    pub outbox: Option<OutboxFilter>,
    /// Only cases where the citizen acted last ("Antwort eingegangen").
    pub answered: bool,
    /// Full-text search over Aktenzeichen, applicant, address, form data and notes.
    pub text: Option<String>,
}

impl InboxFilter {
    /// Open cases only.
    pub fn open() -> Self {
        Self {
            status: StatusFilter::Open,
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SortKey {
    #[default]
    Due,
    Received,
    Aktenzeichen,
    Applicant,
    /// Best full-text match first; without search text the same as `Due`.
    Relevance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InboxSort {
    pub key: SortKey,
    pub descending: bool,
}

/// One line of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InboxRow {
    pub case_id: Uuid,
    pub aktenzeichen: String,
    pub service_id: String,
    pub office_id: Uuid,
    pub status: CaseStatus,
    pub assignee: Option<Uuid>,
    pub assignee_name: Option<String>,
    pub priority: Priority,
    pub received_at: DateTime<Utc>,
    pub due_date: NaiveDate,
    pub applicant_name: String,
    /// Commands of the user on this case the portal has not answered yet.
    pub pending: i64,
    /// Commands of the user on this case the portal refused.
    pub rejected: i64,
    pub answered: bool,
}

/// One case with everything the user needs to work on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseDetail {
    /// The case as the user sees it: the portal's state plus their pending commands.
    pub case: CaseAggregate,
    /// The version the portal last confirmed.
    pub server_version: i64,
    /// The user's commands on this case that are pending or were refused.
    pub outbox: Vec<OutboxEntry>,
    /// The service definition, for rendering the form data by its fields.
    pub service: Option<ServiceDefinition>,
    /// What the user is offered to do with the case as it stands (the domain's
    /// answer; the UI only draws it).
    pub actions: OfferedActions,
    /// What the service's law means for this case: outcomes, channels, remedy,
    /// deliveries. `None` while the service is not in the local store.
    pub law: Option<CaseLaw>,
    /// The German date the offer and the law were read on.
    pub today: NaiveDate,
    /// The items the user is offered to request from the citizen (missing required
    /// documents, rejected ones to replace); empty unless they may request items.
    pub request_candidates: Vec<RequestedItem>,
}

/// What the search box asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Search {
    /// An FTS5 query: every word typed, as a prefix.
    Text(String),
    /// The start of an Aktenzeichen, looked up in the Aktenzeichen index. It is the
    /// reference caseworkers type most, and the one the full-text index is slowest
    /// at: `32`, `HU` and `2026` occur in nearly every case of a series.
    Aktenzeichen(String),
}

impl Search {
    pub(crate) fn of(text: &str) -> Option<Self> {
        match casedesk_domain::aktenzeichen::prefix_of(text) {
            Some(prefix) => Some(Self::Aktenzeichen(prefix)),
            None => fts_query(text).map(Self::Text),
        }
    }
}

/// Turns what the user typed into an FTS5 query: every word must match as a prefix.
/// Quoting each word keeps FTS5 operators and punctuation in user input inert.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn push_filter(
    query: &mut QueryBuilder<'_, Sqlite>,
    filter: &InboxFilter,
    me: Uuid,
    today: NaiveDate,
) {
    query.push(" WHERE 1 = 1");
    match &filter.status {
        StatusFilter::Any => {}
        StatusFilter::Open => {
            query.push(" AND cases.open = 1");
        }
        StatusFilter::Only { statuses } if statuses.is_empty() => {
            query.push(" AND 0");
        }
        StatusFilter::Only { statuses } => {
            query.push(" AND cases.status IN (");
            let mut list = query.separated(", ");
            for status in statuses {
                list.push_bind(status.as_str());
            }
            query.push(")");
        }
    }
    if let Some(service) = &filter.service {
        query
            .push(" AND cases.service_id = ")
            .push_bind(service.clone());
    }
    match filter.assignee {
        AssigneeFilter::Anyone => {}
        AssigneeFilter::Me => {
            query
                .push(" AND cases.assignee = ")
                .push_bind(me.to_string());
        }
        AssigneeFilter::Unassigned => {
            query.push(" AND cases.assignee IS NULL");
        }
        AssigneeFilter::User { id } => {
            query
                .push(" AND cases.assignee = ")
                .push_bind(id.to_string());
        }
    }
    if let Some(office) = filter.office {
        query
            .push(" AND cases.office_id = ")
            .push_bind(office.to_string());
    }
    if let Some(due) = filter.due {
        let limit = match due {
            DueFilter::Overdue => today.pred_opt().unwrap_or(today),
            DueFilter::Within { days } => today + chrono::Days::new(u64::from(days)),
        };
        query
            .push(" AND cases.open = 1")
            .push(" AND cases.due_date <= ")
            .push_bind(limit.to_string());
    }
    match filter.outbox {
        None => {}
        Some(OutboxFilter::Pending) => {
            query.push(" AND cases.pending > 0");
        }
        Some(OutboxFilter::Rejected) => {
            query.push(" AND cases.rejected > 0");
        }
        Some(OutboxFilter::Any) => {
            query.push(" AND (cases.pending > 0 OR cases.rejected > 0)");
        }
    }
    if filter.answered {
        query.push(" AND cases.answered = 1");
    }
}

/// How the search index takes part in a query.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SearchUse {
    None,
    /// Sorted by relevance: the matches drive the query, joined to their cases.
    Ranked,
    /// Sorted by a column: the matches are one filter among others, as a set the
    /// planner builds once (`row IN (…)`), so an index on the sort column can drive.
    Filter,
}

/// `FROM cases`, joined with the search matches when sorting by relevance.
fn push_from(query: &mut QueryBuilder<'_, Sqlite>, search: Option<&Search>, usage: SearchUse) {
    match (search, usage) {
        (Some(Search::Text(fts)), SearchUse::Ranked) => {
            query
                .push(" FROM (SELECT rowid, rank FROM case_search WHERE case_search MATCH ")
                .push_bind(fts.to_owned())
                .push(") AS hit JOIN cases ON cases.row = hit.rowid");
        }
        _ => {
            query.push(" FROM cases");
        }
    }
}

/// The search filter when the matches are not joined.
fn push_search_filter(
    query: &mut QueryBuilder<'_, Sqlite>,
    search: Option<&Search>,
    usage: SearchUse,
) {
    match (search, usage) {
        (Some(Search::Text(fts)), SearchUse::Filter) => {
            query
                .push(" AND cases.row IN (SELECT rowid FROM case_search WHERE case_search MATCH ")
                .push_bind(fts.to_owned())
                .push(")");
        }
        (Some(Search::Aktenzeichen(prefix)), _) => {
            // Every Aktenzeichen starting with `prefix`: they are ASCII, so all of
            // them sort below the prefix followed by DEL.
            query
                .push(" AND cases.aktenzeichen >= ")
                .push_bind(prefix.clone())
                .push(" AND cases.aktenzeichen < ")
                .push_bind(format!("{prefix}\u{7f}"));
        }
        _ => {}
    }
}

/// Case id, local and server JSON (packed), server version.
type DetailRow = (String, Option<Vec<u8>>, Vec<u8>, i64);

type RowTuple = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    String,
    i64,
    i64,
    bool,
);

fn parse_row(row: RowTuple) -> Result<InboxRow> {
    let (
        id,
        aktenzeichen,
        service_id,
        office_id,
        status,
        assignee,
        assignee_name,
        priority,
        received_at,
        due_date,
        applicant_name,
        pending,
        rejected,
        answered,
    ) = row;
    let bad = |what: &str, value: &str| ClientError::Protocol(format!("{what}: {value}"));
    Ok(InboxRow {
        case_id: parse_uuid(&id)?,
        aktenzeichen,
        service_id,
        office_id: parse_uuid(&office_id)?,
        status: CaseStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        assignee: assignee.as_deref().map(parse_uuid).transpose()?,
        assignee_name,
        priority: serde_json::from_value(serde_json::Value::String(priority.clone()))
            .map_err(|_| bad("priority", &priority))?,
        received_at: DateTime::parse_from_rfc3339(&received_at)
            .map_err(|_| bad("received_at", &received_at))?
            .with_timezone(&Utc),
        due_date: due_date.parse().map_err(|_| bad("due_date", &due_date))?,
        applicant_name,
        pending,
        rejected,
        answered,
    })
}

impl LocalStore {
    /// One page of the inbox.
    pub async fn inbox(
        &self,
        filter: &InboxFilter,
        sort: InboxSort,
        offset: u32,
        limit: u32,
        me: Uuid,
        today: NaiveDate,
    ) -> Result<Vec<InboxRow>> {
        let search = filter.text.as_deref().and_then(Search::of);
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT cases.id, cases.aktenzeichen, cases.service_id, cases.office_id, \
             cases.status, cases.assignee, cases.assignee_name, cases.priority, \
             cases.received_at, cases.due_date, cases.applicant_name, cases.pending, \
             cases.rejected, cases.answered",
        );
        let usage = match (&search, sort.key) {
            (None, _) => SearchUse::None,
            (Some(Search::Text(_)), SortKey::Relevance) => SearchUse::Ranked,
            (Some(_), _) => SearchUse::Filter,
        };
        push_from(&mut query, search.as_ref(), usage);
        push_filter(&mut query, filter, me, today);
        push_search_filter(&mut query, search.as_ref(), usage);
        let direction = if sort.descending { "DESC" } else { "ASC" };
        let key = match (sort.key, &search) {
            // The closest matches of an Aktenzeichen prefix are the Aktenzeichen in order.
            (SortKey::Relevance, Some(Search::Aktenzeichen(_))) => SortKey::Aktenzeichen,
            (key, _) => key,
        };
        // Ties break by the local row number: stable, and for the cases of a
        // bootstrap the portal's order. Every index ends with it, so the sort
        // indexes serve these orders as they are.
        let order = match (key, usage) {
            (SortKey::Relevance, SearchUse::Ranked) => "hit.rank".to_owned(),
            (SortKey::Due | SortKey::Relevance, _) => {
                format!("cases.due_date {direction}, cases.row {direction}")
            }
            (SortKey::Received, _) => {
                format!("cases.received_at {direction}, cases.row {direction}")
            }
            (SortKey::Aktenzeichen, _) => {
                format!("cases.aktenzeichen {direction}, cases.row {direction}")
            }
            (SortKey::Applicant, _) => {
                format!("cases.applicant_sort {direction}, cases.row {direction}")
            }
        };
        query
            .push(" ORDER BY ")
            .push(order)
            .push(" LIMIT ")
            .push_bind(i64::from(limit))
            .push(" OFFSET ")
            .push_bind(i64::from(offset));
        let rows: Vec<RowTuple> = query.build_query_as().fetch_all(&self.reader).await?;
        rows.into_iter().map(parse_row).collect()
    }

    /// How many cases match `filter` (for counts per saved view and the list length).
    pub async fn count(&self, filter: &InboxFilter, me: Uuid, today: NaiveDate) -> Result<i64> {
        let search = filter.text.as_deref().and_then(Search::of);
        let mut query = QueryBuilder::<Sqlite>::new("SELECT count(*)");
        let usage = if search.is_some() {
            SearchUse::Filter
        } else {
            SearchUse::None
        };
        push_from(&mut query, search.as_ref(), usage);
        push_filter(&mut query, filter, me, today);
        push_search_filter(&mut query, search.as_ref(), usage);
        Ok(query.build_query_scalar().fetch_one(&self.reader).await?)
    }

    /// A case by id or Aktenzeichen, with the user's outbox entries on it and what
    /// `me` is offered to do with it (nothing when nobody is signed in).
    pub async fn case_detail(&self, key: &str, me: Option<&ActorRef>) -> Result<CaseDetail> {
        let row: Option<DetailRow> = sqlx::query_as(
            "SELECT cases.id, case_json.local, case_json.server, cases.server_version \
             FROM cases JOIN case_json ON case_json.row = cases.row \
             WHERE cases.id = ?1 OR cases.aktenzeichen = ?1",
        )
        .bind(key)
        .fetch_optional(&self.reader)
        .await?;
        let Some((id, local, server, server_version)) = row else {
            return Err(ClientError::CaseNotFound(key.to_owned()));
        };
        let case: CaseAggregate = serde_json::from_str(&crate::codec::unpack(
            self.codec(),
            local.as_deref().unwrap_or(&server),
        )?)?;
        let outbox = self.outbox_entries(Some(&id)).await?;
        let service = self.service(&case.service_id).await?;
        let now = chrono::Utc::now();
        let today = casedesk_domain::deadline::local_date(now);
        let actions = me
            .map(|me| case.offered_actions(me, now))
            .unwrap_or_default();
        let law = service.as_ref().map(|s| CaseLaw::of(&case, s, today));
        let request_candidates = match &service {
            Some(service) if actions.request_items => case.request_candidates(service),
            _ => Vec::new(),
        };
        Ok(CaseDetail {
            case,
            server_version,
            outbox,
            service,
            actions,
            law,
            today,
            request_candidates,
        })
    }

    /// The number of cases in the store.
    pub async fn case_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM cases")
            .fetch_one(&self.reader)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_aktenzeichen_prefix_is_looked_up_in_its_index() {
        assert_eq!(
            Search::of(" 32-hu-2026-0001"),
            Some(Search::Aktenzeichen("32-HU-2026-0001".into()))
        );
        assert_eq!(
            Search::of("32423 Minden"),
            Some(Search::Text("\"32423\"* \"Minden\"*".into()))
        );
        assert_eq!(Search::of(" - "), None);
    }

    #[test]
    fn search_text_becomes_quoted_prefix_terms() {
        assert_eq!(
            fts_query("32-HU-2026-000123").as_deref(),
            Some("\"32\"* \"HU\"* \"2026\"* \"000123\"*")
        );
        assert_eq!(
            fts_query("Müller OR \"x").as_deref(),
            Some("\"Müller\"* \"OR\"* \"x\"*")
        );
        assert_eq!(fts_query("  -- ' "), None);
    }
}
