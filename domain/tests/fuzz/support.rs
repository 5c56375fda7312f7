//! What every aggregate's fuzz test shares: the step harness and the strategies for amounts,
//! days and texts, biased toward the edges.
//!
//! The harness ([`Stream`]) decides each command on the current state and, when it is
//! accepted, folds its events, after checking that each event survives the JSON round trip
//! the event store puts it through (and that its `type` tag is its [`DomainEvent::event_type`]);
//! it then replays the whole log from scratch and requires the same state: the decide/evolve
//! contract. A refusal must carry a code and a message. For the commands documented as
//! idempotent, [`Stream::retry_records_nothing`] asks again and requires that nothing more is
//! recorded.
//!
//! Amounts and days are drawn as *specifications* resolved against the state when the
//! command is built: [`Amt::Room`] is "exactly what is left, give or take a fen" for whatever
//! the command spends (a tranche's room, a call's uncalled capital, a due, the cash
//! available…), and [`Day::At`] is "a few days around one of the aggregate's own dates"
//! (establishment, phase boundaries, the last step…). That keeps a random sequence on the
//! boundaries the rules are about instead of far from them.

use chrono::{Days, NaiveDate};
use domain::money::MAX_YUAN;
use domain::{Aggregate, DomainEvent, Money, Rejection};
use proptest::prelude::*;
use proptest::test_runner::Config;
use std::fmt::Debug;
use uuid::Uuid;

/// The proptest configuration: `cases` cases (or `PROPTEST_CASES` when set), no regression
/// files written into the workspace.
pub fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// An aggregate's state and the log of every event it recorded.
#[derive(Debug)]
pub struct Stream<A: Aggregate> {
    /// The state folded step by step.
    pub state: A,
    /// Every event recorded, in order.
    pub events: Vec<A::Event>,
}

impl<A> Stream<A>
where
    A: Aggregate + PartialEq + Debug,
    A::Event: PartialEq,
{
    /// A stream with no events.
    pub fn new() -> Self {
        Stream {
            state: A::default(),
            events: Vec::new(),
        }
    }

    /// Decides `command` and folds the events it records; `None` when refused.
    pub fn apply(&mut self, command: &A::Command) -> Option<Vec<A::Event>> {
        let events = match self.state.decide(command) {
            Ok(events) => events,
            Err(refusal) => {
                assert!(!refusal.code().is_empty(), "a refusal without a code");
                assert!(
                    !refusal.to_string().is_empty(),
                    "a refusal without a message"
                );
                return None;
            }
        };
        for event in &events {
            round_trip(event);
            self.state.evolve(event);
        }
        self.events.extend(events.iter().cloned());
        assert_eq!(
            A::replay(&self.events),
            self.state,
            "replaying the log from scratch gives another state"
        );
        Some(events)
    }

    /// Asks `command` again, as a retry would: for the commands documented as idempotent,
    /// it records nothing more (it may be refused).
    pub fn retry_records_nothing(&self, command: &A::Command) {
        if let Ok(events) = self.state.decide(command) {
            assert!(events.is_empty(), "asked again, it recorded {events:?}");
        }
    }
}

/// The event as the store writes and reads it: JSON tagged with its type.
fn round_trip<E: DomainEvent + PartialEq>(event: &E) {
    let json =
        serde_json::to_value(event).unwrap_or_else(|e| panic!("{event:?} does not serialize: {e}"));
    assert_eq!(
        json.get("type").and_then(|t| t.as_str()),
        Some(event.event_type()),
        "the stored type tag is not the event type"
    );
    let back: E = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("the stored {json} does not read back: {e}"));
    assert_eq!(&back, event, "the event changes through the store");
}

/// The id numbered `n` of a small pool (so that commands hit existing things).
pub fn id(n: u8) -> Uuid {
    Uuid::from_u128(u128::from(n))
}

/// An amount, resolved against what the command can spend (its room).
#[derive(Debug, Clone, Copy)]
pub enum Amt {
    /// The room, plus this many fen (−1, 0 or +1).
    Room(i64),
    /// Half the room, rounded down to the fen.
    Half,
    /// This many fen (0, 1 or anything).
    Fen(i64),
    /// The largest amount the system accepts.
    Max,
    /// Minus this many fen.
    Neg(i64),
}

impl Amt {
    /// The amount with `room` to spend, within ±[`MAX_YUAN`] (what the API can parse).
    pub fn of(self, room: Money) -> Money {
        let max = Money::from_yuan(MAX_YUAN);
        let amount = match self {
            Amt::Room(fen) => room + Money::from_fen(fen),
            Amt::Half => Money::from_fen(i64::try_from(room.fen() / 2).unwrap_or(i64::MAX)),
            Amt::Fen(fen) => Money::from_fen(fen),
            Amt::Max => Money::from_yuan(MAX_YUAN),
            Amt::Neg(fen) => Money::from_fen(-fen),
        };
        amount.clamp(Money::ZERO - max, max)
    }
}

/// Amounts on the room, at zero and a fen, anywhere up to the limit, at it, and negative.
pub fn amt() -> impl Strategy<Value = Amt> {
    prop_oneof![
        8 => (-1i64..=1).prop_map(Amt::Room),
        2 => Just(Amt::Half),
        1 => prop_oneof![Just(0i64), Just(1)].prop_map(Amt::Fen),
        2 => (1i64..=100_000_000_000).prop_map(Amt::Fen),
        1 => Just(Amt::Max),
        1 => (1i64..=MAX_YUAN * 100).prop_map(Amt::Neg),
    ]
}

/// A day: a few days (or years) around one of the aggregate's anchor dates, or the ends of
/// the calendar.
#[derive(Debug, Clone, Copy)]
pub enum Day {
    /// This many days from the anchor with this index (modulo the anchors).
    At(u8, i32),
    /// The first day chrono knows.
    Min,
    /// The last day chrono knows.
    Max,
}

impl Day {
    /// The date among `anchors` (at least one).
    pub fn on(self, anchors: &[NaiveDate]) -> NaiveDate {
        match self {
            Day::At(anchor, offset) => shift(anchors[usize::from(anchor) % anchors.len()], offset),
            Day::Min => NaiveDate::MIN,
            Day::Max => NaiveDate::MAX,
        }
    }
}

/// `date` moved by `days`, or `date` itself beyond the calendar.
pub fn shift(date: NaiveDate, days: i32) -> NaiveDate {
    let n = Days::new(u64::from(days.unsigned_abs()));
    if days >= 0 {
        date.checked_add_days(n)
    } else {
        date.checked_sub_days(n)
    }
    .unwrap_or(date)
}

/// Days on the anchors (±2), around them (±400), far (±4000) or at the calendar's ends.
pub fn day() -> impl Strategy<Value = Day> {
    prop_oneof![
        6 => (any::<u8>(), -2i32..=2).prop_map(|(a, o)| Day::At(a, o)),
        3 => (any::<u8>(), -400i32..=400).prop_map(|(a, o)| Day::At(a, o)),
        1 => (any::<u8>(), -4000i32..=4000).prop_map(|(a, o)| Day::At(a, o)),
        1 => prop_oneof![Just(Day::Min), Just(Day::Max)],
    ]
}

/// Mostly forward from the anchors (the next step a few days later), sometimes back.
pub fn forward_day() -> impl Strategy<Value = Day> {
    prop_oneof![
        8 => (any::<u8>(), 0i32..=30).prop_map(|(a, o)| Day::At(a, o)),
        2 => (any::<u8>(), -30i32..=-1).prop_map(|(a, o)| Day::At(a, o)),
        1 => day(),
    ]
}

/// Texts: ordinary names mostly, then blanks, the length limits (200, 2000) on either side,
/// unicode oddities and random printable text.
pub fn text() -> impl Strategy<Value = String> {
    let ordinary = [
        "昆山市天使投资基金",
        "财政局",
        "张伟",
        "Kunshan Angel Fund",
        "  前后有空格  ",
        "合伙人大会决议〔2029〕1号",
    ];
    let blank = ["", " ", "\t\n", "\u{3000}"];
    let odd = [
        "👩‍💻🚀",
        "e\u{301}\u{301}",
        "\u{202e}dnuf",
        "nul\0byte",
        "\u{feff}",
        "<script>",
    ];
    prop_oneof![
        8 => prop::sample::select(ordinary.to_vec()).prop_map(str::to_owned),
        1 => prop::sample::select(blank.to_vec()).prop_map(str::to_owned),
        1 => (prop::sample::select(vec!["a", "字"]), prop::sample::select(vec![200usize, 201, 2000, 2001]))
            .prop_map(|(c, n)| c.repeat(n)),
        1 => prop::sample::select(odd.to_vec()).prop_map(str::to_owned),
        1 => "\\PC{0,16}",
    ]
}
