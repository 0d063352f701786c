//! `<service> health`: asks the service running on this host for `GET /health/ready` on the
//! port its settings name and succeeds only on `200`. It is a container's `HEALTHCHECK` and a
//! Compose start-up condition without curl or wget in the image: plain HTTP/1.0 over a TCP
//! socket with a short timeout, nothing else.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::settings::ServerSettings;

/// How long the probe waits to connect, and then for the answer.
const TIMEOUT: Duration = Duration::from_secs(3);

/// Why the service is not (known to be) ready.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    #[error("health: no address for {0}")]
    Address(String),
    #[error("health: {addr}: {source}")]
    Io {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("health: {addr} answered {status:?}")]
    NotReady { addr: SocketAddr, status: String },
}

/// Probes `GET /health/ready` on the host and port of `server` (a wildcard host is probed on
/// loopback); `Ok` only for a `200` answer.
pub fn health(server: &ServerSettings) -> Result<(), HealthError> {
    let host = match server.host.as_str() {
        "0.0.0.0" | "" => "127.0.0.1",
        "::" | "[::]" => "::1",
        other => other,
    };
    let target = format!("{host}:{}", server.port);
    let addr = (host, server.port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| HealthError::Address(target.clone()))?;
    let io = |source| HealthError::Io { addr, source };
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(io)?;
    stream.set_read_timeout(Some(TIMEOUT)).map_err(io)?;
    stream.set_write_timeout(Some(TIMEOUT)).map_err(io)?;
    let request =
        format!("GET /health/ready HTTP/1.0\r\nHost: {target}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).map_err(io)?;
    // The status line is all that is read: the body says nothing the status does not.
    let mut head = [0_u8; 64];
    let mut read = 0;
    while read < head.len() {
        match stream.read(&mut head[read..]).map_err(io)? {
            0 => break,
            n => read += n,
        }
        if head[..read].contains(&b'\n') {
            break;
        }
    }
    let text = String::from_utf8_lossy(&head[..read]);
    let status = text.lines().next().unwrap_or_default().trim().to_owned();
    let code = status.split_whitespace().nth(1);
    if status.starts_with("HTTP/") && code == Some("200") {
        Ok(())
    } else {
        Err(HealthError::NotReady { addr, status })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::net::TcpListener;

    fn server_answering(answer: &'static str) -> ServerSettings {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0_u8; 256];
            let n = stream.read(&mut request).unwrap();
            assert!(String::from_utf8_lossy(&request[..n]).starts_with("GET /health/ready "));
            stream.write_all(answer.as_bytes()).unwrap();
        });
        ServerSettings {
            host: "0.0.0.0".into(),
            port,
            workers: None,
        }
    }

    #[test]
    fn a_200_from_health_ready_is_healthy() {
        let server = server_answering("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
        health(&server).unwrap();
    }

    #[test]
    fn any_other_answer_is_not_ready_and_names_the_status() {
        let server = server_answering("HTTP/1.1 503 Service Unavailable\r\n\r\n");
        let error = health(&server).unwrap_err();
        assert!(matches!(error, HealthError::NotReady { .. }), "{error}");
        assert!(
            error.to_string().contains("503 Service Unavailable"),
            "{error}"
        );
    }

    #[test]
    fn nothing_listening_is_an_error_not_a_hang() {
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let server = ServerSettings {
            host: "127.0.0.1".into(),
            port,
            workers: None,
        };
        assert!(matches!(health(&server), Err(HealthError::Io { .. })));
    }
}
