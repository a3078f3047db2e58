//! The POS's identity as the source of its messages ([`PosSystem`]): `MessageHeader.source`.

use crate::build_error::BuildError;

/// The POS's identity as the source of its messages (`MessageHeader.source`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosSystem {
    pub(crate) name: String,
    pub(crate) software: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) endpoint: String,
}

impl PosSystem {
    /// A POS named `name`, reachable at `endpoint` (its message URL, as configured in Ocean; an
    /// `http(s)` URL).
    pub fn new(name: impl Into<String>, endpoint: impl Into<String>) -> Result<Self, BuildError> {
        let name = name.into();
        let endpoint = endpoint.into();
        if name.trim().is_empty() {
            return Err(BuildError::InvalidPosSystem("the name is empty"));
        }
        let scheme_ok = endpoint.starts_with("https://") || endpoint.starts_with("http://");
        if !scheme_ok || endpoint.chars().any(char::is_whitespace) {
            return Err(BuildError::InvalidPosSystem(
                "the endpoint must be an http(s) URL without whitespace",
            ));
        }
        Ok(Self {
            name,
            software: None,
            version: None,
            endpoint,
        })
    }

    /// Adds the software name and version (`source.software`, `source.version`).
    pub fn with_software(
        mut self,
        software: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        self.software = Some(software.into());
        self.version = Some(version.into());
        self
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pos_system_validation() {
        assert!(PosSystem::new("Acme", "https://emr.example/m").is_ok());
        assert!(matches!(
            PosSystem::new(" ", "https://emr.example/m"),
            Err(BuildError::InvalidPosSystem(_))
        ));
        assert!(matches!(
            PosSystem::new("Acme", "emr.example/m"),
            Err(BuildError::InvalidPosSystem(_))
        ));
    }
}
