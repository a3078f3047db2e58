//! [`ServerConfig`]: the server's URLs, the registered client (Ocean), the site's launch
//! configuration and the lifetimes.
//!
//! # URLs
//! Everything hangs off one base URL (`https://pos.example`, or with a path prefix
//! `https://pos.example/ocean`):
//!
//! | URL | what |
//! |---|---|
//! | `{base}/fhir` | the FHIR base: `iss` of the launch, `aud` of the authorization request, and the id token issuer |
//! | `{base}/fhir/.well-known/smart-configuration`, `…/openid-configuration` | discovery, public |
//! | `{base}/fhir/Patient/{id}`, `{base}/fhir/Patient/{id}/$everything`, `{base}/fhir/Practitioner/{id}` | the resource side |
//! | `{base}/auth/authorize`, `{base}/auth/token`, `{base}/auth/jwks` | the authorization server |
//!
//! The issuer is the FHIR base because Ocean's client discovers the OpenID configuration at
//! `{iss}/.well-known/openid-configuration` and OpenID Connect wants the document's `issuer` to
//! be the URL it was found under.
//!
//! # Lifetimes (defaults)
//! | what | default | why |
//! |---|---|---|
//! | launch | 5 minutes | `ocean_smart::launch::DEFAULT_LAUNCH_TTL`: the browser goes to Ocean and back within seconds |
//! | code | 60 seconds | RFC 6749 4.1.2 recommends at most 10 minutes; Ocean exchanges it at once |
//! | access token | 1 hour | Ocean's sample server; long enough for one referral |
//! | refresh token | 12 hours | `online_access`: usable while the user works in Ocean that day |
//! | id token | 1 hour | Ocean's sample server |

use ocean_smart::LaunchConfig;
use ocean_smart::authorize::RegisteredClient;
use ocean_smart::discovery::PosServer;
use ocean_smart::token::Secret;
use time::Duration;

/// How long each credential lives (module table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// A launch, from creation to Ocean's authorization request.
    pub launch: Duration,
    /// An authorization code.
    pub code: Duration,
    /// An access token.
    pub access: Duration,
    /// A refresh token.
    pub refresh: Duration,
    /// An id token.
    pub id_token: Duration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            launch: ocean_smart::launch::DEFAULT_LAUNCH_TTL,
            code: Duration::seconds(60),
            access: Duration::hours(1),
            refresh: Duration::hours(12),
            id_token: Duration::hours(1),
        }
    }
}

/// The server's configuration (module docs).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The POS's endpoints and discovery choices, built from the base URL by
    /// [`ServerConfig::new`]. Change `clinical_scopes`, `refresh` or the optional endpoints
    /// if needed, never the five URLs: the routes are made from the base URL. The signing
    /// algorithms are taken from the keys.
    pub pos: PosServer,
    /// The clients allowed to use this server (Ocean).
    pub clients: Vec<RegisteredClient>,
    /// The Ocean site's launch configuration (launch URL, site, action per scenario). Its
    /// `fhir_base_url` is the server's; leave it.
    pub launch: LaunchConfig,
    /// Lifetimes.
    pub lifetimes: Lifetimes,
    /// The Ocean site's shared encryption key (Base64), sent as `oceanSharedEncryptionKey`
    /// in token responses ("strongly recommended" by Ocean).
    pub ocean_shared_encryption_key: Option<Secret>,
    /// Whether `$everything` keeps only the resource types Ocean processes
    /// (`ocean_smart::everything::is_processed`; default true).
    pub ocean_types_only: bool,
    prefix: String,
}

impl ServerConfig {
    /// The configuration for a server at `base_url` (module URLs), one client, and the Ocean
    /// site's launch URL and site number. Set the actions with
    /// `config.launch = config.launch.clone().with_actions(…)`.
    pub fn new(
        base_url: &str,
        client: RegisteredClient,
        ocean_launch_url: &str,
        site_num: &str,
    ) -> Self {
        let base = base_url.trim_end_matches('/');
        let fhir = format!("{base}/fhir");
        let pos = PosServer::new(
            fhir.clone(),
            fhir.clone(),
            format!("{base}/auth/authorize"),
            format!("{base}/auth/token"),
            format!("{base}/auth/jwks"),
        );
        let prefix = path_of(base).to_owned();
        Self {
            pos,
            clients: vec![client],
            launch: LaunchConfig::new(ocean_launch_url, fhir, site_num),
            lifetimes: Lifetimes::default(),
            ocean_shared_encryption_key: None,
            ocean_types_only: true,
            prefix,
        }
    }

    /// The FHIR base URL.
    pub fn fhir_base(&self) -> &str {
        &self.pos.fhir_base_url
    }

    /// The path prefix of every route (`""` for a base URL without path).
    pub fn path_prefix(&self) -> &str {
        &self.prefix
    }

    pub(crate) fn client(&self, client_id: Option<&str>) -> Option<&RegisteredClient> {
        let id = client_id?;
        self.clients.iter().find(|c| c.client_id == id)
    }
}

/// The path of an absolute URL without query (`""` when there is none).
fn path_of(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => after_scheme.get(i..).unwrap_or(""),
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let c = ServerConfig::new(
            "https://pos.example/ocean/",
            RegisteredClient::new("o", Secret::new("s"), ["https://o/r"]),
            "https://ocean.example/sso/smart/auth",
            "1",
        );
        assert_eq!(c.fhir_base(), "https://pos.example/ocean/fhir");
        assert_eq!(c.pos.issuer, "https://pos.example/ocean/fhir");
        assert_eq!(c.pos.jwks_uri, "https://pos.example/ocean/auth/jwks");
        assert_eq!(c.path_prefix(), "/ocean");
        assert_eq!(path_of("http://127.0.0.1:8080"), "");
    }
}
