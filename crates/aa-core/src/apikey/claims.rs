//! Reading a verified token's claims as Sahamati's access-token schema documents them, naming
//! the claim that fails.

use serde_json::{Map, Value};

use super::{ApiKeyError, Claims};

/// The claims of a token whose signature verified under a key trusted for issuer `iss`.
pub(super) fn read(payload: &Map<String, Value>, iss: &str) -> Result<Claims, ApiKeyError> {
    let issuer = string(payload, "iss")?;
    if issuer != iss {
        return Err(ApiKeyError::claim(
            "iss",
            format!("is {issuer:?}; this key is trusted for {iss:?} only"),
        ));
    }
    let sub = string(payload, "sub")?;
    let azp = match payload.get("azp") {
        None | Some(Value::Null) => sub.clone(),
        Some(Value::String(azp)) if !azp.is_empty() => azp.clone(),
        Some(_) => return Err(ApiKeyError::claim("azp", "is not a non-empty string")),
    };
    let iat = seconds(payload, "iat")?;
    let exp = seconds(payload, "exp")?;
    if exp <= iat {
        return Err(ApiKeyError::claim("exp", "is not after iat"));
    }
    let jti = match payload.get("jti") {
        None | Some(Value::Null) => None,
        Some(Value::String(jti)) => Some(jti.clone()),
        Some(_) => return Err(ApiKeyError::claim("jti", "is not a string")),
    };
    Ok(Claims {
        iss: issuer,
        sub,
        azp,
        roles: roles(payload)?,
        iat,
        exp,
        jti,
    })
}

fn string(payload: &Map<String, Value>, claim: &'static str) -> Result<String, ApiKeyError> {
    match payload.get(claim) {
        None | Some(Value::Null) => Err(ApiKeyError::claim(claim, "is missing")),
        Some(Value::String(value)) if !value.is_empty() => Ok(value.clone()),
        Some(_) => Err(ApiKeyError::claim(claim, "is not a non-empty string")),
    }
}

/// A NumericDate: whole seconds (a JSON integer, or a float with no fraction).
fn seconds(payload: &Map<String, Value>, claim: &'static str) -> Result<i64, ApiKeyError> {
    let value = payload
        .get(claim)
        .filter(|v| !v.is_null())
        .ok_or_else(|| ApiKeyError::claim(claim, "is missing"))?;
    value
        .as_i64()
        .or_else(|| {
            value
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        })
        .ok_or_else(|| ApiKeyError::claim(claim, "is not a number of seconds"))
}

/// `roles`: Sahamati documents a string (`"AA"`); lists, and several roles in one string
/// separated by spaces or commas, are read too.
fn roles(payload: &Map<String, Value>) -> Result<Vec<String>, ApiKeyError> {
    let bad = || ApiKeyError::claim("roles", "is not a string or a list of strings");
    let roles: Vec<String> = match payload.get("roles") {
        None | Some(Value::Null) => return Err(ApiKeyError::claim("roles", "is missing")),
        Some(Value::String(text)) => text
            .split([' ', ','])
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(bad))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(bad()),
    };
    if roles.is_empty() {
        return Err(ApiKeyError::claim("roles", "names no role"));
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn payload(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    /// The payload of Sahamati's access-token logistics document, verbatim.
    fn sahamati() -> Value {
        json!({
            "exp": 1612886779, "iat": 1612850779,
            "jti": "bd9d1a78-3829-4c61-b52b-c8c925953916",
            "iss": "https://uattokens.sahamati.org.in/auth/realms/sahamati",
            "sub": "0ac207b8-676e-43ff-baa4-464d17f4608c",
            "typ": "Bearer", "azp": "AA00000000", "acr": "1",
            "scope": "openid email profile", "roles": "AA"
        })
    }

    const ISS: &str = "https://uattokens.sahamati.org.in/auth/realms/sahamati";

    #[test]
    fn the_documented_sahamati_token_is_read() {
        let claims = read(&payload(sahamati()), ISS).unwrap();
        assert_eq!(claims.azp, "AA00000000");
        assert_eq!(claims.sub, "0ac207b8-676e-43ff-baa4-464d17f4608c");
        assert_eq!(claims.roles, vec!["AA"]);
        assert_eq!(claims.exp, 1612886779);
    }

    #[test]
    fn without_azp_or_jti_the_subject_is_the_caller() {
        let mut token = sahamati();
        token.as_object_mut().unwrap().remove("azp");
        token.as_object_mut().unwrap().remove("jti");
        let claims = read(&payload(token), ISS).unwrap();
        assert_eq!(claims.azp, "0ac207b8-676e-43ff-baa4-464d17f4608c");
        assert_eq!(claims.jti, None);
    }

    #[test]
    fn roles_may_be_a_list_or_several_in_a_string() {
        let mut token = sahamati();
        token["roles"] = json!(["FIU", "FIP"]);
        assert_eq!(
            read(&payload(token.clone()), ISS).unwrap().roles,
            ["FIU", "FIP"]
        );
        token["roles"] = json!("FIU,FIP");
        assert_eq!(read(&payload(token), ISS).unwrap().roles, ["FIU", "FIP"]);
    }

    #[test]
    fn a_refusal_names_the_failing_claim() {
        let cases: [(&str, Value, &str); 7] = [
            ("iss", json!("https://elsewhere"), "iss"),
            ("sub", json!(""), "sub"),
            ("exp", json!("tomorrow"), "exp"),
            ("iat", Value::Null, "iat"),
            ("roles", json!(7), "roles"),
            ("roles", json!(""), "roles"),
            ("azp", json!(12), "azp"),
        ];
        for (field, value, named) in cases {
            let mut token = sahamati();
            token[field] = value;
            match read(&payload(token), ISS) {
                Err(ApiKeyError::Claim { claim, .. }) => assert_eq!(claim, named, "{field}"),
                other => panic!("{field}: {other:?}"),
            }
        }
        let mut token = sahamati();
        token["exp"] = token["iat"].clone();
        let refused = read(&payload(token), ISS).unwrap_err();
        assert_eq!(refused.to_string(), "API key claim exp: is not after iat");
    }
}
