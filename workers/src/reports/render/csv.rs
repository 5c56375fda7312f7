//! One table of a report as CSV (RFC 4180).
//!
//! The first record is the header: the table's English column names. Records end with CRLF,
//! as RFC 4180 says (the last one too). A field is quoted when it holds a comma, a double quote,
//! a CR or an LF, its quotes doubled; any other field is written as it is. Numbers are written
//! as their original decimal strings (`"0.00"` stays `0.00`), empty cells as empty fields. The
//! text is UTF-8 without a byte order mark: the caller serves it as `text/csv; charset=utf-8`.
//! A table with no columns is the empty string. Text is not altered: a name that starts with
//! `=` is written as it is (a spreadsheet that opens the file may take it for a formula).

use super::table::{tables, Table};
use super::RenderError;
use serde_json::Value;

/// The record separator.
pub const CRLF: &str = "\r\n";

/// The table `table` of the document as CSV; [`RenderError::UnknownTable`] (with the names
/// available) when the document has no such table.
pub fn csv(doc: &Value, extra: &[(String, String)], table: &str) -> Result<String, RenderError> {
    let all = tables(doc, extra)?;
    match all.iter().find(|t| t.name == table) {
        Some(t) => Ok(csv_table(t)),
        None => Err(RenderError::UnknownTable {
            name: table.to_owned(),
            available: all.into_iter().map(|t| t.name).collect(),
        }),
    }
}

/// The names of the document's tables, in order (empty when it is not a report document).
pub fn table_names(doc: &Value) -> Vec<String> {
    tables(doc, &[])
        .map(|all| all.into_iter().map(|t| t.name).collect())
        .unwrap_or_default()
}

/// One table as CSV.
pub fn csv_table(table: &Table) -> String {
    let mut out = String::new();
    if table.columns.is_empty() {
        return out;
    }
    record(&mut out, table.columns.iter().map(String::as_str));
    for row in &table.rows {
        record(&mut out, row.iter().map(|c| c.text()));
    }
    out
}

fn record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str(CRLF);
}
