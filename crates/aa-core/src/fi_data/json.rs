//! The JSON form of an FI document: the XML's structure with lower-camel keys
//! (`{"type", "maskedAccNumber", "linkedAccRef", "version", "profile": {"holders": {"type",
//! "holder": [...]}}, "summary": {..., "pending": [...]}, "transactions": {"startDate",
//! "endDate", "transaction": [...]}}`), as FIPs that answer in JSON send it and as the FIU
//! serves it. Attribute values are strings; numbers and booleans are accepted on input.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

use super::schema::{self, AttrSpec};
use super::{known_name, Account, Attrs, FiDataError, Profile, Summary, Transactions};

struct AttrsWith<'a> {
    attrs: &'a Attrs,
    extra: Option<(&'static str, &'a [Attrs])>,
}

impl Serialize for AttrsWith<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in self.attrs.iter() {
            map.serialize_entry(name, value)?;
        }
        if let Some((key, list)) = self.extra {
            let list: Vec<AttrsWith<'_>> = list
                .iter()
                .map(|attrs| AttrsWith { attrs, extra: None })
                .collect();
            map.serialize_entry(key, &list)?;
        }
        map.end()
    }
}

impl Serialize for Account {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let account_type = schema::for_fi_type(self.fi_type).map_or("", |s| s.account_type);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", account_type)?;
        map.serialize_entry("maskedAccNumber", &self.masked_acc_number)?;
        map.serialize_entry("linkedAccRef", &self.linked_acc_ref)?;
        map.serialize_entry("version", &self.version)?;
        if let Some(profile) = &self.profile {
            let holders: Vec<AttrsWith<'_>> = profile
                .holders
                .iter()
                .map(|attrs| AttrsWith { attrs, extra: None })
                .collect();
            map.serialize_entry(
                "profile",
                &serde_json::json!({ "holders": { "type": profile.holders_type, "holder": holders } }),
            )?;
        }
        if let Some(summary) = &self.summary {
            let extra = (!summary.pending.is_empty()).then_some(("pending", &summary.pending[..]));
            map.serialize_entry(
                "summary",
                &AttrsWith {
                    attrs: &summary.attrs,
                    extra,
                },
            )?;
        }
        if let Some(transactions) = &self.transactions {
            let list: Vec<AttrsWith<'_>> = transactions
                .list
                .iter()
                .map(|attrs| AttrsWith { attrs, extra: None })
                .collect();
            let mut head = Attrs::with_capacity(2);
            head.0.push(("startDate", transactions.start_date.clone()));
            head.0.push(("endDate", transactions.end_date.clone()));
            map.serialize_entry("transactions", &TransactionsJson { head: &head, list })?;
        }
        map.end()
    }
}

struct TransactionsJson<'a> {
    head: &'a Attrs,
    list: Vec<AttrsWith<'a>>,
}

impl Serialize for TransactionsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in self.head.iter() {
            map.serialize_entry(name, value)?;
        }
        map.serialize_entry("transaction", &self.list)?;
        map.end()
    }
}

pub(super) fn read(json: &[u8]) -> Result<Account, FiDataError> {
    let value: Value =
        serde_json::from_slice(json).map_err(|e| FiDataError::Syntax(e.to_string()))?;
    let mut root = object(value, "Account")?;
    for wrapper in ["account", "Account"] {
        if root.len() == 1 && root.contains_key(wrapper) {
            let inner = root.remove(wrapper).unwrap_or(Value::Null);
            root = object(inner, "Account")?;
        }
    }
    let account_type = take_text(&mut root, "Account", "type")?
        .ok_or_else(|| FiDataError::invalid("Account", "required attribute \"type\" is missing"))?;
    let schema = schema::for_account_type(&account_type)
        .ok_or_else(|| FiDataError::UnsupportedType(account_type.clone()))?;
    let mut required = |name: &str| {
        take_text(&mut root, "Account", name)?.ok_or_else(|| {
            FiDataError::invalid("Account", format!("required attribute {name:?} is missing"))
        })
    };
    let masked_acc_number = required("maskedAccNumber")?;
    let linked_acc_ref = required("linkedAccRef")?;
    let version = required("version")?;
    let profile = match root.remove("profile") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let mut profile = object(value, "Profile")?;
            let mut holders = object(
                profile
                    .remove("holders")
                    .ok_or_else(|| FiDataError::invalid("Profile", "holders is required"))?,
                "Holders",
            )?;
            let holders_type = take_text(&mut holders, "Holders", "type")?.ok_or_else(|| {
                FiDataError::invalid("Holders", "required attribute \"type\" is missing")
            })?;
            let list = holders.remove("holder").unwrap_or(Value::Array(Vec::new()));
            let holders = list_of(list, "Holder", schema.holder)?;
            Some(Profile {
                holders_type,
                holders,
            })
        }
    };
    let summary = match root.remove("summary") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let mut map = object(value, "Summary")?;
            let pending = match map.remove("pending") {
                None | Some(Value::Null) => Vec::new(),
                Some(p @ Value::Object(_)) => vec![attrs(p, "Pending", schema.pending)?],
                Some(list) => list_of(list, "Pending", schema.pending)?,
            };
            Some(Summary {
                attrs: attrs(Value::Object(map), "Summary", schema.summary)?,
                pending,
            })
        }
    };
    let transactions = match root.remove("transactions") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let mut map = object(value, "Transactions")?;
            let mut date = |name: &str| {
                take_text(&mut map, "Transactions", name)?.ok_or_else(|| {
                    FiDataError::invalid(
                        "Transactions",
                        format!("required attribute {name:?} is missing"),
                    )
                })
            };
            let start_date = date("startDate")?;
            let end_date = date("endDate")?;
            let list = map
                .remove("transaction")
                .unwrap_or(Value::Array(Vec::new()));
            Some(Transactions {
                start_date,
                end_date,
                list: list_of(list, "Transaction", schema.transaction)?,
            })
        }
    };
    if let Some(unknown) = root.keys().next() {
        return Err(FiDataError::invalid(
            "Account",
            format!("unknown member {unknown:?}"),
        ));
    }
    Ok(Account {
        fi_type: schema.fi_type,
        masked_acc_number,
        linked_acc_ref,
        version,
        profile,
        summary,
        transactions,
    })
}

fn object(value: Value, element: &str) -> Result<Map<String, Value>, FiDataError> {
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(FiDataError::invalid(element, "must be an object")),
    }
}

fn text(value: Value, element: &str, name: &str) -> Result<String, FiDataError> {
    match value {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(FiDataError::invalid(
            element,
            format!("attribute {name:?} must be a string"),
        )),
    }
}

fn take_text(
    map: &mut Map<String, Value>,
    element: &str,
    name: &str,
) -> Result<Option<String>, FiDataError> {
    map.remove(name)
        .map(|value| text(value, element, name))
        .transpose()
}

fn attrs(value: Value, element: &str, specs: &[AttrSpec]) -> Result<Attrs, FiDataError> {
    let map = object(value, element)?;
    let mut attrs = Attrs::with_capacity(map.len());
    for (key, value) in map {
        let name = known_name(element, specs, &key)?;
        attrs.0.push((name, text(value, element, name)?));
    }
    Ok(attrs)
}

fn list_of(value: Value, element: &str, specs: &[AttrSpec]) -> Result<Vec<Attrs>, FiDataError> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .map(|item| attrs(item, element, specs))
            .collect(),
        single @ Value::Object(_) => Ok(vec![attrs(single, element, specs)?]),
        _ => Err(FiDataError::invalid(element, "must be a list of objects")),
    }
}
