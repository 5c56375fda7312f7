//! Management reports (SPEC §8): generating a document from the log as of a cut
//! ([`generate`]), deciding which drafts are due ([`schedule`]), the worker that records them
//! from NATS requests ([`worker`]), and rendering a document for people and regulators
//! ([`render`]).

pub mod generate;
pub mod render;
pub mod schedule;
pub mod worker;
