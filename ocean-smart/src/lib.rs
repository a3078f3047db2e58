//! `ocean-smart`: SMART on FHIR contextual launch into Ocean, the POS side. This crate is being
//! built; see the workspace README for its scope.
#![forbid(unsafe_code)]
