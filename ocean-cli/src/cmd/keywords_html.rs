//! `ocean keywords --html`: the pre-populated referral form as a self-contained page.

use std::ffi::OsString;

use ocean_keywords::{Extraction, Rules};

use crate::outcome::Unusable;

/// Writes the page for `out` to `path`.
pub(crate) fn write(path: &OsString, _out: &Extraction, _rules: &Rules) -> Result<(), Unusable> {
    Err(Unusable::input(
        std::path::Path::new(path).display().to_string(),
        "not built yet",
    ))
}
