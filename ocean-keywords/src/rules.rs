//! The rule set: which LOINC code feeds which `@ptLatestVal` keyword, which codes are reported as
//! near-misses, and Ocean's attachment limits.
//!
//! [`Rules::default`] is the strict seed table (DRO integration guide, "Ocean Keywords"): only the
//! 18 seed codes populate a keyword. A vendor who knows that its Ocean site reads other codes, or
//! who wants to preview what an alias would give, adds it with [`Rules::with_alias`]:
//!
//! ```
//! use ocean_keywords::Rules;
//! let rules = Rules::default().with_alias("bp", "85354-9")?; // the usual BP panel
//! assert_eq!(rules.rule("bp").unwrap().codes(), ["35094-2", "85354-9"]);
//! // 85354-9 is no longer reported as a near-miss: it now feeds @ptLatestVal.bp.
//! assert!(rules.near_miss("85354-9").is_none());
//! # Ok::<(), ocean_keywords::RulesError>(())
//! ```

use crate::loinc::{self, NearMiss};

/// The LOINC code system URI. An Observation coding matches a rule's code only with this system
/// or with no system at all.
pub const LOINC_SYSTEM: &str = "http://loinc.org";

/// `@ptCpp.allg`: allergies (AllergyIntolerance).
pub const KW_ALLERGIES: &str = "@ptCpp.allg";
/// `@ptCpp.prob`: current problems (Condition not resolved, in remission or inactive).
pub const KW_PROBLEMS: &str = "@ptCpp.prob";
/// `@ptCpp.pmhx`: past medical history (Condition resolved, in remission or inactive).
pub const KW_PAST_HISTORY: &str = "@ptCpp.pmhx";
/// `@ptCpp.immu`: immunizations (Immunization).
pub const KW_IMMUNIZATIONS: &str = "@ptCpp.immu";
/// `@ptCpp.rx`: current medications (MedicationStatement).
pub const KW_MEDICATIONS: &str = "@ptCpp.rx";

/// One of the five `@ptCpp.*` list keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CppSection {
    /// `@ptCpp.allg` ← AllergyIntolerance.
    Allergies,
    /// `@ptCpp.prob` ← Condition (current).
    Problems,
    /// `@ptCpp.pmhx` ← Condition (resolved, remission, inactive).
    PastHistory,
    /// `@ptCpp.immu` ← Immunization.
    Immunizations,
    /// `@ptCpp.rx` ← MedicationStatement.
    Medications,
}

impl CppSection {
    /// All five, in the order the output lists them.
    pub const ALL: [CppSection; 5] = [
        CppSection::Allergies,
        CppSection::Problems,
        CppSection::PastHistory,
        CppSection::Immunizations,
        CppSection::Medications,
    ];

    /// The keyword, e.g. `@ptCpp.allg`.
    pub fn keyword(self) -> &'static str {
        match self {
            CppSection::Allergies => KW_ALLERGIES,
            CppSection::Problems => KW_PROBLEMS,
            CppSection::PastHistory => KW_PAST_HISTORY,
            CppSection::Immunizations => KW_IMMUNIZATIONS,
            CppSection::Medications => KW_MEDICATIONS,
        }
    }

    /// The FHIR resource type the section is read from.
    pub fn resource_type(self) -> &'static str {
        match self {
            CppSection::Allergies => "AllergyIntolerance",
            CppSection::Problems | CppSection::PastHistory => "Condition",
            CppSection::Immunizations => "Immunization",
            CppSection::Medications => "MedicationStatement",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// One `@ptLatestVal.X` / `@ptLatestDate.X` row: the suffix `X` and the codes that feed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestRule {
    suffix: &'static str,
    name: &'static str,
    loinc_name: &'static str,
    codes: Vec<String>,
    blood_pressure: bool,
}

impl LatestRule {
    /// The keyword suffix exactly as the seed spells it (`ht`, `lldl`, `chol_hdl`, ...).
    pub fn suffix(&self) -> &'static str {
        self.suffix
    }
    /// What the row is (`Height`, `Estimated GFR`, ...).
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// The seed code's LOINC long common name (see `ocean-keywords/LOINC.md` for sources).
    pub fn loinc_name(&self) -> &'static str {
        self.loinc_name
    }
    /// The codes that feed the keyword: the seed code first, then any aliases in the order added.
    pub fn codes(&self) -> &[String] {
        &self.codes
    }
    /// The seed LOINC code.
    pub fn seed_code(&self) -> &str {
        self.codes.first().map_or("", String::as_str)
    }
    /// Whether the systolic/diastolic component rule applies (the `bp` row only).
    pub fn is_blood_pressure(&self) -> bool {
        self.blood_pressure
    }
    /// `@ptLatestVal.X`.
    pub fn value_keyword(&self) -> String {
        format!("@ptLatestVal.{}", self.suffix)
    }
    /// `@ptLatestDate.X`.
    pub fn date_keyword(&self) -> String {
        format!("@ptLatestDate.{}", self.suffix)
    }
}

/// Ocean's attachment limits (Ocean support article "Attachments": at most 10 MB per attachment
/// and 50 MB per referral). Ocean does not say whether a MB is 10^6 or 2^20 bytes; the defaults use
/// 10^6, the stricter reading, so a finding appears before Ocean could refuse a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentLimits {
    /// Largest single attachment, in bytes (default 10 000 000).
    pub max_each_bytes: u64,
    /// Largest total per referral, in bytes (default 50 000 000).
    pub max_total_bytes: u64,
}

impl Default for AttachmentLimits {
    fn default() -> Self {
        Self {
            max_each_bytes: 10_000_000,
            max_total_bytes: 50_000_000,
        }
    }
}

/// The file types Ocean accepts as attachments: pdf, txt, jpg/jpeg, png, tif/tiff, mp3, mp4.
/// Each entry is (MIME type, file extensions).
pub const ACCEPTED_ATTACHMENT_TYPES: &[(&str, &[&str])] = &[
    ("application/pdf", &["pdf"]),
    ("text/plain", &["txt"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("image/png", &["png"]),
    ("image/tiff", &["tif", "tiff"]),
    ("audio/mpeg", &["mp3"]),
    ("video/mp4", &["mp4"]),
];

/// Why [`Rules::with_alias`] refused an alias. The values named are the caller's own arguments
/// (keyword suffixes and codes), never patient data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RulesError {
    /// No `@ptLatestVal` row has this suffix.
    #[error("no @ptLatestVal row has the suffix {0:?}")]
    UnknownSuffix(String),
    /// The code is not shaped like a LOINC code (`digits-checkdigit`).
    #[error("{0:?} is not a LOINC code (digits, '-', one check digit)")]
    NotLoinc(String),
    /// The code already feeds another row.
    #[error("code {code} already feeds @ptLatestVal.{suffix}")]
    AlreadyUsed {
        /// The code.
        code: String,
        /// The row it feeds.
        suffix: &'static str,
    },
}

/// The default [`Rules::max_entry_bytes`]: 64 MiB (67 108 864 bytes), six times Ocean's 10 MB
/// attachment limit plus room for its Base64 text and the resource around it.
pub const DEFAULT_MAX_ENTRY_BYTES: usize = 64 * 1024 * 1024;

/// The default [`Rules::max_list_items`]: 200 items per list keyword. Ocean publishes no limit;
/// a list keyword fills one free-text field of the referral form that a clinician reads, and 200
/// lines (about 12 KB of text) is several times the longest real medication or problem list (a
/// patient on 10 or more medications is already "polypharmacy"), while a generated chart with a
/// million Conditions no longer makes a 100 MB field.
pub const DEFAULT_MAX_LIST_ITEMS: usize = 200;

/// The rule set used by extraction and pruning. See the module docs.
///
/// Besides Ocean's rules it carries three limits that protect the caller from hostile or broken
/// input: [`Rules::max_entry_bytes`], [`Rules::max_list_items`] and the clock that decides what is
/// in the future ([`Rules::now`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    latest: Vec<LatestRule>,
    attachments: AttachmentLimits,
    max_entry_bytes: usize,
    max_list_items: usize,
    now: Option<time::OffsetDateTime>,
}

impl Default for Rules {
    /// The strict seed table and Ocean's attachment limits.
    fn default() -> Self {
        Self {
            latest: loinc::SEED
                .iter()
                .map(|&(suffix, code, name, loinc_name)| LatestRule {
                    suffix,
                    name,
                    loinc_name,
                    codes: vec![code.to_owned()],
                    blood_pressure: suffix == "bp",
                })
                .collect(),
            attachments: AttachmentLimits::default(),
            max_entry_bytes: DEFAULT_MAX_ENTRY_BYTES,
            max_list_items: DEFAULT_MAX_LIST_ITEMS,
            now: None,
        }
    }
}

impl Rules {
    /// The 18 `@ptLatestVal` rows, in the seed's order.
    pub fn latest_rules(&self) -> &[LatestRule] {
        &self.latest
    }

    /// The row with this suffix (`"a1c"`).
    pub fn rule(&self, suffix: &str) -> Option<&LatestRule> {
        self.latest.iter().find(|r| r.suffix == suffix)
    }

    /// The row a code feeds, if any (seed code or alias).
    pub fn rule_for_code(&self, code: &str) -> Option<&LatestRule> {
        self.latest
            .iter()
            .find(|r| r.codes.iter().any(|c| c == code))
    }

    /// Adds `code` as an alias feeding `@ptLatestVal.<suffix>`. Refuses an unknown suffix, a code
    /// that is not LOINC-shaped, and a code that already feeds a row.
    pub fn with_alias(mut self, suffix: &str, code: &str) -> Result<Self, RulesError> {
        if !is_loinc_shaped(code) {
            return Err(RulesError::NotLoinc(code.to_owned()));
        }
        if let Some(r) = self.rule_for_code(code) {
            return Err(RulesError::AlreadyUsed {
                code: code.to_owned(),
                suffix: r.suffix,
            });
        }
        let rule = self
            .latest
            .iter_mut()
            .find(|r| r.suffix == suffix)
            .ok_or_else(|| RulesError::UnknownSuffix(suffix.to_owned()))?;
        rule.codes.push(code.to_owned());
        Ok(self)
    }

    /// The near-miss entry for a code, unless the code feeds a row under these rules.
    pub fn near_miss(&self, code: &str) -> Option<&'static NearMiss> {
        if self.rule_for_code(code).is_some() {
            return None;
        }
        loinc::NEAR_MISSES.iter().find(|n| n.code == code)
    }

    /// All near-miss entries still reported under these rules.
    pub fn near_misses(&self) -> impl Iterator<Item = &'static NearMiss> + '_ {
        loinc::NEAR_MISSES
            .iter()
            .filter(|n| self.rule_for_code(n.code).is_none())
    }

    /// The attachment limits.
    pub fn attachment_limits(&self) -> AttachmentLimits {
        self.attachments
    }

    /// Replaces the attachment limits.
    pub fn with_attachment_limits(mut self, limits: AttachmentLimits) -> Self {
        self.attachments = limits;
        self
    }

    /// The largest `entry` item (or top-level resource, or other top-level member) read from a
    /// reader, in bytes of JSON text (default [`DEFAULT_MAX_ENTRY_BYTES`]). A larger one stops
    /// extraction with [`crate::ExtractErrorKind::TooLarge`], naming the entry index; nothing is
    /// allocated past the limit. Slice input is already in memory and is not limited.
    pub fn max_entry_bytes(&self) -> usize {
        self.max_entry_bytes
    }

    /// Replaces [`Rules::max_entry_bytes`] (at least 1 byte).
    pub fn with_max_entry_bytes(mut self, bytes: usize) -> Self {
        self.max_entry_bytes = bytes.max(1);
        self
    }

    /// The most items a list keyword (`@ptCpp.*`) holds (default [`DEFAULT_MAX_LIST_ITEMS`]).
    /// Items past it, in Bundle order after deduplication, are dropped and reported
    /// (`list-truncated`).
    pub fn max_list_items(&self) -> usize {
        self.max_list_items
    }

    /// Replaces [`Rules::max_list_items`] (at least 1).
    pub fn with_max_list_items(mut self, items: usize) -> Self {
        self.max_list_items = items.max(1);
        self
    }

    /// The clock an Observation's date is compared with: one dated more than a day after it
    /// cannot win "latest" (`future-date`). `None` (the default) means the system clock when
    /// extraction starts.
    pub fn now(&self) -> Option<time::OffsetDateTime> {
        self.now
    }

    /// Sets the clock (see [`Rules::now`]); tests and replays use a fixed one.
    pub fn with_now(mut self, now: time::OffsetDateTime) -> Self {
        self.now = Some(now);
        self
    }
}

/// `1-8 digits`, `-`, one check digit.
fn is_loinc_shaped(code: &str) -> bool {
    let Some((num, check)) = code.split_once('-') else {
        return false;
    };
    (1..=8).contains(&num.len())
        && num.bytes().all(|b| b.is_ascii_digit())
        && check.len() == 1
        && check.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_table_has_18_rows_in_order() {
        let r = Rules::default();
        let suffixes: Vec<_> = r.latest_rules().iter().map(LatestRule::suffix).collect();
        assert_eq!(
            suffixes,
            [
                "ht",
                "wt",
                "bp",
                "cr",
                "egfr",
                "a1c",
                "acr",
                "fbs",
                "tg",
                "hdl",
                "lldl",
                "chol_hdl",
                "gtt",
                "s_ketones",
                "u_ketones",
                "na",
                "k",
                "co2"
            ]
        );
        assert!(r.rule("bp").unwrap().is_blood_pressure());
        assert!(!r.rule("ht").unwrap().is_blood_pressure());
    }

    #[test]
    fn aliases_are_checked() {
        let r = Rules::default();
        assert_eq!(
            r.clone().with_alias("nope", "4548-4"),
            Err(RulesError::UnknownSuffix("nope".into()))
        );
        assert_eq!(
            r.clone().with_alias("a1c", "4548"),
            Err(RulesError::NotLoinc("4548".into()))
        );
        assert_eq!(
            r.clone().with_alias("a1c", "8302-2"),
            Err(RulesError::AlreadyUsed {
                code: "8302-2".into(),
                suffix: "ht"
            })
        );
        let r = r.with_alias("a1c", "4548-4").unwrap();
        assert_eq!(r.rule_for_code("4548-4").unwrap().suffix(), "a1c");
        assert!(r.near_miss("4548-4").is_none());
        assert!(Rules::default().near_miss("4548-4").is_some());
    }

    #[test]
    fn near_misses_point_at_real_rows_and_never_at_seed_codes() {
        let r = Rules::default();
        for n in loinc::NEAR_MISSES {
            assert!(r.rule(n.suffix).is_some(), "{} → {}", n.code, n.suffix);
            assert!(
                r.rule_for_code(n.code).is_none(),
                "{} is a seed code",
                n.code
            );
            assert!(is_loinc_shaped(n.code), "{}", n.code);
        }
        let mut codes: Vec<_> = loinc::NEAR_MISSES.iter().map(|n| n.code).collect();
        codes.sort_unstable();
        let before = codes.len();
        codes.dedup();
        assert_eq!(before, codes.len(), "duplicate near-miss code");
    }
}
