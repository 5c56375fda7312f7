//! Tests of the workbook and the page.

use super::{extra, get, t, REPORT};
use crate::reports::render::table::{tables, Cell, Table};
use crate::reports::render::xlsx::{sheet_names, CONTENTS, HEADER_ROW};
use crate::reports::render::{html, xlsx, xlsx_tables};
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use serde_json::{json, Value};
use std::io::Cursor;

fn read_back(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

fn cell_at(range: &calamine::Range<Data>, row: u32, col: usize) -> Data {
    range
        .get_value((row, u32::try_from(col).unwrap()))
        .cloned()
        .unwrap_or(Data::Empty)
}

#[test]
fn the_workbook_opens_and_its_sheets_hold_the_same_cells_as_the_json() {
    let doc: Value = serde_json::from_str(REPORT).unwrap();
    let all = tables(&doc, &extra()).unwrap();
    let mut book = read_back(xlsx(&doc, &extra()).unwrap());
    let sheets = sheet_names(&all);
    let mut expected = vec![CONTENTS.to_owned()];
    expected.extend(sheets.iter().cloned());
    assert_eq!(book.sheet_names(), expected);

    let contents = book.worksheet_range(CONTENTS).unwrap();
    for (i, (table, sheet)) in all.iter().zip(&sheets).enumerate() {
        let r = HEADER_ROW + 1 + u32::try_from(i).unwrap();
        assert_eq!(cell_at(&contents, r, 0), Data::String(sheet.clone()));
        assert_eq!(cell_at(&contents, r, 1), Data::String(table.name.clone()));
        assert_eq!(cell_at(&contents, r, 2), Data::String(table.title.clone()));
    }

    let mut numbers = 0;
    for (table, sheet) in all.iter().zip(&sheets) {
        let range = book.worksheet_range(sheet).unwrap();
        assert_eq!(cell_at(&range, 0, 0), Data::String(table.title.clone()));
        for (c, column) in table.columns.iter().enumerate() {
            assert_eq!(cell_at(&range, HEADER_ROW, c), Data::String(column.clone()));
        }
        for (i, row) in table.rows.iter().enumerate() {
            let r = HEADER_ROW + 1 + u32::try_from(i).unwrap();
            for (c, cell) in row.iter().enumerate() {
                let got = cell_at(&range, r, c);
                let want = match cell {
                    Cell::Number(s) => {
                        numbers += 1;
                        Data::Float(s.parse().unwrap())
                    }
                    Cell::Text(s) => Data::String(s.clone()),
                    Cell::Empty => Data::Empty,
                };
                assert_eq!(got, want, "{} row {i} column {c}", table.name);
            }
        }
    }
    assert!(numbers > 80, "{numbers}");

    // Spot checks against the JSON itself.
    let row_of = |table: &str, field: &str| {
        let rows = &get(&all, table).rows;
        HEADER_ROW + 1 + u32::try_from(rows.iter().position(|r| r[0] == t(field)).unwrap()).unwrap()
    };
    let column_of = |table: &str, column: &str| {
        get(&all, table)
            .columns
            .iter()
            .position(|c| c == column)
            .unwrap()
    };
    assert_eq!(doc["lp_totals"]["subscribed"], json!("150000000.00"));
    let lp_totals = book.worksheet_range("lp_totals").unwrap();
    let r = row_of("lp_totals", "subscribed");
    assert_eq!(cell_at(&lp_totals, r, 1), Data::Float(150_000_000.0));
    assert_eq!(doc["lps"][2]["paid_in_ratio"], json!("0.000000"));
    let lps = book.worksheet_range("lps").unwrap();
    let c = column_of("lps", "paid_in_ratio");
    assert_eq!(cell_at(&lps, HEADER_ROW + 3, c), Data::Float(0.0));
    assert_eq!(cell_at(&lps, HEADER_ROW + 1, c), Data::Float(0.833333));
}

#[test]
fn the_same_document_gives_the_same_workbook_bytes() {
    let doc: Value = serde_json::from_str(REPORT).unwrap();
    let once = xlsx(&doc, &extra()).unwrap();
    let twice = xlsx(&doc, &extra()).unwrap();
    assert_eq!(once, twice);
    let mut later = doc.clone();
    later["as_of"] = json!("2022-12-31");
    assert_ne!(once, xlsx(&later, &extra()).unwrap());
}

#[test]
fn sheet_names_follow_excel_rules() {
    let table = |name: &str| Table {
        name: name.into(),
        title: String::new(),
        columns: vec![],
        rows: vec![],
    };
    let all = [
        table("fees.years.assessment.segments.and.more.words"),
        table("fees.years.assessment.segments.and.more.other"),
        table("a[b]:c*d?e/f\\g"),
        table("'quoted'"),
        table("History"),
        table("目录"),
        table("LPS"),
        table("lps"),
        table(""),
    ];
    let names = sheet_names(&all);
    assert_eq!(
        names,
        [
            "fees.years.assessment.segments.",
            "fees.years.assessment.segment~2",
            "a_b__c_d_e_f_g",
            "quoted",
            "History~2",
            "目录~2",
            "LPS",
            "lps~2",
            "Sheet",
        ]
    );
    assert!(xlsx_tables(&all).is_ok());
}

#[test]
fn the_page_escapes_text_and_shows_the_chinese_titles() {
    let doc: Value = serde_json::from_str(REPORT).unwrap();
    let page = html(&doc, &extra()).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert!(page.contains("<meta charset=\"utf-8\">"));
    assert!(page.contains("基金管理报告"));
    assert!(page.contains("昆山市天使投资基金"));
    assert!(page.contains("2022年上半年 (h1 2022)"));
    assert!(!page.contains("<script"));
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; 成立"));
    assert!(page.contains("昆山&quot;芯&quot;科技"));
    for table in tables(&doc, &[]).unwrap() {
        let heading = format!("<h2>{}<small>{}</small></h2>", table.title, table.name);
        assert!(page.contains(&heading), "{heading}");
    }
    for title in [
        "出资人认缴与实缴",
        "投资项目及投后管理",
        "投资决策委员会决议",
        "尽职免责",
    ] {
        assert!(page.contains(title), "{title}");
    }
    assert!(page.contains("<td class=\"num\">150000000.00</td>"));
    assert!(page.contains("<th scope=\"col\">paid_in_ratio</th>"));
    for outside in ["http:", "https:", "src=", "<link", "@import", "url("] {
        assert!(!page.contains(outside), "{outside}");
    }
}
