//! The generated all-typed `collection` Bundle of the parse benchmark (`benches/parse.rs`) and
//! of the `parse_prof` profiling harness (`examples/parse_prof.rs`): ~4.5 MB of compact R4 JSON
//! built by a simple LCG (no randomness crate), so every run parses the same bytes: 1 Patient,
//! 5,000 Observations, 200 Conditions, 200 MedicationStatements, 50 AllergyIntolerances and
//! 50 Immunizations, every one a modelled type.
#![allow(clippy::indexing_slicing, clippy::unwrap_used)]

use std::fmt::Write as _;

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
pub(crate) fn generated_bundle() -> Vec<u8> {
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
