//! Case aggregates kept as zstd frames for sync (`casedesk_domain::frames`, migration
//! 0005): one dictionary per office, trained on the office's own cases, and each
//! case's aggregate compressed with it once per change, so a bootstrap sends stored
//! frames instead of compressing every aggregate for every request.
//!
//! `cases.aggregate` stays the record; `case_frames` is derived from it and may lag
//! behind in one way only: a case may have no frame (its office had no dictionary
//! when it was written, or this process did not know the dictionary yet). A frame
//! that exists always holds the case's current aggregate: every write of an
//! aggregate writes or deletes its frame in the same transaction, and the
//! maintenance fills in frames under the same row locks a command takes.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use casedesk_domain::CaseAggregate;
use casedesk_domain::frames::{Dictionary, MIN_SAMPLES, TRAINING_SAMPLES};
use chrono::Utc;
use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Row, Transaction};
use uuid::Uuid;

use super::{SqlStore, placeholders, ts, values_clause};
use crate::{StoreError, StoreResult};

/// Frames per upsert statement (two parameters each).
const FRAMES_PER_STATEMENT: usize = 100;
/// Cases the maintenance compresses per transaction: short enough not to hold up
/// commands on SQLite's single writer for long.
const FILL_BATCH: i64 = 200;

/// An office gets its dictionary once it has this many cases: enough to learn the
/// shape of its services' forms and histories (the newest 256 are used when there
/// are more). The dictionary is kept from then on.
pub const TRAIN_AFTER_CASES: i64 = 64;

/// The dictionaries of the offices, as this process knows them. Dictionaries never
/// change once stored, so a known one is always right; one trained by another portal
/// process is picked up at the next maintenance run.
#[derive(Debug, Default)]
pub struct OfficeDictionaries(RwLock<HashMap<Uuid, Arc<Dictionary>>>);

impl OfficeDictionaries {
    pub fn of(&self, office: Uuid) -> Option<Arc<Dictionary>> {
        self.0.read().expect("dictionaries").get(&office).cloned()
    }

    fn replace(&self, all: HashMap<Uuid, Arc<Dictionary>>) {
        *self.0.write().expect("dictionaries") = all;
    }
}

/// What one maintenance run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FrameReport {
    /// Offices that got their dictionary in this run.
    pub trained: usize,
    /// Frames written for cases that had none.
    pub filled: u64,
}

/// Reads every office's dictionary: `(office, dictionary)` pairs.
pub(crate) async fn read_dictionaries<'c, E>(
    executor: E,
    user: Option<&str>,
) -> StoreResult<Vec<(Uuid, Dictionary)>>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    let rows = match user {
        Some(user) => {
            sqlx::query(
                "SELECT office_id, dictionary FROM office_dictionaries WHERE office_id IN \
                 (SELECT office_id FROM memberships WHERE user_id = $1) ORDER BY dict_id",
            )
            .bind(user.to_owned())
            .fetch_all(executor)
            .await?
        }
        None => {
            sqlx::query("SELECT office_id, dictionary FROM office_dictionaries ORDER BY dict_id")
                .fetch_all(executor)
                .await?
        }
    };
    rows.iter()
        .map(|row| {
            let office: String = row.try_get("office_id")?;
            let office = Uuid::parse_str(&office)
                .map_err(|e| StoreError::Corrupt(format!("office id {office:?}: {e}")))?;
            let bytes: Vec<u8> = row.try_get("dictionary")?;
            let dictionary = Dictionary::from_bytes(bytes).ok_or_else(|| {
                StoreError::Corrupt(format!("the dictionary of office {office} is damaged"))
            })?;
            Ok((office, dictionary))
        })
        .collect()
}

impl SqlStore {
    /// Writes the frames of `cases` (each with its aggregate's JSON as stored) in the
    /// transaction that writes the aggregates. A case whose office has no dictionary
    /// known here gets no frame; with `replace`, an older frame of it is deleted, so
    /// no frame ever outlives its aggregate.
    pub(crate) async fn write_frames(
        &self,
        tx: &mut Transaction<'static, Any>,
        cases: &[(&CaseAggregate, &str)],
        replace: bool,
    ) -> StoreResult<()> {
        let mut frames = Vec::with_capacity(cases.len());
        let mut without = Vec::new();
        for (case, json) in cases {
            match self.dictionaries.of(case.office_id) {
                Some(dictionary) => frames.push((case.id, dictionary.pack(json))),
                None if replace => without.push(case.id),
                None => {}
            }
        }
        upsert_frames(tx, &frames).await?;
        for chunk in without.chunks(FRAMES_PER_STATEMENT) {
            let mut sql = String::from("DELETE FROM case_frames WHERE case_id IN (");
            placeholders(&mut sql, 1, chunk.len());
            sql.push(')');
            let mut args = AnyArguments::default();
            for id in chunk {
                let _ = args.add(id.to_string());
            }
            sqlx::query_with(&sql, args).execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Loads every office's dictionary into this process.
    pub(crate) async fn load_dictionaries(&self) -> StoreResult<()> {
        let all = read_dictionaries(&self.reader, None).await?;
        self.dictionaries.replace(
            all.into_iter()
                .map(|(office, dictionary)| (office, Arc::new(dictionary)))
                .collect(),
        );
        Ok(())
    }

    /// Trains the dictionary of every office that has enough cases and none yet,
    /// then writes the frames that are missing. Safe to run from several processes
    /// at once and while commands are applied.
    pub(crate) async fn maintain(&self) -> StoreResult<FrameReport> {
        let mut report = FrameReport::default();
        self.load_dictionaries().await?;
        let untrained: Vec<String> = sqlx::query_scalar(
            "SELECT office_id FROM cases WHERE office_id NOT IN \
             (SELECT office_id FROM office_dictionaries) \
             GROUP BY office_id HAVING COUNT(*) >= $1",
        )
        .bind(TRAIN_AFTER_CASES)
        .fetch_all(&self.reader)
        .await?;
        for office in untrained {
            // The office's newest cases show its current forms and histories.
            let samples: Vec<String> = sqlx::query_scalar(
                "SELECT aggregate FROM cases WHERE office_id = $1 ORDER BY seq DESC LIMIT $2",
            )
            .bind(&office)
            .bind(TRAINING_SAMPLES as i64)
            .fetch_all(&self.reader)
            .await?;
            if samples.len() < MIN_SAMPLES {
                continue;
            }
            let Some(dictionary) = tokio::task::spawn_blocking(move || Dictionary::train(&samples))
                .await
                .map_err(|e| StoreError::Corrupt(format!("training a dictionary: {e}")))?
            else {
                tracing::warn!(%office, "no dictionary could be trained for the office");
                continue;
            };
            // Another process may have trained one meanwhile (the office is the key),
            // and a dictionary id must name one dictionary only (`dict_id` is unique):
            // either way this one is dropped and the stored one is used.
            let stored = sqlx::query(
                "INSERT INTO office_dictionaries (office_id, dict_id, dictionary, trained_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(&office)
            .bind(i64::from(dictionary.id()))
            .bind(dictionary.bytes().to_vec())
            .bind(ts(Utc::now()))
            .execute(&self.writer)
            .await?;
            if stored.rows_affected() == 1 {
                tracing::info!(%office, dict_id = dictionary.id(), "office dictionary trained");
                report.trained += 1;
            }
        }
        self.load_dictionaries().await?;
        let offices: Vec<Uuid> = self
            .dictionaries
            .0
            .read()
            .expect("dictionaries")
            .keys()
            .copied()
            .collect();
        for office in offices {
            let mut after = String::new();
            while let Some((filled, last)) = self.fill_frames(office, &after).await? {
                report.filled += filled;
                after = last;
            }
        }
        if report != FrameReport::default() {
            tracing::info!(?report, "case frames maintained");
        }
        Ok(report)
    }

    /// Writes frames for up to [`FILL_BATCH`] cases of `office` after case id `after`
    /// that have none; returns how many and the last case id looked at, or `None`
    /// when no case is left. The cases are read in the writing transaction (locked on
    /// PostgreSQL, as a command locks them), so a frame is never made from an
    /// aggregate that changed since.
    async fn fill_frames(&self, office: Uuid, after: &str) -> StoreResult<Option<(u64, String)>> {
        let Some(dictionary) = self.dictionaries.of(office) else {
            return Ok(None);
        };
        let lock = self.dialect.for_update_of_cases();
        let mut tx = self.writer.begin().await?;
        let rows = sqlx::query(&format!(
            "SELECT id, aggregate FROM cases WHERE office_id = $1 AND id > $2 AND NOT EXISTS \
             (SELECT 1 FROM case_frames WHERE case_frames.case_id = cases.id) \
             ORDER BY id LIMIT $3{lock}"
        ))
        .bind(office.to_string())
        .bind(after.to_owned())
        .bind(FILL_BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let mut frames = Vec::with_capacity(rows.len());
        let mut last = None;
        for row in &rows {
            let text: String = row.try_get("id")?;
            let id = Uuid::parse_str(&text)
                .map_err(|e| StoreError::Corrupt(format!("case id {text:?}: {e}")))?;
            let aggregate: String = row.try_get("aggregate")?;
            frames.push((id, dictionary.pack(&aggregate)));
            last = Some(text);
        }
        upsert_frames(&mut tx, &frames).await?;
        tx.commit().await?;
        Ok(last.map(|last| (frames.len() as u64, last)))
    }
}

async fn upsert_frames(
    tx: &mut Transaction<'static, Any>,
    frames: &[(Uuid, Vec<u8>)],
) -> StoreResult<()> {
    for chunk in frames.chunks(FRAMES_PER_STATEMENT) {
        let mut sql = String::from("INSERT INTO case_frames (case_id, frame) VALUES");
        values_clause(&mut sql, chunk.len(), 2);
        sql.push_str(" ON CONFLICT (case_id) DO UPDATE SET frame = excluded.frame");
        let mut args = AnyArguments::default();
        for (id, frame) in chunk {
            let _ = args.add(id.to_string());
            let _ = args.add(frame.clone());
        }
        sqlx::query_with(&sql, args).execute(&mut **tx).await?;
    }
    Ok(())
}
