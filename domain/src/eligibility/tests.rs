//! Given/when/then tests of the Art. 13 eligibility engine: each condition at its boundary,
//! each failing alone, policy changes, the recorded facts, and properties.

use super::*;
use chrono::Datelike;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// The Kunshan policy with its industries configured.
fn kunshan() -> EligibilityPolicy {
    EligibilityPolicy {
        industries: vec!["集成电路".into(), "生物医药".into(), "人工智能".into()],
        ..EligibilityPolicy::default()
    }
}

const APPLIED: &str = "2024-06-30";

/// A company that meets every condition, each with some room.
fn company() -> ApplicationFacts {
    ApplicationFacts {
        registered_city: "昆山".into(),
        operating_city: "昆山".into(),
        independent_legal_person: true,
        industry: "集成电路".into(),
        ip: vec![IpKind::Patent, IpKind::IcLayoutDesign],
        business_model_company: false,
        alternative_qualifications: vec![],
        staff: 45,
        rd_staff: 20,
        clear_ownership: true,
        subsidiary_of_large_group: false,
        annual_revenue: Money::from_yuan(3_500_000),
        net_assets: Money::from_yuan(8_000_000),
        rd_spending: Money::from_yuan(1_200_000),
        founded_on: d("2021-03-15"),
        talent_programme: Some("昆山市创新创业领军人才计划".into()),
    }
}

/// Given the policy and the facts, when evaluated on `on`: the numbers of the failed conditions.
fn failing(policy: &EligibilityPolicy, facts: &ApplicationFacts, on: &str) -> Vec<u8> {
    let e = evaluate(policy, facts, d(on));
    e.failed().map(|c| c.number).collect()
}

fn get(e: &Eligibility, c: Condition) -> &ConditionResult {
    e.condition(c).unwrap()
}

#[test]
fn a_company_meeting_every_condition_passes_rule_by_rule() {
    let e = evaluate(&kunshan(), &company(), d(APPLIED));
    assert!(e.passed);
    let row = |c: &ConditionResult| (c.number, c.rule.clone(), c.code.clone(), c.passed);
    let seen: Vec<_> = e.conditions.iter().map(row).collect();
    assert!(e.conditions.iter().all(|c| c.reason.is_empty()));
    assert_eq!(
        seen,
        vec![
            (1, "Art. 13(1)".into(), "registered_in_city".into(), true),
            (2, "Art. 13(2)".into(), "leading_industry".into(), true),
            (3, "Art. 13(3)".into(), "independent_ip".into(), true),
            (4, "Art. 13(4)".into(), "staff_and_rd".into(), true),
            (5, "Art. 13(5)".into(), "clear_ownership".into(), true),
            (6, "Art. 13(6)".into(), "small_enterprise".into(), true),
            (7, "Art. 13(7)".into(), "young_enterprise".into(), true),
        ]
    );
    let programme = e.talent_programme.as_deref();
    assert_eq!(programme, Some("昆山市创新创业领军人才计划"));
}

#[test]
fn condition_codes_are_their_serde_names_and_numbered_in_order() {
    for (i, c) in Condition::ALL.into_iter().enumerate() {
        assert_eq!(usize::from(c.number()), i + 1);
        assert_eq!(serde_json::to_value(c).unwrap(), json!(c.code()));
        assert_eq!(c.rule(), format!("Art. 13({})", i + 1));
    }
}

#[test]
fn each_condition_failing_alone_leaves_the_other_six_passing() {
    type Change = fn(&mut ApplicationFacts);
    let cases: Vec<(u8, Change, &str)> = vec![
        (
            1,
            |f| f.registered_city = "苏州".into(),
            "registered in 苏州",
        ),
        (1, |f| f.operating_city = "上海".into(), "operating in 上海"),
        (1, |f| f.independent_legal_person = false, "legal person"),
        (
            2,
            |f| f.industry = "房地产".into(),
            "房地产 is not a leading",
        ),
        (3, |f| f.ip.clear(), "no independent IP"),
        (4, |f| f.staff = 201, "201 staff, more than 200"),
        (4, |f| f.rd_staff = 4, "4 R&D staff of 45 is less than 0.10"),
        (4, |f| (f.staff, f.rd_staff) = (0, 0), "no staff"),
        (4, |f| f.rd_staff = 46, "46 R&D staff out of 45"),
        (5, |f| f.clear_ownership = false, "not clear"),
        (
            5,
            |f| f.subsidiary_of_large_group = true,
            "large corporate group",
        ),
        (6, |f| f.rd_spending = Money::ZERO, "no R&D spending"),
        (
            6,
            |f| f.annual_revenue = money("30000000"),
            "revenue 30000000.00 above",
        ),
        (
            7,
            |f| f.founded_on = d("2019-06-29"),
            "more than 5 years before",
        ),
        (
            7,
            |f| f.founded_on = d("2024-07-01"),
            "after the application date",
        ),
    ];
    for (number, change, reason) in cases {
        // Given a company meeting every condition, when only one fact changes,
        let mut facts = company();
        facts.net_assets = money("20000000.01");
        change(&mut facts);
        let e = evaluate(&kunshan(), &facts, d(APPLIED));
        // then only that condition fails, with its reason, and the others still pass.
        assert!(!e.passed, "condition {number}");
        assert_eq!(e.conditions.len(), 7);
        for c in &e.conditions {
            assert_eq!(c.passed, c.number != number, "{c:?}");
            assert_eq!(c.reason.is_empty(), c.passed, "{c:?}");
        }
        let failed = &e.conditions[usize::from(number) - 1];
        assert!(failed.reason.contains(reason), "{}", failed.reason);
    }
}

#[test]
fn every_condition_is_evaluated_and_every_failing_part_is_given() {
    let mut facts = company();
    facts.registered_city = "苏州".into();
    facts.independent_legal_person = false;
    facts.staff = 500;
    facts.rd_staff = 10;
    let e = evaluate(&kunshan(), &facts, d(APPLIED));
    assert_eq!(e.failed().map(|c| c.number).collect::<Vec<_>>(), [1, 4]);
    assert_eq!(
        get(&e, Condition::RegisteredInCity).reason,
        "registered in 苏州, not in 昆山; not an independent legal person"
    );
    assert_eq!(
        get(&e, Condition::StaffAndRd).reason,
        "500 staff, more than 200; 10 R&D staff of 500 is less than 0.10"
    );
}

#[test]
fn an_unconfigured_industry_list_fails_the_industry_condition() {
    // Given the default policy, whose industry list is empty,
    let e = evaluate(&EligibilityPolicy::default(), &company(), d(APPLIED));
    // then no industry qualifies: an empty list is unconfigured, not "any industry".
    let c = get(&e, Condition::LeadingIndustry);
    assert!(!c.passed);
    assert_eq!(c.reason, "no industries configured");
    assert_eq!(c.facts, json!({"industry": "集成电路", "industries": []}));
    assert_eq!(e.failed().count(), 1);
}

#[test]
fn a_business_model_company_may_replace_ip_with_an_alternative_qualification() {
    let mut facts = company();
    facts.ip.clear();
    facts.alternative_qualifications = vec![AltQualification::HelpedSetStandard];
    // Not a business-model company: the alternative does not count.
    let e = evaluate(&kunshan(), &facts, d(APPLIED));
    assert!(get(&e, Condition::IndependentIp)
        .reason
        .contains("count only for a technology-service or business-model company"));
    facts.business_model_company = true;
    assert_eq!(failing(&kunshan(), &facts, APPLIED), [] as [u8; 0]);
    // A business-model company with neither IP nor an alternative fails.
    facts.alternative_qualifications.clear();
    let e = evaluate(&kunshan(), &facts, d(APPLIED));
    assert_eq!(
        get(&e, Condition::IndependentIp).reason,
        "no independent IP and no alternative qualification"
    );
    // IP alone suffices for any company.
    facts.ip = vec![IpKind::SoftwareCopyright];
    assert!(evaluate(&kunshan(), &facts, d(APPLIED)).passed);
}

#[test]
fn exactly_200_staff_pass_and_201_fail() {
    let mut facts = company();
    (facts.staff, facts.rd_staff) = (200, 20);
    assert!(evaluate(&kunshan(), &facts, d(APPLIED)).passed);
    (facts.staff, facts.rd_staff) = (201, 30);
    assert_eq!(failing(&kunshan(), &facts, APPLIED), [4]);
}

#[test]
fn exactly_ten_percent_rd_staff_pass_and_just_under_fails() {
    let mut facts = company();
    (facts.staff, facts.rd_staff) = (190, 19);
    let e = evaluate(&kunshan(), &facts, d(APPLIED));
    assert!(e.passed);
    assert_eq!(get(&e, Condition::StaffAndRd).facts["rd_ratio"], "0.1000");
    // 19 of 191 is 0.09947…: just under 10%, and recorded rounded down.
    facts.staff = 191;
    let e = evaluate(&kunshan(), &facts, d(APPLIED));
    let c = get(&e, Condition::StaffAndRd);
    assert!(!c.passed);
    assert_eq!(c.facts["rd_ratio"], "0.0994");
    assert_eq!(c.reason, "19 R&D staff of 191 is less than 0.10");
}

#[test]
fn revenue_or_net_assets_at_the_limit_pass_and_a_fen_over_both_fails() {
    let mut facts = company();
    let limit = Money::from_yuan(20_000_000);
    let over = money("20000000.01");
    (facts.annual_revenue, facts.net_assets) = (limit, over);
    assert!(evaluate(&kunshan(), &facts, d(APPLIED)).passed);
    (facts.annual_revenue, facts.net_assets) = (over, limit);
    assert!(evaluate(&kunshan(), &facts, d(APPLIED)).passed);
    (facts.annual_revenue, facts.net_assets) = (over, over);
    assert_eq!(failing(&kunshan(), &facts, APPLIED), [6]);
    // Small, but without R&D spending; a fen of it is "some".
    (facts.annual_revenue, facts.net_assets) = (limit, limit);
    facts.rd_spending = Money::ZERO;
    assert_eq!(failing(&kunshan(), &facts, APPLIED), [6]);
    facts.rd_spending = Money::from_fen(1);
    assert!(evaluate(&kunshan(), &facts, d(APPLIED)).passed);
}

#[test]
fn founded_exactly_five_years_before_passes_and_a_day_earlier_fails() {
    let mut facts = company();
    for (founded, ok) in [
        ("2019-06-30", true),
        ("2019-06-29", false),
        ("2024-06-30", true),
        ("2024-07-01", false),
    ] {
        facts.founded_on = d(founded);
        let e = evaluate(&kunshan(), &facts, d(APPLIED));
        assert_eq!(e.passed, ok, "{founded}");
    }
}

#[test]
fn a_leap_day_counts_years_to_the_end_of_february() {
    let mut facts = company();
    // Applying on 29 Feb 2024: five years before is 28 Feb 2019.
    facts.founded_on = d("2019-02-28");
    let e = evaluate(&kunshan(), &facts, d("2024-02-29"));
    assert!(e.passed);
    assert_eq!(
        get(&e, Condition::YoungEnterprise).facts["earliest_founding"],
        "2019-02-28"
    );
    facts.founded_on = d("2019-02-27");
    assert_eq!(failing(&kunshan(), &facts, "2024-02-29"), [7]);
    // Founded on 29 Feb 2020: five years run to 28 Feb 2025, the month's last day.
    facts.founded_on = d("2020-02-29");
    assert!(evaluate(&kunshan(), &facts, d("2025-02-28")).passed);
    assert_eq!(failing(&kunshan(), &facts, "2025-03-01"), [7]);
    // With a four-year limit the anniversary is a leap day again: 29 Feb 2024 passes.
    let four = EligibilityPolicy {
        max_age_years: 4,
        ..kunshan()
    };
    assert!(evaluate(&four, &facts, d("2024-02-29")).passed);
    assert_eq!(failing(&four, &facts, "2024-03-01"), [7]);
}

#[test]
fn an_absurd_age_limit_limits_nothing_and_does_not_panic() {
    let policy = EligibilityPolicy {
        max_age_years: u32::MAX,
        ..kunshan()
    };
    let mut facts = company();
    facts.founded_on = NaiveDate::MIN;
    let e = evaluate(&policy, &facts, d(APPLIED));
    assert!(e.passed);
    assert_eq!(
        get(&e, Condition::YoungEnterprise).facts["earliest_founding"],
        Value::Null
    );
}

#[test]
fn policy_changes_change_the_outcome() {
    // Another city: the Kunshan company no longer qualifies; a Suzhou one does.
    let suzhou = EligibilityPolicy {
        city: "苏州".into(),
        ..kunshan()
    };
    assert_eq!(failing(&suzhou, &company(), APPLIED), [1]);
    let mut facts = company();
    (facts.registered_city, facts.operating_city) = ("苏州".into(), "苏州".into());
    assert!(evaluate(&suzhou, &facts, d(APPLIED)).passed);
    // 300 staff allowed: 201 pass, 301 do not.
    let larger = EligibilityPolicy {
        max_staff: 300,
        ..kunshan()
    };
    let mut facts = company();
    (facts.staff, facts.rd_staff) = (201, 30);
    assert_eq!(failing(&kunshan(), &facts, APPLIED), [4]);
    assert!(evaluate(&larger, &facts, d(APPLIED)).passed);
    facts.staff = 301;
    assert_eq!(failing(&larger, &facts, APPLIED), [4]);
    // A 5% minimum; limits of 10M; three years.
    let strict = EligibilityPolicy {
        min_rd_staff_ratio: Decimal::new(5, 2),
        max_revenue: Money::from_yuan(10_000_000),
        max_net_assets: Money::from_yuan(10_000_000),
        max_age_years: 3,
        ..kunshan()
    };
    let mut facts = company();
    (facts.staff, facts.rd_staff) = (100, 5);
    facts.annual_revenue = Money::from_yuan(12_000_000);
    facts.net_assets = Money::from_yuan(10_000_000);
    facts.founded_on = d("2021-06-30");
    assert_eq!(failing(&kunshan(), &facts, APPLIED), [4]);
    assert!(evaluate(&strict, &facts, d(APPLIED)).passed);
    facts.founded_on = d("2021-06-29");
    facts.net_assets = Money::from_yuan(10_000_001);
    assert_eq!(failing(&strict, &facts, APPLIED), [6, 7]);
}

#[test]
fn the_facts_recorded_are_exactly_those_used() {
    let mut facts = company();
    (facts.staff, facts.rd_staff) = (200, 20);
    facts.business_model_company = true;
    facts.alternative_qualifications = vec![AltQualification::KnowHow];
    let e = evaluate(&kunshan(), &facts, d(APPLIED));
    let recorded: Vec<_> = e.conditions.iter().map(|c| c.facts.clone()).collect();
    assert_eq!(
        recorded,
        vec![
            json!({"registered_city": "昆山", "operating_city": "昆山", "city": "昆山",
                   "independent_legal_person": true}),
            json!({"industry": "集成电路", "industries": ["集成电路", "生物医药", "人工智能"]}),
            json!({"ip": ["patent", "ic_layout_design"], "business_model_company": true,
                   "alternative_qualifications": ["know_how"]}),
            json!({"staff": 200, "max_staff": 200, "rd_staff": 20, "rd_ratio": "0.1000",
                   "min_rd_staff_ratio": "0.10"}),
            json!({"clear_ownership": true, "subsidiary_of_large_group": false}),
            json!({"annual_revenue": "3500000.00", "max_revenue": "20000000.00",
                   "net_assets": "8000000.00", "max_net_assets": "20000000.00",
                   "rd_spending": "1200000.00"}),
            json!({"founded_on": "2021-03-15", "application_date": "2024-06-30",
                   "max_age_years": 5, "earliest_founding": "2019-06-30"}),
        ]
    );
    // Without staff there is no ratio to record.
    (facts.staff, facts.rd_staff) = (0, 0);
    let e = evaluate(&kunshan(), &facts, d(APPLIED));
    assert_eq!(
        get(&e, Condition::StaffAndRd).facts["rd_ratio"],
        Value::Null
    );
}

#[test]
fn facts_refuse_unknown_fields_and_results_round_trip() {
    let json = serde_json::to_value(company()).unwrap();
    assert_eq!(
        serde_json::from_value::<ApplicationFacts>(json.clone()).unwrap(),
        company()
    );
    let mut unknown = json.clone();
    unknown["employees"] = json!(10);
    assert!(serde_json::from_value::<ApplicationFacts>(unknown).is_err());
    let mut bad_money = json;
    bad_money["rd_spending"] = json!("0.001");
    assert!(serde_json::from_value::<ApplicationFacts>(bad_money).is_err());
    // A talent programme is recorded but is not a condition.
    let mut facts = company();
    facts.talent_programme = None;
    let e = evaluate(&kunshan(), &facts, d(APPLIED));
    assert!(e.passed && e.talent_programme.is_none());
    let back: Eligibility = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    assert_eq!(back, e);
}

fn arb_facts() -> impl Strategy<Value = ApplicationFacts> {
    use AltQualification as A;
    let ip = [IpKind::Patent, IpKind::SoftwareCopyright];
    let ip = [
        ip[0],
        ip[1],
        IpKind::IcLayoutDesign,
        IpKind::NewDrugCertificate,
    ];
    let alt = [A::RelevantQualification, A::HelpedSetStandard, A::KnowHow];
    let amount = || (-100i64..3_000_000_000).prop_map(Money::from_fen);
    let city = |b: bool| if b { "昆山" } else { "苏州" }.to_owned();
    (
        any::<[bool; 7]>(),
        prop::sample::subsequence(ip.to_vec(), 0..=4),
        prop::sample::subsequence(alt.to_vec(), 0..=3),
        (0u32..400, 0u32..80, 0i64..4000),
        (amount(), amount(), amount()),
    )
        .prop_map(
            move |(b, ip, alt, (staff, rd_staff, days), (rev, net, rd))| ApplicationFacts {
                registered_city: city(b[0]),
                operating_city: city(b[1]),
                independent_legal_person: b[2],
                industry: if b[3] { "集成电路" } else { "房地产" }.to_owned(),
                ip,
                business_model_company: b[4],
                alternative_qualifications: alt,
                staff,
                rd_staff,
                clear_ownership: b[5],
                subsidiary_of_large_group: b[6],
                annual_revenue: rev,
                net_assets: net,
                rd_spending: rd,
                founded_on: d("2014-01-01") + chrono::Duration::days(days),
                talent_programme: None,
            },
        )
}

proptest! {
    #[test]
    fn passed_is_all_seven_and_evaluation_is_deterministic(
        facts in arb_facts(),
        max_staff in 0u32..400,
        min_ratio in 0i64..=100,
        max_age_years in 0u32..12,
        on in (0i64..5000).prop_map(|days| d("2016-01-01") + chrono::Duration::days(days)),
    ) {
        let policy = EligibilityPolicy {
            max_staff,
            min_rd_staff_ratio: Decimal::new(min_ratio, 2),
            max_age_years,
            ..kunshan()
        };
        let e = evaluate(&policy, &facts, on);
        prop_assert_eq!(e.passed, e.conditions.iter().all(|c| c.passed));
        let numbers: Vec<u8> = e.conditions.iter().map(|c| c.number).collect();
        prop_assert_eq!(numbers, vec![1, 2, 3, 4, 5, 6, 7]);
        for c in &e.conditions {
            prop_assert_eq!(c.reason.is_empty(), c.passed);
        }
        // The ratio part of condition 4 against a Decimal oracle (exact at these sizes).
        let ratio_ok = facts.staff > 0
            && facts.rd_staff <= facts.staff
            && Decimal::from(facts.rd_staff) >= policy.min_rd_staff_ratio * Decimal::from(facts.staff);
        let staff_ok = facts.staff <= max_staff;
        prop_assert_eq!(get(&e, Condition::StaffAndRd).passed, ratio_ok && staff_ok);
        // The age against an oracle counting years by calendar day (29 Feb → 28 Feb).
        let year = on.year() - i32::try_from(max_age_years).unwrap();
        let earliest = NaiveDate::from_ymd_opt(year, on.month(), on.day())
            .or_else(|| NaiveDate::from_ymd_opt(year, on.month(), on.day() - 1))
            .unwrap();
        let young = earliest <= facts.founded_on && facts.founded_on <= on;
        prop_assert_eq!(get(&e, Condition::YoungEnterprise).passed, young);
        let bytes = serde_json::to_vec(&e).unwrap();
        prop_assert_eq!(serde_json::to_vec(&evaluate(&policy, &facts, on)).unwrap(), bytes);
    }
}
