//! The [`Builder`] of the report's test histories: it runs the real aggregates (fund,
//! committee, projects, resolutions, exemption cases) command by command, so that every event
//! of a history is one the domain would have recorded.

use super::fixture::*;
use crate::aggregate::given;
use crate::committee::membership::{Committee, CommitteeCommand, CommitteeEvent};
use crate::committee::{
    Attendee, Mode, Resolution, ResolutionCommand, ResolutionEvent, SeatHolder, Subject,
};
use crate::exemption::{ExemptionCase, ExemptionEvent};
use crate::fund::custody::MovementKind;
use crate::fund::phases::Phase;
use crate::fund::policy::{FundPolicy, InvestmentPolicy};
use crate::fund::{Fund, FundCommand, FundEvent};
use crate::investment::Proposal;
use crate::project::{
    DecisionFacts, DueDiligenceKind, Project, ProjectCommand, ProjectEvent, ResearchOutcome,
};
use crate::{Aggregate, ExemptionCaseId, FundId, Money, MovementId, ProjectId, ResolutionId};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The histories being built, one per stream.
#[derive(Default)]
pub struct Builder {
    /// The fund's stream.
    pub fund: Vec<FundEvent>,
    /// The committee stream.
    pub committee: Vec<CommitteeEvent>,
    /// The project streams.
    pub projects: BTreeMap<ProjectId, Vec<ProjectEvent>>,
    /// The resolution streams.
    pub resolutions: BTreeMap<ResolutionId, Vec<ResolutionEvent>>,
    /// The case streams.
    pub cases: BTreeMap<ExemptionCaseId, Vec<ExemptionEvent>>,
    movements: u128,
}

/// Runs `command` on the aggregate of `history` and appends its events; panics on a refusal.
pub fn run<A: Aggregate>(history: &mut Vec<A::Event>, command: &A::Command)
where
    A::Command: std::fmt::Debug,
{
    let events = given::<A>(history)
        .when(command)
        .unwrap_or_else(|e| panic!("{command:?} refused: {e}"));
    history.extend(events);
}

impl Builder {
    /// Runs fund commands.
    pub fn fund(&mut self, commands: impl IntoIterator<Item = FundCommand>) {
        for command in commands {
            run::<Fund>(&mut self.fund, &command);
        }
    }

    /// The next movement id.
    pub fn movement(&mut self) -> MovementId {
        self.movements += 1;
        MovementId(Uuid::from_u128(self.movements))
    }

    /// A movement of `kind` instructed with value date `on` and confirmed on `on`.
    pub fn pay(&mut self, kind: MovementKind, amount: Money, on: &str) {
        let movement_id = self.movement();
        self.fund([
            FundCommand::InstructMovement {
                movement_id,
                kind,
                amount,
                value_date: d(on),
            },
            FundCommand::ConfirmMovement {
                movement_id,
                executed_on: d(on),
            },
        ]);
    }

    /// Runs project commands on project `id`.
    pub fn project(&mut self, id: ProjectId, commands: impl IntoIterator<Item = ProjectCommand>) {
        let history = self.projects.entry(id).or_default();
        for command in commands {
            run::<Project>(history, &command);
        }
    }

    /// Runs a committee command.
    pub fn committee(&mut self, command: CommitteeCommand) {
        run::<Committee>(&mut self.committee, &command);
    }

    /// Runs a case command on case `id`.
    pub fn case(&mut self, id: ExemptionCaseId, command: crate::exemption::ExemptionCommand) {
        run::<ExemptionCase>(self.cases.entry(id).or_default(), &command);
    }

    /// The seats of `fund`'s committee as they stand, each with its member.
    pub fn seats(&self, fund: FundId) -> Vec<SeatHolder> {
        let ours = self.committee.iter().filter(|e| match e {
            CommitteeEvent::MemberAppointed { fund_id, .. }
            | CommitteeEvent::ObserverAppointed { fund_id, .. } => *fund_id == fund,
        });
        let committee = Committee::replay(ours);
        let bodies = FundPolicy::default().committee.seats;
        bodies
            .into_iter()
            .zip(1..)
            .map(|(body, seat)| SeatHolder {
                seat,
                body,
                member: committee.seats.get(&seat).map(|a| a.member),
            })
            .collect()
    }

    /// Opens `ballot` before the committee as it stands and casts its votes (on site: the
    /// meeting is convened, every seat attends, it opens, the votes are cast and it closes).
    pub fn ballot(&mut self, ballot: Ballot) {
        let policy = FundPolicy::default().committee;
        let mut history = Vec::new();
        let open = ResolutionCommand::Open {
            resolution_id: ballot.id,
            fund_id: ballot.fund,
            subject: Subject {
                kind: ballot.kind,
                title: ballot.title.into(),
                reference: ballot.reference.clone(),
            },
            amount: ballot.amount,
            mode: ballot.mode,
            deadline: at(ballot.day, 7 * 24 * 60),
            seats: self.seats(ballot.fund),
            observers: vec![observer(1), observer(2), observer(3)],
            quorum: policy.approvals_to_pass,
            written_vote_max: policy.written_vote_max,
            documents: vec![],
            now: at(ballot.day, 0),
        };
        run::<Resolution>(&mut history, &open);
        let now = |minute: i64| at(ballot.day, minute);
        let mut commands = Vec::new();
        if ballot.mode == Mode::OnSite {
            commands.push(ResolutionCommand::Convene {
                meets_at: now(30),
                place: "昆山市科创办会议室".into(),
                now: now(1),
            });
            for seat in 1..=5 {
                let attendee = Attendee::Member { seat };
                commands.push(ResolutionCommand::RecordAttendance {
                    attendee,
                    now: now(30),
                });
            }
            commands.push(ResolutionCommand::OpenMeeting { now: now(31) });
        }
        for (observer, text) in &ballot.comments {
            commands.push(ResolutionCommand::Comment {
                observer: *observer,
                text: (*text).into(),
                now: now(35),
            });
        }
        for ((seat, choice), minute) in ballot.votes.iter().zip(40..) {
            commands.push(ResolutionCommand::CastVote {
                seat: *seat,
                choice: *choice,
                reason: None,
                now: now(minute),
            });
        }
        if ballot.mode == Mode::OnSite {
            commands.push(ResolutionCommand::CloseMeeting { now: now(90) });
        }
        for command in commands {
            run::<Resolution>(&mut history, &command);
        }
        self.resolutions.insert(ballot.id, history);
    }

    /// Runs `command` on resolution `id`.
    pub fn resolution(&mut self, id: ResolutionId, command: ResolutionCommand) {
        run::<Resolution>(self.resolutions.entry(id).or_default(), &command);
    }

    /// Project `id` of `fund` applies on `applied` and goes to due diligence with its four
    /// reports, then proposes `proposal`: reviewed 14 days after the application, researched
    /// (shortlisted) after 30, established after 45, the reports after 60 to 63 and the
    /// proposal after 65 days.
    pub fn until_proposal(
        &mut self,
        id: ProjectId,
        fund: FundId,
        company: &str,
        applied: &str,
        proposal: Proposal,
    ) {
        let mut commands = vec![
            ProjectCommand::Apply {
                project_id: id,
                fund_id: fund,
                company: company.into(),
                facts: facts(&proposal.industry, 50),
                applied_on: d(applied),
            },
            ProjectCommand::ReviewQualification {
                policy: eligibility_policy(),
                reviewed_on: plus(applied, 14),
            },
            ProjectCommand::CompleteResearch {
                outcome: ResearchOutcome::Shortlisted,
                note: "走访企业".into(),
                on: plus(applied, 30),
            },
            ProjectCommand::Establish {
                partner_opinion_ref: format!("工研院立项意见-{company}"),
                on: plus(applied, 45),
            },
        ];
        for (kind, n) in DueDiligenceKind::ALL.into_iter().zip(60..) {
            commands.push(ProjectCommand::RecordDueDiligence {
                kind,
                provider: "第三方机构".into(),
                document_ref: format!("DD-{company}-{kind:?}"),
                on: plus(applied, n),
            });
        }
        commands.push(ProjectCommand::Propose {
            proposal,
            price: dec("1.50"),
            policy: InvestmentPolicy::default(),
            phase: Some(Phase::Investment),
            on: plus(applied, 65),
        });
        self.project(id, commands);
    }

    /// Project `id` records the decision of resolution `r` on `on`, as read from its stream.
    pub fn record_decision(&mut self, id: ProjectId, r: ResolutionId, fund: FundId, on: &str) {
        let state = Resolution::replay(&self.resolutions[&r]);
        let opened = state.opened.clone().unwrap();
        let command = ProjectCommand::RecordDecision {
            decision: DecisionFacts {
                resolution_id: r,
                fund,
                kind: opened.subject.kind,
                reference: opened.subject.reference,
                amount: opened.amount,
                mode: opened.mode,
                status: state.status.unwrap(),
            },
            written_vote_max: yuan(3_000_000),
            on: d(on),
        };
        self.project(id, [command]);
    }

    /// The fund injects `amount` into project `id` on `on`, as its last paid-in report requires.
    pub fn inject(&mut self, id: ProjectId, amount: Money, on: &str) {
        let state = Project::replay(&self.projects[&id]);
        let movement_id = self.movement();
        self.fund([
            FundCommand::InstructInjection {
                movement_id,
                project_id: id,
                amount,
                value_date: d(on),
                required_cumulative: state.required_cumulative,
                commitment: state.agreement.unwrap().commitment,
            },
            FundCommand::ConfirmMovement {
                movement_id,
                executed_on: d(on),
            },
        ]);
    }

    /// The report's inputs, with the project, resolution and case streams in id order, or in
    /// reverse when `reversed`.
    pub fn lists(&self, reversed: bool) -> Lists {
        Lists {
            fund: self.fund.clone(),
            committee: self.committee.clone(),
            projects: ordered(&self.projects, reversed),
            resolutions: ordered(&self.resolutions, reversed),
            exemptions: ordered(&self.cases, reversed),
        }
    }
}
