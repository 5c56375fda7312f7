//! The investment history for the capital tests: after tranche 1 is paid in (50,000,000 in
//! cash, [`crate::support::steps`]), injections into two companies, a partial exit whose
//! proceeds are received in two payments, a write-off and a late confirmation, with the
//! fund's totals, investments and exits expected after each step.

use crate::support::{d, dec};
use domain::fund::custody::MovementKind;
use domain::fund::FundCommand;
use domain::{ExitId, Money, MovementId, ProjectId, ResolutionId};
use projections::capital::{ExitView, FundCapital, InvestmentView};
use uuid::Uuid;

/// An amount in yuan.
fn yuan(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// The fund's totals after LPs A and B paid tranche 1 in full (50,000,000), with, separated
/// by spaces: cash, invested, cost released, cost not exited, exit proceeds, proceeds
/// received.
fn totals(figures: &str) -> FundCapital {
    let t: Vec<&str> = figures.split_whitespace().collect();
    assert_eq!(t.len(), 6, "{figures}");
    let paid_in = dec("50000000");
    FundCapital {
        tranches: paid_in,
        subscribed: paid_in,
        called: paid_in,
        paid: paid_in,
        cash: dec(t[0]),
        invested: dec(t[1]),
        cost_released: dec(t[2]),
        cost_not_exited: dec(t[3]),
        exit_proceeds: dec(t[4]),
        proceeds_received: dec(t[5]),
        ..FundCapital::default()
    }
}

/// An investment with, separated by spaces: commitment, required cumulative, instructed,
/// paid, unpaid commitment, cost released, cost not exited, proceeds, realised.
fn investment(project: ProjectId, figures: &str) -> InvestmentView {
    let t: Vec<&str> = figures.split_whitespace().collect();
    assert_eq!(t.len(), 9, "{figures}");
    InvestmentView {
        project_id: project.0,
        commitment: dec(t[0]),
        required_cumulative: dec(t[1]),
        instructed: dec(t[2]),
        paid: dec(t[3]),
        unpaid_commitment: dec(t[4]),
        cost_released: dec(t[5]),
        cost_not_exited: dec(t[6]),
        proceeds: dec(t[7]),
        realised: dec(t[8]),
    }
}

/// The ids of the investments.
pub struct Ids {
    /// The first company: injected in two parts, half exited.
    pub p1: ProjectId,
    /// The second company: injected once, written off.
    pub p2: ProjectId,
    /// The injections: i\[0\] and i\[2\] into p1, i\[1\] into p2.
    pub i: [MovementId; 3],
    /// The two payments of the first exit's proceeds.
    pub x: [MovementId; 2],
    /// The partial exit of p1.
    pub e1: ExitId,
    /// The write-off of p2.
    pub e2: ExitId,
    /// The resolution deciding e1.
    pub r1: ResolutionId,
    /// The resolution deciding e2.
    pub r2: ResolutionId,
}

impl Ids {
    /// Fresh ids (the projects' are fixed, to be ordered).
    pub fn new() -> Self {
        let id = || Uuid::now_v7();
        Ids {
            p1: ProjectId(Uuid::from_u128(0x1)),
            p2: ProjectId(Uuid::from_u128(0x2)),
            i: std::array::from_fn(|_| MovementId(id())),
            x: std::array::from_fn(|_| MovementId(id())),
            e1: ExitId(id()),
            e2: ExitId(id()),
            r1: ResolutionId(id()),
            r2: ResolutionId(id()),
        }
    }

    /// The exit with, separated by spaces: proceeds, cost released, realised, received,
    /// outstanding.
    fn exit(&self, which: u8, figures: &str) -> ExitView {
        let t: Vec<&str> = figures.split_whitespace().collect();
        assert_eq!(t.len(), 5, "{figures}");
        let (exit_id, project, on, resolution) = if which == 1 {
            (self.e1, self.p1, "2023-06-30", self.r1)
        } else {
            (self.e2, self.p2, "2023-12-31", self.r2)
        };
        ExitView {
            exit_id: exit_id.0,
            project_id: project.0,
            proceeds: dec(t[0]),
            cost_released: dec(t[1]),
            realised: dec(t[2]),
            on: d(on),
            resolution_id: resolution.0,
            received: dec(t[3]),
            outstanding: dec(t[4]),
        }
    }
}

/// `InstructInjection` with the project's required cumulative payment and commitment.
fn inject(
    id: MovementId,
    project: ProjectId,
    amount: &str,
    on: &str,
    required: &str,
    commitment: &str,
) -> FundCommand {
    FundCommand::InstructInjection {
        movement_id: id,
        project_id: project,
        amount: yuan(amount),
        value_date: d(on),
        required_cumulative: yuan(required),
        commitment: yuan(commitment),
    }
}

/// The custodian confirms a movement.
fn confirm(id: MovementId, on: &str) -> FundCommand {
    FundCommand::ConfirmMovement {
        movement_id: id,
        executed_on: d(on),
    }
}

/// Instructs the receipt of (part of) an exit's proceeds.
fn receive(id: MovementId, exit: ExitId, amount: &str, on: &str) -> FundCommand {
    FundCommand::InstructMovement {
        movement_id: id,
        kind: MovementKind::ExitProceeds { exit_id: exit },
        amount: yuan(amount),
        value_date: d(on),
    }
}

/// `RecordExit`.
fn exit(
    exit_id: ExitId,
    project: ProjectId,
    proceeds: &str,
    cost: &str,
    on: &str,
    resolution: ResolutionId,
) -> FundCommand {
    FundCommand::RecordExit {
        exit_id,
        project_id: project,
        proceeds: yuan(proceeds),
        cost_released: yuan(cost),
        on: d(on),
        resolution_id: resolution,
    }
}

/// A step: its commands, then the fund's totals, investments and exits after it.
pub type Step = (
    Vec<FundCommand>,
    FundCapital,
    Vec<InvestmentView>,
    Vec<ExitView>,
);

/// The history in steps, each with what the read model shows after it.
pub fn investment_steps(ids: &Ids) -> Vec<Step> {
    let (p1, p2, i, x) = (ids.p1, ids.p2, ids.i, ids.x);
    vec![
        // 6,000,000 of a 10,000,000 commitment, as the company's paid-in ratio requires:
        // instructed, nothing moves yet.
        (
            vec![inject(
                i[0],
                p1,
                "6000000",
                "2022-03-01",
                "6000000",
                "10000000",
            )],
            totals("50000000 0 0 0 0 0"),
            vec![investment(
                p1,
                "10000000 6000000 6000000 0 10000000 0 0 0 0",
            )],
            vec![],
        ),
        (
            vec![confirm(i[0], "2022-03-02")],
            totals("44000000 6000000 0 6000000 0 0"),
            vec![investment(
                p1,
                "10000000 6000000 6000000 6000000 4000000 0 6000000 0 0",
            )],
            vec![],
        ),
        // A second company, confirmed; a top-up of the first left pending.
        (
            vec![
                inject(i[1], p2, "3000000", "2022-06-01", "3000000", "5000000"),
                confirm(i[1], "2022-06-01"),
                inject(i[2], p1, "2000000", "2022-09-01", "8000000", "10000000"),
            ],
            totals("41000000 9000000 0 9000000 0 0"),
            vec![
                investment(p1, "10000000 8000000 8000000 6000000 4000000 0 6000000 0 0"),
                investment(p2, "5000000 3000000 3000000 3000000 2000000 0 3000000 0 0"),
            ],
            vec![],
        ),
        // Half of the first company's cost sold for 4,500,000: recorded, not yet received.
        (
            vec![exit(ids.e1, p1, "4500000", "3000000", "2023-06-30", ids.r1)],
            totals("41000000 9000000 3000000 6000000 4500000 0"),
            vec![
                investment(
                    p1,
                    "10000000 8000000 8000000 6000000 4000000 3000000 3000000 4500000 1500000",
                ),
                investment(p2, "5000000 3000000 3000000 3000000 2000000 0 3000000 0 0"),
            ],
            vec![ids.exit(1, "4500000 3000000 1500000 0 4500000")],
        ),
        // The proceeds in two payments; only confirmed ones count.
        (
            vec![
                receive(x[0], ids.e1, "3000000", "2023-07-10"),
                confirm(x[0], "2023-07-11"),
                receive(x[1], ids.e1, "1500000", "2023-07-20"),
            ],
            totals("44000000 9000000 3000000 6000000 4500000 3000000"),
            vec![
                investment(
                    p1,
                    "10000000 8000000 8000000 6000000 4000000 3000000 3000000 4500000 1500000",
                ),
                investment(p2, "5000000 3000000 3000000 3000000 2000000 0 3000000 0 0"),
            ],
            vec![ids.exit(1, "4500000 3000000 1500000 3000000 1500000")],
        ),
        (
            vec![confirm(x[1], "2023-07-21")],
            totals("45500000 9000000 3000000 6000000 4500000 4500000"),
            vec![
                investment(
                    p1,
                    "10000000 8000000 8000000 6000000 4000000 3000000 3000000 4500000 1500000",
                ),
                investment(p2, "5000000 3000000 3000000 3000000 2000000 0 3000000 0 0"),
            ],
            vec![ids.exit(1, "4500000 3000000 1500000 4500000 0")],
        ),
        // The second company written off: no proceeds, its whole cost lost.
        (
            vec![exit(ids.e2, p2, "0", "3000000", "2023-12-31", ids.r2)],
            totals("45500000 9000000 6000000 3000000 4500000 4500000"),
            vec![
                investment(
                    p1,
                    "10000000 8000000 8000000 6000000 4000000 3000000 3000000 4500000 1500000",
                ),
                investment(
                    p2,
                    "5000000 3000000 3000000 3000000 2000000 3000000 0 0 -3000000",
                ),
            ],
            vec![
                ids.exit(1, "4500000 3000000 1500000 4500000 0"),
                ids.exit(2, "0 3000000 -3000000 0 0"),
            ],
        ),
        // The pending top-up confirmed at last.
        (
            vec![confirm(i[2], "2024-01-05")],
            totals("43500000 11000000 6000000 5000000 4500000 4500000"),
            vec![
                investment(
                    p1,
                    "10000000 8000000 8000000 8000000 2000000 3000000 5000000 4500000 1500000",
                ),
                investment(
                    p2,
                    "5000000 3000000 3000000 3000000 2000000 3000000 0 0 -3000000",
                ),
            ],
            vec![
                ids.exit(1, "4500000 3000000 1500000 4500000 0"),
                ids.exit(2, "0 3000000 -3000000 0 0"),
            ],
        ),
    ]
}
