//! The pure fund-administration model: values, aggregates, commands, events and rules.
//!
//! Nothing here performs I/O. An aggregate is a pair of pure functions over its state:
//! [`Aggregate::decide`] turns a command into events (or a [`Rejection`] naming the broken
//! rule) and [`Aggregate::evolve`] folds an event into the state. Facts the decision needs
//! from the outside world (today's date, ids) are looked up by the caller and put in the
//! command.
//!
//! # Layout
//! - [`aggregate`]: the [`Aggregate`], [`DomainEvent`] and [`Rejection`] traits the event store
//!   builds its repository on, and the given/when/then test helper.
//! - [`money`]: [`Money`], exact CNY amounts in fen.
//! - [`allocation`]: pro-rata splits to the fen that sum exactly (largest remainder, with a
//!   carry for successive capital calls).
//! - [`committee`]: investment committee resolutions: seats, votes, meetings, outcomes.
//! - [`eligibility`]: the seven conditions of a direct investment (Art. 13), condition by condition.
//! - [`investment`]: investment limits and prohibitions (Art. 10, 12, 20) and paid-in matching
//!   (Art. 11).
//! - [`guidance`]: guidance-fund rules (SPEC §9, §10): commitments to sub-funds, no guarantees,
//!   profit concession, loss tolerance, local reinvestment.
//! - [`project`]: a project in a fund's pipeline, from application to post-investment (Art. 15).
//! - [`fees`]: the management-fee engine (Art. 7): daily accrual, segments, assessment.
//! - [`exemption`]: liability exemption (尽职免责, Art. 22–23): a case per loss-making project,
//!   its procedural conditions evidenced from the event history, the attestations of the people
//!   covered and the competent authority's determination.
//! - [`performance`]: the performance figures of the reports (SPEC §8): NAV, gross and net
//!   IRR (XIRR, actual/365, exact decimal bisection), TVPI, DPI, RVPI and MOIC.
//! - [`report`]: the fund sections of a management report as of a period end (SPEC §8): a
//!   pure, deterministic fold of the events effective by that date.
//! - [`ids`]: typed identifiers such as [`FundId`].
//! - [`fund`]: the fund aggregate (establishment, capital, custody, phases, fees, distributions), its
//!   phases and its policy parameters.

pub mod aggregate;
pub mod allocation;
pub mod committee;
pub mod eligibility;
pub mod exemption;
pub mod fees;
pub mod fund;
pub mod guidance;
pub mod ids;
pub mod investment;
pub mod money;
pub mod performance;
pub mod project;
pub mod report;

pub use aggregate::{Aggregate, DomainEvent, Rejection, UpcastError};
pub use ids::{
    CallId, DistributionId, ExemptionCaseId, ExitId, FundId, LpId, MemberId, MovementId,
    ObserverId, ProjectId, ResolutionId,
};
pub use money::{Money, MoneyError};
