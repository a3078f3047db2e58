//! Integration tests of ocean-gateway.
