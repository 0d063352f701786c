//! A loopback hop in front of the local CR that the tests turn: pass requests through, answer
//! garbage, or be down (close every connection unanswered). The CR client sees a real CR
//! outage or a broken answer over real HTTP.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    Pass = 0,
    Garbage = 1,
    Down = 2,
}

pub struct Switch {
    mode: Arc<AtomicU8>,
    pub url: String,
}

impl Switch {
    /// In front of the CR at `target`.
    pub fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mode = Arc::new(AtomicU8::new(Mode::Pass as u8));
        let turned = mode.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let mode = turned.load(Ordering::SeqCst);
                std::thread::spawn(move || {
                    let _ = hop(stream, mode, target);
                });
            }
        });
        Self { mode, url }
    }

    pub fn set(&self, mode: Mode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
    }
}

fn hop(mut client: TcpStream, mode: u8, target: SocketAddr) -> std::io::Result<()> {
    if mode == Mode::Down as u8 {
        return Ok(());
    }
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = client.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    if mode == Mode::Garbage as u8 {
        let body = "<html><body>Service under maintenance</body></html>";
        return write!(
            client,
            "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
    }
    let mut server = TcpStream::connect(target)?;
    server.write_all(&head)?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer)?;
    client.write_all(&answer)
}
