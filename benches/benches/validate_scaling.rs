//! Parse + validate time against the number of entries (issue 18): the real Ocean
//! `add-service-request` message with 1k, 10k and 100k extra entries.
//!
//! The extra entries are Observations with a `urn:uuid` fullUrl: half reference the entry
//! before them by that fullUrl (resolvable), half reference `Patient/x{i}`, which no entry
//! provides (each one an `unresolved-reference` issue, the check that used to scan every entry
//! per reference and took 71 s at 30k). Timed:
//! - `parse+validate`: `ocean_model::json::from_slice::<Bundle>` then
//!   `validate::validate_bundle`;
//! - `messages::parse`: the receive path (the message rules, focus and reference resolution).
//!
//! Criterion reports time per entry (`Throughput::Elements`): linear growth shows as a flat
//! time per entry from 1k to 100k. After criterion, a same-run check prints the per-entry time
//! at 10k and 100k as a ratio to 1k (linear: about 1; quadratic: about 10 and 100).
//!
//! Run: `cargo bench -p ocean-benches --bench validate_scaling` (about two minutes).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use ocean_ereferral::messages;
use ocean_ereferral::model::{Bundle, json, validate};

const MESSAGE: &[u8] = include_bytes!("../../testdata/ocean/ereferral_back_pain.bundle.json");
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// The Ocean message with `n` extra entries (see the module docs).
fn message(n: usize) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(MESSAGE).unwrap();
    let entries = v["entry"].as_array_mut().unwrap();
    for i in 0..n {
        let reference = if i % 2 == 0 && i > 0 {
            format!("urn:uuid:00000000-0000-4000-8000-{:012}", i - 1)
        } else {
            format!("Patient/x{i}")
        };
        entries.push(serde_json::json!({
            "fullUrl": format!("urn:uuid:00000000-0000-4000-8000-{i:012}"),
            "resource": {
                "resourceType": "Observation",
                "id": format!("o{i}"),
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2"}]},
                "subject": {"reference": reference},
                "valueQuantity": {"value": 170.5, "unit": "cm"}
            }
        }));
    }
    serde_json::to_vec(&v).unwrap()
}

fn parse_and_validate(bytes: &[u8]) -> usize {
    let bundle: Bundle = json::from_slice(bytes).unwrap();
    validate::validate_bundle(&bundle).len()
}

fn receive(bytes: &[u8]) -> bool {
    messages::parse(bytes).is_ok()
}

fn main() {
    let mut c = Criterion::default()
        .configure_from_args()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(10);
    let inputs: Vec<(usize, Vec<u8>)> = SIZES.iter().map(|&n| (n, message(n))).collect();
    // The work is real: every unresolvable reference is reported.
    for (n, bytes) in &inputs {
        assert!(parse_and_validate(bytes) >= n / 2, "{n}");
    }
    let mut group = c.benchmark_group("validate_scaling");
    group.sampling_mode(SamplingMode::Flat);
    for (n, bytes) in &inputs {
        group.throughput(Throughput::Elements(*n as u64));
        group.bench_with_input(BenchmarkId::new("parse+validate", n), bytes, |b, bytes| {
            b.iter(|| parse_and_validate(black_box(bytes)));
        });
        group.bench_with_input(BenchmarkId::new("messages::parse", n), bytes, |b, bytes| {
            b.iter(|| receive(black_box(bytes)));
        });
    }
    group.finish();
    c.final_summary();
    // Only when benchmarking (not under `cargo test --benches`, which passes no `--bench`).
    if std::env::args().any(|a| a == "--bench") {
        same_run_ratios(&inputs);
    }
}

/// Per-entry time at each size, relative to the smallest, measured in one run.
fn same_run_ratios(inputs: &[(usize, Vec<u8>)]) {
    for (name, f) in [
        ("parse+validate", parse_and_validate as fn(&[u8]) -> usize),
        ("messages::parse", |b: &[u8]| usize::from(receive(b))),
    ] {
        let per_entry: Vec<f64> = inputs
            .iter()
            .map(|(n, bytes)| {
                // At least ~1 s of work per size, median of the rounds.
                let rounds = (2_000_000 / n).clamp(5, 400);
                let mut times: Vec<Duration> = (0..rounds)
                    .map(|_| {
                        let t = Instant::now();
                        black_box(f(black_box(bytes)));
                        t.elapsed()
                    })
                    .collect();
                times.sort_unstable();
                times[times.len() / 2].as_secs_f64() / *n as f64
            })
            .collect();
        let base = per_entry[0];
        let ratios: Vec<String> = inputs
            .iter()
            .zip(&per_entry)
            .map(|((n, _), t)| format!("{n}: {:.2} µs/entry ({:.2}x)", t * 1e6, t / base))
            .collect();
        eprintln!("{name}: same-run per-entry time: {}", ratios.join(", "));
    }
}
