//! Writes a checked [`Account`] as XML: the FI type's namespace, elements in the XSD's
//! sequence, attributes in the XSD's order, values escaped so that they read back unchanged
//! (attribute-value normalisation would otherwise turn tabs and newlines into spaces).
//! [`AccountWriter`] does the same one transaction at a time, so a statement of any length is
//! never held twice (model and text) in memory.

use std::fmt::Write;

use super::schema::{self, AttrSpec, Schema};
use super::{check_attrs, Account, Attrs, FiDataError, Profile, Summary};

pub(super) fn write(account: &Account, schema: &Schema, out: &mut String) {
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Account xmlns=\"");
    out.push_str(schema.namespace);
    out.push('"');
    attr(out, "type", schema.account_type);
    attr(out, "maskedAccNumber", &account.masked_acc_number);
    attr(out, "version", &account.version);
    attr(out, "linkedAccRef", &account.linked_acc_ref);
    out.push('>');
    if let Some(profile) = &account.profile {
        write_profile(out, schema, profile);
    }
    if let Some(summary) = &account.summary {
        write_summary(out, schema, summary);
    }
    if let Some(transactions) = &account.transactions {
        out.push_str("<Transactions");
        attr(out, "startDate", &transactions.start_date);
        attr(out, "endDate", &transactions.end_date);
        if transactions.list.is_empty() {
            out.push_str("/>");
        } else {
            out.push('>');
            for transaction in &transactions.list {
                element(out, "Transaction", schema.transaction, transaction);
            }
            out.push_str("</Transactions>");
        }
    }
    out.push_str("</Account>");
}

fn element(out: &mut String, name: &str, specs: &[AttrSpec], values: &Attrs) {
    out.push('<');
    out.push_str(name);
    attrs(out, specs, values);
    out.push_str("/>");
}

/// Attributes in the schema's order (a checked element has no others).
fn attrs(out: &mut String, specs: &[AttrSpec], values: &Attrs) {
    for spec in specs {
        if let Some(value) = values.get(spec.name) {
            attr(out, spec.name, value);
        }
    }
}

fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape(out, value);
    out.push('"');
}

fn escape(out: &mut String, value: &str) {
    let mut rest = value;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\t', '\n', '\r']) {
        out.push_str(&rest[..i]);
        let c = rest.as_bytes()[i];
        match c {
            b'&' => out.push_str("&amp;"),
            b'<' => out.push_str("&lt;"),
            b'>' => out.push_str("&gt;"),
            b'"' => out.push_str("&quot;"),
            other => {
                let _ = write!(out, "&#{other};");
            }
        }
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// Where an [`AccountWriter`] is in the XSD's sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Open,
    Profile,
    Summary,
    Transactions,
}

/// Writes one account's XML element by element, checking each against the schema as it goes:
/// `profile`, `summary`, then `transactions` and each `transaction`, then `finish`. Sections
/// may be skipped but not reordered.
#[derive(Debug)]
pub struct AccountWriter {
    schema: &'static Schema,
    out: String,
    stage: Stage,
    transactions: usize,
}

impl AccountWriter {
    /// Starts `<Account>`; `capacity` is a hint for the output buffer.
    pub fn start(
        fi_type: crate::rebit::FiType,
        masked_acc_number: &str,
        linked_acc_ref: &str,
        version: &str,
        capacity: usize,
    ) -> Result<Self, FiDataError> {
        let schema = schema::for_fi_type(fi_type)
            .ok_or_else(|| FiDataError::UnsupportedType(fi_type.to_string()))?;
        if !super::lexical::accepts(schema::Kind::Version, version) {
            return Err(FiDataError::invalid(
                "Account",
                format!("version {version:?} is not a schema version"),
            ));
        }
        let mut out = String::with_capacity(capacity.max(512));
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Account xmlns=\"");
        out.push_str(schema.namespace);
        out.push('"');
        attr(&mut out, "type", schema.account_type);
        attr(&mut out, "maskedAccNumber", masked_acc_number);
        attr(&mut out, "version", version);
        attr(&mut out, "linkedAccRef", linked_acc_ref);
        out.push('>');
        Ok(Self {
            schema,
            out,
            stage: Stage::Open,
            transactions: 0,
        })
    }

    fn advance(&mut self, to: Stage, element: &str) -> Result<(), FiDataError> {
        if self.stage >= to {
            return Err(FiDataError::invalid(element, "out of the schema's order"));
        }
        self.stage = to;
        Ok(())
    }

    pub fn profile(&mut self, profile: &Profile) -> Result<(), FiDataError> {
        super::check_profile(self.schema, profile)?;
        self.advance(Stage::Profile, "Profile")?;
        write_profile(&mut self.out, self.schema, profile);
        Ok(())
    }

    pub fn summary(&mut self, summary: &Summary) -> Result<(), FiDataError> {
        super::check_summary(self.schema, summary)?;
        self.advance(Stage::Summary, "Summary")?;
        write_summary(&mut self.out, self.schema, summary);
        Ok(())
    }

    /// Opens `<Transactions startDate endDate>`.
    pub fn transactions(&mut self, start_date: &str, end_date: &str) -> Result<(), FiDataError> {
        super::check_period(start_date, end_date)?;
        self.advance(Stage::Transactions, "Transactions")?;
        self.out.push_str("<Transactions");
        attr(&mut self.out, "startDate", start_date);
        attr(&mut self.out, "endDate", end_date);
        self.out.push('>');
        Ok(())
    }

    /// Appends one `<Transaction>` (after [`AccountWriter::transactions`]).
    pub fn transaction(&mut self, transaction: &Attrs) -> Result<(), FiDataError> {
        if self.stage != Stage::Transactions {
            return Err(FiDataError::invalid(
                "Transaction",
                "transactions() must come first",
            ));
        }
        check_attrs("Transaction", self.schema.transaction, transaction)?;
        element(
            &mut self.out,
            "Transaction",
            self.schema.transaction,
            transaction,
        );
        self.transactions += 1;
        Ok(())
    }

    /// Closes the document and returns it.
    pub fn finish(mut self) -> String {
        if self.stage == Stage::Transactions {
            self.out.push_str("</Transactions>");
        }
        self.out.push_str("</Account>");
        self.out
    }
}

fn write_profile(out: &mut String, schema: &Schema, profile: &Profile) {
    out.push_str("<Profile><Holders");
    attr(out, "type", &profile.holders_type);
    out.push('>');
    for holder in &profile.holders {
        element(out, "Holder", schema.holder, holder);
    }
    out.push_str("</Holders></Profile>");
}

fn write_summary(out: &mut String, schema: &Schema, summary: &Summary) {
    if summary.pending.is_empty() {
        element(out, "Summary", schema.summary, &summary.attrs);
    } else {
        out.push_str("<Summary");
        attrs(out, schema.summary, &summary.attrs);
        out.push('>');
        for pending in &summary.pending {
            element(out, "Pending", schema.pending, pending);
        }
        out.push_str("</Summary>");
    }
}
