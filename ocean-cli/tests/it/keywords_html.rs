//! `ocean keywords --html`: the pre-populated form as a page, read as written and as headless
//! Chromium renders it. Chromium is the Debian package `.ci/run` installs; outside CI the
//! browser half is skipped when it is missing (as `ocean-sim/tests/it/browser.rs` does). With
//! `OCEAN_KEYWORDS_SCREENSHOT=1` the sample's screenshot is copied to
//! `docs/ocean-keywords-page.png`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use ocean_test_support::browser::{browser_or_skip, headless};
use std::path::{Path, PathBuf};

use crate::common::*;

const SAMPLE: &str = "ocean-keywords/samples/everything.json";
const SYNTHEA: &str = "testdata/synthea/Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json";

const SECTIONS: [&str; 5] = [
    "demographics",
    "patient-summary",
    "latest-values",
    "attachments",
    "findings",
];
const CPP_ROWS: [&str; 5] = [
    "cpp-problems",
    "cpp-medications",
    "cpp-allergies",
    "cpp-past-history",
    "cpp-immunizations",
];
const LATEST_SUFFIXES: [&str; 18] = [
    "ht",
    "wt",
    "bp",
    "cr",
    "egfr",
    "a1c",
    "acr",
    "fbs",
    "tg",
    "hdl",
    "lldl",
    "chol_hdl",
    "gtt",
    "s_ketones",
    "u_ketones",
    "na",
    "k",
    "co2",
];

/// A fresh path under the target directory, removed when dropped.
struct OutFile(PathBuf);

impl OutFile {
    fn new(name: &str) -> Self {
        let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&p);
        OutFile(p)
    }
    fn url(&self) -> String {
        format!("file://{}", self.0.display())
    }
}

impl Drop for OutFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs `ocean keywords --html OUT INPUT...` and returns the page as written.
fn write_page(out: &OutFile, inputs: &[&Path]) -> String {
    let run = ocean()
        .arg("keywords")
        .arg("--html")
        .arg(&out.0)
        .args(inputs)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::read_to_string(&out.0).unwrap()
}

/// The element whose `id` is `id`, from its opening tag to the first closing tag of the same
/// name (the page never nests an element in one of the same name that carries an id).
fn element<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!(" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element with id {id}"));
    let open = html[..at].rfind('<').unwrap();
    let tag: String = html[open + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let close = format!("</{tag}>");
    let end = html[at..].find(&close).unwrap() + at + close.len();
    &html[open..end]
}

/// Every section and every row is there.
fn assert_every_row(html: &str) {
    for id in SECTIONS.iter().chain(&CPP_ROWS) {
        element(html, id);
    }
    for s in LATEST_SUFFIXES {
        let row = element(html, &format!("latest-{s}"));
        assert!(row.contains(&format!("@ptLatestVal.{s}<")), "{row}");
    }
    for id in [
        "demo-name",
        "demo-birth-date",
        "demo-gender",
        "demo-health-number",
        "demo-address",
        "demo-phones",
        "demo-email",
    ] {
        element(html, id);
    }
}

/// What the bundled sample shows, in `html` (the file as written or Chromium's DOM).
fn assert_sample_rows(html: &str) {
    assert_every_row(html);
    let allergies = element(html, "cpp-allergies");
    assert!(allergies.contains("Penicillin"), "{allergies}");
    assert!(allergies.contains("Peanut (Anaphylaxis, Urticaria)"));
    let meds = element(html, "cpp-medications");
    assert!(meds.contains("Ramipril 5 mg capsule"), "{meds}");
    // A latest value with its date.
    let ht = element(html, "latest-ht");
    assert!(ht.contains("164.5 cm") && ht.contains("2024-05-14"), "{ht}");
    let demo = element(html, "demographics");
    assert!(demo.contains("Lindqvist-Moreau"), "{demo}");
    assert!(element(html, "demo-birth-date").contains("1968-07-23"));
    // Findings next to their rows: the sodium coded 2951-2 next to @ptLatestVal.na, the
    // entered-in-error allergy next to the allergies, the refused attachment under the
    // attachments; none of them elsewhere.
    let na = element(html, "latest-na");
    assert!(
        na.contains("data-code=\"near-miss-code\"") && na.contains("2951-2"),
        "{na}"
    );
    assert!(na.contains("class=\"row empty\""), "{na}");
    assert!(
        allergies.contains("data-code=\"item-excluded\""),
        "{allergies}"
    );
    let att = element(html, "attachments");
    assert!(att.contains("Endocrinology consult.pdf"), "{att}");
    assert!(
        att.contains("data-code=\"attachment-type-refused\""),
        "{att}"
    );
    assert_eq!(html.matches("2951-2 (Sodium").count(), 1);
}

#[test]
fn the_sample_page_has_every_row_and_each_finding_next_to_its_row() {
    let out = OutFile::new("sample.html");
    let html = write_page(&out, &[Path::new(SAMPLE)]);
    assert_sample_rows(&html);
    // Self-contained: no script, no external resource.
    let lower = html.to_ascii_lowercase();
    for banned in ["<script", "src=", "href=", "url(", "@import", "<link"] {
        assert!(!lower.contains(banned), "{banned}");
    }
    // Every finding of `--json` is on the page once.
    let json = ocean()
        .args(["keywords", "--json", SAMPLE])
        .output()
        .unwrap();
    let n = stdout_json(&json)["findings"].as_array().unwrap().len();
    assert!(n > 0);
    assert_eq!(html.matches("<li class=\"finding ").count(), n);
}

#[test]
fn the_synthea_page_shows_empty_rows_empty() {
    let out = OutFile::new("synthea.html");
    let html = write_page(&out, &[Path::new(SYNTHEA)]);
    assert_every_row(&html);
    let allergies = element(&html, "cpp-allergies");
    assert!(allergies.contains("class=\"row empty\""), "{allergies}");
    assert!(!allergies.contains("<li class=\"item\""), "{allergies}");
    assert!(
        allergies.contains("data-code=\"missing-keyword\""),
        "{allergies}"
    );
    assert!(element(&html, "cpp-immunizations").contains("Td (adult) preservative free"));
    let ht = element(&html, "latest-ht");
    assert!(ht.contains("2018-09-17") && ht.contains(" cm<"), "{ht}");
    assert!(element(&html, "demo-name").contains("Kreiger"));
    let hn = element(&html, "demo-health-number");
    assert!(
        hn.contains("row empty") && hn.contains("missing-demographic"),
        "{hn}"
    );
}

#[test]
fn input_text_is_escaped() {
    let bundle = serde_json::json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001",
             "resource": {"resourceType": "Patient", "id": "p",
                "name": [{"family": "<script>alert(1)</script>", "given": ["\"&<>"]}]}},
            {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000002",
             "resource": {"resourceType": "AllergyIntolerance", "id": "a",
                "clinicalStatus": {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                    "code": "active"}]},
                "code": {"text": "<img src=x onerror=alert(2)> \"&<>"},
                "patient": {"reference": "urn:uuid:00000000-0000-4000-8000-000000000001"}}}
        ]
    });
    let input = TempFile::new("hostile.json", bundle.to_string().as_bytes());
    let out = OutFile::new("hostile.html");
    let html = write_page(&out, &[&input.0]);
    assert!(!html.contains("<script"), "a planted script is not markup");
    assert!(!html.contains("<img"), "a planted element is not markup");
    let name = element(&html, "demo-name");
    assert!(
        name.contains("&quot;&amp;&lt;&gt; &lt;script&gt;alert(1)&lt;/script&gt;"),
        "{name}"
    );
    let allergies = element(&html, "cpp-allergies");
    assert!(
        allergies.contains("&lt;img src=x onerror=alert(2)&gt; &quot;&amp;&lt;&gt;"),
        "{allergies}"
    );

    let Some(browser) = browser_or_skip() else {
        return;
    };
    let dom = headless(&browser, &["--dump-dom", &out.url()]).unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("id=\"demo-name\""), "{dom}");
    // Chromium parsed the planted text as text: no script or img element in the DOM.
    assert!(!dom.contains("<script") && !dom.contains("<img"), "{dom}");
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{dom}"
    );
}

#[test]
fn the_page_renders_every_section_in_chromium() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let sample = OutFile::new("sample-dom.html");
    write_page(&sample, &[Path::new(SAMPLE)]);
    let dom = headless(&browser, &["--dump-dom", &sample.url()]).unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert_sample_rows(&dom);

    let synthea = OutFile::new("synthea-dom.html");
    write_page(&synthea, &[Path::new(SYNTHEA)]);
    let dom = headless(&browser, &["--dump-dom", &synthea.url()]).unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert_every_row(&dom);
    assert!(element(&dom, "demographics").contains("Kreiger"));
    assert!(element(&dom, "latest-wt").contains("2018-09-17"));

    let shot = OutFile::new("sample.png");
    let run = headless(
        &browser,
        &[
            &format!("--screenshot={}", shot.0.display()),
            "--window-size=1200,1600",
            &sample.url(),
        ],
    )
    .unwrap();
    assert!(
        shot.0.exists(),
        "screenshot: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let png = std::fs::read(&shot.0).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    if std::env::var_os("OCEAN_KEYWORDS_SCREENSHOT").is_some() {
        let docs = root().join("docs");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::copy(&shot.0, docs.join("ocean-keywords-page.png")).unwrap();
    }
}

#[test]
fn an_unwritable_page_exits_2_naming_the_file() {
    let out = ocean()
        .args(["keywords", "--html", "no/such/dir/page.html", SAMPLE])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no/such/dir/page.html") && err.contains("cannot be written"),
        "{err}"
    );
}
