//! ocean-keywords
