//! Cases: filing an application (office, Aktenzeichen, the first `seq`), importing
//! prepared cases in bulk, reading cases, what the portal's jobs look for (expired
//! answer deadlines, lapsed portal retrievals), and the rows that mirror parts of
//! the aggregates for queries outside them (events, documents, decisions, notices,
//! request letters, payments, scope exits). The command path is in [`super::commands`].
//!
//! `cases.aggregate` is the record; every mirror row is written in the transaction
//! that writes its aggregate, and `events` is never updated or deleted.

use async_trait::async_trait;
use casedesk_domain::aggregate::{Decision, DocumentMeta, Fee, NewCase, Notice};
use casedesk_domain::command::{Command, CommandAnswer};
use casedesk_domain::event::HistoryEntry;
use casedesk_domain::{Aktenzeichen, CaseAggregate};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Transaction};
use uuid::Uuid;

use super::{
    ROWS_PER_INSERT, SqlStore, is_unique_violation, json, take_seq, ts, values_clause, wire_name,
};
use crate::command_group::{MirrorRows, retrieval_open_until};
use crate::dialect::SCOPE_OF_USER;
use crate::prelude::*;
use crate::{Application, Principal, StoreError, StoreResult, parse_aggregate};

/// The cases with a portal retrieval whose last day passed before `$1`: a range
/// on the partial index `cases_retrieval_open_until`, which holds only the cases
/// with a pending retrieval.
const LAPSED_RETRIEVALS_SQL: &str = "SELECT aggregate FROM cases WHERE retrieval_open_until < $1";

/// Cases per multi-row insert (thirteen parameters each).
const CASES_PER_INSERT: usize = 50;

#[async_trait]
impl CaseStore for SqlStore {
    async fn submit_application(&self, application: Application) -> StoreResult<CaseAggregate> {
        let citizen = self
            .citizen(application.citizen_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let office = self.choose_office(&citizen.postal_code).await?;
        let actor = Principal::Citizen(citizen.clone()).actor();
        let year = chrono::Datelike::year(&application.received_at);
        for attempt in 0..3 {
            let mut tx = self.writer.begin().await?;
            let number =
                case_number_in(&mut tx, &office.code, &application.service.id, year, 1).await?;
            let aktenzeichen =
                Aktenzeichen::new(&office.code, &application.service.id, year, number)
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
            let new = NewCase::from_application(
                &application.service,
                application.form.clone(),
                application.documents.clone(),
                application.received_at,
                citizen.applicant(),
                application.consents,
                office.id,
                &aktenzeichen,
            );
            let seq = take_seq(&mut tx, 1).await?;
            let (case, entry) = CaseAggregate::submit(new, &actor, seq);
            let written = self.write_new_case(&mut tx, &case, entry, citizen.id).await;
            match written {
                Err(e) if is_unique_violation(&e) && attempt < 2 => continue,
                Err(e) => return Err(e),
                Ok(()) => {}
            }
            tx.commit().await?;
            self.publish(seq);
            return Ok(case);
        }
        Err(StoreError::Conflict(
            "could not allocate a case number".into(),
        ))
    }

    async fn import_cases(&self, cases: Vec<(CaseAggregate, Uuid)>) -> StoreResult<()> {
        if cases.is_empty() {
            return Ok(());
        }
        let mut tx = self.writer.begin().await?;
        let last = take_seq(&mut tx, cases.len() as i64).await?;
        let first = last - cases.len() as i64 + 1;
        let mut cases = cases;
        for (i, (case, _)) in cases.iter_mut().enumerate() {
            case.seq = first + i as i64;
            for entry in &mut case.history {
                entry.seq = case.seq;
            }
        }
        let texts: Vec<String> = cases.iter().map(|(case, _)| json(case)).collect();
        let rows: Vec<(&CaseAggregate, Uuid, &str)> = cases
            .iter()
            .zip(&texts)
            .map(|((case, citizen), text)| (case, *citizen, text.as_str()))
            .collect();
        insert_cases(&mut tx, &rows).await?;
        let with_texts: Vec<(&CaseAggregate, &str)> =
            rows.iter().map(|(case, _, text)| (*case, *text)).collect();
        self.write_frames(&mut tx, &with_texts, false).await?;

        let mut events = Vec::new();
        let mut documents = Vec::new();
        for (case, _) in &cases {
            events.extend(history_rows(case));
            documents.extend(case.documents.iter().map(|d| (case.id, d)));
        }
        insert_events(&mut tx, &events).await?;
        insert_documents(&mut tx, &documents).await?;
        for (case, _) in &cases {
            if let Some(fee) = &case.fee {
                upsert_payment(&mut tx, case.id, fee, case.received_at).await?;
            }
            if let Some(decision) = &case.decision {
                insert_decision(&mut tx, case.id, decision).await?;
            }
            for notice in &case.notices {
                insert_notice(&mut tx, case.id, notice).await?;
            }
            for request in &case.requests {
                if let Some(letter) = &request.letter_sha256 {
                    insert_request_letter(&mut tx, case.id, request.id, letter).await?;
                }
            }
        }
        self.dialect.notify(&mut tx, last).await?;
        tx.commit().await?;
        self.publish(last);
        Ok(())
    }

    async fn refresh_statistics(&self) -> StoreResult<()> {
        self.dialect.refresh_statistics(&self.writer).await
    }

    async fn reserve_case_numbers(
        &self,
        office_code: &str,
        service_id: &str,
        year: i32,
        count: u32,
    ) -> StoreResult<u32> {
        let count = count.max(1);
        let mut tx = self.writer.begin().await?;
        let last = case_number_in(&mut tx, office_code, service_id, year, count).await?;
        tx.commit().await?;
        Ok(last + 1 - count)
    }

    async fn apply_commands(
        &self,
        principal: &Principal,
        commands: &[Command],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CommandAnswer>> {
        self.apply_in_groups(principal, commands, now).await
    }

    async fn case(&self, principal: &Principal, id: Uuid) -> StoreResult<Option<CaseAggregate>> {
        let (sql, who) = match principal {
            Principal::Staff(user) => (
                format!("SELECT aggregate FROM cases WHERE id = $2 AND {SCOPE_OF_USER}"),
                user.id.to_string(),
            ),
            Principal::Citizen(citizen) => (
                "SELECT aggregate FROM cases WHERE id = $2 AND citizen_id = $1".to_owned(),
                citizen.id.to_string(),
            ),
            Principal::System => (
                "SELECT aggregate FROM cases WHERE id = $2 AND $1 = $1".to_owned(),
                String::new(),
            ),
        };
        let text: Option<String> = sqlx::query_scalar(&sql)
            .bind(who)
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await?;
        text.as_deref().map(parse_aggregate).transpose()
    }

    async fn citizen_cases(&self, citizen_id: Uuid) -> StoreResult<Vec<CaseAggregate>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT aggregate FROM cases WHERE citizen_id = $1 ORDER BY received_at DESC",
        )
        .bind(citizen_id.to_string())
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(|t| parse_aggregate(t)).collect()
    }

    async fn expired_requests(&self, today: NaiveDate) -> StoreResult<Vec<(Uuid, Uuid, i64)>> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT aggregate FROM cases WHERE status = 'awaiting_citizen'")
                .fetch_all(&self.reader)
                .await?;
        let mut expired = Vec::new();
        for text in rows {
            let case = parse_aggregate(&text)?;
            expired.extend(
                case.overdue_requests(today)
                    .map(|request| (case.id, request, case.version)),
            );
        }
        Ok(expired)
    }

    async fn lapsed_retrievals(
        &self,
        today: NaiveDate,
    ) -> StoreResult<Vec<(Uuid, Option<Uuid>, i64)>> {
        // The partial index on `retrieval_open_until` holds only cases with a pending
        // portal retrieval, a handful at any time; the domain then names which of
        // their deliveries lapsed.
        let rows: Vec<String> = sqlx::query_scalar(LAPSED_RETRIEVALS_SQL)
            .bind(today.to_string())
            .fetch_all(&self.reader)
            .await?;
        let mut lapsed = Vec::new();
        for text in rows {
            let case = parse_aggregate(&text)?;
            lapsed.extend(
                case.lapsed_retrievals(today)
                    .into_iter()
                    .map(|notice| (case.id, notice, case.version)),
            );
        }
        Ok(lapsed)
    }
}

impl SqlStore {
    /// Writes a newly filed case with its frame, its first event, its documents and
    /// its payment, and announces its `seq`.
    async fn write_new_case(
        &self,
        tx: &mut Transaction<'static, Any>,
        case: &CaseAggregate,
        entry: HistoryEntry,
        citizen_id: Uuid,
    ) -> StoreResult<()> {
        let aggregate = json(case);
        insert_cases(tx, &[(case, citizen_id, &aggregate)]).await?;
        self.write_frames(tx, &[(case, &aggregate)], false).await?;
        let mut mirror = MirrorRows::default();
        mirror.collect(case, vec![entry]);
        // A new case's documents arrive with it, not as events.
        mirror
            .documents
            .extend(case.documents.iter().map(|d| (case.id, d.clone())));
        write_mirror(tx, &mirror).await?;
        if let Some(fee) = &case.fee {
            upsert_payment(tx, case.id, fee, case.received_at).await?;
        }
        self.dialect.notify(tx, case.seq).await
    }
}

/// Takes `count` numbers of an Aktenzeichen series and returns the last.
async fn case_number_in(
    tx: &mut Transaction<'static, Any>,
    office_code: &str,
    service_id: &str,
    year: i32,
    count: u32,
) -> StoreResult<u32> {
    let number: i64 = sqlx::query_scalar(
        "INSERT INTO aktenzeichen_series (office_code, service_id, year, last_number) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (office_code, service_id, year) \
         DO UPDATE SET last_number = aktenzeichen_series.last_number + $4 \
         RETURNING last_number",
    )
    .bind(office_code)
    .bind(service_id)
    .bind(i64::from(year))
    .bind(i64::from(count))
    .fetch_one(&mut **tx)
    .await?;
    u32::try_from(number).map_err(|_| StoreError::Invalid("case number overflow".into()))
}

/// Inserts new cases (each with its citizen and its aggregate's JSON), many per
/// statement.
async fn insert_cases(
    tx: &mut Transaction<'static, Any>,
    cases: &[(&CaseAggregate, Uuid, &str)],
) -> StoreResult<()> {
    for chunk in cases.chunks(CASES_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO cases (id, aktenzeichen, office_id, service_id, citizen_id, status, \
             assignee_id, due_date, version, seq, received_at, retrieval_open_until, \
             aggregate) VALUES",
        );
        values_clause(&mut sql, chunk.len(), 13);
        let mut args = AnyArguments::default();
        for (case, citizen_id, text) in chunk {
            let _ = args.add(case.id.to_string());
            let _ = args.add(case.aktenzeichen.clone());
            let _ = args.add(case.office_id.to_string());
            let _ = args.add(case.service_id.clone());
            let _ = args.add(citizen_id.to_string());
            let _ = args.add(case.status.as_str().to_owned());
            let _ = args.add(case.assignee.map(|a| a.to_string()));
            let _ = args.add(case.due_date.to_string());
            let _ = args.add(case.version);
            let _ = args.add(case.seq);
            let _ = args.add(ts(case.received_at));
            let _ = args.add(retrieval_open_until(case).map(|d| d.to_string()));
            let _ = args.add((*text).to_owned());
        }
        sqlx::query_with(&sql, args).execute(&mut **tx).await?;
    }
    Ok(())
}

/// A case's history as event rows: the case, the event's index within its version,
/// the entry.
fn history_rows(case: &CaseAggregate) -> impl Iterator<Item = (Uuid, i64, &HistoryEntry)> {
    let mut last_version = 0;
    let mut idx = 0;
    case.history.iter().map(move |entry| {
        if entry.version == last_version {
            idx += 1;
        } else {
            last_version = entry.version;
            idx = 0;
        }
        (case.id, idx, entry)
    })
}

/// Writes the rows a group of changes collected (see [`MirrorRows`]).
pub(super) async fn write_mirror(
    tx: &mut Transaction<'static, Any>,
    mirror: &MirrorRows,
) -> StoreResult<()> {
    let events: Vec<(Uuid, i64, &HistoryEntry)> = mirror
        .events
        .iter()
        .map(|(case, idx, entry)| (*case, *idx, entry))
        .collect();
    insert_events(tx, &events).await?;
    let documents: Vec<(Uuid, &DocumentMeta)> = mirror
        .documents
        .iter()
        .map(|(case, d)| (*case, d))
        .collect();
    insert_documents(tx, &documents).await?;
    for (case_id, decision) in &mirror.decisions {
        insert_decision(tx, *case_id, decision).await?;
    }
    for (case_id, notice) in &mirror.notices {
        insert_notice(tx, *case_id, notice).await?;
    }
    for (case_id, request_id, letter) in &mirror.request_letters {
        insert_request_letter(tx, *case_id, *request_id, letter).await?;
    }
    for (case_id, fee, at) in &mirror.payments {
        upsert_payment(tx, *case_id, fee, *at).await?;
    }
    for (seq, case_id, office_id) in &mirror.scope_exits {
        sqlx::query("INSERT INTO scope_exits (seq, case_id, office_id) VALUES ($1, $2, $3)")
            .bind(*seq)
            .bind(case_id.to_string())
            .bind(office_id.to_string())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Appends event rows, many per statement.
async fn insert_events(
    tx: &mut Transaction<'static, Any>,
    events: &[(Uuid, i64, &HistoryEntry)],
) -> StoreResult<()> {
    for chunk in events.chunks(ROWS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO events (case_id, version, idx, seq, at, actor, command_id, kind, data) \
             VALUES",
        );
        values_clause(&mut sql, chunk.len(), 9);
        let mut args = AnyArguments::default();
        for (case_id, idx, entry) in chunk {
            let _ = args.add(case_id.to_string());
            let _ = args.add(entry.version);
            let _ = args.add(*idx);
            let _ = args.add(entry.seq);
            let _ = args.add(ts(entry.at));
            let _ = args.add(json(&entry.actor));
            let _ = args.add(entry.command_id.map(|c| c.to_string()));
            let _ = args.add(entry.event.name().to_owned());
            let _ = args.add(json(&entry.event));
        }
        sqlx::query_with(&sql, args).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Inserts document rows, many per statement.
async fn insert_documents(
    tx: &mut Transaction<'static, Any>,
    documents: &[(Uuid, &DocumentMeta)],
) -> StoreResult<()> {
    for chunk in documents.chunks(ROWS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO documents (id, case_id, sha256, file_name, media_type, size, kind, \
             from_citizen, uploaded_at) VALUES",
        );
        values_clause(&mut sql, chunk.len(), 9);
        let mut args = AnyArguments::default();
        for (case_id, d) in chunk {
            let _ = args.add(d.id.to_string());
            let _ = args.add(case_id.to_string());
            let _ = args.add(d.sha256.clone());
            let _ = args.add(d.file_name.clone());
            let _ = args.add(d.media_type.clone());
            let _ = args.add(d.size);
            let _ = args.add(d.kind.clone());
            let _ = args.add(d.from_citizen);
            let _ = args.add(ts(d.uploaded_at));
        }
        sqlx::query_with(&sql, args).execute(&mut **tx).await?;
    }
    Ok(())
}

async fn insert_decision(
    tx: &mut Transaction<'static, Any>,
    case_id: Uuid,
    decision: &Decision,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO decisions (case_id, outcome, letter_sha256, fee_cents, \
         decided_at, decided_by) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id.to_string())
    .bind(wire_name(&decision.outcome))
    .bind(decision.letter_sha256.clone())
    .bind(decision.fee_cents)
    .bind(ts(decision.decided_at))
    .bind(decision.decided_by.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_notice(
    tx: &mut Transaction<'static, Any>,
    case_id: Uuid,
    notice: &Notice,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO notices (id, case_id, kind, letter_sha256, amount_cents, issued_at, \
         issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(notice.id.to_string())
    .bind(case_id.to_string())
    .bind(wire_name(&notice.kind))
    .bind(notice.letter_sha256.clone())
    .bind(notice.amount_cents)
    .bind(ts(notice.issued_at))
    .bind(notice.issued_by.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_request_letter(
    tx: &mut Transaction<'static, Any>,
    case_id: Uuid,
    request_id: Uuid,
    letter_sha256: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO request_letters (request_id, case_id, letter_sha256) VALUES ($1, $2, $3)",
    )
    .bind(request_id.to_string())
    .bind(case_id.to_string())
    .bind(letter_sha256)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes a case's fee as it is now: the first fee of a case (at filing, or set by
/// a decision or fee notice later) or a new amount or payment state.
async fn upsert_payment(
    tx: &mut Transaction<'static, Any>,
    case_id: Uuid,
    fee: &Fee,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO payments (case_id, kassenzeichen, amount_cents, status, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id) DO UPDATE SET \
         amount_cents = excluded.amount_cents, status = excluded.status, \
         updated_at = excluded.updated_at",
    )
    .bind(case_id.to_string())
    .bind(&fee.kassenzeichen)
    .bind(fee.amount_cents)
    .bind(wire_name(&fee.status))
    .bind(ts(at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use sqlx::Row;

    /// The lapse job runs every few minutes for as long as the portal runs: its
    /// query must read the few cases with a pending retrieval, never scan them all.
    #[tokio::test]
    async fn sqlite_finds_lapsed_retrievals_through_the_partial_index() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let store = crate::sqlite::open(&url).await.unwrap();
        let rows = sqlx::query(&format!(
            "EXPLAIN QUERY PLAN {}",
            super::LAPSED_RETRIEVALS_SQL
        ))
        .bind("2026-03-14")
        .fetch_all(&store.reader)
        .await
        .unwrap();
        let plan: Vec<String> = rows
            .iter()
            .map(|row| row.try_get::<String, _>("detail").unwrap())
            .collect();
        assert_eq!(
            plan,
            ["SEARCH cases USING INDEX cases_retrieval_open_until (retrieval_open_until<?)"]
        );
    }
}
