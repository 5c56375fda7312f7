//! The happy path's facts of a project and their variations, each with one thing wrong:
//! the company's facts (Art. 13), the sub-fund's facts (SPEC §10) and the proposal's cap
//! table (Art. 10, 12, 20).

use chrono::NaiveDate;
use domain::eligibility::{ApplicationFacts, IpKind};
use domain::fund::policy::InvestmentPolicy;
use domain::guidance::{SubFundFacts, SubFundLp};
use domain::investment::{Instrument, Proposal, Shareholder};
use domain::Money;
use rust_decimal::Decimal;

/// A date that exists.
pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A Kunshan IC designer meeting every condition of Art. 13 (0), or with one unmet.
pub fn facts(variation: u8) -> ApplicationFacts {
    let mut f = ApplicationFacts {
        registered_city: "昆山".into(),
        operating_city: "昆山".into(),
        independent_legal_person: true,
        industry: "集成电路".into(),
        ip: vec![IpKind::Patent],
        business_model_company: false,
        alternative_qualifications: vec![],
        staff: 45,
        rd_staff: 20,
        clear_ownership: true,
        subsidiary_of_large_group: false,
        annual_revenue: Money::from_yuan(3_500_000),
        net_assets: Money::from_yuan(8_000_000),
        rd_spending: Money::from_yuan(1_200_000),
        founded_on: date(2021, 5, 20),
        talent_programme: None,
    };
    match variation {
        1 => f.staff = 201,
        2 => f.rd_staff = 0,
        3 => f.operating_city = "上海".into(),
        4 => f.founded_on = date(2010, 1, 1),
        5 => f.ip.clear(),
        6 => {
            (f.annual_revenue, f.net_assets) =
                (Money::from_yuan(20_000_001), Money::from_yuan(20_000_001))
        }
        7 => f.rd_staff = 46,
        8 => f.founded_on = NaiveDate::MAX,
        _ => {}
    }
    f
}

/// A sub-fund of 100,000,000 whose largest other LP commits 30,000,000 (0), or inconsistent.
pub fn sub_fund(variation: u8) -> SubFundFacts {
    let lp = |name: &str, yuan| SubFundLp {
        name: name.into(),
        commitment: Money::from_yuan(yuan),
    };
    let mut f = SubFundFacts {
        name: "昆山集成电路产业子基金".into(),
        manager: "昆山芯创投资管理有限公司".into(),
        size: Money::from_yuan(100_000_000),
        term_years: 7,
        focus: "集成电路".into(),
        other_lps: vec![
            lp("昆山国创投资集团", 30_000_000),
            lp("苏州产业投资基金", 24_000_000),
        ],
    };
    match variation {
        1 => f.size = Money::ZERO,
        2 => f.term_years = 0,
        3 => f.manager = " ".into(),
        4 => f.other_lps.push(lp("超额", 90_000_000)),
        5 => f.other_lps.push(lp("零", 0)),
        _ => {}
    }
    f
}

/// The post-money cap table: the fund at 15% (0), or at 20%, at 20.01%, missing, not
/// summing to 1, in another industry, a prohibited instrument, with a higher approval.
pub fn proposal(amount: Money, variation: u8) -> Proposal {
    let row = |name: &str, stake: i64, is_fund| Shareholder {
        name: name.into(),
        stake: Decimal::new(stake, 4),
        is_fund,
    };
    let table = |fund: i64| {
        vec![
            row("昆山市天使投资基金", fund, true),
            row("创始人张伟", 8500 - fund, false),
            row("昆山创业投资有限公司", 1500, false),
        ]
    };
    let mut p = Proposal {
        amount,
        higher_approval_ref: None,
        post_money_cap_table: table(1500),
        instrument: Instrument::Equity,
        industry: "集成电路".into(),
    };
    match variation {
        1 => p.post_money_cap_table = table(2000),
        2 => p.post_money_cap_table = table(2001),
        3 => {
            p.post_money_cap_table.remove(0);
        }
        4 => p.post_money_cap_table[1].stake = Decimal::new(9, 1),
        5 => p.industry = "钢铁冶炼".into(),
        6 => p.instrument = Instrument::Futures,
        7 => p.higher_approval_ref = Some("市国资委投决〔2024〕3号".into()),
        _ => {}
    }
    p
}

/// The default limits, prohibiting 钢铁冶炼.
pub fn investment_policy() -> InvestmentPolicy {
    InvestmentPolicy {
        prohibited_industries: vec!["钢铁冶炼".into()],
        ..InvestmentPolicy::default()
    }
}
