//! Extractors whose rejections are [`ApiError`]s, so a malformed body, path, query or header
//! is answered with problem+json like every other error (never axum's plain-text rejection),
//! and the command headers `Idempotency-Key` and `If-Match`.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts, HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The longest `Idempotency-Key` accepted, in bytes.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 200;

/// The longest string (value or key) accepted anywhere in a JSON body, in characters: the
/// longest any field allows (remarks, notes, statements). Most fields allow fewer (names and
/// references 200), checked by the fund rules with their own codes.
pub const MAX_STRING_CHARS: usize = 2000;

/// The most elements accepted in any JSON array of a body (tranches, documents, cap-table
/// rows, covered people, policy lists…).
pub const MAX_ARRAY_ITEMS: usize = 1000;

/// A JSON body; as a response, `application/json`.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let body = JsonBody::<T>::from_request(req, state).await?;
        Ok(AppJson(body.value))
    }
}

impl<T: Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A JSON body together with its raw bytes (commands fingerprint the bytes for their
/// idempotency key).
#[derive(Debug, Clone)]
pub struct JsonBody<T> {
    /// The parsed body.
    pub value: T,
    /// The body as received.
    pub bytes: Bytes,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|r| ApiError::from_status(r.status(), r.body_text()))?;
        let value = parse_json(&bytes)?;
        Ok(JsonBody { value, bytes })
    }
}

/// Parses a JSON body: syntax errors are `invalid_json` (400), data errors (wrong types,
/// unknown or missing fields, values out of format, a NUL character in a string)
/// `invalid_request` (422).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Syntax first, whatever the shape: `{} trailing` is malformed, not a missing field.
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(ApiError::InvalidJson(format!(
            "the body is not valid JSON: {e}"
        )));
    }
    if has_nul(bytes) {
        return Err(ApiError::InvalidRequest(
            "strings must not contain the NUL character (\\u0000)".to_owned(),
        ));
    }
    if let Some(problem) = oversized(bytes) {
        return Err(ApiError::InvalidRequest(problem));
    }
    match axum::Json::<T>::from_bytes(bytes) {
        Ok(axum::Json(value)) => Ok(value),
        Err(JsonRejection::JsonDataError(e)) => Err(ApiError::InvalidRequest(e.body_text())),
        Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::InvalidJson(e.body_text())),
        Err(other) => Err(ApiError::InvalidJson(other.body_text())),
    }
}

/// Whether a (syntactically valid) JSON body has U+0000 in a string or a key: PostgreSQL text
/// and jsonb cannot hold it, so it would fail in the store instead of as the client's mistake.
fn has_nul(bytes: &[u8]) -> bool {
    fn walk(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(s) => s.contains('\0'),
            serde_json::Value::Array(items) => items.iter().any(walk),
            serde_json::Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || walk(v)),
            _ => false,
        }
    }
    // A raw NUL is not valid JSON; an escaped one is spelled `\u0000` (cheap to rule out).
    bytes.windows(6).any(|w| w == b"\\u0000")
        && serde_json::from_slice::<serde_json::Value>(bytes).is_ok_and(|v| walk(&v))
}

/// What is too long in a (syntactically valid) JSON body: a string over
/// [`MAX_STRING_CHARS`] or an array over [`MAX_ARRAY_ITEMS`], named by its path.
fn oversized(bytes: &[u8]) -> Option<String> {
    fn walk(value: &serde_json::Value, path: &mut String) -> Option<String> {
        let long = |s: &str| s.chars().count() > MAX_STRING_CHARS;
        let at = |path: &str| {
            if path.is_empty() {
                ".".to_owned()
            } else {
                path.to_owned()
            }
        };
        match value {
            serde_json::Value::String(s) if long(s) => Some(format!(
                "{}: a string may have at most {MAX_STRING_CHARS} characters",
                at(path)
            )),
            serde_json::Value::Array(items) if items.len() > MAX_ARRAY_ITEMS => Some(format!(
                "{}: an array may have at most {MAX_ARRAY_ITEMS} elements",
                at(path)
            )),
            serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = walk(v, path);
                path.truncate(len);
                found
            }),
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
                if long(k) {
                    return Some(format!(
                        "{}: a key may have at most {MAX_STRING_CHARS} characters",
                        at(path)
                    ));
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                let found = walk(v, path);
                path.truncate(len);
                found
            }),
            _ => None,
        }
    }
    // Only a body with a long run of bytes or many commas can break a limit; most bodies
    // are far below both, and are not parsed again.
    if bytes.len() <= MAX_STRING_CHARS
        && bytes.iter().filter(|&&b| b == b',').count() < MAX_ARRAY_ITEMS
    {
        return None;
    }
    let value = serde_json::from_slice::<serde_json::Value>(bytes).ok()?;
    walk(&value, &mut String::new())
}

/// `application/json` or any `application/*+json`, parameters ignored.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Path parameters; a malformed one (e.g. not a UUID) is `400 invalid_path`.
#[derive(Debug, Clone, Copy)]
pub struct AppPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for AppPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| AppPath(v))
            .map_err(|r| ApiError::InvalidPath(r.body_text()))
    }
}

/// Query parameters; a malformed query (or one with `%00`) is `400 invalid_query`.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for AppQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        // A NUL character (`%00`) cannot reach PostgreSQL text; refuse it as malformed.
        if parts.uri.query().is_some_and(|q| q.contains("%00")) {
            return Err(ApiError::InvalidQuery(
                "query parameters must not contain the NUL character (%00)".to_owned(),
            ));
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| AppQuery(v))
            .map_err(|r| ApiError::InvalidQuery(r.body_text()))
    }
}

/// The headers that shape a command: `Idempotency-Key` and `If-Match`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandHeaders {
    /// `Idempotency-Key`, as sent (1 to 200 visible ASCII characters).
    pub idempotency_key: Option<String>,
    /// `If-Match`: the stream version the client expects (`3` or `"3"`).
    pub if_match: Option<i64>,
}

impl<S: Send + Sync> FromRequestParts<S> for CommandHeaders {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        CommandHeaders::parse(&parts.headers)
    }
}

impl CommandHeaders {
    /// Reads and checks both headers.
    pub fn parse(headers: &HeaderMap) -> Result<Self, ApiError> {
        let idempotency_key = match headers.get("idempotency-key") {
            None => None,
            Some(v) => {
                let key = v.to_str().map_err(|_| bad_key())?.trim();
                if key.is_empty()
                    || key.len() > MAX_IDEMPOTENCY_KEY_LEN
                    || !key.bytes().all(|b| b.is_ascii_graphic())
                {
                    return Err(bad_key());
                }
                Some(key.to_owned())
            }
        };
        let if_match = match headers.get(header::IF_MATCH) {
            None => None,
            Some(v) => Some(parse_if_match(v.to_str().unwrap_or_default())?),
        };
        Ok(CommandHeaders {
            idempotency_key,
            if_match,
        })
    }

    /// The fingerprint of a command request: sha256 over method, path, `If-Match` and body,
    /// so that a key reused for anything else is refused.
    pub fn request_hash(&self, method: &Method, path: &str, body: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        for part in [
            method.as_str().as_bytes(),
            path.as_bytes(),
            self.if_match
                .map(|v| v.to_string())
                .unwrap_or_default()
                .as_bytes(),
        ] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        h.update(body);
        h.finalize().into()
    }
}

fn bad_key() -> ApiError {
    ApiError::InvalidHeader(format!(
        "Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} visible ASCII characters"
    ))
}

fn parse_if_match(raw: &str) -> Result<i64, ApiError> {
    let raw = raw.trim();
    let unquoted = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    match unquoted.parse::<i64>() {
        Ok(v) if v >= 0 && unquoted.bytes().all(|b| b.is_ascii_digit()) => Ok(v),
        _ => Err(ApiError::InvalidHeader(format!(
            "If-Match must be a stream version such as 3 or \"3\", not {raw:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn if_match_accepts_plain_and_quoted_versions() {
        let h = CommandHeaders::parse(&headers(&[("if-match", "3")])).unwrap();
        assert_eq!(h.if_match, Some(3));
        let h = CommandHeaders::parse(&headers(&[("if-match", "\"0\"")])).unwrap();
        assert_eq!(h.if_match, Some(0));
        for bad in ["*", "-1", "W/\"3\"", "+3", "three", ""] {
            let mut h = HeaderMap::new();
            h.insert("if-match", HeaderValue::from_str(bad).unwrap());
            assert!(CommandHeaders::parse(&h).is_err(), "{bad}");
        }
    }

    #[test]
    fn idempotency_keys_are_bounded_visible_ascii() {
        let h = CommandHeaders::parse(&headers(&[("idempotency-key", "abc-123")])).unwrap();
        assert_eq!(h.idempotency_key.as_deref(), Some("abc-123"));
        assert!(CommandHeaders::parse(&headers(&[("idempotency-key", "a b")])).is_err());
        let long = "k".repeat(MAX_IDEMPOTENCY_KEY_LEN + 1);
        let mut h = HeaderMap::new();
        h.insert("idempotency-key", HeaderValue::from_str(&long).unwrap());
        assert!(CommandHeaders::parse(&h).is_err());
    }

    #[test]
    fn request_hash_covers_method_path_if_match_and_body() {
        let a = CommandHeaders::default();
        let b = CommandHeaders {
            if_match: Some(0),
            ..a.clone()
        };
        let base = a.request_hash(&Method::POST, "/funds", b"{}");
        assert_ne!(base, a.request_hash(&Method::POST, "/funds", b"{ }"));
        assert_ne!(base, a.request_hash(&Method::POST, "/fund", b"s{}"));
        assert_ne!(base, b.request_hash(&Method::POST, "/funds", b"{}"));
        assert_eq!(base, a.request_hash(&Method::POST, "/funds", b"{}"));
    }

    #[test]
    fn nul_characters_are_refused_as_invalid_requests() {
        type V = serde_json::Value;
        for bad in [
            r#"{"name":"a\u0000b"}"#,
            r#"{"a\u0000":1}"#,
            r#"[1,{"x":["\u0000"]}]"#,
        ] {
            let err = parse_json::<V>(bad.as_bytes()).unwrap_err();
            assert!(matches!(err, ApiError::InvalidRequest(_)), "{bad}: {err:?}");
        }
        // An escaped backslash followed by `u0000` is text, not NUL.
        let ok = parse_json::<V>(br#"{"name":"a\\u0000b"}"#).unwrap();
        assert_eq!(ok["name"], "a\\u0000b");
    }

    #[test]
    fn strings_and_arrays_are_bounded_and_named_by_their_path() {
        type V = serde_json::Value;
        let at = |n: usize| serde_json::json!({ "a": { "b": [1, "字".repeat(n)] } }).to_string();
        assert!(parse_json::<V>(at(MAX_STRING_CHARS).as_bytes()).is_ok());
        let err = parse_json::<V>(at(MAX_STRING_CHARS + 1).as_bytes()).unwrap_err();
        assert!(
            matches!(&err, ApiError::InvalidRequest(d) if d.starts_with("a.b[1]:")),
            "{err:?}"
        );
        let items = |n: usize| serde_json::json!({ "x": vec![0; n] }).to_string();
        assert!(parse_json::<V>(items(MAX_ARRAY_ITEMS).as_bytes()).is_ok());
        let err = parse_json::<V>(items(MAX_ARRAY_ITEMS + 1).as_bytes()).unwrap_err();
        assert!(
            matches!(&err, ApiError::InvalidRequest(d) if d.starts_with("x:")),
            "{err:?}"
        );
        let key = serde_json::json!({ "k".repeat(MAX_STRING_CHARS + 1): 1 }).to_string();
        assert!(parse_json::<V>(key.as_bytes()).is_err());
        let top = serde_json::json!("x".repeat(MAX_STRING_CHARS + 1)).to_string();
        let err = parse_json::<V>(top.as_bytes()).unwrap_err();
        assert!(
            matches!(&err, ApiError::InvalidRequest(d) if d.starts_with(".:")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_nul_character_in_the_query_is_invalid_query() {
        type Q = AppQuery<std::collections::HashMap<String, String>>;
        let (mut parts, ()) = axum::http::Request::builder()
            .uri("/funds?status=a%00b")
            .body(())
            .unwrap()
            .into_parts();
        let r = Q::from_request_parts(&mut parts, &()).await;
        assert!(matches!(r, Err(ApiError::InvalidQuery(_))));
        let (mut parts, ()) = axum::http::Request::builder()
            .uri("/funds?status=a%01b")
            .body(())
            .unwrap()
            .into_parts();
        assert!(Q::from_request_parts(&mut parts, &()).await.is_ok());
    }

    #[test]
    fn json_content_types() {
        assert!(is_json(&headers(&[(
            "content-type",
            "application/json; charset=utf-8"
        )])));
        assert!(is_json(&headers(&[(
            "content-type",
            "application/merge-patch+json"
        )])));
        assert!(!is_json(&headers(&[("content-type", "text/plain")])));
        assert!(!is_json(&HeaderMap::new()));
    }
}
