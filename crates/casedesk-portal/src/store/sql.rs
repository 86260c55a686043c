//! The SQL both backends understand, run through sqlx's `Any` driver.
//!
//! SQLite and PostgreSQL agree on almost everything the portal asks: numbered
//! parameters (`$1`), `RETURNING`, `ON CONFLICT`, window-free queries over text ids and
//! RFC 3339 text timestamps. Where they differ (row locks, isolation level of snapshot
//! reads, change notification) this module asks [`Backend`]. Keeping one copy of the
//! queries is deliberate: two copies would drift, and the conformance suite runs every
//! query here against both databases.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use casedesk_domain::aggregate::{
    AssigneeInfo, DecideContext, Decision, DocumentMeta, Fee, RequestStatus,
};
use casedesk_domain::command::{Command, CommandAnswer, CommandKind, Rejection, RejectionCode};
use casedesk_domain::deadline::DeliveryRule;
use casedesk_domain::event::{EventKind, HistoryEntry};
use casedesk_domain::lifecycle::Role;
use casedesk_domain::wire::{OfficeInfo, ServiceDefinition, Tombstone, UserInfo};
use casedesk_domain::{Aktenzeichen, CaseAggregate};
use chrono::{DateTime, NaiveDate, Utc};
use futures::StreamExt;
use futures::stream::BoxStream;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AnyPool, Arguments, Row, Transaction};
use tokio::sync::watch;
use uuid::Uuid;

use super::{
    Application, BlobRecord, Bootstrap, BootstrapForm, ChangesChunk, Citizen, Database, NewCitizen,
    NewOffice, NewUser, Principal, SessionRecord, StaffUser, StoreError, StoreResult,
    StoredLetterhead, StoredLetters, StoredTemplate, SubjectKind, kassenzeichen_for, new_case_of,
    parse_aggregate,
};

/// Which database is behind the `Any` pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The store over one writer pool and one reader pool. SQLite gets a writer pool of
/// one connection (SQLite has one writer anyway; queueing in-process beats busy
/// retries); PostgreSQL uses one pool for both.
pub struct SqlStore {
    pub(crate) backend: Backend,
    pub(crate) writer: AnyPool,
    pub(crate) reader: AnyPool,
    pub(crate) live: watch::Sender<i64>,
    delivery_rule: RwLock<DeliveryRule>,
    /// The offices' compression dictionaries for case frames.
    pub(crate) dictionaries: super::frames::OfficeDictionaries,
    /// Keeps backend helpers (the PostgreSQL listener task) alive with the store.
    pub(crate) _guard: Option<Arc<dyn std::any::Any + Send + Sync>>,
}

/// One bootstrap row in the requested form (see [`SqlStore::bootstrap_sql`]).
fn bootstrap_item(
    row: &AnyRow,
    form: BootstrapForm,
    dictionaries: &HashMap<Uuid, casedesk_domain::frames::Dictionary>,
) -> StoreResult<Vec<u8>> {
    let aggregate = || -> StoreResult<String> {
        row.try_get::<Option<String>, _>("aggregate")?
            .ok_or_else(|| StoreError::Corrupt("a case without its aggregate".into()))
    };
    match form {
        BootstrapForm::Json => Ok(aggregate()?.into_bytes()),
        BootstrapForm::Frames => {
            if let Some(frame) = row.try_get::<Option<Vec<u8>>, _>("frame")? {
                return Ok(frame);
            }
            let office = parse_uuid(&row.try_get::<String, _>("office_id")?)?;
            Ok(casedesk_domain::frames::pack_with(
                dictionaries.get(&office),
                &aggregate()?,
            ))
        }
    }
}

/// Formats a timestamp the way every table stores it: sortable as text.
pub fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn parse_ts(s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("timestamp {s:?}: {e}")))
}

fn parse_uuid(s: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(s).map_err(|e| StoreError::Corrupt(format!("uuid {s:?}: {e}")))
}

fn json<T: serde::Serialize>(value: &T) -> String {
    // Serialising our own plain data types cannot fail.
    serde_json::to_string(value).expect("domain types serialise to JSON")
}

/// Case lines per hand-over from the bootstrap reader task.
const BOOTSTRAP_BATCH: usize = 128;
/// Aggregates per hand-over while a changes page is read.
const CHANGES_BATCH: usize = 64;

/// Commands committed together; bounds how long one batch holds the writer.
const COMMANDS_PER_TRANSACTION: usize = 100;

/// Ids per `IN (…)` list, rows per multi-row insert and cases per multi-row update.
/// Statements stay below about 1,000 parameters: sqlx resolves each numbered SQLite
/// parameter with a linear scan, so binding cost grows with the square of the count.
const IN_LIST_CHUNK: usize = 100;
const ROWS_PER_INSERT: usize = 100;
const CASES_PER_UPDATE: usize = 50;

const SCOPE_OF_USER: &str = "office_id IN (SELECT office_id FROM memberships WHERE user_id = $1)";

/// [`SCOPE_OF_USER`] for queries that walk cases in the order of an index (`id` for
/// the bootstrap, `seq` for changes pages). On SQLite the unary `+` keeps the planner
/// from reading the `(office_id, …)` index once per office and sorting every matching
/// row, aggregates included, in a temporary B-tree: walking the `id` or `seq` index
/// and filtering by office streams rows in order without a sort (about five times
/// faster for the bootstrap of a team lead). PostgreSQL plans these well as written.
const SCOPE_OF_USER_IN_ORDER_SQLITE: &str =
    "+office_id IN (SELECT office_id FROM memberships WHERE user_id = $1)";

impl SqlStore {
    pub(crate) async fn new(
        backend: Backend,
        writer: AnyPool,
        reader: AnyPool,
        guard: Option<Arc<dyn std::any::Any + Send + Sync>>,
    ) -> StoreResult<Self> {
        let head: i64 = sqlx::query_scalar("SELECT value FROM seq_counter WHERE id = 1")
            .fetch_one(&reader)
            .await?;
        let rule = match sqlx::query_scalar::<_, String>(
            "SELECT value FROM tenant_settings WHERE key = 'delivery_rule'",
        )
        .fetch_optional(&reader)
        .await?
        {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| StoreError::Corrupt(format!("delivery rule: {e}")))?,
            None => DeliveryRule::default(),
        };
        let (live, _) = watch::channel(head);
        let store = Self {
            backend,
            writer,
            reader,
            live,
            delivery_rule: RwLock::new(rule),
            dictionaries: Default::default(),
            _guard: guard,
        };
        store.load_dictionaries().await?;
        Ok(store)
    }

    fn publish(&self, seq: i64) {
        self.live.send_if_modified(|head| {
            if seq > *head {
                *head = seq;
                true
            } else {
                false
            }
        });
    }

    fn scope_in_order(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => SCOPE_OF_USER_IN_ORDER_SQLITE,
            Backend::Postgres => SCOPE_OF_USER,
        }
    }

    /// The bootstrap's cases: user `$1`, after case id `$2`, in id order. As frames,
    /// each row has the stored frame, or (only where it has none) the aggregate and
    /// its office to compress it with: SQLite only reads a column a row needs, so
    /// the aggregates (most of every row) stay unread.
    fn bootstrap_sql(&self, form: BootstrapForm) -> String {
        let columns = match form {
            BootstrapForm::Json => "aggregate FROM cases",
            BootstrapForm::Frames => {
                "case_frames.frame, cases.office_id, \
                 CASE WHEN case_frames.frame IS NULL THEN cases.aggregate END AS aggregate \
                 FROM cases LEFT JOIN case_frames ON case_frames.case_id = cases.id"
            }
        };
        format!(
            "SELECT {columns} WHERE {} AND id > $2 ORDER BY id",
            self.scope_in_order()
        )
    }

    /// A changes page: user `$1`, after `seq` `$2`, at most `$3` rows in `seq` order.
    fn changes_sql(&self) -> String {
        format!(
            "SELECT seq, aggregate FROM cases WHERE {} AND seq > $2 ORDER BY seq LIMIT $3",
            self.scope_in_order()
        )
    }

    /// Starts a read transaction that sees one consistent snapshot.
    async fn snapshot(&self) -> StoreResult<Transaction<'static, Any>> {
        let mut tx = self.reader.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        // SQLite: a deferred transaction's snapshot starts at its first read, and
        // WAL keeps it stable until the end of the transaction.
        Ok(tx)
    }

    /// Takes the next `count` positions of the total order. Holding the counter row's
    /// write lock until commit is what makes commit order equal `seq` order.
    async fn take_seq(tx: &mut Transaction<'static, Any>, count: i64) -> StoreResult<i64> {
        let last: i64 = sqlx::query_scalar(
            "UPDATE seq_counter SET value = value + $1 WHERE id = 1 RETURNING value",
        )
        .bind(count)
        .fetch_one(&mut **tx)
        .await?;
        Ok(last)
    }

    async fn notify(&self, tx: &mut Transaction<'static, Any>, seq: i64) -> StoreResult<()> {
        if self.backend == Backend::Postgres {
            // Delivered at commit to every portal instance listening.
            sqlx::query("SELECT 1 FROM (SELECT pg_notify('casedesk_seq', $1)) AS sent")
                .bind(seq.to_string())
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    async fn offices_of(&self, user_id: Uuid) -> StoreResult<Vec<OfficeInfo>> {
        let rows = sqlx::query(
            "SELECT o.id, o.code, o.name FROM offices o \
             JOIN memberships m ON m.office_id = o.id WHERE m.user_id = $1 ORDER BY o.code",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(office_of_row).collect()
    }

    async fn staff_of_row(&self, row: &AnyRow) -> StoreResult<StaffUser> {
        let id = parse_uuid(&row.try_get::<String, _>("id")?)?;
        let role: String = row.try_get("role")?;
        Ok(StaffUser {
            id,
            name: row.try_get("name")?,
            display_name: row.try_get("display_name")?,
            role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
            offices: self.offices_of(id).await?,
        })
    }

    async fn insert_case_row(
        tx: &mut Transaction<'static, Any>,
        case: &CaseAggregate,
        citizen_id: Uuid,
        aggregate: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO cases (id, aktenzeichen, office_id, service_id, citizen_id, status, \
             assignee_id, due_date, version, seq, received_at, aggregate) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(case.id.to_string())
        .bind(&case.aktenzeichen)
        .bind(case.office_id.to_string())
        .bind(&case.service_id)
        .bind(citizen_id.to_string())
        .bind(case.status.as_str())
        .bind(case.assignee.map(|a| a.to_string()))
        .bind(case.due_date.to_string())
        .bind(case.version)
        .bind(case.seq)
        .bind(ts(case.received_at))
        .bind(aggregate)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Whether the principal may see a case. Staff are checked against the offices
    /// loaded with their session (the request's authorisation), so a command group
    /// needs no membership query per command.
    fn may_see(principal: &Principal, case: &CaseAggregate) -> bool {
        match principal {
            Principal::Staff(user) => user.offices.iter().any(|o| o.id == case.office_id),
            Principal::Citizen(citizen) => case.applicant.citizen_id == citizen.id,
            Principal::System => true,
        }
    }

    async fn decide_context(
        &self,
        tx: &mut Transaction<'static, Any>,
        principal: &Principal,
        case: &CaseAggregate,
        command: &Command,
        now: DateTime<Utc>,
    ) -> StoreResult<DecideContext> {
        let mut ctx = DecideContext::at(now);
        ctx.delivery_rule = *self.delivery_rule.read().expect("delivery rule lock");
        match &command.kind {
            CommandKind::Assign { assignee } => {
                let row = sqlx::query(
                    "SELECT u.id, u.display_name FROM users u \
                     JOIN memberships m ON m.user_id = u.id \
                     WHERE u.id = $1 AND m.office_id = $2 AND u.active \
                     AND u.role IN ('caseworker', 'team_lead')",
                )
                .bind(assignee.to_string())
                .bind(case.office_id.to_string())
                .fetch_optional(&mut **tx)
                .await?;
                if let Some(row) = row {
                    ctx.assignee = Some(AssigneeInfo {
                        user_id: *assignee,
                        name: row.try_get("display_name")?,
                    });
                }
            }
            CommandKind::TransferOffice { office_id } => {
                if let Principal::Staff(user) = principal {
                    ctx.target_office_allowed = user.offices.iter().any(|o| o.id == *office_id);
                }
            }
            CommandKind::RecordDecision {
                letter_sha256: Some(sha),
                ..
            } => {
                ctx.letter_stored =
                    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM blobs WHERE sha256 = $1")
                        .bind(sha)
                        .fetch_one(&mut **tx)
                        .await?
                        > 0;
            }
            _ => {}
        }
        Ok(ctx)
    }

    /// The stored answers among `ids`, with the principal key each belongs to.
    async fn stored_answers(
        tx: &mut Transaction<'static, Any>,
        ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, (String, CommandAnswer)>> {
        let mut stored = HashMap::new();
        for chunk in ids.chunks(IN_LIST_CHUNK) {
            let mut sql = String::from(
                "SELECT command_id, principal, answer FROM command_results WHERE command_id IN (",
            );
            placeholders(&mut sql, 1, chunk.len());
            sql.push(')');
            let mut args = AnyArguments::default();
            for id in chunk {
                let _ = args.add(id.to_string());
            }
            for row in sqlx::query_with(&sql, args).fetch_all(&mut **tx).await? {
                let id = parse_uuid(&row.try_get::<String, _>("command_id")?)?;
                let answer: CommandAnswer =
                    serde_json::from_str(&row.try_get::<String, _>("answer")?)
                        .map_err(|e| StoreError::Corrupt(format!("command answer: {e}")))?;
                stored.insert(id, (row.try_get("principal")?, answer));
            }
        }
        Ok(stored)
    }

    /// Reads the cases among `ids` that exist, locked for update on PostgreSQL.
    async fn load_cases(
        &self,
        tx: &mut Transaction<'static, Any>,
        ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, CaseAggregate>> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let mut cases = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IN_LIST_CHUNK) {
            let mut sql = String::from("SELECT aggregate FROM cases WHERE id IN (");
            placeholders(&mut sql, 1, chunk.len());
            sql.push(')');
            sql.push_str(lock);
            let mut args = AnyArguments::default();
            for id in chunk {
                let _ = args.add(id.to_string());
            }
            let texts: Vec<String> = sqlx::query_scalar_with(&sql, args)
                .fetch_all(&mut **tx)
                .await?;
            for text in texts {
                let case = parse_aggregate(&text)?;
                cases.insert(case.id, case);
            }
        }
        Ok(cases)
    }

    /// Applies a group of commands in order in one write transaction and commits
    /// once. A command's answer is only returned after the commit, so nothing
    /// acknowledged can be lost; one commit per group instead of per command is what
    /// makes the command path fast on both backends.
    ///
    /// Each command is decided against the group's cases in memory, and what the
    /// group changed is written with a few multi-row statements before the commit:
    /// the stored answers and the cases are read with one statement each, so a group
    /// costs about ten statements instead of ten per command. Per-command atomicity
    /// comes from deciding in memory: a rejected command writes nothing but its
    /// answer, and its neighbours' changes stand.
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
        // commit order equal to `seq` order. (SQLite has one writer anyway.)
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let start: i64 =
            sqlx::query_scalar(&format!("SELECT value FROM seq_counter WHERE id = 1{lock}"))
                .fetch_one(&mut *tx)
                .await?;
        let ids: Vec<Uuid> = commands.iter().map(|c| c.command_id).collect();
        // Answers stored by earlier groups; answers of this group join the map as
        // they are made, so a command repeated within one batch is a duplicate too.
        let mut answered = Self::stored_answers(&mut tx, &ids).await?;
        let mut wanted: Vec<Uuid> = Vec::with_capacity(commands.len());
        for command in commands {
            match answered.get(&command.command_id) {
                Some((_, CommandAnswer::Rejected { case_id, .. })) => wanted.push(*case_id),
                Some(_) => {}
                None => wanted.push(command.case_id),
            }
        }
        wanted.sort_unstable();
        wanted.dedup();
        let mut cases = self.load_cases(&mut tx, &wanted).await?;

        let key = principal.key();
        let actor = principal.actor();
        let mut next = start;
        let mut changed: Vec<Uuid> = Vec::new();
        let mut mirror = MirrorRows::default();
        let mut new_answers: Vec<(CommandAnswer, Uuid)> = Vec::new();
        let mut answers = Vec::with_capacity(commands.len());
        for command in commands {
            if let Some((owner, first)) = answered.get(&command.command_id) {
                answers.push(if *owner != key {
                    CommandAnswer::Rejected {
                        command_id: command.command_id,
                        case_id: command.case_id,
                        rejection: Rejection::new(
                            RejectionCode::Invalid,
                            "Diese Befehls-ID wurde bereits für einen anderen Auftrag verwendet",
                        ),
                        current: None,
                    }
                } else {
                    let mut first = first.clone();
                    if let CommandAnswer::Rejected {
                        current, case_id, ..
                    } = &mut first
                    {
                        // The case as it is now (this group's changes included), if
                        // still visible.
                        *current = cases
                            .get(case_id)
                            .filter(|case| Self::may_see(principal, case))
                            .map(|case| Box::new(case.clone()));
                    }
                    CommandAnswer::Duplicate {
                        command_id: command.command_id,
                        first: Box::new(first),
                    }
                });
                continue;
            }

            let answer = match cases.get_mut(&command.case_id) {
                Some(case) if Self::may_see(principal, case) => {
                    let ctx = self
                        .decide_context(&mut tx, principal, case, command, now)
                        .await?;
                    match case.decide(&actor, &command.kind, command.base_version, &ctx) {
                        Err(rejection) => CommandAnswer::Rejected {
                            command_id: command.command_id,
                            case_id: case.id,
                            rejection,
                            current: Some(Box::new(case.clone())),
                        },
                        Ok(events) if events.is_empty() => CommandAnswer::Applied {
                            command_id: command.command_id,
                            case_id: case.id,
                            version: case.version,
                            seq: case.seq,
                        },
                        Ok(events) => {
                            // Positions are handed out in memory under the group's
                            // counter lock and the counter row is written once per
                            // group: updating that one row per command piles up dead
                            // row versions that every later update has to step over.
                            next += 1;
                            let entries =
                                case.record(events, &actor, Some(command.command_id), now, next);
                            mirror.collect(case, entries);
                            if !changed.contains(&case.id) {
                                changed.push(case.id);
                            }
                            CommandAnswer::Applied {
                                command_id: command.command_id,
                                case_id: case.id,
                                version: case.version,
                                seq: next,
                            }
                        }
                    }
                }
                _ => CommandAnswer::Rejected {
                    command_id: command.command_id,
                    case_id: command.case_id,
                    rejection: Rejection::new(
                        RejectionCode::UnknownCase,
                        "Diesen Vorgang gibt es nicht oder Sie dürfen ihn nicht sehen",
                    ),
                    current: None,
                },
            };
            // Rejections are stored without the case: a duplicate gets the case as it
            // is then, not as it was.
            let stored = match &answer {
                CommandAnswer::Rejected {
                    command_id,
                    case_id,
                    rejection,
                    ..
                } => CommandAnswer::Rejected {
                    command_id: *command_id,
                    case_id: *case_id,
                    rejection: rejection.clone(),
                    current: None,
                },
                other => other.clone(),
            };
            answered.insert(command.command_id, (key.clone(), stored.clone()));
            new_answers.push((stored, command.case_id));
            answers.push(answer);
        }

        // Only the latest state of a case changed twice is written.
        let changed: Vec<&CaseAggregate> = changed.iter().filter_map(|id| cases.get(id)).collect();
        let texts: Vec<String> = changed.iter().map(|case| json(*case)).collect();
        let changed: Vec<(&CaseAggregate, &str)> = changed
            .iter()
            .zip(&texts)
            .map(|(case, text)| (*case, text.as_str()))
            .collect();
        Self::update_cases(&mut tx, &changed).await?;
        self.write_frames(&mut tx, &changed, true).await?;
        mirror.write(&mut tx).await?;
        Self::store_answers(&mut tx, &key, &new_answers, now).await?;
        if next > start {
            sqlx::query("UPDATE seq_counter SET value = $1 WHERE id = 1")
                .bind(next)
                .execute(&mut *tx)
                .await?;
            self.notify(&mut tx, next).await?;
        }
        tx.commit().await?;
        if next > start {
            self.publish(next);
        }
        Ok(answers)
    }

    /// Rewrites changed cases, many per statement.
    async fn update_cases(
        tx: &mut Transaction<'static, Any>,
        cases: &[(&CaseAggregate, &str)],
    ) -> StoreResult<()> {
        for chunk in cases.chunks(CASES_PER_UPDATE) {
            let mut sql = String::from(
                "WITH v (id, office_id, status, assignee_id, due_date, version, seq, aggregate) \
                 AS (VALUES",
            );
            values_clause(&mut sql, chunk.len(), 8);
            sql.push_str(
                ") UPDATE cases SET office_id = v.office_id, status = v.status, \
                 assignee_id = v.assignee_id, due_date = v.due_date, version = v.version, \
                 seq = v.seq, aggregate = v.aggregate FROM v WHERE cases.id = v.id",
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

    async fn write_new_case(
        &self,
        tx: &mut Transaction<'static, Any>,
        case: &CaseAggregate,
        entry: &HistoryEntry,
        citizen_id: Uuid,
    ) -> StoreResult<()> {
        let aggregate = json(case);
        Self::insert_case_row(tx, case, citizen_id, &aggregate).await?;
        self.write_frames(tx, &[(case, &aggregate)], false).await?;
        let mut mirror = MirrorRows::default();
        mirror.collect(case, vec![entry.clone()]);
        mirror.write(tx).await?;
        for document in &case.documents {
            insert_document(tx, case.id, document).await?;
        }
        if let Some(fee) = &case.fee {
            insert_payment(tx, case.id, fee, case.received_at).await?;
        }
        self.notify(tx, case.seq).await
    }

    async fn choose_office(&self, postal_code: &str) -> StoreResult<OfficeInfo> {
        let rows = sqlx::query("SELECT id, code, name, postal_codes FROM offices ORDER BY code")
            .fetch_all(&self.reader)
            .await?;
        let mut fallback = None;
        for row in &rows {
            let codes: String = row.try_get("postal_codes")?;
            if codes.split(',').any(|c| c.trim() == postal_code) {
                return office_of_row(row);
            }
            if codes.trim().is_empty() && fallback.is_none() {
                fallback = Some(row);
            }
        }
        match fallback.or(rows.first()) {
            Some(row) => office_of_row(row),
            None => Err(StoreError::Invalid("no office is configured".into())),
        }
    }

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
}

/// Rows that mirror parts of aggregates for queries outside them (the event log,
/// documents, decisions, payments and scope exits), collected while commands are
/// decided and written together.
#[derive(Default)]
struct MirrorRows {
    /// Event rows: the case, the event's index within its version, the entry.
    events: Vec<(Uuid, i64, HistoryEntry)>,
    /// The rarer rows, written one statement each in the order they arose.
    others: Vec<OtherRow>,
}

enum OtherRow {
    Document(Uuid, DocumentMeta),
    Decision(Uuid, Decision),
    Payment {
        case_id: Uuid,
        fee: Fee,
        at: DateTime<Utc>,
    },
    ScopeExit {
        seq: i64,
        case_id: Uuid,
        office_id: Uuid,
    },
}

impl MirrorRows {
    /// Takes the entries one change added to `case` (the case already holds them).
    fn collect(&mut self, case: &CaseAggregate, entries: Vec<HistoryEntry>) {
        for (idx, entry) in entries.into_iter().enumerate() {
            match &entry.event {
                EventKind::DocumentAdded { document } => {
                    self.others
                        .push(OtherRow::Document(case.id, document.clone()));
                }
                EventKind::DecisionRecorded { .. } => {
                    if let Some(decision) = &case.decision {
                        self.others
                            .push(OtherRow::Decision(case.id, decision.clone()));
                    }
                }
                EventKind::PaymentChanged { .. } => {
                    if let Some(fee) = &case.fee {
                        self.others.push(OtherRow::Payment {
                            case_id: case.id,
                            fee: fee.clone(),
                            at: entry.at,
                        });
                    }
                }
                EventKind::TransferredOffice { from, .. } => {
                    self.others.push(OtherRow::ScopeExit {
                        seq: entry.seq,
                        case_id: case.id,
                        office_id: *from,
                    });
                }
                _ => {}
            }
            self.events.push((case.id, idx as i64, entry));
        }
    }

    async fn write(self, tx: &mut Transaction<'static, Any>) -> StoreResult<()> {
        for chunk in self.events.chunks(ROWS_PER_INSERT) {
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
        for row in &self.others {
            match row {
                OtherRow::Document(case_id, document) => {
                    insert_document(tx, *case_id, document).await?;
                }
                OtherRow::Decision(case_id, decision) => {
                    sqlx::query(
                        "INSERT INTO decisions (case_id, outcome, letter_sha256, fee_cents, \
                         decided_at, decided_by, deemed_delivery, appeal_deadline) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(case_id.to_string())
                    .bind(json(&decision.outcome).trim_matches('"').to_owned())
                    .bind(decision.letter_sha256.clone())
                    .bind(decision.fee_cents)
                    .bind(ts(decision.decided_at))
                    .bind(decision.decided_by.to_string())
                    .bind(decision.deemed_delivery.to_string())
                    .bind(decision.appeal_deadline.to_string())
                    .execute(&mut **tx)
                    .await?;
                }
                OtherRow::Payment { case_id, fee, at } => {
                    sqlx::query(
                        "UPDATE payments SET status = $1, amount_cents = $2, updated_at = $3 \
                         WHERE case_id = $4",
                    )
                    .bind(json(&fee.status).trim_matches('"').to_owned())
                    .bind(fee.amount_cents)
                    .bind(ts(*at))
                    .bind(case_id.to_string())
                    .execute(&mut **tx)
                    .await?;
                }
                OtherRow::ScopeExit {
                    seq,
                    case_id,
                    office_id,
                } => {
                    sqlx::query(
                        "INSERT INTO scope_exits (seq, case_id, office_id) VALUES ($1, $2, $3)",
                    )
                    .bind(*seq)
                    .bind(case_id.to_string())
                    .bind(office_id.to_string())
                    .execute(&mut **tx)
                    .await?;
                }
            }
        }
        Ok(())
    }
}

/// Appends a change of a letter setting to the append-only `letter_changes` record.
async fn record_letter_change(
    tx: &mut Transaction<'static, Any>,
    what: &str,
    content: &str,
    by: &StaffUser,
    at: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO letter_changes (id, what, content, changed_by, changed_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(what)
    .bind(content)
    .bind(by.id.to_string())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn office_of_row(row: &AnyRow) -> StoreResult<OfficeInfo> {
    Ok(OfficeInfo {
        id: parse_uuid(&row.try_get::<String, _>("id")?)?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
    })
}

fn citizen_of_row(row: &AnyRow) -> StoreResult<Citizen> {
    Ok(Citizen {
        id: parse_uuid(&row.try_get::<String, _>("id")?)?,
        email: row.try_get("email")?,
        given_name: row.try_get("given_name")?,
        family_name: row.try_get("family_name")?,
        street: row.try_get("street")?,
        postal_code: row.try_get("postal_code")?,
        city: row.try_get("city")?,
        phone: row.try_get("phone")?,
    })
}

async fn insert_document(
    tx: &mut Transaction<'static, Any>,
    case_id: Uuid,
    document: &casedesk_domain::aggregate::DocumentMeta,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO documents (id, case_id, sha256, file_name, media_type, size, kind, \
         from_citizen, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(document.id.to_string())
    .bind(case_id.to_string())
    .bind(&document.sha256)
    .bind(&document.file_name)
    .bind(&document.media_type)
    .bind(document.size)
    .bind(document.kind.clone())
    .bind(document.from_citizen)
    .bind(ts(document.uploaded_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn is_unique_violation(error: &StoreError) -> bool {
    matches!(error, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
}

/// Appends `count` numbered placeholders from `$first` on, separated by commas.
pub(crate) fn placeholders(sql: &mut String, first: usize, count: usize) {
    for n in first..first + count {
        if n > first {
            sql.push_str(", ");
        }
        sql.push('$');
        sql.push_str(&n.to_string());
    }
}

/// Appends `rows` rows of `width` numbered placeholders to `sql`.
pub(crate) fn values_clause(sql: &mut String, rows: usize, width: usize) {
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { " (" } else { ", (" });
        for c in 0..width {
            n += 1;
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&n.to_string());
        }
        sql.push(')');
    }
}

#[async_trait]
impl Database for SqlStore {
    fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    async fn head_seq(&self) -> StoreResult<i64> {
        let head: i64 = sqlx::query_scalar("SELECT value FROM seq_counter WHERE id = 1")
            .fetch_one(&self.reader)
            .await?;
        self.publish(head);
        Ok(head)
    }

    fn subscribe(&self) -> watch::Receiver<i64> {
        self.live.subscribe()
    }

    async fn is_empty(&self) -> StoreResult<bool> {
        let offices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offices")
            .fetch_one(&self.reader)
            .await?;
        Ok(offices == 0)
    }

    async fn delivery_rule(&self) -> StoreResult<DeliveryRule> {
        Ok(*self.delivery_rule.read().expect("delivery rule lock"))
    }

    async fn set_delivery_rule(&self, rule: DeliveryRule) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO tenant_settings (key, value) VALUES ('delivery_rule', $1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(json(&rule))
        .execute(&self.writer)
        .await?;
        *self.delivery_rule.write().expect("delivery rule lock") = rule;
        Ok(())
    }

    async fn create_office(&self, office: NewOffice) -> StoreResult<OfficeInfo> {
        if !casedesk_domain::aktenzeichen::is_valid_office_code(&office.code) {
            return Err(StoreError::Invalid(
                "office code must be two to four digits".into(),
            ));
        }
        let id = Uuid::now_v7();
        let result = sqlx::query(
            "INSERT INTO offices (id, code, name, postal_codes, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.to_string())
        .bind(&office.code)
        .bind(&office.name)
        .bind(office.postal_codes.join(","))
        .bind(ts(Utc::now()))
        .execute(&self.writer)
        .await;
        match result {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::Conflict(
                format!("office {} exists", office.code),
            )),
            Err(e) => Err(e.into()),
            Ok(_) => Ok(OfficeInfo {
                id,
                code: office.code,
                name: office.name,
            }),
        }
    }

    async fn offices(&self) -> StoreResult<Vec<OfficeInfo>> {
        let rows = sqlx::query("SELECT id, code, name FROM offices ORDER BY code")
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(office_of_row).collect()
    }

    async fn create_user(&self, user: NewUser) -> StoreResult<StaffUser> {
        let all = self.offices().await?;
        let mut offices = Vec::new();
        for code in &user.office_codes {
            match all.iter().find(|o| &o.code == code) {
                Some(office) => offices.push(office.clone()),
                None => return Err(StoreError::Invalid(format!("unknown office {code}"))),
            }
        }
        let id = Uuid::now_v7();
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO users (id, name, display_name, role, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, TRUE, $6)",
        )
        .bind(id.to_string())
        .bind(&user.name)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(ts(Utc::now()))
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(StoreError::Conflict(format!("user {} exists", user.name)));
            }
            other => {
                other?;
            }
        }
        for office in &offices {
            sqlx::query("INSERT INTO memberships (user_id, office_id) VALUES ($1, $2)")
                .bind(id.to_string())
                .bind(office.id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(StaffUser {
            id,
            name: user.name,
            display_name: user.display_name,
            role: user.role,
            offices,
        })
    }

    async fn user_credentials(&self, name: &str) -> StoreResult<Option<(StaffUser, String)>> {
        let row = sqlx::query(
            "SELECT id, name, display_name, role, password_hash FROM users WHERE name = $1 AND active",
        )
        .bind(name)
        .fetch_optional(&self.reader)
        .await?;
        match row {
            Some(row) => {
                let hash: String = row.try_get("password_hash")?;
                Ok(Some((self.staff_of_row(&row).await?, hash)))
            }
            None => Ok(None),
        }
    }

    async fn staff_user(&self, id: Uuid) -> StoreResult<Option<StaffUser>> {
        let row =
            sqlx::query("SELECT id, name, display_name, role FROM users WHERE id = $1 AND active")
                .bind(id.to_string())
                .fetch_optional(&self.reader)
                .await?;
        match row {
            Some(row) => Ok(Some(self.staff_of_row(&row).await?)),
            None => Ok(None),
        }
    }

    async fn office_staff(&self, user: &StaffUser) -> StoreResult<Vec<UserInfo>> {
        let rows = sqlx::query(
            "SELECT DISTINCT u.id, u.name, u.display_name, u.role FROM users u \
             JOIN memberships m ON m.user_id = u.id \
             WHERE m.office_id IN (SELECT office_id FROM memberships WHERE user_id = $1) \
             AND u.active AND u.role IN ('caseworker', 'team_lead') ORDER BY u.display_name",
        )
        .bind(user.id.to_string())
        .fetch_all(&self.reader)
        .await?;
        let own: std::collections::HashSet<Uuid> = user.offices.iter().map(|o| o.id).collect();
        let mut staff = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut info = self.staff_of_row(row).await?.info();
            // Only the offices the caller shares with them: membership elsewhere is
            // not the caller's business.
            info.offices.retain(|o| own.contains(&o.id));
            staff.push(info);
        }
        Ok(staff)
    }

    async fn create_citizen(&self, citizen: NewCitizen) -> StoreResult<Citizen> {
        let id = Uuid::now_v7();
        let email = citizen.email.trim().to_lowercase();
        let result = sqlx::query(
            "INSERT INTO citizens (id, email, password_hash, given_name, family_name, street, \
             postal_code, city, phone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.to_string())
        .bind(&email)
        .bind(&citizen.password_hash)
        .bind(&citizen.given_name)
        .bind(&citizen.family_name)
        .bind(&citizen.street)
        .bind(&citizen.postal_code)
        .bind(&citizen.city)
        .bind(citizen.phone.clone())
        .bind(ts(Utc::now()))
        .execute(&self.writer)
        .await;
        match result {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(StoreError::Conflict("email already registered".into()))
            }
            Err(e) => Err(e.into()),
            Ok(_) => Ok(Citizen {
                id,
                email,
                given_name: citizen.given_name,
                family_name: citizen.family_name,
                street: citizen.street,
                postal_code: citizen.postal_code,
                city: citizen.city,
                phone: citizen.phone,
            }),
        }
    }

    async fn citizen_credentials(&self, email: &str) -> StoreResult<Option<(Citizen, String)>> {
        let row = sqlx::query("SELECT * FROM citizens WHERE email = $1")
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.reader)
            .await?;
        match row {
            Some(row) => Ok(Some((citizen_of_row(&row)?, row.try_get("password_hash")?))),
            None => Ok(None),
        }
    }

    async fn citizen(&self, id: Uuid) -> StoreResult<Option<Citizen>> {
        let row = sqlx::query("SELECT * FROM citizens WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(citizen_of_row).transpose()
    }

    async fn create_session(&self, session: SessionRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (id, subject_kind, subject_id, access_hash, access_expires_at, \
             refresh_hash, refresh_expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(session.id.to_string())
        .bind(session.subject.as_str())
        .bind(session.subject_id.to_string())
        .bind(&session.access_hash)
        .bind(ts(session.access_expires_at))
        .bind(&session.refresh_hash)
        .bind(ts(session.refresh_expires_at))
        .bind(ts(Utc::now()))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn session_by_access(
        &self,
        access_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>> {
        let row =
            sqlx::query("SELECT * FROM sessions WHERE access_hash = $1 AND access_expires_at > $2")
                .bind(access_hash)
                .bind(ts(now))
                .fetch_optional(&self.reader)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let kind: String = row.try_get("subject_kind")?;
        Ok(Some(SessionRecord {
            id: parse_uuid(&row.try_get::<String, _>("id")?)?,
            subject: if kind == "citizen" {
                SubjectKind::Citizen
            } else {
                SubjectKind::Staff
            },
            subject_id: parse_uuid(&row.try_get::<String, _>("subject_id")?)?,
            access_hash: row.try_get("access_hash")?,
            access_expires_at: parse_ts(&row.try_get::<String, _>("access_expires_at")?)?,
            refresh_hash: row.try_get("refresh_hash")?,
            refresh_expires_at: parse_ts(&row.try_get::<String, _>("refresh_expires_at")?)?,
        }))
    }

    async fn consume_refresh(
        &self,
        refresh_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(SubjectKind, Uuid)>> {
        let row = sqlx::query(
            "DELETE FROM sessions WHERE refresh_hash = $1 AND refresh_expires_at > $2 \
             RETURNING subject_kind, subject_id",
        )
        .bind(refresh_hash)
        .bind(ts(now))
        .fetch_optional(&self.writer)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let kind: String = row.try_get("subject_kind")?;
        let subject = if kind == "citizen" {
            SubjectKind::Citizen
        } else {
            SubjectKind::Staff
        };
        Ok(Some((
            subject,
            parse_uuid(&row.try_get::<String, _>("subject_id")?)?,
        )))
    }

    async fn delete_session(&self, id: Uuid) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn record_login_failure(
        &self,
        keys: &[String],
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        let mut tx = self.writer.begin().await?;
        // Old failures are forgotten here, so the table stays small without a job.
        sqlx::query("DELETE FROM login_failures WHERE at <= $1")
            .bind(ts(since))
            .execute(&mut *tx)
            .await?;
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(ts(now))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.login_failures(keys, since).await
    }

    async fn login_failures(&self, keys: &[String], since: DateTime<Utc>) -> StoreResult<Vec<i64>> {
        let mut counts = Vec::with_capacity(keys.len());
        for key in keys {
            let count: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2",
            )
            .bind(key)
            .bind(ts(since))
            .fetch_one(&self.writer)
            .await?;
            counts.push(count);
        }
        Ok(counts)
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn letters(&self) -> StoreResult<StoredLetters> {
        let rows = sqlx::query(
            "SELECT name, source, updated_by_name, updated_at FROM letter_templates ORDER BY name",
        )
        .fetch_all(&self.reader)
        .await?;
        let mut templates = Vec::with_capacity(rows.len());
        for row in &rows {
            templates.push(StoredTemplate {
                name: row.try_get("name")?,
                source: row.try_get("source")?,
                updated_by_name: row.try_get("updated_by_name")?,
                updated_at: parse_ts(&row.try_get::<String, _>("updated_at")?)?,
            });
        }
        let letterhead = match sqlx::query(
            "SELECT json, logo_base64, updated_by_name, updated_at FROM letterhead WHERE id = 1",
        )
        .fetch_optional(&self.reader)
        .await?
        {
            Some(row) => Some(StoredLetterhead {
                json: row.try_get("json")?,
                logo_base64: row.try_get("logo_base64")?,
                updated_by_name: row.try_get("updated_by_name")?,
                updated_at: parse_ts(&row.try_get::<String, _>("updated_at")?)?,
            }),
            None => None,
        };
        Ok(StoredLetters {
            templates,
            letterhead,
        })
    }

    async fn put_letter_template(
        &self,
        name: &str,
        source: &str,
        by: &StaffUser,
    ) -> StoreResult<()> {
        let now = ts(Utc::now());
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO letter_templates (name, source, updated_by, updated_by_name, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO UPDATE SET \
             source = excluded.source, updated_by = excluded.updated_by, \
             updated_by_name = excluded.updated_by_name, updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(source)
        .bind(by.id.to_string())
        .bind(&by.display_name)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        record_letter_change(&mut tx, &format!("template:{name}"), source, by, &now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn put_letterhead(
        &self,
        json: &str,
        logo_base64: Option<&str>,
        by: &StaffUser,
    ) -> StoreResult<()> {
        let now = ts(Utc::now());
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO letterhead (id, json, logo_base64, updated_by, updated_by_name, updated_at) \
             VALUES (1, $1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET \
             json = excluded.json, logo_base64 = excluded.logo_base64, \
             updated_by = excluded.updated_by, updated_by_name = excluded.updated_by_name, \
             updated_at = excluded.updated_at",
        )
        .bind(json)
        .bind(logo_base64)
        .bind(by.id.to_string())
        .bind(&by.display_name)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        record_letter_change(&mut tx, "letterhead", json, by, &now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn upsert_service(&self, service: &ServiceDefinition) -> StoreResult<()> {
        if !casedesk_domain::aktenzeichen::is_valid_service_code(&service.id) {
            return Err(StoreError::Invalid(
                "service id must be two to four capital letters".into(),
            ));
        }
        sqlx::query(
            "INSERT INTO services (id, definition, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, \
             updated_at = excluded.updated_at",
        )
        .bind(&service.id)
        .bind(json(service))
        .bind(ts(Utc::now()))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn services(&self) -> StoreResult<Vec<ServiceDefinition>> {
        let rows = sqlx::query("SELECT definition FROM services ORDER BY id")
            .fetch_all(&self.reader)
            .await?;
        rows.iter()
            .map(|row| {
                serde_json::from_str(&row.try_get::<String, _>("definition")?)
                    .map_err(|e| StoreError::Corrupt(format!("service: {e}")))
            })
            .collect()
    }

    async fn service(&self, id: &str) -> StoreResult<Option<ServiceDefinition>> {
        let row = sqlx::query("SELECT definition FROM services WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|row| {
            serde_json::from_str(&row.try_get::<String, _>("definition")?)
                .map_err(|e| StoreError::Corrupt(format!("service: {e}")))
        })
        .transpose()
    }

    async fn record_blob(&self, blob: &BlobRecord, uploaded_by: &Principal) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO blobs (sha256, size, media_type, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&blob.sha256)
        .bind(blob.size)
        .bind(&blob.media_type)
        .bind(uploaded_by.key())
        .bind(ts(Utc::now()))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn readable_blob(
        &self,
        principal: &Principal,
        sha256: &str,
    ) -> StoreResult<Option<String>> {
        let (sql, who) = match principal {
            // Staff read documents and letters of their offices' cases, and what they
            // uploaded themselves (a letter before its decision is recorded).
            Principal::Staff(user) => (
                "SELECT b.media_type FROM blobs b WHERE b.sha256 = $1 AND (\
                 b.uploaded_by = $3 \
                 OR EXISTS (SELECT 1 FROM documents d JOIN cases c ON c.id = d.case_id \
                   WHERE d.sha256 = b.sha256 AND c.office_id IN \
                   (SELECT office_id FROM memberships WHERE user_id = $2)) \
                 OR EXISTS (SELECT 1 FROM decisions x JOIN cases c ON c.id = x.case_id \
                   WHERE x.letter_sha256 = b.sha256 AND c.office_id IN \
                   (SELECT office_id FROM memberships WHERE user_id = $2)))",
                user.id.to_string(),
            ),
            // Citizens read the documents and letters of their own cases.
            Principal::Citizen(citizen) => (
                "SELECT b.media_type FROM blobs b WHERE b.sha256 = $1 AND (\
                 b.uploaded_by = $3 \
                 OR EXISTS (SELECT 1 FROM documents d JOIN cases c ON c.id = d.case_id \
                   WHERE d.sha256 = b.sha256 AND c.citizen_id = $2) \
                 OR EXISTS (SELECT 1 FROM decisions x JOIN cases c ON c.id = x.case_id \
                   WHERE x.letter_sha256 = b.sha256 AND c.citizen_id = $2))",
                citizen.id.to_string(),
            ),
            Principal::System => (
                "SELECT media_type FROM blobs WHERE sha256 = $1 AND $2 = $2 AND $3 = $3",
                String::new(),
            ),
        };
        Ok(sqlx::query_scalar(sql)
            .bind(sha256)
            .bind(who)
            .bind(principal.key())
            .fetch_optional(&self.reader)
            .await?)
    }

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
                Self::case_number_in(&mut tx, &office.code, &application.service.id, year, 1)
                    .await?;
            let aktenzeichen =
                Aktenzeichen::new(&office.code, &application.service.id, year, number)
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
            let new = new_case_of(
                &application,
                &citizen,
                office.id,
                aktenzeichen.to_string(),
                kassenzeichen_for(&aktenzeichen),
            );
            let seq = Self::take_seq(&mut tx, 1).await?;
            let (case, entry) = CaseAggregate::submit(new, &actor, seq);
            let written = self
                .write_new_case(&mut tx, &case, &entry, citizen.id)
                .await;
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
        let last = Self::take_seq(&mut tx, cases.len() as i64).await?;
        let first = last - cases.len() as i64 + 1;
        let mut cases = cases;
        for (i, (case, _)) in cases.iter_mut().enumerate() {
            case.seq = first + i as i64;
            for entry in &mut case.history {
                entry.seq = case.seq;
            }
        }
        // Multi-row inserts keep the bulk path fast on both backends. Chunks stay
        // small (≤ 2,000 parameters): sqlx resolves each numbered SQLite parameter by
        // name with a linear scan, so binding cost grows with the square of the
        // statement's parameter count.
        let texts: Vec<String> = cases.iter().map(|(case, _)| json(case)).collect();
        for (chunk, texts) in cases.chunks(50).zip(texts.chunks(50)) {
            let mut sql = String::from(
                "INSERT INTO cases (id, aktenzeichen, office_id, service_id, citizen_id, status, \
                 assignee_id, due_date, version, seq, received_at, aggregate) VALUES",
            );
            values_clause(&mut sql, chunk.len(), 12);
            let mut args = AnyArguments::default();
            for ((case, citizen_id), text) in chunk.iter().zip(texts) {
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
                let _ = args.add(text.clone());
            }
            sqlx::query_with(&sql, args).execute(&mut *tx).await?;
        }
        let with_texts: Vec<(&CaseAggregate, &str)> = cases
            .iter()
            .zip(&texts)
            .map(|((case, _), text)| (case, text.as_str()))
            .collect();
        self.write_frames(&mut tx, &with_texts, false).await?;
        let mut events: Vec<(Uuid, usize, &HistoryEntry)> = Vec::new();
        for (case, _) in &cases {
            let mut last_version = 0;
            let mut idx = 0;
            for entry in &case.history {
                if entry.version == last_version {
                    idx += 1;
                } else {
                    last_version = entry.version;
                    idx = 0;
                }
                events.push((case.id, idx, entry));
            }
        }
        for chunk in events.chunks(200) {
            let mut sql = String::from(
                "INSERT INTO events (case_id, version, idx, seq, at, actor, command_id, kind, data) VALUES",
            );
            values_clause(&mut sql, chunk.len(), 9);
            let mut args = AnyArguments::default();
            for (case_id, idx, entry) in chunk {
                let _ = args.add(case_id.to_string());
                let _ = args.add(entry.version);
                let _ = args.add(*idx as i64);
                let _ = args.add(entry.seq);
                let _ = args.add(ts(entry.at));
                let _ = args.add(json(&entry.actor));
                let _ = args.add(entry.command_id.map(|c| c.to_string()));
                let _ = args.add(entry.event.name().to_owned());
                let _ = args.add(json(&entry.event));
            }
            sqlx::query_with(&sql, args).execute(&mut *tx).await?;
        }
        let mut documents: Vec<(Uuid, &casedesk_domain::aggregate::DocumentMeta)> = Vec::new();
        for (case, _) in &cases {
            documents.extend(case.documents.iter().map(|d| (case.id, d)));
        }
        for chunk in documents.chunks(200) {
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
            sqlx::query_with(&sql, args).execute(&mut *tx).await?;
        }
        for (case, _) in &cases {
            if let Some(fee) = &case.fee {
                insert_payment(&mut tx, case.id, fee, case.received_at).await?;
            }
            if let Some(decision) = &case.decision {
                sqlx::query(
                    "INSERT INTO decisions (case_id, outcome, letter_sha256, fee_cents, \
                     decided_at, decided_by, deemed_delivery, appeal_deadline) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(case.id.to_string())
                .bind(json(&decision.outcome).trim_matches('"').to_owned())
                .bind(decision.letter_sha256.clone())
                .bind(decision.fee_cents)
                .bind(ts(decision.decided_at))
                .bind(decision.decided_by.to_string())
                .bind(decision.deemed_delivery.to_string())
                .bind(decision.appeal_deadline.to_string())
                .execute(&mut *tx)
                .await?;
            }
        }
        self.notify(&mut tx, last).await?;
        tx.commit().await?;
        self.publish(last);
        Ok(())
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
        let last = Self::case_number_in(&mut tx, office_code, service_id, year, count).await?;
        tx.commit().await?;
        Ok(last + 1 - count)
    }

    async fn apply_commands(
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

    async fn bootstrap(
        &self,
        user: &StaffUser,
        after: Option<Uuid>,
        form: BootstrapForm,
    ) -> StoreResult<Bootstrap> {
        let mut tx = self.snapshot().await?;
        let head: i64 = sqlx::query_scalar("SELECT value FROM seq_counter WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let after = after.map(|a| a.to_string()).unwrap_or_default();
        let user_id = user.id.to_string();
        let count: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM cases WHERE {SCOPE_OF_USER} AND id > $2"
        ))
        .bind(&user_id)
        .bind(&after)
        .fetch_one(&mut *tx)
        .await?;
        // The dictionaries come from the same snapshot as the frames, so every
        // dictionary a frame names is among them, and only the user's offices' are.
        let dictionaries = match form {
            BootstrapForm::Json => HashMap::new(),
            BootstrapForm::Frames => super::frames::read_dictionaries(&mut *tx, Some(&user_id))
                .await?
                .into_iter()
                .collect::<HashMap<_, _>>(),
        };
        let dictionary_bytes = dictionaries
            .values()
            .map(|dictionary| dictionary.bytes().to_vec())
            .collect();
        // The snapshot transaction moves into a task that feeds the response body; a
        // bounded channel keeps memory flat when the client reads slowly.
        let (sender, receiver) = tokio::sync::mpsc::channel::<StoreResult<Vec<Vec<u8>>>>(16);
        let sql = self.bootstrap_sql(form);
        tokio::spawn(async move {
            let mut rows = sqlx::query(&sql).bind(user_id).bind(after).fetch(&mut *tx);
            // Rows travel in batches: one channel hand-over per row would cost more
            // than reading the row.
            let mut batch = Vec::with_capacity(BOOTSTRAP_BATCH);
            while let Some(row) = rows.next().await {
                match row
                    .map_err(StoreError::from)
                    .and_then(|row| bootstrap_item(&row, form, &dictionaries))
                {
                    Ok(item) => {
                        batch.push(item);
                        if batch.len() == BOOTSTRAP_BATCH {
                            let full =
                                std::mem::replace(&mut batch, Vec::with_capacity(BOOTSTRAP_BATCH));
                            if sender.send(Ok(full)).await.is_err() {
                                break;
                            }
                        }
                    }
                    Err(error) => {
                        let _ = sender.send(Err(error)).await;
                        batch.clear();
                        break;
                    }
                }
            }
            if !batch.is_empty() {
                let _ = sender.send(Ok(batch)).await;
            }
            drop(rows);
            let _ = tx.rollback().await;
        });
        Ok(Bootstrap {
            seq: head,
            cases: count,
            dictionaries: dictionary_bytes,
            cases_stream: tokio_stream::wrappers::ReceiverStream::new(receiver)
                .flat_map(|batch| {
                    let items: Vec<StoreResult<Vec<u8>>> = match batch {
                        Ok(items) => items.into_iter().map(Ok).collect(),
                        Err(error) => vec![Err(error)],
                    };
                    futures::stream::iter(items)
                })
                .boxed(),
        })
    }

    async fn maintain_frames(&self) -> StoreResult<super::frames::FrameReport> {
        self.maintain().await
    }

    async fn refresh_statistics(&self) -> StoreResult<()> {
        match self.backend {
            // Without statistics, PostgreSQL plans a changes page over freshly loaded
            // cases as a hash join over every case after the cursor (60 ms for 1,000
            // of 100,000) instead of walking the `seq` index (BENCHMARKS.md).
            // Autovacuum would get there on its own, later.
            Backend::Postgres => {
                sqlx::query("ANALYZE").execute(&self.writer).await?;
            }
            // SQLite's queries are written for its planner without statistics (the
            // scope filters say which index to use), so there is nothing to refresh.
            Backend::Sqlite => {}
        }
        Ok(())
    }

    async fn changes_stream(
        &self,
        user: &StaffUser,
        after: i64,
        limit: i64,
    ) -> StoreResult<BoxStream<'static, StoreResult<ChangesChunk>>> {
        let mut tx = self.snapshot().await?;
        let head: i64 = sqlx::query_scalar("SELECT value FROM seq_counter WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let user_id = user.id.to_string();
        let sql = self.changes_sql();
        // As with the bootstrap, the snapshot moves into a task that reads the page
        // in batches, so the first cases are on their way (and being compressed)
        // while the store reads the rest.
        let (sender, receiver) = tokio::sync::mpsc::channel::<StoreResult<ChangesChunk>>(8);
        tokio::spawn(async move {
            let read = async {
                let mut rows = sqlx::query(&sql)
                    .bind(&user_id)
                    .bind(after)
                    .bind(limit + 1)
                    .fetch(&mut *tx);
                let mut read = 0_i64;
                let mut last_seq = after;
                let mut has_more = false;
                let mut batch = Vec::with_capacity(CHANGES_BATCH);
                while let Some(row) = rows.next().await {
                    let row = row?;
                    if read == limit {
                        // The one row past the page only says there is more.
                        has_more = true;
                        break;
                    }
                    read += 1;
                    last_seq = row.try_get("seq")?;
                    batch.push(row.try_get::<String, _>("aggregate")?);
                    if batch.len() == CHANGES_BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(CHANGES_BATCH));
                        if sender.send(Ok(ChangesChunk::Cases(full))).await.is_err() {
                            return Ok(());
                        }
                    }
                }
                drop(rows);
                if !batch.is_empty() && sender.send(Ok(ChangesChunk::Cases(batch))).await.is_err() {
                    return Ok(());
                }
                let next_cursor = if has_more { last_seq } else { head.max(after) };
                let tombstone_rows = sqlx::query(&format!(
                    "SELECT case_id, MAX(seq) AS seq FROM scope_exits s WHERE {SCOPE_OF_USER} \
                     AND seq > $2 AND seq <= $3 AND NOT EXISTS (SELECT 1 FROM cases c WHERE \
                     c.id = s.case_id AND c.office_id IN (SELECT office_id FROM memberships WHERE user_id = $1)) \
                     GROUP BY case_id ORDER BY seq"
                ))
                .bind(&user_id)
                .bind(after)
                .bind(next_cursor)
                .fetch_all(&mut *tx)
                .await?;
                let tombstones = tombstone_rows
                    .iter()
                    .map(|row| {
                        Ok(Tombstone {
                            case_id: parse_uuid(&row.try_get::<String, _>("case_id")?)?,
                            seq: row.try_get("seq")?,
                        })
                    })
                    .collect::<StoreResult<Vec<_>>>()?;
                let _ = sender
                    .send(Ok(ChangesChunk::End {
                        tombstones,
                        next_cursor,
                        has_more,
                    }))
                    .await;
                Ok::<_, StoreError>(())
            }
            .await;
            if let Err(error) = read {
                let _ = sender.send(Err(error)).await;
            }
            let _ = tx.rollback().await;
        });
        Ok(tokio_stream::wrappers::ReceiverStream::new(receiver).boxed())
    }

    async fn expired_requests(&self, today: NaiveDate) -> StoreResult<Vec<(Uuid, Uuid, i64)>> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT aggregate FROM cases WHERE status = 'awaiting_citizen'")
                .fetch_all(&self.reader)
                .await?;
        let mut expired = Vec::new();
        for text in rows {
            let case = parse_aggregate(&text)?;
            for request in &case.requests {
                if request.status == RequestStatus::Open && request.answer_due < today {
                    expired.push((case.id, request.id, case.version));
                }
            }
        }
        Ok(expired)
    }
}

async fn insert_payment(
    tx: &mut Transaction<'static, Any>,
    case_id: Uuid,
    fee: &casedesk_domain::aggregate::Fee,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO payments (case_id, kassenzeichen, amount_cents, status, updated_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(case_id.to_string())
    .bind(&fee.kassenzeichen)
    .bind(fee.amount_cents)
    .bind(json(&fee.status).trim_matches('"').to_owned())
    .bind(ts(at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use sqlx::Row;

    use super::SqlStore;
    use crate::store::BootstrapForm;

    async fn query_plan(store: &SqlStore, sql: &str) -> String {
        let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
            .bind("user")
            .bind("")
            .bind(1000_i64)
            .fetch_all(&store.reader)
            .await
            .unwrap();
        rows.iter()
            .map(|row| row.try_get::<String, _>("detail").unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// With the office filter on the `(office_id, …)` indexes, SQLite read every
    /// matching case, aggregate included, into a temporary B-tree to sort it: the
    /// bootstrap sorted hundreds of megabytes and a changes page read far more rows
    /// than it returned.
    #[tokio::test]
    async fn sqlite_bootstrap_and_changes_walk_an_index_instead_of_sorting_every_case() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let store = crate::store::sqlite::open(&url).await.unwrap();
        for form in [BootstrapForm::Json, BootstrapForm::Frames] {
            let bootstrap = query_plan(&store, &store.bootstrap_sql(form)).await;
            assert!(!bootstrap.contains("TEMP B-TREE"), "{bootstrap}");
            assert!(
                bootstrap.contains("sqlite_autoindex_cases_1"),
                "{bootstrap}"
            );
        }
        let changes = query_plan(&store, &store.changes_sql()).await;
        assert!(!changes.contains("TEMP B-TREE"), "{changes}");
        assert!(changes.contains("cases_seq"), "{changes}");
    }
}
