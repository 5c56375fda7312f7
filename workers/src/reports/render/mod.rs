//! The renderers of a management report: its canonical JSON document turned into CSV tables,
//! an XLSX workbook or a printable HTML page.
//!
//! Every format goes through one table model ([`table`]): the document becomes an ordered list
//! of named [`Table`]s (a `report` header table, then one table per section and one per list of
//! records inside a section), deterministically, so the CSV of a table, the sheet of the
//! workbook and the `<table>` of the page hold the same cells. The renderers know no section:
//! a section that gains a field gains a column (or a row) and nothing breaks.
//!
//! The caller picks a [`Format`] from the `format` query parameter ([`Format::from_query`]) or
//! the `Accept` header ([`Format::from_accept`]); [`Format::Json`] is the canonical document
//! itself, which the caller serves as it stored it.
//!
//! # Layout
//! - [`table`]: the table model ([`tables`], [`Table`], [`Cell`]);
//! - [`csv`](mod@csv): one table as CSV ([`csv()`], [`table_names`]);
//! - [`xlsx`](mod@xlsx): the workbook ([`xlsx()`]);
//! - [`html`](mod@html): the page ([`html()`]).

pub mod csv;
pub mod html;
mod node;
pub mod table;
pub mod xlsx;

#[cfg(test)]
mod tests;

pub use csv::{csv, csv_table, table_names};
pub use html::{html, html_tables};
pub use table::{tables, tables_from_slice, Cell, Table};
pub use xlsx::{xlsx, xlsx_tables};

/// A format a report is served in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The canonical JSON document.
    Json,
    /// One table as CSV.
    Csv,
    /// An Excel workbook, one sheet per table.
    Xlsx,
    /// A printable HTML page.
    Html,
}

impl Format {
    /// Every format, in the order they are listed to a client.
    pub const ALL: [Format; 4] = [Format::Json, Format::Csv, Format::Xlsx, Format::Html];

    /// The format named by a `format` query parameter: `json`, `csv`, `xlsx` or `html`
    /// (ASCII case-insensitive, surrounding blanks ignored).
    pub fn from_query(value: &str) -> Option<Format> {
        let value = value.trim();
        Format::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(value))
    }

    /// The format asked for by an `Accept` header: the first media range of the list that
    /// names a supported type wins, whatever the q-values (a range with `q=0`, "not
    /// acceptable", is skipped). `*/*` and `application/*` mean JSON. `None` when no range is
    /// supported (the caller answers 406, or its default when the header is absent).
    pub fn from_accept(header: &str) -> Option<Format> {
        header.split(',').find_map(|range| {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.split_once('=').is_some_and(|(k, v)| {
                    k.trim().eq_ignore_ascii_case("q")
                        && v.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
                })
            });
            if refused {
                return None;
            }
            if media == "*/*" || media.eq_ignore_ascii_case("application/*") {
                return Some(Format::Json);
            }
            Format::ALL
                .into_iter()
                .find(|f| f.media_type().eq_ignore_ascii_case(media))
        })
    }

    /// The media type without parameters, as matched in an `Accept` header.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Html => "text/html",
        }
    }

    /// The `Content-Type` of a response in this format (text types say they are UTF-8).
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Html => "text/html; charset=utf-8",
        }
    }

    /// The file name extension, without the dot (also the `format` query value).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }
}

/// Why a report cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The document has no table of that name.
    #[error("no table {name:?} in the report; available: {}", available.join(", "))]
    UnknownTable {
        /// The name asked.
        name: String,
        /// The names the document has, in order.
        available: Vec<String>,
    },
    /// The document is not a report document (not a JSON object).
    #[error("not a report document: {0}")]
    InvalidDocument(String),
    /// The workbook could not be written.
    #[error("the workbook could not be written: {0}")]
    Xlsx(String),
}

impl RenderError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            RenderError::UnknownTable { .. } => "unknown_table",
            RenderError::InvalidDocument(_) => "invalid_document",
            RenderError::Xlsx(_) => "xlsx_failed",
        }
    }
}
