//! What changed between two versions of a report: the list an amendment carries (SPEC §8).
//!
//! [`changes`] compares two canonical documents as JSON trees and lists every leaf that
//! differs, with its path. Elements of a list are matched by their key — the first of
//! [`KEYS`] that every element of both lists has — so an LP or an investment inserted in the
//! middle shows as one added element, not as every later element changed; a list without such
//! a key is matched by position. A whole element (or object field) that appears or disappears
//! is one change with the element as its value.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Fields that identify an element of a list, in order of preference.
pub const KEYS: [&str; 11] = [
    "lp",
    "call_id",
    "distribution_id",
    "project_id",
    "exit_id",
    "resolution_id",
    "case_id",
    "year",
    "number",
    "movement_id",
    "name",
];

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Where, e.g. `lps[lp=0190…].paid` or `performance.tvpi`.
    pub path: String,
    /// The value in the earlier version (absent: added).
    pub before: Option<Value>,
    /// The value in the later version (absent: removed).
    pub after: Option<Value>,
}

/// The differences from `before` to `after`, at most `limit` of them listed; the second value
/// counts those not listed.
pub fn changes(before: &Value, after: &Value, limit: usize) -> (Vec<Change>, u32) {
    let mut out = Vec::new();
    walk("", before, after, &mut out);
    let omitted = out.len().saturating_sub(limit);
    out.truncate(limit);
    (out, u32::try_from(omitted).unwrap_or(u32::MAX))
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

fn walk(path: &str, before: &Value, after: &Value, out: &mut Vec<Change>) {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            for (field, old) in a {
                match b.get(field) {
                    Some(new) => walk(&join(path, field), old, new, out),
                    None => out.push(Change {
                        path: join(path, field),
                        before: Some(old.clone()),
                        after: None,
                    }),
                }
            }
            for (field, new) in b.iter().filter(|(f, _)| !a.contains_key(*f)) {
                out.push(Change {
                    path: join(path, field),
                    before: None,
                    after: Some(new.clone()),
                });
            }
        }
        (Value::Array(a), Value::Array(b)) => match key_of(a, b) {
            Some(key) => keyed(path, key, a, b, out),
            None => {
                for (i, pair) in a.iter().zip(b.iter()).enumerate() {
                    walk(&format!("{path}[{i}]"), pair.0, pair.1, out);
                }
                for (i, old) in a.iter().enumerate().skip(b.len()) {
                    out.push(Change {
                        path: format!("{path}[{i}]"),
                        before: Some(old.clone()),
                        after: None,
                    });
                }
                for (i, new) in b.iter().enumerate().skip(a.len()) {
                    out.push(Change {
                        path: format!("{path}[{i}]"),
                        before: None,
                        after: Some(new.clone()),
                    });
                }
            }
        },
        (old, new) if old == new => {}
        (old, new) => out.push(Change {
            path: path.to_owned(),
            before: Some(old.clone()),
            after: Some(new.clone()),
        }),
    }
}

/// The first key every element of both lists carries as a scalar, if the lists hold objects.
fn key_of(a: &[Value], b: &[Value]) -> Option<&'static str> {
    if a.is_empty() && b.is_empty() {
        return None;
    }
    KEYS.into_iter().find(|key| {
        a.iter()
            .chain(b.iter())
            .all(|e| e.get(key).is_some_and(|v| !v.is_object() && !v.is_array()))
    })
}

fn label(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn keyed(path: &str, key: &str, a: &[Value], b: &[Value], out: &mut Vec<Change>) {
    let id = |e: &Value| e.get(key).map(label).unwrap_or_default();
    let at = |e: &Value| format!("{path}[{key}={}]", id(e));
    for old in a {
        match b.iter().find(|new| id(new) == id(old)) {
            Some(new) => walk(&at(old), old, new, out),
            None => out.push(Change {
                path: at(old),
                before: Some(old.clone()),
                after: None,
            }),
        }
    }
    for new in b
        .iter()
        .filter(|new| !a.iter().any(|old| id(old) == id(new)))
    {
        out.push(Change {
            path: at(new),
            before: None,
            after: Some(new.clone()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_documents_have_no_changes() {
        let doc = json!({"a": "1.00", "lps": [{"lp": "x", "paid": "2.00"}]});
        assert_eq!(changes(&doc, &doc, 10), (Vec::new(), 0));
    }

    #[test]
    fn a_changed_amount_of_one_lp_is_one_change_with_its_key() {
        let before = json!({"lps": [{"lp": "a", "paid": "1.00"}, {"lp": "b", "paid": "2.00"}]});
        let after = json!({"lps": [{"lp": "a", "paid": "1.00"}, {"lp": "b", "paid": "5.00"}]});
        let (list, omitted) = changes(&before, &after, 10);
        assert_eq!(omitted, 0);
        assert_eq!(
            list,
            vec![Change {
                path: "lps[lp=b].paid".into(),
                before: Some(json!("2.00")),
                after: Some(json!("5.00")),
            }]
        );
    }

    #[test]
    fn an_element_inserted_in_the_middle_is_one_addition() {
        let before = json!({"calls": [{"call_id": "1", "x": 1}, {"call_id": "3", "x": 3}]});
        let after = json!({"calls": [{"call_id": "1", "x": 1}, {"call_id": "2", "x": 2}, {"call_id": "3", "x": 3}]});
        let (list, _) = changes(&before, &after, 10);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].path, "calls[call_id=2]");
        assert_eq!(list[0].before, None);
        assert_eq!(list[0].after, Some(json!({"call_id": "2", "x": 2})));
    }

    #[test]
    fn lists_without_a_key_are_compared_by_position() {
        let before = json!({"t": [1, 2]});
        let after = json!({"t": [1, 3, 4]});
        let (list, _) = changes(&before, &after, 10);
        let paths: Vec<_> = list.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, vec!["t[1]", "t[2]"]);
    }

    #[test]
    fn null_to_value_and_removed_fields_are_changes() {
        let before = json!({"irr": null, "gone": 1});
        let after = json!({"irr": "0.1", "new": 2});
        let (list, _) = changes(&before, &after, 10);
        let paths: Vec<_> = list.iter().map(|c| c.path.as_str()).collect();
        // Fields in key order (serde_json's map is sorted).
        assert_eq!(paths, vec!["gone", "irr", "new"]);
        assert_eq!(list[0].after, None);
        assert_eq!(list[2].before, None);
    }

    #[test]
    fn the_list_is_capped_and_counts_what_it_leaves_out() {
        let before = json!({"a": 1, "b": 2, "c": 3});
        let after = json!({"a": 2, "b": 3, "c": 4});
        let (list, omitted) = changes(&before, &after, 2);
        assert_eq!(list.len(), 2);
        assert_eq!(omitted, 1);
    }
}
