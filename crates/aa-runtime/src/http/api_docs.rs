//! The ReBIT API a role serves, published by the role itself: `GET /openapi/rebit.json` is the
//! role's ReBIT 2.0.0 file (Swagger 2.0) as JSON, the very file every request to it is held to
//! by the extractor (`aa_core::schema`), so the document cannot drift from what is enforced;
//! `GET /api` renders it as a page people can read (each path, method, caller's API-key header,
//! body definition and answers), escaped, with no script and nothing from a CDN.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use serde_json::Value;

use super::pages::{escape, html, page};
use aa_core::registry::Role;

/// Mounts both for `role`.
pub fn mount(cfg: &mut web::ServiceConfig, role: Role) {
    cfg.route(
        "/openapi/rebit.json",
        web::get().to(move || async move { document(role) }),
    )
    .route("/api", web::get().to(move || async move { api_page(role) }));
}

fn document(role: Role) -> HttpResponse {
    match aa_core::schema::spec(role) {
        Ok(spec) => HttpResponse::Ok()
            .insert_header(("cache-control", "public, max-age=3600"))
            .json(spec),
        Err(e) => super::AppError::internal(&e).error_response(),
    }
}

/// `$ref: '#/definitions/X'` as `X`.
fn definition_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.rsplit('/').next()
}

fn operation(path: &str, method: &str, op: &Value) -> String {
    let text = |v: &Value| v.as_str().unwrap_or("").trim().to_owned();
    let description = text(&op["description"]);
    let first = description
        .split("\n\n")
        .next()
        .unwrap_or("")
        .replace('\n', " ");
    let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
    let headers: Vec<String> = parameters
        .iter()
        .filter(|p| p["in"] == "header")
        .map(|p| format!("<code>{}</code>", escape(&text(&p["name"]))))
        .collect();
    let body = parameters
        .iter()
        .find(|p| p["in"] == "body")
        .and_then(|p| definition_name(&p["schema"]))
        .map(|name| format!("<code>{}</code>", escape(name)))
        .unwrap_or_else(|| "none".into());
    let answers: Vec<String> = op["responses"]
        .as_object()
        .map(|r| {
            r.iter()
                .map(|(code, answer)| {
                    let shape = definition_name(&answer["schema"])
                        .map(|name| format!(" <code>{}</code>", escape(name)))
                        .unwrap_or_default();
                    format!(
                        "<li>{}{shape}: {}</li>",
                        escape(code),
                        escape(&text(&answer["description"]))
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    format!(
        "<section class=\"card\"><h2><code>{} {}</code></h2><p>{}</p><dl class=\"facts\">\
         <dt>Headers</dt><dd>{}</dd><dt>Body</dt><dd>{body}</dd></dl><h3>Answers</h3>\
         <ul class=\"plain\">{}</ul></section>",
        escape(&method.to_ascii_uppercase()),
        escape(path),
        escape(&first),
        if headers.is_empty() {
            "none".into()
        } else {
            headers.join(", ")
        },
        answers.join("")
    )
}

fn api_page(role: Role) -> HttpResponse {
    let spec = match aa_core::schema::spec(role) {
        Ok(spec) => spec,
        Err(e) => return super::AppError::internal(&e).error_response(),
    };
    let title = format!("The {role}'s ReBIT API");
    let mut body = format!(
        "<main><h1>{}</h1><p>ReBIT {} as this service enforces it: every request body is held \
         to this file before anything else is done. Machine-readable: \
         <a href=\"/openapi/rebit.json\">/openapi/rebit.json</a> (Swagger 2.0). Every request \
         carries a detached <code>x-jws-signature</code> over its exact bytes, and every answer \
         is signed the same way.</p>",
        escape(&title),
        escape(spec["info"]["version"].as_str().unwrap_or("?"))
    );
    if let Some(paths) = spec["paths"].as_object() {
        for (path, item) in paths {
            for (method, op) in item.as_object().into_iter().flatten() {
                body.push_str(&operation(path, method, op));
            }
        }
    }
    body.push_str("</main>");
    html(StatusCode::OK, page(&title, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_publishes_its_own_file_and_a_page_of_it() {
        for (role, path) in [
            (Role::Aa, "/Consent/handle"),
            (Role::Fip, "/Accounts/discover"),
            (Role::Fiu, "/FI/Notification"),
        ] {
            let spec = aa_core::schema::spec(role).unwrap_or(&Value::Null);
            assert_eq!(spec["swagger"], "2.0");
            assert!(spec["paths"].get(path).is_some(), "{role} {path}");
            let answer = api_page(role);
            assert_eq!(answer.status(), StatusCode::OK);
        }
        let op = &aa_core::schema::spec(Role::Aa).unwrap_or(&Value::Null)["paths"]["/FI/request"]
            ["post"];
        let card = operation("/FI/request", "post", op);
        assert!(card.contains("<code>POST /FI/request</code>"), "{card}");
        assert!(card.contains("x-jws-signature"), "{card}");
        assert!(card.contains("<code>FIRequest</code>"), "{card}");
    }
}
