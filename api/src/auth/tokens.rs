//! Token storage: issue, authenticate, list and revoke. Secrets never leave [`create_token`]
//! except in the token string it returns; the table holds their sha256 only.

use super::cache::{self, Entry, TokenCache};
use super::{Authenticated, Principal, Role, Scope};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use eventstore::PgPool;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Every token starts with this.
pub const TOKEN_PREFIX: &str = "fa_";

/// `last_used_at` is refreshed at most this often per token, so authentication does not
/// write a row on every request.
const LAST_USED_GRANULARITY_SECS: f64 = cache::TOUCH_EVERY.as_secs_f64();

const INSERT: &str = "INSERT INTO api_tokens \
     (token_id, secret_hash, role, fund_id, seat, lp_id, agency, funds, label, expires_at, \
      person_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

const LOOKUP: &str = "SELECT secret_hash, role, fund_id, seat, lp_id, agency, funds, \
     revoked_at IS NOT NULL, expires_at IS NOT NULL AND expires_at <= now(), \
     coalesce(extract(epoch FROM now() - last_used_at)::float8, 'infinity'), person_id, \
     expires_at FROM api_tokens WHERE token_id = $1";

const TOUCH: &str = "UPDATE api_tokens SET last_used_at = now() WHERE token_id = $1";

const LIST: &str = "SELECT token_id, role, fund_id, seat, lp_id, agency, funds, label, \
     created_at, expires_at, revoked_at, last_used_at, person_id FROM api_tokens \
     ORDER BY created_at";

const REVOKE: &str =
    "UPDATE api_tokens SET revoked_at = now() WHERE token_id = $1 AND revoked_at IS NULL";

/// A freshly issued token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// Its id (public: in logs, event metadata, `token list`).
    pub token_id: Uuid,
    /// The bearer string, `fa_<id>_<secret>`: shown once, never stored.
    pub token: String,
}

/// A stored token, without its secret.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenInfo {
    /// Its id.
    pub token_id: Uuid,
    /// Its role.
    pub role: String,
    /// Its scope, e.g. `fund=<id> seat=2`.
    pub scope: String,
    /// A note for humans.
    pub label: Option<String>,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Issues a token for `principal`; returns its id and the bearer string.
pub async fn create_token(
    pool: &PgPool,
    principal: &Principal,
    expires_at: Option<DateTime<Utc>>,
    label: Option<&str>,
) -> anyhow::Result<IssuedToken> {
    let token_id = Uuid::now_v7();
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let hash = Sha256::digest(secret).to_vec();
    let scope = principal.scope();
    let client = pool.get().await?;
    client
        .execute(
            INSERT,
            &[
                &token_id,
                &hash,
                &principal.role().as_str(),
                &scope.fund,
                &scope.seat,
                &scope.lp,
                &scope.agency,
                &scope.funds,
                &label,
                &expires_at,
                &scope.person,
            ],
        )
        .await?;
    Ok(IssuedToken {
        token_id,
        token: format!(
            "{TOKEN_PREFIX}{}_{}",
            token_id.simple(),
            hex::encode(secret)
        ),
    })
}

/// Every token, oldest first, without secrets.
pub async fn list_tokens(pool: &PgPool) -> anyhow::Result<Vec<TokenInfo>> {
    let client = pool.get().await?;
    let rows = client.query(LIST, &[]).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let scope = Scope {
                fund: r.get(2),
                seat: r.get(3),
                lp: r.get(4),
                agency: r.get(5),
                funds: r.get(6),
                person: r.get(12),
            };
            TokenInfo {
                token_id: r.get(0),
                role: r.get(1),
                scope: describe(&scope),
                label: r.get(7),
                created_at: r.get(8),
                expires_at: r.get(9),
                revoked_at: r.get(10),
                last_used_at: r.get(11),
            }
        })
        .collect())
}

/// Revokes a token; `false` if there is no such token or it was already revoked. Returns once
/// every serving process that keeps tokens in memory has forgotten it (see [`cache`]), so the
/// next request with it is refused whichever process answers; an error if a live process did
/// not acknowledge within the lease (the revocation is recorded all the same).
pub async fn revoke_token(pool: &PgPool, token_id: Uuid) -> anyhow::Result<bool> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1)",
        &[&cache::REVOCATION_LOCK],
    )
    .await?;
    if tx.execute(REVOKE, &[&token_id]).await? != 1 {
        return Ok(false);
    }
    let number: i64 = tx
        .query_one("SELECT nextval('token_revocations')", &[])
        .await?
        .get(0);
    tx.execute(
        "SELECT pg_notify($1, $2)",
        &[&cache::CHANNEL, &format!("{number} {token_id}")],
    )
    .await?;
    tx.commit().await?;
    let deadline = std::time::Instant::now() + cache::LEASE + std::time::Duration::from_secs(1);
    loop {
        let waiting: i64 = client
            .query_one(
                "SELECT count(*) FROM token_cache_holders WHERE acked < $1 \
                 AND heartbeat_at > now() - make_interval(secs => $2)",
                &[&number, &cache::LEASE.as_secs_f64()],
            )
            .await?
            .get(0);
        if waiting == 0 {
            return Ok(true);
        }
        if std::time::Instant::now() > deadline {
            anyhow::bail!(
                "token {token_id} is revoked, but {waiting} serving process(es) did not confirm \
                 forgetting it within {} s",
                cache::LEASE.as_secs()
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// Checks a bearer string: from `cache` if it holds the token, else against the table (see
/// the module documentation of `auth`), remembering it in `cache`.
pub async fn authenticate(
    pool: &PgPool,
    cache: Option<&TokenCache>,
    token: &str,
) -> Result<Authenticated, ApiError> {
    const INVALID: ApiError = ApiError::Unauthenticated("invalid token");
    let (token_id, secret) = parse_token(token).ok_or(INVALID)?;
    if let Some(entry) = cache.and_then(|c| c.get(token_id)) {
        if !ct_eq(&Sha256::digest(secret), &entry.secret_hash) {
            return Err(INVALID);
        }
        if entry.expires_at.is_some_and(|at| at <= Utc::now()) {
            return Err(ApiError::Unauthenticated("token expired"));
        }
        if entry.touched.elapsed() >= cache::TOUCH_EVERY {
            let client = pool.get().await?;
            let touch = client.prepare_cached(TOUCH).await?;
            client.execute(&touch, &[&token_id]).await?;
            if let Some(c) = cache {
                c.touched(token_id);
            }
        }
        return Ok(Authenticated {
            principal: entry.principal,
            token_id,
        });
    }
    let generation = cache.map(TokenCache::generation);
    let client = pool.get().await?;
    let stmt = client.prepare_cached(LOOKUP).await?;
    let row = client
        .query_opt(&stmt, &[&token_id])
        .await?
        .ok_or(INVALID)?;
    let stored: Vec<u8> = row.get(0);
    if !ct_eq(&Sha256::digest(secret), &stored) {
        return Err(INVALID);
    }
    if row.get::<_, bool>(7) {
        return Err(ApiError::Unauthenticated("token revoked"));
    }
    if row.get::<_, bool>(8) {
        return Err(ApiError::Unauthenticated("token expired"));
    }
    let role_name: String = row.get(1);
    let role = Role::parse(&role_name).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "token {token_id} has unknown role {role_name:?}"
        ))
    })?;
    let scope = Scope {
        fund: row.get(2),
        seat: row.get(3),
        lp: row.get(4),
        agency: row.get(5),
        funds: row.get(6),
        person: row.get(10),
    };
    let principal = Principal::from_scope(role, scope)
        .map_err(|e| ApiError::internal(anyhow::anyhow!("token {token_id} has {e}")))?;
    let since_used = row.get::<_, f64>(9);
    let touched = if since_used >= LAST_USED_GRANULARITY_SECS {
        let touch = client.prepare_cached(TOUCH).await?;
        client.execute(&touch, &[&token_id]).await?;
        std::time::Instant::now()
    } else {
        let ago = std::time::Duration::from_secs_f64(since_used.max(0.0));
        std::time::Instant::now()
            .checked_sub(ago)
            .unwrap_or_else(std::time::Instant::now)
    };
    if let (Some(cache), Some(generation)) = (cache, generation) {
        let entry = Entry {
            secret_hash: stored,
            principal: principal.clone(),
            expires_at: row.get(11),
            touched,
        };
        cache.remember(token_id, generation, entry);
    }
    Ok(Authenticated {
        principal,
        token_id,
    })
}

/// Splits `fa_<32 hex>_<64 hex>` into the token id and the secret.
pub fn parse_token(token: &str) -> Option<(Uuid, [u8; 32])> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    let (id, secret_hex) = rest.split_once('_')?;
    if id.len() != 32 {
        return None;
    }
    let token_id = Uuid::try_parse(id).ok()?;
    let mut secret = [0u8; 32];
    hex::decode_to_slice(secret_hex, &mut secret).ok()?;
    Some((token_id, secret))
}

/// Compares two byte strings in time independent of where they differ.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// A scope in words, for `token list`.
fn describe(scope: &Scope) -> String {
    let mut parts = Vec::new();
    if let Some(f) = scope.fund {
        parts.push(format!("fund={f}"));
    }
    if let Some(s) = scope.seat {
        parts.push(format!("seat={s}"));
    }
    if let Some(lp) = scope.lp {
        parts.push(format!("lp={lp}"));
    }
    if let Some(p) = scope.person {
        parts.push(format!("person={p}"));
    }
    if let Some(a) = &scope.agency {
        parts.push(format!("agency={a:?}"));
    }
    if !scope.funds.is_empty() {
        let funds: Vec<String> = scope.funds.iter().map(Uuid::to_string).collect();
        parts.push(format!("funds={}", funds.join(",")));
    }
    if parts.is_empty() {
        "-".to_owned()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ct_eq_compares_bytes() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
        assert!(ct_eq(b"", b""));
    }

    #[test]
    fn token_shape() {
        let id = Uuid::now_v7();
        let secret = [7u8; 32];
        let token = format!("fa_{}_{}", id.simple(), hex::encode(secret));
        assert_eq!(parse_token(&token), Some((id, secret)));
        for bad in [
            "",
            "fa_",
            &token[..token.len() - 2],
            &token.replace("fa_", "fb_"),
            &format!("fa_{}_{}", id.hyphenated(), hex::encode(secret)),
            &format!("{token}00"),
        ] {
            assert_eq!(parse_token(bad), None, "{bad}");
        }
    }
}
