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
//! - `generated_collection`: a deterministic R4 `collection` Bundle of ~4.5 MB built here
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

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, Throughput};
use ocean_ereferral::model::{self as ocean_model, Bundle, Resource};

const SYNTHEA_REL: &str = "../shared/fixtures/public/smart-generated-sample-data/large/\
                           Fletcher_Hyatt_fe0562b5-f517-4951-8366-32fdab088930.json";

/// Entries in the generated Bundle: 1 + 5,000 + 200 + 200 + 50 + 50.
const GENERATED_ENTRIES: usize = 5_501;

/// A 64-bit linear congruential generator (Knuth's MMIX constants): deterministic, no crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }

    /// A value in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A UUID-shaped lowercase hex string (8-4-4-4-12).
    fn uuid(&mut self) -> String {
        let a = self.next();
        let b = self.next();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a & 0xffff_ffff,
            (a >> 32) & 0xffff,
            b & 0xfff,
            0x8000 | ((b >> 12) & 0x3fff),
            (b >> 26) & 0xffff_ffff_ffff,
        )
    }

    /// An `effectiveDateTime`-style value with a UTC offset.
    fn date_time(&mut self) -> String {
        let offsets = ["-05:00", "-04:00", "+00:00", "-08:00"];
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
            2010 + self.below(14),
            1 + self.below(12),
            1 + self.below(28),
            self.below(24),
            self.below(60),
            self.below(60),
            self.pick(&offsets),
        )
    }
}

/// (LOINC code, display, UCUM unit, integer part range, integer part base).
const LOINC: &[(&str, &str, &str, u64, u64)] = &[
    ("8302-2", "Body Height", "cm", 60, 140),
    ("29463-7", "Body Weight", "kg", 90, 10),
    (
        "4548-4",
        "Hemoglobin A1c/Hemoglobin.total in Blood",
        "%",
        8,
        4,
    ),
    (
        "2160-0",
        "Creatinine [Mass/volume] in Serum or Plasma",
        "mg/dL",
        3,
        0,
    ),
    ("8867-4", "Heart rate", "/min", 80, 50),
    ("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", 25, 17),
];

const SNOMED_CONDITIONS: &[(&str, &str)] = &[
    ("44054006", "Diabetes mellitus type 2"),
    ("38341003", "Hypertensive disorder"),
    ("195662009", "Acute viral pharyngitis"),
    ("10509002", "Acute bronchitis"),
    ("162864005", "Body mass index 30+ - obesity"),
    ("40055000", "Chronic sinusitis"),
];

const RXNORM: &[(&str, &str, &str)] = &[
    (
        "860975",
        "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet",
        "1 tablet by mouth once daily with the evening meal",
    ),
    (
        "314076",
        "lisinopril 10 MG Oral Tablet",
        "1 tablet by mouth once daily",
    ),
    (
        "197361",
        "amlodipine 5 MG Oral Tablet",
        "1 tablet by mouth once daily",
    ),
    (
        "310965",
        "Ibuprofen 200 MG Oral Tablet",
        "1-2 tablets by mouth every 6 hours as needed for pain",
    ),
];

const ALLERGIES: &[(&str, &str, &str, &str)] = &[
    ("91936005", "Allergy to penicillin", "247472004", "Wheal"),
    (
        "300913006",
        "Shellfish allergy",
        "271807003",
        "Eruption of skin",
    ),
    ("91935009", "Allergy to peanuts", "39579001", "Anaphylaxis"),
    (
        "419474003",
        "Allergy to mould",
        "878820003",
        "Rhinoconjunctivitis",
    ),
];

const VACCINES: &[(&str, &str)] = &[
    ("140", "Influenza, seasonal, injectable, preservative free"),
    ("113", "Td (adult) preservative free"),
    ("133", "Pneumococcal conjugate PCV 13"),
    (
        "208",
        "SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, LNP, preservative free, 30 mcg/0.3mL dose",
    ),
];

fn push_entry(out: &mut String, first: &mut bool, full_url: &str, resource: &str) {
    if !*first {
        out.push(',');
    }
    *first = false;
    write!(
        out,
        r#"{{"fullUrl":"urn:uuid:{full_url}","resource":{resource}}}"#
    )
    .unwrap();
}

fn coding(system: &str, code: &str, display: &str) -> String {
    format!(r#"{{"system":"{system}","code":"{code}","display":"{display}"}}"#)
}

/// The generated `collection` Bundle, as compact JSON text (decimals keep their trailing zeros,
/// so it is built as text, not as a `serde_json::Value`).
fn generated_bundle() -> Vec<u8> {
    const LOINC_SYS: &str = "http://loinc.org";
    const SNOMED_SYS: &str = "http://snomed.info/sct";
    let mut rng = Lcg(0x0CEA_2024_5EED_0001);
    let mut out = String::with_capacity(5 << 20);
    out.push_str(r#"{"resourceType":"Bundle","id":"bench-collection","type":"collection","timestamp":"2024-05-01T12:00:00-04:00","entry":["#);
    let mut first = true;

    let patient_id = rng.uuid();
    let subject = format!(r#"{{"reference":"urn:uuid:{patient_id}"}}"#);
    let patient = format!(
        concat!(
            r#"{{"resourceType":"Patient","id":"{id}","#,
            r#""identifier":[{{"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn","#,
            r#""value":"9876543225","_value":{{"extension":[{{"url":"http://ehealthontario.ca/fhir/StructureDefinition/ext-health-card-version-code","#,
            r#""valueString":"AB"}}]}}}},{{"system":"https://github.com/synthetichealth/synthea","value":"{id}"}}],"#,
            r#""active":true,"name":[{{"use":"official","family":"Hyatt","given":["Fletcher","Q"],"prefix":["Mr."]}}],"#,
            r#""telecom":[{{"system":"phone","value":"555-555-0199","use":"home"}},{{"system":"email","value":"fletcher@example.org"}}],"#,
            r#""gender":"male","birthDate":"1961-07-04","#,
            r#""address":[{{"use":"home","line":["42 Harbour St","Unit 7"],"city":"Toronto","state":"ON","postalCode":"M5J 2N8","country":"CA"}}]}}"#
        ),
        id = patient_id
    );
    push_entry(&mut out, &mut first, &patient_id, &patient);

    for _ in 0..5_000 {
        let id = rng.uuid();
        let (code, display, unit, range, base) = *rng.pick(LOINC);
        let value = format!("{}.{:02}", base + rng.below(range), rng.below(10) * 10);
        let category = if matches!(code, "4548-4" | "2160-0") {
            "laboratory"
        } else {
            "vital-signs"
        };
        let cat_display = if category == "laboratory" {
            "laboratory"
        } else {
            "Vital Signs"
        };
        let when = rng.date_time();
        let obs = format!(
            concat!(
                r#"{{"resourceType":"Observation","id":"{id}","meta":{{"lastUpdated":"{when_issued}"}},"#,
                r#""identifier":[{{"system":"urn:ietf:rfc:3986","value":"urn:uuid:{id}"}}],"status":"final","#,
                r#""category":[{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"{category}","display":"{cat_display}"}}]}}],"#,
                r#""code":{{"coding":[{coding}],"text":"{display}"}},"subject":{subject},"#,
                r#""effectiveDateTime":"{when}","issued":"{when_issued}","#,
                r#""valueQuantity":{{"value":{value},"unit":"{unit}","system":"http://unitsofmeasure.org","code":"{unit}"}}}}"#
            ),
            id = id,
            category = category,
            cat_display = cat_display,
            coding = coding(LOINC_SYS, code, display),
            display = display,
            subject = subject,
            when = when,
            when_issued = when.replace("-05:00", ".123-05:00"),
            value = value,
            unit = unit,
        );
        push_entry(&mut out, &mut first, &id, &obs);
    }

    for _ in 0..200 {
        let id = rng.uuid();
        let (code, display) = *rng.pick(SNOMED_CONDITIONS);
        let cond = format!(
            concat!(
                r#"{{"resourceType":"Condition","id":"{id}","#,
                r#""clinicalStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}}]}},"#,
                r#""verificationStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}}]}},"#,
                r#""code":{{"coding":[{coding}],"text":"{display}"}},"subject":{subject},"onsetDateTime":"{onset}"}}"#
            ),
            id = id,
            coding = coding(SNOMED_SYS, code, display),
            display = display,
            subject = subject,
            onset = rng.date_time(),
        );
        push_entry(&mut out, &mut first, &id, &cond);
    }

    for _ in 0..200 {
        let id = rng.uuid();
        let (code, display, dosage) = *rng.pick(RXNORM);
        let med = format!(
            concat!(
                r#"{{"resourceType":"MedicationStatement","id":"{id}","status":"active","#,
                r#""medicationCodeableConcept":{{"coding":[{coding}],"text":"{display}"}},"#,
                r#""subject":{subject},"effectiveDateTime":"{when}","dosage":[{{"text":"{dosage}"}}]}}"#
            ),
            id = id,
            coding = coding("http://www.nlm.nih.gov/research/umls/rxnorm", code, display),
            display = display,
            subject = subject,
            when = rng.date_time(),
            dosage = dosage,
        );
        push_entry(&mut out, &mut first, &id, &med);
    }

    for _ in 0..50 {
        let id = rng.uuid();
        let (code, display, m_code, m_display) = *rng.pick(ALLERGIES);
        let allergy = format!(
            concat!(
                r#"{{"resourceType":"AllergyIntolerance","id":"{id}","#,
                r#""clinicalStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}}]}},"#,
                r#""code":{{"coding":[{coding}],"text":"{display}"}},"patient":{subject},"#,
                r#""reaction":[{{"manifestation":[{{"coding":[{manifestation}]}}],"severity":"moderate"}}]}}"#
            ),
            id = id,
            coding = coding(SNOMED_SYS, code, display),
            display = display,
            subject = subject,
            manifestation = coding(SNOMED_SYS, m_code, m_display),
        );
        push_entry(&mut out, &mut first, &id, &allergy);
    }

    for _ in 0..50 {
        let id = rng.uuid();
        let (code, display) = *rng.pick(VACCINES);
        let imm = format!(
            concat!(
                r#"{{"resourceType":"Immunization","id":"{id}","status":"completed","#,
                r#""vaccineCode":{{"coding":[{coding}],"text":"{display}"}},"patient":{subject},"#,
                r#""occurrenceDateTime":"{when}","primarySource":true}}"#
            ),
            id = id,
            coding = coding("http://hl7.org/fhir/sid/cvx", code, display),
            display = display,
            subject = subject,
            when = rng.date_time(),
        );
        push_entry(&mut out, &mut first, &id, &imm);
    }

    out.push_str("]}");
    out.into_bytes()
}

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
}
