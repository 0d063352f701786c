//! A round-robin HTTP proxy in front of a service's replicas, for the scale-out test: each
//! request goes to the next replica in turn (sent with `connection: close`, so that one
//! connection carries one request and no keep-alive pins a client to a replica), and every
//! request is recorded: method, path, what the body says (less its `timestamp`, which a sender
//! renews on every attempt), the answer's status and the replica.
//! [`Proxy::pin`] sends everything to one replica for a while (the OTP sandbox endpoints read
//! what the replica itself "sent", standing in for an SMS).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request that went through the proxy.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// The JSON body without its `timestamp`: the same for every attempt at one message.
    pub message: Option<String>,
    /// The replica's answer (0 when it could not be reached).
    pub status: u16,
    pub replica: usize,
}

/// A running proxy; it stops with the test's runtime.
#[derive(Clone)]
pub struct Proxy {
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pinned: Arc<AtomicUsize>,
}

const ROUND_ROBIN: usize = usize::MAX;

impl Proxy {
    /// Listens on `port` of loopback and spreads requests over `replicas` (their ports).
    pub async fn start(port: u16, replicas: Vec<u16>) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let proxy = Self {
            seen: Arc::new(Mutex::new(Vec::new())),
            pinned: Arc::new(AtomicUsize::new(ROUND_ROBIN)),
        };
        let pinned = proxy.pinned.clone();
        let next = Arc::new(AtomicUsize::new(0));
        let replicas = Arc::new(replicas);
        let seen = proxy.seen.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (next, replicas, seen) = (next.clone(), replicas.clone(), seen.clone());
                let pinned = pinned.load(Ordering::SeqCst);
                tokio::spawn(async move {
                    let replica = match pinned {
                        ROUND_ROBIN => next.fetch_add(1, Ordering::SeqCst) % replicas.len(),
                        one => one,
                    };
                    if let Some(request) = forward(client, replicas[replica], replica).await {
                        seen.lock().unwrap().push(request);
                    }
                });
            }
        });
        proxy
    }

    /// Sends every request to `replica` from now on (`None`: round robin again).
    pub fn pin(&self, replica: Option<usize>) {
        self.pinned
            .store(replica.unwrap_or(ROUND_ROBIN), Ordering::SeqCst);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Reads one request from `client`, sends it to the replica on `port`, and the whole answer back.
async fn forward(mut client: TcpStream, port: u16, replica: usize) -> Option<Seen> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = find(&buffer, b"\r\n\r\n") {
            break at + 4;
        }
        let mut chunk = [0_u8; 8192];
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?.to_owned();
    let mut parts = request_line.split(' ');
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut length = 0;
    let mut rewritten = format!("{request_line}\r\n");
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        let name = name.trim().to_ascii_lowercase();
        if name == "content-length" {
            length = value.trim().parse().ok()?;
        }
        if name != "connection" && name != "keep-alive" {
            rewritten.push_str(line);
            rewritten.push_str("\r\n");
        }
    }
    rewritten.push_str("connection: close\r\n\r\n");
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let mut chunk = [0_u8; 8192];
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let message = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .map(|mut v| {
            if let Some(fields) = v.as_object_mut() {
                fields.remove("timestamp");
            }
            v.to_string()
        });
    let mut seen = Seen {
        method,
        path,
        message,
        status: 0,
        replica,
    };
    let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", port)).await else {
        let _ = client
            .write_all(
                b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            )
            .await;
        return Some(seen);
    };
    upstream.write_all(rewritten.as_bytes()).await.ok()?;
    upstream.write_all(&body).await.ok()?;
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer).await.ok()?;
    seen.status = String::from_utf8_lossy(answer.get(..12).unwrap_or_default())
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let _ = client.write_all(&answer).await;
    let _ = client.shutdown().await;
    Some(seen)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
