//! The report as one self-contained HTML page (inline CSS, no script, no external resource).
use super::{Outcome, Report, escape_html as e};

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1f24}\
table{border-collapse:collapse;width:100%;font-size:.9rem}\
th,td{border:1px solid #c9d1d9;padding:.35rem .5rem;text-align:left;vertical-align:top}\
th{background:#f0f3f6}tr.pass td.result{background:#dafbe1}tr.fail td.result{background:#ffebe9}\
tr.not-run td.result{background:#f6f8fa;color:#57606a}details{margin-top:.25rem}\
.summary{font-size:1.05rem;margin:.75rem 0}code{font-size:.85rem}";

/// The HTML page: a summary and one table row per scenario (`<tr class="pass|fail|not-run"
/// data-id="ID">`), with its steps and, for a SMART launch, the pre-populated form values in a
/// `<details>`.
pub fn to_html(report: &Report) -> String {
    let s = report.summary;
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<title>ocean-sim: DRO eReferral test case results</title>");
    out.push_str(&format!("<style>{STYLE}</style></head><body>\n"));
    out.push_str("<h1>DRO eReferral test case results</h1>\n");
    out.push_str(&format!(
        "<p>{} &middot; run started {} &middot; POS webhook <code>{}</code> &middot; synthetic patients only: {}</p>\n",
        e(&report.tool),
        e(&report.started_at),
        e(&report.pos),
        e(&report.synthetic_patients.join("; "))
    ));
    out.push_str(&format!(
        "<p class=\"summary\" id=\"summary\"><b>{} passed</b>, <b>{} failed</b> ({} Required), {} not run.</p>\n",
        s.passed, s.failed, s.required_failed, s.not_run
    ));
    out.push_str("<table id=\"results\"><thead><tr><th>Table</th><th>Priority</th><th>Use case</th><th>Scenario</th><th>Result</th><th>Details</th></tr></thead><tbody>\n");
    for r in &report.scenarios {
        let mut details = String::new();
        if r.outcome == Outcome::NotRun {
            details.push_str(&e(r.actual.as_deref().unwrap_or("")));
        } else if r.outcome == Outcome::Fail {
            details.push_str(&format!(
                "<b>{}</b><br>expected: {}<br>actual: {}",
                e(r.step.as_deref().unwrap_or("")),
                e(r.expected.as_deref().unwrap_or("")),
                e(r.actual.as_deref().unwrap_or(""))
            ));
        }
        if !r.steps.is_empty() {
            details.push_str("<details><summary>steps</summary><ol>");
            for step in &r.steps {
                details.push_str(&format!(
                    "<li>{} {}: {}{}</li>",
                    step.outcome.as_str(),
                    e(&step.name),
                    e(&step.actual),
                    step.folder
                        .as_deref()
                        .map(|f| format!(" <i>({})</i>", e(f)))
                        .unwrap_or_default()
                ));
            }
            details.push_str("</ol></details>");
        }
        if let Some(p) = &r.prefill {
            details.push_str("<details><summary>pre-populated form</summary><ul>");
            for (k, v) in &p.keywords {
                details.push_str(&format!("<li><code>{}</code>: {}</li>", e(k), e(v)));
            }
            for a in &p.attachments {
                details.push_str(&format!("<li>attachment: {}</li>", e(a)));
            }
            for f in &p.findings {
                details.push_str(&format!("<li>finding: {}</li>", e(f)));
            }
            details.push_str("</ul></details>");
        }
        out.push_str(&format!(
            "<tr class=\"{o}\" data-id=\"{id}\"><td>{role}</td><td>{prio}</td><td>{uc}</td><td><code>{id}</code> {title}</td><td class=\"result\">{o}</td><td>{details}</td></tr>\n",
            o = r.outcome.as_str(),
            id = e(&r.id),
            role = r.role.name(),
            prio = r.priority.name(),
            uc = e(&r.use_case),
            title = e(&r.title),
        ));
    }
    out.push_str("</tbody></table>\n</body></html>\n");
    out
}
