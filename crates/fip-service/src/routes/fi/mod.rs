//! The FI data flow: `POST /FI/request` ([`request`]) and `POST /FI/fetch` with the 1.1.x
//! `GET /FI/fetch/{sessionId}` ([`fetch`]).

pub mod fetch;
pub mod request;
