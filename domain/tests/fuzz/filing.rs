//! A report's versions driven by random sequences of both its commands.
//!
//! Drafts of mostly one fund and period (sometimes another, or a year at the calendar's
//! ends), with hashes from a pool of three (and malformed ones), cuts around the latest one
//! recorded, on days around the period's end; filings of the open draft's version or its
//! neighbours, with its hash or another.
//!
//! Invariants after every step: versions are numbered 1, 2, 3… in order, their cuts never
//! decreasing; at most one draft is open and it is the last version; a filed version never
//! changes (hash, status, dates) and a discarded one stays discarded; only an amendment (a
//! version after a filed one) lists changes or is discarded; a filing is on or after its
//! draft; every hash is 64 lowercase hex digits; the report belongs to one fund and period
//! and is drafted only after the period ended.

use super::support::{config, id, shift, text, Stream};
use domain::report::diff::Change;
use domain::report::filing::{FilingCommand, FilingEvent, ReportFiling, VersionStatus};
use domain::report::{Period, PeriodKind};
use domain::FundId;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Draft {
        fund: u8,
        period: u8,
        hash: u8,
        cut: i64,
        changes: Vec<String>,
        omitted: u32,
        days: i32,
    },
    File {
        version: i64,
        hash: Option<u8>,
        days: i32,
    },
}

/// Hashes: three valid ones, then an uppercase one, a short one, and one not hex.
fn hash(n: u8) -> String {
    match n {
        0..=2 => format!("{:064x}", u128::from(n) + 0xabc),
        3 => "A".repeat(64),
        4 => "a".repeat(63),
        _ => "g".repeat(64),
    }
}

fn period(n: u8) -> Period {
    let (kind, year) = match n {
        0 => (PeriodKind::H1, 2024),
        1 => (PeriodKind::Annual, 2024),
        2 => (PeriodKind::H2, 262_143),
        _ => (PeriodKind::H1, i32::MIN),
    };
    Period { kind, year }
}

fn command(op: &Op, report: &ReportFiling) -> FilingCommand {
    let current = report.period.unwrap_or(period(0));
    let end = current.end().unwrap_or_default();
    match op {
        Op::Draft {
            fund,
            period: p,
            hash: h,
            cut,
            changes,
            omitted,
            days,
        } => {
            let latest = report.versions.iter().map(|v| v.cut).max().unwrap_or(0);
            let cut = latest.saturating_add(*cut);
            FilingCommand::RecordDraft {
                fund_id: FundId(id(*fund)),
                period: period(*p),
                sha256: hash(*h),
                cut,
                snapshot: format!("{cut}:{cut}:"),
                changes: changes
                    .iter()
                    .map(|path| Change {
                        path: path.clone(),
                        before: None,
                        after: Some(serde_json::json!(1)),
                    })
                    .collect(),
                changes_omitted: *omitted,
                // As a caller does: listed against the last filed version.
                changes_against: report.last_filed().map(|v| v.version),
                on: shift(period(*p).end().unwrap_or(end), *days),
            }
        }
        Op::File {
            version,
            hash: h,
            days,
        } => {
            let draft = report.open_draft().or(report.versions.last());
            let open = draft.map_or(1, |d| i64::from(d.version));
            FilingCommand::File {
                version: u32::try_from(open + version).unwrap_or(u32::MAX),
                sha256: h.map_or_else(|| draft.map_or_else(|| hash(0), |d| d.sha256.clone()), hash),
                on: shift(draft.map_or(end, |d| d.generated_on), *days),
            }
        }
    }
}

fn op() -> impl Strategy<Value = Op> {
    let fund = prop_oneof![19 => Just(1u8), 1 => Just(2u8)];
    let period = prop_oneof![17 => Just(0u8), 1 => 1u8..=3];
    let hash = prop_oneof![9 => 0u8..=2, 1 => 3u8..=5];
    let days = prop_oneof![4 => 1i32..=60, 1 => -2i32..=0];
    prop_oneof![
        3 => (fund, period, hash.clone(), prop_oneof![4 => 0i64..=1, 1 => -1i64..=-1, 1 => Just(i64::MAX)], prop::collection::vec(text(), 0..=2), 0u32..=3, days.clone())
            .prop_map(|(fund, period, hash, cut, changes, omitted, days)| Op::Draft { fund, period, hash, cut, changes, omitted, days }),
        2 => (prop_oneof![4 => Just(0i64), 1 => -1i64..=1], prop::option::weighted(0.2, hash), prop_oneof![4 => 0i32..=10, 1 => -2i32..=-1])
            .prop_map(|(version, hash, days)| Op::File { version, hash, days }),
    ]
}

fn check(before: &ReportFiling, after: &ReportFiling, new: &[FilingEvent]) {
    assert_eq!(after.fund.is_some(), !after.versions.is_empty());
    assert!(
        before.fund.is_none() || before.fund == after.fund,
        "another fund's report"
    );
    assert!(
        before.period.is_none() || before.period == after.period,
        "another period's report"
    );
    let mut filed_before = false;
    for (i, v) in after.versions.iter().enumerate() {
        assert_eq!(v.version as usize, i + 1, "versions out of sequence");
        assert!(
            v.sha256.len() == 64
                && v.sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert!(
            i == 0 || after.versions[i - 1].cut <= v.cut,
            "a version from an older cut"
        );
        match v.status {
            VersionStatus::Draft => {
                assert_eq!(i + 1, after.versions.len(), "an open draft not last")
            }
            VersionStatus::Filed => assert!(v.filed_on.is_some_and(|f| f >= v.generated_on)),
            VersionStatus::Discarded => assert!(filed_before, "a first draft discarded"),
        }
        assert_eq!(v.filed_on.is_some(), v.status == VersionStatus::Filed);
        if !filed_before {
            assert!(
                v.changes.is_empty() && v.changes_omitted == 0,
                "changes listed on a first draft"
            );
        }
        filed_before |= v.status == VersionStatus::Filed;
        let end = after
            .period
            .and_then(|p| p.end().ok())
            .expect("a drafted period has an end");
        assert!(v.generated_on > end, "drafted before the period ended");
    }
    for (old, new_version) in before.versions.iter().zip(&after.versions) {
        if old.status != VersionStatus::Draft {
            assert_eq!(old, new_version, "a filed or discarded version changed");
        }
    }
    assert!(after.versions.len() >= before.versions.len());
    for event in new {
        if let FilingEvent::ReportFiled {
            version, sha256, ..
        } = event
        {
            let draft = before.open_draft().expect("filed the open draft");
            assert_eq!((draft.version, &draft.sha256), (*version, sha256));
        }
    }
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(op(), 1..=60)
}

proptest! {
    #![proptest_config(config(1000))]

    /// No command panics, the log replays to the same state, and the report's invariants
    /// hold after every step.
    #[test]
    fn filing_invariants_hold_after_every_command(ops in ops()) {
        let mut stream = Stream::<ReportFiling>::new();
        for op in &ops {
            let before = stream.state.clone();
            let command = command(op, &stream.state);
            let events = stream.apply(&command).unwrap_or_default();
            check(&before, &stream.state, &events);
            // Regenerating the same document, or filing again, records nothing more.
            stream.retry_records_nothing(&command);
        }
    }
}
