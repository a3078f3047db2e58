//! Field comparisons: names, birth dates, health numbers, genders. Every comparison is symmetric.

use std::collections::BTreeSet;

use ocean_model::{Date, HealthNumber, Province};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::reason::{DateFinding, GenderFinding, NameFinding, NumberFinding};
use crate::{Gender, MatchRules, Name};

/// The parts of a name after normalisation, in order: compatibility decomposition (NFKD),
/// combining marks removed (accents: `É` → `E`), lower case, the letters that have no
/// decomposition spelled out (`ß` → `ss`, `æ` → `ae`, `œ` → `oe`, `ø` → `o`, `ł` → `l`,
/// `đ`/`ð` → `d`, `þ` → `th`, dotless `ı` → `i`), and every character that is not a letter or
/// digit (hyphens, apostrophes, periods, spaces of any kind) a separator.
///
/// Vendors can store these (or [`family_keys`]) in an indexed column to answer a
/// [`SearchHint`](crate::SearchHint).
///
/// ```
/// use ocean_match::name_parts;
/// assert_eq!(name_parts("  Émilie-Ève "), ["emilie", "eve"]);
/// assert_eq!(name_parts("O’Brien"), ["o", "brien"]);
/// assert_eq!(name_parts("STRAUß"), ["strauss"]);
/// assert!(name_parts(" - ' ").is_empty());
/// ```
pub fn name_parts(name: &str) -> Vec<String> {
    let mut folded = String::with_capacity(name.len());
    for c in name.nfkd() {
        for l in c.to_lowercase() {
            match l {
                _ if is_combining_mark(l) => {}
                'ß' => folded.push_str("ss"),
                'æ' => folded.push_str("ae"),
                'œ' => folded.push_str("oe"),
                'þ' => folded.push_str("th"),
                'ø' => folded.push('o'),
                'ł' => folded.push('l'),
                'đ' | 'ð' => folded.push('d'),
                'ı' => folded.push('i'),
                _ if l.is_alphanumeric() => folded.push(l),
                _ => folded.push(' '),
            }
        }
    }
    folded.split_whitespace().map(str::to_owned).collect()
}

/// The keys under which a vendor should index a family name so that a
/// [`SearchHint::BirthDate`](crate::SearchHint::BirthDate) finds it: each of its
/// [`name_parts`], and the parts joined without separators. Sorted, without duplicates.
///
/// ```
/// use ocean_match::family_keys;
/// assert_eq!(family_keys("Tremblay-Roy"), ["roy", "tremblay", "tremblayroy"]);
/// assert_eq!(family_keys("Côté"), ["cote"]);
/// ```
pub fn family_keys(family: &str) -> Vec<String> {
    let parts = name_parts(family);
    let joined = parts.concat();
    let mut keys: BTreeSet<String> = parts.into_iter().collect();
    if !joined.is_empty() {
        keys.insert(joined);
    }
    keys.into_iter().collect()
}

/// Compares two lists of name parts (see the module docs' name rules).
pub(crate) fn compare_parts(a: &[String], b: &[String]) -> NameFinding {
    if a.is_empty() || b.is_empty() {
        return NameFinding::Missing;
    }
    let sa: BTreeSet<&str> = a.iter().map(String::as_str).collect();
    let sb: BTreeSet<&str> = b.iter().map(String::as_str).collect();
    if sa == sb || a.concat() == b.concat() {
        NameFinding::Agree
    } else if sa.is_subset(&sb) || sb.is_subset(&sa) {
        NameFinding::Partial
    } else {
        NameFinding::Disagree
    }
}

/// A name split into normalised parts.
#[derive(Clone)]
pub(crate) struct NameParts {
    pub(crate) family: Vec<String>,
    pub(crate) given: Vec<String>,
}

impl NameParts {
    pub(crate) fn of(names: &[Name]) -> Vec<NameParts> {
        names
            .iter()
            .map(|n| NameParts {
                family: n.family.as_deref().map(name_parts).unwrap_or_default(),
                given: n.given.iter().flat_map(|g| name_parts(g)).collect(),
            })
            .filter(|n| !n.family.is_empty() || !n.given.is_empty())
            .collect()
    }
}

fn rank(f: NameFinding) -> u8 {
    match f {
        NameFinding::Agree => 3,
        NameFinding::Partial => 2,
        NameFinding::Missing => 1,
        NameFinding::Disagree => 0,
    }
}

/// The family and given findings of the best pair of names (one from each side). A pair where
/// both agree beats any other; then the higher total; then the better family finding. The key
/// determines both findings, so the choice does not depend on the order of the names or sides.
pub(crate) fn compare_names(a: &[NameParts], b: &[NameParts]) -> (NameFinding, NameFinding) {
    let mut best = (NameFinding::Missing, NameFinding::Missing);
    let mut best_key = None;
    for x in a {
        for y in b {
            let fam = compare_parts(&x.family, &y.family);
            let giv = compare_parts(&x.given, &y.given);
            let key = (
                fam.agrees() && giv.agrees(),
                rank(fam) + rank(giv),
                rank(fam),
            );
            if best_key.is_none_or(|k| key > k) {
                best_key = Some(key);
                best = (fam, giv);
            }
        }
    }
    best
}

/// Whether some pair of names agrees crosswise: the family name of one with the given names of
/// the other, and the given names of one with the family name of the other.
pub(crate) fn names_swapped(a: &[NameParts], b: &[NameParts]) -> bool {
    a.iter().any(|x| {
        b.iter().any(|y| {
            compare_parts(&x.family, &y.given).agrees()
                && compare_parts(&x.given, &y.family).agrees()
        })
    })
}

/// Compares two birth dates (see the module docs).
pub(crate) fn compare_birth_dates(a: Option<&Date>, b: Option<&Date>) -> DateFinding {
    let (Some(a), Some(b)) = (
        a.map(|d| d.as_str().trim()).filter(|d| !d.is_empty()),
        b.map(|d| d.as_str().trim()).filter(|d| !d.is_empty()),
    ) else {
        return DateFinding::Missing;
    };
    let (Ok(pa), Ok(pb)) = (Date::new(a).parse(), Date::new(b).parse()) else {
        return DateFinding::Invalid;
    };
    if pa.year != pb.year {
        return DateFinding::Disagree;
    }
    if let (Some(ma), Some(mb)) = (pa.month, pb.month) {
        if ma != mb {
            return DateFinding::Disagree;
        }
    }
    if let (Some(da), Some(db)) = (pa.day, pb.day) {
        if da != db {
            return DateFinding::Disagree;
        }
    }
    if pa.precision() == pb.precision() {
        DateFinding::Agree
    } else {
        DateFinding::Imprecise
    }
}

/// Whose health numbers a number is: numbers are comparable only within one jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Jurisdiction {
    /// A province or territory, from a recognised system (any of its spellings) or from
    /// [`MatchRules::default_province`] for a number without a system.
    Province(Province),
    /// Any other identifier system (compared exactly, ignoring a trailing `/`).
    System(String),
}

impl Jurisdiction {
    /// The jurisdiction of a health number under `rules`, if it has one.
    ///
    /// ```
    /// use ocean_match::{Jurisdiction, MatchRules};
    /// use ocean_model::{HealthNumber, Identifier, Province};
    /// let bc = Identifier::new(
    ///     "http://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-hcn",
    ///     "9876543210",
    /// );
    /// let n = HealthNumber::from_identifier(&bc).unwrap();
    /// let rules = MatchRules::default();
    /// assert_eq!(Jurisdiction::of(&n, &rules), Some(Jurisdiction::Province(Province::BC)));
    /// ```
    pub fn of(number: &HealthNumber, rules: &MatchRules) -> Option<Self> {
        if let Some(p) = number.province() {
            return Some(Self::Province(p));
        }
        match number
            .system()
            .map(|s| s.trim().trim_end_matches('/'))
            .filter(|s| !s.is_empty())
        {
            Some(s) => Some(Self::System(s.to_owned())),
            None => rules.default_province.map(Self::Province),
        }
    }
}

/// One side's numbers that have a value: (jurisdiction, normalised value).
pub(crate) type KeyedNumber = (Option<Jurisdiction>, String);

/// The numbers of one side that have a value after normalisation.
pub(crate) fn keyed_numbers(numbers: &[HealthNumber], rules: &MatchRules) -> Vec<KeyedNumber> {
    numbers
        .iter()
        .map(|n| (Jurisdiction::of(n, rules), n.normalized_value()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// Compares two sets of health numbers (see the module docs).
pub(crate) fn compare_numbers(a: &[KeyedNumber], b: &[KeyedNumber]) -> NumberFinding {
    if a.is_empty() || b.is_empty() {
        return NumberFinding::Missing;
    }
    let mut comparable = false;
    for (ja, va) in a {
        for (jb, vb) in b {
            if ja.is_some() && ja == jb {
                if va == vb {
                    return NumberFinding::Agree;
                }
                comparable = true;
            }
        }
    }
    if comparable {
        NumberFinding::Disagree
    } else {
        NumberFinding::NotComparable
    }
}

/// Compares two genders; a missing one is unknown, never a disagreement.
pub(crate) fn compare_genders(a: Option<Gender>, b: Option<Gender>) -> GenderFinding {
    match (a, b) {
        (Some(x), Some(y)) if x == y => GenderFinding::Agree,
        (Some(_), Some(_)) => GenderFinding::Disagree,
        _ => GenderFinding::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(name_parts("ÉMILIE"), name_parts("emilie"));
        assert_eq!(name_parts("Ærø"), ["aero"]);
        assert_eq!(name_parts("Łukasz"), ["lukasz"]);
        assert_eq!(name_parts("İpek"), ["ipek"]);
        assert_eq!(name_parts("\u{fb01}fi"), ["fifi"]); // NFKD splits the ligature
        assert_eq!(name_parts("Ｔａｎａｋａ"), ["tanaka"]); // full-width letters
        assert_eq!(name_parts("St. John-Smith"), ["st", "john", "smith"]);
        assert_eq!(name_parts("d\u{2019}Arcy"), ["d", "arcy"]);
        assert_eq!(name_parts("Nguyễn"), ["nguyen"]);
    }

    #[test]
    fn parts_rules() {
        use NameFinding::*;
        let c = |a: &str, b: &str| compare_parts(&name_parts(a), &name_parts(b));
        assert_eq!(c("Tremblay-Roy", "Roy Tremblay"), Agree);
        assert_eq!(c("O'Brien", "OBRIEN"), Agree);
        assert_eq!(c("Garcia", "García Márquez"), Partial);
        assert_eq!(c("De Souza", "De Silva"), Disagree);
        assert_eq!(c("", "Smith"), Missing);
        assert_eq!(c("-", "Smith"), Missing);
    }

    #[test]
    fn dates() {
        use DateFinding::*;
        let c = |a: &str, b: &str| compare_birth_dates(Some(&Date::new(a)), Some(&Date::new(b)));
        assert_eq!(c("1984-03-09", "1984-03-09"), Agree);
        assert_eq!(c(" 1984-03-09", "1984-03-09 "), Agree);
        assert_eq!(c("1984-03", "1984-03"), Agree);
        assert_eq!(c("1984", "1984-03-09"), Imprecise);
        assert_eq!(c("1985", "1984-03-09"), Disagree);
        assert_eq!(c("1984-03", "1984-04-01"), Disagree);
        assert_eq!(c("1984-03-09", "1984-03-19"), Disagree);
        assert_eq!(c("1984-02-30", "1984-02-30"), Invalid);
        assert_eq!(c("", "1984"), Missing);
        assert_eq!(compare_birth_dates(None, Some(&Date::new("1984"))), Missing);
    }

    #[test]
    fn numbers() {
        use NumberFinding::*;
        let rules = MatchRules::default();
        let on = |v: &str| keyed_numbers(&[HealthNumber::new(Province::ON, v)], &rules);
        let bc = |v: &str| keyed_numbers(&[HealthNumber::new(Province::BC, v)], &rules);
        assert_eq!(
            compare_numbers(&on("1234-567 890"), &on("1234567890")),
            Agree
        );
        assert_eq!(
            compare_numbers(&on("1234567890"), &on("1234567891")),
            Disagree
        );
        assert_eq!(
            compare_numbers(&on("1234567890"), &bc("1234567890")),
            NotComparable
        );
        assert_eq!(compare_numbers(&on("- -"), &on("1234567890")), Missing);
        assert_eq!(compare_numbers(&[], &on("1234567890")), Missing);
    }
}
