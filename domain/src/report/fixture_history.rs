//! The annual fixture: an angel fund's history from 2022-12 to 2025-02, reported on for 2024
//! (`fixture_tests.rs` checks every figure by hand).
//!
//! - **Fund** [`FUND`], established 2023-01-01 with an 18-month investment period (to
//!   2024-06-30; exit period from 2024-07-01). Tranche 1 (50M, 2023-01-01): LP 1 30M, LP 2 20M,
//!   called at once (due 2023-01-15), paid 2023-01-10 and 2023-01-12. Tranche 2 (30M,
//!   2024-01-01): LP 1 10M, LP 3 20M; call 2 of 15M on 2024-01-05 due 2024-01-31 (LP 1 5M paid
//!   2024-01-20, LP 3 10M paid **late** 2024-03-15); call 3 of 6M on 2024-11-01 due 2024-11-30
//!   (LP 1 2M paid 2024-11-20, LP 3 4M paid 2025-01-10, after the period).
//! - **Committee**: seats 1–5 and three observers from 2022-12-20; seat 3 re-appointed on
//!   2024-06-01; seat 2 re-appointed on 2025-01-15 and a fourth observer recorded after it.
//! - **Investments** (project → committee → fund): P1 IC 6,000,000 for 15% with the higher
//!   body's approval (on-site R1, 2023-03-21); P2 biotech 2,500,000 for 10% (written R2,
//!   2023-05-10); P3 AI 3,000,000 for 12% (written R3, 2023-07-10). Injections: P1 3M
//!   2023-04-10 and 3M 2023-09-15, P2 2.5M 2023-06-10, P3 3M 2023-08-10.
//! - **Post-investment**: reports of P1 (2023-07-20, 2024-01-20, 2024-07-20 raising trigger
//!   Art. 16(1), 2025-01-20), P2 (2024-01-25, 2024-07-25; trigger Art. 16(4) recorded
//!   2024-07-30), P3 (2024-01-28 showing the going concern lost, trigger Art. 16(6); termination
//!   2024-02-10).
//! - **Exits**: P2 half sold on 2024-09-30 for 2,000,000 (R4, 2024-08-01; cost released
//!   1,250,000; proceeds collected 2024-10-15); P3 written off on 2024-11-30 (R5, 2024-11-15;
//!   cost 3,000,000).
//! - **Fees**: 2023 assessed 2024-01-03, paid 2024-01-08; 2024 assessed 2025-01-03, paid
//!   2025-01-08. **Distribution** of 1,300,000 declared 2024-10-20, paid 2024-10-25.
//! - **Pipeline 2024**: P4 applied 2024-02-01, proposed 2024-04-06 for 2,000,000, R6 failed
//!   on 2024-04-11, decision recorded 2024-04-16; P5 applied 2024-06-03 with 250 staff,
//!   not qualified 2024-06-10; P6 applied 2024-07-01, qualified 2024-07-15, kept in follow-up
//!   2024-07-31, withdrawn 2024-09-01; P7 applied 2024-12-31; P8 applied 2025-01-02; P9 of
//!   another fund. R7 (other business) opened 2024-12-30, passed 2025-01-02.
//! - **Exemption**: case C1 for P3 opened 2024-12-10, evaluated 2024-12-15, one attestation
//!   2024-12-20, the other 2025-01-05, denied 2025-02-01; case C2 of another fund.

use super::fixture::*;
use super::fixture_builder::Builder;
use crate::committee::membership::CommitteeCommand;
use crate::committee::{Choice, Mode, SubjectKind};
use crate::fund::capital::{Lp, LpKind};
use crate::fund::custody::MovementKind;
use crate::fund::policy::FundPolicy;
use crate::fund::{FundCommand, FundKind, FundTerms};
use crate::project::{CompanyReport, FinancingRound, ProjectCommand, SupervisoryAction, Trigger};
use crate::{CallId, DistributionId, ExitId, LpId, Money};
use uuid::Uuid;
use Choice::{Abstain, Approve, Reject};

/// LP `n`.
pub fn lp(n: u128) -> LpId {
    LpId(Uuid::from_u128(0xA000 + n))
}

/// Call `n`.
pub fn call(n: u128) -> CallId {
    CallId(Uuid::from_u128(0x4000 + n))
}

/// Exit `n`.
pub fn exit(n: u128) -> ExitId {
    ExitId(Uuid::from_u128(0x5000 + n))
}

/// The distribution.
pub fn distribution() -> DistributionId {
    DistributionId(Uuid::from_u128(0x7001))
}

/// The manager's staff member covered by case C1.
pub const STAFF: Uuid = Uuid::from_u128(0xD001);

pub fn lp_pays(b: &mut Builder, call_n: u128, lp_n: u128, amount: i64, on: &str) {
    let kind = MovementKind::LpPayment {
        call_id: call(call_n),
        lp: lp(lp_n),
    };
    b.pay(kind, yuan(amount), on);
}

pub fn subscribe(tranche: u32, n: u128, name: &str, amount: i64) -> FundCommand {
    FundCommand::Subscribe {
        tranche,
        lp: lp(n),
        identity: Lp {
            name: name.into(),
            kind: if n == 3 {
                LpKind::Other
            } else {
                LpKind::StateOwned
            },
        },
        amount: yuan(amount),
    }
}

pub fn call_capital(n: u128, tranche: u32, amount: i64, on: &str, due: &str) -> FundCommand {
    FundCommand::CallCapital {
        call_id: call(n),
        tranches: vec![tranche],
        amount: yuan(amount),
        called_on: d(on),
        due_on: d(due),
    }
}

pub fn establish(b: &mut Builder) {
    let terms = FundTerms {
        name: "昆山市天使投资基金".into(),
        kind: FundKind::Angel,
        total_size: yuan(300_000_000),
        establishment_date: d("2023-01-01"),
        manager: "昆山创业投资管理有限公司".into(),
        custodian: "中国工商银行昆山分行".into(),
        city: "昆山".into(),
        policy: Box::new(fund_policy()),
    };
    b.fund([
        FundCommand::Establish {
            fund_id: FUND,
            terms,
        },
        FundCommand::OpenTranche {
            number: 1,
            size: yuan(50_000_000),
            subscription_date: d("2023-01-01"),
        },
        subscribe(1, 1, "昆山市财政局", 30_000_000),
        subscribe(1, 2, "昆山国创投资集团", 20_000_000),
        call_capital(1, 1, 50_000_000, "2023-01-01", "2023-01-15"),
    ]);
    lp_pays(b, 1, 1, 30_000_000, "2023-01-10");
    lp_pays(b, 1, 2, 20_000_000, "2023-01-12");
}

pub fn appoint(b: &mut Builder, fund: crate::FundId, seat: u32, who: u128, on: &str) {
    b.committee(CommitteeCommand::AppointMember {
        fund_id: fund,
        seat_bodies: FundPolicy::default().committee.seats,
        seat,
        member: member(who),
        name: format!("委员{who}"),
        appointed_on: d(on),
    });
}

pub fn observe(b: &mut Builder, n: u128) {
    b.committee(CommitteeCommand::AppointObserver {
        fund_id: FUND,
        observer: observer(n),
        name: format!("观察员{n}"),
        body: "昆山开发区".into(),
    });
}

pub fn committee(b: &mut Builder) {
    for seat in 1..=5 {
        appoint(b, FUND, seat, u128::from(seat), "2022-12-20");
    }
    (1..=3).for_each(|n| observe(b, n));
}

pub fn ballot(id: u128, kind: SubjectKind, title: &'static str, p: u128, amount: Money) -> Ballot {
    Ballot {
        id: resolution(id),
        fund: FUND,
        kind,
        title,
        reference: project(p).0.to_string(),
        amount,
        mode: Mode::Written,
        day: d("2000-01-01"),
        votes: [1, 2, 3, 4].map(|s| (s, Approve)).to_vec(),
        comments: vec![],
    }
}

/// Runs one investment: proposal, resolution `r` on `r_day`, decision 5 days later,
/// agreement 10 days later on `registered` capital.
#[expect(
    clippy::too_many_arguments,
    reason = "one line per investment of the script"
)]
pub fn invest(
    b: &mut Builder,
    p: u128,
    company: &str,
    applied: &str,
    proposal: crate::investment::Proposal,
    ballot: Ballot,
    registered: i64,
    signed: &str,
) {
    let amount = proposal.amount;
    b.until_proposal(project(p), FUND, company, applied, proposal);
    let (r, day) = (ballot.id, ballot.day);
    b.ballot(ballot);
    b.record_decision(
        project(p),
        r,
        FUND,
        &(day + chrono::TimeDelta::days(5)).to_string(),
    );
    b.project(
        project(p),
        [ProjectCommand::SignAgreement {
            commitment: amount,
            registered_capital: yuan(registered),
            other_shareholders: vec!["创始人".into(), "昆山创业投资有限公司".into()],
            signed_on: d(signed),
        }],
    );
}

pub fn paid_in(b: &mut Builder, p: u128, amount: i64, on: &str) {
    let command = ProjectCommand::ReportPaidIn {
        paid_in: yuan(amount),
        on: d(on),
    };
    b.project(project(p), [command]);
}

/// A periodic report: `revenue` and `net_assets` in yuan, `staff` with a third in R&D.
pub fn report(period: &str, revenue: i64, net_assets: i64, staff: u32) -> CompanyReport {
    CompanyReport {
        period: period.into(),
        revenue: yuan(revenue),
        net_assets: yuan(net_assets),
        staff,
        rd_staff: staff / 3,
        financing_rounds: vec![FinancingRound {
            closed_on: d("2022-06-01"),
            amount: yuan(1_000_000),
        }],
        raising_round: false,
        registered_city: "昆山".into(),
        going_concern: true,
    }
}

pub fn reported(b: &mut Builder, p: u128, report: CompanyReport, on: &str) {
    let command = ProjectCommand::ReportPostInvestment { report, on: d(on) };
    b.project(project(p), [command]);
}

pub fn investments(b: &mut Builder) {
    let mut p1 = proposal(yuan(6_000_000), "集成电路", "0.15", "0.55");
    p1.higher_approval_ref = Some("昆国资投决〔2023〕5号".into());
    let mut r1 = ballot(
        1,
        SubjectKind::Investment,
        "芯微电子投资",
        1,
        yuan(6_000_000),
    );
    (r1.mode, r1.day) = (Mode::OnSite, d("2023-03-21"));
    r1.votes = vec![
        (1, Approve),
        (2, Approve),
        (3, Abstain),
        (4, Approve),
        (5, Approve),
    ];
    invest(
        b,
        1,
        "昆山芯微电子",
        "2023-01-10",
        p1,
        r1,
        40_000_000,
        "2023-03-31",
    );
    let p2 = proposal(yuan(2_500_000), "生物医药", "0.10", "0.60");
    let mut r2 = ballot(
        2,
        SubjectKind::Investment,
        "博瑞生物投资",
        2,
        yuan(2_500_000),
    );
    r2.day = d("2023-05-10");
    invest(
        b,
        2,
        "昆山博瑞生物",
        "2023-03-01",
        p2,
        r2,
        25_000_000,
        "2023-05-20",
    );
    let p3 = proposal(yuan(3_000_000), "人工智能", "0.12", "0.58");
    let mut r3 = ballot(
        3,
        SubjectKind::Investment,
        "智图人工智能投资",
        3,
        yuan(3_000_000),
    );
    (r3.day, r3.votes) = (d("2023-07-10"), vec![(5, Reject)]);
    r3.votes.extend([1, 2, 3, 4].map(|s| (s, Approve)));
    invest(
        b,
        3,
        "昆山智图人工智能",
        "2023-05-01",
        p3,
        r3,
        30_000_000,
        "2023-07-20",
    );
    paid_in(b, 1, 20_000_000, "2023-04-01");
    b.inject(project(1), yuan(3_000_000), "2023-04-10");
    paid_in(b, 2, 25_000_000, "2023-06-01");
    b.inject(project(2), yuan(2_500_000), "2023-06-10");
    reported(
        b,
        1,
        report("2023-H1", 2_100_000, 18_000_000, 45),
        "2023-07-20",
    );
    paid_in(b, 3, 30_000_000, "2023-08-01");
    b.inject(project(3), yuan(3_000_000), "2023-08-10");
    paid_in(b, 1, 40_000_000, "2023-09-01");
    b.inject(project(1), yuan(3_000_000), "2023-09-15");
}

/// Everything from 2024-01-01 on, in the order it was recorded.
pub fn year_2024(b: &mut Builder) {
    b.fund([
        FundCommand::AssessFee {
            year: 2023,
            today: d("2024-01-03"),
        },
        FundCommand::OpenTranche {
            number: 2,
            size: yuan(30_000_000),
            subscription_date: d("2024-01-01"),
        },
        subscribe(2, 1, "昆山市财政局", 10_000_000),
        subscribe(2, 3, "苏州科创天使合伙企业", 20_000_000),
        call_capital(2, 2, 15_000_000, "2024-01-05", "2024-01-31"),
    ]);
    b.pay(
        MovementKind::FeePayment { year: 2023 },
        yuan(500_000),
        "2024-01-08",
    );
    lp_pays(b, 2, 1, 5_000_000, "2024-01-20");
    reported(
        b,
        1,
        report("2023-H2", 5_300_000, 17_100_000, 55),
        "2024-01-20",
    );
    reported(
        b,
        2,
        report("2023-H2", 1_900_000, 9_100_000, 48),
        "2024-01-25",
    );
    let mut lost = report("2023-H2", 300_000, 150_000, 12);
    lost.going_concern = false;
    reported(b, 3, lost, "2024-01-28");
    b.project(
        project(3),
        [ProjectCommand::RecordSupervisoryAction {
            action: SupervisoryAction::Termination,
            reason: "企业停止经营".into(),
            on: d("2024-02-10"),
        }],
    );
    super::fixture_late::pipeline(b);
    lp_pays(b, 2, 3, 10_000_000, "2024-03-15");
    appoint(b, FUND, 3, 6, "2024-06-01");
    let mut raising = report("2024-H1", 8_600_000, 25_400_000, 68);
    raising.financing_rounds.push(FinancingRound {
        closed_on: d("2024-05-10"),
        amount: yuan(20_000_000),
    });
    raising.raising_round = true;
    reported(b, 1, raising, "2024-07-20");
    reported(
        b,
        2,
        report("2024-H1", 4_200_000, 9_800_000, 52),
        "2024-07-25",
    );
    b.project(
        project(2),
        [ProjectCommand::RecordTrigger {
            trigger: Trigger::ThirdPartyBuyer,
            note: "第三方有意受让基金所持股权".into(),
            on: d("2024-07-30"),
        }],
    );
    super::fixture_late::exits(b);
}
