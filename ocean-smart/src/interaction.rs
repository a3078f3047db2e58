//! FHIR REST interactions as SMART v2 names them (`c`, `r`, `u`, `d`, `s`), alone and as
//! the sets a scope's permissions grant.

use std::fmt;

use serde::Serialize;

/// A FHIR REST interaction as SMART v2 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Interaction {
    /// `c`: create.
    Create,
    /// `r`: read, vread, instance history.
    Read,
    /// `u`: update, patch.
    Update,
    /// `d`: delete.
    Delete,
    /// `s`: search, type and system history.
    Search,
}

impl Interaction {
    /// All five, in `cruds` order.
    pub const ALL: [Interaction; 5] = [
        Self::Create,
        Self::Read,
        Self::Update,
        Self::Delete,
        Self::Search,
    ];

    /// The v2 letter.
    pub fn letter(self) -> char {
        match self {
            Self::Create => 'c',
            Self::Read => 'r',
            Self::Update => 'u',
            Self::Delete => 'd',
            Self::Search => 's',
        }
    }

    fn bit(self) -> u8 {
        match self {
            Self::Create => 1,
            Self::Read => 2,
            Self::Update => 4,
            Self::Delete => 8,
            Self::Search => 16,
        }
    }

    /// The English name (`read`, `search`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Read => "read",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::Search => "search",
        }
    }
}

impl fmt::Display for Interaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A non-empty set of interactions (the v2 `cruds` letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interactions(u8);

impl Interactions {
    /// `rs`: what v1 `read` means.
    pub const READ_SEARCH: Interactions = Interactions(2 | 16);
    /// `cud`: what v1 `write` means.
    pub const WRITE: Interactions = Interactions(1 | 4 | 8);
    /// `cruds`: what v1 `*` means.
    pub const ALL: Interactions = Interactions(31);

    /// The set of the given interactions; `None` if empty.
    pub fn of(interactions: &[Interaction]) -> Option<Self> {
        let bits = interactions.iter().fold(0, |acc, i| acc | i.bit());
        (bits != 0).then_some(Self(bits))
    }

    /// Parses v2 letters: a non-empty, in-order, duplicate-free subset of `cruds`.
    pub fn from_letters(letters: &str) -> Option<Self> {
        let mut bits = 0u8;
        let mut last = 0u8;
        for c in letters.chars() {
            let i = match c {
                'c' => Interaction::Create,
                'r' => Interaction::Read,
                'u' => Interaction::Update,
                'd' => Interaction::Delete,
                's' => Interaction::Search,
                _ => return None,
            };
            if i.bit() <= last {
                return None;
            }
            last = i.bit();
            bits |= i.bit();
        }
        (bits != 0).then_some(Self(bits))
    }

    /// Whether the set holds `interaction`.
    pub fn contains(self, interaction: Interaction) -> bool {
        self.0 & interaction.bit() != 0
    }

    /// Whether every interaction of `other` is in `self`.
    pub fn is_superset(self, other: Interactions) -> bool {
        self.0 & other.0 == other.0
    }

    /// The interactions in both sets, `None` if none.
    pub fn intersection(self, other: Interactions) -> Option<Interactions> {
        let bits = self.0 & other.0;
        (bits != 0).then_some(Self(bits))
    }

    /// The interactions, in `cruds` order.
    pub fn iter(self) -> impl Iterator<Item = Interaction> {
        Interaction::ALL
            .into_iter()
            .filter(move |i| self.contains(*i))
    }
}

impl fmt::Display for Interactions {
    /// The v2 letters in `cruds` order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in self.iter() {
            write!(f, "{}", i.letter())?;
        }
        Ok(())
    }
}
