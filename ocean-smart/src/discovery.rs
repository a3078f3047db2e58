//! The discovery documents the POS publishes for Ocean, and a checker that names what Ocean
//! needs that a document lacks.
//!
//! | document | where | what Ocean does with it |
//! |---|---|---|
//! | [`SmartConfiguration`] | `{FHIR base}/.well-known/smart-configuration` (SMART App Launch 2) | SMART clients read the endpoints and capabilities |
//! | [`OpenIdConfiguration`] | `{FHIR base}/.well-known/openid-configuration`, public (Ocean's SMART overview) | Ocean's client discovers the issuer from `iss` there, and checks id-token signatures with the keys at `jwks_uri` |
//!
//! Both types read leniently: every member is kept (unknown ones in `extra`, so a document
//! round-trips), and a known member with the wrong JSON type is kept in `extra` and reported by
//! the checker instead of failing the parse. [`PosServer`] builds both documents for a POS so
//! that they pass the checks.
//!
//! ```
//! use ocean_smart::discovery::{check_smart_configuration, PosServer, SmartConfiguration};
//! let pos = PosServer::new(
//!     "https://pos.example/fhir",
//!     "https://pos.example/auth",
//!     "https://pos.example/auth/authorize",
//!     "https://pos.example/auth/token",
//!     "https://pos.example/auth/jwks",
//! );
//! assert!(check_smart_configuration(&pos.smart_configuration()).is_empty());
//! let doc = SmartConfiguration::from_json(r#"{"token_endpoint": "https://pos.example/auth/token"}"#).unwrap();
//! let findings = check_smart_configuration(&doc);
//! assert!(findings.mentions("authorization_endpoint") && findings.mentions("capabilities"));
//! ```

mod check;
mod documents;
mod pos_server;

pub use check::{
    OCEAN_CAPABILITIES, check_all, check_consistency, check_openid_configuration,
    check_smart_configuration, rules,
};
pub use documents::{OpenIdConfiguration, SmartConfiguration};
pub use pos_server::{OceanRegistration, PosServer, RefreshSupport, SigningAlg};
