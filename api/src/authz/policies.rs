//! The named policies of the matrix: what each kind of caller gets, shared by the endpoints
//! that follow the same rule.

use super::{Access, Policy, Scope};

use Access::{Allowed, Forbidden, Unauthenticated};

/// Nobody with a token (`403`), nobody without (`401`): the base the policies add to.
const NOBODY: Policy = Policy {
    admin: Forbidden,
    manager: Forbidden,
    member: Forbidden,
    observer: Forbidden,
    custodian: Forbidden,
    lp: Forbidden,
    regulator: Forbidden,
    authority: Forbidden,
    anonymous: Unauthenticated,
};

/// The operational endpoints: anyone, without a token.
pub const PUBLIC: Policy = Policy {
    admin: Allowed(Scope::Public),
    manager: Allowed(Scope::Public),
    member: Allowed(Scope::Public),
    observer: Allowed(Scope::Public),
    custodian: Allowed(Scope::Public),
    lp: Allowed(Scope::Public),
    regulator: Allowed(Scope::Public),
    authority: Allowed(Scope::Public),
    anonymous: Allowed(Scope::Public),
};

/// Establishing a fund: the admin only.
pub const ADMIN_COMMAND: Policy = Policy {
    admin: Allowed(Scope::AnyFund),
    ..NOBODY
};

/// A read of a fund: whoever may read it (the fund's own principals, the regulators and
/// authorities covering it, the admin).
pub const FUND_READ: Policy = Policy {
    admin: Allowed(Scope::AnyFund),
    manager: Allowed(Scope::OwnFund),
    member: Allowed(Scope::OwnFund),
    observer: Allowed(Scope::OwnFund),
    custodian: Allowed(Scope::OwnFund),
    lp: Allowed(Scope::OwnFund),
    regulator: Allowed(Scope::CoveredFunds),
    authority: Allowed(Scope::CoveredFunds),
    anonymous: Unauthenticated,
};

/// A read of a fund's money by LP: as [`FUND_READ`], an LP seeing its own lines only.
pub const LP_LINES_READ: Policy = Policy {
    lp: Allowed(Scope::OwnLines),
    ..FUND_READ
};

/// Reports: the manager, the regulators covering the fund and the admin read everything, an
/// LP the filed versions; committee members, observers, the custodian and authorities none.
pub const REPORT_READ: Policy = Policy {
    admin: Allowed(Scope::AnyFund),
    manager: Allowed(Scope::OwnFund),
    lp: Allowed(Scope::FiledOnly),
    regulator: Allowed(Scope::CoveredFunds),
    ..NOBODY
};

/// The audit feed: the fund's manager, the regulators and authorities covering it, the admin.
pub const AUDIT_READ: Policy = Policy {
    admin: Allowed(Scope::AnyFund),
    manager: Allowed(Scope::OwnFund),
    regulator: Allowed(Scope::CoveredFunds),
    authority: Allowed(Scope::CoveredFunds),
    ..NOBODY
};

/// The access log of report and evidence reads: the fund's manager and the admin.
pub const ACCESS_LOG_READ: Policy = Policy {
    admin: Allowed(Scope::AnyFund),
    manager: Allowed(Scope::OwnFund),
    ..NOBODY
};

/// A member's inbox of resolutions awaiting its vote.
pub const MEMBER_INBOX: Policy = Policy {
    member: Allowed(Scope::OwnSeat),
    ..NOBODY
};

/// A command of the fund's manager (the maker).
pub const MANAGER_COMMAND: Policy = Policy {
    manager: Allowed(Scope::OwnFund),
    ..NOBODY
};

/// A command of the fund's custodian (the checker): confirming a movement.
pub const CUSTODIAN_COMMAND: Policy = Policy {
    custodian: Allowed(Scope::OwnFund),
    ..NOBODY
};

/// A vote: a committee member, for its own seat.
pub const MEMBER_VOTE: Policy = Policy {
    member: Allowed(Scope::OwnSeat),
    ..NOBODY
};

/// A comment: an observer of the fund's committee.
pub const OBSERVER_COMMENT: Policy = Policy {
    observer: Allowed(Scope::OwnFund),
    ..NOBODY
};

/// A liability-exemption attestation: a covered committee member for itself, the manager for
/// its covered staff.
pub const ATTESTATION: Policy = Policy {
    manager: Allowed(Scope::ManagerStaff),
    member: Allowed(Scope::OwnPerson),
    ..NOBODY
};

/// A liability-exemption determination: an authority covering the fund.
pub const DETERMINATION: Policy = Policy {
    authority: Allowed(Scope::CoveredFunds),
    ..NOBODY
};
