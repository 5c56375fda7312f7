//! The report as a printable, self-contained HTML5 page.
//!
//! One UTF-8 page, `lang="zh-CN"`, with its CSS inline (print styles included: A4 landscape,
//! header rows repeated on each page, no row split across pages) and no script, image, font or
//! any other outside resource. It opens with the title "基金管理报告 Management report", the
//! fund's name and the period, then shows each table under an `<h2>` with its Chinese title and
//! its English name below in small type; the header cells are the English field names (a
//! `field`/`value` table is only as wide as it needs). Numbers
//! are right-aligned and shown as their decimal strings. All text is escaped (`& < > " '`).

use super::table::{tables, Cell, Table, HEADER};
use super::RenderError;
use serde_json::Value;
use std::fmt::Write;

const STYLE: &str = "\
:root{color-scheme:light}
body{font-family:\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"Source Han Sans SC\",sans-serif;\
font-size:13px;color:#111;margin:24px}
header{border-bottom:2px solid #333;margin-bottom:16px;padding-bottom:8px}
h1{font-size:22px;margin:0 0 4px}
h1 .en{font-weight:normal;color:#555}
.meta{margin:2px 0;color:#333}
section{margin:0 0 20px}
h2{font-size:16px;margin:18px 0 6px;break-after:avoid;page-break-after:avoid}
h2 small{display:block;font-size:11px;font-weight:normal;color:#666;font-family:monospace}
table{border-collapse:collapse;width:100%;margin:4px 0}
table.kv{width:auto;min-width:40%}
th,td{border:1px solid #999;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#eee;font-weight:600;font-family:monospace;font-size:12px}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.empty{color:#888}
p.none{color:#666;font-style:italic}
@page{size:A4 landscape;margin:12mm}
@media print{body{margin:0;font-size:10px}th{background:#eee;-webkit-print-color-adjust:exact;print-color-adjust:exact}\
thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}\
section{break-inside:auto}}
";

/// The document as an HTML page.
pub fn html(doc: &Value, extra: &[(String, String)]) -> Result<String, RenderError> {
    Ok(html_tables(&tables(doc, extra)?))
}

/// The tables as an HTML page (see the [module documentation](self)).
pub fn html_tables(tables: &[Table]) -> String {
    let value = |table: &str, field: &str| {
        tables
            .iter()
            .find(|t| t.name == table)
            .and_then(|t| t.value(field))
            .map(|c| c.text().to_owned())
            .unwrap_or_default()
    };
    let fund = value("basics", "name");
    let period = period_label(&value(HEADER, "period.kind"), &value(HEADER, "period.year"));
    let as_of = value(HEADER, "as_of");

    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<title>{}</title>",
        escape(
            &[
                fund.as_str(),
                period.as_str(),
                "基金管理报告 Management report"
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
        )
    );
    let _ = write!(out, "<style>\n{STYLE}</style>\n</head>\n<body>\n<header>\n");
    out.push_str("<h1>基金管理报告 <span class=\"en\">Management report</span></h1>\n");
    if !fund.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"meta\">基金 Fund: <strong>{}</strong></p>",
            escape(&fund)
        );
    }
    if !period.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"meta\">报告期 Period: {}</p>",
            escape(&period)
        );
    }
    if !as_of.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"meta\">截止日 As of: {}</p>",
            escape(&as_of)
        );
    }
    out.push_str("</header>\n<main>\n");
    for table in tables {
        write_table(&mut out, table);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// "2022年上半年 (h1 2022)", or what is known of it.
fn period_label(kind: &str, year: &str) -> String {
    let zh = match kind {
        "h1" => "上半年",
        "h2" => "下半年",
        "annual" => "年度",
        _ => "",
    };
    match (year.is_empty(), kind.is_empty()) {
        (true, true) => String::new(),
        _ if zh.is_empty() => format!("{kind} {year}").trim().to_owned(),
        _ => format!("{year}年{zh} ({kind} {year})"),
    }
}

fn write_table(out: &mut String, table: &Table) {
    let _ = write!(
        out,
        "<section id=\"t-{}\">\n<h2>{}<small>{}</small></h2>\n",
        escape(&table.name),
        escape(&table.title),
        escape(&table.name)
    );
    if table.columns.is_empty() || table.rows.is_empty() {
        out.push_str("<p class=\"none\">无记录 No entries</p>\n</section>\n");
        return;
    }
    let kv = table.columns.len() == 2 && table.columns.first().is_some_and(|c| c == "field");
    out.push_str(if kv {
        "<table class=\"kv\">"
    } else {
        "<table>"
    });
    out.push_str("\n<thead><tr>");
    for column in &table.columns {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(column));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for cell in row {
            match cell {
                Cell::Number(s) => {
                    let _ = write!(out, "<td class=\"num\">{}</td>", escape(s));
                }
                Cell::Text(s) => {
                    let _ = write!(out, "<td>{}</td>", escape(s));
                }
                Cell::Empty => out.push_str("<td class=\"empty\"></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// `s` with `& < > " '` escaped, fit for text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
