//! Who is calling: bearer tokens, the [`Principal`] they stand for, and the
//! [`Authenticated`] and [`Admin`] extractors.
//!
//! A token reads `fa_<token id, 32 hex>_<secret, 64 hex>`. The secret is 32 random bytes
//! shown once at creation; only its sha256 is stored (`api_tokens.secret_hash`). A request is
//! authenticated by looking the token id up, comparing hashes in constant time, and refusing
//! revoked or expired tokens (all `401 unauthenticated`). What a principal may read or do is
//! decided by the methods here (`can_read_fund`, `visible_funds`, `is_admin`, `is_manager_of`,
//! `is_custodian_of`) and the [`FundActor`] extractor, so handlers
//! never match on roles themselves.

pub mod cache;
pub mod tokens;

use crate::error::ApiError;
use crate::extract::AppPath;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use domain::{FundId, MemberId, ObserverId};
use uuid::Uuid;

pub use tokens::{create_token, list_tokens, revoke_token, IssuedToken, TokenInfo};

/// The seats of the investment decision committee (投资决策委员会), numbered 1 to 5.
pub const SEATS: std::ops::RangeInclusive<i32> = 1..=5;

/// A role, as stored in `api_tokens.role` and named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Role {
    /// Operates the platform: establishes funds, sees everything.
    Admin,
    /// The fund manager (基金管理人) of one fund.
    Manager,
    /// A member of one fund's investment decision committee, in a seat.
    Member,
    /// An observer of one fund.
    Observer,
    /// The custodian bank (托管银行) of one fund.
    Custodian,
    /// A limited partner (出资人) of one fund.
    Lp,
    /// A regulator (监管机构) of an agency, over a list of funds.
    Regulator,
    /// An authority of an agency deciding liability-exemption cases (尽职免责), over funds.
    Authority,
}

impl Role {
    /// The stored name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Member => "member",
            Role::Observer => "observer",
            Role::Custodian => "custodian",
            Role::Lp => "lp",
            Role::Regulator => "regulator",
            Role::Authority => "authority",
        }
    }

    /// The role of a stored name.
    pub fn parse(name: &str) -> Option<Role> {
        use clap::ValueEnum;
        Role::value_variants()
            .iter()
            .copied()
            .find(|r| r.as_str() == name)
    }
}

/// The scope columns of a token, as stored and as given on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// The one fund of a fund-bound role.
    pub fund: Option<Uuid>,
    /// A committee member's seat.
    pub seat: Option<i32>,
    /// A limited partner's id.
    pub lp: Option<Uuid>,
    /// A regulator's or authority's agency.
    pub agency: Option<String>,
    /// A regulator's or authority's funds.
    pub funds: Vec<Uuid>,
    /// The person a committee token stands for: the member or the observer.
    pub person: Option<Uuid>,
}

/// Why a role and a scope do not make a principal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("role {role} {problem}")]
pub struct ScopeError {
    /// The role concerned.
    pub role: &'static str,
    /// What is wrong.
    pub problem: String,
}

/// Who a token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// Platform administrator.
    Admin,
    /// Manager of a fund.
    Manager {
        /// The fund.
        fund: FundId,
    },
    /// Committee member of a fund, in a seat (1..=5).
    Member {
        /// The fund.
        fund: FundId,
        /// The seat.
        seat: i32,
        /// The person holding it.
        member: MemberId,
    },
    /// Observer of a fund.
    Observer {
        /// The fund.
        fund: FundId,
        /// The person.
        observer: ObserverId,
    },
    /// Custodian of a fund.
    Custodian {
        /// The fund.
        fund: FundId,
    },
    /// Limited partner of a fund.
    Lp {
        /// The fund.
        fund: FundId,
        /// The limited partner.
        lp: Uuid,
    },
    /// Regulator of an agency over funds.
    Regulator {
        /// The agency.
        agency: String,
        /// The funds it oversees.
        funds: Vec<FundId>,
    },
    /// Liability-exemption authority of an agency over funds.
    Authority {
        /// The agency.
        agency: String,
        /// The funds it decides on.
        funds: Vec<FundId>,
    },
}

/// Which scope options a role takes: fund, seat, lp, agency, funds, person.
fn options_of(role: Role) -> [bool; 6] {
    match role {
        Role::Admin => [false; 6],
        Role::Manager | Role::Custodian => [true, false, false, false, false, false],
        Role::Observer => [true, false, false, false, false, true],
        Role::Member => [true, true, false, false, false, true],
        Role::Lp => [true, false, true, false, false, false],
        Role::Regulator | Role::Authority => [false, false, false, true, true, false],
    }
}

impl Principal {
    /// Builds a principal from a role and its scope: every option the role needs must be
    /// present and valid, every other one absent.
    pub fn from_scope(role: Role, scope: Scope) -> Result<Principal, ScopeError> {
        let err = |problem: String| ScopeError {
            role: role.as_str(),
            problem,
        };
        const NAMES: [&str; 6] = [
            "--fund", "--seat", "--lp", "--agency", "--funds", "--person",
        ];
        let given = [
            scope.fund.is_some(),
            scope.seat.is_some(),
            scope.lp.is_some(),
            scope.agency.is_some(),
            !scope.funds.is_empty(),
            scope.person.is_some(),
        ];
        for ((needed, given), name) in options_of(role).into_iter().zip(given).zip(NAMES) {
            if needed && !given {
                return Err(err(format!("needs {name}")));
            }
            if !needed && given {
                return Err(err(format!("takes no {name}")));
            }
        }
        let Scope {
            fund,
            seat,
            lp,
            agency,
            funds,
            person,
        } = scope;
        let agency = agency.map(|a| a.trim().to_owned());
        if agency.as_deref() == Some("") {
            return Err(err("needs a non-empty --agency".to_owned()));
        }
        let funds: Vec<FundId> = funds.into_iter().map(FundId).collect();
        // Presence was checked above; these only turn the options into values.
        let fund = || fund.map(FundId).ok_or_else(|| err("needs --fund".into()));
        let agency = || agency.clone().ok_or_else(|| err("needs --agency".into()));
        let person = || person.ok_or_else(|| err("needs --person".into()));
        Ok(match role {
            Role::Admin => Principal::Admin,
            Role::Manager => Principal::Manager { fund: fund()? },
            Role::Observer => Principal::Observer {
                fund: fund()?,
                observer: ObserverId(person()?),
            },
            Role::Custodian => Principal::Custodian { fund: fund()? },
            Role::Member => match seat {
                Some(seat) if SEATS.contains(&seat) => Principal::Member {
                    fund: fund()?,
                    seat,
                    member: MemberId(person()?),
                },
                _ => return Err(err("needs --seat between 1 and 5".into())),
            },
            Role::Lp => Principal::Lp {
                fund: fund()?,
                lp: lp.ok_or_else(|| err("needs --lp".into()))?,
            },
            Role::Regulator => Principal::Regulator {
                agency: agency()?,
                funds,
            },
            Role::Authority => Principal::Authority {
                agency: agency()?,
                funds,
            },
        })
    }

    /// The role.
    pub fn role(&self) -> Role {
        match self {
            Principal::Admin => Role::Admin,
            Principal::Manager { .. } => Role::Manager,
            Principal::Member { .. } => Role::Member,
            Principal::Observer { .. } => Role::Observer,
            Principal::Custodian { .. } => Role::Custodian,
            Principal::Lp { .. } => Role::Lp,
            Principal::Regulator { .. } => Role::Regulator,
            Principal::Authority { .. } => Role::Authority,
        }
    }

    /// The scope columns to store.
    pub fn scope(&self) -> Scope {
        let mut s = Scope::default();
        match self {
            Principal::Admin => {}
            Principal::Manager { fund } | Principal::Custodian { fund } => s.fund = Some(fund.0),
            Principal::Observer { fund, observer } => {
                s.fund = Some(fund.0);
                s.person = Some(observer.0);
            }
            Principal::Member { fund, seat, member } => {
                s.fund = Some(fund.0);
                s.seat = Some(*seat);
                s.person = Some(member.0);
            }
            Principal::Lp { fund, lp } => {
                s.fund = Some(fund.0);
                s.lp = Some(*lp);
            }
            Principal::Regulator { agency, funds } | Principal::Authority { agency, funds } => {
                s.agency = Some(agency.clone());
                s.funds = funds.iter().map(|f| f.0).collect();
            }
        }
        s
    }

    /// The actor written into event metadata, e.g. `admin`, `manager:<fund>`,
    /// `member:<fund>:<seat>:<member>`, `lp:<fund>:<lp>`, `regulator:<agency>`.
    pub fn actor(&self) -> String {
        match self {
            Principal::Admin => "admin".to_owned(),
            Principal::Manager { fund } => format!("manager:{fund}"),
            Principal::Member { fund, seat, member } => {
                format!("member:{fund}:{seat}:{}", member.0)
            }
            Principal::Observer { fund, observer } => format!("observer:{fund}:{}", observer.0),
            Principal::Custodian { fund } => format!("custodian:{fund}"),
            Principal::Lp { fund, lp } => format!("lp:{fund}:{lp}"),
            Principal::Regulator { agency, .. } => format!("regulator:{agency}"),
            Principal::Authority { agency, .. } => format!("authority:{agency}"),
        }
    }

    /// Whether this is the platform administrator.
    pub fn is_admin(&self) -> bool {
        matches!(self, Principal::Admin)
    }

    /// The funds this principal may read; `None` means all of them.
    pub fn visible_funds(&self) -> Option<Vec<FundId>> {
        match self {
            Principal::Admin => None,
            Principal::Manager { fund }
            | Principal::Member { fund, .. }
            | Principal::Observer { fund, .. }
            | Principal::Custodian { fund }
            | Principal::Lp { fund, .. } => Some(vec![*fund]),
            Principal::Regulator { funds, .. } | Principal::Authority { funds, .. } => {
                Some(funds.clone())
            }
        }
    }

    /// Whether this principal may read `fund`.
    pub fn can_read_fund(&self, fund: FundId) -> bool {
        self.visible_funds()
            .is_none_or(|funds| funds.contains(&fund))
    }

    /// Whether this is the manager (基金管理人) of `fund`: the maker of its commands.
    pub fn is_manager_of(&self, fund: FundId) -> bool {
        matches!(self, Principal::Manager { fund: f } if *f == fund)
    }

    /// Whether this is the custodian bank (托管银行) of `fund`: the checker of its movements.
    pub fn is_custodian_of(&self, fund: FundId) -> bool {
        matches!(self, Principal::Custodian { fund: f } if *f == fund)
    }
}

/// An authenticated request: the principal and the id of the token it used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    /// Who is calling.
    pub principal: Principal,
    /// The token's id (goes into event metadata; never the secret).
    pub token_id: Uuid,
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(ApiError::Unauthenticated("missing bearer token"));
        };
        let value = value
            .to_str()
            .map_err(|_| ApiError::Unauthenticated("malformed Authorization header"))?;
        let token = match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => return Err(ApiError::Unauthenticated("expected Authorization: Bearer")),
        };
        tokens::authenticate(&state.pool, state.tokens.as_deref(), token).await
    }
}

/// An authenticated administrator: anyone else is refused with `403 forbidden` before the
/// body is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin(pub Authenticated);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let auth = Authenticated::from_request_parts(parts, state).await?;
        if auth.principal.is_admin() {
            Ok(Admin(auth))
        } else {
            Err(ApiError::Forbidden("this needs an admin token"))
        }
    }
}

/// The capacity in which a principal acts on a fund (see [`FundActor`]).
pub trait FundCapacity {
    /// What the refusal says.
    const NEEDS: &'static str;
    /// Whether `principal` acts in this capacity on `fund`.
    fn holds(principal: &Principal, fund: FundId) -> bool;
}

/// The manager of the fund in the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsManager;

impl FundCapacity for AsManager {
    const NEEDS: &'static str = "this needs the token of the fund's manager";
    fn holds(principal: &Principal, fund: FundId) -> bool {
        principal.is_manager_of(fund)
    }
}

/// The custodian of the fund in the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsCustodian;

impl FundCapacity for AsCustodian {
    const NEEDS: &'static str = "this needs the token of the fund's custodian";
    fn holds(principal: &Principal, fund: FundId) -> bool {
        principal.is_custodian_of(fund)
    }
}

/// A committee member of the fund in the path (any seat).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsMember;

impl FundCapacity for AsMember {
    const NEEDS: &'static str = "this needs the token of a member of the fund's committee";
    fn holds(principal: &Principal, fund: FundId) -> bool {
        matches!(principal, Principal::Member { fund: f, .. } if *f == fund)
    }
}

/// An observer of the fund in the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsObserver;

impl FundCapacity for AsObserver {
    const NEEDS: &'static str = "this needs the token of an observer of the fund's committee";
    fn holds(principal: &Principal, fund: FundId) -> bool {
        matches!(principal, Principal::Observer { fund: f, .. } if *f == fund)
    }
}

#[derive(serde::Deserialize)]
struct FundPath {
    fund_id: Uuid,
}

/// An authenticated principal acting on the fund `{fund_id}` of the path in capacity `C`,
/// checked before the body is read: a principal who may not even read the fund gets
/// `404 fund_not_found` (as the reads answer it), one who may read it but not act in this
/// capacity `403 forbidden`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundActor<C> {
    /// Who is calling.
    pub auth: Authenticated,
    /// The fund of the path.
    pub fund: FundId,
    capacity: std::marker::PhantomData<C>,
}

impl<C: FundCapacity + Send + Sync> FromRequestParts<AppState> for FundActor<C> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let auth = Authenticated::from_request_parts(parts, state).await?;
        let AppPath(FundPath { fund_id }) = AppPath::from_request_parts(parts, state).await?;
        let fund = FundId(fund_id);
        if !auth.principal.can_read_fund(fund) {
            return Err(ApiError::FundNotFound);
        }
        if !C::holds(&auth.principal, fund) {
            return Err(ApiError::Forbidden(C::NEEDS));
        }
        Ok(FundActor {
            auth,
            fund,
            capacity: std::marker::PhantomData,
        })
    }
}

#[cfg(test)]
mod tests;
