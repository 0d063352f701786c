//! `aa demo`: the whole ecosystem on this machine, walked by one customer. Starts an AA, two
//! FIPs (banks holding different accounts of the same customer) and an FIU as separate
//! processes on free loopback ports with embedded SQLite, then logs in, discovers, links with
//! OTPs, has the FIU ask for consent, approves, and waits until the FIU has fetched and
//! decrypted the data from both banks. The services find each other in a local Central
//! Registry (`aa_launch::central_registry`) serving the registry file and take every API key
//! from a local token service (`aa_launch::token_service`), or, with `--offline`, read the file
//! itself and mint their own keys. Prints each step with its timing and a table of the
//! decrypted accounts (or one JSON object with `--json`). Every process it started is stopped
//! on success, on failure and on Ctrl-C. With `--against` it starts nothing and walks an
//! ecosystem that already runs (`docker compose up`, an `aa init` directory), telling the same.

pub(crate) mod report;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;

use aa_launch::{stop_all, walk, Ecosystem, Options, Processes};

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Keep each service's database and log under DIR/<service>/ (default: a temporary
    /// directory, removed at the end unless --keep).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Print only one JSON object: {"consentHandle","consentId","sessionId","fips":[{"fipId",
    /// "consentId","sessionId","accounts":[{"linkRefNumber","maskedAccNumber","fiType",
    /// "transactions","firstTxnId","firstNarration"}]}]}. The AA signs one consent per FIP, each
    /// fetched in its own session: the top-level consentId and sessionId are FIP-1's.
    #[arg(long)]
    json: bool,
    /// Leave the ecosystem running after the walk, so a person can use its pages (their
    /// addresses are printed), until Ctrl-C; the temporary directory is kept too.
    #[arg(long)]
    keep: bool,
    /// Where aa-service, fip-service and fiu-service are (default: $AA_BIN_DIR, else next to aa).
    #[arg(long, value_name = "DIR")]
    bin_dir: Option<PathBuf>,
    /// Start nothing: walk the ecosystem that runs at these base URLs, given as the directory
    /// `aa init` wrote (its registry) or as AA-1=URL,FIP-1=URL,FIP-2=URL,FIU-1=URL.
    #[arg(long, value_name = "DIR|ID=URL,...", conflicts_with_all = ["data_dir", "keep", "bin_dir"])]
    against: Option<String>,
    /// With --against: one party's URL instead of the registry's, ID=URL (repeatable), e.g.
    /// AA-1=http://127.0.0.1:7001 from the host for a registry naming container hosts.
    #[arg(long = "url", value_name = "ID=URL", requires = "against")]
    urls: Vec<String>,
    /// Offline: the services read the registry file itself and mint their own API keys with
    /// the ecosystem's token issuer (default: a local Sahamati Central Registry serving the
    /// registry, refreshed every 5 s, and a local token service issuing every API key).
    #[arg(long, conflicts_with = "against")]
    offline: bool,
    /// Send every call through a local SahamatiNet Router (`x-request-meta` naming the
    /// recipient), with requests in ReBIT 2.1.0.
    #[arg(long, conflicts_with = "against")]
    router: bool,
}

pub fn run(args: DemoArgs) -> Result<Vec<u8>, String> {
    if let Some(target) = &args.against {
        let eco = Ecosystem::attach(target, &args.urls)?;
        let urls: Vec<String> = eco
            .parties
            .iter()
            .map(|p| format!("{} {}", p.id, p.base_url))
            .collect();
        let walking = format!("walking the running ecosystem: {}", urls.join(", "));
        tell(args.json, &walking, Duration::ZERO);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?;
        return runtime.block_on(async {
            tokio::select! {
                outcome = walk_and_report(&eco, args.json, Instant::now()) => outcome,
                () = interrupted() => Err("interrupted".into()),
            }
        });
    }
    let temp = match &args.data_dir {
        Some(_) => None,
        None => Some(tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?),
    };
    let dir = match (&args.data_dir, &temp) {
        (Some(dir), _) => {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            // Absolute: every service runs in its own folder.
            std::path::absolute(dir).map_err(|e| format!("{}: {e}", dir.display()))?
        }
        (None, Some(temp)) => temp.path().to_path_buf(),
        (None, None) => return Err("no data directory".into()),
    };
    let processes: Processes = Arc::new(Mutex::new(Default::default()));
    let (tx, rx) = tokio::sync::oneshot::channel();
    let worker = {
        let processes = processes.clone();
        let dir = dir.clone();
        let json = args.json;
        let bin_dir = args.bin_dir.clone();
        let sahamati = !args.offline;
        let keep = args.keep;
        let router = args.router;
        move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| format!("cannot start the runtime: {e}"))?;
                runtime.block_on(demo(&dir, json, bin_dir, sahamati, keep, router, processes))
            }))
            .unwrap_or_else(|_| Err("the demo failed unexpectedly".into()));
            let _ = tx.send(outcome);
        }
    };
    std::thread::spawn(worker);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let result = runtime.block_on(async {
        tokio::select! {
            outcome = rx => outcome.unwrap_or_else(|_| Err("the demo stopped unexpectedly".into())),
            () = interrupted() => Err(INTERRUPTED.to_owned()),
        }
    });
    stop_all(&processes);
    runtime.shutdown_background();
    if let Some(temp) = temp {
        if args.keep {
            let kept = temp.keep();
            eprintln!("data kept in {}", kept.display());
        }
    }
    match result {
        Err(e) if e == INTERRUPTED && WALKED.load(std::sync::atomic::Ordering::SeqCst) => {
            eprintln!("stopped every service the demo started");
            Ok(Vec::new())
        }
        Err(e) if e == INTERRUPTED => {
            Err("interrupted: every service the demo started was stopped".into())
        }
        other => other,
    }
}

const INTERRUPTED: &str = "interrupted";

/// Set once a `--keep` demo has walked the whole loop: Ctrl-C is then its normal end.
static WALKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Resolves on Ctrl-C (SIGINT), and on Unix also on SIGTERM and SIGHUP, so that a terminal
/// closed or a `kill` still stops the services. A signal that cannot be listened for never
/// resolves.
async fn interrupted() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let on = |kind: SignalKind| async move {
            match signal(kind) {
                Ok(mut stream) => {
                    stream.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = ctrl_c => {}
            () = on(SignalKind::terminate()) => {}
            () = on(SignalKind::hangup()) => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

async fn demo(
    dir: &Path,
    json: bool,
    bin_dir: Option<PathBuf>,
    sahamati: bool,
    keep: bool,
    router: bool,
    processes: Processes,
) -> Result<Vec<u8>, String> {
    let started = Instant::now();
    let say = |message: &str, took: Duration| tell(json, message, took);
    let bin_dir = aa_launch::bin_dir(bin_dir)?;
    aa_launch::check_binaries(&bin_dir)?;
    let step = Instant::now();
    let mut eco = Ecosystem::prepare(dir, processes, &Options::two_banks())?;
    say(
        "generated RSA-2048 signing keys for AA-1, FIP-1, FIP-2, FIU-1 and the token issuer; wrote the registry",
        step.elapsed(),
    );
    if sahamati {
        let step = Instant::now();
        let cr = eco.serve_central_registry()?;
        let ts = eco.serve_token_service()?;
        say(
            &format!(
                "local Central Registry at {cr} (every service reads it) and token service at \
                 {ts} (every API key is its token)"
            ),
            step.elapsed(),
        );
    }
    if router {
        let url = eco.serve_router("2.1.0")?;
        say(
            &format!("local router at {url}: every call goes through it, requests in ReBIT 2.1.0"),
            Duration::ZERO,
        );
    }
    let step = Instant::now();
    eco.start(&bin_dir).await?;
    let ports: Vec<String> = eco
        .parties
        .iter()
        .map(|p| format!("{} :{}", p.id, p.port))
        .collect();
    say(
        &format!(
            "started {} (data and logs under {})",
            ports.join(", "),
            dir.display()
        ),
        step.elapsed(),
    );
    let output = walk_and_report(&eco, json, started).await?;
    if sahamati {
        say(
            &format!(
                "the token service issued {} access tokens",
                eco.tokens_issued()
            ),
            Duration::ZERO,
        );
    }
    if router {
        say(
            &format!("the router forwarded {} calls", eco.routed_calls()),
            Duration::ZERO,
        );
    }
    if !json {
        print_pages(&eco);
    }
    if keep {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&output);
        let _ = out.flush();
        drop(out);
        WALKED.store(true, std::sync::atomic::Ordering::SeqCst);
        tell(
            json,
            "the ecosystem keeps running (--keep); Ctrl-C stops it",
            Duration::ZERO,
        );
        interrupted().await;
        drop(eco);
        return Ok(Vec::new());
    }
    drop(eco);
    Ok(output)
}

/// The addresses of the pages a person can open, and where the local OTPs are.
fn print_pages(eco: &Ecosystem) {
    let mut out = std::io::stdout().lock();
    for party in eco.parties.iter().filter(|p| p.id == "AA-1") {
        let _ = writeln!(
            out,
            "\nPages: the AA's consent manager at {}/cm/login (customer 9999999999@AA-1; in \
             this local set-up each OTP is written to {}).",
            party.base_url,
            party.log.display()
        );
    }
    for party in eco.parties.iter().filter(|p| p.id == "FIU-1") {
        let _ = writeln!(
            out,
            "The lender's dashboard at {}/dashboard (token {}): a new request there sends the \
             customer to the AA and back.",
            party.base_url,
            aa_launch::FIU_APP_TOKEN
        );
    }
    let _ = out.flush();
}

/// One step of the story on stdout, with its time (nothing with `--json`).
fn tell(json: bool, message: &str, took: Duration) {
    if !json {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "[{:>6} ms] {message}", took.as_millis());
        let _ = out.flush();
    }
}

/// Walks the customer through `eco`, telling each step (unless `json`), and reports what the
/// FIU decrypted from both banks.
async fn walk_and_report(eco: &Ecosystem, json: bool, started: Instant) -> Result<Vec<u8>, String> {
    let mut say = |message: &str, took: Duration| tell(json, message, took);
    let explained = |e: String| {
        let tails = eco.log_tails_for(&e);
        if tails.is_empty() {
            e
        } else {
            format!("{e}\n{tails}")
        }
    };
    let outcome = walk::walk(eco, &mut say).await.map_err(explained)?;
    let rows = report::rows(&outcome.data_request, &["FIP-1", "FIP-2"]).map_err(explained)?;
    let output = if json {
        let mut text = report::json(&outcome.consent_handle, &rows).to_string();
        text.push('\n');
        text
    } else {
        format!(
            "\nDone in {:.1} s. What FIU-1 decrypted:\n\n{}",
            started.elapsed().as_secs_f64(),
            report::table(&rows)
        )
    };
    Ok(output.into_bytes())
}
