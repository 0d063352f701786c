//! The operator's view of dead letters: `GET /admin/dead-letters` lists them (kind, key,
//! attempts, last error, never the payload), `POST /admin/dead-letters/{id}/replay` puts one
//! back as pending with its attempts reset, and `DELETE /admin/dead-letters/{id}` (or
//! `POST /admin/dead-letters/{id}/discard`) gives one up for good. All want
//! `Authorization: Bearer <admin.token>`; without a token set the routes are not mounted at all.

use actix_web::web::{self, delete, get, post};
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;

use super::Queue;
use crate::http::bearer::bearer_is;
use crate::settings::Secret;

/// The `admin` settings section.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AdminSettings {
    /// Bearer token of the admin endpoints; unset: they are not mounted.
    #[serde(default)]
    pub token: Option<Secret>,
}

impl AdminSettings {
    /// The token, unless it is unset or blank.
    pub fn configured_token(&self) -> Option<Secret> {
        self.token.clone().filter(|t| !t.expose().trim().is_empty())
    }
}

#[derive(Clone)]
struct Admin {
    queue: Queue,
    token: Secret,
}

/// The admin routes for `App::configure`; mounts nothing when `settings.token` is unset or
/// empty. Call it in the `HttpServer::new` factory: `.configure(admin::configure(q, &s))`.
pub fn configure(
    queue: Queue,
    settings: &AdminSettings,
) -> impl FnOnce(&mut web::ServiceConfig) + Clone {
    let token = settings.configured_token();
    move |cfg: &mut web::ServiceConfig| {
        let Some(token) = token else {
            return;
        };
        cfg.service(
            web::scope("/admin")
                .app_data(web::Data::new(Admin { queue, token }))
                .route("/dead-letters", get().to(list))
                .route("/dead-letters/{id}/replay", post().to(replay))
                .route("/dead-letters/{id}/discard", post().to(discard))
                .route("/dead-letters/{id}", delete().to(discard)),
        );
    }
}

/// 401 with `WWW-Authenticate: Bearer`.
pub(crate) fn refused() -> HttpResponse {
    HttpResponse::Unauthorized()
        .insert_header(("www-authenticate", "Bearer"))
        .json(serde_json::json!({ "error": "unauthorized" }))
}

fn failed(error: sea_orm::DbErr) -> HttpResponse {
    tracing::error!(%error, "admin: queue store failed");
    HttpResponse::InternalServerError().json(serde_json::json!({ "error": "internal error" }))
}

async fn list(req: HttpRequest, admin: web::Data<Admin>) -> HttpResponse {
    if !bearer_is(&req, &admin.token) {
        return refused();
    }
    match admin.queue.dead().await {
        Ok(dead) => HttpResponse::Ok().json(serde_json::json!({ "deadLetters": dead })),
        Err(error) => failed(error),
    }
}

async fn replay(req: HttpRequest, admin: web::Data<Admin>, id: web::Path<i64>) -> HttpResponse {
    if !bearer_is(&req, &admin.token) {
        return refused();
    }
    let id = id.into_inner();
    match admin.queue.replay(id).await {
        Ok(true) => {
            tracing::info!(job.id = id, "admin: dead letter replayed");
            HttpResponse::Ok().json(serde_json::json!({ "id": id, "status": "pending" }))
        }
        Ok(false) => HttpResponse::NotFound()
            .json(serde_json::json!({ "error": format!("no dead letter {id}") })),
        Err(error) => failed(error),
    }
}

async fn discard(req: HttpRequest, admin: web::Data<Admin>, id: web::Path<i64>) -> HttpResponse {
    if !bearer_is(&req, &admin.token) {
        return refused();
    }
    let id = id.into_inner();
    match admin.queue.discard(id).await {
        Ok(true) => {
            tracing::info!(job.id = id, "admin: dead letter discarded");
            HttpResponse::Ok().json(serde_json::json!({ "id": id, "status": "discarded" }))
        }
        Ok(false) => HttpResponse::NotFound()
            .json(serde_json::json!({ "error": format!("no dead letter {id}") })),
        Err(error) => failed(error),
    }
}
