//! Tests of the table model and the renderers.

mod output;

use super::table::{tables, tables_from_slice, Cell, Table};
use super::*;
use serde_json::{json, Value};

/// A report as the domain writes it (fund sections of the H1 2022 fixture), with made-up
/// later sections.
const REPORT: &str = include_str!("../testdata/report.json");

const SMALL: &str = r#"{
  "format": "management_report/1",
  "period": {"kind": "h1", "year": 2022},
  "start": "2022-01-01", "as_of": "2022-06-30", "due": "2022-07-30",
  "basics": {"fund_id": "00000000-0000-0000-0000-000000000007", "name": "昆山市天使投资基金",
             "total_size": "300000000.00", "phase": null, "establishment_date": "2021-01-01",
             "tranches": [{"number": 1, "size": "100.00"}, {"number": 2, "size": "50.00", "extra": "x"}]},
  "lps": [
    {"lp": "00000000-0000-0000-0000-000000000001", "name": "A, \"B\"\nC 公司", "paid": "0.00",
     "arrears": "-12.50", "ratio": null, "tags": ["a", "b"], "address": {"city": "昆山", "zip": "215300"},
     "payments": [{"on": "2022-01-01", "amount": "1.00"}]},
    {"lp": "00000000-0000-0000-0000-000000000002", "name": "<script>alert('x')</script>", "paid": "10.00",
     "payments": []},
    {"lp": "00000000-0000-0000-0000-000000000003",
     "payments": [{"on": "2022-02-02", "amount": "2.00"}, {"on": "2022-03-03", "amount": "3.00"}]}
  ],
  "fees": {"years": [{"year": 2021, "assessment": {"segments": [{"from": "2021-01-01", "amount": "1.00"}],
                                                    "total": "1.00"}, "paid": "1.00"}],
           "assessed": "1.00"},
  "distributions": [],
  "investments": {"lines": [{"project_id": "p", "moic": "1.0000"}], "exits": [], "paid": "5.00"},
  "exemptions": null,
  "zzz_new": {"a": 1}
}"#;

fn extra() -> Vec<(String, String)> {
    vec![
        (
            "fund_id".into(),
            "00000000-0000-0000-0000-000000000007".into(),
        ),
        ("version".into(), "3".into()),
    ]
}

fn small() -> Vec<Table> {
    tables_from_slice(SMALL.as_bytes(), &extra()).unwrap()
}

fn get<'a>(all: &'a [Table], name: &str) -> &'a Table {
    all.iter().find(|t| t.name == name).unwrap()
}

fn t(s: &str) -> Cell {
    Cell::Text(s.into())
}
fn n(s: &str) -> Cell {
    Cell::Number(s.into())
}

#[test]
fn the_document_becomes_named_tables_in_canonical_order() {
    let all = small();
    let names: Vec<_> = all.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "report",
            "basics",
            "basics.tranches",
            "lps",
            "lps.payments",
            "fees",
            "fees.years",
            "fees.years.assessment.segments",
            "distributions",
            "investments",
            "investments.lines",
            "investments.exits",
            "exemptions",
            "zzz_new",
        ]
    );
    let titles: Vec<_> = all.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles[0], "报告信息");
    assert_eq!(get(&all, "investments.exits").title, "退出明细");
    assert_eq!(
        get(&all, "fees.years.assessment.segments").title,
        "管理费年度 · assessment.segments"
    );
    assert_eq!(
        get(&all, "basics.tranches").title,
        "基金基本情况 · tranches"
    );
    assert_eq!(get(&all, "zzz_new").title, "zzz_new");
    // Every row has one cell per column.
    assert!(all
        .iter()
        .all(|t| t.rows.iter().all(|r| r.len() == t.columns.len())));
    // A Value (whatever its maps' order) gives the same tables, sections in the same order.
    let from_value = tables(&serde_json::from_str::<Value>(SMALL).unwrap(), &extra()).unwrap();
    let mut a: Vec<_> = from_value.iter().map(|t| t.name.clone()).collect();
    let mut b: Vec<_> = names.iter().map(|s| s.to_string()).collect();
    assert_eq!(a[..4], b[..4]);
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn the_header_holds_the_top_level_scalars_then_the_extra_metadata() {
    let report = &small()[0];
    assert_eq!(report.columns, ["field", "value"]);
    let rows: Vec<(String, Cell)> = report
        .rows
        .iter()
        .map(|r| (r[0].text().to_owned(), r[1].clone()))
        .collect();
    assert_eq!(
        rows,
        [
            ("format".into(), t("management_report/1")),
            ("period.kind".into(), t("h1")),
            ("period.year".into(), n("2022")),
            ("start".into(), t("2022-01-01")),
            ("as_of".into(), t("2022-06-30")),
            ("due".into(), t("2022-07-30")),
            ("fund_id".into(), t("00000000-0000-0000-0000-000000000007")),
            ("version".into(), t("3")),
        ]
    );
}

#[test]
fn objects_are_flattened_and_lists_of_records_become_child_tables() {
    let all = small();
    let basics = get(&all, "basics");
    assert_eq!(basics.value("name"), Some(&t("昆山市天使投资基金")));
    assert_eq!(basics.value("phase"), Some(&Cell::Empty));
    assert_eq!(basics.value("tranches"), None);
    let tranches = get(&all, "basics.tranches");
    assert_eq!(tranches.columns, ["number", "size", "extra"]);
    assert_eq!(tranches.rows[0], [n("1"), n("100.00"), Cell::Empty]);

    let lps = get(&all, "lps");
    assert_eq!(
        lps.columns,
        [
            "lp",
            "name",
            "paid",
            "arrears",
            "ratio",
            "tags",
            "address.city",
            "address.zip"
        ]
    );
    assert_eq!(
        lps.rows[0],
        [
            t("00000000-0000-0000-0000-000000000001"),
            t("A, \"B\"\nC 公司"),
            n("0.00"),
            n("-12.50"),
            Cell::Empty,
            t("a; b"),
            t("昆山"),
            t("215300"),
        ]
    );
    assert_eq!(lps.rows[2][1], Cell::Empty);
    let payments = get(&all, "lps.payments");
    assert_eq!(payments.columns, ["parent", "on", "amount"]);
    let parents: Vec<_> = payments.rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(parents, [n("1"), n("3"), n("3")]);
    assert_eq!(payments.rows[2], [n("3"), t("2022-03-03"), n("3.00")]);

    let segments = get(&all, "fees.years.assessment.segments");
    assert_eq!(segments.rows, [[n("1"), t("2021-01-01"), n("1.00")]]);
    let years = get(&all, "fees.years");
    assert_eq!(years.columns, ["year", "assessment.total", "paid"]);
    // A known list with no entries is an empty table; an unknown null section is empty too.
    assert!(get(&all, "investments.exits").rows.is_empty());
    assert!(get(&all, "distributions").columns.is_empty());
    assert!(get(&all, "exemptions").rows.is_empty());
}

#[test]
fn only_decimals_with_a_fraction_are_numbers() {
    for s in ["0.00", "-12.50", "1234567.89", "0.750000", "-0.006658"] {
        assert_eq!(Cell::classify(s), n(s), "{s}");
    }
    for s in [
        "00000000-0000-0000-0000-000000000001",
        "2022-06-30",
        "0",
        "12",
        "1.",
        ".5",
        "-",
        "1.2.3",
        "1e5",
        "+1.00",
        " 1.00",
        "１.００",
        "",
    ] {
        assert_eq!(Cell::classify(s), t(s), "{s}");
    }
    assert_eq!(n("0.000000").decimals(), Some(6));
    assert_eq!(n("2021").decimals(), Some(0));
    assert_eq!(n("-12.50").as_f64(), Some(-12.5));
}

#[test]
fn a_document_that_is_not_an_object_is_refused() {
    for doc in [json!([]), json!("x"), json!(null)] {
        let e = tables(&doc, &[]).unwrap_err();
        assert_eq!(e.code(), "invalid_document");
        assert_eq!(xlsx(&doc, &[]).unwrap_err().code(), "invalid_document");
    }
    assert_eq!(table_names(&json!(1)), Vec::<String>::new());
    let mut deep = json!(1);
    for _ in 0..100 {
        deep = json!({ "a": deep });
    }
    assert_eq!(tables(&deep, &[]).unwrap_err().code(), "invalid_document");
    assert!(tables_from_slice(b"{", &[]).is_err());
}

#[test]
fn odd_documents_render_without_panicking() {
    let doc = json!({
        "a": [[1, [2, {"x": 3}]], null, "s", {"k": [{"z": true}]}],
        "b": {"": {"": []}, "c": {}, "d": [1.5, -2, 1e300]},
        "lps": [{"parent": "mine", "payments": 5}, {"payments": [{"x": null}]}],
        "c": [1, 2],
        "basics": "scalar",
    });
    let all = tables(&doc, &extra()).unwrap();
    assert!(all
        .iter()
        .all(|t| t.rows.iter().all(|r| r.len() == t.columns.len())));
    for name in table_names(&doc) {
        csv(&doc, &[], &name).unwrap();
    }
    html(&doc, &[]).unwrap();
    assert!(!xlsx(&doc, &[]).unwrap().is_empty());
}

#[test]
fn csv_quotes_what_needs_quoting_and_keeps_chinese() {
    let all = small();
    let text = csv_table(get(&all, "lps"));
    let lines: Vec<&str> = text.split_inclusive("\r\n").collect();
    assert_eq!(
        lines[0],
        "lp,name,paid,arrears,ratio,tags,address.city,address.zip\r\n"
    );
    assert_eq!(
        lines[1],
        "00000000-0000-0000-0000-000000000001,\"A, \"\"B\"\"\nC 公司\",0.00,-12.50,,a; b,昆山,215300\r\n"
    );
    assert_eq!(lines.len(), 4);
    assert!(text.ends_with("\r\n"));

    let doc: Value = serde_json::from_str(SMALL).unwrap();
    let basics = csv(&doc, &[], "basics").unwrap();
    assert!(basics.starts_with("field,value\r\n"));
    assert!(basics.contains("name,昆山市天使投资基金\r\n"));
    assert!(basics.contains("total_size,300000000.00\r\n"));
    assert_eq!(csv(&doc, &[], "distributions").unwrap(), "");
    let header = csv(&doc, &extra(), "report").unwrap();
    assert!(header.contains("version,3\r\n"), "{header}");

    let e = csv(&doc, &[], "nope").unwrap_err();
    assert_eq!(e.code(), "unknown_table");
    let RenderError::UnknownTable { name, available } = e else {
        panic!("unexpected error");
    };
    assert_eq!(name, "nope");
    assert_eq!(available, table_names(&doc));
}

#[test]
fn formats_from_query_and_accept() {
    assert_eq!(Format::from_query("xlsx"), Some(Format::Xlsx));
    assert_eq!(Format::from_query(" CSV "), Some(Format::Csv));
    assert_eq!(Format::from_query("pdf"), None);
    let accept = |h: &str| Format::from_accept(h);
    assert_eq!(
        accept("text/html,application/xhtml+xml,*/*;q=0.8"),
        Some(Format::Html)
    );
    assert_eq!(
        accept("application/pdf, text/csv;q=0.5, text/html"),
        Some(Format::Csv)
    );
    assert_eq!(
        accept("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Some(Format::Xlsx)
    );
    assert_eq!(accept("*/*"), Some(Format::Json));
    assert_eq!(
        accept("Application/JSON; charset=utf-8"),
        Some(Format::Json)
    );
    assert_eq!(accept("text/csv;q=0, text/html"), Some(Format::Html));
    assert_eq!(accept("image/png"), None);
    assert_eq!(accept(""), None);
    for f in Format::ALL {
        assert_eq!(Format::from_query(f.extension()), Some(f));
        assert_eq!(Format::from_accept(f.content_type()), Some(f));
    }
    assert_eq!(Format::Csv.content_type(), "text/csv; charset=utf-8");
    assert_eq!(RenderError::Xlsx("x".into()).code(), "xlsx_failed");
}
