//! Document storage: content-addressed by SHA-256, on local disk or S3.
//!
//! Both backends sit behind `object_store`, so the portal has one code path. An upload
//! is streamed to a spool file while it is hashed, counted and sniffed; only when it is
//! complete, within the size limit, of an accepted type (by content, never by name or
//! header) and, where the client named a hash, matching that hash, is it moved into the
//! store under `ab/cd/<sha256>`. A whole upload is never held in memory.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectStore, WriteMultipart};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Media types the portal accepts, detected from the content.
pub const ACCEPTED_MEDIA_TYPES: &[&str] =
    &["application/pdf", "image/jpeg", "image/png", "image/tiff"];

/// Where blobs live.
#[derive(Debug, Clone, Deserialize, serde::Serialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlobConfig {
    /// `<data dir>/blobs`.
    #[default]
    Local,
    /// An S3-compatible bucket. Credentials may also come from the usual `AWS_*`
    /// environment variables.
    S3 {
        bucket: String,
        #[serde(default)]
        endpoint: Option<String>,
        #[serde(default)]
        region: Option<String>,
        #[serde(default)]
        access_key_id: Option<String>,
        #[serde(default)]
        secret_access_key: Option<String>,
        /// Allow plain HTTP endpoints (a MinIO on the local network).
        #[serde(default)]
        allow_http: bool,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the file is empty")]
    Empty,
    #[error("only PDF, JPEG, PNG and TIFF files are accepted")]
    UnsupportedType,
    #[error("the content does not match the announced SHA-256 (got {actual})")]
    HashMismatch { actual: String },
    #[error("no such blob")]
    NotFound,
    #[error("the requested range lies outside the file")]
    BadRange,
    #[error("upload interrupted: {0}")]
    Interrupted(String),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("blob store error: {0}")]
    Store(#[from] object_store::Error),
}

/// A blob accepted into the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub sha256: String,
    pub size: u64,
    pub media_type: &'static str,
}

/// A blob being read back.
pub struct Reading {
    pub total_size: u64,
    /// The bytes served: the whole file or the requested range.
    pub range: Range<u64>,
    pub body: BoxStream<'static, Result<Bytes, BlobError>>,
}

pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    spool: PathBuf,
}

/// Detects the accepted media type of a file from its first bytes.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    let kind = infer::get(head)?;
    ACCEPTED_MEDIA_TYPES
        .iter()
        .find(|accepted| **accepted == kind.mime_type())
        .copied()
}

/// The file extension that belongs to an accepted media type.
pub fn extension_of(media_type: &str) -> &'static str {
    match media_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/tiff" => "tif",
        _ => "bin",
    }
}

/// Makes a sanitised file name's extension agree with the detected content, so a PNG
/// uploaded as `scan.pdf` is offered as `scan.png` and never opened as the wrong type.
pub fn name_for_content(sanitised: &str, media_type: &str) -> String {
    let wanted = extension_of(media_type);
    let (stem, ext) = match sanitised.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, Some(ext.to_ascii_lowercase())),
        _ => (sanitised, None),
    };
    let matches = match ext.as_deref() {
        Some(e) => {
            e == wanted || (wanted == "jpg" && e == "jpeg") || (wanted == "tif" && e == "tiff")
        }
        None => false,
    };
    if matches {
        sanitised.to_owned()
    } else {
        format!("{stem}.{wanted}")
    }
}

fn object_path(sha256: &str) -> ObjectPath {
    ObjectPath::from(format!("{}/{}/{}", &sha256[0..2], &sha256[2..4], sha256))
}

/// How many leading bytes are kept to sniff the type.
const SNIFF_BYTES: usize = 8192;
/// Chunk size of multipart writes into the store (S3's minimum part is 5 MiB).
const PART_BYTES: usize = 8 * 1024 * 1024;

impl BlobStore {
    /// Opens the store configured, spooling uploads under `data_dir/spool`.
    pub fn open(config: &BlobConfig, data_dir: &Path) -> Result<Self, BlobError> {
        let spool = data_dir.join("spool");
        std::fs::create_dir_all(&spool)?;
        let store: Arc<dyn ObjectStore> = match config {
            BlobConfig::Local => {
                let dir = data_dir.join("blobs");
                std::fs::create_dir_all(&dir)?;
                Arc::new(LocalFileSystem::new_with_prefix(&dir)?.with_automatic_cleanup(true))
            }
            BlobConfig::S3 {
                bucket,
                endpoint,
                region,
                access_key_id,
                secret_access_key,
                allow_http,
            } => {
                let mut builder = AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .with_allow_http(*allow_http);
                if let Some(endpoint) = endpoint {
                    builder = builder.with_endpoint(endpoint);
                }
                if let Some(region) = region {
                    builder = builder.with_region(region);
                }
                if let Some(key) = access_key_id {
                    builder = builder.with_access_key_id(key);
                }
                if let Some(secret) = secret_access_key {
                    builder = builder.with_secret_access_key(secret);
                }
                Arc::new(builder.build()?)
            }
        };
        Ok(Self { store, spool })
    }

    /// Streams an upload into the store. `expected` is the SHA-256 the client
    /// announced (office `PUT blobs/{sha256}`); citizen uploads pass `None`.
    pub async fn put_stream<S, E>(
        &self,
        mut body: S,
        max_bytes: u64,
        expected: Option<&str>,
    ) -> Result<Accepted, BlobError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let spool_file = tempfile::NamedTempFile::new_in(&self.spool)?;
        let mut file = tokio::fs::File::from_std(spool_file.reopen()?);
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| BlobError::Interrupted(e.to_string()))?;
            size += chunk.len() as u64;
            if size > max_bytes {
                return Err(BlobError::TooLarge { limit: max_bytes });
            }
            if head.len() < SNIFF_BYTES {
                let take = (SNIFF_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await?;
        }
        if size == 0 {
            return Err(BlobError::Empty);
        }
        let media_type = sniff(&head).ok_or(BlobError::UnsupportedType)?;
        let sha256 = hex::encode(hasher.finalize());
        if let Some(expected) = expected {
            if expected != sha256 {
                return Err(BlobError::HashMismatch { actual: sha256 });
            }
        }
        file.flush().await?;
        drop(file);
        let path = object_path(&sha256);
        // Content addressing makes a second upload of the same bytes a no-op.
        match self.store.head(&path).await {
            Ok(meta) if meta.size == size => {}
            Ok(_) | Err(object_store::Error::NotFound { .. }) => {
                self.copy_into_store(spool_file.path(), &path).await?;
            }
            Err(e) => return Err(e.into()),
        }
        Ok(Accepted {
            sha256,
            size,
            media_type,
        })
    }

    async fn copy_into_store(&self, from: &Path, to: &ObjectPath) -> Result<(), BlobError> {
        let upload = self.store.put_multipart(to).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut file = tokio::fs::File::open(from).await?;
        let mut buffer = vec![0_u8; 1024 * 1024];
        loop {
            let n = file.read(&mut buffer).await?;
            if n == 0 {
                break;
            }
            writer.wait_for_capacity(4).await?;
            writer.write(&buffer[..n]);
        }
        writer.finish().await?;
        Ok(())
    }

    /// The size of a stored blob, or `None`.
    pub async fn size(&self, sha256: &str) -> Result<Option<u64>, BlobError> {
        if !casedesk_domain::wire::is_sha256_hex(sha256) {
            return Ok(None);
        }
        match self.store.head(&object_path(sha256)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Reads a blob, or the byte range `range` (end exclusive) of it.
    pub async fn get(&self, sha256: &str, range: Option<Range<u64>>) -> Result<Reading, BlobError> {
        let total_size = self.size(sha256).await?.ok_or(BlobError::NotFound)?;
        let range = match range {
            Some(r) if r.start >= total_size || r.start >= r.end => {
                return Err(BlobError::BadRange);
            }
            Some(r) => r.start..r.end.min(total_size),
            None => 0..total_size,
        };
        let options = GetOptions {
            range: Some(GetRange::Bounded(range.clone())),
            ..GetOptions::default()
        };
        let result = self.store.get_opts(&object_path(sha256), options).await?;
        Ok(Reading {
            total_size,
            range,
            body: result.into_stream().map_err(BlobError::from).boxed(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

    fn chunks(
        data: &[u8],
        size: usize,
    ) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
        let parts: Vec<_> = data
            .chunks(size)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        futures::stream::iter(parts)
    }

    #[tokio::test]
    async fn stores_by_hash_and_reads_ranges_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(&BlobConfig::Local, dir.path()).unwrap();
        let accepted = store
            .put_stream(chunks(PDF, 5), 1 << 20, None)
            .await
            .unwrap();
        assert_eq!(accepted.media_type, "application/pdf");
        assert_eq!(accepted.sha256, hex::encode(Sha256::digest(PDF)));
        let reading = store.get(&accepted.sha256, Some(1..4)).await.unwrap();
        let bytes: Vec<Bytes> = reading.body.try_collect().await.unwrap();
        assert_eq!(bytes.concat(), b"PDF");
        // The spool is empty again: nothing is left behind.
        assert_eq!(
            std::fs::read_dir(dir.path().join("spool")).unwrap().count(),
            0
        );
    }

    #[tokio::test]
    async fn refuses_oversized_unknown_empty_and_mismatched_uploads() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(&BlobConfig::Local, dir.path()).unwrap();
        assert!(matches!(
            store.put_stream(chunks(PDF, 7), 10, None).await,
            Err(BlobError::TooLarge { limit: 10 })
        ));
        assert!(matches!(
            store
                .put_stream(chunks(b"MZ\x90\0 this is an exe", 4), 1 << 20, None)
                .await,
            Err(BlobError::UnsupportedType)
        ));
        assert!(matches!(
            store.put_stream(chunks(b"", 4), 1 << 20, None).await,
            Err(BlobError::Empty)
        ));
        assert!(matches!(
            store
                .put_stream(chunks(PNG, 4), 1 << 20, Some(&"0".repeat(64)))
                .await,
            Err(BlobError::HashMismatch { .. })
        ));
        assert_eq!(
            std::fs::read_dir(dir.path().join("spool")).unwrap().count(),
            0
        );
    }

    #[tokio::test]
    async fn a_broken_stream_stores_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(&BlobConfig::Local, dir.path()).unwrap();
        let broken = futures::stream::iter(vec![
            Ok(Bytes::from_static(PDF)),
            Err(std::io::Error::other("connection reset")),
        ]);
        assert!(matches!(
            store.put_stream(broken, 1 << 20, None).await,
            Err(BlobError::Interrupted(_))
        ));
        let sha = hex::encode(Sha256::digest(PDF));
        assert_eq!(store.size(&sha).await.unwrap(), None);
    }

    #[test]
    fn names_follow_the_content() {
        assert_eq!(name_for_content("scan.pdf", "image/png"), "scan.png");
        assert_eq!(name_for_content("foto.JPEG", "image/jpeg"), "foto.JPEG");
        assert_eq!(name_for_content("plan", "application/pdf"), "plan.pdf");
    }
}
