//! The fund aggregate driven by random sequences of all fifteen of its commands.
//!
//! Ids come from small pools (4 LPs, 3 calls, 10 movements, 3 distributions, 3 projects, 4
//! exits) so that commands meet what earlier ones created; amounts and days are resolved
//! against the state ([`super::support::Amt`], [`super::support::Day`] around the
//! establishment date and the phase boundaries). Most sequences start with a prelude that
//! establishes a fund, fills and calls its first tranche and has two LPs pay, so that the
//! later commands (injections, exits, distributions, fees, closing) are reached often. The
//! invariants are in [`super::fund_check`]; the scheduler's commands (phase changes, fee
//! assessments) and linking an LP, asked again, record nothing more.

use super::fund_check;
use super::fund_command::command;
use super::support::{amt, config, day, id, text, Amt, Day, Stream};
use domain::fund::capital::LpKind;
use domain::fund::{Fund, FundCommand, FundKind};
use proptest::prelude::*;

/// A policy to establish with.
#[derive(Debug, Clone, Copy)]
pub enum Policy {
    /// The SPEC's defaults (36 + 60 months).
    Default,
    /// One month of investment, one of exit: the phases pass quickly.
    Short,
    /// A profit concession of `share` percent, capped at `cap` yuan (guidance funds).
    Concession(i64, Option<i64>),
    /// Unusable: zero months, a rate above 100% or a day-count basis of zero.
    Broken(u8),
}

/// What a movement pays, by pool numbers.
#[derive(Debug, Clone, Copy)]
pub enum Pays {
    /// Call and LP.
    Lp(u8, u8),
    /// Fee year, from the establishment's year.
    Fee(i32),
    /// Distribution and LP.
    Distribution(u8, u8),
    /// Project (refused: injections have their own command).
    Injection(u8),
    /// Exit.
    Proceeds(u8),
}

/// A movement to confirm or a project to exit: one that exists (pending, invested in), or
/// one of the pool.
#[derive(Debug, Clone, Copy)]
pub enum Pick {
    /// The one at this index (modulo) among those that exist, if any; else of the pool.
    Existing(u8),
    /// This one of the pool.
    Id(u8),
}

impl Pick {
    /// The id picked among `existing`.
    pub fn among<T: Copy>(self, existing: &[T], make: impl Fn(uuid::Uuid) -> T) -> T {
        match self {
            Pick::Existing(i) if !existing.is_empty() => existing[usize::from(i) % existing.len()],
            Pick::Existing(n) | Pick::Id(n) => make(id(n)),
        }
    }
}

fn pick(pool: u8) -> impl Strategy<Value = Pick> {
    prop_oneof![4 => any::<u8>().prop_map(Pick::Existing), 1 => (1..=pool).prop_map(Pick::Id)]
}

/// A fund command, with amounts and days still to resolve against the state: each `Amt`
/// against what the command can spend (`fund_command`), each `Day` around the fund's dates;
/// `AssessFee`'s year is from the establishment's year (beyond ±100: absolute).
#[derive(Debug, Clone)]
pub enum Op {
    Establish {
        kind: FundKind,
        size: Amt,
        on: Day,
        names: [String; 4],
        policy: Policy,
    },
    OpenTranche {
        skip: i8,
        size: Amt,
        on: Day,
    },
    Subscribe {
        tranche: u32,
        lp: u8,
        rename: Option<String>,
        kind: Option<LpKind>,
        amount: Amt,
    },
    Call {
        call: u8,
        tranches: Vec<u32>,
        amount: Amt,
        on: Day,
        due_in: i32,
    },
    Instruct {
        mv: u8,
        pays: Pays,
        amount: Amt,
        on: Day,
    },
    Confirm {
        mv: Pick,
        on: Day,
    },
    Extend {
        months: u32,
        resolution: String,
        on: Day,
        approval: Option<String>,
    },
    Close {
        on: Day,
        later: i32,
    },
    RecordPhases {
        today: Day,
    },
    AssessFee {
        year: i32,
        today: Day,
    },
    Link {
        lp: u8,
        fund: u8,
    },
    Distribute {
        dist: u8,
        amount: Amt,
        on: Day,
    },
    Inject {
        mv: u8,
        project: u8,
        amount: Amt,
        on: Day,
        required: Amt,
        commitment: Amt,
    },
    Exit {
        sub_fund: bool,
        exit: u8,
        project: Pick,
        proceeds: Amt,
        cost: Amt,
        on: Day,
        resolution: u8,
    },
}

fn policy_choice() -> impl Strategy<Value = Policy> {
    prop_oneof![
        5 => Just(Policy::Default),
        3 => Just(Policy::Short),
        2 => (0i64..=100, prop::option::of(0i64..=1_000_000)).prop_map(|(s, c)| Policy::Concession(s, c)),
        1 => (0u8..3).prop_map(Policy::Broken),
    ]
}

fn pays() -> impl Strategy<Value = Pays> {
    prop_oneof![
        4 => (1u8..=3, 1u8..=4).prop_map(|(c, l)| Pays::Lp(c, l)),
        2 => (-1i32..=10).prop_map(Pays::Fee),
        2 => (1u8..=3, 1u8..=4).prop_map(|(d, l)| Pays::Distribution(d, l)),
        1 => (1u8..=3).prop_map(Pays::Injection),
        2 => (1u8..=4).prop_map(Pays::Proceeds),
    ]
}

fn names() -> impl Strategy<Value = [String; 4]> {
    let valid = Just(
        [
            "昆山市天使投资基金",
            "昆山创业投资管理有限公司",
            "中国工商银行昆山分行",
            "昆山",
        ]
        .map(str::to_owned),
    );
    prop_oneof![9 => valid, 1 => [text(), text(), text(), text()]]
}

fn op() -> impl Strategy<Value = Op> {
    let kind = prop_oneof![Just(FundKind::Angel), Just(FundKind::Guidance)];
    let lp_kinds = prop::option::weighted(
        0.1,
        prop_oneof![
            Just(LpKind::StateOwned),
            Just(LpKind::GuidanceFund),
            Just(LpKind::Other)
        ],
    );
    prop_oneof![
        1 => (kind, amt(), day(), names(), policy_choice())
            .prop_map(|(kind, size, on, names, policy)| Op::Establish { kind, size, on, names, policy }),
        3 => (prop_oneof![8 => Just(0i8), 1 => -1i8..=1], amt(), day())
            .prop_map(|(skip, size, on)| Op::OpenTranche { skip, size, on }),
        5 => (0u32..=4, 1u8..=4, prop::option::weighted(0.1, text()), lp_kinds, amt())
            .prop_map(|(tranche, lp, rename, kind, amount)| Op::Subscribe { tranche, lp, rename, kind, amount }),
        4 => (1u8..=3, prop::collection::vec(0u32..=4, 0..=3), amt(), day(), -1i32..=60)
            .prop_map(|(call, tranches, amount, on, due_in)| Op::Call { call, tranches, amount, on, due_in }),
        8 => (1u8..=10, pays(), amt(), day()).prop_map(|(mv, pays, amount, on)| Op::Instruct { mv, pays, amount, on }),
        6 => (pick(10), day())
            .prop_map(|(mv, on)| Op::Confirm { mv, on }),
        1 => (prop_oneof![Just(0u32), Just(1), Just(12), Just(u32::MAX)], text(), day(), prop::option::weighted(0.8, text()))
            .prop_map(|(months, resolution, on, approval)| Op::Extend { months, resolution, on, approval }),
        2 => (day(), -1i32..=30).prop_map(|(on, later)| Op::Close { on, later }),
        2 => day().prop_map(|today| Op::RecordPhases { today }),
        3 => (prop_oneof![9 => -1i32..=10, 1 => prop_oneof![Just(i32::MIN), Just(i32::MAX), Just(262_143)]], day())
            .prop_map(|(year, today)| Op::AssessFee { year, today }),
        2 => (prop_oneof![3 => Just(4u8), 1 => 1u8..=3], 1u8..=2).prop_map(|(lp, fund)| Op::Link { lp, fund }),
        2 => (1u8..=3, amt(), day()).prop_map(|(dist, amount, on)| Op::Distribute { dist, amount, on }),
        5 => (1u8..=10, 1u8..=3, amt(), day(), amt(), amt())
            .prop_map(|(mv, project, amount, on, required, commitment)| Op::Inject { mv, project, amount, on, required, commitment }),
        4 => (any::<bool>(), 1u8..=4, pick(3), amt(), amt(), day(), 1u8..=2)
            .prop_map(|(sub_fund, exit, project, proceeds, cost, on, resolution)| Op::Exit { sub_fund, exit, project, proceeds, cost, on, resolution }),
    ]
}

/// Establish a fund of 300,000,000 (or of the largest size), open tranche 1 of 100,000,000,
/// subscribe it in full (LPs 1, 2, 4 and 3; LP 4 is a guidance fund), call it in full and have
/// LPs 1 and 2 pay (movements 9 and 10).
fn prelude() -> impl Strategy<Value = Vec<Op>> {
    let kind = prop_oneof![Just(FundKind::Angel), Just(FundKind::Guidance)];
    let policy = prop_oneof![
        Just(Policy::Default),
        Just(Policy::Short),
        Just(Policy::Concession(20, None))
    ];
    // 300,000,000 mostly, sometimes the largest size accepted (the later tranches can be
    // huge: the allocation's arithmetic beyond i128).
    let size = prop_oneof![3 => Just(Amt::Room(0)), 1 => Just(Amt::Max)];
    (kind, policy, size).prop_map(|(kind, policy, size)| {
        let at = Day::At(0, 0);
        let subscribe = |lp, amount| Op::Subscribe {
            tranche: 1,
            lp,
            rename: None,
            kind: None,
            amount,
        };
        let pay = |mv, lp| Op::Instruct {
            mv,
            pays: Pays::Lp(1, lp),
            amount: Amt::Room(0),
            on: at,
        };
        vec![
            Op::Establish {
                kind,
                size,
                on: at,
                names: names_valid(),
                policy,
            },
            Op::OpenTranche {
                skip: 0,
                size: Amt::Fen(10_000_000_000),
                on: at,
            },
            subscribe(1, Amt::Fen(5_000_000_000)),
            subscribe(2, Amt::Fen(3_000_000_000)),
            subscribe(4, Amt::Fen(1_000_000_000)),
            subscribe(3, Amt::Room(0)),
            Op::Call {
                call: 1,
                tranches: vec![1],
                amount: Amt::Room(0),
                on: at,
                due_in: 30,
            },
            pay(9, 1),
            Op::Confirm {
                mv: Pick::Id(9),
                on: at,
            },
            pay(10, 2),
            Op::Confirm {
                mv: Pick::Id(10),
                on: at,
            },
        ]
    })
}

fn names_valid() -> [String; 4] {
    [
        "昆山市天使投资基金",
        "昆山创业投资管理有限公司",
        "中国工商银行昆山分行",
        "昆山",
    ]
    .map(str::to_owned)
}

/// A random establishment, valid or not.
fn establish() -> impl Strategy<Value = Vec<Op>> {
    let kind = prop_oneof![Just(FundKind::Angel), Just(FundKind::Guidance)];
    (kind, amt(), day(), names(), policy_choice()).prop_map(|(kind, size, on, names, policy)| {
        vec![Op::Establish {
            kind,
            size,
            on,
            names,
            policy,
        }]
    })
}

/// The prelude (mostly), a random establishment, or nothing, then up to 60 commands.
fn ops() -> impl Strategy<Value = Vec<Op>> {
    let start = prop_oneof![6 => prelude(), 3 => establish(), 1 => Just(Vec::new())];
    (start, prop::collection::vec(op(), 1..=60)).prop_map(|(start, ops)| {
        let mut all = start;
        all.extend(ops);
        all
    })
}

proptest! {
    #![proptest_config(config(1000))]

    /// No command panics, the log replays to the same state, and the fund's invariants hold
    /// after every step.
    #[test]
    fn fund_invariants_hold_after_every_command(ops in ops()) {
        let mut stream = Stream::<Fund>::new();
        for op in &ops {
            let command = command(op, &stream.state);
            let before = stream.state.clone();
            let events = stream.apply(&command).unwrap_or_default();
            fund_check::step(&before, &stream.state, &command, &events, &stream.events);
            if matches!(command, FundCommand::RecordPhaseChanges { .. } | FundCommand::AssessFee { .. } | FundCommand::LinkLp { .. }) {
                stream.retry_records_nothing(&command);
            }
        }
    }
}
