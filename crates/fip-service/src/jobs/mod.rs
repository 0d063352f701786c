//! Background work beside the server: the FI preparation worker ([`fi_prepare`]).

pub mod fi_prepare;
