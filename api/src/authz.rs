//! The authorisation matrix: one table of every endpoint × every kind of caller, saying who
//! may call what and, for a scoped principal, on which funds, seats, LP accounts or versions.
//!
//! The rules themselves are enforced where they always were — the extractors and methods of
//! [`crate::auth`] and a few handlers — and this table states them declaratively. It is
//! checked from both sides: a unit test asserts it lists exactly the routes of
//! [`crate::routes::list`] (so a new endpoint cannot be added without saying who may call
//! it), and the integration test `api/tests/authz_matrix.rs` walks every cell over HTTP — every
//! refusal answered with exactly its status and code and writing nothing, every allowed call
//! answered with success — and checks every fund-scoped endpoint from another fund.
//! [`render::markdown`] renders it for `docs/API.md` ("Who may call what"), which a test keeps
//! identical to the table.
//!
//! A cell is about the caller's **own** fund (the fund its token is bound to, or one its token
//! covers); the column [`Entry::other_fund`] says what a principal bound to one fund gets on
//! another: the fund is hidden (`404 fund_not_found`), whatever its role, before anything else
//! is looked at.

mod policies;
pub mod render;
#[cfg(test)]
mod tests;

pub use policies::*;

use crate::auth::{Principal, Role};
use crate::routes::Verb;

/// The kinds of caller: the eight roles of [`crate::auth::Role`] and nobody (no token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Caller {
    /// The platform administrator.
    Admin,
    /// The manager of a fund.
    Manager,
    /// A committee member of a fund, in a seat.
    Member,
    /// An observer of a fund's committee.
    Observer,
    /// The custodian bank of a fund.
    Custodian,
    /// A limited partner of a fund.
    Lp,
    /// A regulator over a list of funds.
    Regulator,
    /// A liability-exemption authority over a list of funds.
    Authority,
    /// No (valid) token.
    Anonymous,
}

impl Caller {
    /// Every kind of caller, in the order of the table's columns.
    pub const ALL: [Caller; 9] = [
        Caller::Admin,
        Caller::Manager,
        Caller::Member,
        Caller::Observer,
        Caller::Custodian,
        Caller::Lp,
        Caller::Regulator,
        Caller::Authority,
        Caller::Anonymous,
    ];

    /// The role it stands for; `None` for no token.
    pub fn role(self) -> Option<Role> {
        match self {
            Caller::Admin => Some(Role::Admin),
            Caller::Manager => Some(Role::Manager),
            Caller::Member => Some(Role::Member),
            Caller::Observer => Some(Role::Observer),
            Caller::Custodian => Some(Role::Custodian),
            Caller::Lp => Some(Role::Lp),
            Caller::Regulator => Some(Role::Regulator),
            Caller::Authority => Some(Role::Authority),
            Caller::Anonymous => None,
        }
    }

    /// The column's name (the role's name; `anonymous` for no token).
    pub fn name(self) -> &'static str {
        self.role().map_or("anonymous", |role| role.as_str())
    }

    /// The kind of `principal`.
    pub fn of(principal: &Principal) -> Caller {
        let role = Some(principal.role());
        Caller::ALL
            .into_iter()
            .find(|caller| caller.role() == role)
            .unwrap_or(Caller::Anonymous)
    }
}

/// How far an allowed call reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// No token needed.
    Public,
    /// Every fund (the admin).
    AnyFund,
    /// The one fund the token is bound to.
    OwnFund,
    /// The funds the token lists (a regulator's or an authority's).
    CoveredFunds,
    /// Its fund, but of the LP accounts, calls, distributions and movements only its own
    /// account and lines (another LP's account, a call or a distribution without its line:
    /// `404` as if it did not exist).
    OwnLines,
    /// Its fund's reports, filed versions only (a draft: `404` as if it did not exist).
    FiledOnly,
    /// Its fund, for its own seat, on resolutions where its person holds that seat (another
    /// member's seat: `403 forbidden`).
    OwnSeat,
    /// Its fund, for its own person only (someone else: `403 forbidden`).
    OwnPerson,
    /// Its fund, for the statements of its own staff only (a committee member's:
    /// `403 forbidden`).
    ManagerStaff,
}

impl Scope {
    /// Every scope, in the order of the table's legend.
    pub const ALL: [Scope; 9] = [
        Scope::Public,
        Scope::AnyFund,
        Scope::OwnFund,
        Scope::CoveredFunds,
        Scope::OwnLines,
        Scope::FiledOnly,
        Scope::OwnSeat,
        Scope::OwnPerson,
        Scope::ManagerStaff,
    ];
}

/// What a kind of caller gets from an endpoint, on its own fund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// It may call it, within the scope.
    Allowed(Scope),
    /// `403 forbidden`: it may read the fund but not do this.
    Forbidden,
    /// `404 fund_not_found`: the fund is hidden from it (answered like a fund that does not
    /// exist).
    Hidden,
    /// `401 unauthenticated`: no token.
    Unauthenticated,
}

impl Access {
    /// The refusal's status and `code`; `None` when allowed.
    pub fn refusal(self) -> Option<(u16, &'static str)> {
        match self {
            Access::Allowed(_) => None,
            Access::Forbidden => Some((403, "forbidden")),
            Access::Hidden => Some((404, "fund_not_found")),
            Access::Unauthenticated => Some((401, "unauthenticated")),
        }
    }
}

/// What each kind of caller gets: one row of the table, shared by the endpoints that follow
/// the same rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The platform administrator.
    pub admin: Access,
    /// The fund's manager.
    pub manager: Access,
    /// A committee member of the fund.
    pub member: Access,
    /// An observer of the fund's committee.
    pub observer: Access,
    /// The fund's custodian.
    pub custodian: Access,
    /// An LP of the fund.
    pub lp: Access,
    /// A regulator covering the fund.
    pub regulator: Access,
    /// An authority covering the fund.
    pub authority: Access,
    /// No token.
    pub anonymous: Access,
}

impl Policy {
    /// What `caller` gets.
    pub fn get(&self, caller: Caller) -> Access {
        match caller {
            Caller::Admin => self.admin,
            Caller::Manager => self.manager,
            Caller::Member => self.member,
            Caller::Observer => self.observer,
            Caller::Custodian => self.custodian,
            Caller::Lp => self.lp,
            Caller::Regulator => self.regulator,
            Caller::Authority => self.authority,
            Caller::Anonymous => self.anonymous,
        }
    }
}

/// Where an endpoint names the fund it acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FundParam {
    /// `{fund_id}` in the path.
    Path,
    /// The `fund_id` query parameter (`/events`, `/reports`).
    Query,
    /// Nowhere: not about one fund (or about the token's own, `/me/…`).
    None,
}

/// One endpoint and who may call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Its method.
    pub verb: Verb,
    /// Its path, as in [`crate::routes::table`].
    pub path: &'static str,
    /// Where it names its fund.
    pub fund: FundParam,
    /// Who may call it, on its own fund.
    pub policy: Policy,
}

impl Entry {
    /// What `caller` gets on its own fund.
    pub fn access(&self, caller: Caller) -> Access {
        self.policy.get(caller)
    }

    /// What `caller`, bound to (or covering) one fund, gets on another fund; `None` for an
    /// endpoint not about one fund. The admin is bound to none: it gets what it gets anywhere.
    pub fn other_fund(&self, caller: Caller) -> Option<Access> {
        if self.fund == FundParam::None {
            return None;
        }
        Some(match caller {
            Caller::Admin => self.policy.admin,
            Caller::Anonymous => Access::Unauthenticated,
            _ => Access::Hidden,
        })
    }
}

/// An endpoint whose fund, if any, is in its path.
fn at(verb: Verb, path: &'static str, policy: Policy) -> Entry {
    let fund = if path.contains("{fund_id}") {
        FundParam::Path
    } else {
        FundParam::None
    };
    Entry {
        verb,
        path,
        fund,
        policy,
    }
}

/// An endpoint whose fund is the `fund_id` query parameter.
fn by_query(verb: Verb, path: &'static str, policy: Policy) -> Entry {
    Entry {
        verb,
        path,
        fund: FundParam::Query,
        policy,
    }
}

/// The matrix: every endpoint of [`crate::routes::table`], in its order, with its policy.
#[rustfmt::skip] // one endpoint a line, like a table
pub fn matrix() -> Vec<Entry> {
    use Verb::{Get, Post};
    vec![
        at(Post, "/funds", ADMIN_COMMAND),
        at(Get, "/funds", FUND_READ),
        at(Get, "/funds/{fund_id}", FUND_READ),
        at(Post, "/funds/{fund_id}/tranches", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/subscriptions", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/capital-calls", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/movements", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/movements/{movement_id}/confirmation", CUSTODIAN_COMMAND),
        at(Post, "/funds/{fund_id}/extensions", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/closing", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/fee-assessments", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/distributions", MANAGER_COMMAND),
        at(Get, "/funds/{fund_id}/overview", FUND_READ),
        at(Get, "/funds/{fund_id}/lps", LP_LINES_READ),
        at(Get, "/funds/{fund_id}/lps/{lp_id}", LP_LINES_READ),
        at(Get, "/funds/{fund_id}/calls", LP_LINES_READ),
        at(Get, "/funds/{fund_id}/calls/{call_id}", LP_LINES_READ),
        at(Get, "/funds/{fund_id}/fee-assessments", FUND_READ),
        at(Get, "/funds/{fund_id}/fee-assessments/{year}", FUND_READ),
        at(Get, "/funds/{fund_id}/distributions", LP_LINES_READ),
        at(Get, "/funds/{fund_id}/distributions/{distribution_id}", LP_LINES_READ),
        at(Get, "/funds/{fund_id}/movements", LP_LINES_READ),
        at(Get, "/funds/{fund_id}/portfolio", FUND_READ),
        at(Post, "/funds/{fund_id}/committee/seats/{seat}/appointment", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/committee/observers", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/resolutions", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/resolutions/{resolution_id}/meeting", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/resolutions/{resolution_id}/attendance", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/resolutions/{resolution_id}/meeting/opening", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/resolutions/{resolution_id}/meeting/closing", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/resolutions/{resolution_id}/votes", MEMBER_VOTE),
        at(Post, "/funds/{fund_id}/resolutions/{resolution_id}/comments", OBSERVER_COMMENT),
        at(Get, "/funds/{fund_id}/committee", FUND_READ),
        at(Get, "/funds/{fund_id}/resolutions", FUND_READ),
        at(Get, "/funds/{fund_id}/resolutions/{resolution_id}", FUND_READ),
        at(Get, "/funds/{fund_id}/members/{member_id}/votes", FUND_READ),
        at(Get, "/me/resolutions", MEMBER_INBOX),
        at(Post, "/funds/{fund_id}/projects", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/qualification-review", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/research", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/establishment", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/due-diligence", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/proposal", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/decision", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/agreement", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/paid-in", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/sub-funds", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/commitment-proposal", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/sub-fund-investments", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/rejection", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/withdrawal", MANAGER_COMMAND),
        at(Get, "/funds/{fund_id}/projects/board", FUND_READ),
        at(Get, "/funds/{fund_id}/projects", FUND_READ),
        at(Get, "/funds/{fund_id}/projects/{project_id}", FUND_READ),
        at(Post, "/funds/{fund_id}/projects/{project_id}/reports", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/triggers", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/supervisory-actions", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/injections", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/projects/{project_id}/exits", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/exemption-cases", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/exemption-cases/{case_id}/evaluation", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/exemption-cases/{case_id}/attestations", ATTESTATION),
        at(Post, "/funds/{fund_id}/exemption-cases/{case_id}/determination", DETERMINATION),
        at(Get, "/funds/{fund_id}/exemption-cases/{case_id}", FUND_READ),
        at(Get, "/funds/{fund_id}/exemption-cases/{case_id}/package", FUND_READ),
        at(Post, "/funds/{fund_id}/lps/{lp_id}/link", MANAGER_COMMAND),
        at(Post, "/funds/{fund_id}/reports", MANAGER_COMMAND),
        at(Get, "/funds/{fund_id}/reports", REPORT_READ),
        at(Get, "/funds/{fund_id}/reports/{kind}/{year}", REPORT_READ),
        at(Get, "/funds/{fund_id}/reports/{kind}/{year}/versions/{version}", REPORT_READ),
        at(Get, "/funds/{fund_id}/reports/{kind}/{year}/versions/{version}/verification", REPORT_READ),
        at(Post, "/funds/{fund_id}/reports/{kind}/{year}/versions/{version}/filing", MANAGER_COMMAND),
        by_query(Get, "/reports", REPORT_READ),
        by_query(Get, "/events", AUDIT_READ),
        at(Get, "/funds/{fund_id}/access-log", ACCESS_LOG_READ),
        at(Get, "/healthz", PUBLIC),
        at(Get, "/readyz", PUBLIC),
        at(Get, "/metrics", PUBLIC),
        at(Get, "/openapi.json", PUBLIC),
        at(Get, "/docs", PUBLIC),
    ]
}
