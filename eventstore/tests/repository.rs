//! The repository over a pure aggregate, against the real PostgreSQL: upcasting on load,
//! stale caches in several processes, refusals, `If-Match`, idempotent retries.

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
