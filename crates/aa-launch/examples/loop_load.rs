//! Load on the full consent-to-fetch loop, over the real service binaries: starts the local
//! ecosystem (AA-1, FIP-1, FIP-2, FIU-1 on SQLite), logs the demo customer in and links their
//! accounts once, then keeps `--in-flight N` loops running until `--loops M` have ended. One loop
//! is: the FIU asks for consent, the customer approves it, the FIU holds the artefacts ACTIVE,
//! the FIU's data request is made and ends COMPLETED with every linked account's data decrypted.
//! Prints loops/s and the p50/p95 latency of one loop; failures are counted, not retried.
//!
//! ```text
//! cargo build --release -p aa-service -p fip-service -p fiu-service
//! cargo run --release -p aa-launch --example loop_load -- \
//!     --bin-dir target/release --in-flight 16 --loops 48 [--data-dir DIR]
//! ```
//!
//! Written for issue 10 ("the AA's per-counterparty ordering stalls"); see docs/PERFORMANCE.md.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aa_launch::walk::Walker;
use aa_launch::{Ecosystem, Options, Processes};

struct Args {
    in_flight: usize,
    loops: usize,
    bin_dir: Option<PathBuf>,
    data_dir: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        in_flight: 1,
        loops: 20,
        bin_dir: None,
        data_dir: None,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let mut value = || given.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--in-flight" => args.in_flight = number(&value()?)?,
            "--loops" => args.loops = number(&value()?)?,
            "--bin-dir" => args.bin_dir = Some(PathBuf::from(value()?)),
            "--data-dir" => args.data_dir = Some(PathBuf::from(value()?)),
            other => {
                return Err(format!(
                    "unknown argument {other}; usage: loop_load [--in-flight N] [--loops M] [--bin-dir DIR] [--data-dir DIR]"
                ))
            }
        }
    }
    if args.in_flight == 0 || args.loops == 0 {
        return Err("--in-flight and --loops must be at least 1".into());
    }
    Ok(args)
}

fn number(text: &str) -> Result<usize, String> {
    text.parse().map_err(|e| format!("{text}: {e}"))
}

/// Where the service binaries are: `--bin-dir`, `AA_BIN_DIR`, or the profile folder this
/// example was built into (`target/release/examples/..`).
fn bin_dir(given: Option<PathBuf>) -> Result<PathBuf, String> {
    let dir = aa_launch::bin_dir(given)?;
    if dir.ends_with("examples") {
        if let Some(parent) = dir.parent() {
            return Ok(parent.to_path_buf());
        }
    }
    Ok(dir)
}

/// The `p`-th percentile (0..=100) of sorted `values`, nearest rank.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

async fn run(args: Args, dir: PathBuf) -> Result<bool, String> {
    let bin_dir = bin_dir(args.bin_dir)?;
    let processes: Processes = Arc::new(Mutex::new(Default::default()));
    let eco = Arc::new(Ecosystem::prepare(&dir, processes, &Options::default())?);
    eco.start(&bin_dir).await?;
    println!(
        "ecosystem up under {} (services from {})",
        dir.display(),
        bin_dir.display()
    );
    let customer = Walker::new(&eco)?.login_and_link().await?;
    println!(
        "customer linked {} account(s); running {} loops, {} in flight",
        customer.linked.len(),
        args.loops,
        args.in_flight
    );

    let next = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..args.in_flight.min(args.loops) {
        let (eco, customer, next) = (eco.clone(), customer.clone(), next.clone());
        let (latencies, failures) = (latencies.clone(), failures.clone());
        let loops = args.loops;
        workers.spawn(async move {
            let walker = match Walker::new(&eco) {
                Ok(walker) => walker,
                Err(e) => return Err(e),
            };
            while next.fetch_add(1, Ordering::SeqCst) < loops {
                let one = Instant::now();
                let outcome = walker.full_loop(&customer).await.map(|_| ());
                let took = one.elapsed();
                match outcome {
                    Ok(()) => lock(&latencies).push(took),
                    Err(e) => lock(&failures).push(e),
                }
            }
            Ok(())
        });
    }
    while let Some(joined) = workers.join_next().await {
        joined.map_err(|e| format!("a worker stopped: {e}"))??;
    }
    let elapsed = started.elapsed();

    let mut done = lock(&latencies).clone();
    done.sort();
    let failed = lock(&failures).clone();
    let rate = done.len() as f64 / elapsed.as_secs_f64();
    println!(
        "in flight {}: {} loops completed, {} failed in {:.1} s: {rate:.2} loops/s; one loop p50 {:.2} s, p95 {:.2} s",
        args.in_flight,
        done.len(),
        failed.len(),
        elapsed.as_secs_f64(),
        percentile(&done, 50).as_secs_f64(),
        percentile(&done, 95).as_secs_f64(),
    );
    for (i, e) in failed.iter().enumerate().take(5) {
        eprintln!("failure {}: {e}", i + 1);
    }
    Ok(failed.is_empty())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn main() -> ExitCode {
    let outcome = (|| {
        let args = parse_args()?;
        let temp;
        let dir = match &args.data_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                std::path::absolute(dir).map_err(|e| format!("{}: {e}", dir.display()))?
            }
            None => {
                temp = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
                temp.path().to_path_buf()
            }
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?;
        runtime.block_on(run(args, dir))
    })();
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
        Err(e) => {
            eprintln!("loop_load: {e}");
            ExitCode::FAILURE
        }
    }
}
