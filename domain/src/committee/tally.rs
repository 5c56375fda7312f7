//! Counting a resolution's votes (SPEC §4, Art. 14): it passes the moment approvals reach
//! the quorum (4 of the 5 seats, not of those present) and fails the moment the quorum has
//! become impossible, because the seats that rejected, abstained, recused themselves or cannot
//! vote (vacant) leave too few to approve. Otherwise it is still open, until its deadline.

use serde::{Deserialize, Serialize};

/// How a seat voted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// 同意.
    Approve,
    /// 不同意.
    Reject,
    /// 弃权.
    Abstain,
    /// 回避: a conflict of interest; counts as not approving.
    Recuse,
}

impl Choice {
    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Choice::Approve => "approve",
            Choice::Reject => "reject",
            Choice::Abstain => "abstain",
            Choice::Recuse => "recuse",
        }
    }
}

/// The count of a resolution's seats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Seats that approved.
    pub approvals: u32,
    /// Seats that rejected.
    pub rejections: u32,
    /// Seats that abstained.
    pub abstentions: u32,
    /// Seats that recused themselves.
    pub recusals: u32,
    /// Seats that may still vote.
    pub outstanding: u32,
    /// Seats that cannot vote (vacant when the resolution was opened).
    pub vacant: u32,
}

/// What a tally decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Approvals reached the quorum.
    Passed,
    /// The quorum can no longer be reached.
    Failed,
    /// Neither yet.
    Open,
}

impl Tally {
    /// Counts `votes` over `seats` seats of which `vacant` cannot vote.
    pub fn count(seats: u32, vacant: u32, votes: impl IntoIterator<Item = Choice>) -> Tally {
        let mut t = Tally {
            vacant,
            ..Tally::default()
        };
        for choice in votes {
            match choice {
                Choice::Approve => t.approvals += 1,
                Choice::Reject => t.rejections += 1,
                Choice::Abstain => t.abstentions += 1,
                Choice::Recuse => t.recusals += 1,
            }
        }
        t.outstanding = seats.saturating_sub(vacant + t.cast());
        t
    }

    /// Votes cast.
    pub fn cast(&self) -> u32 {
        self.approvals + self.rejections + self.abstentions + self.recusals
    }

    /// The most approvals still reachable: those cast plus every seat that may still vote.
    pub fn reachable(&self) -> u32 {
        self.approvals + self.outstanding
    }

    /// The decision with `quorum` approvals needed.
    pub fn decide(&self, quorum: u32) -> Decision {
        if self.approvals >= quorum {
            Decision::Passed
        } else if self.reachable() < quorum {
            Decision::Failed
        } else {
            Decision::Open
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Choice::*;

    fn decide(votes: &[Choice]) -> Decision {
        Tally::count(5, 0, votes.iter().copied()).decide(4)
    }

    #[test]
    fn four_approvals_of_five_seats_pass() {
        assert_eq!(decide(&[Approve, Approve, Approve]), Decision::Open);
        assert_eq!(
            decide(&[Approve, Approve, Approve, Approve]),
            Decision::Passed
        );
        assert_eq!(
            decide(&[Approve, Approve, Approve, Reject, Approve]),
            Decision::Passed
        );
    }

    #[test]
    fn two_seats_not_approving_fail_at_once() {
        assert_eq!(decide(&[Reject]), Decision::Open);
        assert_eq!(decide(&[Reject, Abstain]), Decision::Failed);
        assert_eq!(decide(&[Recuse, Recuse]), Decision::Failed);
        assert_eq!(
            decide(&[Approve, Approve, Approve, Reject, Reject]),
            Decision::Failed
        );
    }

    #[test]
    fn three_approvals_and_a_recusal_with_one_outstanding_is_still_open() {
        let t = Tally::count(5, 0, [Approve, Approve, Approve, Recuse]);
        assert_eq!(t.outstanding, 1);
        assert_eq!(t.decide(4), Decision::Open);
    }

    #[test]
    fn a_vacant_seat_cannot_approve() {
        assert_eq!(Tally::count(5, 1, [Reject]).decide(4), Decision::Failed);
        let t = Tally::count(5, 1, [Approve, Approve, Approve, Approve]);
        assert_eq!((t.outstanding, t.decide(4)), (0, Decision::Passed));
    }
}
