//! A typed, borrowed view of a `Reference.reference` string (or a `Bundle.entry.fullUrl`).
//!
//! ```
//! use ocean_model::ParsedReference;
//! assert_eq!(
//!     ParsedReference::parse("Patient/123"),
//!     ParsedReference::Relative { resource_type: "Patient", id: "123", version: None }
//! );
//! assert_eq!(
//!     ParsedReference::parse("urn:uuid:71db1a5c-89ce-41d5-bc71-8466f6c2f182").uuid(),
//!     Some("71db1a5c-89ce-41d5-bc71-8466f6c2f182")
//! );
//! // Ocean's MessageHeader fullUrl is a bare UUID:
//! assert_eq!(
//!     ParsedReference::parse("fdd94a37-22a7-41ce-8140-6604a1f10908").uuid(),
//!     Some("fdd94a37-22a7-41ce-8140-6604a1f10908")
//! );
//! ```
//!
//! `Type/id` is recognised only when the type passes [`crate::is_resource_type_name`] and the
//! id [`crate::Id::is_valid_str`] (FHIR's `id` rule).

use crate::{Id, is_resource_type_name};

/// The parts of a reference string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParsedReference<'a> {
    /// `#id`: a contained resource of the referring resource.
    Contained {
        /// The contained resource's id (`#` removed).
        id: &'a str,
    },
    /// `urn:uuid:<uuid>`.
    Uuid {
        /// The UUID text.
        uuid: &'a str,
    },
    /// `urn:oid:<oid>`.
    Oid {
        /// The OID text.
        oid: &'a str,
    },
    /// `Type/id` or `Type/id/_history/version`.
    Relative {
        /// The resource type.
        resource_type: &'a str,
        /// The logical id.
        id: &'a str,
        /// The version, if given.
        version: Option<&'a str>,
    },
    /// An absolute URL; type and id are filled when it ends in `Type/id[/_history/v]`.
    Absolute {
        /// The whole URL.
        url: &'a str,
        /// The service base (URL before `Type/id`), when type and id were found.
        base: Option<&'a str>,
        /// The resource type, if found.
        resource_type: Option<&'a str>,
        /// The id, if found.
        id: Option<&'a str>,
        /// The version, if given.
        version: Option<&'a str>,
    },
    /// Anything else (e.g. a bare UUID as Ocean uses for the MessageHeader `fullUrl`).
    Other(&'a str),
}

/// Whether `s` has the shape of a UUID (8-4-4-4-12 hex digits).
pub fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Splits `…/Type/id` or `…/Type/id/_history/v` off the end of a path: (prefix, type, id, version).
fn split_tail(path: &str) -> Option<(&str, &str, &str, Option<&str>)> {
    let mut parts = path.rsplitn(5, '/');
    let last = parts.next()?;
    let second = parts.next()?;
    if second == "_history" {
        let id = parts.next()?;
        let ty = parts.next()?;
        let prefix = parts.next().unwrap_or("");
        (is_resource_type_name(ty) && Id::is_valid_str(id)).then_some((prefix, ty, id, Some(last)))
    } else {
        let prefix_len = path.len().saturating_sub(last.len() + second.len() + 1);
        let prefix = path.get(..prefix_len).unwrap_or("").trim_end_matches('/');
        (is_resource_type_name(second) && Id::is_valid_str(last))
            .then_some((prefix, second, last, None))
    }
}

impl<'a> ParsedReference<'a> {
    /// Parses a reference string. Never fails: an unrecognised form is [`Self::Other`].
    pub fn parse(reference: &'a str) -> Self {
        if let Some(id) = reference.strip_prefix('#') {
            return Self::Contained { id };
        }
        if let Some(uuid) = reference.strip_prefix("urn:uuid:") {
            return Self::Uuid { uuid };
        }
        if let Some(oid) = reference.strip_prefix("urn:oid:") {
            return Self::Oid { oid };
        }
        if let Some(scheme_end) = reference.find("://") {
            let after = reference.get(scheme_end + 3..).unwrap_or("");
            let path = after.split(['?', '#']).next().unwrap_or("");
            return match split_tail(path) {
                Some((_, ty, id, version)) => {
                    let tail = match version {
                        Some(v) => ty.len() + id.len() + v.len() + "/_history/".len() + 1,
                        None => ty.len() + id.len() + 1,
                    };
                    let base_len = scheme_end + 3 + path.len().saturating_sub(tail);
                    Self::Absolute {
                        url: reference,
                        base: reference.get(..base_len).map(|b| b.trim_end_matches('/')),
                        resource_type: Some(ty),
                        id: Some(id),
                        version,
                    }
                }
                None => Self::Absolute {
                    url: reference,
                    base: None,
                    resource_type: None,
                    id: None,
                    version: None,
                },
            };
        }
        match split_tail(reference) {
            Some(("", ty, id, version)) => Self::Relative {
                resource_type: ty,
                id,
                version,
            },
            _ => Self::Other(reference),
        }
    }

    /// The resource type named by the reference, if any.
    pub fn resource_type(&self) -> Option<&'a str> {
        match *self {
            Self::Relative { resource_type, .. } => Some(resource_type),
            Self::Absolute { resource_type, .. } => resource_type,
            _ => None,
        }
    }

    /// The logical id named by the reference, if any (also the id of `#id`).
    pub fn id(&self) -> Option<&'a str> {
        match *self {
            Self::Relative { id, .. } | Self::Contained { id } => Some(id),
            Self::Absolute { id, .. } => id,
            _ => None,
        }
    }

    /// The UUID of `urn:uuid:<uuid>` or of a bare UUID.
    pub fn uuid(&self) -> Option<&'a str> {
        match *self {
            Self::Uuid { uuid } => Some(uuid),
            Self::Other(s) if looks_like_uuid(s) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(
            ParsedReference::parse("#p1"),
            ParsedReference::Contained { id: "p1" }
        );
        assert_eq!(
            ParsedReference::parse("urn:oid:1.2.3"),
            ParsedReference::Oid { oid: "1.2.3" }
        );
        assert_eq!(
            ParsedReference::parse("Observation/o-1/_history/2"),
            ParsedReference::Relative {
                resource_type: "Observation",
                id: "o-1",
                version: Some("2")
            }
        );
        assert_eq!(
            ParsedReference::parse("https://x.org/fhir/Patient/9"),
            ParsedReference::Absolute {
                url: "https://x.org/fhir/Patient/9",
                base: Some("https://x.org/fhir"),
                resource_type: Some("Patient"),
                id: Some("9"),
                version: None
            }
        );
        assert_eq!(
            ParsedReference::parse("https://x.org/fhir/Patient/9/_history/3").id(),
            Some("9")
        );
        let ocean = "http://localhost:8081/svc/fhir/v1/ServiceRequest/abc/$letter";
        assert_eq!(ParsedReference::parse(ocean).resource_type(), None);
        assert_eq!(
            ParsedReference::parse("patient/1"),
            ParsedReference::Other("patient/1")
        );
        assert_eq!(
            ParsedReference::parse("a/Patient/1"),
            ParsedReference::Other("a/Patient/1")
        );
        assert_eq!(ParsedReference::parse(""), ParsedReference::Other(""));
        assert_eq!(ParsedReference::parse("not-a-uuid").uuid(), None);
    }
}
