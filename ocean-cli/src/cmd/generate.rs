//! `ocean gen`: a generated, deterministic, Synthea-shaped `Patient/$everything` Bundle, written
//! to a file (never to a terminal), for trying `ocean keywords` and measuring on large inputs.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;

use crate::Global;
use crate::outcome::{Exit, Run, Unusable};
use crate::output;
use crate::progress::{self, Progress, ProgressWrite};

#[allow(dead_code)] // `generate` (whole Bundle in memory) is the benches'; `gen` streams
#[path = "../../../examples/support/everything_gen.rs"]
mod everything_gen;

/// Write a generated $everything Bundle of at least MB megabytes to a file.
///
/// Writes a deterministic, Synthea-shaped `Patient/$everything` Bundle (one patient; visits with
/// vitals, labs, claims, conditions, medications, documents; the same bytes on every run) of at
/// least MB megabytes (10^6 bytes) to --out, streaming it in constant memory. The data is
/// synthetic. `--out -` writes to standard output only when it is not a terminal.
///
/// Exit status: 0 when the file was written, 2 on a bad MB (1 to 10000) or an output that
/// cannot be written. `--json` prints `{file, bytes, entries}` (schema:
/// `ocean-cli/schemas/gen.schema.json`).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    ocean gen 110 --out everything-110mb.json\n  \
    ocean keywords everything-110mb.json\n  \
    ocean gen 5 --out - | ocean keywords -             # through a pipe")]
pub(crate) struct Args {
    /// The minimum size in megabytes (10^6 bytes), 1 to 10000.
    #[arg(value_name = "MB", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    mb: u32,
    /// The file to write, or `-` for standard output when it is not a terminal.
    #[arg(long, short, value_name = "FILE")]
    out: OsString,
}

/// `ocean gen --json`: what was written.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Written {
    /// The file as named on the command line (`standard output` for `-`).
    pub(crate) file: String,
    /// The Bundle's size in bytes.
    pub(crate) bytes: u64,
    /// The number of `Bundle.entry` (resources), the Patient first.
    pub(crate) entries: u64,
}

/// Runs `ocean gen`.
pub(crate) fn run(args: &Args, g: &Global) -> Run {
    let target = u64::from(args.mb).saturating_mul(1_000_000);
    let to_stdout = args.out == "-";
    let name = if to_stdout {
        "standard output".to_owned()
    } else {
        PathBuf::from(&args.out).display().to_string()
    };
    let mode = progress::decide_here(g.json, Some(target));
    let progress = Progress::new(mode, format!("writing {name}"));
    let (bytes, entries) = if to_stdout {
        if std::io::stdout().is_terminal() {
            return Err(Unusable::input(
                "--out -",
                "standard output is a terminal: give --out FILE or redirect it",
            ));
        }
        if g.json {
            return Err(Unusable::input(
                "--out -",
                "--json prints its summary on standard output: give --out FILE",
            ));
        }
        let stdout = std::io::stdout();
        let w = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
        write_bundle(w, progress, target).map_err(|_| output::stdout_error())?
    } else {
        let path = PathBuf::from(&args.out);
        let cannot = |e: &std::io::Error| Unusable::input(&name, write_error(e));
        let file = std::fs::File::create(&path).map_err(|e| cannot(&e))?;
        let w = std::io::BufWriter::with_capacity(1 << 20, file);
        match write_bundle(w, progress, target) {
            Ok(done) => done,
            Err(e) => {
                // A partial Bundle is not JSON: leave nothing behind.
                let _ = std::fs::remove_file(&path);
                return Err(cannot(&e));
            }
        }
    };
    let written = Written {
        file: name,
        bytes,
        entries,
    };
    if g.json {
        output::json(&written)?;
    } else {
        let line = format!(
            "{}: {} bytes, {} entries (Patient/$everything, synthetic)",
            written.file, written.bytes, written.entries
        );
        if to_stdout {
            eprintln!("{line}");
        } else {
            output::text(|w| writeln!(w, "{line}"))?;
        }
    }
    Ok(Exit::Ok)
}

/// Streams the Bundle into `w`: at least `target` bytes of resources, the last visit complete.
/// Returns (bytes, entries).
fn write_bundle<W: Write>(w: W, progress: Progress, target: u64) -> std::io::Result<(u64, u64)> {
    let mut w = ProgressWrite::new(w, progress);
    let mut source = everything_gen::lazy(usize::try_from(target).unwrap_or(usize::MAX));
    w.write_all(
        br#"{"resourceType":"Bundle","id":"everything-generated","type":"searchset","entry":["#,
    )?;
    let mut entries: u64 = 0;
    while let Some((full_url, resource)) = source.next_resource() {
        if entries > 0 {
            w.write_all(b",")?;
        }
        write!(
            w,
            r#"{{"fullUrl":"{full_url}","resource":{resource},"search":{{"mode":"match"}}}}"#
        )?;
        entries += 1;
        if entries % 256 == 0 {
            w.progress.entries(entries);
        }
    }
    w.write_all(b"]}")?;
    w.flush()?;
    let bytes = w.progress.bytes();
    let mut inner = w.into_inner();
    inner.flush()?;
    Ok((bytes, entries))
}

/// An output file that cannot be written, by kind (never the OS message).
fn write_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "cannot be created: its directory does not exist".into(),
        std::io::ErrorKind::PermissionDenied => "cannot be written: permission denied".into(),
        std::io::ErrorKind::IsADirectory => "is a directory, not a file".into(),
        k => format!("cannot be written ({k})"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::progress::Mode;

    #[test]
    fn the_bundle_is_json_of_at_least_the_size_and_the_same_every_time() {
        let mut a = Vec::new();
        let (bytes, entries) =
            write_bundle(&mut a, Progress::new(Mode::Off, "test"), 300_000).unwrap();
        assert_eq!(bytes, a.len() as u64);
        assert!(bytes >= 300_000, "{bytes}");
        let doc: serde_json::Value = serde_json::from_slice(&a).unwrap();
        let list = doc["entry"].as_array().unwrap();
        assert_eq!(list.len() as u64, entries);
        assert_eq!(list[0]["resource"]["resourceType"], "Patient");
        let mut b = Vec::new();
        write_bundle(&mut b, Progress::new(Mode::Off, "test"), 300_000).unwrap();
        assert_eq!(a, b);
    }
}
