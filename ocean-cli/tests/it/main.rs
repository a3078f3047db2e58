//! The `ocean` binary as a process: help, exit statuses, errors naming the file, `--json`
//! against its checked-in schema. One module per subcommand.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod completions;
mod r#gen;
mod keywords;
mod keywords_html;
mod patient_match;
mod receive;
mod send;
mod serve;
mod sim;
mod smart;
mod validate;
mod worksheet;
