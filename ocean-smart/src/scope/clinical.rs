//! Clinical data scopes (`patient/Observation.rs?category=…`): whose data, which resource
//! type, which permissions (v1 or v2) and which query restriction.

use std::fmt;

use ocean_model::is_resource_type_name;

use super::error::{ScopeError, validate_chars};
use crate::interaction::{Interaction, Interactions};

/// Whose data a clinical scope is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// `patient/`: the patient in context.
    Patient,
    /// `user/`: whatever the signed-in user may see.
    User,
    /// `system/`: backend services.
    System,
}

impl Context {
    /// `patient`, `user` or `system`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::User => "user",
            Self::System => "system",
        }
    }
}

/// SMART v1 permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum V1Access {
    /// `.read` (= v2 `rs`).
    Read,
    /// `.write` (= v2 `cud`).
    Write,
    /// `.*` (= v2 `cruds`).
    All,
}

/// The permissions of a clinical scope, in the syntax they were written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permissions {
    /// SMART v1 `.read`, `.write`, `.*`.
    V1(V1Access),
    /// SMART v2 letters.
    V2(Interactions),
}

impl Permissions {
    /// The interactions granted, v1 mapped to v2.
    pub fn interactions(self) -> Interactions {
        match self {
            Self::V1(V1Access::Read) => Interactions::READ_SEARCH,
            Self::V1(V1Access::Write) => Interactions::WRITE,
            Self::V1(V1Access::All) => Interactions::ALL,
            Self::V2(i) => i,
        }
    }

    /// Whether `interaction` is granted.
    pub fn allows(self, interaction: Interaction) -> bool {
        self.interactions().contains(interaction)
    }

    pub(super) fn parse(text: &str) -> Option<Self> {
        match text {
            "read" => Some(Self::V1(V1Access::Read)),
            "write" => Some(Self::V1(V1Access::Write)),
            "*" => Some(Self::V1(V1Access::All)),
            letters => Interactions::from_letters(letters).map(Self::V2),
        }
    }
}

impl fmt::Display for Permissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::V1(V1Access::Read) => f.write_str("read"),
            Self::V1(V1Access::Write) => f.write_str("write"),
            Self::V1(V1Access::All) => f.write_str("*"),
            Self::V2(i) => i.fmt(f),
        }
    }
}

/// `patient/Observation.rs?category=…`: access to clinical data of one resource type or all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClinicalScope {
    context: Context,
    resource: Option<String>,
    permissions: Permissions,
    query: Option<String>,
}

fn is_valid_query(q: &str) -> bool {
    !q.is_empty()
        && q.split('&').all(|piece| {
            piece
                .split_once('=')
                .is_some_and(|(name, _)| !name.is_empty())
        })
}

impl ClinicalScope {
    /// A scope for one resource type (`Some("Observation")`) or all (`None`, written `*`).
    pub fn new(
        context: Context,
        resource_type: Option<&str>,
        permissions: Permissions,
    ) -> Result<Self, ScopeError> {
        if let Some(t) = resource_type {
            if !is_resource_type_name(t) {
                return Err(ScopeError::InvalidResourceType);
            }
        }
        Ok(Self {
            context,
            resource: resource_type.map(str::to_owned),
            permissions,
            query: None,
        })
    }

    /// Restricts the scope with a v2 query (`category=…`, without the `?`).
    pub fn with_query(mut self, query: &str) -> Result<Self, ScopeError> {
        if matches!(self.permissions, Permissions::V1(_)) {
            return Err(ScopeError::QueryWithV1);
        }
        if !is_valid_query(query) || validate_chars(query).is_err() {
            return Err(ScopeError::InvalidQuery);
        }
        self.query = Some(query.to_owned());
        Ok(self)
    }

    /// `patient`, `user` or `system`.
    pub fn context(&self) -> Context {
        self.context
    }

    /// The resource type, `None` for `*`.
    pub fn resource_type(&self) -> Option<&str> {
        self.resource.as_deref()
    }

    /// The permissions as written.
    pub fn permissions(&self) -> Permissions {
        self.permissions
    }

    /// The v2 query restriction (without `?`), if any.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// Whether this scope is about `resource_type` (its own type, or `*`).
    pub fn covers_type(&self, resource_type: &str) -> bool {
        self.resource.as_deref().is_none_or(|t| t == resource_type)
    }

    /// Whether this scope alone gives at least everything `requested` asks for.
    pub fn satisfies(&self, requested: &ClinicalScope) -> bool {
        self.context == requested.context
            && (self.resource.is_none() || self.resource == requested.resource)
            && self
                .permissions
                .interactions()
                .is_superset(requested.permissions.interactions())
            && (self.query.is_none() || self.query == requested.query)
    }

    /// The part of `requested` this (supported) scope can grant, written as a v1 scope when
    /// `requested` was v1 and the part is a whole v1 permission; `None` if nothing overlaps.
    pub(super) fn narrow(&self, requested: &ClinicalScope) -> Option<ClinicalScope> {
        if self.context != requested.context {
            return None;
        }
        let resource = match (&self.resource, &requested.resource) {
            (None, r) => r.clone(),
            (Some(s), None) => Some(s.clone()),
            (Some(s), Some(r)) if s == r => Some(s.clone()),
            _ => return None,
        };
        let query = match (&self.query, &requested.query) {
            (None, q) | (q, None) => q.clone(),
            (Some(a), Some(b)) if a == b => Some(a.clone()),
            _ => return None,
        };
        let both = self
            .permissions
            .interactions()
            .intersection(requested.permissions.interactions())?;
        let permissions = match requested.permissions {
            Permissions::V1(_) if query.is_none() && both == Interactions::READ_SEARCH => {
                Permissions::V1(V1Access::Read)
            }
            Permissions::V1(_) if query.is_none() && both == Interactions::WRITE => {
                Permissions::V1(V1Access::Write)
            }
            Permissions::V1(_) if query.is_none() && both == Interactions::ALL => {
                Permissions::V1(V1Access::All)
            }
            _ => Permissions::V2(both),
        };
        Some(ClinicalScope {
            context: self.context,
            resource,
            permissions,
            query,
        })
    }
}

impl fmt::Display for ClinicalScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}.{}",
            self.context.as_str(),
            self.resource.as_deref().unwrap_or("*"),
            self.permissions
        )?;
        if let Some(q) = &self.query {
            write!(f, "?{q}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_maps_to_v2() {
        let read = Permissions::V1(V1Access::Read);
        assert!(read.allows(Interaction::Read) && read.allows(Interaction::Search));
        assert!(!read.allows(Interaction::Create));
        let write = Permissions::V1(V1Access::Write);
        assert!(write.allows(Interaction::Delete) && !write.allows(Interaction::Read));
        assert_eq!(
            Permissions::V1(V1Access::All).interactions(),
            Interactions::ALL
        );
        assert_eq!(Interactions::from_letters("cruds"), Some(Interactions::ALL));
        assert_eq!(Interactions::from_letters(""), None);
        assert_eq!(Interactions::ALL.to_string(), "cruds");
    }
}
