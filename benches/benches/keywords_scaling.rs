//! Keyword extraction time against the number of entries (issue 18): 1k, 10k and 100k entries
//! of a Bundle that exercises every per-entry cost, including the one that used to be quadratic
//! (each MedicationStatement's `medicationReference` scanned every Medication).
//!
//! Each Bundle is a quarter Medications, a quarter MedicationStatements referencing them (by
//! `Medication/id` and by `urn:uuid`, the half of them before their Medication), a quarter
//! Observations on seed codes and a quarter Conditions. Criterion reports time per element
//! (`Throughput::Elements`): linear growth shows as a flat time per entry from 1k to 100k.
//!
//! Run: `cargo bench -p ocean-benches --bench keywords_scaling` (about a minute).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use ocean_ereferral::keywords::{self, Rules};

/// A Bundle of `n` entries (see the module docs).
fn bundle(n: usize) -> Vec<u8> {
    let q = n / 4;
    let mut s = String::from(r#"{"resourceType":"Bundle","type":"searchset","entry":["#);
    let mut first = true;
    let mut push = |s: &mut String, entry: String| {
        if !first {
            s.push(',');
        }
        first = false;
        s.push_str(&entry);
    };
    let statement = |i: usize| {
        let reference = if i % 2 == 0 {
            format!("Medication/m{i}")
        } else {
            format!("urn:uuid:00000000-0000-4000-8000-{i:012}")
        };
        format!(
            r#"{{"resource":{{"resourceType":"MedicationStatement","status":"active","medicationReference":{{"reference":"{reference}"}},"dosage":[{{"text":"1 daily"}}]}}}}"#
        )
    };
    // Half the statements come before their Medication (forward references).
    for i in 0..q / 2 {
        push(&mut s, statement(i));
    }
    for i in 0..q {
        push(
            &mut s,
            format!(
                r#"{{"fullUrl":"urn:uuid:00000000-0000-4000-8000-{i:012}","resource":{{"resourceType":"Medication","id":"m{i}","code":{{"text":"Drug {i}"}}}}}}"#
            ),
        );
    }
    for i in q / 2..q {
        push(&mut s, statement(i));
    }
    const CODES: [&str; 4] = ["8302-2", "29463-7", "2947-0", "6298-4"];
    for i in 0..q {
        let mut e = String::new();
        write!(
            e,
            r#"{{"resource":{{"resourceType":"Observation","status":"final","code":{{"coding":[{{"system":"http://loinc.org","code":"{}"}}]}},"effectiveDateTime":"20{:02}-{:02}-{:02}","valueQuantity":{{"value":{}.5,"unit":"x"}}}}}}"#,
            CODES[i % 4],
            i % 25,
            1 + i % 12,
            1 + i % 28,
            i % 200
        )
        .unwrap();
        push(&mut s, e);
    }
    // The rest (a quarter, give or take rounding) are Conditions.
    for i in 0..n.saturating_sub(3 * q) {
        push(
            &mut s,
            format!(
                r#"{{"resource":{{"resourceType":"Condition","clinicalStatus":{{"coding":[{{"code":"active"}}]}},"code":{{"text":"Problem {i}"}}}}}}"#
            ),
        );
    }
    s.push_str("]}");
    s.into_bytes()
}

fn main() {
    let mut c = Criterion::default()
        .configure_from_args()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(10);
    let rules = Rules::default();
    let mut group = c.benchmark_group("keywords_scaling");
    group.sampling_mode(SamplingMode::Flat);
    for n in [1_000usize, 10_000, 100_000] {
        let bytes = bundle(n);
        let out = keywords::extract(&bytes).unwrap();
        assert!(out.keyword("@ptCpp.rx").is_some());
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("extract", n), &bytes, |b, bytes| {
            b.iter(|| keywords::extract_with(black_box(bytes), &rules).unwrap());
        });
        group.bench_with_input(BenchmarkId::new("extract_reader", n), &bytes, |b, bytes| {
            b.iter(|| keywords::extract_reader(black_box(&bytes[..]), &rules).unwrap());
        });
    }
    group.finish();
    c.final_summary();
}
