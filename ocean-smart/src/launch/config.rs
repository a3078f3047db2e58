//! The per-site launch configuration and the URL the "Launch Ocean" button opens, with its
//! check.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::context::{LaunchError, Scenario, ScenarioKind};
use super::session::LaunchSession;
use crate::findings::{Finding, Findings};
use crate::query::QueryBuilder;
use crate::url::{UrlKind, url_kind};

/// The `action` values OceanMD's integration test client accepts (an unknown one is only a
/// warning there). Meanings are our reading of the names, unconfirmed by Ocean.
pub const KNOWN_ACTIONS: &[(&str, &str)] = &[
    (
        "viewMap",
        "the Ocean Healthmap (the test project's default)",
    ),
    ("viewHealthServices", "health services directory"),
    (
        "viewReferralFacourite",
        "favourite referral listings (spelled so in the client)",
    ),
    ("searchHealthMap", "Healthmap search"),
    ("referDirect", "refer directly to a listing"),
    (
        "portal",
        "the Ocean portal / site dashboards (no patient needed)",
    ),
    ("sendMessage", "send the patient a message"),
    ("addForm", "add an eForm"),
];

/// The `action` value for each scenario (`None`: the POS does not offer that launch).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioActions {
    /// For a new eRequest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_request: Option<String>,
    /// For an existing eRequest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_request: Option<String>,
    /// For the dashboards (no patient).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard: Option<String>,
}

impl ScenarioActions {
    /// The action for a scenario.
    pub fn get(&self, kind: ScenarioKind) -> Option<&str> {
        match kind {
            ScenarioKind::NewRequest => self.new_request.as_deref(),
            ScenarioKind::ExistingRequest => self.existing_request.as_deref(),
            ScenarioKind::Dashboard => self.dashboard.as_deref(),
        }
    }
}

fn default_action_param() -> String {
    "action".to_owned()
}

fn default_site_param() -> String {
    "siteNum".to_owned()
}

/// How one Ocean site is launched from this POS. A value (JSON, camelCase, unknown members
/// refused), one per Ocean site the POS connects to.
///
/// ```json
/// {
///   "oceanLaunchUrl": "https://ocean.example/sso/smart/auth",
///   "fhirBaseUrl": "https://pos.example/fhir",
///   "siteNum": "1234",
///   "actions": { "newRequest": "viewMap", "dashboard": "portal" },
///   "referralParam": "resource"
/// }
/// ```
/// `actionParam` (default `action`), `siteParam` (default `siteNum`) and `extraParams`
/// (name → value, added last) are optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LaunchConfig {
    /// Ocean's SMART launch endpoint for this site (from Ocean).
    pub ocean_launch_url: String,
    /// The POS FHIR base URL: sent as `iss`; Ocean allow-lists it.
    pub fhir_base_url: String,
    /// The Ocean site number.
    pub site_num: String,
    /// The name of the site parameter.
    #[serde(default = "default_site_param")]
    pub site_param: String,
    /// The name of the action parameter.
    #[serde(default = "default_action_param")]
    pub action_param: String,
    /// The action value per scenario.
    #[serde(default)]
    pub actions: ScenarioActions,
    /// The parameter that carries the POS referral id for an existing request, if the site
    /// uses one (unconfirmed; the id always travels in the token response's `fhirContext`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_param: Option<String>,
    /// Other fixed parameters, added last in name order.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_params: BTreeMap<String, String>,
}

/// Rule ids of [`LaunchConfig::check`].
pub mod rules {
    /// `oceanLaunchUrl` is not an absolute https URL.
    pub const OCEAN_URL: &str = "launch.ocean-url";
    /// `fhirBaseUrl` is not an absolute https URL, or has a query, fragment or trailing slash.
    pub const ISS: &str = "launch.iss";
    /// `siteNum` is empty.
    pub const SITE: &str = "launch.site";
    /// A scenario has no action.
    pub const ACTION_MISSING: &str = "launch.action-missing";
    /// An action is empty or not one Ocean's test client knows.
    pub const ACTION_UNKNOWN: &str = "launch.action-unknown";
    /// A parameter name is empty, repeated, or `iss`/`launch`.
    pub const PARAM_NAME: &str = "launch.param-name";
    /// Existing-request launches without a referral parameter.
    pub const REFERRAL_PARAM: &str = "launch.referral-param";
}

fn check_url(f: &mut Findings, rule: &'static str, field: &str, value: &str) {
    match url_kind(value) {
        UrlKind::Https => {}
        UrlKind::HttpLoopback => f.push(Finding::warning(
            rule,
            field,
            "http on a loopback host: development only, use https in production",
        )),
        UrlKind::Http => f.push(Finding::error(rule, field, "must use https")),
        UrlKind::NotAbsolute => {
            f.push(Finding::error(rule, field, "must be an absolute https URL"))
        }
    }
}

impl LaunchConfig {
    /// A configuration with the default parameter names and no actions.
    pub fn new(
        ocean_launch_url: impl Into<String>,
        fhir_base_url: impl Into<String>,
        site_num: impl Into<String>,
    ) -> Self {
        Self {
            ocean_launch_url: ocean_launch_url.into(),
            fhir_base_url: fhir_base_url.into(),
            site_num: site_num.into(),
            site_param: default_site_param(),
            action_param: default_action_param(),
            actions: ScenarioActions::default(),
            referral_param: None,
            extra_params: BTreeMap::new(),
        }
    }

    /// Sets the action values (new request, existing request, dashboard).
    pub fn with_actions(
        mut self,
        new_request: Option<&str>,
        existing_request: Option<&str>,
        dashboard: Option<&str>,
    ) -> Self {
        self.actions = ScenarioActions {
            new_request: new_request.map(str::to_owned),
            existing_request: existing_request.map(str::to_owned),
            dashboard: dashboard.map(str::to_owned),
        };
        self
    }

    /// Sets the referral parameter name.
    pub fn with_referral_param(mut self, name: impl Into<String>) -> Self {
        self.referral_param = Some(name.into());
        self
    }

    /// Reads a JSON configuration.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Checks the configuration. Rules:
    ///
    /// | rule | severity | when |
    /// |---|---|---|
    /// | `launch.ocean-url` | error (warning for http on loopback) | `oceanLaunchUrl` is not an absolute https URL |
    /// | `launch.iss` | error; warning for a trailing `/` | `fhirBaseUrl` is not an absolute https URL, or has `?`/`#` |
    /// | `launch.site` | error | `siteNum` is empty |
    /// | `launch.action-missing` | warning | a scenario has no action (that launch is not offered; all three are Required "as applicable") |
    /// | `launch.action-unknown` | error if empty, warning if not in [`KNOWN_ACTIONS`] | |
    /// | `launch.param-name` | error | a parameter name is empty, repeated, or `iss`/`launch` |
    /// | `launch.referral-param` | warning | existing-request launches are offered without `referralParam` |
    pub fn check(&self) -> Findings {
        let mut f = Findings::new();
        check_url(
            &mut f,
            rules::OCEAN_URL,
            "oceanLaunchUrl",
            &self.ocean_launch_url,
        );
        check_url(&mut f, rules::ISS, "fhirBaseUrl", &self.fhir_base_url);
        if self.fhir_base_url.contains(['?', '#']) {
            f.push(Finding::error(
                rules::ISS,
                "fhirBaseUrl",
                "a FHIR base URL has no query or fragment",
            ));
        } else if self.fhir_base_url.ends_with('/') {
            f.push(Finding::warning(
                rules::ISS,
                "fhirBaseUrl",
                "ends with `/`: Ocean matches `iss` exactly against its allowlist and appends `/.well-known/…`; drop the slash",
            ));
        }
        if self.site_num.trim().is_empty() {
            f.push(Finding::error(
                rules::SITE,
                "siteNum",
                "the Ocean site number is empty",
            ));
        }
        for kind in ScenarioKind::ALL {
            let field = format!("actions.{}", kind.as_str());
            match self.actions.get(kind) {
                None => f.push(Finding::warning(
                    rules::ACTION_MISSING,
                    field,
                    format!("no action: the {kind} launch is not offered"),
                )),
                Some(a) if a.trim().is_empty() => {
                    f.push(Finding::error(rules::ACTION_UNKNOWN, field, "empty action"));
                }
                Some(a) if !KNOWN_ACTIONS.iter().any(|(k, _)| *k == a) => {
                    f.push(Finding::warning(
                        rules::ACTION_UNKNOWN,
                        field,
                        format!("`{a}` is not an action Ocean's test client knows; confirm it with Ocean"),
                    ));
                }
                Some(_) => {}
            }
        }
        let mut names: Vec<(&str, String)> = vec![
            ("siteParam", self.site_param.clone()),
            ("actionParam", self.action_param.clone()),
        ];
        if let Some(r) = &self.referral_param {
            names.push(("referralParam", r.clone()));
        }
        for k in self.extra_params.keys() {
            names.push(("extraParams", k.clone()));
        }
        let mut seen: Vec<&str> = vec!["iss", "launch"];
        for (field, name) in &names {
            if name.trim().is_empty() {
                f.push(Finding::error(
                    rules::PARAM_NAME,
                    *field,
                    "empty parameter name",
                ));
            } else if seen.contains(&name.as_str()) {
                f.push(Finding::error(
                    rules::PARAM_NAME,
                    *field,
                    format!("parameter `{name}` is already used"),
                ));
            } else {
                seen.push(name);
            }
        }
        if self.actions.existing_request.is_some() && self.referral_param.is_none() {
            f.push(Finding::warning(
                rules::REFERRAL_PARAM,
                "referralParam",
                "existing-request launches carry the POS referral id only in the token response `fhirContext`; how Ocean reads it is unconfirmed (ask Ocean about \"Sharing the POS Referral ID With Ocean\")",
            ));
        }
        f
    }

    /// The URL the "Launch Ocean" button opens for this session. Fails when the configuration
    /// has an error ([`LaunchConfig::check`]) or the scenario has no action.
    pub fn launch_url(&self, session: &LaunchSession) -> Result<String, LaunchError> {
        if let Some(e) = self.check().errors().next() {
            return Err(LaunchError::Config(format!("{}: {}", e.field, e.message)));
        }
        let scenario = session.context().scenario();
        let action = self
            .actions
            .get(scenario.kind())
            .ok_or(LaunchError::ActionNotConfigured(scenario.kind()))?;
        let referral = match (scenario, &self.referral_param) {
            (Scenario::ExistingRequest { referral }, Some(name)) => {
                Some((name.as_str(), referral.as_str()))
            }
            _ => None,
        };
        let mut b = QueryBuilder::new(&self.ocean_launch_url)
            .param("iss", &self.fhir_base_url)
            .param("launch", session.id().as_str())
            .param(&self.action_param, action);
        if let Some((name, id)) = referral {
            b = b.param(name, id);
        }
        b = b.param(&self.site_param, &self.site_num);
        for (k, v) in &self.extra_params {
            b = b.param(k, v);
        }
        Ok(b.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_json() {
        let c = LaunchConfig::from_json(r#"{"oceanLaunchUrl":"https://o/x","fhirBaseUrl":"https://p/fhir","siteNum":"1","actions":{"dashboard":"portal"}}"#).unwrap();
        assert_eq!(c.action_param, "action");
        assert_eq!(c.site_param, "siteNum");
        assert!(LaunchConfig::from_json(r#"{"oceanLaunchUrl":"https://o/x","fhirBaseUrl":"https://p/fhir","siteNum":"1","sitenum":"2"}"#).is_err());
        let back: LaunchConfig = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }
}
