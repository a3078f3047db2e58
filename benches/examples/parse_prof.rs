//! A profiling harness for the typed parse (no criterion): builds the generated all-typed
//! Bundle of `benches/parse.rs`, then parses it N times with one parser and prints the best and
//! median time; several parsers, comma-separated (`typed,value`), run interleaved, round by
//! round, so that a machine whose speed drifts slows them alike, and each is compared with the
//! first (`value`'s line then prints issue 17's `Value` / `Bundle` ratio). For
//! `valgrind --tool=callgrind` (instruction and `malloc` call counts), `perf record` and quick A/B
//! runs; the headline figures come from
//! `cargo bench -p ocean-benches --bench parse -- generated_collection`.
//!
//! Run: `cargo run --release -p ocean-benches --example parse_prof -- WHAT [N]`, WHAT one of
//! `typed` (`ocean_model::json::from_slice::<Bundle>`), `value` (`serde_json::Value`), `floor`
//! (serde_json `IgnoredAny`). The result of each parse is dropped outside the timed part, as in
//! the bench. Instructions per parse: run under
//! `valgrind --tool=callgrind --toggle-collect='*parse_once*'` and divide by N.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../support/generated_bundle.rs"]
mod generated_bundle;
#[path = "../support/interleaved.rs"]
mod interleaved;

use std::hint::black_box;

use ocean_ereferral::model::{self as ocean_model, Bundle};

/// One parse with the parser `what`; the result is returned so that dropping it is not timed.
#[inline(never)]
fn parse_once(what: &str, bytes: &[u8]) -> Box<dyn std::any::Any> {
    match what {
        "typed" => Box::new(ocean_model::json::from_slice::<Bundle>(black_box(bytes)).unwrap()),
        "value" => Box::new(serde_json::from_slice::<serde_json::Value>(black_box(bytes)).unwrap()),
        "floor" => {
            Box::new(serde_json::from_slice::<serde::de::IgnoredAny>(black_box(bytes)).unwrap())
        }
        other => panic!("unknown parser {other}: typed, value or floor"),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "typed".into());
    let n: usize = args.next().map_or(10, |s| s.parse().unwrap());
    let bytes = generated_bundle::generated_bundle();
    let whats: Vec<&str> = what.split(',').collect();
    interleaved::compare(
        &whats,
        n,
        |w| parse_once(w, &bytes),
        |best| format!("{} bytes, {n} parses, best {best:.2} ms", bytes.len()),
    );
}
