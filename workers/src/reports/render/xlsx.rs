//! The report as an Excel workbook (XLSX): a contents sheet, then one sheet per table.
//!
//! - The first sheet, `目录` (contents), lists every table: its sheet name (a link to the
//!   sheet), its English name and its Chinese title, under a bold header row
//!   (`sheet`, `table`, `title`).
//! - Each table's sheet has the Chinese title in bold in row 1, the English column names in
//!   bold in row 2 (frozen), and the rows of the table from row 3 on.
//! - A number is written as a number, parsed from its decimal string, with a number format of
//!   as many places as the string has (`0.00` for amounts, `0.000000` for six-place ratios,
//!   `0` for integers), so it sums as it reads; text is written as a string, never a formula.
//!   An empty cell is left blank. Text longer than Excel's 32,767 characters is cut there.
//! - Sheet names are the table names made valid for Excel ([`sheet_names`]): at most 31
//!   (UTF-16) characters, none of `[ ] : * ? / \`, no apostrophe at either end, unique without
//!   regard to case, `History` avoided, `~2`, `~3`… appended on a clash.
//!
//! The bytes are a function of the document: the workbook's creation (and modification) time
//! is the report's `as_of` date at midnight UTC (2000-01-01 when the document has none), and
//! rust_xlsxwriter writes every zip entry with the same fixed timestamp, so the same document
//! and metadata give the same bytes.

use super::table::{tables, Cell, Table, HEADER};
use super::RenderError;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Url, Workbook, Worksheet, XlsxError};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The name of the contents sheet.
pub const CONTENTS: &str = "目录";

/// The row of a table sheet holding the column names (0-based); the data start below it.
pub const HEADER_ROW: u32 = 1;

/// Excel's limits.
const MAX_SHEET_NAME: usize = 31;
const MAX_STRING: usize = 32_767;

/// The document as an XLSX workbook.
pub fn xlsx(doc: &Value, extra: &[(String, String)]) -> Result<Vec<u8>, RenderError> {
    xlsx_tables(&tables(doc, extra)?)
}

/// The tables as an XLSX workbook (see the [module documentation](self)).
pub fn xlsx_tables(tables: &[Table]) -> Result<Vec<u8>, RenderError> {
    write(tables).map_err(|e| RenderError::Xlsx(e.to_string()))
}

/// The sheet name of each table, in order: valid for Excel, unique, and never [`CONTENTS`].
pub fn sheet_names(tables: &[Table]) -> Vec<String> {
    let mut taken: BTreeSet<String> = [CONTENTS.to_lowercase(), "history".to_owned()].into();
    tables
        .iter()
        .map(|t| {
            let base = sanitize(&t.name);
            let mut name = base.clone();
            let mut n = 1;
            while taken.contains(&name.to_lowercase()) {
                n += 1;
                let suffix = format!("~{n}");
                name = format!(
                    "{}{suffix}",
                    cut_utf16(&base, MAX_SHEET_NAME - suffix.len())
                );
            }
            taken.insert(name.to_lowercase());
            name
        })
        .collect()
}

fn sanitize(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cut = cut_utf16(&replaced, MAX_SHEET_NAME);
    let trimmed = cut.trim_matches('\'');
    if trimmed.is_empty() {
        "Sheet".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The longest prefix of `s` of at most `max` UTF-16 code units.
fn cut_utf16(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return s.get(..i).unwrap_or_default();
        }
    }
    s
}

/// The creation time: the `as_of` date of the header table, else a fixed date.
fn creation_time(tables: &[Table]) -> ExcelDateTime {
    let as_of = tables
        .iter()
        .find(|t| t.name == HEADER)
        .and_then(|t| t.value("as_of"))
        .map(|c| c.text().to_owned())
        .unwrap_or_default();
    as_of
        .get(..10)
        .and_then(|d| ExcelDateTime::parse_from_str(d).ok())
        .or_else(|| ExcelDateTime::from_ymd(2000, 1, 1).ok())
        .unwrap_or_default()
}

fn write(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let title = tables
        .iter()
        .find(|t| t.name == "basics")
        .and_then(|t| t.value("name"))
        .map_or_else(String::new, |c| c.text().to_owned());
    let properties = DocProperties::new()
        .set_title(
            format!("基金管理报告 Management report {title}")
                .trim_end()
                .to_owned(),
        )
        .set_creation_datetime(&creation_time(tables));
    workbook.set_properties(&properties);

    let bold = Format::new().set_bold();
    let mut number_formats: BTreeMap<Option<usize>, Format> = BTreeMap::new();
    let names = sheet_names(tables);

    let contents = workbook.add_worksheet();
    contents.set_name(CONTENTS)?;
    contents.write_string_with_format(0, 0, "基金管理报告 Management report", &bold)?;
    for (c, head) in ["sheet", "table", "title"].into_iter().enumerate() {
        contents.write_string_with_format(HEADER_ROW, col(c)?, head, &bold)?;
    }
    for (i, (table, sheet)) in tables.iter().zip(&names).enumerate() {
        let r = row(i)?;
        let link = Url::new(format!("internal:'{}'!A1", sheet.replace('\'', "''"))).set_text(sheet);
        contents.write_url(r, 0, link)?;
        contents.write_string(r, 1, text(&table.name))?;
        contents.write_string(r, 2, text(&table.title))?;
    }
    contents.set_freeze_panes(HEADER_ROW + 1, 0)?;
    contents.autofit();

    for (table, sheet) in tables.iter().zip(&names) {
        let ws = workbook.add_worksheet();
        ws.set_name(sheet)?;
        write_table(ws, table, &bold, &mut number_formats)?;
    }
    workbook.save_to_buffer()
}

fn write_table(
    ws: &mut Worksheet,
    table: &Table,
    bold: &Format,
    number_formats: &mut BTreeMap<Option<usize>, Format>,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, text(&table.title), bold)?;
    for (c, name) in table.columns.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, col(c)?, text(name), bold)?;
    }
    for (i, cells) in table.rows.iter().enumerate() {
        let r = row(i)?;
        for (c, cell) in cells.iter().enumerate() {
            let c = col(c)?;
            match (cell, cell.as_f64()) {
                (Cell::Number(s), Some(n)) if n.is_finite() => {
                    let places = (!s.contains(['e', 'E'])).then(|| cell.decimals().unwrap_or(0));
                    let format = number_formats
                        .entry(places)
                        .or_insert_with(|| Format::new().set_num_format(number_format(places)));
                    ws.write_number_with_format(r, c, n, &*format)?;
                }
                (Cell::Empty, _) => {}
                (cell, _) => {
                    ws.write_string(r, c, text(cell.text()))?;
                }
            }
        }
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.autofit();
    Ok(())
}

/// `0`, `0.00`, `0.000000`… (at most 30 places, Excel's limit); `General` for an exponent.
fn number_format(places: Option<usize>) -> String {
    match places {
        None => "General".to_owned(),
        Some(0) => "0".to_owned(),
        Some(p) => format!("0.{}", "0".repeat(p.min(30))),
    }
}

fn text(s: &str) -> &str {
    cut_utf16(s, MAX_STRING)
}

/// The sheet row of the `i`-th data row.
fn row(i: usize) -> Result<u32, XlsxError> {
    u32::try_from(i)
        .ok()
        .and_then(|i| i.checked_add(HEADER_ROW + 1))
        .ok_or(XlsxError::RowColumnLimitError)
}

fn col(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}
