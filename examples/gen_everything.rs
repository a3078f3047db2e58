//! Demonstrates streaming `ocean_ereferral::keywords` over a large `Patient/$everything`: a
//! deterministic, Synthea-shaped Bundle is generated (`examples/support/everything_gen.rs`, the
//! benches' generator) and read through `std::io::Read` in one pass, in constant memory, giving
//! the same values as reading it from bytes.
//!
//! ```text
//! cargo run --release --example gen_everything
//! ```
//!
//! From a shell, `ocean gen MB --out FILE` writes such a Bundle of any size to a file (streamed),
//! and `ocean keywords -` reads one from standard input in constant memory.

#[path = "support/everything_gen.rs"]
mod everything_gen;

use ocean_ereferral::keywords::{Rules, extract_reader, extract_with};

/// 5 MB: large enough to show the shape, small enough to run in CI.
const BYTES: usize = 5_000_000;

fn main() -> Result<(), String> {
    let bundle = everything_gen::generate(BYTES);
    let rules = Rules::default();

    // From any `Read` (a socket, a file, stdin): the Bundle is never held as a whole.
    let streamed = extract_reader(bundle.as_slice(), &rules).map_err(|e| e.to_string())?;
    // From bytes already in memory: the fastest path (see `cargo bench -p ocean-benches`).
    let from_bytes = extract_with(&bundle, &rules).map_err(|e| e.to_string())?;

    println!("generated {} bytes", bundle.len());
    for suffix in ["bp", "wt", "a1c", "egfr"] {
        if let Some((value, date)) = streamed.latest(suffix) {
            println!("@ptLatestVal.{suffix:<5} {value} ({date})");
        }
    }
    println!(
        "{} finding(s); same values both ways: {}",
        streamed.findings.len(),
        streamed.values() == from_bytes.values()
    );
    Ok(())
}
