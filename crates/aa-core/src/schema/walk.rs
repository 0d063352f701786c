//! The validator: the subset of Swagger 2.0 schemas the ReBIT files use (`$ref` to
//! `#/definitions/...`, `allOf`, `type`, `properties`, `required`, `items`, `enum`,
//! `format: date-time`, `minItems`, `uniqueItems`, `minLength`), plus the UUID fields of
//! [`super::rules`]. Properties the schema does not name are allowed, as Swagger 2.0 allows them.
//!
//! "Empty is missing": `null`, a blank string and `{}` count as absent, so a required field
//! holding one is missing and an optional one is skipped. Messages name the field by its path
//! (`ConsentDetail.DataLife.unit`, `FI[0].data[1].encryptedFI`) and never quote its value.

use serde_json::Value;

use super::rules;
use crate::timefmt;
use crate::validate::is_canonical_uuid;

/// How far `$ref` chains are followed before the schema is taken as broken.
const MAX_REF_HOPS: usize = 16;

/// One step of the path to the failing field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    Key(String),
    Index(usize),
}

/// Where a body breaks its schema, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Failure {
    pub path: Vec<Step>,
    /// The rule broken, completing "`<path>` ...": "is missing", "must be a string".
    pub broken: String,
    /// True when the field is absent or empty, rather than present and malformed.
    pub missing: bool,
}

impl Failure {
    fn new(path: &[Step], broken: impl Into<String>) -> Self {
        Self {
            path: path.to_vec(),
            broken: broken.into(),
            missing: false,
        }
    }

    /// The names on the path, innermost last (array indices skipped).
    fn names(&self) -> impl DoubleEndedIterator<Item = &str> {
        self.path.iter().filter_map(|step| match step {
            Step::Key(name) => Some(name.as_str()),
            Step::Index(_) => None,
        })
    }

    /// The failing field's own name.
    pub fn field(&self) -> Option<&str> {
        self.names().next_back()
    }

    /// The name of the object holding the failing field.
    pub fn parent(&self) -> Option<&str> {
        self.names().rev().nth(1)
    }

    /// "`FI[0].KeyMaterial.cryptoAlg` is missing", or "the body ..." at the top.
    pub fn message(&self) -> String {
        if self.path.is_empty() {
            return format!("the body {}", self.broken);
        }
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Key(name) if out.is_empty() => out.push_str(name),
                Step::Key(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        format!("{out} {}", self.broken)
    }
}

/// Empty is missing: `null`, a string of only whitespace, `{}`.
pub(super) fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// Checks `value` against `schema`, resolving references in `doc` (the whole YAML document).
pub(super) fn check(doc: &Value, schema: &Value, value: &Value) -> Result<(), Failure> {
    let mut path = Vec::new();
    walk(doc, schema, value, &mut path)
}

fn resolve<'a>(doc: &'a Value, mut schema: &'a Value, path: &[Step]) -> Result<&'a Value, Failure> {
    for _ in 0..MAX_REF_HOPS {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            return Ok(schema);
        };
        let name = reference
            .strip_prefix("#/definitions/")
            .unwrap_or(reference);
        schema = doc
            .get("definitions")
            .and_then(|d| d.get(name))
            .ok_or_else(|| Failure::new(path, format!("has an unresolvable schema {name:?}")))?;
    }
    Err(Failure::new(path, "has a schema whose references loop"))
}

/// The schema's type; one without `type` but with `properties` or `required` is an object.
fn type_of(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(name)) => Some(name.as_str()),
        _ if schema.get("properties").is_some() || schema.get("required").is_some() => {
            Some("object")
        }
        _ => None,
    }
}

fn walk(doc: &Value, schema: &Value, value: &Value, path: &mut Vec<Step>) -> Result<(), Failure> {
    let schema = resolve(doc, schema, path)?;
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            walk(doc, part, value, path)?;
        }
    }
    match type_of(schema) {
        Some("object") => object(doc, schema, value, path)?,
        Some("array") => array(doc, schema, value, path)?,
        Some("string") => string(schema, value, path)?,
        Some("number") if !value.is_number() => return Err(Failure::new(path, "must be a number")),
        Some("integer") if !is_integer(value) => {
            return Err(Failure::new(path, "must be an integer"))
        }
        Some("boolean") if !value.is_boolean() => {
            return Err(Failure::new(path, "must be true or false"))
        }
        _ => {}
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        let name = path.iter().rev().find_map(|step| match step {
            Step::Key(name) => Some(name.as_str()),
            Step::Index(_) => None,
        });
        let extended = value.as_str().is_some_and(|v| rules::also_allowed(name, v));
        if !allowed.contains(value) && !extended {
            let names: Vec<String> = allowed
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect();
            return Err(Failure::new(
                path,
                format!("must be one of {}", names.join(", ")),
            ));
        }
    }
    Ok(())
}

fn is_integer(value: &Value) -> bool {
    match value {
        Value::Number(n) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

fn object(doc: &Value, schema: &Value, value: &Value, path: &mut Vec<Step>) -> Result<(), Failure> {
    let Value::Object(fields) = value else {
        return Err(Failure::new(path, "must be an object"));
    };
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if fields.get(name).is_none_or(is_empty) {
            path.push(Step::Key(name.to_owned()));
            let failure = Failure {
                missing: true,
                ..Failure::new(path, "is missing")
            };
            path.pop();
            return Err(failure);
        }
    }
    let Some(Value::Object(properties)) = schema.get("properties") else {
        return Ok(());
    };
    for (name, property) in properties {
        // The files carry a few stray `name: X` lines among the properties (misplaced `xml`
        // names): only mappings are schemas.
        if !property.is_object() {
            continue;
        }
        let Some(field) = fields.get(name).filter(|v| !is_empty(v)) else {
            continue;
        };
        path.push(Step::Key(name.clone()));
        let outcome = walk(doc, property, field, path);
        path.pop();
        outcome?;
    }
    Ok(())
}

fn array(doc: &Value, schema: &Value, value: &Value, path: &mut Vec<Step>) -> Result<(), Failure> {
    let Value::Array(items) = value else {
        return Err(Failure::new(path, "must be an array"));
    };
    if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
        if (items.len() as u64) < min {
            return Err(Failure::new(
                path,
                format!("must have at least {min} item(s)"),
            ));
        }
    }
    if schema.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
        for (i, item) in items.iter().enumerate() {
            if items[..i].contains(item) {
                return Err(Failure::new(path, "must not repeat an item"));
            }
        }
    }
    if let Some(item_schema) = schema.get("items") {
        for (i, item) in items.iter().enumerate() {
            path.push(Step::Index(i));
            let outcome = walk(doc, item_schema, item, path);
            path.pop();
            outcome?;
        }
    }
    Ok(())
}

fn string(schema: &Value, value: &Value, path: &[Step]) -> Result<(), Failure> {
    let Value::String(text) = value else {
        return Err(Failure::new(path, "must be a string"));
    };
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
        if (text.chars().count() as u64) < min {
            return Err(Failure::new(
                path,
                format!("must be at least {min} character(s)"),
            ));
        }
    }
    if schema.get("format").and_then(Value::as_str) == Some("date-time")
        && timefmt::parse(text).is_none()
    {
        return Err(Failure::new(path, "must be an RFC 3339 date-time"));
    }
    let failure = Failure::new(path, "");
    if rules::is_uuid_field(failure.field().unwrap_or(""), failure.parent())
        && !is_canonical_uuid(text)
    {
        return Err(Failure::new(
            path,
            "must be a UUID in its canonical form (8-4-4-4-12 hexadecimal digits)",
        ));
    }
    Ok(())
}
