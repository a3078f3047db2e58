//! The `ocean` binary as a process: help, exit statuses, errors naming the file, `--json`
//! against its checked-in schema. One module per subcommand.

mod common;
mod keywords;
mod patient_match;
mod receive;
mod send;
mod smart;
mod validate;
mod worksheet;
