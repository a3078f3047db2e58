//! What a run of a subcommand ends in: the exit status and the `--fail-on` threshold.
//!
//! | status | meaning |
//! |---|---|
//! | 0 | all is well: nothing at or above `--fail-on` |
//! | 1 | the input was read and has problems at or above `--fail-on` (default `error`) |
//! | 2 | unusable input or arguments: a missing file, not JSON, not FHIR, a bad flag |

use std::fmt;
use std::process::ExitCode;

use clap::ValueEnum;
use ocean_model::Severity;

/// The lowest severity that makes the command exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(crate) enum FailOn {
    /// Exit 1 when there is at least one error.
    #[default]
    Error,
    /// Exit 1 when there is at least one error or warning.
    Warning,
}

impl FailOn {
    /// Whether a finding of this severity fails the run.
    pub(crate) fn fails(self, s: Severity) -> bool {
        matches!(
            (self, s),
            (_, Severity::Error) | (FailOn::Warning, Severity::Warning)
        )
    }

    /// Exit status 1 when any of `severities` fails the run, else 0.
    pub(crate) fn exit_for(self, severities: impl IntoIterator<Item = Severity>) -> Exit {
        if severities.into_iter().any(|s| self.fails(s)) {
            Exit::Findings
        } else {
            Exit::Ok
        }
    }
}

/// The exit status of a run that read its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 0: all is well.
    Ok,
    /// 1: problems at or above `--fail-on`.
    Findings,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        match e {
            Exit::Ok => ExitCode::SUCCESS,
            Exit::Findings => ExitCode::from(1),
        }
    }
}

/// A run that could not be done (exit 2). The message names the file (as given on the command
/// line, or `standard input`) and the problem, never the content of the input.
#[derive(Debug)]
pub(crate) struct Unusable {
    /// The file or argument concerned, if any.
    pub(crate) subject: Option<String>,
    /// What is wrong, from our own words and tables.
    pub(crate) problem: String,
}

impl Unusable {
    /// A problem with a named input.
    pub(crate) fn input(subject: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            subject: Some(subject.into()),
            problem: problem.into(),
        }
    }

    /// A problem with the arguments or the run as a whole.
    pub(crate) fn usage(problem: impl Into<String>) -> Self {
        Self {
            subject: None,
            problem: problem.into(),
        }
    }
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.subject {
            Some(s) => write!(f, "{s}: {}", self.problem),
            None => f.write_str(&self.problem),
        }
    }
}

/// The result of one subcommand.
pub(crate) type Run = Result<Exit, Unusable>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        use Severity::*;
        assert_eq!(FailOn::Error.exit_for([Warning, Information]), Exit::Ok);
        assert_eq!(FailOn::Error.exit_for([Warning, Error]), Exit::Findings);
        assert_eq!(
            FailOn::Warning.exit_for([Information, Warning]),
            Exit::Findings
        );
        assert_eq!(FailOn::Warning.exit_for([Information]), Exit::Ok);
        assert_eq!(FailOn::Warning.exit_for([]), Exit::Ok);
    }
}
