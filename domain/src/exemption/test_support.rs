//! Helpers shared by the exemption tests: the ids, dates and amounts of the scenario
//! ([`super::scenario`]), the references a store would give to events, and the aggregates
//! run command by command.

use super::EventRef;
use crate::aggregate::given;
use crate::{Aggregate, DomainEvent, FundId, MemberId, Money, ProjectId, ResolutionId};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use uuid::Uuid;

/// The fund.
pub const FUND: FundId = FundId(Uuid::from_u128(0xE001));
/// The project.
pub const PROJECT: ProjectId = ProjectId(Uuid::from_u128(0xE002));
/// The resolution deciding the investment.
pub const DECISION: ResolutionId = ResolutionId(Uuid::from_u128(0xE003));
/// The exit plan's resolution.
pub const EXIT_PLAN: ResolutionId = ResolutionId(Uuid::from_u128(0xE004));

/// A date from `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Whole yuan.
pub fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

/// 10:00 in Kunshan on `day`, plus `minutes`.
pub fn at(day: &str, minutes: i64) -> DateTime<Utc> {
    d(day).and_hms_opt(2, 0, 0).unwrap().and_utc() + TimeDelta::minutes(minutes)
}

/// The committee member of seat `n`.
pub fn member(seat: u32) -> MemberId {
    MemberId(Uuid::from_u128(0xC000 + u128::from(seat)))
}

/// The store as the caller sees it: each appended event gets the next global position, the
/// next version in its stream, an id and a (fake) hash.
#[derive(Default)]
pub struct Store {
    position: i64,
    versions: std::collections::BTreeMap<String, i64>,
}

impl Store {
    /// Cites `events`, appended in order to stream `stream_id` of `stream_type`.
    pub fn append<E: DomainEvent>(
        &mut self,
        stream_type: &str,
        stream_id: &str,
        events: Vec<E>,
    ) -> Vec<(EventRef, E)> {
        let mut cited = Vec::new();
        for event in events {
            self.position += 1;
            let version = self.versions.entry(stream_id.to_owned()).or_default();
            *version += 1;
            let reference = EventRef {
                event_id: Uuid::from_u128(0xEE00_0000 + self.position as u128),
                stream_id: stream_id.to_owned(),
                stream_type: stream_type.to_owned(),
                version: *version,
                global_position: self.position,
                hash: format!("{:064x}", self.position as u128 * 0x9E37_79B9_7F4A_7C15),
                event_type: event.event_type().to_owned(),
                effective_date: event.effective_date(),
            };
            cited.push((reference, event));
        }
        cited
    }
}

/// Runs `command` on the aggregate whose history is `history`, appends its events to the
/// history and returns them; panics on a refusal.
pub fn run<A: Aggregate>(history: &mut Vec<A::Event>, command: &A::Command) -> Vec<A::Event>
where
    A::Command: std::fmt::Debug,
{
    let events = given::<A>(history)
        .when(command)
        .unwrap_or_else(|e| panic!("{command:?} refused: {e}"));
    history.extend(events.clone());
    events
}

/// The event types an outcome cites, in order.
pub fn cited(outcome: &super::ConditionOutcome) -> Vec<&str> {
    outcome
        .references
        .iter()
        .map(|r| r.event_type.as_str())
        .collect()
}

/// The references of `events` whose type is `event_type`.
pub fn refs_of<E>(events: &[(EventRef, E)], event_type: &str) -> Vec<EventRef> {
    let matching = events.iter().filter(|(r, _)| r.event_type == event_type);
    matching.map(|(r, _)| r.clone()).collect()
}
