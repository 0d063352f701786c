//! Reads an FI XML document into an [`Account`] with quick-xml: elements are matched by local
//! name in the XSD's sequence, a declared default namespace must be the FI type's, and
//! anything the schema does not allow (unknown elements or attributes, text content, CDATA,
//! DTDs) is refused. The caller then checks attribute values ([`Account::check`]).

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::schema::{self, AttrSpec, Schema};
use super::{known_name, Account, Attrs, FiDataError, Profile, Summary, Transactions};

/// An opening tag with its attributes, or a closing tag.
enum Node {
    Open {
        name: String,
        attrs: Vec<(String, String)>,
    },
    Close,
}

struct Cursor<'a> {
    reader: Reader<&'a [u8]>,
    peeked: Option<Node>,
}

fn syntax(e: impl std::fmt::Display) -> FiDataError {
    FiDataError::Syntax(e.to_string())
}

impl<'a> Cursor<'a> {
    fn new(xml: &'a [u8]) -> Self {
        let mut reader = Reader::from_reader(xml);
        let config = reader.config_mut();
        config.trim_text(true);
        config.expand_empty_elements = true;
        config.check_end_names = true;
        Self {
            reader,
            peeked: None,
        }
    }

    fn next(&mut self) -> Result<Option<Node>, FiDataError> {
        if let Some(node) = self.peeked.take() {
            return Ok(Some(node));
        }
        loop {
            match self.reader.read_event().map_err(syntax)? {
                Event::Start(start) => return open(&start).map(Some),
                Event::End(_) => return Ok(Some(Node::Close)),
                Event::Eof => return Ok(None),
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Text(text) if text.iter().all(u8::is_ascii_whitespace) => {}
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    return Err(syntax("text content is not allowed in an FI document"))
                }
                Event::DocType(_) => return Err(syntax("a DTD is not allowed")),
                Event::Empty(_) => return Err(syntax("unexpected empty element")),
            }
        }
    }

    fn peek(&mut self) -> Result<Option<&Node>, FiDataError> {
        if self.peeked.is_none() {
            self.peeked = self.next()?;
        }
        Ok(self.peeked.as_ref())
    }

    /// Consumes the next node if it opens `name`, returning its attributes.
    fn open_if(&mut self, name: &str) -> Result<Option<Vec<(String, String)>>, FiDataError> {
        match self.peek()? {
            Some(Node::Open { name: n, .. }) if n == name => match self.next()? {
                Some(Node::Open { attrs, .. }) => Ok(Some(attrs)),
                _ => Err(syntax("reader out of step")),
            },
            _ => Ok(None),
        }
    }

    fn close(&mut self, element: &str) -> Result<(), FiDataError> {
        match self.next()? {
            Some(Node::Close) => Ok(()),
            Some(Node::Open { name, .. }) => Err(FiDataError::invalid(
                element,
                format!("unexpected element {name:?}"),
            )),
            None => Err(syntax("unexpected end of document")),
        }
    }
}

fn open(start: &BytesStart<'_>) -> Result<Node, FiDataError> {
    let name = String::from_utf8(start.local_name().as_ref().to_vec()).map_err(syntax)?;
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(syntax)?;
        let key = attr.key.as_ref();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(syntax)?
            .into_owned();
        let key = String::from_utf8(key.to_vec()).map_err(syntax)?;
        attrs.push((key, value));
    }
    Ok(Node::Open { name, attrs })
}

pub(super) fn read(xml: &[u8]) -> Result<Account, FiDataError> {
    let mut cursor = Cursor::new(xml);
    let Some(root) = cursor.open_if("Account")? else {
        return Err(FiDataError::invalid(
            "Account",
            "the root element must be Account",
        ));
    };
    let mut account_type = None;
    let mut masked = None;
    let mut version = None;
    let mut linked = None;
    let mut namespace = None;
    for (key, value) in root {
        match key.as_str() {
            "type" => account_type = Some(value),
            "maskedAccNumber" => masked = Some(value),
            "version" => version = Some(value),
            "linkedAccRef" => linked = Some(value),
            "xmlns" => namespace = Some(value),
            k if k.starts_with("xmlns:") || k.starts_with("xsi:") => {}
            other => {
                return Err(FiDataError::invalid(
                    "Account",
                    format!("unknown attribute {other:?}"),
                ))
            }
        }
    }
    let required = |v: Option<String>, name: &str| {
        v.ok_or_else(|| {
            FiDataError::invalid("Account", format!("required attribute {name:?} is missing"))
        })
    };
    let account_type = required(account_type, "type")?;
    let schema = schema::for_account_type(&account_type)
        .ok_or_else(|| FiDataError::UnsupportedType(account_type.clone()))?;
    if namespace
        .as_deref()
        .is_some_and(|ns| ns != schema.namespace)
    {
        return Err(FiDataError::invalid(
            "Account",
            format!("namespace must be {}", schema.namespace),
        ));
    }
    let account = Account {
        fi_type: schema.fi_type,
        masked_acc_number: required(masked, "maskedAccNumber")?,
        linked_acc_ref: required(linked, "linkedAccRef")?,
        version: required(version, "version")?,
        profile: read_profile(&mut cursor, schema)?,
        summary: read_summary(&mut cursor, schema)?,
        transactions: read_transactions(&mut cursor, schema)?,
    };
    cursor.close("Account")?;
    if cursor.next()?.is_some() {
        return Err(syntax("content after the Account element"));
    }
    Ok(account)
}

fn attrs_of(
    element: &str,
    specs: &[AttrSpec],
    raw: Vec<(String, String)>,
) -> Result<Attrs, FiDataError> {
    let mut attrs = Attrs::with_capacity(raw.len());
    for (key, value) in raw {
        let name = known_name(element, specs, &key)?;
        if attrs.get(name).is_some() {
            return Err(FiDataError::invalid(
                element,
                format!("attribute {name:?} given twice"),
            ));
        }
        attrs.0.push((name, value));
    }
    Ok(attrs)
}

fn read_profile(cursor: &mut Cursor<'_>, schema: &Schema) -> Result<Option<Profile>, FiDataError> {
    let Some(raw) = cursor.open_if("Profile")? else {
        return Ok(None);
    };
    if !raw.is_empty() {
        return Err(FiDataError::invalid("Profile", "Profile has no attributes"));
    }
    let Some(holders_raw) = cursor.open_if("Holders")? else {
        return Err(FiDataError::invalid("Profile", "Holders is required"));
    };
    let mut holders_type = None;
    for (key, value) in holders_raw {
        if key == "type" {
            holders_type = Some(value);
        } else {
            return Err(FiDataError::invalid(
                "Holders",
                format!("unknown attribute {key:?}"),
            ));
        }
    }
    let mut holders = Vec::new();
    while let Some(raw) = cursor.open_if("Holder")? {
        holders.push(attrs_of("Holder", schema.holder, raw)?);
        cursor.close("Holder")?;
    }
    cursor.close("Holders")?;
    cursor.close("Profile")?;
    Ok(Some(Profile {
        holders_type: holders_type.ok_or_else(|| {
            FiDataError::invalid("Holders", "required attribute \"type\" is missing")
        })?,
        holders,
    }))
}

fn read_summary(cursor: &mut Cursor<'_>, schema: &Schema) -> Result<Option<Summary>, FiDataError> {
    let Some(raw) = cursor.open_if("Summary")? else {
        return Ok(None);
    };
    let attrs = attrs_of("Summary", schema.summary, raw)?;
    let mut pending = Vec::new();
    while let Some(raw) = cursor.open_if("Pending")? {
        pending.push(attrs_of("Pending", schema.pending, raw)?);
        cursor.close("Pending")?;
    }
    cursor.close("Summary")?;
    Ok(Some(Summary { attrs, pending }))
}

fn read_transactions(
    cursor: &mut Cursor<'_>,
    schema: &Schema,
) -> Result<Option<Transactions>, FiDataError> {
    let Some(raw) = cursor.open_if("Transactions")? else {
        return Ok(None);
    };
    let mut start_date = None;
    let mut end_date = None;
    for (key, value) in raw {
        match key.as_str() {
            "startDate" => start_date = Some(value),
            "endDate" => end_date = Some(value),
            other => {
                return Err(FiDataError::invalid(
                    "Transactions",
                    format!("unknown attribute {other:?}"),
                ))
            }
        }
    }
    let mut list = Vec::new();
    while let Some(raw) = cursor.open_if("Transaction")? {
        list.push(attrs_of("Transaction", schema.transaction, raw)?);
        cursor.close("Transaction")?;
    }
    cursor.close("Transactions")?;
    let missing = |name: &str| {
        FiDataError::invalid(
            "Transactions",
            format!("required attribute {name:?} is missing"),
        )
    };
    Ok(Some(Transactions {
        start_date: start_date.ok_or_else(|| missing("startDate"))?,
        end_date: end_date.ok_or_else(|| missing("endDate"))?,
        list,
    }))
}
