//! Eligibility of a company for an angel fund's direct investment (资格审查, Art. 13 and
//! Art. 15(2); SPEC §3): a pure function of the fund's [`EligibilityPolicy`], the facts of the
//! application and the application date.
//!
//! All seven conditions of Art. 13 must hold. [`evaluate`] checks every one of them, even
//! after one has failed, and records for each the facts and limits it used and why it failed,
//! so the qualification review can be stored rule by rule. Limits are read the Chinese way
//! (SPEC §0, Civil Code Art. 1259): "以下/以上/以内/不超过" include the number.
//!
//! 1. `registered_in_city` (Art. 13(1), "在昆山市内注册经营,且具有独立法人资格"): registered
//!    **and** operating in the policy's city, and an independent legal person. Cities are
//!    compared as exact strings (the caller normalises them).
//! 2. `leading_industry` (Art. 13(2), "主导产业及新兴产业"): the industry is one of the policy's
//!    configured industries (exact string). An empty list is a policy not yet configured, not
//!    "any industry": the condition fails with the reason "no industries configured".
//! 3. `independent_ip` (Art. 13(3), "自主知识产权"): at least one kind of IP (patent, software
//!    copyright, IC layout design, new-drug certificate); or, for a technology-service or
//!    business-model company (科技服务业及模式创新公司) only, at least one alternative
//!    qualification (a relevant qualification certificate, a standard it helped set, know-how).
//! 4. `staff_and_rd` (Art. 13(4), "200人以下 … 10%以上"): staff ≤ `max_staff` (exactly 200
//!    passes) and R&D staff ÷ staff ≥ `min_rd_staff_ratio` (exactly 10% passes). The ratio is
//!    compared exactly in integers, never in floating point. No staff, or more R&D staff than
//!    staff, fails. The recorded `rd_ratio` is the exact ratio rounded **down** to
//!    `max(4, scale of the minimum)` decimals, so the record shows `rd_ratio ≥
//!    min_rd_staff_ratio` exactly when the ratio holds.
//! 5. `clear_ownership` (Art. 13(5), "股权结构清晰合理,不属于较大规模法人集团投资成立的公司"):
//!    clear ownership and not a subsidiary of a large group.
//! 6. `small_enterprise` (Art. 13(6), "年度营业收入或净资产应在2000万元人民币以下;同时,具有一定的
//!    研究开发经费投入"): (revenue ≤ `max_revenue` **or** net assets ≤ `max_net_assets`) and
//!    some R&D spending (strictly more than zero).
//! 7. `young_enterprise` (Art. 13(7), "成立时间应不超过5年"): founded on or after
//!    `application_date − max_age_years`, and not after the application date. "N years
//!    before" is `application_date.checked_sub_months(12 × N)`: the same calendar day N years
//!    earlier, or the last day of that month when it has no such day. So a company founded
//!    exactly five years before (same calendar day) passes and one founded a day earlier fails;
//!    one founded on 29 Feb 2020 passes on 28 Feb 2025 and fails from 1 Mar 2025 (its fifth
//!    anniversary is the month's last day, as the Civil Code counts periods in years); and on
//!    an application dated 29 Feb 2024 the earliest founding is 28 Feb 2019 (one day more
//!    lenient than counting five years forward from 28 Feb 2019, which end on 28 Feb 2024;
//!    only applications dated 29 Feb differ). A bound before the calendar's range (an absurd
//!    `max_age_years`) does not limit the age.
//!
//! Membership of the seed/early-stage talent list (种子期、初创期人才科创项目, Art. 9) is not a
//! condition: it is carried over into the [`Eligibility`] for the record.
//!
//! [`evaluate`] is deterministic: the same inputs give the same result, down to the JSON bytes.

use crate::fund::policy::EligibilityPolicy;
use crate::Money;
use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[cfg(test)]
mod tests;

/// A kind of independent intellectual property (自主知识产权, Art. 13(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IpKind {
    /// A patent (专利).
    Patent,
    /// A software copyright (软件著作权).
    SoftwareCopyright,
    /// An exclusive right to an integrated-circuit layout design (集成电路布图设计专有权).
    IcLayoutDesign,
    /// A new-drug certificate (新药证书).
    NewDrugCertificate,
}

/// What may replace independent IP for a technology-service or business-model company
/// (科技服务业及模式创新公司, Art. 13(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AltQualification {
    /// A qualification certificate relevant to its technology services (科技服务相关资质证书).
    RelevantQualification,
    /// It took part in setting a relevant technical or service standard (参与制定相关标准).
    HelpedSetStandard,
    /// Know-how supporting its services or business model (技术诀窍).
    KnowHow,
}

/// The facts of an application for investment, as reviewed (申请投资, Art. 15(1)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationFacts {
    /// The city the company is registered in.
    pub registered_city: String,
    /// The city the company operates in.
    pub operating_city: String,
    /// Whether the company is an independent legal person (独立法人资格).
    pub independent_legal_person: bool,
    /// The company's industry, as named in the policy's list.
    pub industry: String,
    /// The kinds of independent IP the company owns.
    #[serde(default)]
    pub ip: Vec<IpKind>,
    /// Whether it is a technology-service or business-model company (科技服务业及模式创新公司).
    pub business_model_company: bool,
    /// Its alternative qualifications, which count only for a business-model company.
    #[serde(default)]
    pub alternative_qualifications: Vec<AltQualification>,
    /// Number of staff (职工人数).
    pub staff: u32,
    /// Number of staff in R&D and related innovation (科技人员).
    pub rd_staff: u32,
    /// Whether the ownership structure is clear (股权结构清晰合理).
    pub clear_ownership: bool,
    /// Whether it was set up by a large corporate group, e.g. as a subsidiary.
    pub subsidiary_of_large_group: bool,
    /// Annual revenue (年度营业收入).
    pub annual_revenue: Money,
    /// Net assets (净资产).
    pub net_assets: Money,
    /// R&D spending (研究开发经费投入).
    pub rd_spending: Money,
    /// The date the company was founded (成立时间).
    pub founded_on: NaiveDate,
    /// The seed/early-stage talent programme it is on, if any (Art. 9); not a condition.
    #[serde(default)]
    pub talent_programme: Option<String>,
}

/// One of the seven conditions of Art. 13.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// (1) Registered and operating in the city, an independent legal person.
    RegisteredInCity,
    /// (2) In the city's leading or emerging industries.
    LeadingIndustry,
    /// (3) Owns independent IP, or a business-model company's alternative.
    IndependentIp,
    /// (4) At most `max_staff` staff, at least `min_rd_staff_ratio` of them in R&D.
    StaffAndRd,
    /// (5) Clear ownership, not a large group's subsidiary.
    ClearOwnership,
    /// (6) Small revenue or net assets, and some R&D spending.
    SmallEnterprise,
    /// (7) Founded at most `max_age_years` before the application.
    YoungEnterprise,
}

impl Condition {
    /// The seven conditions, in the order of Art. 13.
    pub const ALL: [Condition; 7] = [
        Condition::RegisteredInCity,
        Condition::LeadingIndustry,
        Condition::IndependentIp,
        Condition::StaffAndRd,
        Condition::ClearOwnership,
        Condition::SmallEnterprise,
        Condition::YoungEnterprise,
    ];

    /// Its number in Art. 13, 1 to 7.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// The rule it comes from, e.g. `"Art. 13(4)"`.
    pub fn rule(self) -> &'static str {
        Self::META[self as usize].0
    }

    /// Its stable snake_case code, e.g. `"staff_and_rd"` (also its serde name).
    pub fn code(self) -> &'static str {
        Self::META[self as usize].1
    }

    /// Rule and code, in the order of the variants.
    const META: [(&'static str, &'static str); 7] = [
        ("Art. 13(1)", "registered_in_city"),
        ("Art. 13(2)", "leading_industry"),
        ("Art. 13(3)", "independent_ip"),
        ("Art. 13(4)", "staff_and_rd"),
        ("Art. 13(5)", "clear_ownership"),
        ("Art. 13(6)", "small_enterprise"),
        ("Art. 13(7)", "young_enterprise"),
    ];
}

/// The outcome of one condition, with exactly the facts and limits it used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionResult {
    /// Its number in Art. 13, 1 to 7.
    pub number: u8,
    /// The rule, e.g. `"Art. 13(4)"`.
    pub rule: String,
    /// The stable code, e.g. `"staff_and_rd"` (see [`Condition::code`]).
    pub code: String,
    /// Whether the condition holds.
    pub passed: bool,
    /// The facts and policy limits used, e.g. `{"staff": 200, "max_staff": 200, …}`.
    pub facts: Value,
    /// Why it failed (every failing part, joined by "; "); empty when it holds.
    pub reason: String,
}

/// The qualification review of an application: every condition of Art. 13, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// The seven conditions, numbered 1 to 7 in order.
    pub conditions: Vec<ConditionResult>,
    /// Whether all seven hold.
    pub passed: bool,
    /// The seed/early-stage talent programme the company is on (Art. 9), for the record.
    pub talent_programme: Option<String>,
}

impl Eligibility {
    /// The result of one condition.
    pub fn condition(&self, condition: Condition) -> Option<&ConditionResult> {
        self.conditions.iter().find(|c| c.code == condition.code())
    }

    /// The conditions that failed, in order.
    pub fn failed(&self) -> impl Iterator<Item = &ConditionResult> {
        self.conditions.iter().filter(|c| !c.passed)
    }
}

/// Checks the seven conditions of Art. 13 for `facts` against `policy` on `application_date`.
/// Every condition is evaluated, whatever the others give; see the module doc for the rules.
pub fn evaluate(
    policy: &EligibilityPolicy,
    facts: &ApplicationFacts,
    application_date: NaiveDate,
) -> Eligibility {
    let conditions = vec![
        registered_in_city(policy, facts),
        leading_industry(policy, facts),
        independent_ip(facts),
        staff_and_rd(policy, facts),
        clear_ownership(facts),
        small_enterprise(policy, facts),
        young_enterprise(policy, facts, application_date),
    ];
    Eligibility {
        passed: conditions.iter().all(|c| c.passed),
        conditions,
        talent_programme: facts.talent_programme.clone(),
    }
}

fn result(condition: Condition, facts: Value, failures: Vec<String>) -> ConditionResult {
    ConditionResult {
        number: condition.number(),
        rule: condition.rule().to_owned(),
        code: condition.code().to_owned(),
        passed: failures.is_empty(),
        facts,
        reason: failures.join("; "),
    }
}

fn registered_in_city(policy: &EligibilityPolicy, f: &ApplicationFacts) -> ConditionResult {
    let (city, mut failures) = (&policy.city, Vec::new());
    if f.registered_city != *city {
        failures.push(format!(
            "registered in {}, not in {city}",
            f.registered_city
        ));
    }
    if f.operating_city != *city {
        failures.push(format!("operating in {}, not in {city}", f.operating_city));
    }
    if !f.independent_legal_person {
        failures.push("not an independent legal person".to_owned());
    }
    let facts = json!({
        "registered_city": f.registered_city,
        "operating_city": f.operating_city,
        "city": policy.city,
        "independent_legal_person": f.independent_legal_person,
    });
    result(Condition::RegisteredInCity, facts, failures)
}

fn leading_industry(policy: &EligibilityPolicy, f: &ApplicationFacts) -> ConditionResult {
    let mut failures = Vec::new();
    if policy.industries.is_empty() {
        failures.push("no industries configured".to_owned());
    } else if !policy.industries.contains(&f.industry) {
        let industry = &f.industry;
        failures.push(format!("{industry} is not a leading or emerging industry"));
    }
    let facts = json!({ "industry": f.industry, "industries": policy.industries });
    result(Condition::LeadingIndustry, facts, failures)
}

fn independent_ip(f: &ApplicationFacts) -> ConditionResult {
    let alternative = f.business_model_company && !f.alternative_qualifications.is_empty();
    let mut failures = Vec::new();
    if f.ip.is_empty() && !alternative {
        failures.push(if f.business_model_company {
            "no independent IP and no alternative qualification".to_owned()
        } else if f.alternative_qualifications.is_empty() {
            "no independent IP".to_owned()
        } else {
            "no independent IP; alternative qualifications count only for a technology-service \
             or business-model company"
                .to_owned()
        });
    }
    let facts = json!({
        "ip": f.ip,
        "business_model_company": f.business_model_company,
        "alternative_qualifications": f.alternative_qualifications,
    });
    result(Condition::IndependentIp, facts, failures)
}

fn staff_and_rd(policy: &EligibilityPolicy, f: &ApplicationFacts) -> ConditionResult {
    let (staff, rd, min) = (f.staff, f.rd_staff, policy.min_rd_staff_ratio);
    let mut failures = Vec::new();
    if staff > policy.max_staff {
        failures.push(format!("{staff} staff, more than {}", policy.max_staff));
    }
    if staff == 0 {
        failures.push("no staff".to_owned());
    } else if rd > staff {
        failures.push(format!("{rd} R&D staff out of {staff} staff in all"));
    } else if !ratio_at_least(rd, staff, min) {
        failures.push(format!("{rd} R&D staff of {staff} is less than {min}"));
    }
    let facts = json!({
        "staff": f.staff,
        "max_staff": policy.max_staff,
        "rd_staff": f.rd_staff,
        "rd_ratio": ratio_floor(f.rd_staff, f.staff, min.scale().max(4)),
        "min_rd_staff_ratio": min,
    });
    result(Condition::StaffAndRd, facts, failures)
}

/// Whether `rd / staff ≥ min`, exactly. With `min = m / 10^s` (s ≤ 28, m < 2^96) this is
/// `rd · 10^s ≥ m · staff`, whose sides are below 2^126 and 2^128: u128 holds both.
fn ratio_at_least(rd: u32, staff: u32, min: Decimal) -> bool {
    if min <= Decimal::ZERO {
        return true;
    }
    let lhs = 10u128
        .checked_pow(min.scale())
        .and_then(|p| p.checked_mul(u128::from(rd)));
    let rhs = min.mantissa().unsigned_abs().checked_mul(u128::from(staff));
    match (lhs, rhs) {
        (Some(lhs), Some(rhs)) => lhs >= rhs,
        // Unreachable by the bounds above; fail safe.
        _ => false,
    }
}

/// `rd / staff` rounded down to `scale` decimals, exactly; `None` without staff.
fn ratio_floor(rd: u32, staff: u32, scale: u32) -> Option<Decimal> {
    if staff == 0 {
        return None;
    }
    let scaled = 10u128.checked_pow(scale)?.checked_mul(u128::from(rd))? / u128::from(staff);
    Decimal::try_from_i128_with_scale(i128::try_from(scaled).ok()?, scale).ok()
}

fn clear_ownership(f: &ApplicationFacts) -> ConditionResult {
    let mut failures = Vec::new();
    if !f.clear_ownership {
        failures.push("ownership structure not clear".to_owned());
    }
    if f.subsidiary_of_large_group {
        failures.push("set up by a large corporate group (subsidiary)".to_owned());
    }
    let facts = json!({
        "clear_ownership": f.clear_ownership,
        "subsidiary_of_large_group": f.subsidiary_of_large_group,
    });
    result(Condition::ClearOwnership, facts, failures)
}

fn small_enterprise(policy: &EligibilityPolicy, f: &ApplicationFacts) -> ConditionResult {
    let mut failures = Vec::new();
    if f.annual_revenue > policy.max_revenue && f.net_assets > policy.max_net_assets {
        failures.push(format!(
            "annual revenue {} above {} and net assets {} above {}",
            f.annual_revenue, policy.max_revenue, f.net_assets, policy.max_net_assets
        ));
    }
    if !f.rd_spending.is_positive() {
        failures.push("no R&D spending".to_owned());
    }
    let facts = json!({
        "annual_revenue": f.annual_revenue,
        "max_revenue": policy.max_revenue,
        "net_assets": f.net_assets,
        "max_net_assets": policy.max_net_assets,
        "rd_spending": f.rd_spending,
    });
    result(Condition::SmallEnterprise, facts, failures)
}

fn young_enterprise(
    policy: &EligibilityPolicy,
    f: &ApplicationFacts,
    application_date: NaiveDate,
) -> ConditionResult {
    // `None`: the bound lies before the calendar's range, so it limits nothing.
    let earliest = policy
        .max_age_years
        .checked_mul(12)
        .and_then(|months| application_date.checked_sub_months(Months::new(months)));
    let (founded, applied, mut failures) = (f.founded_on, application_date, Vec::new());
    if founded > applied {
        failures.push(format!(
            "founded on {founded}, after the application date {applied}"
        ));
    } else if let Some(earliest) = earliest.filter(|e| founded < *e) {
        failures.push(format!(
            "founded on {founded}, more than {} years before the application date {applied} \
             (earliest {earliest})",
            policy.max_age_years
        ));
    }
    let facts = json!({
        "founded_on": f.founded_on,
        "application_date": application_date,
        "max_age_years": policy.max_age_years,
        "earliest_founding": earliest,
    });
    result(Condition::YoungEnterprise, facts, failures)
}
