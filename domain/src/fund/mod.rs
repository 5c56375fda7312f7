//! The fund aggregate (基金). This first cut knows establishment only; tranches,
//! subscriptions, calls, phases and fees arrive with the fund lifecycle.

use crate::{Aggregate, DomainEvent, FundId, Money, Rejection};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub mod phases;
pub mod policy;
#[cfg(test)]
mod tests;

/// The longest fund name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Angel fund (天使基金) or guidance fund (引导基金), SPEC §1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundKind {
    /// Direct equity into portfolio companies.
    Angel,
    /// Commits to sub-funds as a limited partner; may also invest directly.
    Guidance,
}

impl FundKind {
    /// The wire name (`angel` / `guidance`).
    pub fn as_str(&self) -> &'static str {
        match self {
            FundKind::Angel => "angel",
            FundKind::Guidance => "guidance",
        }
    }
}

/// The fund's state as folded from its events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fund {
    /// Established terms; `None` until [`FundEvent::FundEstablished`].
    pub terms: Option<FundTerms>,
}

/// What the establishment fixes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundTerms {
    /// The fund's registered name.
    pub name: String,
    /// Angel or guidance.
    pub kind: FundKind,
    /// Total size (总规模).
    pub total_size: Money,
    /// Establishment date (成立日), from which the term is counted (Art. 5).
    pub establishment_date: NaiveDate,
}

/// Commands on a fund.
#[derive(Debug, Clone)]
pub enum FundCommand {
    /// Establish the fund.
    Establish {
        /// The new fund's id.
        fund_id: FundId,
        /// Its terms.
        terms: FundTerms,
    },
}

/// Events of a fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum FundEvent {
    /// The fund was established.
    FundEstablished {
        /// The fund.
        fund_id: FundId,
        /// Its terms.
        #[serde(flatten)]
        terms: FundTerms,
    },
}

impl DomainEvent for FundEvent {
    fn event_type(&self) -> &'static str {
        match self {
            FundEvent::FundEstablished { .. } => "FundEstablished",
        }
    }

    fn effective_date(&self) -> Option<NaiveDate> {
        match self {
            FundEvent::FundEstablished { terms, .. } => Some(terms.establishment_date),
        }
    }
}

/// Why a fund command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FundError {
    /// The fund already exists.
    #[error("the fund is already established")]
    AlreadyEstablished,
    /// The command needs an established fund.
    #[error("no such fund")]
    NotEstablished,
    /// Empty name, or longer than [`MAX_NAME_CHARS`].
    #[error("the fund name must have 1 to {MAX_NAME_CHARS} characters")]
    InvalidName,
    /// The total size must be positive.
    #[error("the total size must be greater than zero")]
    NonPositiveSize,
}

impl Rejection for FundError {
    fn code(&self) -> &'static str {
        match self {
            FundError::AlreadyEstablished => "fund_already_established",
            FundError::NotEstablished => "fund_not_found",
            FundError::InvalidName => "invalid_fund_name",
            FundError::NonPositiveSize => "non_positive_fund_size",
        }
    }

    fn rule(&self) -> Option<&'static str> {
        match self {
            FundError::NonPositiveSize => Some("Art. 3"),
            _ => None,
        }
    }

    fn is_not_found(&self) -> bool {
        matches!(self, FundError::NotEstablished)
    }
}

impl Aggregate for Fund {
    const STREAM_TYPE: &'static str = "fund";
    type Command = FundCommand;
    type Event = FundEvent;
    type Error = FundError;

    fn decide(&self, command: &FundCommand) -> Result<Vec<FundEvent>, FundError> {
        match command {
            FundCommand::Establish { fund_id, terms } => {
                if self.terms.is_some() {
                    return Err(FundError::AlreadyEstablished);
                }
                let name = terms.name.trim();
                if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
                    return Err(FundError::InvalidName);
                }
                if !terms.total_size.is_positive() {
                    return Err(FundError::NonPositiveSize);
                }
                Ok(vec![FundEvent::FundEstablished {
                    fund_id: *fund_id,
                    terms: FundTerms {
                        name: name.to_owned(),
                        ..terms.clone()
                    },
                }])
            }
        }
    }

    fn evolve(&mut self, event: &FundEvent) {
        match event {
            FundEvent::FundEstablished { terms, .. } => self.terms = Some(terms.clone()),
        }
    }
}
