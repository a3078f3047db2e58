//! A profiling harness for keyword extraction (no criterion): builds the generated ~110 MB
//! `$everything` in memory, or reads FILE, then runs one function N times and prints the best
//! and median time. For `perf record` and quick A/B runs; the headline figures come from
//! `cargo bench -p ocean-benches --bench keywords`.
//!
//! Run: `cargo run --release -p ocean-benches --example kw_prof -- WHAT [N] [FILE]`, WHAT one of
//! `floor` (serde_json `IgnoredAny`), `checked` (`simdutf8`'s UTF-8 check of the whole input,
//! then `IgnoredAny`: the floor that checks every byte, as extraction must; `IgnoredAny` alone
//! does not check the strings it skips), `bytes` (`extract_with`), `reader` (`extract_reader`),
//! `utf8` (`std::str::from_utf8` alone); several, comma-separated, run interleaved and are
//! compared with the first; `dump` writes the input to stdout.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../../examples/support/everything_gen.rs"]
mod everything_gen;
#[path = "../support/interleaved.rs"]
mod interleaved;

use std::hint::black_box;

use ocean_ereferral::keywords::{self, Rules};

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "bytes".into());
    let n: usize = args.next().map_or(10, |s| s.parse().unwrap());
    let bytes = match args.next() {
        Some(path) => std::fs::read(path).unwrap(),
        None => everything_gen::generate(110_000_000),
    };
    if what == "dump" {
        // The generated Bundle on stdout, for profiling runs that should not include building it.
        std::io::Write::write_all(&mut std::io::stdout(), &bytes).unwrap();
        return;
    }
    let rules = Rules::default().with_now(time::macros::datetime!(2200-01-01 0:00 UTC));
    // Several functions (comma-separated) run interleaved, round by round, so that a noisy
    // machine slows them alike; the best times are compared.
    let whats: Vec<&str> = what.split(',').collect();
    let mb = bytes.len() as f64 / 1e6;
    interleaved::compare(
        &whats,
        n,
        |w| run(w, &bytes, &rules),
        |best| {
            format!(
                "{} bytes, best {best:.2} ms ({:.0} MB/s)",
                bytes.len(),
                mb / best * 1e3
            )
        },
    );
}

fn run(what: &str, bytes: &[u8], rules: &Rules) {
    match what {
        "floor" => {
            black_box(serde_json::from_slice::<serde::de::IgnoredAny>(bytes).unwrap());
        }
        "checked" => {
            let text = simdutf8::basic::from_utf8(bytes).unwrap();
            black_box(serde_json::from_str::<serde::de::IgnoredAny>(text).unwrap());
        }
        "bytes" => {
            black_box(keywords::extract_with(bytes, rules).unwrap());
        }
        "reader" => {
            black_box(keywords::extract_reader(bytes, rules).unwrap());
        }
        "utf8" => {
            black_box(std::str::from_utf8(bytes).unwrap());
        }
        other => panic!("unknown {other}"),
    }
}
