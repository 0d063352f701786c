//! The test process's log, captured as JSON lines (tests that assert on what is logged: one
//! WARN with its cause, no secret in an access line). Call [`capture`] before the code under
//! test logs; [`lines`] reads everything logged since.

use std::io::Write;
use std::sync::{Mutex, OnceLock};

use aa_runtime::telemetry::{self, LogFormat};
use serde_json::Value;

static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends every log line of this process (level INFO and up) to the capture, once.
pub fn capture() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| telemetry::init("info", LogFormat::Json, || Capture));
}

/// Every captured line, as written and as JSON (lines that are not JSON are left out).
pub fn lines() -> Vec<(String, Value)> {
    let text = String::from_utf8(LOGS.lock().unwrap().clone()).unwrap();
    text.lines()
        .filter_map(|line| Some((line.to_owned(), serde_json::from_str::<Value>(line).ok()?)))
        .collect()
}
