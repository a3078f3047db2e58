//! ocean-status
