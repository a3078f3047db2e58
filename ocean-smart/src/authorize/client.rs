//! Ocean as the POS authorization server registered it: client id, secret and redirect URIs.

use crate::secret::Secret;

/// Ocean as registered in the POS authorization server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredClient {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
    /// The redirect URIs Ocean registered (compared exactly).
    pub redirect_uris: Vec<String>,
}

impl RegisteredClient {
    /// A client.
    pub fn new<I, S>(client_id: impl Into<String>, client_secret: Secret, redirect_uris: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            client_id: client_id.into(),
            client_secret,
            redirect_uris: redirect_uris.into_iter().map(Into::into).collect(),
        }
    }
}
