//! Given a report's versions, when the worker records a regenerated document or the manager
//! files, then drafts are replaced, filed versions never change, and later changes become
//! amendments.

use super::diff::Change;
use super::filing::*;
use super::{Period, PeriodKind};
use crate::aggregate::given;
use crate::FundId;
use chrono::NaiveDate;
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or_default()
}

fn fund() -> FundId {
    FundId(Uuid::from_u128(7))
}

fn h1() -> Period {
    Period {
        kind: PeriodKind::H1,
        year: 2024,
    }
}

fn hash(c: char) -> String {
    std::iter::repeat_n(c, 64).collect()
}

fn draft(sha: char, on: &str) -> FilingCommand {
    amend(sha, on, None)
}

/// A draft whose changes were listed against filed version `against`.
fn amend(sha: char, on: &str, against: impl Into<Option<u32>>) -> FilingCommand {
    FilingCommand::RecordDraft {
        fund_id: fund(),
        period: h1(),
        sha256: hash(sha),
        cut: 100,
        snapshot: "100:100:".into(),
        changes: vec![Change {
            path: "cash.at_custodian".into(),
            before: Some("1.00".into()),
            after: Some("2.00".into()),
        }],
        changes_omitted: 3,
        changes_against: against.into(),
        on: d(on),
    }
}

fn file(version: u32, sha: char) -> FilingCommand {
    FilingCommand::File {
        version,
        sha256: hash(sha),
        on: d("2024-07-20"),
    }
}

fn run(commands: &[FilingCommand]) -> Vec<FilingEvent> {
    let mut history = Vec::new();
    for command in commands {
        let events = given::<ReportFiling>(&history)
            .when(command)
            .unwrap_or_else(|e| panic!("{command:?}: {e}"));
        history.extend(events);
    }
    history
}

fn code(history: &[FilingEvent], command: &FilingCommand) -> &'static str {
    use crate::Rejection;
    given::<ReportFiling>(history)
        .when(command)
        .err()
        .map(|e| e.code())
        .unwrap_or("accepted")
}

#[test]
fn the_first_draft_is_version_1_without_changes() {
    let events = run(&[draft('a', "2024-07-01")]);
    match &events[..] {
        [FilingEvent::DraftGenerated {
            version: 1,
            changes,
            changes_omitted: 0,
            ..
        }] => assert!(changes.is_empty()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn no_draft_on_or_before_the_period_end() {
    assert_eq!(
        code(&[], &draft('a', "2024-06-30")),
        "report_period_not_ended"
    );
    assert_eq!(code(&[], &draft('a', "2024-07-01")), "accepted");
}

#[test]
fn the_same_document_records_nothing() {
    let history = run(&[draft('a', "2024-07-01")]);
    assert_eq!(
        given::<ReportFiling>(&history).when(&draft('a', "2024-07-02")),
        Ok(vec![])
    );
}

#[test]
fn a_changed_document_before_filing_replaces_the_draft() {
    let history = run(&[draft('a', "2024-07-01"), draft('b', "2024-07-02")]);
    let state = given::<ReportFiling>(&history).state;
    assert_eq!(state.versions.len(), 1);
    assert_eq!(state.versions[0].sha256, hash('b'));
    assert_eq!(state.versions[0].status, VersionStatus::Draft);
}

#[test]
fn filing_needs_the_hash_reviewed() {
    let history = run(&[draft('a', "2024-07-01"), draft('b', "2024-07-02")]);
    assert_eq!(code(&history, &file(1, 'a')), "report_draft_changed");
    assert_eq!(code(&history, &file(2, 'b')), "not_the_open_draft");
    assert_eq!(code(&[], &file(1, 'a')), "no_report_draft");
    assert_eq!(code(&history, &file(1, 'b')), "accepted");
}

#[test]
fn a_filed_version_never_changes_and_cannot_be_filed_again() {
    let history = run(&[draft('a', "2024-07-01"), file(1, 'a')]);
    assert_eq!(code(&history, &file(1, 'a')), "report_already_filed");
    let state = given::<ReportFiling>(&history).state;
    assert_eq!(state.versions[0].status, VersionStatus::Filed);
    assert_eq!(state.versions[0].filed_on, Some(d("2024-07-20")));
}

#[test]
fn a_change_after_filing_is_an_amendment_with_its_changes() {
    let history = run(&[
        draft('a', "2024-07-01"),
        file(1, 'a'),
        amend('b', "2024-09-01", 1),
    ]);
    let state = given::<ReportFiling>(&history).state;
    assert_eq!(state.versions.len(), 2);
    assert_eq!(state.versions[0].sha256, hash('a'));
    assert_eq!(state.versions[0].status, VersionStatus::Filed);
    let amendment = &state.versions[1];
    assert_eq!(amendment.version, 2);
    assert_eq!(amendment.status, VersionStatus::Draft);
    assert_eq!(amendment.changes.len(), 1);
    assert_eq!(amendment.changes_omitted, 3);
}

#[test]
fn amendments_are_numbered_on_and_filed_in_turn() {
    let history = run(&[
        draft('a', "2024-07-01"),
        file(1, 'a'),
        amend('b', "2024-09-01", 1),
        file(2, 'b'),
        amend('c', "2024-10-01", 2),
    ]);
    let state = given::<ReportFiling>(&history).state;
    let versions: Vec<_> = state
        .versions
        .iter()
        .map(|v| (v.version, v.status))
        .collect();
    assert_eq!(
        versions,
        vec![
            (1, VersionStatus::Filed),
            (2, VersionStatus::Filed),
            (3, VersionStatus::Draft)
        ]
    );
    assert_eq!(state.last_filed().map(|v| v.version), Some(2));
}

#[test]
fn an_amendment_back_to_the_filed_document_is_discarded() {
    let history = run(&[
        draft('a', "2024-07-01"),
        file(1, 'a'),
        amend('b', "2024-09-01", 1),
        amend('a', "2024-09-02", 1),
    ]);
    assert!(matches!(
        history.last(),
        Some(FilingEvent::DraftDiscarded { version: 2, .. })
    ));
    let state = given::<ReportFiling>(&history).state;
    assert_eq!(state.open_draft(), None);
    assert_eq!(code(&history, &file(2, 'b')), "no_report_draft");
    // A later change opens version 3; version 2 stays discarded.
    let history = run(&[
        draft('a', "2024-07-01"),
        file(1, 'a'),
        amend('b', "2024-09-01", 1),
        amend('a', "2024-09-02", 1),
        amend('c', "2024-10-01", 1),
    ]);
    let state = given::<ReportFiling>(&history).state;
    assert_eq!(state.open_draft().map(|v| v.version), Some(3));
    assert_eq!(state.versions[1].status, VersionStatus::Discarded);
}

#[test]
fn a_draft_for_another_fund_or_a_bad_hash_is_refused() {
    let history = run(&[draft('a', "2024-07-01")]);
    let other = FilingCommand::RecordDraft {
        fund_id: FundId(Uuid::from_u128(8)),
        period: h1(),
        sha256: hash('b'),
        cut: 1,
        snapshot: "1:1:".into(),
        changes: vec![],
        changes_omitted: 0,
        changes_against: None,
        on: d("2024-07-02"),
    };
    assert_eq!(code(&history, &other), "report_of_another_fund");
    let bad = FilingCommand::RecordDraft {
        fund_id: fund(),
        period: h1(),
        sha256: "ABC".into(),
        cut: 1,
        snapshot: "1:1:".into(),
        changes: vec![],
        changes_omitted: 0,
        changes_against: None,
        on: d("2024-07-02"),
    };
    assert_eq!(code(&history, &bad), "invalid_sha256");
    assert_eq!(code(&history, &file(1, 'A')), "invalid_sha256");
}

#[test]
fn the_stream_names_fund_kind_and_year() {
    assert_eq!(
        stream_id(fund(), h1()),
        "report-00000000-0000-0000-0000-000000000007-h1-2024"
    );
}

#[test]
fn a_draft_from_an_older_cut_never_replaces_a_newer_one() {
    let newer = FilingCommand::RecordDraft {
        fund_id: fund(),
        period: h1(),
        sha256: hash('b'),
        cut: 200,
        snapshot: "200:200:".into(),
        changes: vec![],
        changes_omitted: 0,
        changes_against: None,
        on: d("2024-07-02"),
    };
    let history = run(&[newer]);
    // `draft` is at cut 100: generated before the one recorded, recorded after it.
    assert_eq!(
        given::<ReportFiling>(&history).when(&draft('a', "2024-07-03")),
        Ok(vec![])
    );
    let state = given::<ReportFiling>(&history).state;
    assert_eq!(state.versions[0].sha256, hash('b'));
}

#[test]
fn an_amendment_listed_against_an_older_filing_is_refused() {
    // The worker listed the changes against version 1; version 2 was filed meanwhile.
    let history = run(&[
        draft('a', "2024-07-01"),
        file(1, 'a'),
        amend('b', "2024-09-01", 1),
        file(2, 'b'),
    ]);
    assert_eq!(
        given::<ReportFiling>(&history).when(&amend('c', "2024-10-01", 1)),
        Err(FilingError::ChangesStale {
            against: Some(1),
            filed: Some(2),
        })
    );
    assert_eq!(
        code(&history, &amend('c', "2024-10-01", 1)),
        "report_changes_stale"
    );
    // Listed when nothing was filed, recorded after the first filing: likewise.
    let history = run(&[draft('a', "2024-07-01"), file(1, 'a')]);
    assert_eq!(
        code(&history, &draft('b', "2024-09-01")),
        "report_changes_stale"
    );
    // Against the last filed version: an amendment.
    assert_eq!(code(&history, &amend('b', "2024-09-01", 1)), "accepted");
}
