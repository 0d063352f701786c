//! Errors of the app API: `{"error": "<code>", "message": "..."}` with 400, 401, 404, 409, 410
//! or 502/500. It is the runtime's app-API error (`aa_runtime::http::AppError`), shared with the
//! AA's customer API and the FIP's back office: a 5xx says "internal error" and nothing more;
//! the cause is logged once, when it is answered; a 401 carries `WWW-Authenticate: Bearer`.

pub use aa_runtime::http::AppError;
