//! Ocean sites: the per-site configuration a POS holds, as a value.
//!
//! Ocean's NamingSystem URIs, the `$process-messages` endpoint and the token endpoint are all
//! relative to the Ocean host the site lives on (production, test, staging or a development
//! URL), so the host is configuration, never a constant. One POS may talk to several Ocean sites
//! at once: hold one [`OceanSite`] per site and pick the one a received message belongs to with
//! [`OceanSite::find_for`].
//!
//! ```
//! use ocean_messages::OceanSite;
//! use ocean_model::{OceanBase, OceanNamingSystem};
//! let site = OceanSite::new(OceanBase::Test, "1234")?
//!     .with_external_service_id("acme-pos-7")?;
//! assert_eq!(site.process_messages_url(), "https://test.cognisantmd.com/svc/fhir/v1/$process-messages");
//! assert_eq!(
//!     site.naming_system(OceanNamingSystem::SiteNumber),
//!     "https://test.cognisantmd.com/svc/fhir/v1/NamingSystem/id-site-number"
//! );
//! # Ok::<(), ocean_messages::SiteError>(())
//! ```

use ocean_model::{OceanBase, OceanNamingSystem, ReferralId};

use crate::Message;
use crate::http;

/// Why a site configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SiteError {
    /// A custom base URL must be `http://` or `https://` with a host, and no whitespace, query or
    /// fragment.
    #[error("the Ocean base URL must be an http(s) URL with a host and no query or fragment")]
    InvalidBaseUrl,
    /// A site number is 1 to 64 characters of `A-Z a-z 0-9 - _ .` (Ocean's are digits).
    #[error("the site number must be 1 to 64 characters of A-Z a-z 0-9 - _ .")]
    InvalidSiteNumber,
    /// An external service id is 1 to 128 characters with no whitespace or control characters.
    #[error("the external service id must be 1 to 128 characters without whitespace")]
    InvalidExternalServiceId,
}

/// One Ocean site as a POS configures it: the Ocean host, the site number and, when Ocean gave
/// the integration one, its external service id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OceanSite {
    base: OceanBase,
    site_number: String,
    external_service_id: Option<String>,
}

fn valid_token(s: &str, max: usize, extra: &[u8]) -> bool {
    (1..=max).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}

fn valid_base(base: &OceanBase) -> bool {
    let OceanBase::Custom(url) = base else {
        return true;
    };
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.split('/').next().unwrap_or_default();
    !host.is_empty()
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#')
}

impl OceanSite {
    /// A site on an Ocean host.
    pub fn new(base: OceanBase, site_number: impl Into<String>) -> Result<Self, SiteError> {
        if !valid_base(&base) {
            return Err(SiteError::InvalidBaseUrl);
        }
        let site_number = site_number.into();
        if !valid_token(&site_number, 64, b"-_.") {
            return Err(SiteError::InvalidSiteNumber);
        }
        Ok(Self {
            base,
            site_number,
            external_service_id: None,
        })
    }

    /// Sets the integration's external service id (written as an identifier with system
    /// `…/NamingSystem/id-referral-target-external-service` on the outbound MessageHeader's
    /// `sender`).
    pub fn with_external_service_id(mut self, id: impl Into<String>) -> Result<Self, SiteError> {
        let id = id.into();
        if id.is_empty()
            || id.len() > 128
            || id.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(SiteError::InvalidExternalServiceId);
        }
        self.external_service_id = Some(id);
        Ok(self)
    }

    /// The Ocean host.
    pub fn base(&self) -> &OceanBase {
        &self.base
    }

    /// The site number.
    pub fn site_number(&self) -> &str {
        &self.site_number
    }

    /// The integration's external service id, if configured.
    pub fn external_service_id(&self) -> Option<&str> {
        self.external_service_id.as_deref()
    }

    /// The URI of one of Ocean's NamingSystems on this site's host.
    pub fn naming_system(&self, ns: OceanNamingSystem) -> String {
        self.base.naming_system(ns)
    }

    /// `{base}/svc/fhir/v1/$process-messages`: where a POS POSTs its messages.
    pub fn process_messages_url(&self) -> String {
        http::process_messages_url(&self.base)
    }

    /// `{base}/svc/oauth2/token`: the OAuth2 token endpoint (client-credentials grant).
    pub fn token_url(&self) -> String {
        http::token_url(&self.base)
    }

    /// The referral summary PDF: `{base}/svc/fhir/v1/ServiceRequest/{referral}/$letter`, with
    /// `?attachments=true` for the consolidated PDF with every attachment.
    pub fn letter_url(&self, referral: &ReferralId, with_attachments: bool) -> String {
        http::letter_url(&self.base, referral, with_attachments)
    }

    /// Whether a received message belongs to this site: its Ocean host (read from the referral
    /// id's NamingSystem) is this site's host, and the site number of its receiver (the
    /// `id-site-number` identifier of the receiving PractitionerRole) is this site's number.
    /// What the message does not name is not compared.
    pub fn matches(&self, message: &Message) -> bool {
        message
            .ocean_base()
            .is_none_or(|b| b.url() == self.base.url())
            && message
                .receiver_site_number()
                .is_none_or(|n| n == self.site_number)
    }

    /// The one site among `sites` a message belongs to ([`Self::matches`]); `None` when none or
    /// more than one match (then the message does not say enough: hold distinct sites).
    pub fn find_for<'s>(sites: &'s [OceanSite], message: &Message) -> Option<&'s OceanSite> {
        let mut found = sites.iter().filter(|s| s.matches(message));
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert!(OceanSite::new(OceanBase::Production, "42").is_ok());
        assert_eq!(
            OceanSite::new(OceanBase::Production, ""),
            Err(SiteError::InvalidSiteNumber)
        );
        assert_eq!(
            OceanSite::new(OceanBase::Production, "12 34"),
            Err(SiteError::InvalidSiteNumber)
        );
        for bad in [
            "ftp://x",
            "localhost:8081",
            "http://",
            "http://x/?a=b",
            "http://x y",
        ] {
            assert_eq!(
                OceanSite::new(OceanBase::Custom(bad.into()), "1"),
                Err(SiteError::InvalidBaseUrl),
                "{bad}"
            );
        }
        assert!(OceanSite::new(OceanBase::Custom("http://localhost:8081".into()), "1").is_ok());
        let site = OceanSite::new(OceanBase::Test, "1").unwrap();
        assert_eq!(
            site.clone().with_external_service_id("a b"),
            Err(SiteError::InvalidExternalServiceId)
        );
        assert_eq!(
            site.with_external_service_id("svc-1")
                .unwrap()
                .external_service_id(),
            Some("svc-1")
        );
    }

    #[test]
    fn urls() {
        let site = OceanSite::new(OceanBase::Custom("http://localhost:8081/".into()), "1").unwrap();
        assert_eq!(site.token_url(), "http://localhost:8081/svc/oauth2/token");
        assert_eq!(
            site.letter_url(&ReferralId::new("abc"), true),
            "http://localhost:8081/svc/fhir/v1/ServiceRequest/abc/$letter?attachments=true"
        );
    }
}
