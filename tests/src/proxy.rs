//! A TCP proxy between a desktop and the portal that can play a broken network: down,
//! a reply that never comes, a stream cut off, a flipped byte.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does to traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Pass everything through.
    None,
    /// Refuse every connection (closed at once): the portal is unreachable.
    Down,
    /// Forward command batches to the portal but never deliver its reply.
    SwallowCommandReplies,
    /// Cut the bootstrap response after this many bytes.
    CutBootstrapAfter(usize),
    /// Flip the first body byte of every blob download.
    CorruptBlobs,
    /// Cut every blob download after this many bytes.
    CutBlobsAfter(usize),
}

struct ProxyState {
    backend: Mutex<SocketAddr>,
    fault: Mutex<Fault>,
    /// Request lines seen, in order (`GET /api/v1/office/sync/bootstrap?after=…`).
    requests: Mutex<Vec<String>>,
}

/// A TCP proxy on `127.0.0.1:0` in front of the portal.
pub struct Proxy {
    pub base: String,
    state: Arc<ProxyState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    pub async fn start(backend: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(ProxyState {
            backend: Mutex::new(backend),
            fault: Mutex::new(Fault::None),
            requests: Mutex::new(Vec::new()),
        });
        let task = {
            let state = state.clone();
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    let state = state.clone();
                    tokio::spawn(async move { relay(client, state).await });
                }
            })
        };
        Proxy {
            base: format!("http://{addr}"),
            state,
            task,
        }
    }

    pub fn set_fault(&self, fault: Fault) {
        *self.state.fault.lock().unwrap() = fault;
    }

    pub fn set_backend(&self, backend: SocketAddr) {
        *self.state.backend.lock().unwrap() = backend;
    }

    pub fn requests(&self) -> Vec<String> {
        self.state.requests.lock().unwrap().clone()
    }
}

async fn relay(mut client: TcpStream, state: Arc<ProxyState>) {
    let fault = *state.fault.lock().unwrap();
    if fault == Fault::Down {
        return;
    }
    let backend = *state.backend.lock().unwrap();
    let Ok(server) = TcpStream::connect(backend).await else {
        let _ = client.shutdown().await;
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let swallow = Arc::new(AtomicBool::new(false));
    let cut = Arc::new(AtomicBool::new(false));
    let corrupt = Arc::new(AtomicBool::new(false));
    let upstream = {
        let (state, swallow, cut, corrupt) =
            (state.clone(), swallow.clone(), cut.clone(), corrupt.clone());
        async move {
            let mut buffer = vec![0; 64 * 1024];
            loop {
                let n = match client_read.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let chunk = &buffer[..n];
                let fault = *state.fault.lock().unwrap();
                for line in request_lines(chunk) {
                    if line.starts_with("POST /api/v1/office/commands")
                        && fault == Fault::SwallowCommandReplies
                    {
                        swallow.store(true, Ordering::SeqCst);
                    }
                    if line.starts_with("GET /api/v1/office/sync/bootstrap")
                        && matches!(fault, Fault::CutBootstrapAfter(_))
                        || line.starts_with("GET /api/v1/office/blobs/")
                            && matches!(fault, Fault::CutBlobsAfter(_))
                    {
                        cut.store(true, Ordering::SeqCst);
                    }
                    if line.starts_with("GET /api/v1/office/blobs/") && fault == Fault::CorruptBlobs
                    {
                        corrupt.store(true, Ordering::SeqCst);
                    }
                    state.requests.lock().unwrap().push(line);
                }
                if server_write.write_all(chunk).await.is_err() {
                    break;
                }
            }
            let _ = server_write.shutdown().await;
        }
    };
    let downstream = async move {
        let mut buffer = vec![0; 64 * 1024];
        let mut sent_of_cut = 0usize;
        let mut flip_next_chunk = false;
        loop {
            let n = match server_read.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let chunk = &mut buffer[..n];
            if swallow.load(Ordering::SeqCst) {
                // The portal has the request; its answer is lost on the way back.
                continue;
            }
            if cut.load(Ordering::SeqCst) {
                let limit = match *state.fault.lock().unwrap() {
                    Fault::CutBootstrapAfter(limit) | Fault::CutBlobsAfter(limit) => limit,
                    _ => usize::MAX,
                };
                let room = limit.saturating_sub(sent_of_cut);
                let take = room.min(chunk.len());
                let _ = client_write.write_all(&chunk[..take]).await;
                sent_of_cut += take;
                if sent_of_cut >= limit {
                    break;
                }
                continue;
            }
            if flip_next_chunk && !chunk.is_empty() {
                chunk[0] ^= 0xff;
                flip_next_chunk = false;
            } else if corrupt.swap(false, Ordering::SeqCst) {
                match find(chunk, b"\r\n\r\n") {
                    Some(end) if end + 4 < chunk.len() => chunk[end + 4] ^= 0xff,
                    // The headers end this chunk: flip the body's first byte next.
                    Some(_) => flip_next_chunk = true,
                    None => corrupt.store(true, Ordering::SeqCst),
                }
            }
            if client_write.write_all(chunk).await.is_err() {
                break;
            }
        }
        let _ = client_write.shutdown().await;
    };
    tokio::select! {
        _ = async { tokio::join!(upstream, downstream) } => {}
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// HTTP request lines in a chunk of client bytes, and `range` headers.
fn request_lines(chunk: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(chunk)
        .split("\r\n")
        .filter(|line| {
            ["GET ", "POST ", "PUT ", "DELETE "]
                .iter()
                .any(|m| line.starts_with(m))
                && line.ends_with(" HTTP/1.1")
                || line.to_ascii_lowercase().starts_with("range: ")
        })
        .map(str::to_owned)
        .collect()
}
