//! The whole management report (SPEC §8): the fund sections of [`super::fund_report`] and the
//! sections read off the fund's other streams — the portfolio, the pipeline statistics, the
//! committee resolutions of the period, limit and prohibition compliance, and the
//! liability-exemption cases — all as of the period end.
//!
//! Every stream is cut by the same rule as the fund's ([`super::effective_in_stream`]): an
//! event counts iff it is effective on or before the period end. The streams may be given in
//! any order, and those of other funds are ignored. Every list is ordered by a key of its own
//! (project id, decision day and id, opening day and id), so the same events give the same
//! document byte for byte ([`report_bytes`]).

use super::compliance::{self, Compliance};
use super::governance::{self, ExemptionLine, ResolutionLine};
use super::pipeline::{self, PipelineStats};
use super::portfolio::{self, PortfolioLine};
use super::sections::FundSections;
use super::streams::Streams;
use super::{effective_events, fund_report, Period, ReportError};
use crate::committee::membership::CommitteeEvent;
use crate::committee::ResolutionEvent;
use crate::exemption::ExemptionEvent;
use crate::fund::{Fund, FundEvent};
use crate::project::ProjectEvent;
use crate::Aggregate;
use serde::Serialize;

/// The format tag of the report document, first in its JSON.
pub const REPORT_FORMAT: &str = "fundadmin.report/1";

/// The events a report is folded from: every stream of the fund, as stored (recorded order
/// within a stream; the streams in any order).
#[derive(Debug, Clone, Copy)]
pub struct ReportInputs<'a> {
    /// The fund's stream.
    pub fund: &'a [FundEvent],
    /// The fund's committee stream (`committee-<fund>`).
    pub committee: &'a [CommitteeEvent],
    /// One list per project stream.
    pub projects: &'a [Vec<ProjectEvent>],
    /// One list per resolution stream.
    pub resolutions: &'a [Vec<ResolutionEvent>],
    /// One list per exemption-case stream.
    pub exemptions: &'a [Vec<ExemptionEvent>],
}

/// The management report of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// [`REPORT_FORMAT`].
    pub format: &'static str,
    /// The fund sections, at the top level of the document.
    #[serde(flatten)]
    pub fund: FundSections,
    /// Every investment and its post-investment progress, by project id.
    pub portfolio: Vec<PortfolioLine>,
    /// The pipeline statistics of the period.
    pub pipeline: PipelineStats,
    /// The committee resolutions opened or decided in the period.
    pub resolutions: Vec<ResolutionLine>,
    /// Limits and prohibitions, as recorded.
    pub compliance: Compliance,
    /// The liability-exemption cases opened by the period end.
    pub exemptions: Vec<ExemptionLine>,
}

/// The report of `period` from the events of `inputs` effective by its end.
pub fn report(inputs: &ReportInputs<'_>, period: &Period) -> Result<Report, ReportError> {
    let fund = fund_report(inputs.fund, period)?;
    let (start, end) = (period.start()?, period.end()?);
    let state = Fund::replay(effective_events(inputs.fund, end));
    let streams = Streams::cut(inputs, fund.basics.fund_id, end);
    Ok(Report {
        format: REPORT_FORMAT,
        portfolio: portfolio::portfolio(&streams, &fund.investments),
        pipeline: pipeline::pipeline(&streams, start, end),
        resolutions: governance::resolutions(&streams, start, end),
        compliance: compliance::compliance(&state, &streams),
        exemptions: governance::exemptions(&streams),
        fund,
    })
}

/// The report's canonical bytes: its compact JSON, whose field and element order is fixed by
/// the types, so equal reports give equal bytes.
pub fn report_bytes(report: &Report) -> Vec<u8> {
    // Serializing these types cannot fail: every map key is a string.
    serde_json::to_vec(report).unwrap_or_default()
}
