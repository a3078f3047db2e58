//! ocean-messages
