//! The FHIR R4 Bundle invariants (`bdl-*`, <https://hl7.org/fhir/R4/bundle.html#invs>) that a
//! receiver or an independent validator trips on, and the JSON shape rule that FHIR JSON never
//! has an empty array, an empty object or a `null` (<https://hl7.org/fhir/R4/json.html>, and
//! `ele-1`: every element has a value or children).

use serde_json::Value;

use super::Checker;
use crate::{Bundle, BundleType, ParsedReference, Resource, Uri};

impl Checker<'_> {
    /// `document-composition-first` (bdl-11), `bundle-total` (bdl-1), `fullurl-unique`
    /// (bdl-7) and `fullurl-id`. `message-header-first` (bdl-12) stays with the message rules.
    pub(super) fn bdl_rules(&mut self, b: &Bundle, base: &str) {
        let ty = b.type_.as_ref();
        if ty == Some(&BundleType::Document) {
            let first = b.entry.first().and_then(|e| e.resource.as_ref());
            if first.is_none_or(|r| r.resource_type() != "Composition") {
                self.error(
                    "document-composition-first",
                    format!("{base}.entry[0].resource"),
                    "a document Bundle starts with a Composition (R4 bdl-11)",
                );
            }
        }
        if b.total.is_some() && !matches!(ty, Some(BundleType::Searchset | BundleType::History)) {
            self.error(
                "bundle-total",
                format!("{base}.total"),
                "total only in a searchset or history Bundle (R4 bdl-1)",
            );
        }
        if ty != Some(&BundleType::History) {
            let mut seen = std::collections::HashMap::new();
            for (i, e) in b.entry.iter().enumerate() {
                let Some(url) = e.full_url.as_ref().map(Uri::as_str) else {
                    continue;
                };
                let version = e
                    .resource
                    .as_ref()
                    .and_then(Resource::meta)
                    .and_then(|m| m.version_id.as_ref())
                    .map(|v| v.as_str());
                if seen.insert((url, version), i).is_some() {
                    self.error(
                        "fullurl-unique",
                        format!("{base}.entry[{i}].fullUrl"),
                        "another entry has the same fullUrl (R4 bdl-7)",
                    );
                }
            }
        }
        for (i, e) in b.entry.iter().enumerate() {
            let (Some(url), Some(r)) = (e.full_url.as_ref(), e.resource.as_ref()) else {
                continue;
            };
            let parsed = ParsedReference::parse(url.as_str());
            if let (Some(ty), Some(id)) = (parsed.resource_type(), parsed.id()) {
                if ty != r.resource_type() || r.id().is_some_and(|rid| rid != id) {
                    self.warn(
                        "fullurl-id",
                        format!("{base}.entry[{i}].fullUrl"),
                        "fullUrl ends in another Type/id than the entry's resource",
                    );
                }
            }
        }
    }

    /// `json-empty`: no empty array, empty object or `null` member anywhere under `value`
    /// (`null` items of an array are allowed: they line primitive values up with their `_name`
    /// extensions).
    pub(super) fn json_empty(&mut self, value: &Value, path: &mut String, in_array: bool) {
        let empty = match value {
            Value::Null if !in_array => Some("null members"),
            Value::Array(a) if a.is_empty() => Some("empty arrays"),
            Value::Object(o) if o.is_empty() => Some("empty objects"),
            _ => None,
        };
        if let Some(what) = empty {
            self.error(
                "json-empty",
                path.clone(),
                format!("FHIR JSON has no {what}"),
            );
            return;
        }
        let len = path.len();
        match value {
            Value::Object(map) => {
                for (k, child) in map {
                    path.push('.');
                    // Names outside the FHIR element grammar may be input text: never shown.
                    path.push_str(if crate::error::safe_segment(k) {
                        k
                    } else {
                        "?"
                    });
                    self.json_empty(child, path, false);
                    path.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push_str(&format!("[{i}]"));
                    self.json_empty(child, path, true);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
}
