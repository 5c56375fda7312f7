//! A serving process's memory of the tokens it has checked, kept exact under revocation.
//!
//! Without it every request reads its token's row: one PostgreSQL round trip per request, the
//! largest share of the command path's transactions. With it a token, once checked, is
//! trusted from memory; so a revocation must reach every process holding it before
//! `fundadmin token revoke` returns, and the very next request anywhere is `401`:
//!
//! - Each process with a cache is a *holder* (`token_cache_holders`): over one connection of
//!   its own it LISTENs on [`CHANNEL`], registers, and heartbeats every [`HEARTBEAT`].
//! - A revocation ([`super::revoke_token`]) takes [`REVOCATION_LOCK`], marks the token,
//!   numbers itself from `token_revocations` and notifies `<number> <token id>`, then waits
//!   until every holder whose heartbeat is younger than [`LEASE`] has acknowledged that number.
//!   The lock makes the numbers follow the commits, and notifications arrive in commit order,
//!   so acknowledging a number acknowledges every earlier one.
//! - A holder forgets the token, then records the number as acknowledged.
//! - A holder trusts its memory only while its connection stands and until [`LEASE`] less a
//!   margin after the start of its last successful heartbeat. A holder that cannot heartbeat
//!   has stopped trusting its memory by the time a revoker stops waiting for it.
//! - A lookup is remembered only if no revocation was applied (and the connection did not
//!   change) while it ran, so a lookup that raced a revocation is answered but not kept.
//!   Registration takes the revocations' lock and starts the holder's acknowledgements at the
//!   last number committed; nothing read before it is remembered.

use super::Principal;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio_postgres::{AsyncMessage, NoTls};
use uuid::Uuid;

/// The channel revocations are notified on.
pub const CHANNEL: &str = "token_revoked";
/// The advisory lock every revocation and every holder's registration takes.
pub const REVOCATION_LOCK: i64 = 0x0074_6f6b_7265_766f; // "tokrevo"
/// How often a holder heartbeats.
pub const HEARTBEAT: Duration = Duration::from_secs(1);
/// How long after its last heartbeat a holder counts as alive for revokers.
pub const LEASE: Duration = Duration::from_secs(5);
/// How much earlier than [`LEASE`] a holder stops trusting itself (clock rates, delays).
const MARGIN: Duration = Duration::from_secs(1);
/// `last_used_at` is refreshed at most this often per token.
pub const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// A token as checked: what a later request needs to be answered from memory.
#[derive(Debug, Clone)]
pub struct Entry {
    /// sha256 of the secret.
    pub secret_hash: Vec<u8>,
    /// Who it stands for.
    pub principal: Principal,
    /// When it stops working.
    pub expires_at: Option<DateTime<Utc>>,
    /// When `last_used_at` was last written (or found recent).
    pub touched: Instant,
}

/// The cache of one serving process. See the module documentation.
pub struct TokenCache {
    holder_id: Uuid,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<Uuid, Entry>,
    /// Moves on every revocation applied and every change of connection.
    generation: u64,
    /// Trusted until then; `None` while not registered over a live connection.
    trusted_until: Option<Instant>,
}

impl TokenCache {
    /// Starts a cache whose holder connects to `database_url`, in a task of the current
    /// runtime that lives as long as the process (reconnecting after errors).
    pub fn start(database_url: String) -> Arc<TokenCache> {
        let cache = Arc::new(TokenCache {
            holder_id: Uuid::now_v7(),
            inner: Mutex::new(Inner::default()),
        });
        let holder = cache.clone();
        tokio::spawn(async move {
            let mut backoff = Duration::from_millis(100);
            loop {
                if let Err(e) = holder.hold(&database_url).await {
                    tracing::warn!(error = %e, "token cache connection failed; reading tokens from PostgreSQL until it is back");
                }
                holder.distrust();
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        });
        cache
    }

    /// This process's holder id (its row in `token_cache_holders`).
    pub fn holder_id(&self) -> Uuid {
        self.holder_id
    }

    /// Whether the cache is trusted now (registered, connected, heartbeat recent).
    pub fn is_trusted(&self) -> bool {
        self.lock()
            .trusted_until
            .is_some_and(|until| Instant::now() < until)
    }

    /// The entry of `token_id`, if the cache is trusted and holds it.
    pub fn get(&self, token_id: Uuid) -> Option<Entry> {
        let inner = self.lock();
        match inner.trusted_until {
            Some(until) if Instant::now() < until => inner.entries.get(&token_id).cloned(),
            _ => None,
        }
    }

    /// The generation to pass to [`TokenCache::remember`] for a lookup starting now.
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Keeps `entry` if nothing was revoked (and the connection did not change) since
    /// `generation` was read, and the cache is trusted.
    pub fn remember(&self, token_id: Uuid, generation: u64, entry: Entry) {
        let mut inner = self.lock();
        let trusted = inner
            .trusted_until
            .is_some_and(|until| Instant::now() < until);
        if trusted && inner.generation == generation {
            inner.entries.insert(token_id, entry);
        }
    }

    /// Notes that `last_used_at` of `token_id` was just written.
    pub fn touched(&self, token_id: Uuid) {
        if let Some(entry) = self.lock().entries.get_mut(&token_id) {
            entry.touched = Instant::now();
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn distrust(&self) {
        let mut inner = self.lock();
        inner.entries.clear();
        inner.generation += 1;
        inner.trusted_until = None;
    }

    fn forget(&self, token_id: Option<Uuid>) {
        let mut inner = self.lock();
        match token_id {
            Some(id) => {
                inner.entries.remove(&id);
            }
            // A payload not understood: forget everything.
            None => inner.entries.clear(),
        }
        inner.generation += 1;
    }

    fn trust_until(&self, until: Instant) {
        self.lock().trusted_until = Some(until);
    }

    /// One connection's life: LISTEN, register, then apply revocations and heartbeat until
    /// the connection fails.
    async fn hold(&self, database_url: &str) -> anyhow::Result<()> {
        let mut config = tokio_postgres::Config::from_str(database_url)?;
        config.application_name("fundadmin-token-cache");
        let (client, mut connection) = config.connect(NoTls).await?;
        let (notes, mut notified) = tokio::sync::mpsc::unbounded_channel();
        let mut driver = tokio::spawn(async move {
            let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(message) = messages.next().await {
                if let AsyncMessage::Notification(n) = message? {
                    let _ = notes.send(n.payload().to_owned());
                }
            }
            Ok::<(), tokio_postgres::Error>(())
        });
        let result = async {
            client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
            let started = Instant::now();
            client
                .batch_execute(&format!(
                    "BEGIN; SELECT pg_advisory_xact_lock({REVOCATION_LOCK}); \
                     DELETE FROM token_cache_holders WHERE heartbeat_at < now() - interval '1 day'; \
                     INSERT INTO token_cache_holders (holder_id, acked) \
                     SELECT '{id}', CASE WHEN is_called THEN last_value ELSE 0 END \
                     FROM token_revocations \
                     ON CONFLICT (holder_id) DO UPDATE \
                     SET heartbeat_at = now(), acked = EXCLUDED.acked; COMMIT",
                    id = self.holder_id
                ))
                .await?;
            // Everything read from here on sees every revocation this holder will not be told
            // about: a new generation, trusted from now.
            self.distrust();
            self.trust_until(started + LEASE - MARGIN);
            let ack = client
                .prepare(
                    "UPDATE token_cache_holders SET acked = greatest(acked, $2) \
                     WHERE holder_id = $1",
                )
                .await?;
            let beat = client
                .prepare("UPDATE token_cache_holders SET heartbeat_at = now() WHERE holder_id = $1")
                .await?;
            let mut heartbeat = tokio::time::interval(HEARTBEAT);
            loop {
                tokio::select! {
                    payload = notified.recv() => {
                        let Some(payload) = payload else {
                            anyhow::bail!("token cache connection closed");
                        };
                        let (number, token_id) = parse_payload(&payload);
                        self.forget(token_id);
                        if let Some(number) = number {
                            client.execute(&ack, &[&self.holder_id, &number]).await?;
                        }
                    }
                    _ = heartbeat.tick() => {
                        let sent = Instant::now();
                        if client.execute(&beat, &[&self.holder_id]).await? != 1 {
                            anyhow::bail!("token cache holder row is gone");
                        }
                        self.trust_until(sent + LEASE - MARGIN);
                    }
                }
            }
        }
        .await;
        driver.abort();
        let _ = (&mut driver).await;
        result
    }
}

/// `<number> <token id>`, as [`super::revoke_token`] notifies it.
fn parse_payload(payload: &str) -> (Option<i64>, Option<Uuid>) {
    let mut parts = payload.split(' ');
    let number = parts.next().and_then(|n| n.parse().ok());
    let token_id = parts.next().and_then(|t| Uuid::try_parse(t).ok());
    (number, token_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revocation_payload_names_its_number_and_token() {
        let id = Uuid::now_v7();
        assert_eq!(parse_payload(&format!("42 {id}")), (Some(42), Some(id)));
        assert_eq!(parse_payload("x"), (None, None));
        assert_eq!(parse_payload("7 nonsense"), (Some(7), None));
    }

    #[test]
    fn an_untrusted_cache_neither_answers_nor_remembers() {
        let cache = TokenCache {
            holder_id: Uuid::now_v7(),
            inner: Mutex::new(Inner::default()),
        };
        let id = Uuid::now_v7();
        let entry = Entry {
            secret_hash: vec![1],
            principal: Principal::Admin,
            expires_at: None,
            touched: Instant::now(),
        };
        cache.remember(id, cache.generation(), entry.clone());
        assert!(cache.get(id).is_none(), "not trusted: nothing kept");
        cache.trust_until(Instant::now() + LEASE);
        let before = cache.generation();
        cache.forget(Some(Uuid::now_v7()));
        cache.remember(id, before, entry.clone());
        assert!(
            cache.get(id).is_none(),
            "a revocation ran during the lookup"
        );
        cache.remember(id, cache.generation(), entry);
        assert!(cache.get(id).is_some());
        cache.forget(Some(id));
        assert!(cache.get(id).is_none(), "revoked: forgotten");
    }
}
