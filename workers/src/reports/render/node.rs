//! The document as a tree whose objects keep their field order (serde_json's `Value` keeps it
//! only with its `preserve_order` feature), with its scalars already made [`Cell`]s.

use super::table::{Cell, MAX_DEPTH};
use super::RenderError;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;

pub(super) fn too_deep() -> RenderError {
    RenderError::InvalidDocument(format!("nested deeper than {MAX_DEPTH} levels"))
}

/// A JSON value whose objects keep their order.
#[derive(Debug, Clone)]
pub(super) enum Node {
    Null,
    Scalar(Cell),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Node {
    pub(super) fn from_value(v: &Value, depth: usize) -> Result<Node, RenderError> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        Ok(match v {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Scalar(Cell::Text(b.to_string())),
            Value::Number(n) => Node::Scalar(Cell::Number(n.to_string())),
            Value::String(s) => Node::Scalar(Cell::classify(s)),
            Value::Array(items) => Node::Array(
                items
                    .iter()
                    .map(|i| Node::from_value(i, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Node::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), Node::from_value(v, depth + 1)?)))
                    .collect::<Result<_, RenderError>>()?,
            ),
        })
    }

    pub(super) fn depth(&self) -> usize {
        match self {
            Node::Null | Node::Scalar(_) => 0,
            Node::Array(items) => 1 + items.iter().map(Node::depth).max().unwrap_or(0),
            Node::Object(fields) => 1 + fields.iter().map(|(_, v)| v.depth()).max().unwrap_or(0),
        }
    }

    /// The text of a list element shown in a joined cell.
    pub(super) fn inline_text(&self) -> String {
        match self {
            Node::Null => String::new(),
            Node::Scalar(c) => c.text().to_owned(),
            Node::Array(items) => items
                .iter()
                .map(Node::inline_text)
                .collect::<Vec<_>>()
                .join("; "),
            Node::Object(fields) => fields
                .iter()
                .map(|(k, v)| format!("{k}={}", v.inline_text()))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
        Ok(Node::Scalar(Cell::Text(b.to_string())))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Node, E> {
        Ok(Node::Scalar(Cell::Number(n.to_string())))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
        Ok(Node::Scalar(Cell::Number(n.to_string())))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Node, E> {
        Ok(serde_json::Number::from_f64(n)
            .map_or(Node::Null, |n| Node::Scalar(Cell::Number(n.to_string()))))
    }
    fn visit_str<E>(self, s: &str) -> Result<Node, E> {
        Ok(Node::Scalar(Cell::classify(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut fields: Vec<(String, Node)> = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Node>()? {
            // A repeated key keeps its last value, as serde_json's maps do.
            match fields.iter_mut().find(|(name, _)| *name == k) {
                Some(slot) => slot.1 = v,
                None => fields.push((k, v)),
            }
        }
        Ok(Node::Object(fields))
    }
}
