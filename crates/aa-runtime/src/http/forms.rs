//! What the services' HTML forms share (the AA's consent manager, the FIU's dashboard): a
//! submitted form's fields ([`Form`]), accepted only when its hidden CSRF field repeats the
//! visitor's CSRF cookie (double submit, compared in constant time), and percent-encoding of a
//! value put into a URL ([`encode`]).

use super::pages::same_token;

/// The hidden field every form repeats the visitor's CSRF cookie in.
pub const CSRF_FIELD: &str = "csrf";

/// What a person is told when a form is refused for its CSRF field (403).
pub const FORGED: &str = "this form has expired or did not come from this site; open the page \
                          again and send it from there";

/// A submitted form: its fields in order (a name may repeat, as checkboxes do).
#[derive(Debug, Clone)]
pub struct Form(pub Vec<(String, String)>);

/// A form whose CSRF field does not repeat the visitor's cookie (or the visitor had none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forged;

impl Form {
    /// `fields`, once their CSRF field matches `csrf`, the visitor's cookie (`None`: the visitor
    /// sent none, so no form of theirs can be genuine).
    pub fn verified(fields: Vec<(String, String)>, csrf: Option<&str>) -> Result<Self, Forged> {
        let form = Form(fields);
        match csrf {
            Some(expected) if same_token(form.get(CSRF_FIELD), expected) => Ok(form),
            _ => Err(Forged),
        }
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .unwrap_or("")
    }

    /// Every non-empty value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, value)| key == name && !value.trim().is_empty())
            .map(|(_, value)| value.trim().to_owned())
            .collect()
    }
}

/// `text` percent-encoded for a URL's path segment or query (every byte but the unreserved
/// characters of RFC 3986).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_form_is_accepted_only_with_the_cookies_token() {
        let token = super::super::pages::new_token();
        let genuine = fields(&[
            ("csrf", &token),
            ("a", " x "),
            ("b", "1"),
            ("b", ""),
            ("b", "2"),
        ]);
        let form = Form::verified(genuine.clone(), Some(&token)).unwrap_or(Form(Vec::new()));
        assert_eq!(form.get("a"), "x");
        assert_eq!(form.all("b"), ["1", "2"]);
        assert_eq!(form.get("missing"), "");
        assert_eq!(Form::verified(genuine.clone(), None).err(), Some(Forged));
        assert_eq!(Form::verified(genuine, Some("other")).err(), Some(Forged));
        assert_eq!(
            Form::verified(fields(&[]), Some(&token)).err(),
            Some(Forged)
        );
    }

    #[test]
    fn only_unreserved_characters_are_left_as_they_are() {
        assert_eq!(encode("a-b.c_d~e"), "a-b.c_d~e");
        assert_eq!(encode("/cm?x=1&y=ä"), "%2Fcm%3Fx%3D1%26y%3D%C3%A4");
    }
}
