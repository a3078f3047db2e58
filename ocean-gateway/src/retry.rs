//! Work in progress (issue 13).
