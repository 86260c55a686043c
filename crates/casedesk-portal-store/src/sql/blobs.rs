//! The record of blobs (hash, size, media type, uploader) and the rule of who may
//! read one: staff through a case of their offices, citizens through their own cases
//! (documents, the decision's letter, the letters of later notices and of requests),
//! and everyone what they uploaded themselves.

use async_trait::async_trait;
use chrono::Utc;

use super::{SqlStore, ts};
use crate::prelude::*;
use crate::{BlobRecord, Principal, StoreResult};

#[async_trait]
impl BlobIndex for SqlStore {
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
                   (SELECT office_id FROM memberships WHERE user_id = $2)) \
                 OR EXISTS (SELECT 1 FROM notices n JOIN cases c ON c.id = n.case_id \
                   WHERE n.letter_sha256 = b.sha256 AND c.office_id IN \
                   (SELECT office_id FROM memberships WHERE user_id = $2)) \
                 OR EXISTS (SELECT 1 FROM request_letters r JOIN cases c ON c.id = r.case_id \
                   WHERE r.letter_sha256 = b.sha256 AND c.office_id IN \
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
                   WHERE x.letter_sha256 = b.sha256 AND c.citizen_id = $2) \
                 OR EXISTS (SELECT 1 FROM notices n JOIN cases c ON c.id = n.case_id \
                   WHERE n.letter_sha256 = b.sha256 AND c.citizen_id = $2) \
                 OR EXISTS (SELECT 1 FROM request_letters r JOIN cases c ON c.id = r.case_id \
                   WHERE r.letter_sha256 = b.sha256 AND c.citizen_id = $2))",
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
}
