//! The management reports of every ended period (SPEC §8, Art. 19), as the manager files
//! history: drafted on request (`POST /funds/{id}/reports`: the periods before the fund was
//! recorded here are the manager's to draft), read back as bytes, and filed under the sha256
//! of the bytes read.

use super::{catch_up, Demo};
use anyhow::{bail, Context};
use serde_json::json;
use workers::reports::generate::sha256_hex;

/// A report filed by the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filed {
    /// `h1`, `h2` or `annual`.
    pub kind: &'static str,
    /// Its year.
    pub year: i32,
    /// The version filed.
    pub version: u64,
    /// The sha256 of its canonical bytes.
    pub sha256: String,
}

impl Filed {
    /// `/funds/{fund}/reports/{kind}/{year}/versions/{version}`.
    pub fn path(&self, fund: uuid::Uuid) -> String {
        format!(
            "/funds/{fund}/reports/{}/{}/versions/{}",
            self.kind, self.year, self.version
        )
    }
}

/// Drafts every ended period, then reads and files each draft.
pub(super) async fn file_history(demo: &mut Demo) -> anyhow::Result<()> {
    let mut drafts = Vec::new();
    for (kind, year) in demo.t.ended_periods() {
        let r = demo
            .manager("/reports", json!({ "kind": kind, "year": year }))
            .await?;
        let version = r["version"]
            .as_u64()
            .with_context(|| format!("the draft of {kind} {year} recorded no version: {r}"))?;
        let sha256 = r["sha256"].as_str().unwrap_or_default().to_owned();
        drafts.push(Filed {
            kind,
            year,
            version,
            sha256,
        });
    }
    // The documents are read through the reports read model.
    catch_up(&demo.client.state).await?;
    let manager = demo.tokens.manager.clone();
    for draft in drafts {
        let path = draft.path(demo.fund);
        let bytes = demo.client.get_bytes(&manager, &path).await?;
        let sha256 = sha256_hex(&bytes);
        if sha256 != draft.sha256 {
            bail!(
                "{path}: the bytes read hash to {sha256}, the draft recorded {}",
                draft.sha256
            );
        }
        let body = json!({ "sha256": sha256 });
        demo.client
            .post(&manager, &format!("{path}/filing"), body)
            .await?;
        demo.filed.push(draft);
    }
    Ok(())
}
