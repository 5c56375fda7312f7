//! What a case is judged on, loaded from the log: the project's stream, the stream of the
//! resolution its approving decision names, the fund's stream and the streams of the exit
//! plans on the project (every `ResolutionOpened` whose subject is an `exit` referencing the
//! project), each event with the [`EventRef`] the store cites it by.

use crate::error::ApiError;
use crate::state::AppState;
use domain::exemption::{EventRef, Evidence};
use domain::fund::FundEvent;
use domain::project::ProjectEvent;
use domain::{DomainEvent, FundId, Money, ProjectId};
use eventstore::RecordedEvent;

/// How the store cites `e`.
pub fn reference(e: &RecordedEvent) -> EventRef {
    EventRef {
        event_id: e.event_id,
        stream_id: e.stream_id.clone(),
        stream_type: e.stream_type.clone(),
        version: e.stream_version,
        global_position: e.global_position,
        hash: e.hash.clone(),
        event_type: e.event_type.clone(),
        effective_date: Some(e.effective_at),
    }
}

/// A whole stream, each event decoded with its reference.
async fn decoded<E: DomainEvent>(
    state: &AppState,
    stream_id: &str,
) -> Result<Vec<(EventRef, E)>, ApiError> {
    state
        .store
        .load_stream(stream_id, 0)
        .await
        .map_err(ApiError::internal)?
        .iter()
        .map(|e| Ok((reference(e), e.decode::<E>().map_err(ApiError::internal)?)))
        .collect()
}

/// The streams of the exit-plan resolutions on `project`, in the order they were opened.
async fn exit_plan_streams(state: &AppState, project: ProjectId) -> Result<Vec<String>, ApiError> {
    let client = state.pool.get().await.map_err(ApiError::internal)?;
    let rows = client
        .query(
            "SELECT stream_id FROM events WHERE event_type = 'ResolutionOpened' \
               AND payload->'subject'->>'kind' = 'exit' \
               AND btrim(payload->'subject'->>'reference') = $1 \
             ORDER BY global_position",
            &[&project.0.to_string()],
        )
        .await
        .map_err(ApiError::internal)?;
    let mut streams: Vec<String> = Vec::new();
    for row in &rows {
        let id: String = row.get(0);
        if !streams.contains(&id) {
            streams.push(id);
        }
    }
    Ok(streams)
}

/// The evidence of `project` of `fund`, as the log holds it now.
pub async fn load(
    state: &AppState,
    fund: FundId,
    project: ProjectId,
) -> Result<Evidence, ApiError> {
    let project_events = decoded::<ProjectEvent>(state, &project.stream_id()).await?;
    let decision = project_events.iter().find_map(|(_, e)| match e {
        ProjectEvent::DecisionRecorded {
            resolution_id,
            approved: true,
            ..
        } => Some(*resolution_id),
        _ => None,
    });
    let resolution = match decision {
        Some(id) => decoded(state, &id.stream_id()).await?,
        None => Vec::new(),
    };
    let mut exit_plans = Vec::new();
    for stream in exit_plan_streams(state, project).await? {
        exit_plans.extend(decoded(state, &stream).await?);
    }
    Ok(Evidence {
        project: project_events,
        resolution,
        fund: decoded(state, &fund.stream_id()).await?,
        exit_plans,
    })
}

/// The project's realised result on the fund's stream: the sum of its `ExitRecorded`
/// `realised` (negative: a loss).
pub async fn realised(
    state: &AppState,
    fund: FundId,
    project: ProjectId,
) -> Result<Money, ApiError> {
    let events = decoded::<FundEvent>(state, &fund.stream_id()).await?;
    Ok(events
        .iter()
        .filter_map(|(_, e)| match e {
            FundEvent::ExitRecorded {
                project_id,
                realised,
                ..
            } if *project_id == project => Some(*realised),
            _ => None,
        })
        .sum())
}
