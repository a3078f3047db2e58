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
mod serve;
mod sim;
mod validate;
