//! The document cache: content-addressed files under `blobs/` in the data directory,
//! indexed in the local store.
//!
//! Architecture invariant: bytes are checked against their SHA-256 before they are
//! used, on every read, not only after the download; a file that does not match is
//! deleted and fetched again, never shown. Downloads resume with `Range` from the
//! `.part` file an interrupted one left behind. The cache keeps to a size budget by
//! evicting the least recently used documents, except those a pending command still
//! needs (letters and scans not yet uploaded are never evicted).

use std::path::{Path, PathBuf};

use casedesk_domain::wire::is_sha256_hex;
use chrono::Utc;
use futures::StreamExt;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::{ClientError, Result};
use crate::portal::{Portal, checked};
use crate::store::LocalStore;

#[derive(Debug, Clone)]
pub struct BlobCache {
    dir: PathBuf,
    store: LocalStore,
    budget_bytes: u64,
}

/// A verified document.
#[derive(Debug, Clone)]
pub struct Document {
    pub sha256: String,
    pub media_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl BlobCache {
    pub fn new(dir: PathBuf, store: LocalStore, budget_bytes: u64) -> Self {
        Self {
            dir,
            store,
            budget_bytes,
        }
    }

    fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(&sha256[..2]).join(sha256)
    }

    fn part_path(&self, sha256: &str) -> PathBuf {
        self.dir.join(&sha256[..2]).join(format!("{sha256}.part"))
    }

    fn check_name(sha256: &str) -> Result<()> {
        if is_sha256_hex(sha256) {
            Ok(())
        } else {
            Err(ClientError::Invalid(format!("kein SHA-256: {sha256:.80}")))
        }
    }

    /// Whether the document is in the cache, complete (not verified here).
    pub async fn is_cached(&self, sha256: &str) -> Result<bool> {
        Self::check_name(sha256)?;
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM blobs WHERE sha256 = ?")
            .bind(sha256)
            .fetch_optional(&self.store.reader)
            .await?;
        Ok(matches!(state.as_deref(), Some("complete" | "outgoing"))
            && tokio::fs::try_exists(self.path(sha256)).await?)
    }

    /// The document's bytes, verified; fetched from the portal when not cached or when
    /// the cached copy no longer matches its hash.
    pub async fn read(&self, portal: Option<&Portal>, sha256: &str) -> Result<Document> {
        Self::check_name(sha256)?;
        if let Some(document) = self.read_cached(sha256).await? {
            return Ok(document);
        }
        let portal = portal.ok_or_else(|| ClientError::BlobNotFound(sha256.to_owned()))?;
        // One retry: a first failure may be a corrupted transfer; a second in a row
        // is reported.
        match self.download(portal, sha256).await {
            Err(ClientError::BlobCorrupt(_)) => self.download(portal, sha256).await?,
            other => other?,
        }
        self.read_cached(sha256)
            .await?
            .ok_or_else(|| ClientError::BlobCorrupt(sha256.to_owned()))
    }

    /// The cached bytes if present and intact; a damaged file is removed.
    async fn read_cached(&self, sha256: &str) -> Result<Option<Document>> {
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT state, media_type FROM blobs WHERE sha256 = ?")
                .bind(sha256)
                .fetch_optional(&self.store.reader)
                .await?;
        let Some((state, media_type)) = row else {
            return Ok(None);
        };
        if state == "partial" {
            return Ok(None);
        }
        let path = self.path(sha256);
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.forget(sha256).await?;
                return Ok(None);
            }
            Err(e) => return Err(e.into()),
        };
        if hex::encode(Sha256::digest(&bytes)) != sha256 {
            tracing::warn!(sha256, "cached document does not match its hash; discarded");
            let _ = tokio::fs::remove_file(&path).await;
            if state == "outgoing" {
                // A letter or scan made here that is damaged cannot be fetched again.
                return Err(ClientError::BlobCorrupt(sha256.to_owned()));
            }
            self.forget(sha256).await?;
            return Ok(None);
        }
        sqlx::query("UPDATE blobs SET last_used = ? WHERE sha256 = ?")
            .bind(now())
            .bind(sha256)
            .execute(&self.store.writer)
            .await?;
        Ok(Some(Document {
            sha256: sha256.to_owned(),
            media_type,
            bytes,
        }))
    }

    async fn forget(&self, sha256: &str) -> Result<()> {
        sqlx::query("DELETE FROM blobs WHERE sha256 = ?")
            .bind(sha256)
            .execute(&self.store.writer)
            .await?;
        Ok(())
    }

    /// Downloads a document into the cache, resuming a partial download, and verifies
    /// it. A mismatch deletes what was received and answers `BlobCorrupt`.
    pub async fn download(&self, portal: &Portal, sha256: &str) -> Result<()> {
        Self::check_name(sha256)?;
        let part = self.part_path(sha256);
        tokio::fs::create_dir_all(part.parent().expect("a parent")).await?;
        let have = match tokio::fs::metadata(&part).await {
            Ok(meta) => meta.len(),
            Err(_) => 0,
        };
        let url = portal.url(&format!("blobs/{sha256}"));
        let response = portal
            .send(|http| {
                let request = http.get(&url);
                if have > 0 {
                    request.header(reqwest::header::RANGE, format!("bytes={have}-"))
                } else {
                    request
                }
            })
            .await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Err(ClientError::BlobNotFound(sha256.to_owned()));
        }
        if response.status() == StatusCode::RANGE_NOT_SATISFIABLE {
            // The partial file is as long as the whole or longer: start over.
            let _ = tokio::fs::remove_file(&part).await;
            return Err(ClientError::BlobCorrupt(sha256.to_owned()));
        }
        let response = checked(response).await?;
        let resumed = response.status() == StatusCode::PARTIAL_CONTENT;
        let media_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        sqlx::query(
            "INSERT INTO blobs (sha256, size, media_type, state, last_used) \
             VALUES (?, 0, ?, 'partial', ?) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(&media_type)
        .bind(now())
        .execute(&self.store.writer)
        .await?;
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(resumed)
            .write(true)
            .truncate(!resumed)
            .open(&part)
            .await?;
        let mut body = response.bytes_stream();
        while let Some(chunk) = body.next().await {
            // A cut connection leaves the part file for the next attempt to resume.
            let chunk = chunk?;
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        let (digest, size) = hash_file(&part).await?;
        if digest != sha256 {
            tracing::warn!(sha256, received = %digest, "document corrupted in transit; discarded");
            let _ = tokio::fs::remove_file(&part).await;
            self.forget(sha256).await?;
            return Err(ClientError::BlobCorrupt(sha256.to_owned()));
        }
        tokio::fs::rename(&part, self.path(sha256)).await?;
        sqlx::query(
            "UPDATE blobs SET state = 'complete', size = ?, media_type = coalesce(?, media_type), \
             last_used = ? WHERE sha256 = ?",
        )
        .bind(size as i64)
        .bind(&media_type)
        .bind(now())
        .bind(sha256)
        .execute(&self.store.writer)
        .await?;
        // The document just fetched is about to be used: it stays even when it alone
        // is over the budget.
        self.evict_except(Some(sha256)).await?;
        Ok(())
    }

    /// Adds a document made on this desktop (a letter, a scan); it stays in the cache
    /// until uploaded and is never evicted before that.
    pub async fn add_outgoing(&self, bytes: &[u8], media_type: &str) -> Result<String> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let path = self.path(&sha256);
        tokio::fs::create_dir_all(path.parent().expect("a parent")).await?;
        let temp = path.with_extension("tmp");
        {
            let mut file = tokio::fs::File::create(&temp).await?;
            file.write_all(bytes).await?;
            file.sync_all().await?;
        }
        tokio::fs::rename(&temp, &path).await?;
        sqlx::query(
            "INSERT INTO blobs (sha256, size, media_type, state, last_used) \
             VALUES (?, ?, ?, 'outgoing', ?) \
             ON CONFLICT (sha256) DO UPDATE SET state = CASE WHEN blobs.state = 'complete' \
             THEN 'complete' ELSE 'outgoing' END, size = excluded.size",
        )
        .bind(&sha256)
        .bind(bytes.len() as i64)
        .bind(media_type)
        .bind(now())
        .execute(&self.store.writer)
        .await?;
        Ok(sha256)
    }

    /// Uploads an outgoing document; afterwards it is an ordinary cached document.
    pub(crate) async fn upload(&self, portal: &Portal, sha256: &str) -> Result<()> {
        Self::check_name(sha256)?;
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM blobs WHERE sha256 = ?")
            .bind(sha256)
            .fetch_optional(&self.store.reader)
            .await?;
        if state.as_deref() != Some("outgoing") {
            // Downloaded from the portal, or uploaded already.
            return Ok(());
        }
        let document = self
            .read_cached(sha256)
            .await?
            .ok_or_else(|| ClientError::BlobNotFound(sha256.to_owned()))?;
        let url = portal.url(&format!("blobs/{sha256}"));
        let bytes = bytes::Bytes::from(document.bytes);
        let response = portal
            .send(|http| {
                let mut request = http.put(&url).body(bytes.clone());
                if let Some(media_type) = &document.media_type {
                    request = request.header(reqwest::header::CONTENT_TYPE, media_type);
                }
                request
            })
            .await?;
        checked(response).await?;
        sqlx::query("UPDATE blobs SET state = 'complete' WHERE sha256 = ?")
            .bind(sha256)
            .execute(&self.store.writer)
            .await?;
        Ok(())
    }

    /// Evicts least recently used documents until the cache fits its budget. Returns
    /// the bytes freed.
    pub async fn evict(&self) -> Result<u64> {
        self.evict_except(None).await
    }

    async fn evict_except(&self, keep: Option<&str>) -> Result<u64> {
        let total: i64 = sqlx::query_scalar(
            "SELECT coalesce(sum(size), 0) FROM blobs WHERE state IN ('complete', 'outgoing')",
        )
        .fetch_one(&self.store.reader)
        .await?;
        let mut excess = (total as u64).saturating_sub(self.budget_bytes);
        if excess == 0 {
            return Ok(0);
        }
        let candidates: Vec<(String, i64)> = sqlx::query_as(
            "SELECT sha256, size FROM blobs WHERE state = 'complete' \
             AND sha256 NOT IN (SELECT blob_sha256 FROM outbox \
                 WHERE blob_sha256 IS NOT NULL AND state = 'pending') \
             AND sha256 IS NOT ? ORDER BY last_used",
        )
        .bind(keep)
        .fetch_all(&self.store.reader)
        .await?;
        let mut freed = 0;
        for (sha256, size) in candidates {
            if excess == 0 {
                break;
            }
            match tokio::fs::remove_file(self.path(&sha256)).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
            self.forget(&sha256).await?;
            let size = size as u64;
            freed += size;
            excess = excess.saturating_sub(size);
        }
        Ok(freed)
    }

    /// Bytes of complete documents in the cache.
    pub async fn used_bytes(&self) -> Result<u64> {
        let total: i64 = sqlx::query_scalar(
            "SELECT coalesce(sum(size), 0) FROM blobs WHERE state IN ('complete', 'outgoing')",
        )
        .fetch_one(&self.store.reader)
        .await?;
        Ok(total as u64)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

async fn hash_file(path: &Path) -> Result<(String, u64)> {
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 256 * 1024];
    let mut size = 0;
    loop {
        let n = file.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}
