//! Financial information documents in the ReBIT FI schemas, for the deposit family (deposit,
//! term deposit, recurring deposit): one [`Account`] with its optional `Profile`, `Summary` and
//! `Transactions`, written as XML valid against the XSD ([`Account::to_xml`]), read from XML or
//! the equivalent JSON ([`Account::parse`]), and served as JSON (`Serialize`).
//!
//! Elements are held as attribute lists checked against tables taken from the XSDs
//! ([`schema`]): every name must belong to the element, required ones must be present, and
//! every value must lie in its type's value space. Writer and reader apply the same checks, so
//! a FIP cannot emit what a FIU would refuse.

mod json;
pub mod lexical;
pub mod schema;
mod xml_read;
mod xml_write;

pub use xml_write::AccountWriter;

use crate::rebit::FiType;

pub use schema::Schema;

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FiDataError {
    #[error("not well-formed: {0}")]
    Syntax(String),
    #[error("unsupported FI type: {0}")]
    UnsupportedType(String),
    #[error("{element}: {message}")]
    Invalid { element: String, message: String },
}

impl FiDataError {
    fn invalid(element: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            element: element.to_owned(),
            message: message.into(),
        }
    }
}

/// An element's attributes as `(name, value)` pairs. Names are the schema's own; unknown names
/// are refused when the document is checked. Two lists are equal when they hold the same
/// pairs in any order, as XML attributes are.
#[derive(Debug, Clone, Default)]
pub struct Attrs(Vec<(&'static str, String)>);

impl PartialEq for Attrs {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.iter().all(|(n, v)| other.get(n) == Some(v))
    }
}

impl Eq for Attrs {}

impl Attrs {
    pub fn new() -> Self {
        Self(Vec::new())
    }

    pub fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }

    /// Adds (or replaces) an attribute.
    pub fn push(&mut self, name: &'static str, value: impl Into<String>) -> &mut Self {
        let value = value.into();
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
        self
    }

    /// Builder form of [`Attrs::push`].
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.push(name, value);
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(n, v)| (*n, v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `Profile`: the holders of the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// `SINGLE` or `JOINT`.
    pub holders_type: String,
    /// `Holder` elements (at least one).
    pub holders: Vec<Attrs>,
}

/// `Summary`, with `Pending` (deposit only, at most one).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub attrs: Attrs,
    pub pending: Vec<Attrs>,
}

/// `Transactions`: the statement for `start_date..=end_date` (`yyyy-mm-dd`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transactions {
    pub start_date: String,
    pub end_date: String,
    pub list: Vec<Attrs>,
}

/// One account's FI document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub fi_type: FiType,
    pub masked_acc_number: String,
    pub linked_acc_ref: String,
    /// The schema version, `1.1` today.
    pub version: String,
    pub profile: Option<Profile>,
    pub summary: Option<Summary>,
    pub transactions: Option<Transactions>,
}

/// The schema version we write.
pub const SCHEMA_VERSION: &str = "1.1";

impl Account {
    /// The schema this account is checked against.
    pub fn schema(&self) -> Result<&'static Schema, FiDataError> {
        schema::for_fi_type(self.fi_type)
            .ok_or_else(|| FiDataError::UnsupportedType(self.fi_type.to_string()))
    }

    /// Checks the document against its schema's tables.
    pub fn check(&self) -> Result<(), FiDataError> {
        let schema = self.schema()?;
        if !lexical::accepts(schema::Kind::Version, &self.version) {
            return Err(FiDataError::invalid(
                "Account",
                format!("version {:?} is not a schema version", self.version),
            ));
        }
        if let Some(profile) = &self.profile {
            check_profile(schema, profile)?;
        }
        if let Some(summary) = &self.summary {
            check_summary(schema, summary)?;
        }
        if let Some(transactions) = &self.transactions {
            check_period(&transactions.start_date, &transactions.end_date)?;
            for transaction in &transactions.list {
                check_attrs("Transaction", schema.transaction, transaction)?;
            }
        }
        Ok(())
    }

    /// The document as XML in the FI type's namespace, after [`Account::check`].
    pub fn to_xml(&self) -> Result<String, FiDataError> {
        self.check()?;
        let mut out = String::with_capacity(self.estimated_xml_len());
        xml_write::write(self, self.schema()?, &mut out);
        Ok(out)
    }

    /// Reads and checks an XML document.
    pub fn from_xml(xml: &[u8]) -> Result<Self, FiDataError> {
        let account = xml_read::read(xml)?;
        account.check()?;
        Ok(account)
    }

    /// Reads and checks the JSON form (what `Serialize` writes, optionally wrapped as
    /// `{"account": ...}` or `{"Account": ...}`).
    pub fn from_json(json: &[u8]) -> Result<Self, FiDataError> {
        let account = json::read(json)?;
        account.check()?;
        Ok(account)
    }

    /// XML if the document starts with `<` (after a BOM and white space), JSON otherwise.
    pub fn parse(bytes: &[u8]) -> Result<Self, FiDataError> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'<') => Self::from_xml(body),
            _ => Self::from_json(body),
        }
    }

    fn estimated_xml_len(&self) -> usize {
        let per_txn = 330;
        512 + self
            .transactions
            .as_ref()
            .map_or(0, |t| t.list.len() * per_txn)
    }
}

fn check_profile(schema: &Schema, profile: &Profile) -> Result<(), FiDataError> {
    if !schema::HOLDERS_TYPES.contains(&profile.holders_type.as_str()) {
        return Err(FiDataError::invalid(
            "Holders",
            format!("type {:?} is not SINGLE or JOINT", profile.holders_type),
        ));
    }
    if profile.holders.is_empty() {
        return Err(FiDataError::invalid(
            "Holders",
            "at least one Holder is needed",
        ));
    }
    for holder in &profile.holders {
        check_attrs("Holder", schema.holder, holder)?;
    }
    Ok(())
}

fn check_summary(schema: &Schema, summary: &Summary) -> Result<(), FiDataError> {
    check_attrs("Summary", schema.summary, &summary.attrs)?;
    let allowed = usize::from(!schema.pending.is_empty());
    if summary.pending.len() > allowed {
        return Err(FiDataError::invalid(
            "Pending",
            format!("at most {allowed} allowed here"),
        ));
    }
    for pending in &summary.pending {
        check_attrs("Pending", schema.pending, pending)?;
    }
    Ok(())
}

fn check_period(start_date: &str, end_date: &str) -> Result<(), FiDataError> {
    for (name, value) in [("startDate", start_date), ("endDate", end_date)] {
        if !lexical::accepts(schema::Kind::Date, value) {
            return Err(FiDataError::invalid(
                "Transactions",
                format!("{name} {value:?} is not a date"),
            ));
        }
    }
    Ok(())
}

/// Checks one element's attributes against its table.
fn check_attrs(
    element: &str,
    specs: &[schema::AttrSpec],
    attrs: &Attrs,
) -> Result<(), FiDataError> {
    for (i, (name, value)) in attrs.0.iter().enumerate() {
        let Some(spec) = specs.iter().find(|s| s.name == *name) else {
            return Err(FiDataError::invalid(
                element,
                format!("unknown attribute {name:?}"),
            ));
        };
        if attrs.0[..i].iter().any(|(n, _)| n == name) {
            return Err(FiDataError::invalid(
                element,
                format!("attribute {name:?} given twice"),
            ));
        }
        if !lexical::accepts(spec.kind, value) {
            return Err(FiDataError::invalid(
                element,
                format!("attribute {name:?} has an invalid value {value:?}"),
            ));
        }
    }
    if let Some(missing) = specs
        .iter()
        .find(|s| s.required && attrs.get(s.name).is_none())
    {
        return Err(FiDataError::invalid(
            element,
            format!("required attribute {:?} is missing", missing.name),
        ));
    }
    Ok(())
}

/// Maps an attribute name read from a document to the schema's own `&'static str`.
fn known_name(
    element: &str,
    specs: &[schema::AttrSpec],
    name: &str,
) -> Result<&'static str, FiDataError> {
    specs
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.name)
        .ok_or_else(|| FiDataError::invalid(element, format!("unknown attribute {name:?}")))
}

#[cfg(test)]
mod tests;
