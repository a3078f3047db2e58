//! [`ResourceHead`]: the few members of a resource's JSON the server reads (type, id,
//! `meta.lastUpdated`), borrowed from the bytes.

use std::borrow::Cow;

use serde::Deserialize;

/// The members of a resource the server looks at.
#[derive(Debug, Deserialize)]
pub(crate) struct ResourceHead<'a> {
    #[serde(rename = "resourceType", borrow)]
    pub(crate) resource_type: Cow<'a, str>,
    #[serde(default, borrow)]
    pub(crate) id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    meta: Option<MetaHead<'a>>,
}

#[derive(Debug, Deserialize)]
struct MetaHead<'a> {
    #[serde(rename = "lastUpdated", default, borrow)]
    last_updated: Option<Cow<'a, str>>,
}

impl<'a> ResourceHead<'a> {
    /// Reads (and so validates) one resource's JSON; `None` if it is not a JSON object with a
    /// string `resourceType`.
    pub(crate) fn read(json: &'a [u8]) -> Option<Self> {
        serde_json::from_slice(json).ok()
    }

    pub(crate) fn last_updated(&self) -> Option<time::OffsetDateTime> {
        let text = self.meta.as_ref()?.last_updated.as_deref()?;
        ocean_model::DateTime::instant_of(text)
    }
}
