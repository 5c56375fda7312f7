//! A fund's investment committee (SPEC §4, Art. 14): who holds each voting seat and who
//! observes. One aggregate per fund (stream `committee-<fund id>`), apart from the fund's own
//! stream so that appointments and capital commands never contend.
//!
//! The seats and their appointing bodies come from the fund's policy (default 5 seats: 科创办
//! (人才办), 财政局, 科技局 and two for 工研院); the manager records each appointment the body
//! makes. Re-appointing a seat replaces its member for the resolutions opened afterwards: a
//! resolution copies the committee as it stands when it is opened. A person holds one seat at
//! most; observers never vote.

use crate::{Aggregate, DomainEvent, FundId, MemberId, ObserverId, Rejection};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest name, in characters.
const MAX_NAME: usize = 200;

/// The committee's stream id for a fund.
pub fn stream_id(fund: FundId) -> String {
    format!("committee-{fund}")
}

/// A seat's member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// The member.
    pub member: MemberId,
    /// Their name.
    pub name: String,
    /// The appointing body.
    pub body: String,
    /// Since when.
    pub since: NaiveDate,
}

/// An observer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observer {
    /// Their name.
    pub name: String,
    /// The body they come from (e.g. 昆山开发区).
    pub body: String,
}

/// The committee as it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committee {
    /// The fund, once anything was recorded.
    pub fund: Option<FundId>,
    /// Each held seat's member.
    pub seats: BTreeMap<u32, Appointment>,
    /// The observers.
    pub observers: BTreeMap<ObserverId, Observer>,
}

/// Commands on a committee. The seats' bodies come from the fund's policy, looked up by the
/// caller.
#[derive(Debug, Clone)]
pub enum CommitteeCommand {
    /// Record that a body appointed a member to a seat.
    AppointMember {
        /// The fund.
        fund_id: FundId,
        /// The appointing body of each seat (from the policy), seat 1 first.
        seat_bodies: Vec<String>,
        /// The seat, 1-based.
        seat: u32,
        /// The member.
        member: MemberId,
        /// Their name.
        name: String,
        /// Since when.
        appointed_on: NaiveDate,
    },
    /// Record an observer.
    AppointObserver {
        /// The fund.
        fund_id: FundId,
        /// The observer.
        observer: ObserverId,
        /// Their name.
        name: String,
        /// Their body.
        body: String,
    },
}

/// Events of a committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum CommitteeEvent {
    /// A member was appointed to a seat.
    MemberAppointed {
        /// The fund.
        fund_id: FundId,
        /// The seat.
        seat: u32,
        /// The appointment.
        #[serde(flatten)]
        appointment: Appointment,
        /// The member it replaces, if the seat was held.
        replaces: Option<MemberId>,
    },
    /// An observer was recorded.
    ObserverAppointed {
        /// The fund.
        fund_id: FundId,
        /// The observer.
        observer: ObserverId,
        /// Who.
        #[serde(flatten)]
        details: Observer,
    },
}

impl DomainEvent for CommitteeEvent {
    // No upcasters (the default `upcast`): every payload is schema version 1.
    fn reads_as_stored(_event_type: &str, schema_version: i32) -> bool {
        crate::aggregate::reads_version_1_as_stored(schema_version)
    }

    fn event_type(&self) -> &'static str {
        match self {
            CommitteeEvent::MemberAppointed { .. } => "MemberAppointed",
            CommitteeEvent::ObserverAppointed { .. } => "ObserverAppointed",
        }
    }

    fn effective_date(&self) -> Option<NaiveDate> {
        match self {
            CommitteeEvent::MemberAppointed { appointment, .. } => Some(appointment.since),
            CommitteeEvent::ObserverAppointed { .. } => None,
        }
    }
}

/// Why a committee command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitteeError {
    /// The committee belongs to another fund.
    #[error("this committee belongs to another fund")]
    OtherFund,
    /// No such seat in the fund's policy.
    #[error("the committee has no seat {0}")]
    NoSuchSeat(u32),
    /// A blank or too long name or body.
    #[error("the {0} must have 1 to {MAX_NAME} characters")]
    InvalidName(&'static str),
    /// The member already holds another seat.
    #[error("this member already holds seat {0}")]
    HoldsAnotherSeat(u32),
    /// An appointment dated before the seat's current one.
    #[error("the seat's current appointment dates from {0}")]
    AppointmentOutOfOrder(NaiveDate),
    /// The person is already an observer, or a member cannot also observe.
    #[error("this observer is already recorded")]
    ObserverExists,
}

impl Rejection for CommitteeError {
    fn code(&self) -> &'static str {
        match self {
            CommitteeError::OtherFund => "committee_of_another_fund",
            CommitteeError::NoSuchSeat(_) => "no_such_seat",
            CommitteeError::InvalidName(_) => "invalid_name",
            CommitteeError::HoldsAnotherSeat(_) => "member_holds_another_seat",
            CommitteeError::AppointmentOutOfOrder(_) => "appointment_out_of_order",
            CommitteeError::ObserverExists => "observer_already_appointed",
        }
    }

    fn rule(&self) -> Option<&'static str> {
        match self {
            CommitteeError::NoSuchSeat(_) | CommitteeError::HoldsAnotherSeat(_) => Some("Art. 14"),
            _ => None,
        }
    }
}

fn name(value: &str, what: &'static str) -> Result<String, CommitteeError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_NAME {
        return Err(CommitteeError::InvalidName(what));
    }
    Ok(value.to_owned())
}

impl Committee {
    fn same_fund(&self, fund: FundId) -> Result<(), CommitteeError> {
        match self.fund {
            Some(f) if f != fund => Err(CommitteeError::OtherFund),
            _ => Ok(()),
        }
    }
}

impl Aggregate for Committee {
    const STREAM_TYPE: &'static str = "committee";
    type Command = CommitteeCommand;
    type Event = CommitteeEvent;
    type Error = CommitteeError;

    fn decide(&self, command: &CommitteeCommand) -> Result<Vec<CommitteeEvent>, CommitteeError> {
        match command {
            CommitteeCommand::AppointMember {
                fund_id,
                seat_bodies,
                seat,
                member,
                name: member_name,
                appointed_on,
            } => {
                self.same_fund(*fund_id)?;
                let body = seat_bodies
                    .get((*seat as usize).wrapping_sub(1))
                    .filter(|_| *seat >= 1)
                    .ok_or(CommitteeError::NoSuchSeat(*seat))?;
                let member_name = name(member_name, "member's name")?;
                if let Some((other, _)) = self
                    .seats
                    .iter()
                    .find(|(s, a)| a.member == *member && *s != seat)
                {
                    return Err(CommitteeError::HoldsAnotherSeat(*other));
                }
                let current = self.seats.get(seat);
                if let Some(a) = current {
                    if a.member == *member {
                        return Ok(Vec::new());
                    }
                    if *appointed_on < a.since {
                        return Err(CommitteeError::AppointmentOutOfOrder(a.since));
                    }
                }
                Ok(vec![CommitteeEvent::MemberAppointed {
                    fund_id: *fund_id,
                    seat: *seat,
                    appointment: Appointment {
                        member: *member,
                        name: member_name,
                        body: body.clone(),
                        since: *appointed_on,
                    },
                    replaces: current.map(|a| a.member),
                }])
            }
            CommitteeCommand::AppointObserver {
                fund_id,
                observer,
                name: observer_name,
                body,
            } => {
                self.same_fund(*fund_id)?;
                if self.observers.contains_key(observer) {
                    return Err(CommitteeError::ObserverExists);
                }
                Ok(vec![CommitteeEvent::ObserverAppointed {
                    fund_id: *fund_id,
                    observer: *observer,
                    details: Observer {
                        name: name(observer_name, "observer's name")?,
                        body: name(body, "observer's body")?,
                    },
                }])
            }
        }
    }

    fn evolve(&mut self, event: &CommitteeEvent) {
        match event {
            CommitteeEvent::MemberAppointed {
                fund_id,
                seat,
                appointment,
                ..
            } => {
                self.fund = Some(*fund_id);
                self.seats.insert(*seat, appointment.clone());
            }
            CommitteeEvent::ObserverAppointed {
                fund_id,
                observer,
                details,
            } => {
                self.fund = Some(*fund_id);
                self.observers.insert(*observer, details.clone());
            }
        }
    }
}
