//! Parse throughput of `ocean_model::json::from_slice::<Bundle>` against serde_json.
//!
//! For each input, one criterion group (`Throughput::Bytes` of the input) times three parsers
//! over the same bytes:
//! - `ocean_model::Bundle`: our typed, lossless parse (`ocean_model::json::from_slice`);
//! - `serde_json::IgnoredAny`: a syntax-only pass, the floor for any serde_json-based parser;
//! - `serde_json::Value`: the generic tree, the baseline the typed parse must beat by >= 1.5x.
//!
//! All three use `b.iter_batched(.., BatchSize::LargeInput)` with the same shape, so the parsed
//! result is returned from the routine and dropped **outside** the timed part for every parser
//! (the numbers are parse-only, freeing the result is not measured for any of them).
//!
//! Inputs:
//! - `synthea_fletcher_hyatt`: the largest public Synthea bundle (~3.9 MB transaction Bundle),
//!   read at run time from
//!   `$CARGO_MANIFEST_DIR/../../shared/fixtures/public/smart-generated-sample-data/large/`.
//!   When the file is absent (a clone without `../shared`) a one-line note goes to stderr and
//!   that input is skipped. Synthea resource types the model does not type (Claim, Encounter,
//!   ...) are read as `Resource::Other` (kept verbatim).
//! - `generated_collection`: a deterministic R4 `collection` Bundle of ~4.5 MB built by
//!   `benches/support/generated_bundle.rs` (shared with the `parse_prof` example)
//!   (a simple LCG, no randomness crate): 1 Patient, 5,000 Observations, 200 Conditions,
//!   200 MedicationStatements, 50 AllergyIntolerances and 50 Immunizations, every one a
//!   modelled type.
//!
//! Before timing, each input is checked (plain asserts): our parse re-serialised is JSON-equal
//! (`serde_json::Value ==`) to the input, and the generated Bundle has 5,501 typed entries.
//!
//! Order effects: with glibc malloc, the heap left behind by one parser's results can change the
//! next parser's time in the same process by up to ~1.5x (seen both ways). For headline ratios,
//! run each benchmark in its own process, e.g.
//! `cargo bench -p ocean-benches --bench parse -- '^generated_collection/serde_json::Value$'`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, Throughput};
use ocean_ereferral::model::{self as ocean_model, Bundle, Resource};

const SYNTHEA_REL: &str = "../shared/fixtures/public/smart-generated-sample-data/large/\
                           Fletcher_Hyatt_fe0562b5-f517-4951-8366-32fdab088930.json";

/// Entries in the generated Bundle: 1 + 5,000 + 200 + 200 + 50 + 50.
const GENERATED_ENTRIES: usize = 5_501;

#[path = "../support/estimates.rs"]
mod estimates;
#[path = "../support/generated_bundle.rs"]
mod generated_bundle;

use generated_bundle::generated_bundle;

/// Checks (outside timing) that our parse is lossless on `bytes`; returns the parsed Bundle.
fn check_round_trip(name: &str, bytes: &[u8]) -> Bundle {
    let bundle: Bundle = ocean_model::json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("{name}: ocean_model parse failed: {e}"));
    let back = ocean_model::json::to_vec(&bundle).expect("serialise");
    let input: serde_json::Value = serde_json::from_slice(bytes).expect("input is JSON");
    let output: serde_json::Value = serde_json::from_slice(&back).expect("output is JSON");
    assert!(
        input == output,
        "{name}: parse -> serialise is not JSON-equal to the input"
    );
    bundle
}

/// The number text of every `"value":<number>` member, sorted.
fn number_values(json: &str) -> Vec<&str> {
    let mut out: Vec<&str> = json
        .split(r#""value":"#)
        .skip(1)
        .map(|rest| {
            let end = rest
                .find(|ch: char| !(ch.is_ascii_digit() || ch == '.' || ch == '-'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|text| !text.is_empty())
        .collect();
    out.sort_unstable();
    out
}

fn bench_input(c: &mut Criterion, name: &str, bytes: &[u8]) {
    let mut group = c.benchmark_group(name);
    group
        .throughput(Throughput::Bytes(bytes.len() as u64))
        // Flat sampling: each iteration takes milliseconds, so linear sampling's 1+2+..+20
        // iterations would overrun the measurement time.
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));

    // Same shape for all three: no setup, the result is returned and dropped by criterion
    // after the timed batch.
    group.bench_function("ocean_model::Bundle", |b| {
        b.iter_batched(
            || (),
            |()| ocean_model::json::from_slice::<Bundle>(black_box(bytes)).unwrap(),
            BatchSize::LargeInput,
        );
    });
    group.bench_function("serde_json::IgnoredAny", |b| {
        b.iter_batched(
            || (),
            |()| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(bytes)).unwrap(),
            BatchSize::LargeInput,
        );
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter_batched(
            || (),
            |()| serde_json::from_slice::<serde_json::Value>(black_box(bytes)).unwrap(),
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

fn synthea(c: &mut Criterion) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(SYNTHEA_REL);
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!(
            "note: {} not found; skipping the Synthea input",
            path.display()
        );
        return;
    };
    let bundle = check_round_trip("synthea", &bytes);
    let other = bundle
        .resources()
        .filter(|r| matches!(r, Resource::Other(_)))
        .count();
    eprintln!(
        "synthea: {} bytes, {} entries ({} typed, {} kept as OtherResource)",
        bytes.len(),
        bundle.entry.len(),
        bundle.entry.len() - other,
        other
    );
    drop(bundle);
    bench_input(c, "synthea_fletcher_hyatt", &bytes);
}

fn generated(c: &mut Criterion) {
    let bytes = generated_bundle();
    let bundle = check_round_trip("generated", &bytes);
    assert_eq!(bundle.entry.len(), GENERATED_ENTRIES);
    assert!(
        bundle.entry.iter().all(|e| e
            .full_url
            .as_ref()
            .is_some_and(|u| u.as_str().starts_with("urn:uuid:"))
            && e.resource
                .as_ref()
                .is_some_and(|r| !matches!(r, Resource::Other(_)))),
        "generated: every entry should have a urn:uuid fullUrl and a typed resource"
    );
    // Decimal text survives exactly (`1.50` stays `1.50`; JSON equality above compares numbers
    // as f64, so check the number text of every `"value":` separately).
    let back = ocean_model::json::to_string(&bundle).expect("serialise");
    let input_numbers = number_values(std::str::from_utf8(&bytes).expect("UTF-8"));
    assert_eq!(input_numbers.len(), 5_000);
    assert_eq!(number_values(&back), input_numbers);
    eprintln!(
        "generated: {} bytes, {} typed entries",
        bytes.len(),
        bundle.entry.len()
    );
    drop(bundle);
    bench_input(c, "generated_collection", &bytes);
}

// What `criterion_group!`/`criterion_main!` expand to, written out so the workspace's
// `missing_docs` lint has no undocumented generated `pub fn` to complain about.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    synthea(&mut c);
    generated(&mut c);
    c.final_summary();
    report();
}

/// The same-run ratios, from criterion's mean estimates of this run.
fn report() {
    println!("\ntyped parse, mean time per Bundle (this run):");
    for group in ["synthea_fletcher_hyatt", "generated_collection"] {
        let mean = |f: &str| estimates::mean_ns(group, f);
        let (Some(ours), Some(value), Some(floor)) = (
            mean("ocean_model::Bundle"),
            mean("serde_json::Value"),
            mean("serde_json::IgnoredAny"),
        ) else {
            continue;
        };
        println!(
            "  {group}: ocean_model::Bundle {:.2} ms, serde_json::Value {:.2} ms, IgnoredAny {:.2} ms; \
             Value / Bundle = {:.2}x (issue 17: at least 2.0x on generated_collection)",
            ours / 1e6,
            value / 1e6,
            floor / 1e6,
            value / ours
        );
    }
}
