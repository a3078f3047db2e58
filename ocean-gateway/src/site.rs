//! The sites a gateway serves, each under a key the store, the handler and the outbound
//! transport share.
//!
//! # Which site a received message belongs to
//! 1. the site the inbound client is bound to ([`crate::inbound::InboundClient::for_site`]),
//!    when Ocean authenticated with such a client (one client per site);
//! 2. else the one configured site the message matches ([`OceanSite::find_for`]: Ocean host and
//!    receiving site number);
//! 3. else, when no site is configured at all, the message's receiving site number;
//! 4. else none: the message is still stored and handed over (never lost), with no site, and a
//!    warning is logged.

use ocean_messages::{Message, OceanSite};

/// One site: its key and its Ocean site.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GatewaySite {
    /// The key the gateway knows the site by (in the store, [`crate::handoff::Delivery::site`]
    /// and [`crate::outbox::Transport::send`]).
    pub key: String,
    /// The Ocean site.
    pub ocean: OceanSite,
}

impl GatewaySite {
    /// A site under a key.
    pub fn new(key: impl Into<String>, ocean: OceanSite) -> Self {
        Self {
            key: key.into(),
            ocean,
        }
    }
}

/// The site key of a received message (see the module docs); `client_site` is the site of the
/// client that authenticated.
pub fn resolve(
    sites: &[GatewaySite],
    client_site: Option<&str>,
    message: Option<&Message>,
) -> Option<String> {
    if let Some(site) = client_site {
        return Some(site.to_owned());
    }
    let message = message?;
    if sites.is_empty() {
        return message.receiver_site_number().map(str::to_owned);
    }
    let mut found = sites.iter().filter(|s| s.ocean.matches(message));
    let first = found.next()?;
    found.next().is_none().then(|| first.key.clone())
}

#[cfg(test)]
mod tests {
    use ocean_model::OceanBase;

    use super::*;

    #[test]
    fn the_site_of_a_message() {
        let body = include_bytes!("../../testdata/ocean/ereferral_back_pain.bundle.json");
        let received = ocean_messages::parse(body).unwrap();
        let message = received.message().unwrap();
        let number = message.receiver_site_number().unwrap().to_owned();
        let host = OceanBase::Custom("http://localhost:8081".into());
        let site =
            |key: &str, n: &str| GatewaySite::new(key, OceanSite::new(host.clone(), n).unwrap());
        // The client's site wins.
        assert_eq!(resolve(&[], Some("a"), Some(message)).as_deref(), Some("a"));
        // No sites configured: the receiver's site number.
        assert_eq!(resolve(&[], None, Some(message)), Some(number.clone()));
        // The matching configured site.
        let sites = [site("other", "999999"), site("mine", &number)];
        assert_eq!(
            resolve(&sites, None, Some(message)).as_deref(),
            Some("mine")
        );
        // None matches, or two do: no site.
        assert_eq!(resolve(&sites[..1], None, Some(message)), None);
        let twice = [site("x", &number), site("y", &number)];
        assert_eq!(resolve(&twice, None, Some(message)), None);
        assert_eq!(resolve(&sites, None, None), None);
    }
}
