//! How a [`super::project::Op`] becomes a project command on the state at hand: the happy
//! path's facts with the variation asked (`project_fixtures`), amounts resolved against the proposal, the
//! agreement or the limits, days against the project's last step.

use super::project::{Op, Report};
use super::project_fixtures::{date, facts, investment_policy, proposal, sub_fund};
use super::support::{id, shift, Amt, Day};
use chrono::NaiveDate;
use domain::committee::{Mode, Status, SubjectKind};
use domain::fund::phases::Phase;
use domain::fund::policy::{EligibilityPolicy, GuidancePolicy};
use domain::guidance::ReturnTerms;
use domain::project::{
    project_reference, CompanyReport, DecisionFacts, DueDiligenceKind, FinancingRound, Project,
    ProjectCommand, ResearchOutcome, Stage, SupervisoryAction, Trigger,
};
use domain::{FundId, Money, ProjectId, ResolutionId};
use rust_decimal::Decimal;

/// The days of the project: the last step (mostly) and the application.
fn anchors(p: &Project) -> Vec<NaiveDate> {
    let applied = p.applied_on.unwrap_or(date(2024, 3, 1));
    let last = p.last_on.unwrap_or(applied);
    vec![last, last, last, applied]
}

/// The happy path's next step for `p`'s stage, `days` after its last step.
fn advance(p: &Project, seed: u8, days: i32) -> Op {
    let on = Day::At(0, days);
    let text = |s: &str| s.to_owned();
    match p.stage {
        None => Op::Apply {
            company: text("昆山芯微电子科技有限公司"),
            facts: 0,
            on,
        },
        Some(Stage::Application) => Op::Review {
            industries: true,
            on,
        },
        Some(Stage::Research) => Op::Research {
            shortlisted: true,
            note: text("走访企业"),
            on,
        },
        Some(Stage::Establishment) => Op::Establish {
            opinion: text("立项意见〔2024〕12号"),
            on,
        },
        Some(Stage::DueDiligence) => match DueDiligenceKind::ALL
            .into_iter()
            .find(|k| !p.due_diligence.contains(k))
        {
            Some(kind) => Op::DueDiligence {
                kind,
                provider: text("中审众环"),
                document: text("DD-1"),
                on,
            },
            None if p.is_sub_fund() => Op::ProposeCommitment {
                commitment: Amt::Room(0),
                terms: 0,
                prohibited: false,
                phase: Some(Phase::Investment),
                on,
            },
            None => Op::Propose {
                amount: if seed % 2 == 0 {
                    Amt::Fen(333_333_333)
                } else {
                    Amt::Room(0)
                },
                table: 0,
                price: 1,
                phase: Some(Phase::Investment),
                on,
            },
        },
        Some(Stage::Decision) => Op::Decide {
            wrong: 0,
            mode: Mode::OnSite,
            status: Status::Passed,
            on,
        },
        Some(Stage::Implementation) => Op::Sign {
            commitment: Amt::Room(0),
            registered: Amt::Room(0),
            others: vec![text("创始人张伟")],
            on,
        },
        Some(Stage::PostInvestment) => match seed % 4 {
            0 => Op::PaidIn {
                paid: if seed % 8 == 0 {
                    Amt::Room(0)
                } else {
                    Amt::Half
                },
                on,
            },
            1 if p.is_sub_fund() => Op::SubFundInvestment {
                company: text("昆山某科技"),
                city: text("昆山"),
                amount: Amt::Half,
                fund_city: text("昆山"),
                on,
            },
            1 => Op::Report {
                report: Report {
                    period: text("2024-H2"),
                    revenue: Amt::Half,
                    staff: 50,
                    rd_staff: 20,
                    rounds: vec![(i32::from(seed), Amt::Half)],
                    raising: seed % 3 == 0,
                    city: text(if seed % 5 == 0 { "上海" } else { "昆山" }),
                    going_concern: seed % 7 != 0,
                },
                on,
            },
            2 => Op::Trigger {
                trigger: Trigger::GoalsReached,
                note: text("达到阶段目标"),
                on,
            },
            _ => Op::Supervise {
                action: SupervisoryAction::Veto,
                reason: text("违规"),
                on,
            },
        },
    }
}

/// The command `op` asks of `p`.
pub fn command(op: &Op, p: &Project) -> ProjectCommand {
    let anchors = anchors(p);
    let on = |day: &Day| day.on(&anchors);
    match op {
        Op::Advance { seed, days } => command(&advance(p, *seed, *days), p),
        Op::Apply {
            company,
            facts: v,
            on: d,
        } => ProjectCommand::Apply {
            project_id: ProjectId(id(1)),
            fund_id: FundId(id(1)),
            company: company.clone(),
            facts: facts(*v),
            applied_on: on(d),
        },
        Op::ApplySubFund { facts: v, on: d } => ProjectCommand::ApplySubFund {
            project_id: ProjectId(id(1)),
            fund_id: FundId(id(1)),
            sub_fund: sub_fund(*v),
            applied_on: on(d),
        },
        Op::Review { industries, on: d } => ProjectCommand::ReviewQualification {
            policy: EligibilityPolicy {
                industries: if *industries {
                    vec!["集成电路".into(), "生物医药".into()]
                } else {
                    Vec::new()
                },
                ..EligibilityPolicy::default()
            },
            reviewed_on: on(d),
        },
        Op::Research {
            shortlisted,
            note,
            on: d,
        } => ProjectCommand::CompleteResearch {
            outcome: if *shortlisted {
                ResearchOutcome::Shortlisted
            } else {
                ResearchOutcome::FollowUp
            },
            note: note.clone(),
            on: on(d),
        },
        Op::Establish { opinion, on: d } => ProjectCommand::Establish {
            partner_opinion_ref: opinion.clone(),
            on: on(d),
        },
        Op::DueDiligence {
            kind,
            provider,
            document,
            on: d,
        } => ProjectCommand::RecordDueDiligence {
            kind: *kind,
            provider: provider.clone(),
            document_ref: document.clone(),
            on: on(d),
        },
        Op::Propose {
            amount,
            table,
            price,
            phase,
            on: d,
        } => ProjectCommand::Propose {
            proposal: proposal(amount.of(Money::from_yuan(5_000_000)), *table),
            price: Decimal::from(*price),
            policy: investment_policy(),
            phase: *phase,
            on: on(d),
        },
        Op::ProposeCommitment {
            commitment,
            terms,
            prohibited,
            phase,
            on: d,
        } => ProjectCommand::ProposeCommitment {
            commitment: commitment.of(Money::from_yuan(20_000_000)),
            return_terms: ReturnTerms {
                principal_guarantee: *terms == 1,
                minimum_return: (*terms == 2).then_some(Decimal::ZERO),
            },
            guidance: GuidancePolicy::default(),
            prohibited_industries: vec![if *prohibited {
                "集成电路"
            } else {
                "钢铁冶炼"
            }
            .into()],
            phase: *phase,
            on: on(d),
        },
        Op::Decide {
            wrong,
            mode,
            status,
            on: d,
        } => {
            let proposed = p.proposed_amount();
            ProjectCommand::RecordDecision {
                decision: DecisionFacts {
                    resolution_id: ResolutionId(id(1)),
                    fund: FundId(id(if *wrong == 1 { 2 } else { 1 })),
                    kind: if *wrong == 2 {
                        SubjectKind::Exit
                    } else {
                        SubjectKind::Investment
                    },
                    reference: if *wrong == 3 {
                        "P-1".to_owned()
                    } else {
                        format!(" {} ", project_reference(p))
                    },
                    amount: if *wrong == 4 {
                        proposed + Money::from_fen(1)
                    } else {
                        proposed
                    },
                    mode: *mode,
                    status: *status,
                },
                written_vote_max: Money::from_yuan(if *wrong == 5 { 0 } else { 3_000_000 }),
                on: on(d),
            }
        }
        Op::Sign {
            commitment,
            registered,
            others,
            on: d,
        } => {
            let size = p
                .sub_fund
                .as_ref()
                .map_or(Money::from_yuan(10_000_000), |f| f.size);
            ProjectCommand::SignAgreement {
                commitment: commitment.of(p.proposed_amount()),
                registered_capital: registered.of(size),
                other_shareholders: others.clone(),
                signed_on: on(d),
            }
        }
        Op::PaidIn { paid, on: d } => {
            let registered = p
                .agreement
                .as_ref()
                .map_or(Money::ZERO, |a| a.registered_capital);
            ProjectCommand::ReportPaidIn {
                paid_in: paid.of(registered),
                on: on(d),
            }
        }
        Op::Report { report, on: d } => ProjectCommand::ReportPostInvestment {
            report: company_report(report, p),
            on: on(d),
        },
        Op::SubFundInvestment {
            company,
            city,
            amount,
            fund_city,
            on: d,
        } => ProjectCommand::ReportSubFundInvestment {
            company: company.clone(),
            city: city.clone(),
            amount: amount.of(Money::from_yuan(10_000_000)),
            fund_city: fund_city.clone(),
            on: on(d),
        },
        Op::Trigger {
            trigger,
            note,
            on: d,
        } => ProjectCommand::RecordTrigger {
            trigger: *trigger,
            note: note.clone(),
            on: on(d),
        },
        Op::Supervise {
            action,
            reason,
            on: d,
        } => ProjectCommand::RecordSupervisoryAction {
            action: *action,
            reason: reason.clone(),
            on: on(d),
        },
        Op::Reject { reason, on: d } => ProjectCommand::Reject {
            reason: reason.clone(),
            on: on(d),
        },
        Op::Withdraw { reason, on: d } => ProjectCommand::Withdraw {
            reason: reason.clone(),
            on: on(d),
        },
    }
}

fn company_report(r: &Report, p: &Project) -> CompanyReport {
    let signed = p
        .agreement
        .as_ref()
        .map_or(date(2024, 8, 1), |a| a.signed_on);
    CompanyReport {
        period: r.period.clone(),
        revenue: r.revenue.of(Money::from_yuan(5_000_000)),
        net_assets: Money::from_yuan(9_000_000),
        staff: r.staff,
        rd_staff: r.rd_staff,
        financing_rounds: r
            .rounds
            .iter()
            .map(|(days, amount)| FinancingRound {
                closed_on: shift(signed, *days),
                amount: amount.of(Money::from_yuan(30_000_000)),
            })
            .collect(),
        raising_round: r.raising,
        registered_city: r.city.clone(),
        going_concern: r.going_concern,
    }
}
