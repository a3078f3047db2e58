//! The records the streaming reader hands to the engine: what one resource turned out to be
//! ([`Parsed`]), and for an Observation only the members the rules use ([`ObsRecord`]), borrowing
//! strings from the input when it can.
//!
//! These are plain data: the reader (`stream`) fills them, the engine reads them, and neither
//! side's code lives here.

use crate::code_index::Target;
use crate::rules::LOINC_SYSTEM;
use ocean_model::Resource;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// A string read from the input, borrowed when it can be.
pub(crate) type S<'de> = Cow<'de, str>;

/// A JSON number's exact text, borrowed from a slice input when possible.
#[derive(Debug)]
pub(crate) enum RawNum<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Copied (reader input, or replayed members).
    Owned(Box<RawValue>),
}

impl RawNum<'_> {
    /// The number as written.
    pub(crate) fn get(&self) -> &str {
        match self {
            RawNum::Borrowed(s) => s,
            RawNum::Owned(r) => r.get(),
        }
    }
    /// The same number, owned.
    pub(crate) fn into_owned(self) -> RawNum<'static> {
        match self {
            RawNum::Borrowed(s) => match RawValue::from_string(s.to_owned()) {
                Ok(r) => RawNum::Owned(r),
                // Cannot happen: `s` was a JSON value.
                Err(_) => RawNum::Owned(RawValue::NULL.to_owned()),
            },
            RawNum::Owned(r) => RawNum::Owned(r),
        }
    }
    /// Whether the raw JSON value is a number (not a string, object, ...).
    pub(crate) fn is_number(&self) -> bool {
        self.get()
            .bytes()
            .next()
            .is_some_and(|b| b == b'-' || b.is_ascii_digit())
    }
}

/// How a coding's system relates to LOINC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SystemClass {
    /// `http://loinc.org`.
    Loinc,
    /// No system (or an empty one).
    Absent,
    /// Any other system.
    Other,
}

impl SystemClass {
    pub(crate) fn of(system: Option<&str>) -> Self {
        match system.map(str::trim) {
            None | Some("") => SystemClass::Absent,
            Some(LOINC_SYSTEM) => SystemClass::Loinc,
            Some(_) => SystemClass::Other,
        }
    }
    pub(crate) fn matches(self) -> bool {
        matches!(self, SystemClass::Loinc | SystemClass::Absent)
    }
}

/// A tracked code found in `Observation.code.coding`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub(crate) target: Target,
    pub(crate) system: SystemClass,
}

/// The tracked codes of one Observation, without allocating (an Observation rarely has more than
/// one; beyond [`Hits::MAX`] further ones are ignored).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Hits {
    items: [Option<Hit>; Hits::MAX],
}

impl Hits {
    pub(crate) const MAX: usize = 8;
    pub(crate) fn push(&mut self, hit: Hit) {
        if let Some(slot) = self.items.iter_mut().find(|s| s.is_none()) {
            *slot = Some(hit);
        }
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.items.iter().all(Option::is_none)
    }
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Hit> {
        self.items.iter().flatten()
    }
}

/// `valueQuantity` as read.
#[derive(Debug, Default)]
pub(crate) struct Qty<'de> {
    pub(crate) value: Option<RawNum<'de>>,
    pub(crate) comparator: Option<S<'de>>,
    pub(crate) unit: Option<S<'de>>,
    pub(crate) code: Option<S<'de>>,
}

impl Qty<'_> {
    pub(crate) fn into_owned(self) -> Qty<'static> {
        Qty {
            value: self.value.map(RawNum::into_owned),
            comparator: self.comparator.map(|s| Cow::Owned(s.into_owned())),
            unit: self.unit.map(|s| Cow::Owned(s.into_owned())),
            code: self.code.map(|s| Cow::Owned(s.into_owned())),
        }
    }
}

/// The parts of a CodeableConcept that make its text: `text`, first non-empty `display`, first
/// non-empty `code`.
#[derive(Debug, Default)]
pub(crate) struct ConceptParts<'de> {
    pub(crate) text: Option<S<'de>>,
    pub(crate) display: Option<S<'de>>,
    pub(crate) code: Option<S<'de>>,
}

impl<'de> ConceptParts<'de> {
    pub(crate) fn text(&self) -> Option<&str> {
        self.text
            .as_deref()
            .or(self.display.as_deref())
            .or(self.code.as_deref())
    }
    pub(crate) fn into_owned(self) -> ConceptParts<'static> {
        ConceptParts {
            text: self.text.map(|s| Cow::Owned(s.into_owned())),
            display: self.display.map(|s| Cow::Owned(s.into_owned())),
            code: self.code.map(|s| Cow::Owned(s.into_owned())),
        }
    }
}

/// A blood-pressure component (`Observation.component` with code 8480-6 or 8462-4).
#[derive(Debug)]
pub(crate) struct BpComponent<'de> {
    pub(crate) systolic: bool,
    pub(crate) quantity: Option<Qty<'de>>,
}

/// What the rules need from an Observation. Strings borrow from the input when they can.
#[derive(Debug, Default)]
pub(crate) struct ObsRecord<'de> {
    pub(crate) status: Option<S<'de>>,
    pub(crate) hits: Hits,
    pub(crate) effective_date_time: Option<S<'de>>,
    pub(crate) effective_period_start: Option<S<'de>>,
    pub(crate) effective_instant: Option<S<'de>>,
    pub(crate) issued: Option<S<'de>>,
    pub(crate) value_quantity: Option<Qty<'de>>,
    pub(crate) value_string: Option<S<'de>>,
    pub(crate) value_concept: Option<ConceptParts<'de>>,
    pub(crate) value_integer: Option<RawNum<'de>>,
    /// A `value[x]` of a type Ocean does not show (Boolean, Range, Ratio, ...).
    pub(crate) other_value: bool,
    pub(crate) data_absent: bool,
    pub(crate) components: Vec<BpComponent<'de>>,
}

fn owned(s: Option<S<'_>>) -> Option<S<'static>> {
    s.map(|s| Cow::Owned(s.into_owned()))
}

impl ObsRecord<'_> {
    pub(crate) fn into_owned(self) -> ObsRecord<'static> {
        ObsRecord {
            status: owned(self.status),
            hits: self.hits,
            effective_date_time: owned(self.effective_date_time),
            effective_period_start: owned(self.effective_period_start),
            effective_instant: owned(self.effective_instant),
            issued: owned(self.issued),
            value_quantity: self.value_quantity.map(Qty::into_owned),
            value_string: owned(self.value_string),
            value_concept: self.value_concept.map(ConceptParts::into_owned),
            value_integer: self.value_integer.map(RawNum::into_owned),
            other_value: self.other_value,
            data_absent: self.data_absent,
            components: self
                .components
                .into_iter()
                .map(|c| BpComponent {
                    systolic: c.systolic,
                    quantity: c.quantity.map(Qty::into_owned),
                })
                .collect(),
        }
    }
}

/// What one resource turned out to be.
// Boxing the Observation record would cost an allocation per Observation, the hot path; a
// `Parsed` lives on the stack for one entry at a time.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Parsed<'de> {
    /// An Observation's relevant members.
    Observation(ObsRecord<'de>),
    /// A resource of another type Ocean reads, parsed with `ocean_model`.
    Typed(Resource),
    /// A resource of a type Ocean reads that is not valid FHIR R4 JSON.
    Invalid {
        resource_type: &'static str,
        error: ocean_model::ParseError,
    },
    /// A MedicationRequest (counted, not read).
    MedicationRequest,
    /// A Bundle inside the Bundle (not descended into).
    NestedBundle,
    /// A type Ocean does not read.
    Skipped,
    /// Not a JSON object.
    NotObject,
    /// An object without a string `resourceType`.
    NoType,
}

impl Parsed<'_> {
    pub(crate) fn into_owned(self) -> Parsed<'static> {
        match self {
            Parsed::Observation(o) => Parsed::Observation(o.into_owned()),
            Parsed::Typed(r) => Parsed::Typed(r),
            Parsed::Invalid {
                resource_type,
                error,
            } => Parsed::Invalid {
                resource_type,
                error,
            },
            Parsed::MedicationRequest => Parsed::MedicationRequest,
            Parsed::NestedBundle => Parsed::NestedBundle,
            Parsed::Skipped => Parsed::Skipped,
            Parsed::NotObject => Parsed::NotObject,
            Parsed::NoType => Parsed::NoType,
        }
    }
}
