//! Typed identifiers, so a fund id can never be passed where another id is expected.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Identifies a fund (基金). Also its stream id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FundId(pub Uuid);

impl FundId {
    /// The fund's stream id in the event store.
    pub fn stream_id(&self) -> String {
        self.0.to_string()
    }
}

impl std::fmt::Display for FundId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Identifies a limited partner (出资人) of a fund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LpId(pub Uuid);

/// Identifies a capital call (缴款通知) of a fund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallId(pub Uuid);

/// Identifies a money movement at the custodian bank (托管银行): instructed by the manager,
/// confirmed by the custodian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MovementId(pub Uuid);

/// Identifies a distribution (分配) to the LPs of a fund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DistributionId(pub Uuid);

/// Identifies an exit (退出) of the fund from a portfolio company, partial or whole (Art. 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExitId(pub Uuid);

/// Identifies a member of an investment committee (a person holding a seat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MemberId(pub Uuid);

/// Identifies a non-voting observer of an investment committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ObserverId(pub Uuid);

/// Identifies a committee resolution (a ballot). Also its stream id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResolutionId(pub Uuid);

impl ResolutionId {
    /// The resolution's stream id in the event store.
    pub fn stream_id(&self) -> String {
        self.0.to_string()
    }
}

/// Identifies a project (项目) in a fund's pipeline. Also its stream id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProjectId(pub Uuid);

impl ProjectId {
    /// The project's stream id in the event store.
    pub fn stream_id(&self) -> String {
        self.0.to_string()
    }
}

/// Identifies a liability-exemption case (尽职免责, Art. 22–23) about one loss-making project.
/// Also its stream id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExemptionCaseId(pub Uuid);

impl ExemptionCaseId {
    /// The case's stream id in the event store.
    pub fn stream_id(&self) -> String {
        self.0.to_string()
    }
}
