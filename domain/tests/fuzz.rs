//! Property tests that drive each aggregate with random command sequences (the Security
//! issue's domain fuzzing): no command panics, every event survives the store's JSON round
//! trip, replaying the log gives the incremental state, and the aggregate's invariants hold
//! after every step.
//!
//! One module under `fuzz/` per aggregate, each with its command strategy and its invariants:
//! - `fund` (commands built in `fund_command`, invariants in `fund_check` and `fund_books`):
//!   the fund and all fifteen of its commands;
//! - `resolution`: a committee resolution (seats, meeting, votes, outcome);
//! - `committee`: a fund's committee membership;
//! - `project` (commands built in `project_command` from `project_fixtures`, invariants in
//!   `project_check`): a project through the pipeline, company or sub-fund;
//! - `exemption`: a liability-exemption case;
//! - `filing`: a report's versions.
//!
//! `support` holds the step harness and the strategies shared by all of them. The number of
//! cases is modest so that the whole file runs in seconds in debug; set `PROPTEST_CASES` to
//! run more.

/// The modules in `tests/fuzz/`.
mod fuzz {
    mod committee;
    mod exemption;
    mod filing;
    mod fund;
    mod fund_books;
    mod fund_check;
    mod fund_command;
    mod project;
    mod project_check;
    mod project_command;
    mod project_fixtures;
    mod resolution;
    mod support;
}
