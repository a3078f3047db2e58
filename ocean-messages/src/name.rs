//! Names as a POS files them ([`PersonName`]): the chosen `HumanName` of a Patient or
//! Practitioner and its display `family, given`.
//!
//! # The name rule
//! The `official` name, else the `usual` one, else the first ([`HumanName::choose`], the one
//! rule `ocean-keywords` applies to demographics too); blank parts are skipped.

use ocean_model::HumanName;
use ocean_model::text::collapse_whitespace;

/// The chosen name of a person, by the rule in the module docs.
#[derive(Clone, PartialEq, Eq)]
pub struct PersonName {
    family: Option<String>,
    given: Vec<String>,
}

impl std::fmt::Debug for PersonName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A name is patient data: only its shape.
        f.debug_struct("PersonName")
            .field("family", &self.family.is_some())
            .field("given", &self.given.len())
            .finish()
    }
}

impl PersonName {
    /// The chosen name among `names`, or `None` when it has neither a family nor a given name.
    pub fn choose(names: &[HumanName]) -> Option<Self> {
        let name = HumanName::choose(names)?;
        let family = name
            .family
            .as_deref()
            .map(collapse_whitespace)
            .filter(|f| !f.is_empty());
        let given: Vec<String> = name
            .given
            .iter()
            .map(|g| collapse_whitespace(g))
            .filter(|g| !g.is_empty())
            .collect();
        (family.is_some() || !given.is_empty()).then_some(Self { family, given })
    }

    /// The family name.
    pub fn family(&self) -> Option<&str> {
        self.family.as_deref()
    }

    /// The given names, in order.
    pub fn given(&self) -> &[String] {
        &self.given
    }

    /// `family, given given` (or whichever part there is).
    pub fn display(&self) -> String {
        let given = self.given.join(" ");
        match (&self.family, given.is_empty()) {
            (Some(f), false) => format!("{f}, {given}"),
            (Some(f), true) => f.clone(),
            (None, _) => given,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocean_model::json;

    fn names(j: &str) -> Vec<HumanName> {
        let p: ocean_model::Patient =
            json::from_str(&format!(r#"{{"resourceType":"Patient","name":{j}}}"#)).unwrap();
        p.name
    }

    #[test]
    fn rule_and_display() {
        let n = names(
            r#"[{"family":"First"},{"use":"usual","family":"Usual","given":["U"]},
                {"use":"official","family":" Off ","given":["A", " ", "B"]}]"#,
        );
        let p = PersonName::choose(&n).unwrap();
        assert_eq!(p.display(), "Off, A B");
        assert!(!format!("{p:?}").contains("Off"));
        let n = names(r#"[{"family":"First"},{"use":"usual","given":["U"]}]"#);
        assert_eq!(PersonName::choose(&n).unwrap().display(), "U");
        let n = names(r#"[{"text":"Only text"}]"#);
        assert_eq!(PersonName::choose(&n), None);
        assert_eq!(PersonName::choose(&[]), None);
    }
}
