//! The generic repository: load → decide → append over a pure [`Aggregate`].
//!
//! States are cached per stream with their version and head hash; a command on a cached
//! stream reads nothing and appends in one statement, so its cost does not grow with its
//! stream. The cache is safe with several processes: the append checks version and head, and
//! a conflict re-reads the events written elsewhere and decides again.
//!
//! A command decided also on other streams' states (a project's step on its fund's terms)
//! may take them from the cache too ([`Repository::snapshot`]) and pass them as checks to
//! [`Repository::execute_checked`]: the append then fails, as a conflict on the stream read,
//! if one of them has moved, and the caller reads it again and decides again. Cached states
//! are shared (`Arc`), not copied, on every read.

use crate::hash::GENESIS;
use crate::store::{AppendError, EventStore, IdempotencyKey, StoreError};
use crate::types::{AppendResult, ExpectedVersion, Metadata, NewEvent, StreamAppend, StreamCheck};
use domain::Aggregate;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How many times a command is re-decided after losing a race on its stream. Every round of
/// a race has a winner, so this many commands racing on one stream (e.g. the members of a
/// committee voting at once, each retrying) all get through.
const MAX_ATTEMPTS: usize = 16;

/// How a command is run: who, with which idempotency key, against which version.
#[derive(Debug, Clone)]
pub struct CommandContext {
    /// Goes into every event's metadata.
    pub metadata: Metadata,
    /// A retry with the same key returns the first result.
    pub idempotency: Option<IdempotencyKey>,
    /// The stream version the client saw (`If-Match`); a mismatch is a conflict, not retried.
    pub expected_version: Option<i64>,
}

impl CommandContext {
    /// A context with metadata only.
    pub fn new(metadata: Metadata) -> Self {
        CommandContext {
            metadata,
            idempotency: None,
            expected_version: None,
        }
    }
}

/// What a command did.
#[derive(Debug, Clone)]
pub struct CommandOutcome<A: Aggregate> {
    /// The events appended (empty when the command changed nothing or was a replay).
    pub events: Vec<A::Event>,
    /// The stream's state after the command, as decided here; `None` on a replay (the first
    /// request's outcome, decided earlier).
    pub state: Option<Arc<A>>,
    /// Versions and positions; `None` when nothing was appended and nothing was stored.
    pub result: Option<AppendResult>,
    /// The stream's version after the command.
    pub stream_version: i64,
    /// `true` when this is the stored first result of an idempotency key.
    pub replayed: bool,
}

/// Why a command did not go through.
#[derive(Debug, thiserror::Error)]
pub enum CommandError<R: std::error::Error + 'static> {
    /// The aggregate refused it.
    #[error(transparent)]
    Rejected(R),
    /// The stream was not at the version the client expected, or the race was lost too often;
    /// or (`stream_id` another stream than the command's) a stream checked by
    /// [`Repository::execute_checked`] had moved: read it again and decide again.
    #[error("version conflict on {stream_id}: at {actual}, expected {expected}")]
    Conflict {
        /// The stream.
        stream_id: String,
        /// Expected version.
        expected: i64,
        /// Actual version (-1 when unknown).
        actual: i64,
    },
    /// The idempotency key was used for a different request.
    #[error("idempotency key {0:?} was used for a different request")]
    KeyReused(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

struct Cached<A> {
    version: i64,
    head: [u8; 32],
    state: Arc<A>,
}

/// A stream's state with its version and head hash.
type Loaded<A> = (Arc<A>, i64, [u8; 32]);

/// A stream's state as read, with its version and head hash: what an append needs to check
/// that the stream has not moved since ([`Snapshot::check`]).
#[derive(Debug, Clone)]
pub struct Snapshot<A> {
    /// The stream.
    pub stream_id: String,
    /// Its state.
    pub state: Arc<A>,
    /// Its version (0 = no events).
    pub version: i64,
    /// Its head hash.
    pub head: [u8; 32],
    /// `true` when taken from the cache without reading the store: another process may have
    /// written since. Decide on it only with the append checking it; refuse on it only after
    /// reading it again.
    pub cached: bool,
}

impl<A> Snapshot<A> {
    /// The check that the stream is still where this snapshot saw it.
    pub fn check(&self) -> StreamCheck {
        StreamCheck {
            stream_id: self.stream_id.clone(),
            version: self.version,
            head: self.head,
        }
    }
}

/// Load → decide → append for aggregate `A`, with a bounded state cache.
pub struct Repository<A: Aggregate> {
    store: EventStore,
    cache: Mutex<HashMap<String, Cached<A>>>,
    capacity: usize,
}

impl<A: Aggregate> Repository<A> {
    /// A repository caching up to `capacity` stream states.
    pub fn new(store: EventStore, capacity: usize) -> Self {
        Repository {
            store,
            cache: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// The store underneath.
    pub fn store(&self) -> &EventStore {
        &self.store
    }

    /// The current state of a stream and its version (0 = no events), read through: the
    /// cached state plus whatever was appended after it.
    pub async fn load(&self, stream_id: &str) -> Result<(A, i64), StoreError> {
        let (state, version, _) = self.load_fresh(stream_id).await?;
        Ok((Arc::unwrap_or_clone(state), version))
    }

    /// The stream's state: the cached one as it is when there is one and `fresh` is false
    /// (no read at all), else read through as by [`Repository::load`].
    pub async fn snapshot(&self, stream_id: &str, fresh: bool) -> Result<Snapshot<A>, StoreError> {
        let cached = if fresh { None } else { self.cached(stream_id) };
        let hit = cached.is_some();
        let (state, version, head) = match cached {
            Some(c) => c,
            None => self.load_fresh(stream_id).await?,
        };
        Ok(Snapshot {
            stream_id: stream_id.to_owned(),
            state,
            version,
            head,
            cached: hit,
        })
    }

    async fn load_fresh(&self, stream_id: &str) -> Result<Loaded<A>, StoreError> {
        let (cached, mut version, mut head) = self
            .cached(stream_id)
            .unwrap_or_else(|| (Arc::default(), 0, GENESIS));
        let tail = self.store.load_stream(stream_id, version).await?;
        if tail.is_empty() {
            return Ok((cached, version, head));
        }
        let mut state = Arc::unwrap_or_clone(cached);
        for recorded in &tail {
            state.evolve(&recorded.decode::<A::Event>()?);
            version = recorded.stream_version;
            if hex::decode_to_slice(&recorded.hash, &mut head).is_err() {
                head = GENESIS;
            }
        }
        let state = Arc::new(state);
        self.remember(stream_id, &state, version, head);
        Ok((state, version, head))
    }

    fn cached(&self, stream_id: &str) -> Option<Loaded<A>> {
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .get(stream_id)
            .map(|c| (Arc::clone(&c.state), c.version, c.head))
    }

    /// Decides the command on the stream's state and appends its events with that state's
    /// version and head as the expectation. The first attempt trusts the cache (no read at
    /// all); a conflict, a refusal or an `If-Match` mismatch on a cached state is re-decided
    /// on a fresh one, so a stale cache never decides anything.
    pub async fn execute(
        &self,
        stream_id: &str,
        command: &A::Command,
        ctx: &CommandContext,
    ) -> Result<CommandOutcome<A>, CommandError<A::Error>> {
        self.execute_checked(stream_id, command, ctx, &[]).await
    }

    /// [`Repository::execute`], for a command decided also on other streams (`reads`, e.g.
    /// from [`Repository::snapshot`]): the append commits only if each is still at the
    /// version it was read at. If one has moved, the answer is
    /// [`CommandError::Conflict`] on that stream (not the command's), with nothing written:
    /// the caller reads it again and decides the command again.
    #[tracing::instrument(skip_all, fields(stream.id = stream_id, stream.kind = A::STREAM_TYPE, command.id = %ctx.metadata.command_id))]
    pub async fn execute_checked(
        &self,
        stream_id: &str,
        command: &A::Command,
        ctx: &CommandContext,
        reads: &[StreamCheck],
    ) -> Result<CommandOutcome<A>, CommandError<A::Error>> {
        let mut fresh = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let cached = if fresh { None } else { self.cached(stream_id) };
            let (state, version, head) = match cached {
                Some(c) => c,
                None => {
                    fresh = true;
                    self.load_fresh(stream_id).await?
                }
            };
            if let Some(expected) = ctx.expected_version {
                if expected != version {
                    if !fresh {
                        fresh = true;
                        continue;
                    }
                    // A retry whose first attempt moved the stream past its `If-Match`.
                    if let Some(first) = self.first_answer(stream_id, ctx).await? {
                        return Ok(first);
                    }
                    return Err(CommandError::Conflict {
                        stream_id: stream_id.to_owned(),
                        expected,
                        actual: version,
                    });
                }
            }
            let events = match state.decide(command) {
                Ok(events) => events,
                Err(_) if !fresh => {
                    fresh = true;
                    continue;
                }
                Err(rejection) => {
                    // A retry of a command that succeeded is answered with its first result.
                    if let Some(first) = self.first_answer(stream_id, ctx).await? {
                        return Ok(first);
                    }
                    return Err(CommandError::Rejected(rejection));
                }
            };
            if events.is_empty() {
                if !fresh {
                    fresh = true;
                    continue;
                }
                return Ok(CommandOutcome {
                    events,
                    state: Some(state),
                    result: None,
                    stream_version: version,
                    replayed: false,
                });
            }
            let append = StreamAppend {
                stream_id: stream_id.to_owned(),
                stream_type: A::STREAM_TYPE.to_owned(),
                expected: if version == 0 {
                    ExpectedVersion::NoStream
                } else {
                    ExpectedVersion::Exact(version)
                },
                known_head: Some(head),
                events: events
                    .iter()
                    .map(|e| NewEvent::from_domain(e, &ctx.metadata))
                    .collect(),
            };
            match self
                .store
                .append_checked(
                    std::slice::from_ref(&append),
                    reads,
                    ctx.idempotency.as_ref(),
                )
                .await
            {
                Ok(appended) if appended.replayed => {
                    self.forget(stream_id);
                    return Ok(replayed(stream_id, appended.result));
                }
                Ok(appended) => {
                    let mut state = Arc::unwrap_or_clone(state);
                    for event in &events {
                        state.evolve(event);
                    }
                    let state = Arc::new(state);
                    let new_version = version + events.len() as i64;
                    match appended.heads.first() {
                        Some(head) => self.remember(stream_id, &state, new_version, *head),
                        None => self.forget(stream_id),
                    }
                    return Ok(CommandOutcome {
                        events,
                        state: Some(state),
                        result: Some(appended.result),
                        stream_version: new_version,
                        replayed: false,
                    });
                }
                Err(AppendError::Conflict {
                    stream_id: moved,
                    actual,
                    ..
                }) if moved == stream_id
                    && attempt < MAX_ATTEMPTS
                    && (!fresh || ctx.expected_version.is_none()) =>
                {
                    tracing::debug!(
                        stream.id = stream_id,
                        actual,
                        attempt,
                        "lost a race; re-deciding"
                    );
                    self.forget(stream_id);
                    fresh = true;
                }
                Err(e) => return Err(append_error(e)),
            }
        }
    }

    /// The first answer to the command's `Idempotency-Key`, if a request with that key
    /// succeeded before: a retry is answered with it however the stream has moved since
    /// (its `If-Match` is stale, or the command would now be refused). `idempotency_key_reused`
    /// when the key came with another request.
    pub async fn first_answer(
        &self,
        stream_id: &str,
        ctx: &CommandContext,
    ) -> Result<Option<CommandOutcome<A>>, CommandError<A::Error>> {
        let Some(key) = &ctx.idempotency else {
            return Ok(None);
        };
        let first = self.store.command_result(key).await.map_err(append_error)?;
        Ok(first.map(|first| replayed(stream_id, first.result)))
    }

    fn remember(&self, stream_id: &str, state: &Arc<A>, version: i64, head: [u8; 32]) {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= self.capacity && !cache.contains_key(stream_id) {
            // Evict an arbitrary eighth: cheap, and a miss only costs one stream load.
            let evict: Vec<String> = cache.keys().take(self.capacity / 8 + 1).cloned().collect();
            for k in evict {
                cache.remove(&k);
            }
        }
        match cache.get_mut(stream_id) {
            Some(c) if c.version >= version => {}
            _ => {
                cache.insert(
                    stream_id.to_owned(),
                    Cached {
                        version,
                        head,
                        state: Arc::clone(state),
                    },
                );
            }
        }
    }

    fn forget(&self, stream_id: &str) {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.remove(stream_id);
    }
}

fn replayed<A: Aggregate>(stream_id: &str, result: AppendResult) -> CommandOutcome<A> {
    let stream_version = result
        .stream_versions
        .iter()
        .find(|(id, _)| id == stream_id)
        .map(|(_, v)| *v)
        .unwrap_or(0);
    CommandOutcome {
        events: Vec::new(),
        state: None,
        result: Some(result),
        stream_version,
        replayed: true,
    }
}

fn append_error<R: std::error::Error + 'static>(e: AppendError) -> CommandError<R> {
    match e {
        AppendError::Conflict {
            stream_id,
            expected,
            actual,
        } => CommandError::Conflict {
            stream_id,
            expected: match expected {
                ExpectedVersion::Exact(v) => v,
                _ => 0,
            },
            actual,
        },
        AppendError::KeyReused(k) => CommandError::KeyReused(k),
        AppendError::Invalid(what) => CommandError::Store(StoreError::Invalid(what)),
        AppendError::Store(s) => CommandError::Store(s),
    }
}
