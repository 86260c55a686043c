//! The blob store on S3-compatible storage, against a real S3 protocol server on
//! loopback (moto's standalone server, installed by scripts/test.sh). The same code
//! path serves the local directory; this proves the S3 configuration end to end:
//! streamed multipart upload, hash check, ranged reads.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use casedesk_portal::blobs::{BlobConfig, BlobError, BlobStore};
use futures::TryStreamExt;
use sha2::{Digest, Sha256};

struct S3Server {
    child: Child,
    endpoint: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn s3_server() -> S3Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let binary = std::env::var("CASEDESK_TEST_S3_SERVER").unwrap_or_else(|_| "moto_server".into());
    let child = Command::new(&binary)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {binary} ({e}); scripts/test.sh installs it (pip install 'moto[server]')")
        });
    let endpoint = format!("http://127.0.0.1:{port}");
    let server = S3Server { child, endpoint };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    // Creating the bucket doubles as the readiness probe.
    loop {
        match client
            .put(format!("{}/casedesk", server.endpoint))
            .send()
            .await
        {
            Ok(reply) if reply.status().is_success() => return server,
            _ if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(200)).await,
            other => panic!("the S3 server did not come up: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blobs_round_trip_through_s3() {
    let server = s3_server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = BlobConfig::S3 {
        bucket: "casedesk".into(),
        endpoint: Some(server.endpoint.clone()),
        region: Some("eu-central-1".into()),
        access_key_id: Some("casedesk-test".into()),
        secret_access_key: Some("casedesk-test-secret".into()),
        allow_http: true,
    };
    let store = BlobStore::open(&config, dir.path()).unwrap();
    // Larger than one multipart part, so the streamed multipart upload is exercised.
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..12 * 1024 * 1024).map(|i| (i % 251) as u8));
    let sha = hex::encode(Sha256::digest(&pdf));
    let chunks: Vec<Result<Bytes, std::io::Error>> = pdf
        .chunks(64 * 1024)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let accepted = store
        .put_stream(futures::stream::iter(chunks), 64 * 1024 * 1024, Some(&sha))
        .await
        .unwrap();
    assert_eq!(
        (accepted.sha256.as_str(), accepted.media_type),
        (sha.as_str(), "application/pdf")
    );
    assert_eq!(store.size(&sha).await.unwrap(), Some(pdf.len() as u64));
    let reading = store.get(&sha, Some(5_000_000..5_000_100)).await.unwrap();
    let part: Vec<Bytes> = reading.body.try_collect().await.unwrap();
    assert_eq!(part.concat(), &pdf[5_000_000..5_000_100]);
    let whole: Vec<Bytes> = store
        .get(&sha, None)
        .await
        .unwrap()
        .body
        .try_collect()
        .await
        .unwrap();
    assert_eq!(hex::encode(Sha256::digest(whole.concat())), sha);
    // A wrong hash stores nothing.
    let other = b"%PDF-1.7\nanders".to_vec();
    let wrong = store
        .put_stream(
            futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from(other.clone()))]),
            1 << 20,
            Some(&sha),
        )
        .await;
    assert!(matches!(wrong, Err(BlobError::HashMismatch { .. })));
    assert_eq!(
        store
            .size(&hex::encode(Sha256::digest(&other)))
            .await
            .unwrap(),
        None
    );
}
