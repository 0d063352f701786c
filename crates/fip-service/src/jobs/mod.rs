//! Background work beside the server: FI preparation, a handler of the runtime queue
//! ([`fi_prepare`], registered on the queue's one worker next to the outbox's notifications),
//! and the periodic [`sweeps`] (session expiry, forgetting idempotency keys).

pub mod fi_prepare;
pub mod sweeps;
