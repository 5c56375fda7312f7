//! The cut of the fund's other streams (committee, projects, resolutions, exemption cases) as
//! of the period end, and the states folded from them.
//!
//! Every stream is cut by one rule, the fund's ([`super::effective_events`]): an event counts
//! iff its [`DomainEvent::effective_date`] is on or before the period end, wherever it stands
//! in its stream; an undated event takes the date of the previous dated event of its stream
//! (and counts when there is none). The events that count are replayed in their stream order
//! on a fresh state. A stream counts only when it belongs to the reported fund: a project,
//! resolution or case whose opening event (application, opening) names another fund, or is
//! not effective by the period end, is left out, as are the committee events of another fund.

use crate::committee::membership::{Committee, CommitteeEvent};
use crate::committee::{Resolution, ResolutionEvent};
use crate::exemption::ExemptionCase;
use crate::project::{Project, ProjectEvent};
use crate::{Aggregate, DomainEvent, ExemptionCaseId, FundId, ProjectId, ResolutionId};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The events of one stream that count as of `as_of`, in stream order: dated events effective
/// on or before it, and undated events whose previous dated event does (or that have none).
pub fn effective_in_stream<E: DomainEvent>(events: &[E], as_of: NaiveDate) -> Vec<&E> {
    let mut previous: Option<NaiveDate> = None;
    events
        .iter()
        .filter(|event| {
            let date = event.effective_date().or(previous);
            if event.effective_date().is_some() {
                previous = date;
            }
            date.is_none_or(|d| d <= as_of)
        })
        .collect()
}

/// One stream cut as of the period end: the events that count and the state they fold to.
#[derive(Debug, Clone)]
pub(super) struct Cut<'a, A: Aggregate> {
    /// The events that count, in stream order.
    pub events: Vec<&'a A::Event>,
    /// The state after them.
    pub state: A,
}

impl<'a, A: Aggregate> Cut<'a, A> {
    fn of(events: &'a [A::Event], as_of: NaiveDate) -> Self {
        let events = effective_in_stream(events, as_of);
        let state = A::replay(events.iter().copied());
        Cut { events, state }
    }
}

/// The fund's streams cut as of the period end, each keyed by its id.
#[derive(Debug, Clone)]
pub(super) struct Streams<'a> {
    /// The fund's projects.
    pub projects: BTreeMap<ProjectId, Cut<'a, Project>>,
    /// The fund's resolutions.
    pub resolutions: BTreeMap<ResolutionId, Cut<'a, Resolution>>,
    /// The fund's exemption cases.
    pub cases: BTreeMap<ExemptionCaseId, Cut<'a, ExemptionCase>>,
    /// The fund's committee.
    pub committee: Committee,
}

impl<'a> Streams<'a> {
    /// Cuts every stream of `inputs` as of `as_of`, keeping those of `fund`.
    pub fn cut(inputs: &super::ReportInputs<'a>, fund: Option<FundId>, as_of: NaiveDate) -> Self {
        let ours = |f: FundId| Some(f) == fund;
        let mut projects = BTreeMap::new();
        for stream in inputs.projects {
            let cut = Cut::<Project>::of(stream, as_of);
            if let (Some(id), Some(f)) = (cut.state.id, cut.state.fund) {
                if ours(f) {
                    projects.insert(id, cut);
                }
            }
        }
        let mut resolutions = BTreeMap::new();
        for stream in inputs.resolutions {
            let cut = Cut::<Resolution>::of(stream, as_of);
            let opened = cut.events.iter().find_map(|e| match e {
                ResolutionEvent::ResolutionOpened {
                    resolution_id,
                    fund_id,
                    ..
                } if ours(*fund_id) => Some(*resolution_id),
                _ => None,
            });
            if let Some(id) = opened {
                resolutions.insert(id, cut);
            }
        }
        let mut cases = BTreeMap::new();
        for stream in inputs.exemptions {
            let cut = Cut::<ExemptionCase>::of(stream, as_of);
            if let Some(opened) = cut.state.opened.as_ref().filter(|o| ours(o.fund_id)) {
                cases.insert(opened.case_id, cut);
            }
        }
        let committee = Committee::replay(
            effective_in_stream(inputs.committee, as_of)
                .into_iter()
                .filter(|e| ours(committee_fund(e))),
        );
        Streams {
            projects,
            resolutions,
            cases,
            committee,
        }
    }

    /// The company (or sub-fund) of a project of the fund, by id.
    pub fn company(&self, project: ProjectId) -> Option<String> {
        self.projects.get(&project).map(|p| p.state.company.clone())
    }

    /// The company of the project a resolution's reference names, if it is one of the fund's.
    pub fn company_of_reference(&self, reference: &str) -> Option<String> {
        let id = uuid::Uuid::parse_str(reference.trim()).ok()?;
        self.company(ProjectId(id))
    }
}

fn committee_fund(event: &CommitteeEvent) -> FundId {
    match event {
        CommitteeEvent::MemberAppointed { fund_id, .. }
        | CommitteeEvent::ObserverAppointed { fund_id, .. } => *fund_id,
    }
}

/// Whether `date` falls in the period `start..=end`.
pub(super) fn within(date: NaiveDate, start: NaiveDate, end: NaiveDate) -> bool {
    start <= date && date <= end
}

/// The dated project events of a cut, with their dates.
pub(super) fn dated<'e>(
    events: &'e [&'e ProjectEvent],
) -> impl Iterator<Item = (NaiveDate, &'e ProjectEvent)> + 'e {
    events
        .iter()
        .filter_map(|e| e.effective_date().map(|d| (d, *e)))
}
