//! A version's document, in the format asked (`?format=` or `Accept`): the canonical JSON
//! bytes exactly as hashed, one table as CSV (`?table=`), an XLSX workbook with a sheet per
//! table, or a printable HTML page with Chinese section titles; and the verification of a
//! version against the log.

use super::reads::visible;
use super::{access, period, Access};
use crate::auth::Authenticated;
use crate::dto::reports::Verification;
use crate::error::ApiError;
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::routes::access_log::{self, Read};
use crate::routes::ledger::ReadProblems;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use domain::report::filing;
use domain::FundId;
use projections::reports::{self, VersionView};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use workers::reports::generate::{self, sha256_hex};
use workers::reports::render::{self, Format};

/// The sha256 of the canonical document, on every representation of it.
pub const REPORT_SHA256: HeaderName = HeaderName::from_static("fundadmin-report-sha256");

/// `GET …/versions/{version}` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// `json` (the canonical bytes), `csv`, `xlsx` or `html`; overrides `Accept`.
    pub format: Option<String>,
    /// The table, for `csv` (e.g. `lps`, `investments.lines`); a request without it lists
    /// the tables in its problem.
    pub table: Option<String>,
}

use super::VersionPath;

/// The version `number` of the report in the path, if `auth` may see it.
async fn find_version(
    state: &AppState,
    auth: &Authenticated,
    (fund, kind, year, number): (Uuid, &str, i32, i32),
) -> Result<(VersionView, domain::report::Period), ApiError> {
    let access: Access = access(auth, FundId(fund))?;
    let period = period(kind, year)?;
    let client = state.pool.get().await?;
    let versions = visible(
        reports::versions(&**client, &filing::stream_id(FundId(fund), period))
            .await
            .map_err(ApiError::internal)?,
        access,
    );
    let version = versions
        .into_iter()
        .find(|v| v.version == number)
        .ok_or(ApiError::NotFound {
            code: "report_version_not_found",
            detail: "no such version of this report",
        })?;
    Ok((version, period))
}

/// The canonical bytes of a version: kept under its hash, or generated again from the log at
/// its cut (and checked against the hash).
async fn canonical(
    state: &AppState,
    fund: Uuid,
    version: &VersionView,
    period: &domain::report::Period,
) -> Result<Vec<u8>, ApiError> {
    if let Some(bytes) = generate::document(&state.pool, &version.sha256)
        .await
        .map_err(ApiError::internal)?
    {
        return Ok(bytes);
    }
    let generated = generate::generate(&state.pool, FundId(fund), period, Some(&version.snapshot))
        .await
        .map_err(ApiError::internal)?;
    if generated.sha256 != version.sha256 {
        return Err(ApiError::internal(anyhow::anyhow!(
            "report {} v{} regenerates to {} instead of {}",
            fund,
            version.version,
            generated.sha256,
            version.sha256
        )));
    }
    Ok(generated.bytes)
}

fn format(query: &DocumentQuery, headers: &HeaderMap) -> Result<Format, ApiError> {
    if let Some(f) = &query.format {
        return Format::from_query(f).ok_or_else(|| {
            ApiError::InvalidQuery("format must be json, csv, xlsx or html".to_owned())
        });
    }
    match headers.get(header::ACCEPT).and_then(|a| a.to_str().ok()) {
        None => Ok(Format::Json),
        Some(accept) => Format::from_accept(accept).ok_or_else(|| {
            ApiError::Other(
                StatusCode::NOT_ACCEPTABLE,
                "this resource is served as application/json, text/csv, text/html or \
                 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    .to_owned(),
            )
        }),
    }
}

/// A version of a report: the canonical JSON (the bytes whose sha256 the log records), one
/// table as CSV, an XLSX workbook or a printable HTML page. An LP reads filed versions only.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/reports/{kind}/{year}/versions/{version}",
    tag = "reports",
    params(
        ("fund_id" = Uuid, Path, description = "The fund"),
        ("kind" = String, Path, description = "`h1`, `h2` or `annual`"),
        ("year" = i32, Path, description = "The year"),
        ("version" = i32, Path, description = "The version"),
        DocumentQuery
    ),
    responses(
        (status = 200, description = "The document; header `Fundadmin-Report-Sha256` carries the sha256 of its canonical JSON",
            content(
                (Object = "application/json"),
                (String = "text/csv"),
                (String = "text/html"),
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            )),
        (status = 406, description = "No acceptable format (`http_error`)", body = crate::error::Problem, content_type = "application/problem+json"),
        ReadProblems
    ),
    security(("bearer" = []))
)]
pub async fn version_document(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(path): AppPath<VersionPath>,
    AppQuery(query): AppQuery<DocumentQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let format = format(&query, &headers)?;
    let VersionPath {
        fund_id: fund,
        kind,
        year,
        version: number,
    } = path;
    let (version, period) = find_version(&state, &auth, (fund, &kind, year, number)).await?;
    access_log::record(&state, &auth, fund, Read::ReportDocument, &uri).await?;
    let bytes = canonical(&state, fund, &version, &period).await?;
    let extra = vec![
        ("fund_id".to_owned(), fund.to_string()),
        ("version".to_owned(), version.version.to_string()),
        ("status".to_owned(), version.status.clone()),
        ("sha256".to_owned(), version.sha256.clone()),
    ];
    let name = format!(
        "report-{fund}-{kind}-{year}-v{}.{}",
        version.version,
        format.extension()
    );
    let render_error = |e: render::RenderError| ApiError::internal(anyhow::anyhow!("{e}"));
    let body: Vec<u8> = match format {
        Format::Json => bytes,
        Format::Csv => {
            let tables = render::tables_from_slice(&bytes, &extra).map_err(render_error)?;
            let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
            let wanted = query.table.as_deref().ok_or_else(|| {
                ApiError::InvalidQuery(format!(
                    "format=csv needs table=, one of: {}",
                    names.join(", ")
                ))
            })?;
            let table = tables.iter().find(|t| t.name == wanted).ok_or_else(|| {
                ApiError::InvalidQuery(format!(
                    "no table {wanted:?}; the tables are: {}",
                    names.join(", ")
                ))
            })?;
            render::csv_table(table).into_bytes()
        }
        Format::Xlsx => {
            let tables = render::tables_from_slice(&bytes, &extra).map_err(render_error)?;
            render::xlsx_tables(&tables).map_err(render_error)?
        }
        Format::Html => {
            let tables = render::tables_from_slice(&bytes, &extra).map_err(render_error)?;
            render::html_tables(&tables).into_bytes()
        }
    };
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    let disposition = match format {
        Format::Csv | Format::Xlsx => format!("attachment; filename=\"{name}\""),
        Format::Json | Format::Html => format!("inline; filename=\"{name}\""),
    };
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::try_from(disposition).map_err(ApiError::internal)?,
    );
    h.insert(
        REPORT_SHA256,
        HeaderValue::try_from(version.sha256.as_str()).map_err(ApiError::internal)?,
    );
    h.insert(header::VARY, HeaderValue::from_static("accept"));
    Ok(response)
}

/// Verifies a version: the sha256 its event recorded, the sha256 of the document kept, and
/// the sha256 of the document generated again from the log at the version's cut. They agree
/// unless the log or the documents were tampered with.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/reports/{kind}/{year}/versions/{version}/verification",
    tag = "reports",
    params(
        ("fund_id" = Uuid, Path, description = "The fund"),
        ("kind" = String, Path, description = "`h1`, `h2` or `annual`"),
        ("year" = i32, Path, description = "The year"),
        ("version" = i32, Path, description = "The version"),
    ),
    responses((status = 200, description = "The three hashes and whether they agree", body = Verification), ReadProblems),
    security(("bearer" = []))
)]
pub async fn verify_version(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(path): AppPath<VersionPath>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let VersionPath {
        fund_id: fund,
        kind,
        year,
        version: number,
    } = path;
    let (version, period) = find_version(&state, &auth, (fund, &kind, year, number)).await?;
    access_log::record(&state, &auth, fund, Read::ReportVerification, &uri).await?;
    let stored = generate::document(&state.pool, &version.sha256)
        .await
        .map_err(ApiError::internal)?
        .map(|b| sha256_hex(&b));
    let regenerated =
        generate::generate(&state.pool, FundId(fund), &period, Some(&version.snapshot))
            .await
            .map_err(ApiError::internal)?;
    let body = Verification {
        version: version.version,
        matches: stored.as_deref() == Some(version.sha256.as_str())
            && regenerated.sha256 == version.sha256,
        recorded_sha256: version.sha256,
        stored_sha256: stored,
        regenerated_sha256: regenerated.sha256,
        cut: version.cut,
    };
    Ok(AppJson(body).into_response())
}
