//! Test support for the whole report: ids, dates, values, and the streams lent to a report
//! ([`Lists`]). `fixture_builder.rs` runs the real aggregates command by command; the annual
//! fixture itself is scripted in `fixture_history.rs` and `fixture_late.rs`.

use super::ReportInputs;
use crate::committee::membership::CommitteeEvent;
use crate::committee::{Choice, Mode, ResolutionEvent, SubjectKind};
use crate::eligibility::{ApplicationFacts, IpKind};
use crate::exemption::ExemptionEvent;
use crate::fund::policy::{EligibilityPolicy, FundPolicy};
use crate::fund::FundEvent;
use crate::investment::{Instrument, Proposal, Shareholder};
use crate::project::ProjectEvent;
use crate::{ExemptionCaseId, FundId, MemberId, Money, ObserverId, ProjectId, ResolutionId};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The reported fund.
pub const FUND: FundId = FundId(Uuid::from_u128(0xF001));
/// Another fund, whose streams a report of [`FUND`] ignores.
pub const OTHER_FUND: FundId = FundId(Uuid::from_u128(0xF002));

/// A date from `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Whole yuan.
pub fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

/// An amount such as `"1234.56"`.
pub fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// A decimal such as `"0.15"`.
pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// `n` days after `day`.
pub fn plus(day: &str, n: i64) -> NaiveDate {
    d(day) + TimeDelta::days(n)
}

/// 10:00 in Kunshan (02:00 UTC) on `day`, plus `minutes`.
pub fn at(day: NaiveDate, minutes: i64) -> DateTime<Utc> {
    day.and_hms_opt(2, 0, 0).unwrap().and_utc() + TimeDelta::minutes(minutes)
}

/// Project `n`.
pub fn project(n: u128) -> ProjectId {
    ProjectId(Uuid::from_u128(0x1000 + n))
}

/// Resolution `n`.
pub fn resolution(n: u128) -> ResolutionId {
    ResolutionId(Uuid::from_u128(0x3000 + n))
}

/// Exemption case `n`.
pub fn case(n: u128) -> ExemptionCaseId {
    ExemptionCaseId(Uuid::from_u128(0x6000 + n))
}

/// Committee member `n` (the first appointment of seat `n` for `n` ≤ 5).
pub fn member(n: u128) -> MemberId {
    MemberId(Uuid::from_u128(0xC000 + n))
}

/// Observer `n`.
pub fn observer(n: u128) -> ObserverId {
    ObserverId(Uuid::from_u128(0xB000 + n))
}

/// The facts of a Kunshan company in `industry` with `staff` people (a fifth of them in R&D),
/// meeting every other condition of Art. 13 until 2026.
pub fn facts(industry: &str, staff: u32) -> ApplicationFacts {
    ApplicationFacts {
        registered_city: "昆山".into(),
        operating_city: "昆山".into(),
        independent_legal_person: true,
        industry: industry.into(),
        ip: vec![IpKind::Patent],
        business_model_company: false,
        alternative_qualifications: vec![],
        staff,
        rd_staff: staff / 5,
        clear_ownership: true,
        subsidiary_of_large_group: false,
        annual_revenue: yuan(3_500_000),
        net_assets: yuan(8_000_000),
        rd_spending: yuan(1_200_000),
        founded_on: d("2021-05-20"),
        talent_programme: None,
    }
}

/// The eligibility policy: Kunshan, four industries.
pub fn eligibility_policy() -> EligibilityPolicy {
    EligibilityPolicy {
        industries: ["集成电路", "生物医药", "人工智能", "新材料"]
            .map(String::from)
            .to_vec(),
        ..EligibilityPolicy::default()
    }
}

/// The fund's policy: the defaults with an investment period of 18 months and the
/// industries of [`eligibility_policy`].
pub fn fund_policy() -> FundPolicy {
    FundPolicy {
        investment_months: 18,
        eligibility: eligibility_policy(),
        ..FundPolicy::default()
    }
}

/// Equity of `amount` in `industry` for the fund's `stake`, next to a founder holding
/// `founder` and an investor the rest.
pub fn proposal(amount: Money, industry: &str, stake: &str, founder: &str) -> Proposal {
    let other = Decimal::ONE - dec(stake) - dec(founder);
    let row = |name: &str, stake: Decimal, is_fund: bool| Shareholder {
        name: name.into(),
        stake,
        is_fund,
    };
    Proposal {
        amount,
        higher_approval_ref: None,
        post_money_cap_table: vec![
            row("昆山市天使投资基金", dec(stake), true),
            row("创始人", dec(founder), false),
            row("昆山创业投资有限公司", other, false),
        ],
        instrument: Instrument::Equity,
        industry: industry.into(),
    }
}

/// A resolution to open and vote on.
pub struct Ballot {
    /// The resolution.
    pub id: ResolutionId,
    /// Its fund.
    pub fund: FundId,
    /// Investment, exit or other.
    pub kind: SubjectKind,
    /// Its title.
    pub title: &'static str,
    /// Its reference (a project id).
    pub reference: String,
    /// The amount at stake.
    pub amount: Money,
    /// Written or on-site.
    pub mode: Mode,
    /// The day it is opened at 10:00; votes follow a minute apart; the deadline is 7 days on.
    pub day: NaiveDate,
    /// The votes, in order.
    pub votes: Vec<(u32, Choice)>,
    /// Observers' comments, made before the votes.
    pub comments: Vec<(ObserverId, &'static str)>,
}

/// The streams of `streams` in id order, or in reverse when `reversed`.
pub fn ordered<K, E: Clone>(streams: &BTreeMap<K, Vec<E>>, reversed: bool) -> Vec<Vec<E>> {
    let mut lists: Vec<Vec<E>> = streams.values().cloned().collect();
    if reversed {
        lists.reverse();
    }
    lists
}

/// Owned streams, lent to a report as [`ReportInputs`].
pub struct Lists {
    /// The fund's stream.
    pub fund: Vec<FundEvent>,
    /// The committee's.
    pub committee: Vec<CommitteeEvent>,
    /// The projects'.
    pub projects: Vec<Vec<ProjectEvent>>,
    /// The resolutions'.
    pub resolutions: Vec<Vec<ResolutionEvent>>,
    /// The cases'.
    pub exemptions: Vec<Vec<ExemptionEvent>>,
}

impl Lists {
    /// The inputs of a report.
    pub fn inputs(&self) -> ReportInputs<'_> {
        ReportInputs {
            fund: &self.fund,
            committee: &self.committee,
            projects: &self.projects,
            resolutions: &self.resolutions,
            exemptions: &self.exemptions,
        }
    }
}
