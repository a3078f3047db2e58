//! The SMART launch scenarios (`S-LAUNCH-*`, `S-ATTACH`); the flow is described in
//! [`crate::smart`].
use std::time::{Duration, Instant};

use ocean_smart::discovery::{OpenIdConfiguration, SmartConfiguration, check_all};
use serde_json::Value;

use super::{Ctx, Failed, Run};
use crate::report::{Outcome, Prefill};
use crate::smart::OCEAN_SCOPES;
use crate::state::Prompt;

fn enc(s: &str) -> String {
    ocean_smart::query::encode(s)
}

async fn wait_launch(ctx: &Ctx, run: &mut Run, action: &'static str) -> Result<String, Failed> {
    let mark = ctx.shared.lock().launches.len();
    ctx.shared.prompt(Prompt {
        scenario: run.id().to_owned(),
        referral: uuid::Uuid::nil(),
        action,
        text: format!("in the POS, click \"Launch Ocean\" ({action})"),
    });
    let deadline = Instant::now() + ctx.wait;
    loop {
        let found = ctx.shared.lock().launches.get(mark).cloned();
        if let Some(launch) = found {
            ctx.shared.clear_prompt(run.id());
            run.pass(
                "POS opens Ocean's launch URL",
                "iss and launch",
                "launch received",
                None,
            );
            return Ok(launch);
        }
        if Instant::now() >= deadline {
            ctx.shared.clear_prompt(run.id());
            return Err(run.fail(
                "POS opens Ocean's launch URL",
                "GET {ocean}/sim/launch?iss=…&launch=…",
                format!("no launch within {} s", ctx.wait.as_secs_f32()),
                None,
            ));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn get_text(
    http: &reqwest::Client,
    url: &str,
    token: Option<&str>,
) -> Result<(u16, String), String> {
    let mut r = http.get(url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r
        .send()
        .await
        .map_err(|_| format!("GET {url}: no answer"))?;
    let status = r.status().as_u16();
    Ok((status, r.text().await.unwrap_or_default()))
}

/// Runs a SMART scenario (`S-LAUNCH-NEW`, `S-LAUNCH-EXISTING`, `S-LAUNCH-DASHBOARD`,
/// `S-ATTACH`).
pub(super) async fn scenario(ctx: &Ctx, id: &str, run: &mut Run) -> Result<Outcome, Failed> {
    let Some(target) = &ctx.smart else {
        run.pass(
            "SMART server",
            "--smart URL",
            "not given: the launch scenarios need the POS's SMART server",
            None,
        );
        return Ok(Outcome::NotRun);
    };
    let action = match id {
        "S-LAUNCH-EXISTING" => "launch-existing",
        "S-LAUNCH-DASHBOARD" => "launch-dashboard",
        _ => "launch-new",
    };
    let launch = wait_launch(ctx, run, action).await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    let base = target.fhir_base.trim_end_matches('/');

    // 1. Discovery.
    let step = "discovery documents";
    let expected = "both documents with every member Ocean needs";
    let smart = get_text(
        &http,
        &format!("{base}/.well-known/smart-configuration"),
        None,
    )
    .await;
    let oidc = get_text(
        &http,
        &format!("{base}/.well-known/openid-configuration"),
        None,
    )
    .await;
    let (smart, oidc) = match (smart, oidc) {
        (Ok((200, s)), Ok((200, o))) => (s, o),
        _ => {
            return Err(run.fail(
                step,
                expected,
                "a discovery document is missing (not HTTP 200)",
                None,
            ));
        }
    };
    let (Ok(smart), Ok(oidc)) = (
        SmartConfiguration::from_json(&smart),
        OpenIdConfiguration::from_json(&oidc),
    ) else {
        return Err(run.fail(
            step,
            expected,
            "a discovery document is not a JSON object",
            None,
        ));
    };
    let findings = check_all(&smart, &oidc, None);
    if let Some(f) = findings.errors().next() {
        return Err(run.fail(
            step,
            expected,
            format!("[{}] {}: {}", f.rule, f.field, f.message),
            None,
        ));
    }
    run.pass(
        step,
        expected,
        format!("{} warning(s)", findings.warnings().count()),
        None,
    );
    let (Some(authorize), Some(token_url)) = (
        smart.authorization_endpoint.clone(),
        smart.token_endpoint.clone(),
    ) else {
        return Err(run.fail(
            step,
            expected,
            "no authorization_endpoint or token_endpoint",
            None,
        ));
    };

    // 2. Authorize.
    let state = uuid::Uuid::new_v4().simple().to_string();
    let sep = if authorize.contains('?') { '&' } else { '?' };
    let url = format!(
        "{authorize}{sep}response_type=code&client_id={}&redirect_uri={}&launch={}&scope={}&state={state}&aud={}",
        enc(&target.client_id),
        enc(&target.redirect_uri),
        enc(&launch),
        enc(OCEAN_SCOPES),
        enc(base)
    );
    let step = "authorize with launch";
    let expected = "a redirect to Ocean's redirect_uri with code and the same state";
    let location = match http.get(&url).send().await {
        Ok(r) if r.status().is_redirection() => r
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .unwrap_or_default(),
        Ok(r) => {
            return Err(run.fail(
                step,
                expected,
                format!("HTTP {}", r.status().as_u16()),
                None,
            ));
        }
        Err(_) => return Err(run.fail(step, expected, "no answer", None)),
    };
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let param = |k: &str| {
        ocean_smart::query::parse_query(query)
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(n, _)| n == k).map(|(_, v)| v))
    };
    let code = match (param("code"), param("state")) {
        (Some(c), Some(s)) if s == state && location.starts_with(&target.redirect_uri) => c,
        _ => {
            return Err(run.fail(
                step,
                expected,
                "the redirect lacks the code, the state or Ocean's redirect_uri",
                None,
            ));
        }
    };
    run.pass(step, expected, "code received", None);

    // 3. Token.
    let step = "token";
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", target.redirect_uri.as_str()),
        ("client_id", target.client_id.as_str()),
        ("client_secret", target.client_secret.as_str()),
    ];
    let token: Value = match http.post(&token_url).form(&form).send().await {
        Ok(r) if r.status().is_success() => r.json().await.unwrap_or(Value::Null),
        Ok(r) => {
            return Err(run.fail(
                step,
                "HTTP 200 with a token",
                format!("HTTP {}", r.status().as_u16()),
                None,
            ));
        }
        Err(_) => return Err(run.fail(step, "HTTP 200 with a token", "no answer", None)),
    };
    let access = token
        .get("access_token")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let patient = token
        .get("patient")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let context_sr = token
        .get("fhirContext")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| {
            c.get("reference")
                .and_then(Value::as_str)
                .is_some_and(|r| r.starts_with("ServiceRequest/"))
        });
    let (expected, ok) = match action {
        "launch-dashboard" => (
            "an access token and no patient in context",
            patient.is_none(),
        ),
        "launch-existing" => (
            "an access token, the patient, and fhirContext naming the ServiceRequest",
            patient.is_some() && context_sr,
        ),
        _ => (
            "an access token and the patient in context",
            patient.is_some(),
        ),
    };
    if access.is_empty() || !ok {
        let got = format!(
            "access_token {}, patient {}, fhirContext ServiceRequest {}",
            if access.is_empty() {
                "missing"
            } else {
                "present"
            },
            if patient.is_some() {
                "present"
            } else {
                "absent"
            },
            if context_sr { "present" } else { "absent" }
        );
        return Err(run.fail(step, expected, got, None));
    }
    run.pass(step, expected, "as expected", None);
    let Some(patient) = patient else {
        return Ok(Outcome::Pass);
    };

    // 4. $everything and keywords.
    let step = "Patient/$everything";
    let expected = "a Bundle with the launched Patient";
    let url = format!("{base}/Patient/{}/$everything", enc(&patient));
    let body = match get_text(&http, &url, Some(&access)).await {
        Ok((200, b)) => b,
        Ok((s, _)) => return Err(run.fail(step, expected, format!("HTTP {s}"), None)),
        Err(e) => return Err(run.fail(step, expected, e, None)),
    };
    let Ok(bundle) = ocean_model::json::from_str::<ocean_model::Bundle>(&body) else {
        return Err(run.fail(step, expected, "not a FHIR Bundle", None));
    };
    let checked = ocean_smart::everything::check_bundle(&bundle, &patient);
    if let Some(f) = checked.errors().next() {
        return Err(run.fail(step, expected, format!("[{}] {}", f.rule, f.message), None));
    }
    run.pass(
        step,
        expected,
        format!("{} entries", bundle.entry.len()),
        None,
    );
    let extraction = match ocean_keywords::extract(body.as_bytes()) {
        Ok(x) => x,
        Err(e) => return Err(run.fail("keywords", "an extraction", e.to_string(), None)),
    };
    run.prefill = Some(Prefill {
        keywords: extraction
            .keywords
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        attachments: extraction
            .attachments
            .iter()
            .map(|a| a.title.clone().unwrap_or_else(|| "(untitled)".into()))
            .collect(),
        findings: extraction
            .findings
            .iter()
            .map(ToString::to_string)
            .collect(),
    });
    run.pass(
        "keywords",
        "the form's pre-populated values",
        format!(
            "{} keyword(s), {} attachment(s)",
            extraction.keywords.len(),
            extraction.attachments.len()
        ),
        None,
    );
    if id == "S-ATTACH" {
        if extraction.attachments.is_empty() {
            return Err(run.fail(
                "attachments",
                "at least one DocumentReference Ocean offers as an attachment",
                "none offered",
                None,
            ));
        }
        run.pass(
            "attachments",
            "at least one attachment offered",
            format!("{} offered", extraction.attachments.len()),
            None,
        );
    }
    Ok(Outcome::Pass)
}
