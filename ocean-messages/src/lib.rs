//! `ocean-messages`: part of the Ocean eReferral POS toolkit. This crate is being built; see the
//! workspace README for its scope.
#![forbid(unsafe_code)]

pub mod patient_match;
