//! The table model: a report document as an ordered list of named tables.
//!
//! [`tables`] reads the document so:
//! - a header table `report` holds the top-level scalars (`format`, `start`, `as_of`, `due`),
//!   the `period` object flattened (`period.kind`, `period.year`) and then the caller's extra
//!   metadata, as `field`/`value` rows;
//! - a section that is an array becomes a table named after it, a row per element; its columns
//!   are the union of the elements' flattened fields in first-seen order;
//! - a section that is an object becomes a `field`/`value` table;
//! - inside either, a nested object is flattened with dotted names (`assessment.total`), an
//!   array of scalars is joined with `"; "` into one cell, and an array holding objects becomes
//!   a child table `section.field` (recursively: `fees.years.assessment.segments`), a row per
//!   element; the child of a row table starts with a column `parent`, the 1-based number of
//!   the parent's row. An empty array is a child table when its name is a known table (its
//!   title is in [`TITLES`]) or when another row already made it one, else an empty cell.
//!
//! Sections come in the canonical order ([`SECTION_ORDER`], then unknown keys). Within a table
//! the order is the document's map order: with [`tables_from_slice`] the order of the JSON text;
//! with [`tables`] the order of the [`Value`]'s maps, which is alphabetical unless serde_json's
//! `preserve_order` feature is on. Nulls are empty cells. A string is a [`Cell::Number`] iff it
//! is a plain decimal with a fraction (`-?[0-9]+\.[0-9]+`: amounts, ratios); ids, dates and
//! names stay [`Cell::Text`]; JSON numbers are numbers. Nothing here panics on any input: a
//! document nested deeper than [`MAX_DEPTH`] is refused.

use super::node::{too_deep, Node};
use super::RenderError;
use serde_json::Value;
use std::collections::BTreeMap;

/// The order of the document's top-level keys; a key not listed comes after, in map order.
pub const SECTION_ORDER: [&str; 20] = [
    "format",
    "period",
    "start",
    "as_of",
    "due",
    "basics",
    "lps",
    "lp_totals",
    "calls",
    "cash",
    "fees",
    "distributions",
    "investments",
    "performance",
    "loss_tolerance",
    "portfolio",
    "pipeline",
    "resolutions",
    "compliance",
    "exemptions",
];

/// Top-level objects flattened into the header table rather than made sections.
const HEADER_OBJECTS: [&str; 1] = ["period"];

/// The name of the header table.
pub const HEADER: &str = "report";

/// The Chinese titles of the known tables. Another child table is titled
/// "parent's title · field"; another section by its English name.
pub const TITLES: [(&str, &str); 19] = [
    (HEADER, "报告信息"),
    ("basics", "基金基本情况"),
    ("lps", "出资人认缴与实缴"),
    ("lp_totals", "出资合计"),
    ("calls", "缴款通知"),
    ("cash", "托管资金"),
    ("fees", "管理费"),
    ("fees.years", "管理费年度"),
    ("distributions", "收益分配"),
    ("investments", "投资情况"),
    ("investments.lines", "投资明细"),
    ("investments.exits", "退出明细"),
    ("performance", "基金业绩"),
    ("loss_tolerance", "容错率"),
    ("portfolio", "投资项目及投后管理"),
    ("pipeline", "项目储备统计"),
    ("resolutions", "投资决策委员会决议"),
    ("compliance", "投资限制合规情况"),
    ("exemptions", "尽职免责"),
];

/// How deep the document may nest (serde_json's parser stops at 128 anyway).
pub const MAX_DEPTH: usize = 64;

/// The known Chinese title of a table.
pub fn known_title(name: &str) -> Option<&'static str> {
    TITLES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// A null, a missing field, an empty list.
    Empty,
    /// Text: names, ids, dates, kinds, lists.
    Text(String),
    /// A number, kept as its original decimal string (`"1234567.89"`, `"0.750000"`, `"2021"`).
    Number(String),
}

impl Cell {
    /// A string from the document: a number iff it matches `-?[0-9]+\.[0-9]+`, else text.
    pub fn classify(s: &str) -> Cell {
        if is_decimal(s) {
            Cell::Number(s.to_owned())
        } else {
            Cell::Text(s.to_owned())
        }
    }

    /// The text shown: the string, the decimal string, or `""`.
    pub fn text(&self) -> &str {
        match self {
            Cell::Empty => "",
            Cell::Text(s) | Cell::Number(s) => s,
        }
    }

    /// The value of a number (`None` for text, an empty cell, or an unparsable number).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Number(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// The places after the decimal point of a number (0 for an integer).
    pub fn decimals(&self) -> Option<usize> {
        match self {
            Cell::Number(s) => Some(s.split_once('.').map_or(0, |(_, f)| f.len())),
            _ => None,
        }
    }
}

/// Whether `s` is `-?[0-9]+\.[0-9]+`.
fn is_decimal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    digits.split_once('.').is_some_and(|(int, frac)| {
        !int.is_empty()
            && !frac.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
    })
}

/// A named table of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Its name: the section key, or `section.field` for a child table.
    pub name: String,
    /// Its Chinese title.
    pub title: String,
    /// The column names (English, as in the document; dotted when flattened).
    pub columns: Vec<String>,
    /// The rows, each with exactly one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// In a `field`/`value` table, the value of `field`.
    pub fn value(&self, field: &str) -> Option<&Cell> {
        self.rows
            .iter()
            .find(|row| row.first().is_some_and(|c| c.text() == field))
            .and_then(|row| row.get(1))
    }
}

/// The tables of a document (see the [module documentation](self)); `extra` is appended to the
/// header table (fund id, version, status, hash…). Fails only if `doc` is not an object or
/// nests too deep.
pub fn tables(doc: &Value, extra: &[(String, String)]) -> Result<Vec<Table>, RenderError> {
    let node = Node::from_value(doc, 0)?;
    build(node, extra)
}

/// The tables of a document given as JSON text, keeping the text's field order in every table.
pub fn tables_from_slice(
    json: &[u8],
    extra: &[(String, String)],
) -> Result<Vec<Table>, RenderError> {
    let node: Node =
        serde_json::from_slice(json).map_err(|e| RenderError::InvalidDocument(e.to_string()))?;
    if node.depth() > MAX_DEPTH {
        return Err(too_deep());
    }
    build(node, extra)
}

/// The tables under construction, in creation order.
#[derive(Default)]
struct Builder {
    tables: Vec<Table>,
    by_name: BTreeMap<String, usize>,
    columns: Vec<BTreeMap<String, usize>>,
}

fn build(doc: Node, extra: &[(String, String)]) -> Result<Vec<Table>, RenderError> {
    let Node::Object(mut top) = doc else {
        return Err(RenderError::InvalidDocument(
            "the document is not a JSON object".into(),
        ));
    };
    let rank = |k: &str| {
        SECTION_ORDER
            .iter()
            .position(|s| *s == k)
            .unwrap_or(usize::MAX)
    };
    top.sort_by_key(|(k, _)| rank(k));

    let mut b = Builder::default();
    let (header, sections): (Vec<_>, Vec<_>) = top.into_iter().partition(|(k, v)| match v {
        Node::Null | Node::Scalar(_) => known_title(k).is_none(),
        Node::Object(_) => HEADER_OBJECTS.contains(&k.as_str()),
        Node::Array(items) => {
            !items.is_empty() && !items.iter().any(|i| matches!(i, Node::Object(_)))
        }
    });
    b.kv_table(HEADER, &header);
    let h = b.table(HEADER, None, "", false);
    for (k, v) in extra {
        b.push_row(
            h,
            vec![
                ("field".into(), Cell::Text(k.clone())),
                ("value".into(), Cell::classify(v)),
            ],
        );
    }
    for (name, node) in sections {
        match node {
            Node::Object(fields) => b.kv_table(&name, &fields),
            Node::Array(items) => b.rows_table(&name, None, "", &items, None),
            // A known section that is null (or, oddly, a scalar) is still shown.
            Node::Null => b.kv_table(&name, &[]),
            scalar @ Node::Scalar(_) => b.kv_table(&name, &[("value".to_owned(), scalar)]),
        }
    }
    Ok(b.finish())
}

impl Builder {
    /// The index of table `name`, created if new (titled after `parent` when not known).
    fn table(&mut self, name: &str, parent: Option<usize>, field: &str, numbered: bool) -> usize {
        if let Some(&i) = self.by_name.get(name) {
            return i;
        }
        let title = match (known_title(name), parent) {
            (Some(t), _) => t.to_owned(),
            (None, Some(p)) => format!("{} · {field}", self.tables.get(p).map_or("", |t| &t.title)),
            (None, None) => name.to_owned(),
        };
        let i = self.tables.len();
        self.tables.push(Table {
            name: name.to_owned(),
            title,
            columns: Vec::new(),
            rows: Vec::new(),
        });
        self.columns.push(BTreeMap::new());
        self.by_name.insert(name.to_owned(), i);
        if numbered {
            self.column(i, "parent");
        }
        i
    }

    fn column(&mut self, t: usize, name: &str) -> usize {
        let (Some(table), Some(index)) = (self.tables.get_mut(t), self.columns.get_mut(t)) else {
            return 0;
        };
        *index.entry(name.to_owned()).or_insert_with(|| {
            table.columns.push(name.to_owned());
            table.columns.len() - 1
        })
    }

    fn push_row(&mut self, t: usize, cells: Vec<(String, Cell)>) {
        let mut row = Vec::new();
        for (name, cell) in cells {
            let c = self.column(t, &name);
            if row.len() <= c {
                row.resize(c + 1, Cell::Empty);
            }
            if let Some(slot) = row.get_mut(c) {
                *slot = cell;
            }
        }
        if let Some(table) = self.tables.get_mut(t) {
            table.rows.push(row);
        }
    }

    /// A `field`/`value` table of an object.
    fn kv_table(&mut self, name: &str, fields: &[(String, Node)]) {
        let t = self.table(name, None, "", false);
        self.column(t, "field");
        self.column(t, "value");
        let mut cells = Vec::new();
        self.walk(t, "", fields, None, &mut cells);
        for (field, value) in cells {
            self.push_row(
                t,
                vec![("field".into(), Cell::Text(field)), ("value".into(), value)],
            );
        }
    }

    /// A table of a list, a row per element; `parent` is the parent row's number.
    fn rows_table(
        &mut self,
        name: &str,
        parent_table: Option<usize>,
        field: &str,
        items: &[Node],
        parent: Option<usize>,
    ) {
        let t = self.table(name, parent_table, field, parent.is_some());
        for item in items {
            let number = self.tables.get(t).map_or(0, |t| t.rows.len()) + 1;
            let mut cells = Vec::new();
            if let Some(p) = parent {
                cells.push(("parent".to_owned(), Cell::Number(p.to_string())));
            }
            match item {
                Node::Object(fields) => self.walk(t, "", fields, Some(number), &mut cells),
                Node::Null => cells.push(("value".to_owned(), Cell::Empty)),
                other => cells.push(("value".to_owned(), Cell::Text(other.inline_text()))),
            }
            self.push_row(t, cells);
        }
    }

    /// Flattens `fields` of table `t` into `out`; `row` is the row's number in a row table.
    fn walk(
        &mut self,
        t: usize,
        prefix: &str,
        fields: &[(String, Node)],
        row: Option<usize>,
        out: &mut Vec<(String, Cell)>,
    ) {
        for (key, node) in fields {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match node {
                Node::Null => out.push((path, Cell::Empty)),
                Node::Scalar(cell) => out.push((path, cell.clone())),
                Node::Object(inner) if inner.is_empty() => out.push((path, Cell::Empty)),
                Node::Object(inner) => self.walk(t, &path, inner, row, out),
                Node::Array(items) => {
                    let child = format!("{}.{path}", self.tables.get(t).map_or("", |t| &t.name));
                    let is_table = items.iter().any(|i| matches!(i, Node::Object(_)))
                        || (items.is_empty()
                            && (known_title(&child).is_some()
                                || self.by_name.contains_key(&child)));
                    if is_table {
                        self.rows_table(&child, Some(t), &path, items, row);
                    } else if items.is_empty() {
                        out.push((path, Cell::Empty));
                    } else {
                        let joined = items
                            .iter()
                            .map(Node::inline_text)
                            .collect::<Vec<_>>()
                            .join("; ");
                        out.push((path, Cell::Text(joined)));
                    }
                }
            }
        }
    }

    fn finish(mut self) -> Vec<Table> {
        for table in &mut self.tables {
            let width = table.columns.len();
            for row in &mut table.rows {
                row.resize(width, Cell::Empty);
            }
        }
        self.tables
    }
}
