//! Writes a large, deterministic, Synthea-shaped `$everything` Bundle to stdout, for benchmarks
//! and memory measurements. Do not commit the output.
//!
//! ```text
//! cargo run --release --example gen_everything -- 110 > /tmp/everything-110mb.json
//! cargo run --release --example keywords -- - --stats < /tmp/everything-110mb.json
//! ```
//!
//! The argument is the minimum size in MB (10^6 bytes; default 110).

#[path = "support/everything_gen.rs"]
mod everything_gen;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mb = match std::env::args().nth(1).map(|a| a.parse::<usize>()) {
        None => 110,
        Some(Ok(mb)) => mb,
        Some(Err(_)) => {
            eprintln!("usage: gen_everything [MB]");
            return ExitCode::from(2);
        }
    };
    let bytes = everything_gen::generate(mb.saturating_mul(1_000_000));
    if let Err(e) = std::io::stdout().lock().write_all(&bytes) {
        eprintln!("gen_everything: stdout cannot be written ({})", e.kind());
        return ExitCode::from(1);
    }
    eprintln!("gen_everything: {} bytes", bytes.len());
    ExitCode::SUCCESS
}
