//! What desktops sync from: the bootstrap snapshot (every case of the user's offices
//! at one `seq`, as JSON or as stored frames) and changes pages (the cases changed
//! after a cursor, then tombstones for cases that left the user's scope).
//!
//! Both read one consistent snapshot in a task that feeds a bounded channel, so the
//! first cases are on their way while the store reads the rest, and memory stays flat
//! when the client reads slowly.

use std::collections::HashMap;

use async_trait::async_trait;
use casedesk_domain::frames::Dictionary;
use casedesk_domain::wire::Tombstone;
use futures::StreamExt;
use futures::stream::BoxStream;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::{SqlStore, frames, parse_uuid};
use crate::dialect::SCOPE_OF_USER;
use crate::prelude::*;
use crate::{Bootstrap, BootstrapForm, ChangesChunk, StaffUser, StoreError, StoreResult};

/// Case lines per hand-over from the bootstrap reader task.
const BOOTSTRAP_BATCH: usize = 128;
/// Aggregates per hand-over while a changes page is read.
const CHANGES_BATCH: usize = 64;

/// One bootstrap row in the requested form (see [`SqlStore::bootstrap_sql`]).
fn bootstrap_item(
    row: &AnyRow,
    form: BootstrapForm,
    dictionaries: &HashMap<Uuid, Dictionary>,
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

impl SqlStore {
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
            self.dialect.scope_in_order()
        )
    }

    /// A changes page: user `$1`, after `seq` `$2`, at most `$3` rows in `seq` order.
    fn changes_sql(&self) -> String {
        format!(
            "SELECT seq, aggregate FROM cases WHERE {} AND seq > $2 ORDER BY seq LIMIT $3",
            self.dialect.scope_in_order()
        )
    }
}

#[async_trait]
impl SyncStore for SqlStore {
    async fn bootstrap(
        &self,
        user: &StaffUser,
        after: Option<Uuid>,
        form: BootstrapForm,
    ) -> StoreResult<Bootstrap> {
        let mut tx = self.dialect.begin_snapshot(&self.reader).await?;
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
            BootstrapForm::Frames => frames::read_dictionaries(&mut *tx, Some(&user_id))
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

    async fn maintain_frames(&self) -> StoreResult<frames::FrameReport> {
        self.maintain().await
    }

    async fn changes_stream(
        &self,
        user: &StaffUser,
        after: i64,
        limit: i64,
    ) -> StoreResult<BoxStream<'static, StoreResult<ChangesChunk>>> {
        let mut tx = self.dialect.begin_snapshot(&self.reader).await?;
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
}

#[cfg(test)]
mod tests {
    use sqlx::Row;

    use super::SqlStore;
    use crate::BootstrapForm;

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
        let store = crate::sqlite::open(&url).await.unwrap();
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
