//! Given/when/then tests of fund establishment.

use super::*;
use crate::aggregate::given;
use crate::{DomainEvent, Rejection};
use uuid::Uuid;

fn terms(name: &str, size: Money) -> FundTerms {
    FundTerms {
        name: name.to_owned(),
        kind: FundKind::Angel,
        total_size: size,
        establishment_date: NaiveDate::from_ymd_opt(2021, 9, 1).unwrap(),
        manager: "昆山创业投资管理有限公司".to_owned(),
        custodian: "中国工商银行昆山分行".to_owned(),
        city: "昆山".to_owned(),
        policy: Box::default(),
    }
}

fn establish(name: &str, size: Money) -> FundCommand {
    FundCommand::Establish {
        fund_id: FundId(Uuid::nil()),
        terms: terms(name, size),
    }
}

#[test]
fn establishing_a_new_fund_records_its_terms() {
    let events = given::<Fund>(&[])
        .when(&establish(
            "  昆山市天使投资基金 ",
            Money::from_yuan(300_000_000),
        ))
        .unwrap();
    assert_eq!(
        events,
        vec![FundEvent::FundEstablished {
            fund_id: FundId(Uuid::nil()),
            terms: terms("昆山市天使投资基金", Money::from_yuan(300_000_000)),
        }]
    );
    assert_eq!(
        events[0].effective_date(),
        NaiveDate::from_ymd_opt(2021, 9, 1)
    );
}

#[test]
fn a_fund_is_established_once() {
    let history = given::<Fund>(&[])
        .when(&establish("A", Money::from_yuan(1)))
        .unwrap();
    assert_eq!(
        given::<Fund>(&history).when(&establish("A", Money::from_yuan(1))),
        Err(FundError::AlreadyEstablished)
    );
}

#[test]
fn the_name_must_not_be_blank_or_too_long() {
    let g = given::<Fund>(&[]);
    assert_eq!(
        g.when(&establish("   ", Money::from_yuan(1))),
        Err(FundError::InvalidName)
    );
    let exactly_max = "基".repeat(MAX_NAME_CHARS);
    assert!(g
        .when(&establish(&exactly_max, Money::from_yuan(1)))
        .is_ok());
    let one_more = "基".repeat(MAX_NAME_CHARS + 1);
    assert_eq!(
        g.when(&establish(&one_more, Money::from_yuan(1))),
        Err(FundError::InvalidName)
    );
}

#[test]
fn the_size_must_be_positive() {
    let g = given::<Fund>(&[]);
    assert_eq!(
        g.when(&establish("A", Money::ZERO)),
        Err(FundError::NonPositiveSize)
    );
    assert!(g.when(&establish("A", Money::from_fen(1))).is_ok());
    assert_eq!(FundError::NonPositiveSize.code(), "non_positive_fund_size");
}

#[test]
fn events_serialize_adjacently_tagged() {
    let event = FundEvent::FundEstablished {
        fund_id: FundId(Uuid::nil()),
        terms: terms("A", Money::from_yuan(5)),
    };
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["type"], "FundEstablished");
    assert_eq!(json["data"]["total_size"], "5.00");
    assert_eq!(json["data"]["kind"], "angel");
    let back: FundEvent = serde_json::from_value(json).unwrap();
    assert_eq!(back, event);
}
