//! The commands a fund accepts.

use super::{capital, custody, FundTerms};
use crate::{
    CallId, DistributionId, ExitId, FundId, LpId, Money, MovementId, ProjectId, ResolutionId,
};
use chrono::NaiveDate;

/// Commands on a fund.
#[derive(Debug, Clone)]
pub enum FundCommand {
    /// Establish the fund.
    Establish {
        /// The new fund's id.
        fund_id: FundId,
        /// Its terms.
        terms: FundTerms,
    },
    /// Open the next tranche (各期).
    OpenTranche {
        /// Its number: the next one.
        number: u32,
        /// Its size.
        size: Money,
        /// Its subscription date.
        subscription_date: NaiveDate,
    },
    /// An LP subscribes (认缴) in a tranche.
    Subscribe {
        /// The tranche.
        tranche: u32,
        /// The LP.
        lp: LpId,
        /// Who the LP is (the same for every subscription of one LP).
        identity: capital::Lp,
        /// The amount subscribed.
        amount: Money,
    },
    /// Call capital from the subscriptions of some tranches.
    CallCapital {
        /// The new call's id.
        call_id: CallId,
        /// The tranches called.
        tranches: Vec<u32>,
        /// The amount called.
        amount: Money,
        /// The date of the call.
        called_on: NaiveDate,
        /// The date payment is due.
        due_on: NaiveDate,
    },
    /// The manager instructs a money movement (maker): an LP's payment of a call, a fee
    /// payment, a distribution payment or exit proceeds. Injections have
    /// [`FundCommand::InstructInjection`].
    InstructMovement {
        /// The new movement's id.
        movement_id: MovementId,
        /// What it pays.
        kind: custody::MovementKind,
        /// How much.
        amount: Money,
        /// Its value date.
        value_date: NaiveDate,
    },
    /// The custodian confirms a movement was executed (checker).
    ConfirmMovement {
        /// The movement.
        movement_id: MovementId,
        /// When the money moved.
        executed_on: NaiveDate,
    },
    /// Extend the term after a partners' meeting resolution (Art. 5).
    ExtendTerm {
        /// Length of the extension in months.
        months: u32,
        /// The partners' meeting resolution (合伙人大会决议) reference.
        resolution_ref: String,
        /// The day the resolution was passed.
        resolved_on: NaiveDate,
        /// The government approval reference; required for a guidance fund (210号 Art. 17).
        government_approval_ref: Option<String>,
    },
    /// Record that liquidation is complete and the fund is closed.
    CloseFund {
        /// The day the fund closed.
        closed_on: NaiveDate,
        /// Today, from the caller's clock: a fund cannot be closed in the future.
        today: NaiveDate,
    },
    /// Record every phase change due on or before `today` not yet recorded (the scheduler's
    /// command; recording twice records nothing more).
    RecordPhaseChanges {
        /// Today, from the caller's clock.
        today: NaiveDate,
    },
    /// Assess the management fee of a calendar year (Art. 7); once assessed, asking again
    /// records nothing more.
    AssessFee {
        /// The fee year.
        year: i32,
        /// Today, from the caller's clock: a period is assessed after it ends.
        today: NaiveDate,
    },
    /// Declare a distribution to the LPs, pro rata to their paid-in capital.
    DeclareDistribution {
        /// The new distribution's id.
        distribution_id: DistributionId,
        /// The amount distributed.
        amount: Money,
        /// The declaration date.
        declared_on: NaiveDate,
    },
    /// The manager instructs an injection into a portfolio company (maker), in step with the
    /// company's paid-in ratio (Art. 11).
    InstructInjection {
        /// The new movement's id.
        movement_id: MovementId,
        /// The project invested in.
        project_id: ProjectId,
        /// How much.
        amount: Money,
        /// Its value date.
        value_date: NaiveDate,
        /// The project's required cumulative payment after its last paid-in report (Art. 11),
        /// looked up by the caller from the project stream. It never decreases, so a stale
        /// value is conservative.
        required_cumulative: Money,
        /// The fund's commitment to the company (the investment agreement's).
        commitment: Money,
    },
    /// Record an exit from a portfolio company, partial or whole (Art. 16); a write-off has
    /// zero proceeds.
    RecordExit {
        /// The new exit's id.
        exit_id: ExitId,
        /// The project exited.
        project_id: ProjectId,
        /// What the buyer pays (zero for a write-off).
        proceeds: Money,
        /// The investment cost the exit releases.
        cost_released: Money,
        /// The day of the exit: the cost basis falls from that day.
        on: NaiveDate,
        /// The committee resolution deciding the exit plan (Art. 14, 16), checked by the
        /// caller.
        resolution_id: ResolutionId,
    },
    /// Declare that an LP of this fund is a guidance fund administered here: its subscription
    /// and payments here are that fund's commitment and injections, seen from this side.
    LinkLp {
        /// The LP.
        lp: LpId,
        /// The guidance fund it is.
        fund: FundId,
    },
    /// Record an exit from a sub-fund (a guidance fund's commitment): as `RecordExit`, with
    /// the fund's profit concession (让利, SPEC §10), if its policy grants one, applied to the
    /// proceeds: the share of the excess return conceded to the other investors is not the
    /// fund's. Never a guarantee: a loss concedes nothing.
    RecordSubFundExit {
        /// The new exit's id.
        exit_id: ExitId,
        /// The sub-fund project exited.
        project_id: ProjectId,
        /// The guidance fund's share of the distribution before any concession.
        proceeds: Money,
        /// The cost of the commitment the exit releases.
        cost_released: Money,
        /// The day of the exit.
        on: NaiveDate,
        /// The committee resolution deciding the exit plan, checked by the caller.
        resolution_id: ResolutionId,
    },
}
