//! Reading values (`@path` reads a file, anything else is the value itself; stdin is read whole),
//! writing JSON, and waiting for Ctrl-C.

use std::io::Read;

/// Resolves a flag value: `@path` is the file's content, otherwise the text as given.
pub fn value(text: &str) -> Result<String, String> {
    match text.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}")),
        None => Ok(text.to_owned()),
    }
}

/// A one-line value (nonce, signature, token): as [`value`], surrounding whitespace removed.
pub fn line(text: &str) -> Result<String, String> {
    value(text).map(|v| v.trim().to_owned())
}

/// All of stdin, as bytes.
pub fn stdin_bytes() -> Result<Vec<u8>, String> {
    let mut buffer = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buffer)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    Ok(buffer)
}

/// Serialises `value` as pretty JSON with a trailing newline.
pub fn json_output(value: &serde_json::Value) -> Result<Vec<u8>, String> {
    let mut out = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
    out.push(b'\n');
    Ok(out)
}

/// Blocks until Ctrl-C: how `aa cr serve`, `aa ts serve` and `aa router serve` run their server
/// until the person stops it.
pub fn until_ctrl_c() -> Result<(), String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?
        .block_on(tokio::signal::ctrl_c())
        .map_err(|e| e.to_string())
}
