//! Unit tests of principals and scopes.

use super::*;

fn fund() -> Uuid {
    Uuid::now_v7()
}

#[test]
fn scopes_are_checked_per_role() {
    let f = fund();
    let manager = Principal::from_scope(
        Role::Manager,
        Scope {
            fund: Some(f),
            ..Scope::default()
        },
    )
    .unwrap();
    assert_eq!(manager.actor(), format!("manager:{f}"));
    assert_eq!(
        Principal::from_scope(Role::Admin, Scope::default()).unwrap(),
        Principal::Admin
    );
    assert!(Principal::from_scope(Role::Manager, Scope::default()).is_err());
    let person = Uuid::now_v7();
    let member = |seat| {
        Principal::from_scope(
            Role::Member,
            Scope {
                fund: Some(f),
                seat: Some(seat),
                person: Some(person),
                ..Scope::default()
            },
        )
    };
    assert!(member(0).is_err());
    assert!(member(6).is_err());
    assert_eq!(member(5).unwrap().actor(), format!("member:{f}:5:{person}"));
    let no_person = Scope {
        fund: Some(f),
        seat: Some(2),
        ..Scope::default()
    };
    let e = Principal::from_scope(Role::Member, no_person).unwrap_err();
    assert_eq!(e.to_string(), "role member needs --person");
    let stray_seat = Scope {
        fund: Some(f),
        seat: Some(1),
        ..Scope::default()
    };
    let e = Principal::from_scope(Role::Observer, stray_seat).unwrap_err();
    assert_eq!(e.to_string(), "role observer takes no --seat");
    let no_funds = Scope {
        agency: Some("CSRC".into()),
        ..Scope::default()
    };
    assert!(Principal::from_scope(Role::Regulator, no_funds).is_err());
    let blank_agency = Scope {
        agency: Some("  ".into()),
        funds: vec![f],
        ..Scope::default()
    };
    assert!(Principal::from_scope(Role::Authority, blank_agency).is_err());
    let admin_with_fund = Scope {
        fund: Some(f),
        ..Scope::default()
    };
    assert!(Principal::from_scope(Role::Admin, admin_with_fund).is_err());
}

#[test]
fn scope_round_trips() {
    let f = FundId(fund());
    for p in [
        Principal::Admin,
        Principal::Custodian { fund: f },
        Principal::Lp {
            fund: f,
            lp: Uuid::now_v7(),
        },
        Principal::Member {
            fund: f,
            seat: 3,
            member: domain::MemberId(Uuid::now_v7()),
        },
        Principal::Observer {
            fund: f,
            observer: domain::ObserverId(Uuid::now_v7()),
        },
        Principal::Regulator {
            agency: "Shenzhen Finance Bureau".into(),
            funds: vec![f],
        },
        Principal::Authority {
            agency: "Audit Office".into(),
            funds: vec![f, FundId(fund())],
        },
    ] {
        assert_eq!(Principal::from_scope(p.role(), p.scope()).unwrap(), p);
        assert_eq!(Role::parse(p.role().as_str()), Some(p.role()));
    }
    assert_eq!(Role::parse("root"), None);
}

#[test]
fn visibility() {
    let (a, b) = (FundId(fund()), FundId(fund()));
    assert!(Principal::Admin.can_read_fund(a));
    let m = Principal::Manager { fund: a };
    assert!(m.can_read_fund(a) && !m.can_read_fund(b));
    let r = Principal::Regulator {
        agency: "x".into(),
        funds: vec![b],
    };
    assert!(!r.can_read_fund(a) && r.can_read_fund(b));
}

#[test]
fn managers_and_custodians_act_only_on_their_fund() {
    let (a, b) = (FundId(fund()), FundId(fund()));
    let manager = Principal::Manager { fund: a };
    let custodian = Principal::Custodian { fund: a };
    assert!(manager.is_manager_of(a));
    assert!(!manager.is_manager_of(b));
    assert!(!manager.is_custodian_of(a));
    assert!(custodian.is_custodian_of(a));
    assert!(!custodian.is_custodian_of(b));
    assert!(!custodian.is_manager_of(a));
    assert!(!Principal::Admin.is_manager_of(a));
    assert!(!Principal::Admin.is_custodian_of(a));
}
