//! One module per subcommand: its clap arguments (with the help text), its run function and
//! the JSON it prints with `--json`.

pub(crate) mod generate;
pub(crate) mod keywords;
pub(crate) mod keywords_html;
pub(crate) mod patient_match;
pub(crate) mod receive;
pub(crate) mod send;
pub(crate) mod serve;
pub(crate) mod sim;
pub(crate) mod smart;
pub(crate) mod validate;
pub(crate) mod worksheet;
