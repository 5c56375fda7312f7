//! The repository over a pure aggregate, against the real PostgreSQL: upcasting on load,
//! stale caches in several processes, decisions on cached reads of other streams checked by
//! the append, refusals, `If-Match`, idempotent retries.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use domain::{Aggregate, DomainEvent, Rejection, UpcastError};
use eventstore::repository::{CommandContext, CommandError};
use eventstore::store::IdempotencyKey;
use eventstore::testkit::test_db;
use eventstore::{ExpectedVersion, Metadata, NewEvent, Repository, StreamAppend};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// A tally that refuses to go above a limit.
#[derive(Debug, Default, Clone)]
struct Tally {
    total: u64,
    currencies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
enum TallyEvent {
    /// Schema 2 added `currency`; schema 1 payloads are upcast with "CNY".
    Added { amount: u64, currency: String },
}

impl DomainEvent for TallyEvent {
    fn event_type(&self) -> &'static str {
        "Added"
    }
    fn schema_version(&self) -> i32 {
        2
    }
    fn upcast(
        event_type: &str,
        schema_version: i32,
        mut payload: serde_json::Value,
    ) -> Result<serde_json::Value, UpcastError> {
        match schema_version {
            1 => {
                payload["currency"] = json!("CNY");
                Ok(payload)
            }
            2 => Ok(payload),
            _ => Err(UpcastError {
                event_type: event_type.to_owned(),
                schema_version,
            }),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the tally would exceed 100")]
struct OverLimit;

impl Rejection for OverLimit {
    fn code(&self) -> &'static str {
        "over_limit"
    }
}

impl Aggregate for Tally {
    const STREAM_TYPE: &'static str = "tally";
    type Command = u64;
    type Event = TallyEvent;
    type Error = OverLimit;

    fn decide(&self, amount: &u64) -> Result<Vec<TallyEvent>, OverLimit> {
        if self.total + amount > 100 {
            return Err(OverLimit);
        }
        Ok(vec![TallyEvent::Added {
            amount: *amount,
            currency: "CNY".into(),
        }])
    }

    fn evolve(&mut self, TallyEvent::Added { amount, currency }: &TallyEvent) {
        self.total += amount;
        self.currencies.push(currency.clone());
    }
}

fn ctx() -> CommandContext {
    CommandContext::new(Metadata::new("manager:test", "manager"))
}

async fn events(db: &eventstore::testkit::TestDb) -> i64 {
    let c = db.pool.get().await.unwrap();
    c.query_one("SELECT count(*) FROM events", &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn old_schema_versions_are_upcast_on_load() {
    let db = test_db().await;
    // An event written by an older release, in schema 1 (no currency).
    db.store()
        .append(
            &[StreamAppend {
                stream_id: "t".into(),
                stream_type: "tally".into(),
                expected: ExpectedVersion::NoStream,
                known_head: None,
                events: vec![NewEvent {
                    event_id: Uuid::now_v7(),
                    event_type: "Added".into(),
                    schema_version: 1,
                    payload: json!({ "amount": 40 }),
                    metadata: json!({}),
                    effective_at: None,
                }],
            }],
            None,
        )
        .await
        .unwrap();
    let repo = Repository::<Tally>::new(db.store(), 10);
    let (state, version) = repo.load("t").await.unwrap();
    assert_eq!((state.total, version), (40, 1));
    assert_eq!(state.currencies, vec!["CNY".to_owned()]);
    // And the next command decides on the upcast state.
    let err = repo.execute("t", &61, &ctx()).await.unwrap_err();
    assert!(matches!(err, CommandError::Rejected(OverLimit)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_cache_in_another_process_never_decides() {
    let db = test_db().await;
    let a = Repository::<Tally>::new(db.store(), 10);
    let b = Repository::<Tally>::new(db.store(), 10);
    a.execute("t", &50, &ctx()).await.unwrap();
    b.execute("t", &10, &ctx()).await.unwrap(); // b caches total 60
    a.execute("t", &30, &ctx()).await.unwrap(); // a's cache is stale (50): reloads, 90
                                                // b's cache says 60, the log says 90: 20 more would pass on the cache, not on the log.
    let refused = b.execute("t", &20, &ctx()).await.unwrap_err();
    assert!(matches!(refused, CommandError::Rejected(OverLimit)));
    let ok = b.execute("t", &10, &ctx()).await.unwrap();
    assert_eq!(ok.stream_version, 4);
    assert_eq!(a.load("t").await.unwrap().0.total, 100);
    assert_eq!(events(&db).await, 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_or_a_wrong_if_match_writes_nothing() {
    let db = test_db().await;
    let repo = Repository::<Tally>::new(db.store(), 10);
    repo.execute("t", &10, &ctx()).await.unwrap();
    assert!(matches!(
        repo.execute("t", &500, &ctx()).await.unwrap_err(),
        CommandError::Rejected(OverLimit)
    ));
    let mut stale = ctx();
    stale.expected_version = Some(0);
    assert!(matches!(
        repo.execute("t", &1, &stale).await.unwrap_err(),
        CommandError::Conflict {
            expected: 0,
            actual: 1,
            ..
        }
    ));
    let mut current = ctx();
    current.expected_version = Some(1);
    assert_eq!(
        repo.execute("t", &1, &current)
            .await
            .unwrap()
            .stream_version,
        2
    );
    assert_eq!(events(&db).await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_after_success_gets_the_first_result_even_if_it_would_now_be_refused() {
    let db = test_db().await;
    let repo = Repository::<Tally>::new(db.store(), 10);
    let mut keyed = ctx();
    keyed.idempotency = Some(IdempotencyKey {
        key: "token:k1".into(),
        request_hash: [7; 32],
    });
    let first = repo.execute("t", &100, &keyed).await.unwrap();
    assert!(!first.replayed);
    // Deciding again would refuse (100 + 100 > 100); the key answers the first result.
    let again = repo.execute("t", &100, &keyed).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.result, first.result);
    assert_eq!(again.stream_version, 1);
    assert_eq!(events(&db).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_decision_on_a_cached_read_of_a_stream_that_moved_writes_nothing() {
    let db = test_db().await;
    let a = Repository::<Tally>::new(db.store(), 10);
    let b = Repository::<Tally>::new(db.store(), 10);
    a.execute("budget", &10, &ctx()).await.unwrap();
    // `a` decides on its cached budget, read without a round trip...
    let read = a.snapshot("budget", false).await.unwrap();
    assert!(read.cached);
    assert_eq!((read.state.total, read.version), (10, 1));
    // ...while another process moves it: nothing is written, the conflict names the budget.
    b.execute("budget", &5, &ctx()).await.unwrap();
    let moved = a
        .execute_checked("t", &1, &ctx(), &[read.check()])
        .await
        .unwrap_err();
    assert!(
        matches!(&moved, CommandError::Conflict { stream_id, expected: 1, actual: 2 } if stream_id == "budget"),
        "{moved:?}"
    );
    assert_eq!(events(&db).await, 2);
    // Read afresh, the decision goes through; so does one on a cached read still current.
    let read = a.snapshot("budget", true).await.unwrap();
    assert!(!read.cached);
    assert_eq!((read.state.total, read.version), (15, 2));
    let done = a
        .execute_checked("t", &1, &ctx(), &[read.check()])
        .await
        .unwrap();
    assert_eq!(done.stream_version, 1);
    assert_eq!(done.state.unwrap().total, 1);
    let cached = a.snapshot("budget", false).await.unwrap();
    assert!(cached.cached);
    assert_eq!(cached.version, 2);
    let done = a
        .execute_checked("t", &2, &ctx(), &[cached.check()])
        .await
        .unwrap();
    assert_eq!((done.stream_version, done.state.unwrap().total), (2, 3));
    assert_eq!(events(&db).await, 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_decisions_commit_only_on_the_version_they_read() {
    let db = test_db().await;
    let readers = std::sync::Arc::new(Repository::<Tally>::new(db.store(), 1000));
    let writer = Repository::<Tally>::new(db.store(), 10);
    readers.execute("budget", &1, &ctx()).await.unwrap();
    // Eight tasks decide on their cached budget, each command recording the budget's version
    // it read as its amount, while another process moves the budget twenty times.
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let readers = readers.clone();
            tokio::spawn(async move {
                let mut committed = 0;
                for n in 0..20 {
                    let read = readers.snapshot("budget", n % 2 == 0).await.unwrap();
                    let stream = format!("t-{task}-{n}");
                    let amount = u64::try_from(read.version).unwrap();
                    match readers
                        .execute_checked(&stream, &amount, &ctx(), &[read.check()])
                        .await
                    {
                        Ok(_) => committed += 1,
                        Err(CommandError::Conflict { stream_id, .. }) => {
                            assert_eq!(stream_id, "budget");
                        }
                        Err(e) => panic!("{e}"),
                    }
                }
                committed
            })
        })
        .collect();
    for _ in 0..20 {
        writer.execute("budget", &0, &ctx()).await.unwrap();
    }
    let mut committed = 0;
    for t in tasks {
        committed += t.await.unwrap();
    }
    assert!(committed > 0);
    // Every command committed while the budget was at the version it read: as many budget
    // events precede it in the log as its amount says.
    let c = db.pool.get().await.unwrap();
    let rows = c
        .query(
            "SELECT (payload->>'amount')::int8, \
             (SELECT count(*) FROM events b WHERE b.stream_id = 'budget' \
              AND b.global_position < e.global_position) \
             FROM events e WHERE e.stream_id LIKE 't-%'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), committed);
    for row in rows {
        assert_eq!(row.get::<_, i64>(0), row.get::<_, i64>(1));
    }
}

#[test]
fn decoding_from_text_upcasts_exactly_when_decoding_a_recorded_event_does() {
    // `Tally` keeps the default `reads_as_stored` (never): both paths upcast schema 1.
    let id = Uuid::now_v7();
    let v1 = eventstore::types::decode_text::<TallyEvent>(id, "Added", 1, r#"{"amount":7}"#);
    let v2 = eventstore::types::decode_text::<TallyEvent>(
        id,
        "Added",
        2,
        r#"{"amount":7,"currency":"USD"}"#,
    );
    let cny = TallyEvent::Added {
        amount: 7,
        currency: "CNY".into(),
    };
    assert_eq!(v1.unwrap(), cny);
    assert_eq!(
        v2.unwrap(),
        TallyEvent::Added {
            amount: 7,
            currency: "USD".into()
        }
    );
    // An unknown schema version is the upcaster's error, a wrong payload serde's.
    let v3 = eventstore::types::decode_text::<TallyEvent>(id, "Added", 3, r#"{"amount":7}"#);
    assert!(matches!(v3, Err(eventstore::types::DecodeError::Upcast(_))));
    let bad = eventstore::types::decode_text::<TallyEvent>(id, "Added", 2, r#"{"amount":"x"}"#);
    assert!(
        matches!(bad, Err(eventstore::types::DecodeError::Payload { event_id, .. }) if event_id == id)
    );
}

#[test]
fn a_domain_event_is_read_from_text_as_stored() {
    use domain::fund::FundEvent;
    // Domain events are schema 1 and read as stored; other versions go to the upcaster,
    // which has none and refuses them.
    assert!(FundEvent::reads_as_stored("FundEstablished", 1));
    assert!(!FundEvent::reads_as_stored("FundEstablished", 2));
    let v2 = eventstore::types::decode_text::<FundEvent>(Uuid::now_v7(), "TermExtended", 2, "{}");
    assert!(matches!(v2, Err(eventstore::types::DecodeError::Upcast(_))));
}
