//! [`AppState`]: what every handler shares, and the tunables of the HTTP layer.

use crate::clock::{self, Clock};
use chrono::NaiveDate;
use domain::committee::membership::Committee;
use domain::committee::Resolution;
use domain::exemption::ExemptionCase;
use domain::fund::Fund;
use domain::project::Project;
use eventstore::{EventStore, Metrics, PgPool, Repository};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How many fund states the repository keeps in memory.
const FUND_CACHE: usize = 10_000;

/// Limits of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// The largest request body accepted (413 above).
    pub body_limit: usize,
    /// How long a request may take before it is answered `503 timeout`.
    pub request_timeout: Duration,
    /// The longest a read with `?min_position=` waits for its projection.
    pub max_projection_wait: Duration,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            body_limit: 64 * 1024,
            request_timeout: Duration::from_secs(30),
            max_projection_wait: Duration::from_secs(5),
        }
    }
}

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database: log, read models, tokens.
    pub pool: PgPool,
    /// The event log (positions, `/metrics` figures).
    pub store: EventStore,
    /// Load → decide → append for funds, with its state cache shared by all requests.
    pub funds: Arc<Repository<Fund>>,
    /// The same for the funds' investment committees.
    pub committees: Arc<Repository<Committee>>,
    /// The same for committee resolutions.
    pub resolutions: Arc<Repository<Resolution>>,
    /// The same for the projects of the funds' pipelines.
    pub projects: Arc<Repository<Project>>,
    /// The same for liability-exemption cases (尽职免责).
    pub cases: Arc<Repository<ExemptionCase>>,
    /// The same for management reports (drafts, filings, amendments).
    pub reports: Arc<Repository<domain::report::filing::ReportFiling>>,
    /// The registry `/metrics` renders (shared with the workers in `serve`).
    pub metrics: Metrics,
    /// NATS, checked by `/readyz`; `None` when the process runs without it (then not ready).
    pub nats: Option<async_nats::Client>,
    /// HTTP limits.
    pub config: ApiConfig,
    /// When the process started (`/metrics`).
    pub started_at: SystemTime,
    /// Today's date for the fund rules (China Standard Time); tests pin it.
    pub clock: Clock,
    /// Tokens kept in memory once checked (`serve`); `None`: every request reads its token.
    pub tokens: Option<Arc<crate::auth::cache::TokenCache>>,
}

impl AppState {
    /// A state over `pool` with the default limits.
    pub fn new(pool: PgPool, nats: Option<async_nats::Client>, metrics: Metrics) -> Self {
        let store = EventStore::new(pool.clone());
        AppState {
            funds: Arc::new(Repository::new(store.clone(), FUND_CACHE)),
            committees: Arc::new(Repository::new(store.clone(), FUND_CACHE)),
            resolutions: Arc::new(Repository::new(store.clone(), FUND_CACHE)),
            projects: Arc::new(Repository::new(store.clone(), FUND_CACHE)),
            cases: Arc::new(Repository::new(store.clone(), FUND_CACHE)),
            reports: Arc::new(Repository::new(store.clone(), FUND_CACHE)),
            pool,
            store,
            metrics,
            nats,
            config: ApiConfig::default(),
            started_at: SystemTime::now(),
            clock: clock::system(),
            tokens: None,
        }
    }

    /// Now, by the system clock (resolution deadlines and votes are instants).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }

    /// Today, by the state's clock.
    pub fn today(&self) -> NaiveDate {
        (self.clock)()
    }

    /// The same state, keeping checked tokens in memory, exact under revocation (see
    /// [`crate::auth::cache`]); its holder connects to `database_url`.
    pub fn with_token_cache(mut self, database_url: String) -> Self {
        self.tokens = Some(crate::auth::cache::TokenCache::start(database_url));
        self
    }

    /// The same state with other limits.
    pub fn with_config(mut self, config: ApiConfig) -> Self {
        self.config = config;
        self
    }
}
