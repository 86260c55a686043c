//! The command path's reads and writes. A batch of commands is applied in groups;
//! each group is one write transaction: take the counter lock, read what the group
//! needs, decide it in memory ([`command_group::decide_group`]), write what it
//! changed with a few multi-row statements, commit once.
//!
//! A command's answer is only returned after the commit, so nothing acknowledged can
//! be lost; one commit per group instead of per command, and about ten statements per
//! group instead of ten per command, is what makes the command path fast on both
//! backends.

use std::collections::HashMap;

use casedesk_domain::CaseAggregate;
use casedesk_domain::command::{Command, CommandAnswer};
use casedesk_domain::law::ServiceLaw;
use casedesk_domain::wire::ServiceDefinition;
use chrono::{DateTime, Utc};
use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Row, Transaction};
use uuid::Uuid;

use super::cases::write_mirror;
use super::catalog::read_fee_due_after;
use super::{
    CASES_PER_UPDATE, IN_LIST_CHUNK, ROWS_PER_INSERT, SqlStore, is_unique_violation, json,
    parse_uuid, placeholders, ts, values_clause,
};
use crate::command_group::{self, GroupFacts, StoredAnswers, retrieval_open_until};
use crate::{Principal, StoreError, StoreResult, parse_aggregate};

/// Commands committed together; bounds how long one group holds the writer.
const COMMANDS_PER_TRANSACTION: usize = 100;

impl SqlStore {
    /// Applies `commands` in order, a group of them per transaction.
    pub(super) async fn apply_in_groups(
        &self,
        principal: &Principal,
        commands: &[Command],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CommandAnswer>> {
        let mut answers = Vec::with_capacity(commands.len());
        for group in commands.chunks(COMMANDS_PER_TRANSACTION) {
            answers.extend(self.apply_group(principal, group, now).await?);
        }
        Ok(answers)
    }

    async fn apply_group(
        &self,
        principal: &Principal,
        commands: &[Command],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CommandAnswer>> {
        let mut attempt = 0;
        loop {
            match self.try_apply_group(principal, commands, now).await {
                // Every command group takes the counter lock before it reads stored
                // answers, so a command cannot race a copy of itself; should a
                // unique key still collide, nothing was committed and the retry
                // reads the answer that won.
                Err(e) if is_unique_violation(&e) && attempt < 2 => attempt += 1,
                other => return other,
            }
        }
    }

    async fn try_apply_group(
        &self,
        principal: &Principal,
        commands: &[Command],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CommandAnswer>> {
        let mut tx = self.writer.begin().await?;
        // Every command writer takes the counter row first, then case rows: one lock
        // order, so groups cannot deadlock, and the lock held until commit keeps
        // commit order equal to `seq` order.
        let start: i64 = sqlx::query_scalar(&format!(
            "SELECT value FROM seq_counter WHERE id = 1{}",
            self.dialect.for_update()
        ))
        .fetch_one(&mut *tx)
        .await?;
        let ids: Vec<Uuid> = commands.iter().map(|c| c.command_id).collect();
        let stored = stored_answers(&mut tx, &ids).await?;
        let wanted = command_group::cases_to_load(commands, &stored);
        let mut cases = self.load_cases(&mut tx, &wanted).await?;
        let facts = self.group_facts(&mut tx, commands, &cases).await?;

        let outcome = command_group::decide_group(
            principal, commands, stored, &mut cases, &facts, now, start,
        );

        let changed: Vec<&CaseAggregate> = outcome
            .changed
            .iter()
            .filter_map(|id| cases.get(id))
            .collect();
        let texts: Vec<String> = changed.iter().map(|case| json(*case)).collect();
        let changed: Vec<(&CaseAggregate, &str)> = changed
            .into_iter()
            .zip(&texts)
            .map(|(case, text)| (case, text.as_str()))
            .collect();
        update_cases(&mut tx, &changed).await?;
        self.write_frames(&mut tx, &changed, true).await?;
        write_mirror(&mut tx, &outcome.mirror).await?;
        store_answers(&mut tx, &principal.key(), &outcome.to_store, now).await?;
        let advanced = outcome.last_seq > start;
        if advanced {
            // Positions are handed out in memory under the group's counter lock and
            // the counter row is written once per group: updating that one row per
            // command piles up dead row versions that every later update has to step
            // over.
            sqlx::query("UPDATE seq_counter SET value = $1 WHERE id = 1")
                .bind(outcome.last_seq)
                .execute(&mut *tx)
                .await?;
            self.dialect.notify(&mut tx, outcome.last_seq).await?;
        }
        tx.commit().await?;
        if advanced {
            self.publish(outcome.last_seq);
        }
        Ok(outcome.answers)
    }

    /// Reads the cases among `ids` that exist, locked for update on PostgreSQL.
    async fn load_cases(
        &self,
        tx: &mut Transaction<'static, Any>,
        ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, CaseAggregate>> {
        let mut cases = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IN_LIST_CHUNK) {
            let mut sql = String::from("SELECT aggregate FROM cases WHERE id IN (");
            placeholders(&mut sql, 1, chunk.len());
            sql.push(')');
            sql.push_str(self.dialect.for_update());
            let texts: Vec<String> = sqlx::query_scalar_with(&sql, id_arguments(chunk))
                .fetch_all(&mut **tx)
                .await?;
            for text in texts {
                let case = parse_aggregate(&text)?;
                cases.insert(case.id, case);
            }
        }
        Ok(cases)
    }

    /// Looks up what the group's commands ask beyond their cases: the assignees they
    /// name, the letters their decisions and notices name, and for decisions and
    /// notices the law of their cases' services and when fees fall due. Most groups
    /// need none of these and cost no statement here.
    async fn group_facts(
        &self,
        tx: &mut Transaction<'static, Any>,
        commands: &[Command],
        cases: &HashMap<Uuid, CaseAggregate>,
    ) -> StoreResult<GroupFacts> {
        let (assignees, letters) = GroupFacts::wanted(commands);
        let services = GroupFacts::services_wanted(commands, cases);
        let mut facts = GroupFacts::default();
        if !services.is_empty() {
            facts.fee_due_after = read_fee_due_after(&mut **tx).await?;
            facts.laws = service_laws(tx, &services).await?;
        }
        for chunk in assignees.chunks(IN_LIST_CHUNK) {
            let mut sql = String::from(
                "SELECT u.id, u.display_name, m.office_id FROM users u \
                 JOIN memberships m ON m.user_id = u.id \
                 WHERE u.active AND u.role IN ('caseworker', 'team_lead') AND u.id IN (",
            );
            placeholders(&mut sql, 1, chunk.len());
            sql.push(')');
            for row in sqlx::query_with(&sql, id_arguments(chunk))
                .fetch_all(&mut **tx)
                .await?
            {
                let user = parse_uuid(&row.try_get::<String, _>("id")?)?;
                let office = parse_uuid(&row.try_get::<String, _>("office_id")?)?;
                let name: String = row.try_get("display_name")?;
                facts
                    .assignable
                    .entry(user)
                    .or_insert_with(|| (name, Vec::new()))
                    .1
                    .push(office);
            }
        }
        for chunk in letters.chunks(IN_LIST_CHUNK) {
            let mut sql = String::from("SELECT sha256 FROM blobs WHERE sha256 IN (");
            placeholders(&mut sql, 1, chunk.len());
            sql.push(')');
            let mut args = AnyArguments::default();
            for sha in chunk {
                let _ = args.add(sha.clone());
            }
            let found: Vec<String> = sqlx::query_scalar_with(&sql, args)
                .fetch_all(&mut **tx)
                .await?;
            facts.stored_letters.extend(found);
        }
        Ok(facts)
    }
}

/// The law of each of `services` (ids), read in one statement per chunk.
async fn service_laws(
    tx: &mut Transaction<'static, Any>,
    services: &[String],
) -> StoreResult<HashMap<String, ServiceLaw>> {
    let mut laws = HashMap::with_capacity(services.len());
    for chunk in services.chunks(IN_LIST_CHUNK) {
        let mut sql = String::from("SELECT definition FROM services WHERE id IN (");
        placeholders(&mut sql, 1, chunk.len());
        sql.push(')');
        let mut args = AnyArguments::default();
        for id in chunk {
            let _ = args.add(id.clone());
        }
        let texts: Vec<String> = sqlx::query_scalar_with(&sql, args)
            .fetch_all(&mut **tx)
            .await?;
        // A definition without a law (stored by an older version) gives none: the
        // domain then refuses the decision with the reason instead of failing the
        // group.
        for text in texts {
            match serde_json::from_str::<ServiceDefinition>(&text) {
                Ok(service) => {
                    laws.insert(service.id, service.law);
                }
                Err(error) => tracing::error!(%error, "service definition unreadable"),
            }
        }
    }
    Ok(laws)
}

fn id_arguments(ids: &[Uuid]) -> AnyArguments<'static> {
    let mut args = AnyArguments::default();
    for id in ids {
        let _ = args.add(id.to_string());
    }
    args
}

/// The stored answers among `ids`, with the principal key each belongs to.
async fn stored_answers(
    tx: &mut Transaction<'static, Any>,
    ids: &[Uuid],
) -> StoreResult<StoredAnswers> {
    let mut stored = StoredAnswers::new();
    for chunk in ids.chunks(IN_LIST_CHUNK) {
        let mut sql = String::from(
            "SELECT command_id, principal, answer FROM command_results WHERE command_id IN (",
        );
        placeholders(&mut sql, 1, chunk.len());
        sql.push(')');
        for row in sqlx::query_with(&sql, id_arguments(chunk))
            .fetch_all(&mut **tx)
            .await?
        {
            let id = parse_uuid(&row.try_get::<String, _>("command_id")?)?;
            let answer: CommandAnswer = serde_json::from_str(&row.try_get::<String, _>("answer")?)
                .map_err(|e| StoreError::Corrupt(format!("command answer: {e}")))?;
            stored.insert(id, (row.try_get("principal")?, answer));
        }
    }
    Ok(stored)
}

/// Rewrites changed cases, many per statement.
async fn update_cases(
    tx: &mut Transaction<'static, Any>,
    cases: &[(&CaseAggregate, &str)],
) -> StoreResult<()> {
    for chunk in cases.chunks(CASES_PER_UPDATE) {
        let mut sql = String::from(
            "WITH v (id, office_id, status, assignee_id, due_date, version, seq, \
             retrieval_open_until, aggregate) AS (VALUES",
        );
        values_clause(&mut sql, chunk.len(), 9);
        sql.push_str(
            ") UPDATE cases SET office_id = v.office_id, status = v.status, \
             assignee_id = v.assignee_id, due_date = v.due_date, version = v.version, \
             seq = v.seq, retrieval_open_until = v.retrieval_open_until, \
             aggregate = v.aggregate FROM v WHERE cases.id = v.id",
        );
        let mut args = AnyArguments::default();
        for (case, aggregate) in chunk {
            let _ = args.add(case.id.to_string());
            let _ = args.add(case.office_id.to_string());
            let _ = args.add(case.status.as_str().to_owned());
            let _ = args.add(case.assignee.map(|a| a.to_string()));
            let _ = args.add(case.due_date.to_string());
            let _ = args.add(case.version);
            let _ = args.add(case.seq);
            let _ = args.add(retrieval_open_until(case).map(|d| d.to_string()));
            let _ = args.add((*aggregate).to_owned());
        }
        let done = sqlx::query_with(&sql, args).execute(&mut **tx).await?;
        if done.rows_affected() != chunk.len() as u64 {
            return Err(StoreError::Corrupt(format!(
                "rewrote {} of {} cases",
                done.rows_affected(),
                chunk.len()
            )));
        }
    }
    Ok(())
}

/// Stores a group's answers (idempotency), many per statement.
async fn store_answers(
    tx: &mut Transaction<'static, Any>,
    principal_key: &str,
    answers: &[(CommandAnswer, Uuid)],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let created_at = ts(now);
    for chunk in answers.chunks(ROWS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO command_results (command_id, principal, case_id, answer, created_at) \
             VALUES",
        );
        values_clause(&mut sql, chunk.len(), 5);
        let mut args = AnyArguments::default();
        for (answer, case_id) in chunk {
            let _ = args.add(answer.command_id().to_string());
            let _ = args.add(principal_key.to_owned());
            let _ = args.add(case_id.to_string());
            let _ = args.add(json(answer));
            let _ = args.add(created_at.clone());
        }
        sqlx::query_with(&sql, args).execute(&mut **tx).await?;
    }
    Ok(())
}
