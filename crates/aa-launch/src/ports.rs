//! Free loopback ports for the services the launcher starts.

use std::net::TcpListener;

/// A free loopback port for a separate process to bind. Taken below Linux's ephemeral range
/// (32768–60999), where outgoing connections (HTTP clients, PostgreSQL pools) take their local
/// ports: a port from that range, released here, can be grabbed by a connection before the
/// process binds it. Never the same port twice in one process; processes start at different
/// offsets.
pub fn free_port() -> Result<u16, String> {
    use std::sync::atomic::{AtomicU32, Ordering};
    const LOW: u32 = 20_000;
    const SPAN: u32 = 12_000;
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let start = std::process::id().wrapping_mul(7_919) % SPAN;
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        if n >= SPAN {
            return Err("no free loopback port left below the ephemeral range".into());
        }
        let port =
            u16::try_from(LOW + (start + n) % SPAN).map_err(|_| "port out of range".to_owned())?;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn free_ports_are_never_handed_out_twice_and_stay_below_the_ephemeral_range() {
        let ports: Vec<u16> = (0..20).map(|_| free_port().unwrap()).collect();
        let mut unique = ports.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ports.len());
        assert!(
            ports.iter().all(|p| (20_000..32_000).contains(p)),
            "{ports:?}"
        );
    }
}
