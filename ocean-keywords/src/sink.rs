//! The sink: where the streaming reader hands each record it reads. The engine implements it, so
//! data flows one way (bytes → entries → records → engine) and the reader knows nothing of the
//! rules beyond the code index it is given.

use crate::code_index::CodeIndex;
use crate::record::{ObsRecord, Parsed};

/// How the current input is read: from a slice (strings and raw numbers may borrow from it) or
/// from a reader (everything owned).
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'i> {
    /// The codes an Observation coding is looked up in.
    pub(crate) index: &'i CodeIndex,
    /// Whether strings and raw numbers may borrow from the input.
    pub(crate) borrow: bool,
}

/// What the reader needs from whoever receives its records.
pub(crate) trait Sink {
    /// How the current input is read (the code index, and whether strings may borrow).
    fn ctx(&self) -> Ctx<'_>;

    /// The most bytes of JSON text the chunked reader buffers for one entry or top-level value.
    fn max_entry_bytes(&self) -> usize;

    /// The index the next `entry` item of the current page gets (entries are counted across the
    /// page, even when `entry` is read in more than one piece).
    fn next_entry_index(&self) -> usize;

    /// Records how many `entry` items of the current page have been read.
    fn set_next_entry_index(&mut self, index: usize);

    /// Takes one resource: an entry's (`entry` is its index, `full_url` its `fullUrl`) or a
    /// single top-level resource's (`entry` is `None`).
    fn accept(&mut self, parsed: Parsed<'_>, entry: Option<usize>, full_url: Option<&str>);

    /// As [`Sink::accept`] with [`Parsed::Observation`], the record lent rather than moved (it
    /// is large; the fast path builds it in place).
    fn accept_observation(
        &mut self,
        rec: &ObsRecord<'_>,
        entry: Option<usize>,
        full_url: Option<&str>,
    );

    /// Reports a part of the Bundle that is not shaped as FHIR says (`what` names it) and was
    /// skipped.
    fn shape(&mut self, what: &'static str);

    /// As [`Sink::shape`], for one `entry` item.
    fn shape_at(&mut self, entry: usize, what: &'static str);
}
