//! Architecture invariant: the local view is the portal's state plus the outbox.
//!
//! What the user sees of a case (`case_json.local` and the inbox columns of `cases`)
//! is never edited in place: [`rebase`] recomputes it from the portal's last state
//! (`case_json.server`) and the user's unconfirmed commands, judged and applied in
//! order by the domain's `decide`, whenever either changes. A case without outbox
//! entries has no local copy and shows the portal's state. Applied commands stay in
//! the outbox until the portal's state has caught up with them, so their effect never
//! flickers away between the portal's answer and the next pull.

use casedesk_domain::CaseAggregate;
use casedesk_domain::aggregate::{AssigneeInfo, DecideContext};
use casedesk_domain::command::Command;
use casedesk_domain::lifecycle::ActorRef;
use casedesk_domain::wire::UserInfo;
use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::case_row::CaseRow;
use crate::codec::{self, Codec};
use crate::error::{ClientError, Result};

/// The signed-in user as actor of local commands.
#[derive(Debug, Clone)]
pub struct Me {
    pub info: UserInfo,
    pub actor: ActorRef,
}

impl Me {
    pub fn new(info: UserInfo) -> Self {
        let actor = ActorRef::Staff {
            user_id: info.id,
            role: info.role,
            name: info.display_name.clone(),
        };
        Self { info, actor }
    }
}

/// Ids of cases that have outbox entries in any state: the cases to rebase after a
/// new portal state of them is written.
pub(crate) async fn cases_in_outbox(
    conn: &mut SqliteConnection,
) -> Result<std::collections::HashSet<String>> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT DISTINCT case_id FROM outbox")
        .fetch_all(conn)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Recomputes what the user sees of one case: the portal's state with the user's
/// unconfirmed commands applied on top, in order. Drops applied entries the portal
/// state has caught up with. A command that no longer applies locally stays in the
/// outbox untouched; the portal's answer to it decides.
pub(crate) async fn rebase(
    conn: &mut SqliteConnection,
    codec: &Codec,
    case_id: &str,
    me: &Me,
) -> Result<()> {
    let Some((server, seq)) = sqlx::query_as::<_, (Vec<u8>, i64)>(
        "SELECT case_json.server, cases.seq FROM cases \
             JOIN case_json ON case_json.row = cases.row WHERE cases.id = ?",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    sqlx::query("DELETE FROM outbox WHERE case_id = ? AND state = 'applied' AND answer_seq <= ?")
        .bind(case_id)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    let entries: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT command, created_at, state FROM outbox \
         WHERE case_id = ? AND state IN ('pending', 'applied') ORDER BY position",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    let rejected: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE case_id = ? AND state = 'rejected'")
            .bind(case_id)
            .fetch_one(&mut *conn)
            .await?;
    let pending = entries.iter().filter(|(_, _, s)| s == "pending").count() as i64;
    let server = codec::unpack(codec, &server)?;
    let (row, local) = if entries.is_empty() {
        (CaseRow::from_json(&server)?, None)
    } else {
        let mut case: CaseAggregate = serde_json::from_str(&server)?;
        for (command, created_at, _) in &entries {
            let command: Command = serde_json::from_str(command)?;
            let at = DateTime::parse_from_rfc3339(created_at)
                .map_err(|e| ClientError::Protocol(e.to_string()))?
                .with_timezone(&Utc);
            if let Err(rejection) = apply_locally(conn, &mut case, &command, at, me).await? {
                tracing::debug!(command_id = %command.command_id, reason = %rejection.message,
                    "an unconfirmed command no longer applies locally; the portal decides");
            }
        }
        let json = serde_json::to_string(&case)?;
        (CaseRow::from_json(&json)?, Some(json))
    };
    write_effective(
        conn,
        &row,
        local.as_deref().map(|json| codec.pack(json)),
        pending,
        rejected,
    )
    .await
}

/// Judges and applies one command to `case` as the portal would, with the facts the
/// local store knows. `Ok(Err(rejection))` when the command does not apply.
pub(crate) async fn apply_locally(
    conn: &mut SqliteConnection,
    case: &mut CaseAggregate,
    command: &Command,
    at: DateTime<Utc>,
    me: &Me,
) -> Result<Result<(), casedesk_domain::Rejection>> {
    let mut ctx = local_context(conn, case, &command.kind, at, me).await?;
    ctx.command_id = Some(command.command_id);
    match case.decide(&me.actor, &command.kind, command.base_version, &ctx) {
        Ok(events) => {
            let seq = case.seq;
            case.record(events, &me.actor, Some(command.command_id), at, seq);
            Ok(Ok(()))
        }
        Err(rejection) => Ok(Err(rejection)),
    }
}

/// The facts `decide` needs that the aggregate does not hold: for a decision or a
/// notice the law of the case's service as last synced (the fee falls due after the
/// domain's default period, as on the portal) and whether its letter is stored; for an
/// assignment the assignee's name; for a transfer whether the office is the user's.
async fn local_context(
    conn: &mut SqliteConnection,
    case: &CaseAggregate,
    kind: &casedesk_domain::CommandKind,
    at: DateTime<Utc>,
    me: &Me,
) -> Result<DecideContext> {
    let mut ctx = DecideContext::at(at);
    let needs = kind.needs();
    if let Some(assignee) = needs.assignee {
        let name: Option<String> = if assignee == me.info.id {
            Some(me.info.display_name.clone())
        } else {
            sqlx::query_scalar("SELECT display_name FROM staff WHERE id = ?")
                .bind(assignee.to_string())
                .fetch_optional(&mut *conn)
                .await?
        };
        ctx.assignee = name.map(|name| AssigneeInfo {
            user_id: assignee,
            name,
        });
    }
    if let Some(office_id) = needs.target_office {
        ctx.target_office_allowed = me.info.offices.iter().any(|o| o.id == office_id);
    }
    if needs.law {
        ctx.law = super::directory::service_law(&mut *conn, &case.service_id).await?;
    }
    if let Some(sha256) = needs.letter {
        ctx.letter_stored = sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM blobs WHERE sha256 = ? AND state IN ('complete', 'outgoing')",
        )
        .bind(sha256)
        .fetch_one(&mut *conn)
        .await?
            > 0;
    }
    Ok(ctx)
}

/// Writes the effective (local) state of a case into its indexed columns and the
/// search index.
async fn write_effective(
    conn: &mut SqliteConnection,
    row: &CaseRow,
    local: Option<Vec<u8>>,
    pending: i64,
    rejected: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE cases SET status = ?, assignee = ?, assignee_name = ?, priority = ?, \
         version = ?, due_date = ?, office_id = ?, answered = ?, pending = ?, rejected = ?, \
         open = ? WHERE id = ?",
    )
    .bind(&row.status)
    .bind(&row.assignee)
    .bind(&row.assignee_name)
    .bind(&row.priority)
    .bind(row.version)
    .bind(&row.due_date)
    .bind(&row.office_id)
    .bind(row.answered)
    .bind(pending)
    .bind(rejected)
    .bind(row.open)
    .bind(&row.id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE case_json SET local = ? WHERE row = (SELECT row FROM cases WHERE id = ?)")
        .bind(local)
        .bind(&row.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT OR REPLACE INTO case_search (rowid, aktenzeichen, applicant, address, form, notes) \
         SELECT row, ?, ?, ?, ?, ? FROM cases WHERE id = ?",
    )
    .bind(&row.aktenzeichen)
    .bind(&row.search_applicant)
    .bind(&row.search_address)
    .bind(&row.search_form)
    .bind(&row.search_notes)
    .bind(&row.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The case as the user sees it (local state if any, else the portal's).
pub(crate) async fn effective_case(
    conn: &mut SqliteConnection,
    codec: &Codec,
    case_id: &str,
) -> Result<Option<(CaseAggregate, i64)>> {
    let row: Option<(Option<Vec<u8>>, Vec<u8>, i64)> = sqlx::query_as(
        "SELECT case_json.local, case_json.server, cases.server_version FROM cases \
         JOIN case_json ON case_json.row = cases.row WHERE cases.id = ?",
    )
    .bind(case_id)
    .fetch_optional(conn)
    .await?;
    match row {
        Some((local, server, server_version)) => Ok(Some((
            serde_json::from_str(&codec::unpack(codec, local.as_deref().unwrap_or(&server))?)?,
            server_version,
        ))),
        None => Ok(None),
    }
}
