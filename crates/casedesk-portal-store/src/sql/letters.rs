//! The tenant's letter templates and letterhead. Every change is also appended to
//! `letter_changes`, which is never updated, so who changed what and when stays
//! on record.

use async_trait::async_trait;
use chrono::Utc;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use super::{SqlStore, parse_ts, ts};
use crate::prelude::*;
use crate::{StaffUser, StoreResult, StoredLetterhead, StoredLetters, StoredTemplate};

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

#[async_trait]
impl LetterStore for SqlStore {
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
}
