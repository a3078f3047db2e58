//! One test (or more) per rule of `shared/spec/keywords.md` / the crate docs, each on a small
//! Bundle built for it.
//!
//! One module per section of the crate docs: latest values (`latest_rows`, `latest_dates`,
//! `latest_values`), list keywords (`lists`, `allergies`, `medications`), `demographics`,
//! `attachments`, and `input` (what is read, what is an error, what is a finding).

mod allergies;
mod attachments;
mod demographics;
mod hostile;
mod input;
mod latest_dates;
mod latest_rows;
mod latest_values;
mod lists;
mod medications;

use ocean_keywords::extract;

fn x(bytes: &[u8]) -> ocean_keywords::Extraction {
    extract(bytes).unwrap()
}
