//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` attributes and
//! the DTOs' schemas; served at `/openapi.json` and printed by `fundadmin openapi`.

use crate::dto;
use crate::error::Problem;
use crate::routes::{
    access_log, audit, capital, committee, docs_page, exemption, funds, investments, ledger,
    lifecycle, ops, portfolio, project_reads, projects, reports, resolutions, sub_funds,
};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document's definition.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "fundadmin",
        description = "Fund administration for government angel and guidance funds. \
            Money is a decimal string with at most two decimals, dates are ISO 8601, ids are \
            UUIDv7. Errors are `application/problem+json` with a stable `code`. See docs/API.md.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    paths(
        funds::establish_fund,
        funds::list_funds,
        funds::get_fund,
        capital::open_tranche,
        capital::subscribe,
        capital::call_capital,
        capital::instruct_movement,
        capital::confirm_movement,
        capital::link_lp,
        lifecycle::extend_term,
        lifecycle::close_fund,
        lifecycle::assess_fee,
        lifecycle::declare_distribution,
        ledger::overview,
        ledger::lp_accounts,
        ledger::lp_account,
        ledger::calls,
        ledger::call,
        ledger::fee_assessments,
        ledger::fee_assessment,
        ledger::distributions,
        ledger::distribution,
        ledger::movements,
        portfolio::portfolio,
        committee::appoint_member,
        committee::appoint_observer,
        committee::open_resolution,
        committee::convene,
        committee::attendance,
        committee::open_meeting,
        committee::close_meeting,
        committee::vote,
        committee::comment,
        resolutions::get_committee,
        resolutions::list_resolutions,
        resolutions::get_resolution,
        resolutions::voting_record,
        resolutions::my_resolutions,
        projects::apply,
        projects::review,
        projects::research,
        projects::establish,
        projects::due_diligence,
        projects::propose,
        projects::decision,
        projects::agreement,
        projects::paid_in,
        sub_funds::apply_sub_fund,
        sub_funds::propose_commitment,
        sub_funds::report_investment,
        projects::reject,
        projects::withdraw,
        projects::report,
        projects::trigger,
        projects::supervise,
        investments::inject,
        investments::exit,
        exemption::open_case,
        exemption::evaluate_case,
        exemption::attest,
        exemption::determine,
        exemption::reads::get_case,
        exemption::reads::package,
        project_reads::board,
        project_reads::list,
        project_reads::get,
        reports::draft,
        reports::file,
        reports::reads::fund_reports,
        reports::reads::all_reports,
        reports::reads::report,
        reports::document::version_document,
        reports::document::verify_version,
        access_log::access_log,
        audit::events,
        ops::healthz,
        ops::readyz,
        ops::metrics,
        ops::openapi_json,
        docs_page::docs_page,
    ),
    components(schemas(
        Problem,
        dto::Amount,
        dto::FundKindDto,
        dto::LpKindDto,
        dto::MovementKindDto
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "funds", description = "Funds (基金): establishment and the funds read model."),
        (name = "capital", description = "Tranches (各期), LP subscriptions (认缴) and capital calls, by the fund's manager."),
        (name = "custody", description = "Money movements at the custodian bank (托管银行): instructed by the manager, confirmed by the custodian."),
        (name = "lifecycle", description = "The fund's term: extensions approved by the partners' meeting (and the government for guidance funds), closing."),
        (name = "fees", description = "Management fees (管理费, Art. 7): assessments per fee year with their segments."),
        (name = "distributions", description = "Distributions (分配) to the LPs pro rata to paid-in capital."),
        (name = "committee", description = "The investment committee (投资决策委员会, Art. 14): seats and observers, resolutions, on-site meetings, votes (4 of 5 seats pass), comments."),
        (name = "projects", description = "The project pipeline (Art. 13, 15): application, qualification review, research, establishment, due diligence, proposal checked against the limits, the committee's decision, agreement, paid-in matching; a guidance fund's commitments to sub-funds (SPEC §10) through the same steps, with the sub-fund's facts, the commitment checked against the guidance policy, and the sub-fund's portfolio investments for local reinvestment (返投)."),
        (name = "investments", description = "The fund's money in its investments: injections matched to paid-in (Art. 11), exits and write-offs (Art. 16)."),
        (name = "exemption", description = "Liability exemption (尽职免责, Art. 22–23): cases for loss-making projects, the procedural conditions evaluated from the event history with references to the events, attestations, the authority's determinations, and the evidence package `fundadmin verify --package` checks against the log."),
        (name = "reports", description = "Management reports (管理报告, SPEC §8, Art. 15(8), Art. 19): semiannual (due 30 July and 30 January) and annual (due 30 April), drafted by the reporting worker after each period ends from the events effective by its end, filed by the manager under the sha256 of the canonical bytes, amended by later versions when backdated events change them; served as JSON, CSV, XLSX or HTML, and verified against the log."),
        (name = "audit", description = "The audit feed: a fund's events as stored with their sha256 hash chain, for auditors to verify independently."),
        (name = "operations", description = "Health, readiness, metrics, this document and the page that renders it (`/docs`)."),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme the fund endpoints use.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.description = Some(
            "An opaque token `fa_<id>_<secret>` issued with `fundadmin token create`.".to_owned(),
        );
        components.add_security_scheme("bearer", SecurityScheme::Http(http));
    }
}

/// The document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
