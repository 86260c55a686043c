//! The outbox: the user's commands, applied to the local cache at once and kept until
//! the portal has answered them.
//!
//! Architecture invariant: a command and its effect on the local cache commit in one
//! transaction, so after a crash either both exist or neither. A command leaves the
//! outbox only when the portal applied it and the local copy of its case has caught
//! up, or when the user discards a refused one; never silently.

use casedesk_domain::command::{Command, CommandAnswer, CommandKind, RejectionCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::codec::Codec;
use crate::error::{ClientError, Result};
use crate::store::{self, LocalStore, Me, ServerCase, parse_uuid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OutboxState {
    /// Not yet answered by the portal.
    Pending,
    /// Applied by the portal; kept until the local case has caught up.
    Applied,
    /// Refused by the portal; waits for the user to retry or discard it.
    Rejected,
}

impl OutboxState {
    fn parse(s: &str) -> Result<Self> {
        match s {
            "pending" => Ok(Self::Pending),
            "applied" => Ok(Self::Applied),
            "rejected" => Ok(Self::Rejected),
            other => Err(ClientError::Protocol(format!("outbox state {other}"))),
        }
    }
}

/// One entry of the outbox as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutboxEntry {
    pub position: i64,
    pub command_id: Uuid,
    pub case_id: Uuid,
    pub aktenzeichen: String,
    /// What the user asked for; its kind is `command.kind`.
    pub command: Command,
    pub state: OutboxState,
    pub created_at: DateTime<Utc>,
    /// Failed attempts to deliver it (network or portal errors, not refusals).
    pub attempts: i64,
    pub last_error: Option<String>,
    pub rejection_code: Option<RejectionCode>,
    pub rejection_message: Option<String>,
}

/// An outbox row as stored. The `kind` column keeps the command kind's wire name for
/// queries and debugging; the entry reads it from the command itself.
#[derive(sqlx::FromRow)]
struct OutboxRow {
    position: i64,
    command_id: String,
    case_id: String,
    aktenzeichen: String,
    command: String,
    state: String,
    created_at: String,
    attempts: i64,
    last_error: Option<String>,
    rejection_code: Option<String>,
    rejection_message: Option<String>,
}

const ENTRY_COLUMNS: &str = "position, command_id, case_id, aktenzeichen, command, state, \
     created_at, attempts, last_error, rejection_code, rejection_message";

impl OutboxRow {
    fn parse(self) -> Result<OutboxEntry> {
        Ok(OutboxEntry {
            position: self.position,
            command_id: parse_uuid(&self.command_id)?,
            case_id: parse_uuid(&self.case_id)?,
            aktenzeichen: self.aktenzeichen,
            command: serde_json::from_str(&self.command)?,
            state: OutboxState::parse(&self.state)?,
            created_at: DateTime::parse_from_rfc3339(&self.created_at)
                .map_err(|e| ClientError::Protocol(e.to_string()))?
                .with_timezone(&Utc),
            attempts: self.attempts,
            last_error: self.last_error,
            rejection_code: self
                .rejection_code
                .map(|code| serde_json::from_value(serde_json::Value::String(code)))
                .transpose()?,
            rejection_message: self.rejection_message,
        })
    }
}

/// The wire and column spelling of a rejection code.
fn rejection_code_name(code: RejectionCode) -> Result<String> {
    match serde_json::to_value(code)? {
        serde_json::Value::String(name) => Ok(name),
        other => Err(ClientError::Protocol(format!("rejection code {other}"))),
    }
}

/// What the portal's answer to one command did locally.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Settled {
    Applied {
        case_id: Uuid,
    },
    Rejected {
        command_id: Uuid,
        case_id: Uuid,
        aktenzeichen: String,
        code: RejectionCode,
        message: String,
    },
    /// An answer to a command this outbox no longer holds (answered twice).
    Unknown,
}

impl LocalStore {
    /// Queues `kind` on a case: judged against the case as the user sees it, applied
    /// to the local cache and written to the outbox in one transaction.
    pub async fn enqueue(&self, case_key: &str, kind: CommandKind, me: &Me) -> Result<OutboxEntry> {
        let mut tx = self.writer.begin().await?;
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT id, aktenzeichen FROM cases WHERE id = ?1 OR aktenzeichen = ?1")
                .bind(case_key)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((case_id, aktenzeichen)) = row else {
            return Err(ClientError::CaseNotFound(case_key.to_owned()));
        };
        let (mut case, server_version) = store::effective_case(&mut tx, self.codec(), &case_id)
            .await?
            .ok_or_else(|| ClientError::CaseNotFound(case_key.to_owned()))?;
        let now = Utc::now();
        let command = Command {
            command_id: Uuid::now_v7(),
            case_id: case.id,
            // The version the portal last confirmed is what the user's view rests on.
            base_version: server_version,
            kind,
        };
        if let Err(rejection) = store::apply_locally(&mut tx, &mut case, &command, now, me).await? {
            return Err(ClientError::Refused(rejection));
        }
        // The letter a command names is uploaded before the command is sent.
        let blob = command.kind.needs().letter.map(str::to_owned);
        sqlx::query(
            "INSERT INTO outbox (command_id, case_id, aktenzeichen, kind, command, state, \
             created_at, blob_sha256) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
        )
        .bind(command.command_id.to_string())
        .bind(&case_id)
        .bind(&aktenzeichen)
        .bind(command.kind.name())
        .bind(serde_json::to_string(&command)?)
        .bind(now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .bind(blob)
        .execute(&mut *tx)
        .await?;
        store::rebase(&mut tx, self.codec(), &case_id, me).await?;
        let entry = entry_by_command(&mut tx, command.command_id)
            .await?
            .ok_or_else(|| ClientError::OutboxEntryNotFound(command.command_id.to_string()))?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Outbox entries in order, of one case or of all.
    pub async fn outbox_entries(&self, case_id: Option<&str>) -> Result<Vec<OutboxEntry>> {
        let rows: Vec<OutboxRow> = match case_id {
            Some(id) => {
                sqlx::query_as(&format!(
                    "SELECT {ENTRY_COLUMNS} FROM outbox WHERE case_id = ? \
                     AND state IN ('pending', 'rejected') ORDER BY position"
                ))
                .bind(id)
                .fetch_all(&self.reader)
                .await?
            }
            None => {
                sqlx::query_as(&format!(
                    "SELECT {ENTRY_COLUMNS} FROM outbox \
                     WHERE state IN ('pending', 'rejected') ORDER BY position"
                ))
                .fetch_all(&self.reader)
                .await?
            }
        };
        rows.into_iter().map(OutboxRow::parse).collect()
    }

    /// Counts of pending and rejected commands.
    pub async fn outbox_counts(&self) -> Result<(i64, i64)> {
        Ok(sqlx::query_as(
            "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'rejected'), 0) \
             FROM outbox",
        )
        .fetch_one(&self.reader)
        .await?)
    }

    /// The next pending commands to send, in order.
    pub(crate) async fn pending_commands(
        &self,
        limit: i64,
    ) -> Result<Vec<(Command, Option<String>)>> {
        let rows: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT command, blob_sha256 FROM outbox WHERE state = 'pending' \
             ORDER BY position LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|(command, blob)| Ok((serde_json::from_str(&command)?, blob)))
            .collect()
    }

    /// Notes a failed delivery attempt (network or portal error) on the commands.
    pub(crate) async fn record_attempt_failure(&self, ids: &[Uuid], error: &str) -> Result<()> {
        let mut tx = self.writer.begin().await?;
        for id in ids {
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE command_id = ?",
            )
            .bind(error)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records the portal's answers. Each answer and its effect commit together.
    pub(crate) async fn settle(&self, answers: &[CommandAnswer], me: &Me) -> Result<Vec<Settled>> {
        let mut tx = self.writer.begin().await?;
        let mut settled = Vec::with_capacity(answers.len());
        for answer in answers {
            settled.push(settle_one(&mut tx, self.codec(), answer, me).await?);
        }
        tx.commit().await?;
        Ok(settled)
    }

    /// Puts a refused command back in the queue, judged anew against the case as it
    /// stands now. It gets a new `command_id`: the portal remembers the old one as
    /// refused.
    pub async fn retry(&self, command_id: Uuid, me: &Me) -> Result<OutboxEntry> {
        let entry = self.take_rejected(command_id, me).await?;
        let case_id = entry.case_id.to_string();
        match self.enqueue(&case_id, entry.command.kind.clone(), me).await {
            Ok(new) => Ok(new),
            Err(error) => {
                // Put the refused entry back so nothing disappears when the retry
                // cannot even be queued (for example the case left the user's scope).
                self.restore_rejected(&entry, me).await?;
                Err(error)
            }
        }
    }

    async fn restore_rejected(&self, entry: &OutboxEntry, me: &Me) -> Result<()> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO outbox (command_id, case_id, aktenzeichen, kind, command, state, \
             created_at, attempts, last_error, rejection_code, rejection_message) \
             VALUES (?, ?, ?, ?, ?, 'rejected', ?, ?, ?, ?, ?)",
        )
        .bind(entry.command_id.to_string())
        .bind(entry.case_id.to_string())
        .bind(&entry.aktenzeichen)
        .bind(entry.command.kind.name())
        .bind(serde_json::to_string(&entry.command)?)
        .bind(
            entry
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        )
        .bind(entry.attempts)
        .bind(&entry.last_error)
        .bind(entry.rejection_code.map(rejection_code_name).transpose()?)
        .bind(&entry.rejection_message)
        .execute(&mut *tx)
        .await?;
        store::rebase(&mut tx, self.codec(), &entry.case_id.to_string(), me).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Drops a refused command for good; the case shows the portal's state again.
    pub async fn discard(&self, command_id: Uuid, me: &Me) -> Result<OutboxEntry> {
        self.take_rejected(command_id, me).await
    }

    /// Removes a refused command from the outbox and shows the case without it.
    async fn take_rejected(&self, command_id: Uuid, me: &Me) -> Result<OutboxEntry> {
        let mut tx = self.writer.begin().await?;
        let entry = entry_by_command(&mut tx, command_id)
            .await?
            .filter(|e| e.state == OutboxState::Rejected)
            .ok_or_else(|| ClientError::OutboxEntryNotFound(command_id.to_string()))?;
        sqlx::query("DELETE FROM outbox WHERE command_id = ?")
            .bind(command_id.to_string())
            .execute(&mut *tx)
            .await?;
        store::rebase(&mut tx, self.codec(), &entry.case_id.to_string(), me).await?;
        tx.commit().await?;
        Ok(entry)
    }
}

async fn entry_by_command(conn: &mut SqliteConnection, id: Uuid) -> Result<Option<OutboxEntry>> {
    let row: Option<OutboxRow> = sqlx::query_as(&format!(
        "SELECT {ENTRY_COLUMNS} FROM outbox WHERE command_id = ?"
    ))
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.map(OutboxRow::parse).transpose()
}

async fn settle_one(
    conn: &mut SqliteConnection,
    codec: &Codec,
    answer: &CommandAnswer,
    me: &Me,
) -> Result<Settled> {
    // A duplicate means the portal already answered this command (a resend after a
    // lost reply): its first answer is the real one.
    let answer = match answer {
        CommandAnswer::Duplicate { first, .. } => first.as_ref(),
        other => other,
    };
    let command_id = answer.command_id();
    let Some(entry) = entry_by_command(conn, command_id).await? else {
        return Ok(Settled::Unknown);
    };
    let case_id = entry.case_id.to_string();
    match answer {
        CommandAnswer::Applied { seq, .. } => {
            sqlx::query(
                "UPDATE outbox SET state = 'applied', answer_seq = ?, last_error = NULL \
                 WHERE command_id = ?",
            )
            .bind(seq)
            .bind(command_id.to_string())
            .execute(&mut *conn)
            .await?;
            store::rebase(conn, codec, &case_id, me).await?;
            Ok(Settled::Applied {
                case_id: entry.case_id,
            })
        }
        CommandAnswer::Rejected {
            rejection, current, ..
        } => {
            sqlx::query(
                "UPDATE outbox SET state = 'rejected', rejection_code = ?, rejection_message = ?, \
                 last_error = NULL WHERE command_id = ?",
            )
            .bind(rejection_code_name(rejection.code)?)
            .bind(&rejection.message)
            .bind(command_id.to_string())
            .execute(&mut *conn)
            .await?;
            // The portal's current case is the state the user must decide on.
            if let Some(current) = current {
                let case = ServerCase::parse(&serde_json::to_string(current)?, codec)?;
                store::write_server_cases(
                    conn,
                    std::slice::from_ref(&case),
                    store::Freshness::MaybeStored,
                )
                .await?;
            }
            store::rebase(conn, codec, &case_id, me).await?;
            Ok(Settled::Rejected {
                command_id,
                case_id: entry.case_id,
                aktenzeichen: entry.aktenzeichen,
                code: rejection.code,
                message: rejection.message.clone(),
            })
        }
        CommandAnswer::Duplicate { .. } => Err(ClientError::Protocol(
            "a duplicate answer whose first answer is a duplicate".into(),
        )),
    }
}
