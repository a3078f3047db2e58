//! Writing results: a human table by default, one JSON document with `--json`.
//!
//! Every `--json` document has a checked-in JSON Schema in `ocean-cli/schemas/` (the keywords
//! output uses `ocean-keywords/extraction.schema.json`); `tests/it` validates real outputs
//! against them.

use std::io::Write;

use serde::Serialize;

use crate::outcome::Unusable;

/// Prints `value` as pretty JSON and a newline on standard output.
pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> Result<(), Unusable> {
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    serde_json::to_writer_pretty(&mut w, value).map_err(|_| stdout_error())?;
    writeln!(w).map_err(|_| stdout_error())?;
    w.flush().map_err(|_| stdout_error())
}

/// Runs `f` on a locked, buffered standard output.
pub(crate) fn text(f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Unusable> {
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    f(&mut w).map_err(|_| stdout_error())?;
    w.flush().map_err(|_| stdout_error())
}

/// Standard output went away (a closed pipe) or failed.
pub(crate) fn stdout_error() -> Unusable {
    Unusable::usage("standard output cannot be written")
}
