//! `ocean keywords --html`: the pre-populated referral form as a self-contained page.
//!
//! The page is laid out like the seed's Patient Summary section of a BC Provincial eReferral
//! form: the demographic pane, then Current Problem List, Current Medications, Allergies, Past
//! Medical History and Immunizations, the latest lab and vital values with their dates, the
//! attachments, and the findings that concern no row. Each finding is shown next to the row it
//! concerns ([`place()`]); an empty row is shown empty, as Ocean will show it.
//!
//! Self-contained: inline CSS, no script, no external URL (an attachment's URL is shown as text,
//! not linked). Every piece of text from the input is HTML-escaped ([`mod@escape`]). Sections and
//! rows carry stable `id`s: `demographics` (rows `demo-*`), `patient-summary` (rows
//! `cpp-problems`, `cpp-medications`, `cpp-allergies`, `cpp-past-history`,
//! `cpp-immunizations`), `latest-values` (rows `latest-X` for `@ptLatestVal.X`), `attachments`
//! and `findings`.

mod escape;
mod place;

use std::ffi::OsString;
use std::path::Path;

use ocean_keywords::{AttachmentInfo, CppSection, Demographics, Extraction, Finding, Rules};

use crate::outcome::Unusable;

use self::escape::Page;
use self::place::{DemoField, Place, place};

/// Writes the page for `out` to `path`.
pub(crate) fn write(path: &OsString, out: &Extraction, rules: &Rules) -> Result<(), Unusable> {
    std::fs::write(path, page(out, rules)).map_err(|e| {
        Unusable::input(
            Path::new(path).display().to_string(),
            format!("cannot be written ({})", e.kind()),
        )
    })
}

/// The page's style sheet (inline: the page needs nothing else).
const STYLE: &str = include_str!("style.css");

/// The five lists in the order of the seed's Patient Summary: its element id and label.
const CPP_ROWS: [(CppSection, &str, &str); 5] = [
    (CppSection::Problems, "cpp-problems", "Current Problem List"),
    (
        CppSection::Medications,
        "cpp-medications",
        "Current Medications",
    ),
    (CppSection::Allergies, "cpp-allergies", "Allergies"),
    (
        CppSection::PastHistory,
        "cpp-past-history",
        "Past Medical History",
    ),
    (
        CppSection::Immunizations,
        "cpp-immunizations",
        "Immunizations",
    ),
];

/// The whole page.
pub(crate) fn page(out: &Extraction, rules: &Rules) -> String {
    let placed: Vec<(Place, &Finding)> =
        out.findings.iter().map(|f| (place(f, rules), f)).collect();
    let at = |p: Place| -> Vec<&Finding> {
        placed
            .iter()
            .filter(|(q, _)| *q == p)
            .map(|(_, f)| *f)
            .collect()
    };
    let mut p = Page::default();
    p.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    p.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    p.raw("<title>Ocean referral form: pre-populated values</title>\n<style>\n");
    p.raw(STYLE);
    p.raw("</style>\n</head>\n<body>\n<main>\n");
    header(&mut p, out);
    demographics(&mut p, out.demographics.as_ref(), &at);
    patient_summary(&mut p, out, &at);
    latest_values(&mut p, out, rules, &at);
    attachments(&mut p, &out.attachments, &at(Place::Attachments));
    general_findings(&mut p, &at(Place::General), out.findings.len());
    p.raw("</main>\n</body>\n</html>\n");
    p.finish()
}

fn header(p: &mut Page, out: &Extraction) {
    let count = |s| out.findings.iter().filter(|f| f.severity == s).count();
    use ocean_keywords::Severity::{Error, Information, Warning};
    p.raw(
        "<header>\n<h1>Ocean referral form <span class=\"sub\">pre-populated from the POS's \
           <code>Patient/$everything</code></span></h1>\n",
    );
    p.raw(
        "<p class=\"lede\">What Ocean fills in when a clinician launches it from this chart. \
           A row left empty here is empty on the form. Each finding is shown next to the row it \
           concerns.</p>\n<p class=\"counts\">",
    );
    for (n, sev, label) in [
        (count(Error), "error", "errors"),
        (count(Warning), "warning", "warnings"),
        (count(Information), "info", "info"),
    ] {
        p.raw(&format!("<span class=\"badge {sev}\">{n} {label}</span> "));
    }
    p.raw("</p>\n</header>\n");
}

fn demographics<'a>(
    p: &mut Page,
    d: Option<&Demographics>,
    at: &dyn Fn(Place) -> Vec<&'a Finding>,
) {
    p.raw(
        "<section id=\"demographics\" class=\"pane\">\n<h2>Patient Information \
           <span class=\"kw\">demographic pane (discrete data)</span></h2>\n",
    );
    if d.is_none() {
        p.raw("<p class=\"none\">No readable Patient: the pane stays empty.</p>\n");
    }
    p.raw("<table class=\"rows\">\n");
    for field in DemoField::ALL {
        let value = d.map(|d| demo_value(d, field)).unwrap_or_default();
        row_open(p, field.id(), value.is_empty());
        p.raw("<th>");
        p.raw(field.label());
        p.raw("</th><td class=\"value\">");
        p.text(&value);
        p.raw("</td></tr>\n");
        findings_row(p, &at(Place::Demographics(Some(field))), 2);
        p.raw("</tbody>\n");
    }
    p.raw("</table>\n");
    findings_list(p, &at(Place::Demographics(None)));
    p.raw("</section>\n");
}

/// A demographic field as the pane shows it; `""` when absent.
fn demo_value(d: &Demographics, field: DemoField) -> String {
    let joined = |parts: Vec<String>, sep: &str| {
        parts
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(sep)
    };
    match field {
        DemoField::Name => joined(
            vec![
                d.prefix.join(" "),
                d.given.join(" "),
                d.family.clone().unwrap_or_default(),
                d.suffix.join(" "),
            ],
            " ",
        ),
        DemoField::BirthDate => d.birth_date.clone().unwrap_or_default(),
        DemoField::Gender => d.gender.clone().unwrap_or_default(),
        DemoField::HealthNumber => d.health_number.as_ref().map_or_else(String::new, |h| {
            let version = h.version_code.as_deref().map(|v| format!("({v})"));
            joined(
                vec![
                    h.province.clone().unwrap_or_default(),
                    h.value.clone(),
                    version.unwrap_or_default(),
                ],
                " ",
            )
        }),
        DemoField::Address => d.address.as_ref().map_or_else(String::new, |a| {
            joined(
                vec![
                    a.line.join(", "),
                    a.city.clone().unwrap_or_default(),
                    a.state.clone().unwrap_or_default(),
                    a.postal_code.clone().unwrap_or_default(),
                    a.country.clone().unwrap_or_default(),
                ],
                ", ",
            )
        }),
        DemoField::Phones => {
            let ph = &d.phones;
            if ph.mobile.is_none() && ph.home.is_none() && ph.work.is_none() {
                return String::new();
            }
            let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
            format!(
                "mobile {} / home {} / business {}",
                or_dash(&ph.mobile),
                or_dash(&ph.home),
                or_dash(&ph.work)
            )
        }
        DemoField::Email => d.email.clone().unwrap_or_default(),
    }
}

fn patient_summary<'a>(p: &mut Page, out: &Extraction, at: &dyn Fn(Place) -> Vec<&'a Finding>) {
    p.raw(
        "<section id=\"patient-summary\" class=\"pane\">\n<h2>Patient Summary \
           <span class=\"kw\">Cumulative Patient Profile</span></h2>\n",
    );
    p.raw(
        "<p class=\"form-note\">Please delete any sensitive Patient Summary information you \
           do not intend to share</p>\n<p class=\"form-note\">Include Patient Summary: \
           <span class=\"radio\">&#9675; No</span> <span class=\"radio on\">&#9679; Yes</span> \
           <span class=\"radio\">&#9675; Attached Separately</span></p>\n<table class=\"rows\">\n",
    );
    for (section, id, label) in CPP_ROWS {
        let items = out.items(section.keyword());
        row_open(p, id, items.is_empty());
        p.raw("<th>");
        p.raw(label);
        p.element("span", "kw", section.keyword());
        p.raw("</th><td class=\"value\"><div class=\"box\">");
        if !items.is_empty() {
            p.raw("<ul class=\"items\">");
            for item in &items {
                p.element("li", "item", item);
            }
            p.raw("</ul>");
        }
        p.raw("</div></td></tr>\n");
        findings_row(p, &at(Place::Cpp(section)), 2);
        p.raw("</tbody>\n");
    }
    p.raw("</table>\n</section>\n");
}

fn latest_values<'a>(
    p: &mut Page,
    out: &Extraction,
    rules: &Rules,
    at: &dyn Fn(Place) -> Vec<&'a Finding>,
) {
    p.raw(
        "<section id=\"latest-values\" class=\"pane\">\n<h2>Latest lab and vital values \
           <span class=\"kw\">@ptLatestVal.X / @ptLatestDate.X</span></h2>\n\
           <table class=\"rows latest\">\n<thead><tr><th>Value</th><th>Latest</th>\
           <th>Date</th><th>LOINC</th></tr></thead>\n",
    );
    for (i, rule) in rules.latest_rules().iter().enumerate() {
        let latest = out.latest(rule.suffix());
        row_open(p, &format!("latest-{}", rule.suffix()), latest.is_none());
        p.raw("<th>");
        p.text(rule.name());
        p.element("span", "kw", &rule.value_keyword());
        p.raw("</th>");
        let (value, date) = latest.unwrap_or_default();
        p.element("td", "value", value);
        p.element("td", "date", date);
        p.element("td", "loinc", &rule.codes().join(", "));
        p.raw("</tr>\n");
        findings_row(p, &at(Place::Latest(i)), 4);
        p.raw("</tbody>\n");
    }
    p.raw("</table>\n</section>\n");
}

fn attachments(p: &mut Page, list: &[AttachmentInfo], findings: &[&Finding]) {
    p.raw(
        "<section id=\"attachments\" class=\"pane\">\n<h2>Attachments \
           <span class=\"kw\">DocumentReference, pre-selected</span></h2>\n",
    );
    if list.is_empty() {
        p.raw("<p class=\"none\">No attachment.</p>\n");
    } else {
        p.raw(
            "<table class=\"rows\">\n<thead><tr><th>Title</th><th>Type</th><th>Size</th>\
               <th>Created</th><th>Source</th></tr></thead>\n<tbody>\n",
        );
        for a in list {
            p.raw("<tr class=\"attachment\">");
            p.element("td", "title", a.title.as_deref().unwrap_or("(untitled)"));
            p.element("td", "type", a.content_type.as_deref().unwrap_or("-"));
            let size = a.size.map_or_else(|| "unknown".to_owned(), human_size);
            p.element("td", "size", &size);
            p.element("td", "date", a.creation.as_deref().unwrap_or("-"));
            p.element("td", "url", a.url.as_deref().unwrap_or("inline data"));
            p.raw("</tr>\n");
        }
        p.raw("</tbody>\n</table>\n");
    }
    findings_list(p, findings);
    p.raw("</section>\n");
}

fn general_findings(p: &mut Page, findings: &[&Finding], total: usize) {
    p.raw(
        "<section id=\"findings\" class=\"pane\">\n<h2>Other findings \
           <span class=\"kw\">about no row of the form</span></h2>\n",
    );
    if findings.is_empty() {
        p.raw(&format!(
            "<p class=\"none\">None: all {total} findings are shown next to their rows.</p>\n"
        ));
    }
    findings_list(p, findings);
    p.raw("</section>\n");
}

/// Opens a row's `<tbody>` (the row and its findings) and its first `<tr>`.
fn row_open(p: &mut Page, id: &str, empty: bool) {
    let class = if empty { "row empty" } else { "row" };
    p.raw(&format!(
        "<tbody id=\"{id}\" class=\"{class}\"><tr class=\"main\">"
    ));
}

/// The findings of a row, in a row of their own under it (nothing when there are none).
fn findings_row(p: &mut Page, findings: &[&Finding], columns: usize) {
    if findings.is_empty() {
        return;
    }
    p.raw(&format!(
        "<tr class=\"row-findings\"><td colspan=\"{columns}\">"
    ));
    findings_list(p, findings);
    p.raw("</td></tr>\n");
}

/// A list of findings: severity, code, message and the resource concerned.
fn findings_list(p: &mut Page, findings: &[&Finding]) {
    if findings.is_empty() {
        return;
    }
    p.raw("<ul class=\"findings\">\n");
    for f in findings {
        let sev = f.severity.short_str();
        p.raw(&format!(
            "<li class=\"finding {sev}\" data-code=\"{}\"><span class=\"badge {sev}\">{sev}</span> ",
            f.code.as_str()
        ));
        p.element("code", "code", f.code.as_str());
        p.raw(" ");
        p.element("span", "message", &f.message);
        if let Some(r) = &f.resource {
            let more = match f.count {
                0 | 1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            p.element("span", "at", &format!("at {r}{more}"));
        }
        p.raw("</li>\n");
    }
    p.raw("</ul>\n");
}

/// `184320` → `180 KB` (1024-byte units, as file managers show them).
fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    match bytes {
        b if b < KB => format!("{b} bytes"),
        b if b < KB * KB => format!("{} KB", b.div_ceil(KB)),
        b => format!("{:.1} MB", b as f64 / (KB * KB) as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_a_file_manager_shows_them() {
        assert_eq!(human_size(10), "10 bytes");
        assert_eq!(human_size(184_320), "180 KB");
        assert_eq!(human_size(10_000_000), "9.5 MB");
    }

    #[test]
    fn the_sample_page_has_every_row_and_no_script_or_external_url() {
        let rules = Rules::default();
        let out = ocean_keywords::extract(ocean_keywords::SAMPLE_BUNDLE.as_bytes()).unwrap();
        let html = page(&out, &rules);
        for (_, id, _) in CPP_ROWS {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        for r in rules.latest_rules() {
            assert!(html.contains(&format!("id=\"latest-{}\"", r.suffix())));
        }
        for f in DemoField::ALL {
            assert!(html.contains(&format!("id=\"{}\"", f.id())));
        }
        let lower = html.to_ascii_lowercase();
        for banned in ["<script", "src=", "href=", "url(", "@import", "<link"] {
            assert!(!lower.contains(banned), "{banned}");
        }
        // Every finding is on the page exactly once.
        assert_eq!(
            html.matches("<li class=\"finding ").count(),
            out.findings.len()
        );
    }
}
