//! What extraction returns: keyword values, demographics, attachments and findings.
//!
//! The types serialize to the JSON the `keywords` example prints with `--json`; its JSON Schema
//! is checked in as `ocean-keywords/extraction.schema.json` (see [`json_schema`]).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The result of extracting a `$everything` Bundle.
///
/// Two extractions are compared for "Ocean would show the same thing" with [`Extraction::values`]:
/// findings describe the input (what was ignored and why), so they differ between a Bundle and its
/// pruned copy by design.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Extraction {
    /// Keyword → value, in a fixed order: `@ptCpp.allg`, `.prob`, `.pmhx`, `.immu`, `.rx`, then for
    /// each LOINC row in seed order `@ptLatestVal.X` and `@ptLatestDate.X`. Keywords without a
    /// value are absent (never `""`).
    #[schemars(with = "BTreeMap<String, String>")]
    pub keywords: IndexMap<String, String>,
    /// The demographic pane, from the first Patient; `None` when there is no readable Patient.
    pub demographics: Option<Demographics>,
    /// The attachments Ocean would offer, in Bundle order (refused ones are findings instead).
    pub attachments: Vec<AttachmentInfo>,
    /// What a vendor should look at, most severe first.
    pub findings: Vec<Finding>,
}

/// The part of an [`Extraction`] that Ocean shows: keywords, demographics and attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Values<'a> {
    /// See [`Extraction::keywords`].
    pub keywords: &'a IndexMap<String, String>,
    /// See [`Extraction::demographics`].
    pub demographics: Option<&'a Demographics>,
    /// See [`Extraction::attachments`].
    pub attachments: &'a [AttachmentInfo],
}

impl Extraction {
    /// The value of a keyword (`"@ptLatestVal.ht"`), if present.
    pub fn keyword(&self, keyword: &str) -> Option<&str> {
        self.keywords.get(keyword).map(String::as_str)
    }

    /// The items of a list keyword (`"@ptCpp.rx"`), one per line; empty when absent.
    pub fn items(&self, keyword: &str) -> Vec<&str> {
        self.keyword(keyword)
            .map(|v| v.split('\n').collect())
            .unwrap_or_default()
    }

    /// `(@ptLatestVal.X, @ptLatestDate.X)` for a suffix (`"bp"`).
    pub fn latest(&self, suffix: &str) -> Option<(&str, &str)> {
        let v = self.keyword(&format!("@ptLatestVal.{suffix}"))?;
        let d = self.keyword(&format!("@ptLatestDate.{suffix}"))?;
        Some((v, d))
    }

    /// The Ocean-visible part, for comparisons (e.g. `extract(prune(b)).values() == extract(b).values()`).
    pub fn values(&self) -> Values<'_> {
        Values {
            keywords: &self.keywords,
            demographics: self.demographics.as_ref(),
            attachments: &self.attachments,
        }
    }

    /// Findings with this code.
    pub fn findings_with(&self, code: FindingCode) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.code == code)
    }
}

/// The demographic pane (discrete data, no keyword).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Demographics {
    /// Family name of the chosen name (first `official`, else first `usual`, else first).
    pub family: Option<String>,
    /// Given names, in order.
    pub given: Vec<String>,
    /// Prefixes (`Dr.`).
    pub prefix: Vec<String>,
    /// Suffixes (`Jr.`).
    pub suffix: Vec<String>,
    /// `Patient.birthDate` as written.
    pub birth_date: Option<String>,
    /// `Patient.gender` code as written.
    pub gender: Option<String>,
    /// The provincial health number, if any.
    pub health_number: Option<HealthNumberInfo>,
    /// The first `home` address, else the first address; `None` when it has nothing to show.
    pub address: Option<AddressInfo>,
    /// Phones: the first `system=phone` telecom per `use`.
    pub phones: Phones,
    /// The first `system=email` telecom with a value.
    pub email: Option<String>,
}

/// A health number as Ocean's demographic pane reads it.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HealthNumberInfo {
    /// The number as written.
    pub value: String,
    /// The version code (extension `ext-id-health-card-version-code`), if any.
    pub version_code: Option<String>,
    /// Two-letter province code derived from the system (`BC`, `ON`), if the system names one.
    pub province: Option<String>,
    /// The identifier system as written.
    pub system: Option<String>,
}

impl std::fmt::Debug for HealthNumberInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HealthNumberInfo")
            .field("value", &"<redacted>")
            .field("province", &self.province)
            .field("system", &self.system)
            .finish_non_exhaustive()
    }
}

/// An address as Ocean's demographic pane reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AddressInfo {
    /// Street lines.
    pub line: Vec<String>,
    /// City.
    pub city: Option<String>,
    /// Province or state.
    pub state: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country.
    pub country: Option<String>,
}

/// Phone numbers by use.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Phones {
    /// First phone with `use` mobile.
    pub mobile: Option<String>,
    /// First phone with `use` home.
    pub home: Option<String>,
    /// First phone with `use` work.
    pub work: Option<String>,
}

/// A chart attachment Ocean would offer with the referral.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AttachmentInfo {
    /// `attachment.title`, else `DocumentReference.description`.
    pub title: Option<String>,
    /// `attachment.contentType` as written (`None` when the type was taken from the file name).
    pub content_type: Option<String>,
    /// Size in bytes: `attachment.size`, else the decoded length of inline `data`; `None` when
    /// only a URL is given without a size.
    pub size: Option<u64>,
    /// `attachment.url`; `None` when the content is inline `data`.
    pub url: Option<String>,
    /// `attachment.creation` as written.
    pub creation: Option<String>,
}

/// How much a finding matters: the workspace's one scale, [`ocean_model::Severity`]
/// (`Error`, `Warning`, `Information`). In this crate's JSON a finding's severity is written
/// `"error"`, `"warning"` or `"info"` (`ocean_model::severity::short`), as the checked-in schema
/// says.
pub use ocean_model::Severity;

// The JSON Schema of a finding's severity: the short codes `Severity` is written as. Never
// built; it only gives the schema its `Severity` definition (its doc comment is the schema's
// description, so it stays as the checked-in schema has it).
/// How much a finding matters.
#[derive(JsonSchema)]
#[schemars(rename = "Severity", rename_all = "lowercase")]
#[allow(dead_code)]
enum SeveritySchema {
    /// Input could not be read at all (a resource Ocean reads is not valid FHIR JSON).
    Error,
    /// Data is present that Ocean will not show, or will show differently than intended.
    Warning,
    /// Worth knowing: a row is empty, an item was deduplicated, a record was excluded by rule.
    Info,
}

macro_rules! finding_codes {
    ($($(#[$m:meta])* $v:ident = $s:literal,)*) => {
        /// A finding's stable code. New codes may be added; existing codes keep their meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[non_exhaustive]
        pub enum FindingCode {
            $($(#[$m])* #[serde(rename = $s)] $v,)*
        }
        impl FindingCode {
            /// Every code.
            pub const ALL: &'static [FindingCode] = &[$(FindingCode::$v,)*];
            /// The stable text of the code (`near-miss-code`).
            pub fn as_str(self) -> &'static str {
                match self { $(FindingCode::$v => $s,)* }
            }
        }
    };
}

finding_codes! {
    /// A required row (a keyword, the Patient's fields, attachments) has no value.
    MissingKeyword = "missing-keyword",
    /// No Patient resource: the demographic pane stays empty.
    MissingPatient = "missing-patient",
    /// A demographic field Ocean fills is absent from the Patient.
    MissingDemographic = "missing-demographic",
    /// More than one Patient: only the first readable one is used.
    MultiplePatients = "multiple-patients",
    /// An Observation carries a code Ocean does not read for the concept it measures.
    NearMissCode = "near-miss-code",
    /// A tracked code appears with a system other than `http://loinc.org`.
    NonLoincSystem = "non-loinc-system",
    /// A tracked Observation was ignored because of its status.
    ObservationStatus = "observation-status",
    /// A tracked Observation has no date (`effective[x]` or `issued`).
    ObservationNoDate = "observation-no-date",
    /// A tracked Observation's date does not parse.
    ObservationBadDate = "observation-bad-date",
    /// A tracked Observation has no usable value.
    ObservationNoValue = "observation-no-value",
    /// A tracked Observation is dated more than a day after [`crate::Rules::now`]; it cannot be
    /// the latest.
    FutureDate = "future-date",
    /// A tracked Observation's number cannot be a measurement (more than 40 digits, or a
    /// magnitude beyond a 64-bit float's, such as `1e999999`); it is not shown.
    ImplausibleNumber = "implausible-number",
    /// A list item was excluded by status (entered-in-error, refuted, inactive, not current...).
    ItemExcluded = "item-excluded",
    /// A list resource has no text to show.
    ItemNoText = "item-no-text",
    /// A list item repeats an earlier item's text and was dropped.
    ItemDuplicate = "item-duplicate",
    /// A list keyword reached [`crate::Rules::max_list_items`]; later items were dropped.
    ListTruncated = "list-truncated",
    /// A MedicationStatement has no status; it is read as `unknown` (shown).
    MedicationNoStatus = "medication-no-status",
    /// A medication reference does not resolve inside the Bundle.
    MedicationUnresolved = "medication-unresolved",
    /// A reference could mean more than one entry of the Bundle (the same `fullUrl` in another
    /// spelling, or the same `Type/id`); the resolution rule's first match is used.
    DuplicateResource = "duplicate-resource",
    /// MedicationRequests but no MedicationStatement: `@ptCpp.rx` stays empty.
    MedicationRequestOnly = "medication-request-only",
    /// A phone number has no `use`, so Ocean does not place it.
    PhoneNoUse = "phone-no-use",
    /// An attachment's type is not one Ocean accepts.
    AttachmentTypeRefused = "attachment-type-refused",
    /// An attachment is over Ocean's per-file limit.
    AttachmentTooLarge = "attachment-too-large",
    /// An attachment would take the referral over Ocean's total limit.
    AttachmentTotalExceeded = "attachment-total-exceeded",
    /// An attachment has neither inline data nor a URL.
    AttachmentNoContent = "attachment-no-content",
    /// An attachment's size is unknown (URL without `size`): limits not checked.
    AttachmentSizeUnknown = "attachment-size-unknown",
    /// A DocumentReference is not `current`.
    AttachmentNotCurrent = "attachment-not-current",
    /// A resource of a type Ocean reads is not valid FHIR R4 JSON and was skipped.
    ResourceInvalid = "resource-invalid",
    /// An entry or resource is not a JSON object, or `entry` is not an array.
    BundleShape = "bundle-shape",
    /// A Bundle inside the Bundle: not descended into.
    NestedBundle = "nested-bundle",
}

impl std::fmt::Display for FindingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in the input a resource is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResourceLocation {
    /// Which page (0-based) when several Bundles were read.
    pub page: usize,
    /// The entry index in `Bundle.entry` (0-based); `None` when the input was a single resource.
    pub entry: Option<usize>,
    /// The entry's `fullUrl`, if any.
    pub full_url: Option<String>,
    /// The resource type.
    pub resource_type: String,
}

impl std::fmt::Display for ResourceLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.page > 0 {
            write!(f, "page {} ", self.page)?;
        }
        match self.entry {
            Some(i) => write!(f, "Bundle.entry[{i}] {}", self.resource_type)?,
            None => f.write_str(&self.resource_type)?,
        }
        if let Some(u) = &self.full_url {
            write!(f, " ({u})")?;
        }
        Ok(())
    }
}

/// Something a vendor should know about the input. Messages never contain patient data: they
/// name keywords, codes from this crate's tables, element paths and resource types.
///
/// Findings of the same kind are aggregated: `count` is how many resources it applies to and
/// `resource` the first of them, so the list stays short on a 100 MB Bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Finding {
    /// Stable code.
    pub code: FindingCode,
    /// How much it matters.
    #[serde(with = "ocean_model::severity::short")]
    #[schemars(with = "SeveritySchema")]
    pub severity: Severity,
    /// What and why, without patient data.
    pub message: String,
    /// The (first) resource concerned; `None` for Bundle-level findings.
    pub resource: Option<ResourceLocation>,
    /// How many resources the finding applies to (1 for Bundle-level findings).
    pub count: usize,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = self.severity.short_str();
        write!(f, "{sev} [{}] {}", self.code, self.message)?;
        if let Some(r) = &self.resource {
            write!(f, " (at {r}")?;
            if self.count > 1 {
                write!(f, " and {} more", self.count - 1)?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// The JSON Schema of [`Extraction`] as serialized (checked in as
/// `ocean-keywords/extraction.schema.json`).
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Extraction)).unwrap_or_default()
}
