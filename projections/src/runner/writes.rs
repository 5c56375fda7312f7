//! The writes of a batch, run in order, set-based where a statement has a set form.
//!
//! A statement with a [`SetForm`] runs once for many writes: its parameters become arrays
//! (the `k`-th array holds every write's `k`-th parameter, encoded with the element type the
//! set form's SQL declares). The writes of a batch are put in rounds by their key: a write
//! goes into the round after the last one that holds a write with its key, so writes of one
//! key keep their order, no round holds one key twice (an `UPDATE … FROM unnest(…)` with two
//! rows for one key would update it once), and writes of different keys, which commute by the
//! set forms' contract, move freely. A round runs one execution per statement in it. A write
//! whose statement has no set form is a barrier: the rounds so far run, then it alone, as it
//! did before set forms. The executions are pipelined: every one of a chunk is sent before
//! the first answer is awaited, and PostgreSQL runs them in the order sent.

use crate::{Projection, SetForm, Write};
use anyhow::Context;
use bytes::BytesMut;
use eventstore::RecordedEvent;
use std::collections::{BTreeMap, HashMap};
use std::error::Error;
use tokio_postgres::types::{to_sql_checked, IsNull, Kind, ToSql, Type};
use tokio_postgres::Statement;

/// Executions in flight at once when a batch is applied.
const PIPELINE_DEPTH: usize = 512;

/// Runs the writes of `events`, in order (as set out in the module's documentation).
pub(super) async fn execute_writes<P: Projection>(
    projection: &P,
    tx: &deadpool_postgres::Transaction<'_>,
    events: &[&RecordedEvent],
) -> anyhow::Result<()> {
    let mut statements = Vec::with_capacity(P::STATEMENTS.len());
    for sql in P::STATEMENTS {
        statements.push(tx.prepare_cached(sql).await?);
    }
    let mut forms: Vec<Option<Prepared>> = P::STATEMENTS.iter().map(|_| None).collect();
    for form in P::SET_FORMS {
        let slot = forms.get_mut(form.statement).with_context(|| {
            format!("{}: a set form of no statement {}", P::NAME, form.statement)
        })?;
        let statement = tx.prepare_cached(form.sql).await.with_context(|| {
            format!("{}: the set form of statement {}", P::NAME, form.statement)
        })?;
        *slot = Some(Prepared { form, statement });
    }
    let mut writes = Vec::with_capacity(events.len() * 2);
    for event in events {
        let of_event = projection
            .writes(event)
            .with_context(|| format!("{} applying {}", P::NAME, event.event_id))?;
        writes.extend(of_event);
    }
    let steps = plan(&writes, &forms).with_context(|| format!("{} planning a batch", P::NAME))?;
    // Every array is built before anything is sent.
    let mut sends = Vec::with_capacity(steps.len());
    let mut arrays = Vec::with_capacity(steps.len());
    for step in &steps {
        arrays.push(match step {
            Step::Set { statement, writes } => {
                let prepared = forms[*statement]
                    .as_ref()
                    .context("a set step without a form")?;
                columns(writes, prepared.statement.params().len())?
            }
            Step::Row(_) => Vec::new(),
        });
    }
    for (step, array) in steps.iter().zip(&arrays) {
        let (statement, params): (&Statement, Vec<&(dyn ToSql + Sync)>) = match step {
            Step::Set { statement, .. } => (
                &forms[*statement]
                    .as_ref()
                    .context("a set step without a form")?
                    .statement,
                array.iter().map(|c| c as &(dyn ToSql + Sync)).collect(),
            ),
            Step::Row(write) => (
                statements
                    .get(write.statement)
                    .with_context(|| format!("{}: no statement {}", P::NAME, write.statement))?,
                write
                    .params
                    .iter()
                    .map(|p| p.as_ref() as &(dyn ToSql + Sync))
                    .collect(),
            ),
        };
        sends.push((statement, params));
    }
    for chunk in sends.chunks(PIPELINE_DEPTH) {
        let executions = chunk
            .iter()
            .map(|(statement, params)| tx.execute(*statement, params));
        futures::future::try_join_all(executions)
            .await
            .with_context(|| format!("{} writing a batch", P::NAME))?;
    }
    Ok(())
}

/// One parameter of a set form: the same parameter of many writes, sent as a one-dimensional
/// array whose element type is the one the set form's SQL declares for it.
#[derive(Debug)]
struct Column<'w>(Vec<&'w (dyn ToSql + Sync)>);

impl ToSql for Column<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        let Kind::Array(member) = ty.kind() else {
            return Err(format!("a set form's parameter of type {ty} is not an array").into());
        };
        let dimension = postgres_protocol::types::ArrayDimension {
            len: i32::try_from(self.0.len())?,
            lower_bound: 1,
        };
        postgres_protocol::types::array_to_sql(
            Some(dimension),
            member.oid(),
            self.0.iter(),
            |value, buf| match value.to_sql_checked(member, buf)? {
                IsNull::No => Ok(postgres_protocol::IsNull::No),
                IsNull::Yes => Ok(postgres_protocol::IsNull::Yes),
            },
            out,
        )?;
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Array(_))
    }

    to_sql_checked!();
}

/// A statement's set form, prepared.
struct Prepared {
    /// The declaration.
    form: &'static SetForm,
    /// Its SQL, prepared on the transaction's connection.
    statement: Statement,
}

/// One execution of a planned batch.
enum Step<'w> {
    /// The set form of statement `statement` for these writes (distinct keys), in order.
    Set {
        /// The statement (index into `STATEMENTS`, and into the prepared set forms).
        statement: usize,
        /// Its writes.
        writes: Vec<&'w Write>,
    },
    /// One write by its own statement (no set form).
    Row(&'w Write),
}

/// Puts `writes` (in order) in rounds; `forms[i]` is statement `i`'s set form, if any.
fn plan<'w>(writes: &'w [Write], forms: &[Option<Prepared>]) -> anyhow::Result<Vec<Step<'w>>> {
    let mut steps = Vec::new();
    // Per round, per statement, its writes.
    let mut rounds: Vec<BTreeMap<usize, Vec<&'w Write>>> = Vec::new();
    // Per key, the first round it may go into.
    let mut next: HashMap<Vec<u8>, usize> = HashMap::new();
    for write in writes {
        let Some(Some(prepared)) = forms.get(write.statement) else {
            flush(&mut rounds, &mut steps);
            next.clear();
            steps.push(Step::Row(write));
            continue;
        };
        let round = next.entry(key(write, prepared)?).or_insert(0);
        if rounds.len() <= *round {
            rounds.push(BTreeMap::new());
        }
        rounds[*round]
            .entry(write.statement)
            .or_default()
            .push(write);
        *round += 1;
    }
    flush(&mut rounds, &mut steps);
    Ok(steps)
}

/// Moves the rounds into steps, in order.
fn flush<'w>(rounds: &mut Vec<BTreeMap<usize, Vec<&'w Write>>>, steps: &mut Vec<Step<'w>>) {
    for round in rounds.drain(..) {
        for (statement, writes) in round {
            steps.push(Step::Set { statement, writes });
        }
    }
}

/// The key of `write`: its key parameters, each encoded as the set form sends it, with its
/// length (`-1`: NULL).
fn key(write: &Write, prepared: &Prepared) -> anyhow::Result<Vec<u8>> {
    let types = prepared.statement.params();
    let mut key = Vec::new();
    let mut buf = BytesMut::new();
    for &k in prepared.form.key {
        let (Some(param), Some(ty)) = (write.params.get(k), types.get(k)) else {
            anyhow::bail!("statement {}: no key parameter {k}", write.statement);
        };
        let Kind::Array(member) = ty.kind() else {
            anyhow::bail!(
                "statement {}: set parameter {k} is not an array",
                write.statement
            );
        };
        buf.clear();
        let len = match param
            .to_sql_checked(member, &mut buf)
            .map_err(|e| anyhow::anyhow!("statement {}: key {k}: {e}", write.statement))?
        {
            IsNull::No => i64::try_from(buf.len())?,
            IsNull::Yes => -1,
        };
        key.extend_from_slice(&len.to_le_bytes());
        key.extend_from_slice(&buf);
    }
    Ok(key)
}

/// The parameters of a set step: one [`Column`] per parameter of the statement.
fn columns<'w>(writes: &[&'w Write], count: usize) -> anyhow::Result<Vec<Column<'w>>> {
    let mut columns: Vec<Column<'w>> = (0..count)
        .map(|_| Column(Vec::with_capacity(writes.len())))
        .collect();
    for write in writes {
        if write.params.len() != count {
            anyhow::bail!(
                "statement {}: {} parameters, its set form takes {count}",
                write.statement,
                write.params.len()
            );
        }
        for (column, param) in columns.iter_mut().zip(&write.params) {
            column.0.push(param.as_ref());
        }
    }
    Ok(columns)
}
