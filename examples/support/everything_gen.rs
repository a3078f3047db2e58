//! A deterministic generator of large, Synthea-shaped `Patient/$everything` Bundles for
//! benchmarks and memory measurements (used by `examples/gen_everything.rs`,
//! `benches/keywords.rs` and `ocean-smart-server/tests/memory`; the output is never committed).
//!
//! Each simulated visit writes an Encounter, vital signs (height, weight, a blood-pressure panel
//! with components, heart rate, BMI), every third visit a lab panel (creatinine, electrolytes,
//! glucose, HbA1c, lipids, eGFR, ACR; seed codes and their usual near-misses), a Claim and an
//! ExplanationOfBenefit (large, as in Synthea), a DiagnosticReport, and now and then a Condition,
//! MedicationRequest, MedicationStatement, Immunization, AllergyIntolerance, Procedure or
//! DocumentReference. Observation values keep trailing zeros (`82.50`), so the Bundle is written
//! as text. A 64-bit LCG makes the output identical on every run.

use std::collections::VecDeque;
use std::fmt::Write as _;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<T: Copy>(&mut self, items: &[T], fallback: T) -> T {
        let i = self.below(items.len() as u64) as usize;
        items.get(i).copied().unwrap_or(fallback)
    }
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
}

/// (code, display, unit, base, range) of the lab panel; seed codes and near-misses mixed.
const LABS: &[(&str, &str, &str, u64, u64)] = &[
    (
        "38483-4",
        "Creatinine [Mass/volume] in Blood",
        "mg/dL",
        0,
        2,
    ),
    (
        "14682-9",
        "Creatinine [Moles/volume] in Serum or Plasma",
        "umol/L",
        50,
        60,
    ),
    (
        "2947-0",
        "Sodium [Moles/volume] in Blood",
        "mmol/L",
        134,
        10,
    ),
    (
        "2951-2",
        "Sodium [Moles/volume] in Serum or Plasma",
        "mmol/L",
        134,
        10,
    ),
    (
        "6298-4",
        "Potassium [Moles/volume] in Blood",
        "mmol/L",
        3,
        2,
    ),
    (
        "20565-8",
        "Carbon dioxide, total [Moles/volume] in Blood",
        "mmol/L",
        21,
        8,
    ),
    (
        "76629-5",
        "Fasting glucose [Moles/volume] in Blood",
        "mmol/L",
        4,
        5,
    ),
    (
        "59261-8",
        "Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol",
        "mmol/mol",
        35,
        30,
    ),
    (
        "4548-4",
        "Hemoglobin A1c/Hemoglobin.total in Blood",
        "%",
        5,
        4,
    ),
    (
        "2085-9",
        "Cholesterol in HDL [Mass/volume] in Serum or Plasma",
        "mg/dL",
        35,
        40,
    ),
    (
        "2089-1",
        "Cholesterol in LDL [Mass/volume] in Serum or Plasma",
        "mg/dL",
        70,
        90,
    ),
    (
        "12228-3",
        "Triglyceride [Mass/volume] in Body fluid",
        "mg/dL",
        80,
        150,
    ),
    (
        "96589-7",
        "Cholesterol.total/Cholesterol in HDL [Mass Ratio] in DBS",
        "{ratio}",
        2,
        4,
    ),
    (
        "45066-8",
        "Creatinine and Glomerular filtration rate.predicted panel",
        "mL/min/{1.73_m2}",
        60,
        40,
    ),
    (
        "32294-1",
        "Albumin/Creatinine [Ratio] in Urine",
        "mg/mmol",
        0,
        5,
    ),
    (
        "2093-3",
        "Cholesterol [Mass/volume] in Serum or Plasma",
        "mg/dL",
        150,
        90,
    ),
    ("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 12, 4),
    (
        "6690-2",
        "Leukocytes [#/volume] in Blood by Automated count",
        "10*3/uL",
        4,
        6,
    ),
];

const CONDITIONS: &[(&str, &str, &str)] = &[
    ("44054006", "Diabetes mellitus type 2", "active"),
    ("38341003", "Hypertensive disorder", "active"),
    ("195662009", "Acute viral pharyngitis", "resolved"),
    ("10509002", "Acute bronchitis", "resolved"),
    ("162864005", "Body mass index 30+ - obesity", "active"),
    ("40055000", "Chronic sinusitis", "remission"),
];

const MEDS: &[(&str, &str)] = &[
    (
        "860975",
        "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet",
    ),
    ("314076", "lisinopril 10 MG Oral Tablet"),
    ("197361", "amlodipine 5 MG Oral Tablet"),
    ("310965", "Ibuprofen 200 MG Oral Tablet"),
];

const VACCINES: &[(&str, &str)] = &[
    ("140", "Influenza, seasonal, injectable, preservative free"),
    ("113", "Td (adult) preservative free"),
    (
        "208",
        "SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, LNP, 30 mcg/0.3mL dose",
    ),
];

/// Generates a Bundle of at least `target_bytes` bytes.
#[allow(dead_code)] // each includer (`#[path]`) uses its own part of this file
pub(crate) fn generate(target_bytes: usize) -> Vec<u8> {
    let mut g = lazy(usize::MAX);
    let mut out = String::with_capacity(target_bytes + (1 << 20));
    out.push_str(
        r#"{"resourceType":"Bundle","id":"everything-generated","type":"searchset","entry":["#,
    );
    let mut first = true;
    let mut drain = |g: &mut Gen, out: &mut String| {
        while let Some((full_url, resource)) = g.queue.pop_front() {
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(
                out,
                r#"{{"fullUrl":"{full_url}","resource":{resource},"search":{{"mode":"match"}}}}"#
            );
        }
    };
    drain(&mut g, &mut out);
    while out.len() < target_bytes {
        let v = g.visit;
        g.visit += 1;
        g.visit(v);
        drain(&mut g, &mut out);
    }
    out.push_str("]}");
    out.into_bytes()
}

/// A lazy source of the same resources, one at a time, about `target_bytes` of resource JSON in
/// all (the SMART server's memory test streams it, so the source holds almost nothing).
#[allow(dead_code)]
pub(crate) fn lazy(target_bytes: usize) -> Gen {
    let mut g = Gen {
        rng: Lcg(0x0CEA_2026_5EED_0042),
        queue: VecDeque::new(),
        patient: String::new(),
        visit: 0,
        target: target_bytes,
        produced: 0,
    };
    g.patient = g.rng.uuid();
    let pid = g.patient.clone();
    let patient = format!(
        r#"{{"resourceType":"Patient","id":"{id}","identifier":[{{"type":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"JHN"}}]}},"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id","value":"9123456789"}}],"name":[{{"use":"official","family":"Generated","given":["Bench","Q"]}}],"telecom":[{{"system":"phone","value":"250-555-0100","use":"mobile"}},{{"system":"email","value":"bench@example.org"}}],"gender":"female","birthDate":"1959-03-14","address":[{{"use":"home","line":["1 Bench St"],"city":"Victoria","state":"BC","postalCode":"V8W 1A1","country":"CA"}}]}}"#,
        id = pid
    );
    g.entry(&pid, &patient);
    g
}

/// The generator's state: the resources of the current visit not yet taken.
pub(crate) struct Gen {
    rng: Lcg,
    queue: VecDeque<(String, String)>,
    patient: String,
    visit: u64,
    target: usize,
    produced: usize,
}

#[allow(dead_code)]
impl Gen {
    fn entry(&mut self, id: &str, resource: &str) {
        self.queue
            .push_back((format!("urn:uuid:{id}"), resource.to_owned()));
    }

    /// The patient's id (the Patient is the first resource).
    pub(crate) fn patient_id(&self) -> &str {
        &self.patient
    }

    /// The next resource as (fullUrl, JSON), `None` once about the target size was produced.
    pub(crate) fn next_resource(&mut self) -> Option<(String, String)> {
        if self.queue.is_empty() {
            if self.produced >= self.target {
                return None;
            }
            let v = self.visit;
            self.visit += 1;
            self.visit(v);
        }
        let item = self.queue.pop_front()?;
        self.produced += item.1.len();
        Some(item)
    }

    fn date(&mut self, visit: u64) -> String {
        // Visits walk forward in time: about one every 9 days from 1990.
        let day = visit * 9 + self.rng.below(5);
        let year = 1990 + day / 360;
        let month = 1 + (day % 360) / 30;
        let dom = 1 + day % 28;
        let offset = self
            .rng
            .pick(&["-08:00", "-07:00", "+00:00", "-05:00"], "+00:00");
        format!(
            "{year:04}-{month:02}-{dom:02}T{:02}:{:02}:{:02}{offset}",
            8 + self.rng.below(9),
            self.rng.below(60),
            self.rng.below(60)
        )
    }

    /// One Observation; `what` is (code, display, category, value, unit).
    fn obs(&mut self, enc: &str, when: &str, what: (&str, &str, &str, &str, &str)) {
        let (code, display, category, value, unit) = what;
        let id = self.rng.uuid();
        let pid = &self.patient;
        let r = format!(
            r#"{{"resourceType":"Observation","id":"{id}","status":"final","category":[{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"{category}","display":"{category}"}}]}}],"code":{{"coding":[{{"system":"http://loinc.org","code":"{code}","display":"{display}"}}],"text":"{display}"}},"subject":{{"reference":"urn:uuid:{pid}"}},"encounter":{{"reference":"urn:uuid:{enc}"}},"effectiveDateTime":"{when}","issued":"{when}","valueQuantity":{{"value":{value},"unit":"{unit}","system":"http://unitsofmeasure.org","code":"{unit}"}}}}"#,
        );
        self.entry(&id, &r);
    }

    fn value(&mut self, base: u64, range: u64) -> String {
        format!(
            "{}.{:02}",
            base + self.rng.below(range.max(1)),
            self.rng.below(10) * 10
        )
    }

    fn visit(&mut self, visit: u64) {
        let pid = self.patient.clone();
        let when = self.date(visit);
        let enc = self.rng.uuid();
        let encounter = format!(
            r#"{{"resourceType":"Encounter","id":"{enc}","status":"finished","class":{{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"}},"type":[{{"coding":[{{"system":"http://snomed.info/sct","code":"185349003","display":"Encounter for check up (procedure)"}}],"text":"Encounter for check up (procedure)"}}],"subject":{{"reference":"urn:uuid:{pid}","display":"Bench Generated"}},"participant":[{{"individual":{{"reference":"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999990001","display":"Dr. Example Clinician"}}}}],"period":{{"start":"{when}","end":"{when}"}},"serviceProvider":{{"reference":"Organization?identifier=https://github.com/synthetichealth/synthea|ef58ea08","display":"EXAMPLE CLINIC"}}}}"#,
        );
        self.entry(&enc, &encounter);
        let v = self.value(150, 30);
        self.obs(
            &enc,
            &when,
            ("8302-2", "Body Height", "vital-signs", &v, "cm"),
        );
        let v = self.value(55, 40);
        self.obs(
            &enc,
            &when,
            ("29463-7", "Body Weight", "vital-signs", &v, "kg"),
        );
        let v = self.value(55, 50);
        self.obs(
            &enc,
            &when,
            ("8867-4", "Heart rate", "vital-signs", &v, "/min"),
        );
        let v = self.value(19, 12);
        self.obs(
            &enc,
            &when,
            (
                "39156-5",
                "Body mass index (BMI) [Ratio]",
                "vital-signs",
                &v,
                "kg/m2",
            ),
        );
        // Blood pressure panel with components (35094-2 most of the time, 85354-9 otherwise).
        let bp_code = if self.rng.below(10) < 7 {
            "35094-2"
        } else {
            "85354-9"
        };
        let id = self.rng.uuid();
        let (s, d) = (100 + self.rng.below(50), 60 + self.rng.below(30));
        let bp = format!(
            r#"{{"resourceType":"Observation","id":"{id}","status":"final","category":[{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}}]}}],"code":{{"coding":[{{"system":"http://loinc.org","code":"{bp_code}","display":"Blood pressure panel"}}]}},"subject":{{"reference":"urn:uuid:{pid}"}},"encounter":{{"reference":"urn:uuid:{enc}"}},"effectiveDateTime":"{when}","component":[{{"code":{{"coding":[{{"system":"http://loinc.org","code":"8480-6","display":"Systolic blood pressure"}}]}},"valueQuantity":{{"value":{s},"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"}}}},{{"code":{{"coding":[{{"system":"http://loinc.org","code":"8462-4","display":"Diastolic blood pressure"}}]}},"valueQuantity":{{"value":{d},"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"}}}}]}}"#,
        );
        self.entry(&id, &bp);
        if visit % 3 == 0 {
            for &(code, display, unit, base, range) in LABS {
                let v = self.value(base, range);
                self.obs(&enc, &when, (code, display, "laboratory", &v, unit));
            }
            let id = self.rng.uuid();
            let report = format!(
                r#"{{"resourceType":"DiagnosticReport","id":"{id}","status":"final","code":{{"coding":[{{"system":"http://loinc.org","code":"24323-8","display":"Comprehensive metabolic 2000 panel"}}]}},"subject":{{"reference":"urn:uuid:{pid}"}},"encounter":{{"reference":"urn:uuid:{enc}"}},"effectiveDateTime":"{when}","issued":"{when}","presentedForm":[{{"contentType":"text/plain","data":"{data}"}}]}}"#,
                data = "VGhpcyBpcyBhIGdlbmVyYXRlZCBsYWIgcmVwb3J0Lg==".repeat(24),
            );
            self.entry(&id, &report);
        }
        // Claim and ExplanationOfBenefit: large, never read by Ocean.
        let claim = self.rng.uuid();
        let mut items = String::new();
        for seq in 1..=6 {
            if seq > 1 {
                items.push(',');
            }
            let _ = write!(
                items,
                r#"{{"sequence":{seq},"encounter":[{{"reference":"urn:uuid:{enc}"}}],"productOrService":{{"coding":[{{"system":"http://snomed.info/sct","code":"185349003","display":"Encounter for check up (procedure)"}}],"text":"Encounter for check up"}},"servicedPeriod":{{"start":"{when}","end":"{when}"}},"locationCodeableConcept":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/ex-serviceplace","code":"21","display":"Inpatient Hospital"}}]}},"net":{{"value":{net},"currency":"USD"}},"adjudication":[{{"category":{{"coding":[{{"system":"https://bluebutton.cms.gov/resources/codesystem/adjudication","code":"https://bluebutton.cms.gov/resources/variables/line_coinsrnc_amt","display":"Line Beneficiary Coinsurance Amount"}}]}},"amount":{{"value":{co},"currency":"USD"}}}},{{"category":{{"coding":[{{"system":"https://bluebutton.cms.gov/resources/codesystem/adjudication","code":"https://bluebutton.cms.gov/resources/variables/line_prvdr_pmt_amt","display":"Line Provider Payment Amount"}}]}},"amount":{{"value":{pay},"currency":"USD"}}}}]}}"#,
                net = 100 + self.rng.below(400),
                co = self.rng.below(90),
                pay = 50 + self.rng.below(300),
            );
        }
        let claim_r = format!(
            r#"{{"resourceType":"Claim","id":"{claim}","status":"active","type":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"professional"}}]}},"use":"claim","patient":{{"reference":"urn:uuid:{pid}"}},"billablePeriod":{{"start":"{when}","end":"{when}"}},"created":"{when}","provider":{{"reference":"Organization?identifier=https://github.com/synthetichealth/synthea|ef58ea08","display":"EXAMPLE CLINIC"}},"priority":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/processpriority","code":"normal"}}]}},"insurance":[{{"sequence":1,"focal":true,"coverage":{{"display":"Medicaid"}}}}],"item":[{items}],"total":{{"value":{total},"currency":"USD"}}}}"#,
            total = 500 + self.rng.below(2000),
        );
        self.entry(&claim, &claim_r);
        let eob = self.rng.uuid();
        let eob_r = format!(
            r##"{{"resourceType":"ExplanationOfBenefit","id":"{eob}","contained":[{{"resourceType":"ServiceRequest","id":"referral","status":"completed","intent":"order","subject":{{"reference":"urn:uuid:{pid}"}}}},{{"resourceType":"Coverage","id":"coverage","status":"active","type":{{"text":"Medicaid"}},"beneficiary":{{"reference":"urn:uuid:{pid}"}},"payor":[{{"display":"Medicaid"}}]}}],"identifier":[{{"system":"https://bluebutton.cms.gov/resources/variables/clm_id","value":"{claim}"}}],"status":"active","type":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"professional"}}]}},"use":"claim","patient":{{"reference":"urn:uuid:{pid}"}},"billablePeriod":{{"start":"{when}","end":"{when}"}},"created":"{when}","insurer":{{"display":"Medicaid"}},"provider":{{"reference":"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999990001"}},"referral":{{"reference":"#referral"}},"claim":{{"reference":"urn:uuid:{claim}"}},"outcome":"complete","careTeam":[{{"sequence":1,"provider":{{"reference":"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999990001"}},"role":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/claimcareteamrole","code":"primary","display":"Primary Care Practitioner"}}]}}}}],"insurance":[{{"focal":true,"coverage":{{"reference":"#coverage","display":"Medicaid"}}}}],"item":[{items}],"total":[{{"category":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/adjudication","code":"submitted","display":"Submitted Amount"}}],"text":"Submitted Amount"}},"amount":{{"value":{total},"currency":"USD"}}}}],"payment":{{"amount":{{"value":{paid},"currency":"USD"}}}}}}"##,
            total = 500 + self.rng.below(2000),
            paid = 300 + self.rng.below(1000),
        );
        self.entry(&eob, &eob_r);

        match self.rng.below(12) {
            0 => {
                let (code, display, status) = self.rng.pick(
                    CONDITIONS,
                    ("44054006", "Diabetes mellitus type 2", "active"),
                );
                let id = self.rng.uuid();
                let r = format!(
                    r#"{{"resourceType":"Condition","id":"{id}","clinicalStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"{status}"}}]}},"verificationStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}}]}},"code":{{"coding":[{{"system":"http://snomed.info/sct","code":"{code}","display":"{display}"}}],"text":"{display}"}},"subject":{{"reference":"urn:uuid:{pid}"}},"encounter":{{"reference":"urn:uuid:{enc}"}},"onsetDateTime":"{when}","recordedDate":"{when}"}}"#,
                );
                self.entry(&id, &r);
            }
            1 | 2 => {
                let (code, display) = self
                    .rng
                    .pick(MEDS, ("314076", "lisinopril 10 MG Oral Tablet"));
                let id = self.rng.uuid();
                let r = format!(
                    r#"{{"resourceType":"MedicationRequest","id":"{id}","status":"active","intent":"order","medicationCodeableConcept":{{"coding":[{{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"{code}","display":"{display}"}}],"text":"{display}"}},"subject":{{"reference":"urn:uuid:{pid}"}},"encounter":{{"reference":"urn:uuid:{enc}"}},"authoredOn":"{when}","dosageInstruction":[{{"sequence":1,"text":"1 tablet by mouth once daily","timing":{{"repeat":{{"frequency":1,"period":1.0,"periodUnit":"d"}}}},"asNeededBoolean":false}}]}}"#,
                );
                self.entry(&id, &r);
                let id = self.rng.uuid();
                let status = if self.rng.below(3) == 0 {
                    "completed"
                } else {
                    "active"
                };
                let r = format!(
                    r#"{{"resourceType":"MedicationStatement","id":"{id}","status":"{status}","medicationCodeableConcept":{{"coding":[{{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"{code}","display":"{display}"}}],"text":"{display}"}},"subject":{{"reference":"urn:uuid:{pid}"}},"effectiveDateTime":"{when}","dosage":[{{"text":"1 tablet by mouth once daily"}}]}}"#,
                );
                self.entry(&id, &r);
            }
            3 => {
                let (code, display) = self.rng.pick(VACCINES, ("140", "Influenza"));
                let id = self.rng.uuid();
                let r = format!(
                    r#"{{"resourceType":"Immunization","id":"{id}","status":"completed","vaccineCode":{{"coding":[{{"system":"http://hl7.org/fhir/sid/cvx","code":"{code}","display":"{display}"}}],"text":"{display}"}},"patient":{{"reference":"urn:uuid:{pid}"}},"encounter":{{"reference":"urn:uuid:{enc}"}},"occurrenceDateTime":"{when}","primarySource":true}}"#,
                );
                self.entry(&id, &r);
            }
            4 => {
                let id = self.rng.uuid();
                let r = format!(
                    r#"{{"resourceType":"Procedure","id":"{id}","status":"completed","code":{{"coding":[{{"system":"http://snomed.info/sct","code":"430193006","display":"Medication Reconciliation (procedure)"}}],"text":"Medication Reconciliation (procedure)"}},"subject":{{"reference":"urn:uuid:{pid}"}},"encounter":{{"reference":"urn:uuid:{enc}"}},"performedPeriod":{{"start":"{when}","end":"{when}"}}}}"#,
                );
                self.entry(&id, &r);
            }
            5 if visit % 50 == 5 => {
                let id = self.rng.uuid();
                let r = format!(
                    r#"{{"resourceType":"AllergyIntolerance","id":"{id}","clinicalStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}}]}},"code":{{"coding":[{{"system":"http://snomed.info/sct","code":"91935009","display":"Allergy to peanuts"}}],"text":"Allergy to peanuts"}},"patient":{{"reference":"urn:uuid:{pid}"}},"recordedDate":"{when}","reaction":[{{"manifestation":[{{"coding":[{{"system":"http://snomed.info/sct","code":"39579001","display":"Anaphylaxis"}}]}}],"severity":"severe"}}]}}"#,
                );
                self.entry(&id, &r);
            }
            6 if visit % 40 == 6 => {
                let id = self.rng.uuid();
                let r = format!(
                    r#"{{"resourceType":"DocumentReference","id":"{id}","status":"current","type":{{"coding":[{{"system":"http://loinc.org","code":"11488-4","display":"Consult note"}}]}},"subject":{{"reference":"urn:uuid:{pid}"}},"date":"{when}","description":"Consult note","content":[{{"attachment":{{"contentType":"application/pdf","url":"https://emr.example.org/fhir/Binary/{id}","size":{size},"title":"Consult.pdf","creation":"{when}"}}}}]}}"#,
                    size = 20_000 + self.rng.below(500_000),
                );
                self.entry(&id, &r);
            }
            _ => {}
        }
    }
}
