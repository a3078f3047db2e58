//! Helpers shared by the tests of several workspace crates (a dev-dependency only, never
//! published).
//!
//! [`browser`] finds and runs a headless Chromium for the tests that open the HTML pages we
//! generate (`ocean keywords --html`, the simulator's conformance report). CI installs the
//! Debian package `chromium` (`.ci/run`); outside CI a missing browser skips those tests.

pub mod browser;
