//! The JSON values this crate keeps in the [`crate::store::Store`]: a launch, and the
//! grant behind a code, an access token or a refresh token.

use ocean_smart::launch::{
    FhirUser, LaunchContext, LaunchId, LaunchSession, PosReferralId, ScenarioKind,
};
use ocean_smart::{Scenario, ScopeSet};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A [`LaunchContext`] as stored: the scenario and the ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredContext {
    scenario: String,
    user: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    patient: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    encounter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    referral: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    need_patient_banner: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    intent: Option<String>,
}

impl StoredContext {
    pub(crate) fn from_context(c: &LaunchContext) -> Self {
        let referral = match c.scenario() {
            Scenario::ExistingRequest { referral } => Some(referral.as_str().to_owned()),
            _ => None,
        };
        Self {
            scenario: c.scenario().kind().as_str().to_owned(),
            user: c.user().to_string(),
            patient: c.patient().map(str::to_owned),
            encounter: c.encounter().map(str::to_owned),
            referral,
            need_patient_banner: c.need_patient_banner(),
            intent: c.intent().map(str::to_owned),
        }
    }

    /// The context back; `None` if the record is not one this crate wrote.
    pub(crate) fn to_context(&self) -> Option<LaunchContext> {
        let user = FhirUser::parse(&self.user).ok()?;
        let kind = ScenarioKind::ALL
            .into_iter()
            .find(|k| k.as_str() == self.scenario)?;
        let mut c = match kind {
            ScenarioKind::Dashboard => LaunchContext::dashboard(user),
            ScenarioKind::NewRequest => {
                LaunchContext::new_request(user, self.patient.as_deref()?).ok()?
            }
            ScenarioKind::ExistingRequest => LaunchContext::existing_request(
                user,
                self.patient.as_deref()?,
                PosReferralId::new(self.referral.as_deref()?).ok()?,
            )
            .ok()?,
        };
        if let Some(e) = &self.encounter {
            c = c.with_encounter(e).ok()?;
        }
        if let Some(b) = self.need_patient_banner {
            c = c.with_need_patient_banner(b);
        }
        if let Some(i) = &self.intent {
            c = c.with_intent(i.clone());
        }
        Some(c)
    }

    pub(crate) fn patient(&self) -> Option<&str> {
        self.patient.as_deref()
    }

    /// The launching user as `Type/id`.
    pub(crate) fn user_relative(&self) -> Option<String> {
        FhirUser::parse(&self.user).ok().map(|u| u.relative())
    }
}

/// A launch as stored: the context and when it was made.
#[derive(Serialize, Deserialize)]
pub(crate) struct StoredLaunch {
    pub(crate) context: StoredContext,
    pub(crate) created_at: i64,
    pub(crate) ttl: i64,
}

impl StoredLaunch {
    /// The session under `launch_id`, as `ocean_smart` checks it.
    pub(crate) fn session(&self, launch_id: &str) -> Option<LaunchSession> {
        let context = self.context.to_context()?;
        let created = OffsetDateTime::from_unix_timestamp(self.created_at).ok()?;
        Some(
            LaunchSession::new(LaunchId::new(launch_id).ok()?, context, created)
                .with_ttl(time::Duration::seconds(self.ttl)),
        )
    }
}

/// What a code, access token or refresh token stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredGrant {
    pub(crate) client_id: String,
    /// The granted scopes.
    pub(crate) scope: String,
    pub(crate) context: StoredContext,
    /// The user's stable subject (`sub`).
    pub(crate) subject: String,
    /// Codes only: the authorization request's `redirect_uri`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) redirect_uri: Option<String>,
    /// Codes only: the PKCE challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) code_challenge: Option<String>,
    /// Codes only: the OpenID `nonce`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) nonce: Option<String>,
}

impl StoredGrant {
    pub(crate) fn scopes(&self) -> ScopeSet {
        ScopeSet::parse(&self.scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_round_trip() {
        let user = FhirUser::practitioner("dr-1").unwrap();
        let all = [
            LaunchContext::dashboard(user.clone()),
            LaunchContext::new_request(user.clone(), "pt-1")
                .unwrap()
                .with_encounter("enc-1")
                .unwrap()
                .with_intent("x"),
            LaunchContext::existing_request(user, "pt-1", PosReferralId::new("sr-1").unwrap())
                .unwrap()
                .with_need_patient_banner(false),
        ];
        for c in all {
            let s = StoredContext::from_context(&c);
            let json = serde_json::to_string(&s).unwrap();
            let back: StoredContext = serde_json::from_str(&json).unwrap();
            assert!(back.to_context().unwrap() == c);
        }
    }
}
