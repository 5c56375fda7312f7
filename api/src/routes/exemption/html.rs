//! The evidence package as a printable HTML page: Chinese section titles, English field
//! names, every value escaped.

use crate::dto::{CaseView, EvidencePackage, OutcomeView};
use std::fmt::Write;

/// `s` with `& < > " '` escaped.
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

/// A table with `head` and `rows`, each cell escaped.
fn table(out: &mut String, head: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    out.push_str("<table><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", escape(&cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
}

fn yes(b: bool) -> String {
    if b { "yes" } else { "no" }.to_owned()
}

fn outcome_rows(outcomes: &[OutcomeView]) -> Vec<Vec<String>> {
    outcomes
        .iter()
        .map(|o| {
            let refs: Vec<String> = o
                .references
                .iter()
                .map(|r| {
                    format!(
                        "{} #{} ({})",
                        r.event_type, r.global_position, r.stream_type
                    )
                })
                .collect();
            vec![
                o.condition.clone(),
                o.rule.clone(),
                yes(o.passed),
                o.reason.clone(),
                refs.join(", "),
            ]
        })
        .collect()
}

fn case_sections(out: &mut String, c: &CaseView) {
    out.push_str("<h2>案件 Case</h2>");
    table(
        out,
        &[
            "case_id",
            "fund_id",
            "project_id",
            "loss",
            "opened_on",
            "status",
        ],
        [vec![
            c.case_id.to_string(),
            c.fund_id.to_string(),
            c.project_id.to_string(),
            c.loss.0.to_string(),
            c.opened_on.to_string(),
            c.status.clone(),
        ]],
    );
    out.push_str("<h2>涉及人员 Covered persons</h2>");
    let covered = c.covered.iter().map(|p| {
        let role = serde_json::to_value(p.role).map(|v| v.as_str().unwrap_or_default().to_owned());
        vec![
            p.person_id.to_string(),
            p.name.clone(),
            role.unwrap_or_default(),
            p.part.clone(),
        ]
    });
    table(out, &["person_id", "name", "role", "part"], covered);
    out.push_str("<h2>程序条件评估 Evaluations</h2>");
    for e in &c.evaluations {
        let _ = write!(
            out,
            "<h3>#{} evaluated_on {} passed {}</h3>",
            e.index,
            e.evaluated_on,
            yes(e.passed)
        );
        let head = ["condition", "rule", "passed", "reason", "references"];
        table(out, &head, outcome_rows(&e.outcomes));
    }
    out.push_str("<h2>个人承诺 Attestations</h2>");
    let attestations = c.attestations.iter().map(|a| {
        vec![
            a.person_id.to_string(),
            yes(a.no_personal_gain),
            yes(a.no_violation_of_law),
            a.statement.clone(),
            a.signed_on.to_string(),
        ]
    });
    let head = [
        "person_id",
        "no_personal_gain",
        "no_violation_of_law",
        "statement",
        "signed_on",
    ];
    table(out, &head, attestations);
    out.push_str("<h2>认定 Determinations</h2>");
    let determinations = c.determinations.iter().map(|d| {
        let exemptions: Vec<String> = d
            .exemptions
            .iter()
            .map(|p| {
                let names: Vec<String> = p
                    .exemptions
                    .iter()
                    .filter_map(|e| serde_json::to_value(e).ok())
                    .map(|v| v.as_str().unwrap_or_default().to_owned())
                    .collect();
                format!("{}: {}", p.person_id, names.join(", "))
            })
            .collect();
        vec![
            d.index.to_string(),
            yes(d.granted),
            d.reference.clone(),
            d.by.clone(),
            d.on.to_string(),
            exemptions.join("; "),
            d.supersedes.map(|s| s.to_string()).unwrap_or_default(),
        ]
    });
    let head = [
        "index",
        "granted",
        "reference",
        "by",
        "on",
        "exemptions",
        "supersedes",
    ];
    table(out, &head, determinations);
    out.push_str("<h2>容错率 Loss tolerance</h2>");
    let t = &c.loss_tolerance;
    table(
        out,
        &[
            "realised_losses",
            "paid_in",
            "ratio",
            "threshold",
            "limit",
            "within",
        ],
        [vec![
            t.realised_losses.0.to_string(),
            t.paid_in.0.to_string(),
            t.ratio.clone().unwrap_or_default(),
            t.threshold.clone(),
            t.limit.0.to_string(),
            yes(t.within),
        ]],
    );
}

/// The page.
pub fn render(p: &EvidencePackage) -> String {
    let mut out = String::from(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>尽职免责证据包 Evidence package</title><style>\
         body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}\
         th,td{border:1px solid #999;padding:4px;vertical-align:top;font-size:12px}\
         pre{white-space:pre-wrap;margin:0}</style></head><body>",
    );
    let _ = write!(
        out,
        "<h1>尽职免责证据包 Evidence package</h1><p>generated_at {}</p>",
        escape(&p.generated_at.to_rfc3339())
    );
    case_sections(&mut out, &p.case);
    out.push_str("<h2>证据事件 Referenced events</h2>");
    let events = p.events.iter().map(|e| {
        let r = &e.reference;
        vec![
            r.global_position.to_string(),
            r.event_type.clone(),
            format!("{} {} v{}", r.stream_type, r.stream_id, r.version),
            r.effective_date.map(|d| d.to_string()).unwrap_or_default(),
            r.event_id.to_string(),
            r.hash.clone(),
            e.payload.to_string(),
        ]
    });
    let head = [
        "global_position",
        "event_type",
        "stream",
        "effective_date",
        "event_id",
        "hash",
        "payload",
    ];
    table(&mut out, &head, events);
    out.push_str("</body></html>");
    out
}
