#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::walk::check;

fn doc() -> Value {
    json!({"definitions": {
        "Base": {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
        "Both": {"allOf": [{"$ref": "#/definitions/Base"}],
                 "properties": {"b": {"type": "boolean"}, "c": {"type": "string", "minLength": 3}}},
        "Loop": {"$ref": "#/definitions/Loop"}
    }})
}

fn message(schema: Value, value: Value) -> String {
    check(&doc(), &schema, &value).unwrap_err().message()
}

#[test]
fn all_of_holds_the_value_to_every_part_and_to_its_own_properties() {
    let both = json!({"$ref": "#/definitions/Both"});
    check(&doc(), &both, &json!({"a": 1, "b": true, "c": "abc"})).unwrap();
    assert_eq!(message(both.clone(), json!({"b": true})), "a is missing");
    assert_eq!(
        message(both.clone(), json!({"a": 1, "b": "yes"})),
        "b must be true or false"
    );
    assert_eq!(
        message(both, json!({"a": 1, "c": "ab"})),
        "c must be at least 3 character(s)"
    );
}

#[test]
fn an_integer_has_no_fraction() {
    let base = json!({"$ref": "#/definitions/Base"});
    check(&doc(), &base, &json!({"a": 2.0})).unwrap();
    assert_eq!(message(base, json!({"a": 2.5})), "a must be an integer");
}

#[test]
fn a_reference_loop_or_a_dangling_reference_fails_closed() {
    assert_eq!(
        message(json!({"$ref": "#/definitions/Loop"}), json!({})),
        "the body has a schema whose references loop"
    );
    assert!(message(json!({"$ref": "#/definitions/None"}), json!({})).contains("unresolvable"));
}
