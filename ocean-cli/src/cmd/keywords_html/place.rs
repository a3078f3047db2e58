//! Which row of the form a finding concerns, so the page can show it next to that row.
//!
//! A [`Finding`] names no row as a field, but its message, written by `ocean-keywords` from its
//! own tables, names the keyword it concerns (`@ptCpp.rx`, `@ptLatestVal.na`). The rules, in
//! order:
//! 1. the first keyword of a known row named in the message;
//! 2. the demographic pane for Patient findings (a missing field goes next to that field, a
//!    phone without a `use` next to the phones), the attachments for attachment findings;
//! 3. the resource type of the resource concerned, when it feeds one row only
//!    (`AllergyIntolerance`, `Immunization`, `MedicationStatement`, `Medication`, `Patient`,
//!    `DocumentReference`);
//! 4. otherwise the general list at the end of the page (a `Condition` may be a problem or past
//!    history, an `Observation` without a tracked code feeds no row).

use ocean_keywords::{CppSection, Finding, FindingCode, Rules};

/// A field of the demographic pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DemoField {
    /// Prefix, given and family names, suffix.
    Name,
    /// Date of birth.
    BirthDate,
    /// Gender.
    Gender,
    /// Provincial health number.
    HealthNumber,
    /// Home address.
    Address,
    /// Mobile, home and business phones.
    Phones,
    /// Email.
    Email,
}

impl DemoField {
    /// The pane's fields, in the seed's order.
    pub(super) const ALL: [DemoField; 7] = [
        DemoField::Name,
        DemoField::BirthDate,
        DemoField::Gender,
        DemoField::HealthNumber,
        DemoField::Address,
        DemoField::Phones,
        DemoField::Email,
    ];

    /// The field's element id (`demo-name`).
    pub(super) fn id(self) -> &'static str {
        match self {
            DemoField::Name => "demo-name",
            DemoField::BirthDate => "demo-birth-date",
            DemoField::Gender => "demo-gender",
            DemoField::HealthNumber => "demo-health-number",
            DemoField::Address => "demo-address",
            DemoField::Phones => "demo-phones",
            DemoField::Email => "demo-email",
        }
    }

    /// The field's label, as the seed's keyword table names it.
    pub(super) fn label(self) -> &'static str {
        match self {
            DemoField::Name => "Name",
            DemoField::BirthDate => "Date of birth",
            DemoField::Gender => "Gender",
            DemoField::HealthNumber => "Health number",
            DemoField::Address => "Address",
            DemoField::Phones => "Mobile / Home / Business",
            DemoField::Email => "Email",
        }
    }

    /// The field a `missing-demographic` finding names (`ocean-keywords` writes "The Patient has
    /// no {field};" with these field names).
    fn from_missing(message: &str) -> Option<DemoField> {
        let field = message
            .strip_prefix("The Patient has no ")?
            .split(';')
            .next()?;
        Some(match field {
            "name" => DemoField::Name,
            "birthDate" => DemoField::BirthDate,
            "gender" => DemoField::Gender,
            "health number" => DemoField::HealthNumber,
            "address" => DemoField::Address,
            "phone" => DemoField::Phones,
            "email" => DemoField::Email,
            _ => return None,
        })
    }
}

/// Where the page shows a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// Next to a `@ptCpp.*` list.
    Cpp(CppSection),
    /// Next to a `@ptLatestVal.X` row: the index in [`Rules::latest_rules`].
    Latest(usize),
    /// Next to a field of the demographic pane, or under the pane when no field is named.
    Demographics(Option<DemoField>),
    /// Under the attachments.
    Attachments,
    /// In the general list at the end.
    General,
}

/// Where `f` goes on the page (see the module docs for the rules).
pub(super) fn place(f: &Finding, rules: &Rules) -> Place {
    if let Some(p) = keywords_in(&f.message).find_map(|kw| row_of(kw, rules)) {
        return p;
    }
    match f.code {
        FindingCode::MissingPatient | FindingCode::MultiplePatients => {
            return Place::Demographics(None);
        }
        FindingCode::MissingDemographic => {
            return Place::Demographics(DemoField::from_missing(&f.message));
        }
        FindingCode::PhoneNoUse => return Place::Demographics(Some(DemoField::Phones)),
        FindingCode::AttachmentTypeRefused
        | FindingCode::AttachmentTooLarge
        | FindingCode::AttachmentTotalExceeded
        | FindingCode::AttachmentNoContent
        | FindingCode::AttachmentSizeUnknown
        | FindingCode::AttachmentNotCurrent => return Place::Attachments,
        // "No attachment: no current DocumentReference with an accepted file."
        FindingCode::MissingKeyword if f.message.contains("DocumentReference") => {
            return Place::Attachments;
        }
        _ => {}
    }
    match f.resource.as_ref().map(|r| r.resource_type.as_str()) {
        Some("AllergyIntolerance") => Place::Cpp(CppSection::Allergies),
        Some("Immunization") => Place::Cpp(CppSection::Immunizations),
        Some("MedicationStatement" | "Medication") => Place::Cpp(CppSection::Medications),
        Some("Patient") => Place::Demographics(None),
        Some("DocumentReference") => Place::Attachments,
        _ => Place::General,
    }
}

/// The `@pt...` keywords a message names, in order (a sentence's final `.` is not part of one).
fn keywords_in(message: &str) -> impl Iterator<Item = &str> {
    message.match_indices("@pt").filter_map(move |(at, _)| {
        let rest = message.get(at..)?;
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '@'))
            .unwrap_or(rest.len());
        rest.get(..end).map(|kw| kw.trim_end_matches('.'))
    })
}

/// The row a keyword belongs to, if it is one of the form's.
fn row_of(keyword: &str, rules: &Rules) -> Option<Place> {
    if let Some(s) = CppSection::ALL.into_iter().find(|s| s.keyword() == keyword) {
        return Some(Place::Cpp(s));
    }
    let suffix = keyword
        .strip_prefix("@ptLatestVal.")
        .or_else(|| keyword.strip_prefix("@ptLatestDate."))?;
    rules
        .latest_rules()
        .iter()
        .position(|r| r.suffix() == suffix)
        .map(Place::Latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_read_whole_and_without_the_final_full_stop() {
        let m = "Ocean fills @ptLatestVal.a1c only from 59261-8; see @ptCpp.rx.";
        assert_eq!(
            keywords_in(m).collect::<Vec<_>>(),
            ["@ptLatestVal.a1c", "@ptCpp.rx"]
        );
        let rules = Rules::default();
        let a1c = rules
            .latest_rules()
            .iter()
            .position(|r| r.suffix() == "a1c")
            .unwrap();
        assert_eq!(
            row_of("@ptLatestDate.a1c", &rules),
            Some(Place::Latest(a1c))
        );
        assert_eq!(row_of("@ptLatestVal.a1cx", &rules), None);
        assert_eq!(
            row_of("@ptCpp.allg", &rules),
            Some(Place::Cpp(CppSection::Allergies))
        );
        assert_eq!(row_of("@ptCpp", &rules), None);
    }

    #[test]
    fn missing_demographics_name_their_field() {
        assert_eq!(
            DemoField::from_missing(
                "The Patient has no health number; Ocean's demographic pane leaves it empty."
            ),
            Some(DemoField::HealthNumber)
        );
        assert_eq!(DemoField::from_missing("The Patient has no pets;"), None);
        assert_eq!(DemoField::from_missing("Something else"), None);
    }
}
