//! The JSON shapes of the API (requests and responses) with their OpenAPI schemas. They live
//! here, not in `domain`, so the domain stays free of HTTP and `utoipa`; each converts to or
//! from the domain or read-model type it stands for.

use chrono::{DateTime, NaiveDate, Utc};
use domain::fund::policy::FundPolicy;
use domain::fund::FundKind;
use domain::Money;
use projections::funds::FundView;
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

mod capital;
pub use capital::*;
mod committee;
pub use committee::*;
mod exemption;
pub use exemption::*;
mod guidance;
pub use guidance::*;
mod lifecycle;
pub use lifecycle::*;
mod portfolio;
pub use portfolio::*;
mod projects;
pub use projects::*;
mod reads;
pub use reads::*;
pub mod date;
pub mod reports;

/// The wire format of an amount of money (documented in the OpenAPI schema `Money`).
pub const MONEY_PATTERN: &str = r"^-?\d{1,13}(\.\d{1,2})?$";

/// An amount of CNY on the wire: a decimal string with at most two decimals, e.g.
/// `"300000000.00"`. Anything else (a JSON number, three decimals, exponents, spaces) is
/// refused while parsing the body, as `422 invalid_request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount(pub Money);

impl Amount {
    /// Parses the wire format ([`MONEY_PATTERN`], within ±10^12 yuan), as every amount in
    /// a body is read ([`Money::parse_exact`]).
    pub fn parse(s: &str) -> Result<Amount, String> {
        Money::parse_exact(s).map(Amount).map_err(|e| e.to_string())
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Amount::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl utoipa::PartialSchema for Amount {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(MONEY_PATTERN))
            .description(Some(
                "An amount of CNY (人民币) as a decimal string with at most two decimals.",
            ))
            .examples(["300000000.00"])
            .into()
    }
}

impl ToSchema for Amount {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Money")
    }
}

/// Reads a whole number of at most `MAX`: a sane bound on counts the fund rules leave open
/// (months of an extension, years of a sub-fund's term…), refused as `422 invalid_request`.
pub fn at_most<'de, D: Deserializer<'de>, const MAX: u32>(d: D) -> Result<u32, D::Error> {
    let n = u32::deserialize(d)?;
    if n > MAX {
        return Err(serde::de::Error::custom(format!(
            "expected at most {MAX}, got {n}"
        )));
    }
    Ok(n)
}

/// [`at_most`] for an optional number (the field needs `#[serde(default)]`).
pub fn optional_at_most<'de, D: Deserializer<'de>, const MAX: u32>(
    d: D,
) -> Result<Option<u32>, D::Error> {
    #[derive(Deserialize)]
    struct Bounded<const M: u32>(#[serde(deserialize_with = "at_most::<_, M>")] u32);
    Ok(Option::<Bounded<MAX>>::deserialize(d)?.map(|b| b.0))
}

/// Angel fund (天使基金) or guidance fund (引导基金).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = FundKind)]
pub enum FundKindDto {
    /// Invests directly in portfolio companies.
    Angel,
    /// Commits to sub-funds as a limited partner.
    Guidance,
}

impl From<FundKindDto> for FundKind {
    fn from(k: FundKindDto) -> Self {
        match k {
            FundKindDto::Angel => FundKind::Angel,
            FundKindDto::Guidance => FundKind::Guidance,
        }
    }
}

/// `POST /funds`: establish a fund.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EstablishFundRequest {
    /// The fund's registered name (1 to 200 characters after trimming).
    #[schema(example = "深圳天使投资引导基金一期", min_length = 1, max_length = 200)]
    pub name: String,
    /// Angel or guidance.
    pub kind: FundKindDto,
    /// Total size (总规模); must be positive.
    pub total_size: Amount,
    /// Establishment date (成立日), ISO 8601.
    #[schema(example = "2021-09-01")]
    #[serde(deserialize_with = "date::deserialize")]
    pub establishment_date: NaiveDate,
    /// The management company (基金管理机构), 1 to 200 characters.
    #[schema(
        example = "昆山市天使投资管理有限公司",
        min_length = 1,
        max_length = 200
    )]
    pub manager: String,
    /// The custodian bank (托管银行), 1 to 200 characters.
    #[schema(example = "中国工商银行昆山分行", min_length = 1, max_length = 200)]
    pub custodian: String,
    /// The city the fund serves, 1 to 200 characters.
    #[schema(example = "昆山", min_length = 1, max_length = 200)]
    pub city: String,
    /// Policy parameters; every one left out takes its SPEC default (see `FundPolicy`).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub policy: Option<FundPolicy>,
    /// The fund's id; a new UUIDv7 when absent.
    #[serde(default)]
    pub fund_id: Option<Uuid>,
}

/// What a command on a fund did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FundCommandResult {
    /// The fund.
    pub fund_id: Uuid,
    /// The fund stream's version after the command (use it in `If-Match`).
    pub stream_version: i64,
    /// The global position of the last event written (use it in `?min_position=`).
    pub global_position: i64,
}

/// A fund as the read model shows it: its terms, policy and phases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Fund {
    /// Its id.
    pub fund_id: Uuid,
    /// Its registered name.
    pub name: String,
    /// Angel or guidance.
    #[schema(value_type = FundKindDto)]
    pub kind: String,
    /// Total size (总规模).
    pub total_size: Amount,
    /// Establishment date (成立日).
    pub establishment_date: NaiveDate,
    /// The management company (基金管理机构).
    pub manager: String,
    /// The custodian bank (托管银行).
    pub custodian: String,
    /// The city the fund serves.
    pub city: String,
    /// The policy parameters in force (SPEC defaults where none were given).
    #[schema(value_type = Object)]
    pub policy: serde_json::Value,
    /// The phase today (China Standard Time).
    #[schema(example = "investment")]
    pub phase: Option<String>,
    /// Every phase with its dates, derived from the terms, extensions and closing.
    pub phases: Vec<PhaseSpanDto>,
    /// The last phase change the scheduler recorded, and its day.
    pub recorded_phase: Option<String>,
    /// The day of `recorded_phase`.
    pub recorded_phase_on: Option<NaiveDate>,
    /// Extensions approved by the partners' meeting.
    pub extensions: Vec<ExtensionDto>,
    /// The day the fund closed, once it has.
    pub closed_on: Option<NaiveDate>,
    /// The fund stream's version this view reflects.
    pub version: i64,
    /// When the establishment was recorded.
    pub established_at: DateTime<Utc>,
}

impl Fund {
    /// From the read model's view, with the phase on `today`.
    pub fn new(v: FundView, today: NaiveDate) -> Self {
        let spans = projections::funds::phase_spans(&v);
        Fund {
            fund_id: v.fund_id,
            name: v.name,
            kind: v.kind,
            total_size: Amount(v.total_size),
            establishment_date: v.establishment_date,
            manager: v.manager,
            custodian: v.custodian,
            city: v.city,
            policy: v.policy,
            phase: domain::fund::phases::phase_on(&spans, today).map(|p| p.as_str().to_owned()),
            phases: spans.iter().map(PhaseSpanDto::from).collect(),
            recorded_phase: v.recorded_phase.map(|p| p.as_str().to_owned()),
            recorded_phase_on: v.recorded_phase_on,
            extensions: v.extensions.into_iter().map(ExtensionDto::from).collect(),
            closed_on: v.closed_on,
            version: v.version,
            established_at: v.established_at,
        }
    }
}

/// A page of funds, ordered by id (UUIDv7: by creation).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FundPage {
    /// The funds on this page.
    pub items: Vec<Fund>,
    /// Pass as `?after=` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<Uuid>,
}

/// `?min_position=`: read-your-writes for a single read.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
    /// Wait (at most 5 s) until the read model has applied the event at this global
    /// position; if it has not, the answer carries `X-Projection-Behind: true`.
    #[param(minimum = 0)]
    pub min_position: Option<i64>,
}

/// `GET /funds` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListFundsQuery {
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// Return funds after this id (the previous page's `next_after`).
    pub after: Option<Uuid>,
    /// As for a single fund: wait for the read model to pass this global position.
    #[param(minimum = 0)]
    pub min_position: Option<i64>,
}

/// `/healthz` answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    #[schema(example = "ok")]
    pub status: String,
}

/// `/readyz` answer when ready.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`.
    #[schema(example = "ready")]
    pub status: String,
    /// Each dependency and its state (`ok`).
    pub checks: std::collections::BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_follow_the_pattern() {
        for ok in [
            "0",
            "1",
            "1.5",
            "300000000.00",
            "-12.34",
            "1000000000000.00",
        ] {
            assert!(Amount::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1.001",
            "12.340",
            "1e5",
            " 1",
            "1.",
            ".5",
            "+1",
            "1,000",
            "10000000000000",
            "1000000000000.01",
            "--1",
        ] {
            assert!(Amount::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Amount::parse("1.5").unwrap().0.to_string(), "1.50");
    }

    #[test]
    fn bounded_numbers() {
        #[derive(Debug, Deserialize)]
        struct B {
            #[serde(deserialize_with = "at_most::<_, 120>")]
            n: u32,
            #[serde(default, deserialize_with = "optional_at_most::<_, 10>")]
            o: Option<u32>,
        }
        let b: B = serde_json::from_str(r#"{"n":120,"o":10}"#).unwrap();
        assert_eq!((b.n, b.o), (120, Some(10)));
        let b: B = serde_json::from_str(r#"{"n":0,"o":null}"#).unwrap();
        assert_eq!((b.n, b.o), (0, None));
        assert_eq!(serde_json::from_str::<B>(r#"{"n":1}"#).unwrap().o, None);
        for bad in [
            r#"{"n":121}"#,
            r#"{"n":1,"o":11}"#,
            r#"{"n":-1}"#,
            r#"{"n":1.5}"#,
        ] {
            assert!(serde_json::from_str::<B>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_are_strings_in_json() {
        assert!(serde_json::from_str::<Amount>("300000000.00").is_err());
        let a: Amount = serde_json::from_str("\"300000000\"").unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"300000000.00\"");
    }
}
