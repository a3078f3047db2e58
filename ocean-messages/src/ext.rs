//! Extension URLs and fixed codes this crate reads and writes.

/// MessageHeader extension with the Ocean referral id as `valueIdentifier` (v0.11.1; what Ocean
/// sends and what the builders write).
pub const REFERRAL_IDENTIFIER: &str =
    "http://ehealthontario.ca/fhir/StructureDefinition/ext-referral-identifier";

/// MessageHeader extension with the Ocean referral id as `valueString` (v0.10; parsed, never
/// written).
pub const ID_MESSAGE_HEADER: &str =
    "http://ehealthontario.ca/fhir/StructureDefinition/ext-id-message-header";

/// Ocean's Task extension (`valueBoolean` true) asking Ocean to import the patient when the
/// receiver accepts the referral, spelled exactly as Ocean's own tooling writes it. Reading also
/// accepts any URL containing `ext-accept-service-request-import` (another host or version).
pub const ACCEPT_SERVICE_REQUEST_IMPORT: &str = "https://ocean.cognisantmd.com/svc/v1/Structure-Definition/ext-accept-service-request-import|1.0";

/// The last path segment of Ocean's eForm item visibility extension
/// (`{ocean}/svc/fhir/v1/StructureDefinition/ext-ocean-eform-item-visibility`, `valueString`
/// `hidden`); matched on any Ocean host.
pub const EFORM_ITEM_VISIBILITY: &str = "ext-ocean-eform-item-visibility";

/// `Task.code` of the Process Request Task.
pub const PROCESS_REQUEST: &str = "process-request";

/// Whether an extension URL is Ocean's patient-import-on-accept extension.
pub(crate) fn is_accept_import(url: &str) -> bool {
    url.contains("ext-accept-service-request-import")
}

/// Whether an extension URL is Ocean's eForm item visibility extension.
pub(crate) fn is_item_visibility(url: &str) -> bool {
    url.rsplit('/').next() == Some(EFORM_ITEM_VISIBILITY)
}
