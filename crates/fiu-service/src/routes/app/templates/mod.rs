//! `/app/templates`.

pub mod list;
