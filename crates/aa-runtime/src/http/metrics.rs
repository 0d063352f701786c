//! `GET /metrics`: the process's counters and histograms ([`crate::metrics`]) and, read at
//! scrape time, the queue (jobs, attempts and oldest job per kind and state, dead letters) and
//! the database pool, in the Prometheus text exposition format.
//!
//! Access: with `admin.token` set, `/metrics` wants `Authorization: Bearer <admin.token>` like
//! the other admin endpoints (Prometheus sends it with `authorization: {credentials: ...}`);
//! without a token it is open, as on a local set-up. Nothing in it is a secret (route patterns,
//! roles, entity ids, counts), but an operator exposing a role to the internet sets the token.

use actix_web::web::{self, get};
use actix_web::{HttpRequest, HttpResponse};

use crate::http::bearer::bearer_is;
use crate::metrics::registry::{header, label_text, sample};
use crate::queue::admin::{refused, AdminSettings};
use crate::queue::{KindStats, PoolStats, Queue};
use crate::settings::Secret;

/// The content type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Clone)]
struct Scrape {
    queue: Queue,
    token: Option<Secret>,
}

/// The `/metrics` route for `App::configure`, reading the queue and pool of `queue`'s database.
pub fn configure(
    queue: Queue,
    settings: &AdminSettings,
) -> impl FnOnce(&mut web::ServiceConfig) + Clone {
    let token = settings.configured_token();
    let scrape = web::Data::new(Scrape { queue, token });
    move |cfg: &mut web::ServiceConfig| {
        cfg.service(
            web::resource("/metrics")
                .app_data(scrape)
                .route(get().to(metrics)),
        );
    }
}

async fn metrics(req: HttpRequest, scrape: web::Data<Scrape>) -> HttpResponse {
    if let Some(token) = &scrape.token {
        if !bearer_is(&req, token) {
            return refused();
        }
    }
    let mut out = String::new();
    crate::metrics::global().render(&mut out);
    match scrape.queue.stats().await {
        Ok(stats) => render_queue(&mut out, &stats, crate::clock::Clock::system().now_millis()),
        // The rest of the scrape is still worth having; the gap shows as missing series.
        Err(error) => tracing::error!(%error, "metrics: queue store failed"),
    }
    render_pool(&mut out, scrape.queue.pool());
    HttpResponse::Ok().content_type(CONTENT_TYPE).body(out)
}

fn render_queue(out: &mut String, stats: &[KindStats], now_ms: i64) {
    let both = |s: &KindStats| vec![("kind", s.kind.clone()), ("state", s.state.clone())];
    let kind = |s: &KindStats| vec![("kind", s.kind.clone())];
    let age = |s: &KindStats| (now_ms - s.oldest_created_ms).max(0) as f64 / 1000.0;
    let gauges: [(&str, &str, Option<&str>, Row); 4] = [
        (
            "aa_queue_jobs",
            "Jobs in runtime_queue by kind and state",
            None,
            &|s| (both(s), s.jobs as f64),
        ),
        (
            "aa_queue_attempts",
            "Attempts made, summed over the jobs of a kind and state",
            None,
            &|s| (both(s), s.attempts as f64),
        ),
        (
            "aa_queue_oldest_pending_age_seconds",
            "Age of the oldest pending job",
            Some("pending"),
            &|s| (kind(s), age(s)),
        ),
        (
            "aa_queue_dead_letters",
            "Dead-lettered jobs awaiting replay or discard",
            Some("dead"),
            &|s| (kind(s), s.jobs as f64),
        ),
    ];
    for (name, help, state, row) in gauges {
        header(out, name, help, "gauge");
        for s in stats
            .iter()
            .filter(|s| state.is_none_or(|state| s.state == state))
        {
            let (labels, value) = row(s);
            sample(out, name, &label_text(&labels, None), value);
        }
    }
}

/// The labels and value of one gauge sample for a kind and state.
type Row<'a> = &'a dyn Fn(&KindStats) -> (Vec<(&'static str, String)>, f64);

fn render_pool(out: &mut String, pool: PoolStats) {
    header(
        out,
        "aa_db_pool_connections",
        "Database connections open, by state",
        "gauge",
    );
    let in_use = pool.size.saturating_sub(pool.idle);
    sample(
        out,
        "aa_db_pool_connections",
        &label_text(&[("state", "idle".into())], None),
        f64::from(pool.idle),
    );
    sample(
        out,
        "aa_db_pool_connections",
        &label_text(&[("state", "in_use".into())], None),
        f64::from(in_use),
    );
    header(
        out,
        "aa_db_pool_max_connections",
        "Largest number of connections the pool opens",
        "gauge",
    );
    sample(out, "aa_db_pool_max_connections", "", f64::from(pool.max));
}
