//! The route table: the one list of (method, path, handler) the router is built from and the
//! OpenAPI document is checked against, and the fallbacks for unknown routes and methods.

pub mod access_log;
pub mod audit;
pub mod capital;
mod command;
pub mod committee;
pub mod docs_page;
pub mod exemption;
pub mod funds;
pub mod investments;
pub mod ledger;
pub mod lifecycle;
pub mod ops;
pub mod portfolio;
pub mod project_reads;
pub mod projects;
pub mod reports;
pub mod resolutions;
pub mod sub_funds;

use crate::error::ApiError;
use crate::state::AppState;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{on, MethodFilter, MethodRouter};

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// `GET` (also answers `HEAD`).
    Get,
    /// `POST`.
    Post,
}

impl Verb {
    /// As an HTTP method.
    pub fn method(self) -> Method {
        match self {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
        }
    }
}

/// One route.
pub struct Route {
    /// Its method.
    pub verb: Verb,
    /// Its path, in the syntax axum and OpenAPI share (`/funds/{fund_id}`).
    pub path: &'static str,
    /// Its handler.
    pub handler: MethodRouter<AppState>,
}

fn route<H: Handler<T, AppState>, T: 'static>(verb: Verb, path: &'static str, handler: H) -> Route {
    Route {
        verb,
        path,
        handler: on(verb.filter(), handler),
    }
}

/// Every route the API serves.
pub fn table() -> Vec<Route> {
    vec![
        route(Verb::Post, "/funds", funds::establish_fund),
        route(Verb::Get, "/funds", funds::list_funds),
        route(Verb::Get, "/funds/{fund_id}", funds::get_fund),
        route(
            Verb::Post,
            "/funds/{fund_id}/tranches",
            capital::open_tranche,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/subscriptions",
            capital::subscribe,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/capital-calls",
            capital::call_capital,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/movements",
            capital::instruct_movement,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/movements/{movement_id}/confirmation",
            capital::confirm_movement,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/extensions",
            lifecycle::extend_term,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/closing",
            lifecycle::close_fund,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/fee-assessments",
            lifecycle::assess_fee,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/distributions",
            lifecycle::declare_distribution,
        ),
        route(Verb::Get, "/funds/{fund_id}/overview", ledger::overview),
        route(Verb::Get, "/funds/{fund_id}/lps", ledger::lp_accounts),
        route(
            Verb::Get,
            "/funds/{fund_id}/lps/{lp_id}",
            ledger::lp_account,
        ),
        route(Verb::Get, "/funds/{fund_id}/calls", ledger::calls),
        route(Verb::Get, "/funds/{fund_id}/calls/{call_id}", ledger::call),
        route(
            Verb::Get,
            "/funds/{fund_id}/fee-assessments",
            ledger::fee_assessments,
        ),
        route(
            Verb::Get,
            "/funds/{fund_id}/fee-assessments/{year}",
            ledger::fee_assessment,
        ),
        route(
            Verb::Get,
            "/funds/{fund_id}/distributions",
            ledger::distributions,
        ),
        route(
            Verb::Get,
            "/funds/{fund_id}/distributions/{distribution_id}",
            ledger::distribution,
        ),
        route(Verb::Get, "/funds/{fund_id}/movements", ledger::movements),
        route(
            Verb::Get,
            "/funds/{fund_id}/portfolio",
            portfolio::portfolio,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/committee/seats/{seat}/appointment",
            committee::appoint_member,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/committee/observers",
            committee::appoint_observer,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/resolutions",
            committee::open_resolution,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/resolutions/{resolution_id}/meeting",
            committee::convene,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/resolutions/{resolution_id}/attendance",
            committee::attendance,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/resolutions/{resolution_id}/meeting/opening",
            committee::open_meeting,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/resolutions/{resolution_id}/meeting/closing",
            committee::close_meeting,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/resolutions/{resolution_id}/votes",
            committee::vote,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/resolutions/{resolution_id}/comments",
            committee::comment,
        ),
        route(
            Verb::Get,
            "/funds/{fund_id}/committee",
            resolutions::get_committee,
        ),
        route(
            Verb::Get,
            "/funds/{fund_id}/resolutions",
            resolutions::list_resolutions,
        ),
        route(
            Verb::Get,
            "/funds/{fund_id}/resolutions/{resolution_id}",
            resolutions::get_resolution,
        ),
        route(
            Verb::Get,
            "/funds/{fund_id}/members/{member_id}/votes",
            resolutions::voting_record,
        ),
        route(Verb::Get, "/me/resolutions", resolutions::my_resolutions),
        route(Verb::Post, "/funds/{fund_id}/projects", projects::apply),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/qualification-review",
            projects::review,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/research",
            projects::research,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/establishment",
            projects::establish,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/due-diligence",
            projects::due_diligence,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/proposal",
            projects::propose,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/decision",
            projects::decision,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/agreement",
            projects::agreement,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/paid-in",
            projects::paid_in,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/sub-funds",
            sub_funds::apply_sub_fund,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/commitment-proposal",
            sub_funds::propose_commitment,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/sub-fund-investments",
            sub_funds::report_investment,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/rejection",
            projects::reject,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/withdrawal",
            projects::withdraw,
        ),
        route(
            Verb::Get,
            "/funds/{fund_id}/projects/board",
            project_reads::board,
        ),
        route(Verb::Get, "/funds/{fund_id}/projects", project_reads::list),
        route(
            Verb::Get,
            "/funds/{fund_id}/projects/{project_id}",
            project_reads::get,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/reports",
            projects::report,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/triggers",
            projects::trigger,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/supervisory-actions",
            projects::supervise,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/injections",
            investments::inject,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/projects/{project_id}/exits",
            investments::exit,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/exemption-cases",
            exemption::open_case,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/exemption-cases/{case_id}/evaluation",
            exemption::evaluate_case,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/exemption-cases/{case_id}/attestations",
            exemption::attest,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/exemption-cases/{case_id}/determination",
            exemption::determine,
        ),
        route(
            Verb::Get,
            "/funds/{fund_id}/exemption-cases/{case_id}",
            exemption::reads::get_case,
        ),
        route(
            Verb::Get,
            "/funds/{fund_id}/exemption-cases/{case_id}/package",
            exemption::reads::package,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/lps/{lp_id}/link",
            capital::link_lp,
        ),
        route(Verb::Post, "/funds/{fund_id}/reports", reports::draft),
        route(
            Verb::Get,
            "/funds/{fund_id}/reports",
            reports::reads::fund_reports,
        ),
        route(
            Verb::Get,
            "/funds/{fund_id}/reports/{kind}/{year}",
            reports::reads::report,
        ),
        route(
            Verb::Get,
            "/funds/{fund_id}/reports/{kind}/{year}/versions/{version}",
            reports::document::version_document,
        ),
        route(
            Verb::Get,
            "/funds/{fund_id}/reports/{kind}/{year}/versions/{version}/verification",
            reports::document::verify_version,
        ),
        route(
            Verb::Post,
            "/funds/{fund_id}/reports/{kind}/{year}/versions/{version}/filing",
            reports::file,
        ),
        route(Verb::Get, "/reports", reports::reads::all_reports),
        route(Verb::Get, "/events", audit::events),
        route(
            Verb::Get,
            "/funds/{fund_id}/access-log",
            access_log::access_log,
        ),
        route(Verb::Get, "/healthz", ops::healthz),
        route(Verb::Get, "/readyz", ops::readyz),
        route(Verb::Get, "/metrics", ops::metrics),
        route(Verb::Get, "/openapi.json", ops::openapi_json),
        route(Verb::Get, "/docs", docs_page::docs_page),
    ]
}

/// The method and path of every route (for tests and docs).
pub fn list() -> Vec<(Method, &'static str)> {
    table()
        .into_iter()
        .map(|r| (r.verb.method(), r.path))
        .collect()
}

/// Unknown route: `404 not_found`.
pub async fn not_found() -> ApiError {
    ApiError::RouteNotFound
}

/// Known route, other method: `405 method_not_allowed`.
pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
