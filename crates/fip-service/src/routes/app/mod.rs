//! The FIP's app API: the simulated bank's back office ([`bank`]), mounted only when
//! `bank_api.token` is set; its paths stay `/bank/...`.

pub mod bank;
