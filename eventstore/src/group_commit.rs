//! One group-commit batch: the appends of several commands in one transaction, set-based,
//! in four round trips whatever the batch size, each command keeping its own idempotency
//! key, expected versions and outcome.
//!
//! 1. Claim the batch's idempotency keys and lock the heads of every stream it writes (in
//!    stream-id order, so concurrent batches cannot deadlock on them), then, for share, those
//!    of the streams its commands were decided on without writing them.
//! 2. Check each command in order against the heads, as moved by the commands before it:
//!    the streams it checks, then those it writes.
//! 3. Create the new streams of the commands still standing (a stream created meanwhile by
//!    another transaction makes its command a conflict).
//! 4. Move the heads, insert the events, store the keyed results, release what failed.

use crate::append::{Outcome, Prepared};
use crate::columns::EventColumns;
use crate::hash::GENESIS;
use crate::store::StoreError;
use crate::PgPool;
use std::collections::{HashMap, HashSet};

const CLAIM_KEYS: &str = "INSERT INTO command_results (idempotency_key, request_hash) \
     SELECT * FROM unnest($1::text[], $2::bytea[]) \
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key";

const LOCK_HEADS: &str = "SELECT stream_id, version, head_hash FROM streams \
     WHERE stream_id = ANY($1) ORDER BY stream_id FOR UPDATE";

/// The heads of streams read, not written: locked for share, so a writer of one of them waits
/// for this batch (and this batch for it) while readers do not wait for each other. Taken
/// after the exclusive locks, not in one order with them, so two concurrent batches can
/// deadlock (each writing a fund the other's project step read); PostgreSQL breaks it and
/// `write_batch` runs the batch again.
const SHARE_HEADS: &str = "SELECT stream_id, version, head_hash FROM streams \
     WHERE stream_id = ANY($1) ORDER BY stream_id FOR SHARE";

const CREATE_STREAMS: &str = "INSERT INTO streams (stream_id, stream_type, version, head_hash) \
     SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::bytea[]) \
     ON CONFLICT (stream_id) DO NOTHING RETURNING stream_id";

const WRITE: &str = "WITH up AS (
    UPDATE streams s SET version = u.version, head_hash = u.head
    FROM unnest($1::text[], $2::int8[], $3::bytea[]) AS u(id, version, head)
    WHERE s.stream_id = u.id
), gone AS (
    DELETE FROM streams WHERE stream_id = ANY($4::text[])
), ins AS (
    INSERT INTO events (event_id, stream_id, stream_type, stream_version, event_type,
                        schema_version, payload, metadata, effective_at, recorded_at, hash)
    SELECT * FROM unnest($5::uuid[], $6::text[], $7::text[], $8::int8[], $9::text[],
                         $10::int4[], $11::jsonb[], $12::jsonb[], $13::date[],
                         $14::timestamptz[], $15::bytea[])
    RETURNING event_id, global_position
), pos AS (
    SELECT m.cmd, min(i.global_position) AS first, max(i.global_position) AS last
    FROM ins i JOIN unnest($16::int4[], $5::uuid[]) AS m(cmd, id) ON m.id = i.event_id
    GROUP BY m.cmd
), res AS (
    UPDATE command_results c
    SET result = k.partial || jsonb_build_object('first_position', p.first,
                                                 'last_position', p.last)
    FROM unnest($17::text[], $18::jsonb[], $19::int4[]) AS k(key, partial, cmd)
    JOIN pos p ON p.cmd = k.cmd
    WHERE c.idempotency_key = k.key
), released AS (
    DELETE FROM command_results WHERE idempotency_key = ANY($20::text[])
)
SELECT cmd, first, last FROM pos";

/// Appends `batch` in one transaction; returns each command's outcome, in order.
pub(crate) async fn write(pool: &PgPool, batch: &[Prepared]) -> Result<Vec<Outcome>, StoreError> {
    let client = pool.get().await?;
    let result = write_in_transaction(&client, batch).await;
    if result.is_err() {
        // Whatever failed, leave no transaction open on a pooled connection.
        let _ = client.batch_execute("ROLLBACK").await;
    }
    result
}

/// The batch's transaction: BEGIN is pipelined with the first statements and COMMIT with
/// the last one, so the whole batch takes three round trips (four with new streams).
async fn write_in_transaction(
    tx: &deadpool_postgres::Client,
    batch: &[Prepared],
) -> Result<Vec<Outcome>, StoreError> {
    let claim_stmt = tx.prepare_cached(CLAIM_KEYS).await?;
    let lock_stmt = tx.prepare_cached(LOCK_HEADS).await?;
    let share_stmt = tx.prepare_cached(SHARE_HEADS).await?;
    let write_stmt = tx.prepare_cached(WRITE).await?;

    // 1. Claim keys and lock heads (pipelined: one round trip).
    // Keys are claimed in sorted order, like stream locks, so that two batches waiting on
    // each other's keys are rare (PostgreSQL breaks such a deadlock and the batch is retried).
    let mut claims: Vec<(&str, &[u8])> = batch
        .iter()
        .filter_map(|p| p.key.as_ref())
        .map(|k| (k.key.as_str(), &k.request_hash[..]))
        .collect();
    claims.sort_unstable();
    let (keys, hashes): (Vec<&str>, Vec<&[u8]>) = claims.into_iter().unzip();
    let mut stream_ids: Vec<&str> = batch
        .iter()
        .flat_map(|p| p.streams.ids.iter().map(String::as_str))
        .collect();
    stream_ids.sort_unstable();
    stream_ids.dedup();
    let mut checked_ids: Vec<&str> = batch
        .iter()
        .flat_map(|p| p.checks.ids.iter().map(String::as_str))
        .filter(|id| stream_ids.binary_search(id).is_err())
        .collect();
    checked_ids.sort_unstable();
    checked_ids.dedup();
    let begin = tx.batch_execute("BEGIN");
    let claim = async {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        tx.query(&claim_stmt, &[&keys, &hashes]).await
    };
    let lock = async { tx.query(&lock_stmt, &[&stream_ids]).await };
    let share = async {
        if checked_ids.is_empty() {
            return Ok(Vec::new());
        }
        tx.query(&share_stmt, &[&checked_ids]).await
    };
    let ((), claimed, locked, shared) = futures::try_join!(begin, claim, lock, share)?;
    let claimed: HashSet<&str> = claimed.iter().map(|r| r.get::<_, &str>(0)).collect();
    let mut taken: HashSet<&str> = HashSet::new();
    // Whether each command holds the key it claimed (to be released if it fails).
    let mut holds_key = vec![false; batch.len()];
    let mut heads: HashMap<&str, (i64, Vec<u8>)> = locked
        .iter()
        .chain(&shared)
        .map(|r| (r.get::<_, &str>(0), (r.get(1), r.get(2))))
        .collect();

    // 2. Check each command against the heads as the commands before it left them.
    let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(batch.len());
    for p in batch {
        if let Some(key) = &p.key {
            let k = key.key.as_str();
            if !claimed.contains(k) {
                // Committed earlier by another transaction: its result is the answer.
                outcomes.push(Some(Outcome::KeyExists));
                continue;
            }
            if !taken.insert(k) {
                // A second retry in this very batch: answered from the first after commit.
                outcomes.push(Some(conflict(p, -1)));
                continue;
            }
            holds_key[outcomes.len()] = true;
        }
        let failure =
            moved(&heads, &p.checks.ids, &p.checks.versions, &p.checks.heads).or_else(|| {
                let s = &p.streams;
                moved(&heads, &s.ids, &s.expected, &s.expected_heads)
            });
        if failure.is_none() {
            for i in 0..p.streams.ids.len() {
                heads.insert(
                    p.streams.ids[i].as_str(),
                    (p.streams.versions[i], p.streams.heads[i].clone()),
                );
            }
        }
        outcomes.push(failure);
    }

    // 3. Create the new streams of the commands still standing.
    let mut new = NewStreams::default();
    for (c, p) in batch.iter().enumerate() {
        if outcomes[c].is_some() {
            continue;
        }
        for i in 0..p.streams.ids.len() {
            if p.streams.expected[i] == 0 {
                new.push(c, p, i);
            }
        }
    }
    let mut release_streams: Vec<&str> = Vec::new();
    if !new.ids.is_empty() {
        let stmt = tx.prepare_cached(CREATE_STREAMS).await?;
        let created: HashSet<String> = tx
            .query(&stmt, &[&new.ids, &new.types, &new.versions, &new.heads])
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for (n, id) in new.ids.iter().enumerate() {
            let c = new.cmd[n];
            if !created.contains(id) && outcomes[c].is_none() {
                outcomes[c] = Some(Outcome::Conflict {
                    stream_id: id.clone(),
                    actual: -1,
                });
            }
        }
        for (n, id) in new.ids.iter().enumerate() {
            if outcomes[new.cmd[n]].is_some() && created.contains(id) {
                release_streams.push(id);
            }
        }
    }

    // 4. Move heads, insert events, store results, release what failed.
    let mut moved = (Vec::<&str>::new(), Vec::<i64>::new(), Vec::<&[u8]>::new());
    let mut events = EventColumns::default();
    let mut event_cmd: Vec<i32> = Vec::new();
    let mut results = (
        Vec::<&str>::new(),
        Vec::<&serde_json::Value>::new(),
        Vec::<i32>::new(),
    );
    let mut released_keys: Vec<&str> = Vec::new();
    for (c, p) in batch.iter().enumerate() {
        let cmd = c as i32 + 1;
        match &outcomes[c] {
            None => {
                for i in 0..p.streams.ids.len() {
                    if p.streams.expected[i] > 0 {
                        moved.0.push(&p.streams.ids[i]);
                        moved.1.push(p.streams.versions[i]);
                        moved.2.push(&p.streams.heads[i]);
                    }
                }
                events.extend(&p.events);
                event_cmd.extend(std::iter::repeat_n(cmd, p.events.event_ids.len()));
                if let Some(key) = &p.key {
                    results.0.push(&key.key);
                    results.1.push(&p.partial_result);
                    results.2.push(cmd);
                }
            }
            Some(_) => {
                if let (true, Some(key)) = (holds_key[c], &p.key) {
                    released_keys.push(&key.key);
                }
            }
        }
    }
    let write = async {
        tx.query(
            &write_stmt,
            &[
                &moved.0,
                &moved.1,
                &moved.2,
                &release_streams,
                &events.event_ids,
                &events.stream_ids,
                &events.stream_types,
                &events.versions,
                &events.event_types,
                &events.schema_versions,
                &events.payloads,
                &events.metadata,
                &events.effective_at,
                &events.recorded_at,
                &events.hashes,
                &event_cmd,
                &results.0,
                &results.1,
                &results.2,
                &released_keys,
            ],
        )
        .await
    };
    // If the write fails, PostgreSQL turns this COMMIT into a ROLLBACK.
    let (rows, ()) = futures::try_join!(write, tx.batch_execute("COMMIT"))?;

    let positions: HashMap<i32, (i64, i64)> = rows
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect();
    Ok(outcomes
        .into_iter()
        .enumerate()
        .map(|(c, o)| {
            o.unwrap_or_else(|| {
                let (first, last) = positions.get(&(c as i32 + 1)).copied().unwrap_or((0, 0));
                Outcome::Appended { first, last }
            })
        })
        .collect())
}

/// A conflict on the first of the streams `ids` whose head is not at the expected version
/// and hash (a version of 0 expects the stream absent).
fn moved(
    heads: &HashMap<&str, (i64, Vec<u8>)>,
    ids: &[String],
    versions: &[i64],
    expected_heads: &[Vec<u8>],
) -> Option<Outcome> {
    ids.iter()
        .zip(versions.iter().zip(expected_heads))
        .find_map(|(id, (&expected, expected_head))| {
            let (version, head) = heads
                .get(id.as_str())
                .map(|(v, h)| (*v, h.as_slice()))
                .unwrap_or((0, &GENESIS[..]));
            (version != expected || (expected > 0 && head != expected_head.as_slice())).then(|| {
                Outcome::Conflict {
                    stream_id: id.clone(),
                    actual: version,
                }
            })
        })
}

fn conflict(p: &Prepared, actual: i64) -> Outcome {
    Outcome::Conflict {
        stream_id: p.streams.ids.first().cloned().unwrap_or_default(),
        actual,
    }
}

/// Streams to create, with the command (index in the batch) each belongs to.
#[derive(Default)]
struct NewStreams {
    cmd: Vec<usize>,
    ids: Vec<String>,
    types: Vec<String>,
    versions: Vec<i64>,
    heads: Vec<Vec<u8>>,
}

impl NewStreams {
    fn push(&mut self, cmd: usize, p: &Prepared, i: usize) {
        self.cmd.push(cmd);
        self.ids.push(p.streams.ids[i].clone());
        self.types.push(p.streams.types[i].clone());
        self.versions.push(p.streams.versions[i]);
        self.heads.push(p.streams.heads[i].clone());
    }
}
