//! Writes a checked [`Account`] as XML: the FI type's namespace, elements in the XSD's
//! sequence, attributes in the XSD's order, values escaped so that they read back unchanged
//! (attribute-value normalisation would otherwise turn tabs and newlines into spaces).

use std::fmt::Write;

use super::schema::{AttrSpec, Schema};
use super::{Account, Attrs};

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
        out.push_str("<Profile><Holders");
        attr(out, "type", &profile.holders_type);
        out.push('>');
        for holder in &profile.holders {
            element(out, "Holder", schema.holder, holder);
        }
        out.push_str("</Holders></Profile>");
    }
    if let Some(summary) = &account.summary {
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
