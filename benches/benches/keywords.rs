//! Keyword extraction throughput: `ocean_keywords` against two baselines on the same bytes, in the
//! same run.
//!
//! For each input, one criterion group (`Throughput::Bytes`) times:
//! - `serde_json::IgnoredAny`: a syntax-only pass over the bytes, the floor for any serde_json
//!   reader (issue 17's target: our extraction at most 1.0x this). It does not check that the
//!   strings it skips are UTF-8 (serde_json only checks strings it hands out), which our
//!   extraction must do for every byte, so:
//! - `serde_json::IgnoredAny + UTF-8 check`: the same after `simdutf8`'s check of the whole input,
//!   the floor that checks what extraction checks;
//! - `ocean_keywords::extract`: our extraction from the bytes (`Extractor::add_slice`);
//! - `ocean_keywords::extract_reader`: our streaming extraction through `std::io::Read` (what
//!   keeps memory flat; from an in-memory reader, so no disk time);
//! - `serde_json::Value + walk`: what a vendor would write: parse into `serde_json::Value`, walk
//!   the entries, apply the same keyword rules (latest per LOINC code with date parsing, list
//!   texts, demographics) (target: ours at least 3x faster).
//!
//! Inputs:
//! - `generated_110mb`: a deterministic Synthea-shaped `$everything` of ~110 MB built in memory by
//!   `examples/support/everything_gen.rs` (never written to disk here; `ocean gen 110 --out FILE`
//!   writes a Bundle from the same generator, streamed, for memory measurements).
//! - `synthea_fletcher_hyatt`: the largest public Synthea bundle (~3.9 MB), read at run time from
//!   `$CARGO_MANIFEST_DIR/../../shared/fixtures/public/smart-generated-sample-data/large/`; skipped
//!   with a note when absent.
//!
//! Before timing, each input is checked: our extraction and the walk agree on every
//! `@ptLatestVal`/`@ptLatestDate` value. After the run, the mean times and the ratios are printed
//! from criterion's estimates.
//!
//! Run: `cargo bench -p ocean-benches --bench keywords` (about 6 minutes).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../support/estimates.rs"]
mod estimates;
#[path = "../../examples/support/everything_gen.rs"]
mod everything_gen;

use estimates::mean_ns;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput};
use ocean_ereferral::keywords::{self, Rules};
use serde_json::Value;

const SYNTHEA_REL: &str = "../shared/fixtures/public/smart-generated-sample-data/large/\
                           Fletcher_Hyatt_fe0562b5-f517-4951-8366-32fdab088930.json";

const FLOOR: &str = "serde_json::IgnoredAny";
const CHECKED_FLOOR: &str = "serde_json::IgnoredAny + UTF-8 check";
const EXTRACT: &str = "ocean_keywords::extract";
const READER: &str = "ocean_keywords::extract_reader";
const WALK: &str = "serde_json::Value + walk";
const FUNCTIONS: [&str; 5] = [FLOOR, CHECKED_FLOOR, EXTRACT, READER, WALK];

/// The straightforward vendor version: `serde_json::Value`, then a walk applying the same rules
/// (seed codes with LOINC or no system, status filter, first date field, lenient date parsing
/// into instants, exact number text is NOT kept by `Value`, lists with dedupe, demographics).
fn value_walk(bytes: &[u8], rules: &Rules) -> BTreeMap<String, String> {
    let v: Value = serde_json::from_slice(bytes).unwrap();
    let mut out = BTreeMap::new();
    let mut latest: BTreeMap<&str, (time::OffsetDateTime, String, String)> = BTreeMap::new();
    let mut lists: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let empty = Vec::new();
    let entries = v.get("entry").and_then(Value::as_array).unwrap_or(&empty);
    let text_of = |cc: &Value| -> Option<String> {
        if let Some(t) = cc
            .get("text")
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
        {
            return Some(t.to_owned());
        }
        let codings = cc.get("coding").and_then(Value::as_array)?;
        codings
            .iter()
            .find_map(|c| {
                c.get("display")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
            })
            .or_else(|| {
                codings
                    .iter()
                    .find_map(|c| c.get("code").and_then(Value::as_str))
            })
            .map(str::to_owned)
    };
    let has_code = |cc: Option<&Value>, codes: &[&str]| -> bool {
        cc.and_then(|c| c.get("coding"))
            .and_then(Value::as_array)
            .is_some_and(|cs| {
                cs.iter().any(|c| {
                    c.get("code")
                        .and_then(Value::as_str)
                        .is_some_and(|k| codes.contains(&k))
                })
            })
    };
    for e in entries {
        let Some(r) = e.get("resource") else { continue };
        match r.get("resourceType").and_then(Value::as_str) {
            Some("Observation") => {
                if matches!(
                    r.get("status").and_then(Value::as_str),
                    Some("registered" | "cancelled" | "entered-in-error")
                ) {
                    continue;
                }
                let codings = r
                    .pointer("/code/coding")
                    .and_then(Value::as_array)
                    .unwrap_or(&empty);
                for c in codings {
                    let system = c.get("system").and_then(Value::as_str);
                    if !matches!(system, None | Some("http://loinc.org")) {
                        continue;
                    }
                    let Some(code) = c.get("code").and_then(Value::as_str) else {
                        continue;
                    };
                    let Some(rule) = rules.rule_for_code(code) else {
                        continue;
                    };
                    let date = r
                        .get("effectiveDateTime")
                        .or_else(|| r.pointer("/effectivePeriod/start"))
                        .or_else(|| r.get("effectiveInstant"))
                        .or_else(|| r.get("issued"))
                        .and_then(Value::as_str);
                    let Some(date) = date else { continue };
                    let Some(instant) = ocean_ereferral::model::DateTime::new(date).instant()
                    else {
                        continue;
                    };
                    let value = if rule.is_blood_pressure() {
                        let comp = |k: &str| {
                            r.get("component")
                                .and_then(Value::as_array)
                                .and_then(|cs| cs.iter().find(|c| has_code(c.get("code"), &[k])))
                        };
                        match (comp("8480-6"), comp("8462-4")) {
                            (Some(s), Some(d)) => format!(
                                "{}/{} {}",
                                s.pointer("/valueQuantity/value")
                                    .map(Value::to_string)
                                    .unwrap_or_default(),
                                d.pointer("/valueQuantity/value")
                                    .map(Value::to_string)
                                    .unwrap_or_default(),
                                s.pointer("/valueQuantity/unit")
                                    .and_then(Value::as_str)
                                    .unwrap_or("")
                            ),
                            _ => continue,
                        }
                    } else if let Some(q) = r.get("valueQuantity") {
                        format!(
                            "{}{} {}",
                            q.get("comparator").and_then(Value::as_str).unwrap_or(""),
                            q.get("value").map(Value::to_string).unwrap_or_default(),
                            q.get("unit").and_then(Value::as_str).unwrap_or("")
                        )
                    } else if let Some(s) = r.get("valueString").and_then(Value::as_str) {
                        s.to_owned()
                    } else if let Some(t) = r.get("valueCodeableConcept").and_then(text_of) {
                        t
                    } else {
                        continue;
                    };
                    let date_part = date.split('T').next().unwrap_or(date).to_owned();
                    let slot = latest.entry(rule.suffix());
                    match slot {
                        std::collections::btree_map::Entry::Vacant(v) => {
                            v.insert((instant, value, date_part));
                        }
                        std::collections::btree_map::Entry::Occupied(mut o) => {
                            if instant > o.get().0 {
                                o.insert((instant, value, date_part));
                            }
                        }
                    }
                }
            }
            Some("Condition") => {
                let past = has_code(
                    r.get("clinicalStatus"),
                    &["resolved", "remission", "inactive"],
                );
                if has_code(
                    r.get("verificationStatus"),
                    &["entered-in-error", "refuted"],
                ) {
                    continue;
                }
                if let Some(t) = r.get("code").and_then(text_of) {
                    let list = lists.entry(if past { "pmhx" } else { "prob" }).or_default();
                    if !list.contains(&t) {
                        list.push(t);
                    }
                }
            }
            Some("AllergyIntolerance") => {
                if let Some(t) = r.get("code").and_then(text_of) {
                    let list = lists.entry("allg").or_default();
                    if !list.contains(&t) {
                        list.push(t);
                    }
                }
            }
            Some("MedicationStatement") => {
                if !matches!(
                    r.get("status").and_then(Value::as_str),
                    Some("active" | "intended" | "on-hold" | "unknown")
                ) {
                    continue;
                }
                if let Some(t) = r.get("medicationCodeableConcept").and_then(text_of) {
                    let list = lists.entry("rx").or_default();
                    if !list.contains(&t) {
                        list.push(t);
                    }
                }
            }
            Some("Immunization") => {
                if let Some(t) = r.get("vaccineCode").and_then(text_of) {
                    let list = lists.entry("immu").or_default();
                    if !list.contains(&t) {
                        list.push(t);
                    }
                }
            }
            Some("Patient") if !out.contains_key("family") => {
                if let Some(f) = r.pointer("/name/0/family").and_then(Value::as_str) {
                    out.insert("family".to_owned(), f.to_owned());
                }
            }
            _ => {}
        }
    }
    for (k, (_, v, d)) in latest {
        out.insert(format!("@ptLatestVal.{k}"), v);
        out.insert(format!("@ptLatestDate.{k}"), d);
    }
    for (k, items) in lists {
        out.insert(format!("@ptCpp.{k}"), items.join("\n"));
    }
    out
}

fn read_synthea() -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(SYNTHEA_REL);
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(_) => {
            eprintln!(
                "note: {} not found; the synthea_fletcher_hyatt input is skipped",
                path.display()
            );
            None
        }
    }
}

/// Our dates and the walk's must agree (values differ only in number formatting: `Value`
/// re-formats numbers, which is exactly why it cannot give Ocean's exact text).
fn check(name: &str, bytes: &[u8], rules: &Rules) {
    let ours = keywords::extract_with(bytes, rules).unwrap();
    let walk = value_walk(bytes, rules);
    for rule in rules.latest_rules() {
        let k = rule.date_keyword();
        assert_eq!(
            ours.keyword(&k),
            walk.get(&k).map(String::as_str),
            "{name}: {k} differs between extraction and walk"
        );
    }
    let streamed = keywords::extract_reader(bytes, rules).unwrap();
    assert_eq!(ours, streamed, "{name}: reader and slice differ");
}

fn bench_input(c: &mut Criterion, name: &str, bytes: &[u8], rules: &Rules) {
    check(name, bytes, rules);
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    if bytes.len() > 20_000_000 {
        g.sample_size(10);
        g.sampling_mode(SamplingMode::Flat);
        g.measurement_time(Duration::from_secs(20));
    } else {
        g.measurement_time(Duration::from_secs(8));
    }
    g.bench_function(FLOOR, |b| {
        b.iter(|| {
            let v: serde::de::IgnoredAny = serde_json::from_slice(black_box(bytes)).unwrap();
            black_box(v)
        })
    });
    g.bench_function(CHECKED_FLOOR, |b| {
        b.iter(|| {
            let text = simdutf8::basic::from_utf8(black_box(bytes)).unwrap();
            let v: serde::de::IgnoredAny = serde_json::from_str(text).unwrap();
            black_box(v)
        })
    });
    g.bench_function(EXTRACT, |b| {
        b.iter(|| black_box(keywords::extract_with(black_box(bytes), rules).unwrap()))
    });
    g.bench_function(READER, |b| {
        b.iter(|| black_box(keywords::extract_reader(black_box(bytes), rules).unwrap()))
    });
    g.bench_function(WALK, |b| {
        b.iter(|| black_box(value_walk(black_box(bytes), rules)))
    });
    g.finish();
}

fn report(inputs: &[(&str, usize)]) {
    println!("\nkeyword extraction, mean time per Bundle (this run):");
    for &(name, len) in inputs {
        let Some(floor) = mean_ns(name, FLOOR) else {
            continue;
        };
        println!("  {name} ({:.1} MB)", len as f64 / 1e6);
        for f in FUNCTIONS {
            if let Some(t) = mean_ns(name, f) {
                println!(
                    "    {f:<38} {:>9.2} ms  {:>7.1} MB/s  {:>5.2}x floor",
                    t / 1e6,
                    len as f64 / 1e6 / (t / 1e9),
                    t / floor
                );
            }
        }
        if let (Some(ours), Some(reader)) = (mean_ns(name, EXTRACT), mean_ns(name, READER)) {
            println!(
                "    extract / floor = {:.2}x (issue 17: at most 1.0x), reader / extract = {:.2}x (at most 1.2x)",
                ours / floor,
                reader / ours
            );
        }
        if let (Some(ours), Some(checked)) = (mean_ns(name, EXTRACT), mean_ns(name, CHECKED_FLOOR))
        {
            println!(
                "    extract / (floor + UTF-8 check) = {:.2}x (the floor that checks every byte as extraction does)",
                ours / checked
            );
        }
        if let (Some(ours), Some(walk)) = (mean_ns(name, EXTRACT), mean_ns(name, WALK)) {
            println!("    Value + walk / extract = {:.2}x", walk / ours);
        }
    }
}

fn main() {
    // The generated visits run from 1990 to the 2090s (nine days apart); the walk has no
    // future-date rule, so "now" is put past them for both sides to read the same Observations.
    let rules = Rules::default().with_now(time::macros::datetime!(2200-01-01 0:00 UTC));
    let mut c = Criterion::default().configure_from_args();
    let mut inputs = Vec::new();
    let generated = everything_gen::generate(110_000_000);
    bench_input(&mut c, "generated_110mb", &generated, &rules);
    inputs.push(("generated_110mb", generated.len()));
    drop(generated);
    if let Some(bytes) = read_synthea() {
        bench_input(&mut c, "synthea_fletcher_hyatt", &bytes, &rules);
        inputs.push(("synthea_fletcher_hyatt", bytes.len()));
    }
    c.final_summary();
    report(&inputs);
}
