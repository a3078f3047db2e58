//! Receiving an Ocean message: `ocean_messages::parse` plus resolving everything a POS reads,
//! against a `serde_json::Value` parse of the same bytes.
//!
//! Input: the larger real Ocean message, `testdata/ocean/ereferral_miscellaneous.bundle.json`
//! (19.9 kB, `add-service-request`, 13 entries), and the smaller `ereferral_back_pain` (16.7 kB).
//!
//! For each input, one criterion group (`Throughput::Bytes`) times:
//! - `parse+resolve`: [`ocean_messages::parse`] (JSON → typed Bundle, the message rules, focus,
//!   referral, patient and referral id resolved, idempotency key), then every view a receiver
//!   reads: patient and health number, requester, performers and receiver (PractitionerRole →
//!   Practitioner, Organization, Locations), every eForm item with its hidden flag and answers,
//!   every document link, the letter URL;
//! - `parse`: [`ocean_messages::parse`] alone;
//! - `serde_json::Value`: the generic tree, the baseline (target: `parse+resolve` at most 2x).
//!
//! All use `iter_batched(.., BatchSize::SmallInput)` with the same shape: the result is dropped
//! outside the timed part for every one of them.
//!
//! After criterion, a same-run ratio is printed to stderr: `parse+resolve` and `Value` timed in
//! alternating batches (so both see the same machine load and heap state), medians compared.
//! Before timing, the walk is checked once (plain asserts) so the benchmark measures real work.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput};
use ocean_ereferral::messages::{self, Received};

const MISC: &[u8] = include_bytes!("../../testdata/ocean/ereferral_miscellaneous.bundle.json");
const BACK_PAIN: &[u8] = include_bytes!("../../testdata/ocean/ereferral_back_pain.bundle.json");

/// Parses and walks every view a receiver reads; returns a count so nothing is optimised away.
fn parse_and_resolve(bytes: &[u8]) -> (Received, usize) {
    let received = messages::parse(bytes).unwrap();
    let mut seen = 0usize;
    if let Received::Supported(m) = &received {
        let r = m.referral();
        seen += r.patient().name.len();
        seen += usize::from(r.health_number().is_some());
        seen += r.id().as_str().len();
        seen += r.category().map_or(0, str::len);
        seen += r.note_texts().count();
        for p in r
            .requester()
            .into_iter()
            .chain(r.performers())
            .chain(m.receiver())
        {
            seen += usize::from(p.practitioner().is_some());
            seen += usize::from(p.organization().is_some());
            seen += p.locations().len();
            seen += usize::from(p.site_number().is_some());
        }
        for f in r.forms() {
            seen += usize::from(f.form_id().is_some());
            for item in f.items() {
                seen += usize::from(item.is_hidden()) + item.answer_texts().len();
            }
        }
        for d in r.documents() {
            seen += d.links().filter(|l| l.url().is_some()).count();
        }
        seen += r.letter_url().map_or(0, str::len);
        seen += m.idempotency_key().as_str().len();
    }
    (received, seen)
}

fn bench_input(c: &mut Criterion, name: &str, bytes: &[u8]) {
    let (received, seen) = parse_and_resolve(bytes);
    assert!(received.is_supported(), "{name}: not a supported message");
    assert!(seen > 50, "{name}: the walk found too little ({seen})");
    eprintln!("{name}: {} bytes, walk touched {seen} items", bytes.len());

    let mut group = c.benchmark_group(name);
    group
        .throughput(Throughput::Bytes(bytes.len() as u64))
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6));
    group.bench_function("parse+resolve", |b| {
        b.iter_batched(
            || (),
            |()| parse_and_resolve(black_box(bytes)),
            BatchSize::SmallInput,
        );
    });
    group.bench_function("parse", |b| {
        b.iter_batched(
            || (),
            |()| messages::parse(black_box(bytes)).unwrap(),
            BatchSize::SmallInput,
        );
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter_batched(
            || (),
            |()| serde_json::from_slice::<serde_json::Value>(black_box(bytes)).unwrap(),
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

/// Times `runs` calls of `f`, dropping each result after the clock stops.
fn time_batch<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut out = Vec::with_capacity(runs);
    let start = Instant::now();
    for _ in 0..runs {
        out.push(f());
    }
    let elapsed = start.elapsed();
    drop(out);
    elapsed
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

/// `parse+resolve` / `Value` in alternating batches of the same run.
fn same_run_ratio(name: &str, bytes: &[u8]) {
    const ROUNDS: usize = 101;
    const RUNS: usize = 50;
    let mut ours = Vec::with_capacity(ROUNDS);
    let mut value = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        // Alternate which goes first, so neither always inherits the other's heap.
        let a = || time_batch(RUNS, || parse_and_resolve(black_box(bytes)));
        let b = || {
            time_batch(RUNS, || {
                serde_json::from_slice::<serde_json::Value>(black_box(bytes)).unwrap()
            })
        };
        if round % 2 == 0 {
            ours.push(a());
            value.push(b());
        } else {
            value.push(b());
            ours.push(a());
        }
    }
    let (o, v) = (median(ours) / RUNS as u32, median(value) / RUNS as u32);
    eprintln!(
        "{name}: same-run medians: parse+resolve {:.1} µs, serde_json::Value {:.1} µs, \
         ratio {:.2}x (target <= 2x)",
        o.as_secs_f64() * 1e6,
        v.as_secs_f64() * 1e6,
        o.as_secs_f64() / v.as_secs_f64()
    );
}

// What `criterion_group!`/`criterion_main!` expand to, written out so the workspace's
// `missing_docs` lint has no undocumented generated `pub fn` to complain about.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_input(&mut c, "ocean_miscellaneous", MISC);
    bench_input(&mut c, "ocean_back_pain", BACK_PAIN);
    c.final_summary();
    // Only when benchmarking (not under `cargo test --benches`, which passes no `--bench`).
    if std::env::args().any(|a| a == "--bench") {
        same_run_ratio("ocean_miscellaneous", MISC);
        same_run_ratio("ocean_back_pain", BACK_PAIN);
    }
}
