//! The customer API's error: `{"error": "<code>", "message": "..."}` with 400, 401, 404, 409,
//! or 502 when an FIP could not be reached. It is the runtime's app-API error
//! (`aa_runtime::http::AppError`), shared with the FIU's app API and the FIP's back office: a
//! 500 of our own says "internal error" only; the cause is logged once, when it is answered.

use actix_web::error;

pub use aa_runtime::http::AppError as CustomerError;

/// JSON bodies that do not parse answer 400 `invalid_request` in the customer API's shape.
pub fn json_config() -> actix_web::web::JsonConfig {
    actix_web::web::JsonConfig::default().error_handler(|e, _| {
        let message = match &e {
            error::JsonPayloadError::ContentType => "send Content-Type: application/json".into(),
            other => format!("the body does not fit this call: {other}"),
        };
        CustomerError::invalid(message).into()
    })
}

/// Query strings that do not parse answer 400 `invalid_request`.
pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default()
        .error_handler(|e, _| CustomerError::invalid(e.to_string()).into())
}
