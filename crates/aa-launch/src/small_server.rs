//! The small HTTP/1.1 server under the local ecosystem's stand-ins for Sahamati's services
//! (the Central Registry, the token service): plain `std::net`, a thread per connection, one
//! request per connection, a handler turning a [`Request`] into a status and a JSON body, or
//! (the local router) into a [`Reply`] with its own headers and bytes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

/// The largest request head read.
const MAX_HEAD: usize = 16 * 1024;
/// The largest request body read (the services' own limit).
const MAX_BODY: usize = 4 * 1024 * 1024;

/// One request as read.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path and query, e.g. `/entityInfo/AA`.
    pub target: String,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every header as read, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

/// What a handler answers.
pub type Handler = dyn Fn(&Request) -> (u16, Value) + Send + Sync;

/// An answer with its own headers (no `content-length` or `connection`: the server writes
/// those) and body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }
}

/// What a handler of raw replies answers.
pub type RawHandler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A running server; stopped when dropped.
pub struct SmallServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SmallServer {
    /// Serves `handler` on `listener` until dropped; `name` names its threads.
    pub fn serve(listener: TcpListener, name: &str, handler: Arc<Handler>) -> Result<Self, String> {
        Self::serve_raw(
            listener,
            name,
            Arc::new(move |request: &Request| {
                let (status, body) = handler(request);
                Reply::json(status, &body)
            }),
        )
    }

    /// Serves `handler`, whose replies carry their own headers.
    pub fn serve_raw(
        listener: TcpListener,
        name: &str,
        handler: Arc<RawHandler>,
    ) -> Result<Self, String> {
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let conn_name = format!("{name}-conn");
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                for stream in listener.incoming() {
                    if stopping.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(stream) = stream else { continue };
                    let handler = handler.clone();
                    // A connection that cannot get a thread is dropped: the client sees it closed.
                    let _ = std::thread::Builder::new()
                        .name(conn_name.clone())
                        .spawn(move || {
                            let _ = handle(stream, handler.as_ref());
                        });
                }
            })
            .map_err(|e| e.to_string())?;
        Ok(Self {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:7005`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for SmallServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Request>> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut buf)?;
        if n == 0 || data.len() + n > MAX_HEAD {
            return Ok(None);
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let (method, target) = (first.next().unwrap_or(""), first.next().unwrap_or(""));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    if length > MAX_BODY {
        return Ok(None);
    }
    let mut body = data[end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        body.extend_from_slice(&buf[..n]);
    }
    body.truncate(length);
    Ok(Some(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body,
    }))
}

fn handle(mut stream: TcpStream, handler: &RawHandler) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream)? else {
        return Ok(());
    };
    let reply = handler(&request);
    let reason = match reply.status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        412 => "Precondition Failed",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Internal Server Error",
    };
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        reply.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(&reply.body)?;
    stream.flush()
}
