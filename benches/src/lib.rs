//! Criterion benchmarks of the Ocean eReferral POS toolkit; this library is empty.
//!
//! Each bench reports ratios against a baseline measured in the same run (the machine is shared
//! and noisy), never an absolute time in a test:
//!
//! ```text
//! cargo bench -p ocean-benches --bench parse             # typed parse vs serde_json::Value
//! cargo bench -p ocean-benches --bench keywords          # extraction vs the IgnoredAny floor
//! cargo bench -p ocean-benches --bench keywords_scaling  # extraction time vs entry count
//! cargo bench -p ocean-benches --bench messages          # an Ocean message, parse + resolve
//! cargo bench -p ocean-benches --bench validate_scaling  # parse + validate, 1k to 100k entries
//! ```
