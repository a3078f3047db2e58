//! `ocean sim`: (being built).

use crate::Global;
use crate::outcome::{Run, Unusable};

/// (Being built.)
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `ocean sim`.
pub(crate) fn run(_args: &Args, _g: &Global) -> Run {
    Err(Unusable::usage("not built yet"))
}
