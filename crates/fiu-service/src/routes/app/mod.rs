//! The lender's app API (JSON, `Authorization: Bearer <app_api.token>`), as docs/SERVICES.md
//! and docs/FIU-APP-API.md define it:
//!
//! | call | answer |
//! | --- | --- |
//! | `GET /app/templates` | the consent templates |
//! | `POST /app/consents` `{"customer","template"}` | `{"consentHandle","status":"PENDING"}` |
//! | `GET /app/consents` | the latest consent requests |
//! | `GET /app/consents/{handle}` | the request, its status and its artefacts |
//! | `POST /app/consents/{handle}/data-requests` `{"from"?, "to"?}` | a new FI data request |
//! | `GET /app/consents/{handle}/data-requests` | the handle's data requests, newest first |
//! | `GET /app/data-requests/{requestId}` | a data request with each account's decrypted data |
//!
//! Errors are `{"error": "<code>", "message": "..."}`.

pub mod auth;
pub mod consents;
pub mod data_requests;
pub mod error;
pub mod templates;
