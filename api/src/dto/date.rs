//! Calendar dates on the wire, in bodies and query strings: exactly `YYYY-MM-DD` (ISO 8601,
//! four-digit year, two-digit month and day), from [`MIN`] to [`MAX`]. chrono alone also
//! takes signed and five-digit years (`+12000-01-01`, `-0001-01-01`) and one-digit months
//! and days; those are refused here, while parsing, as the client's mistake (`422
//! invalid_request` in a body, `400 invalid_query` in a query string).
//!
//! Fields keep the type `NaiveDate` (so the OpenAPI document still says `type: string,
//! format: date`) and read through this module:
//! `#[serde(deserialize_with = "date::deserialize")]`, or `date::option::deserialize` with
//! `#[serde(default)]` for an optional date. Instants (`DateTime<Utc>`) read through
//! [`instant`]: RFC 3339 on a day of the same range. Dates inside the domain's own shapes
//! (an application's facts, a company report) are checked by their DTO before the shape
//! reads them (`dto::projects`).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

/// The earliest date accepted: 1 January 1900.
pub const MIN: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("1900-01-01 is a date"),
};

/// The latest date accepted: 31 December 9999.
pub const MAX: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => panic!("9999-12-31 is a date"),
};

/// Parses `YYYY-MM-DD` between [`MIN`] and [`MAX`]; `Err` says what is expected.
pub fn parse(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let date = shaped
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten();
    match date {
        Some(d) if (MIN..=MAX).contains(&d) => Ok(d),
        _ => Err(format!(
            "expected a date YYYY-MM-DD between {MIN} and {MAX}, got {s:?}"
        )),
    }
}

/// Reads a date with [`parse`].
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = String::deserialize(d)?;
    parse(&s).map_err(serde::de::Error::custom)
}

/// An optional date (`null` or absent: none); the field needs `#[serde(default)]`.
pub mod option {
    use super::{parse, Deserialize, Deserializer, NaiveDate};

    /// Reads an optional date with [`parse`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| parse(&s).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// Instants (a resolution's deadline, a meeting's time): RFC 3339 with a four-digit year,
/// e.g. `2024-06-30T09:00:00Z` or `2024-06-30T17:00:00+08:00`, on a day from [`MIN`] to
/// [`MAX`] in UTC.
pub mod instant {
    use super::{Deserialize, Deserializer, MAX, MIN};
    use chrono::{DateTime, Utc};

    /// Parses an RFC 3339 instant in the range; `Err` says what is expected.
    pub fn parse(s: &str) -> Result<DateTime<Utc>, String> {
        match DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)) {
            Ok(t) if (MIN..=MAX).contains(&t.date_naive()) => Ok(t),
            _ => Err(format!(
                "expected an RFC 3339 instant such as \"2024-06-30T09:00:00Z\" between \
                 {MIN} and {MAX}, got {s:?}"
            )),
        }
    }

    /// Reads an instant with [`parse`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_four_digit_years_in_range() {
        for ok in ["1900-01-01", "2024-02-29", "9999-12-31"] {
            assert_eq!(parse(ok).unwrap().to_string(), ok);
        }
        for bad in [
            "",
            "+12000-01-01",
            "-0001-01-01",
            "+2024-01-01",
            "12000-01-01",
            "1899-12-31",
            "0000-01-01",
            "2024-1-01",
            "2024-01-1",
            "2024-02-30",
            "2023-02-29",
            " 2024-01-01",
            "2024-01-01 ",
            "2024-01-01T00:00:00Z",
            "2024/01/01",
            "20240101",
            "２０２４-01-01",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn fields_read_through_the_module() {
        #[derive(Debug, serde::Deserialize)]
        struct Body {
            #[serde(deserialize_with = "deserialize")]
            on: NaiveDate,
            #[serde(default, deserialize_with = "option::deserialize")]
            until: Option<NaiveDate>,
        }
        let b: Body = serde_json::from_str(r#"{"on":"2024-03-01"}"#).unwrap();
        assert_eq!((b.on.to_string(), b.until), ("2024-03-01".to_owned(), None));
        let b: Body = serde_json::from_str(r#"{"on":"2024-03-01","until":null}"#).unwrap();
        assert_eq!(b.until, None);
        let b: Body = serde_json::from_str(r#"{"on":"2024-03-01","until":"9999-12-31"}"#).unwrap();
        assert_eq!(b.until, Some(MAX));
        for bad in [
            r#"{"on":"+12000-01-01"}"#,
            r#"{"on":"2024-03-01","until":"-0001-01-01"}"#,
            r#"{"on":20240301}"#,
        ] {
            assert!(serde_json::from_str::<Body>(bad).is_err(), "{bad}");
        }
        let query = |q: &str| {
            let uri: axum::http::Uri = format!("/x?{q}").parse().unwrap();
            axum::extract::Query::<Body>::try_from_uri(&uri).map(|q| q.0)
        };
        let q = query("on=2024-03-01&until=2024-04-01").unwrap();
        assert_eq!(
            q.until.map(|d| d.to_string()).as_deref(),
            Some("2024-04-01")
        );
        assert!(query("on=%2B12000-01-01").is_err());
        assert!(query("on=2024-03-01&until=-0001-01-01").is_err());
    }

    #[test]
    fn instants_are_rfc_3339_in_range() {
        for ok in [
            "2024-06-30T09:00:00Z",
            "2024-06-30T17:00:00+08:00",
            "2024-06-30T09:00:00.123Z",
            "9999-12-31T23:59:59Z",
        ] {
            assert!(instant::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "+12000-01-01T00:00:00Z",
            "-0001-01-01T00:00:00Z",
            "1899-12-31T23:59:59Z",
            "9999-12-31T23:00:00-05:00",
            "2024-6-30T09:00:00Z",
            "2024-06-30T09:00:00",
            "2024-06-30",
            "2024-06-30T09:00:00 UTC",
        ] {
            assert!(instant::parse(bad).is_err(), "{bad}");
        }
    }
}
