//! The lenient second reading: what keeps a wrong-typed element instead of failing.
//!
//! [`crate::json`] first reads input the fast way, each member straight into its typed field
//! (the direct reading, then, if it gives up, the serde one).
//! When that fails because a modelled element has the wrong JSON type (and only then), it reads
//! the input again in *lenient mode*: every modelled member is first taken as raw JSON text and
//! then read from that text; a member that does not fit its type is kept verbatim among its
//! object's unknown elements, and its path is recorded for the enclosing resource
//! ([`crate::UnknownElements::wrong_types`]).
//!
//! # Cost
//! Only input with a wrong-typed element pays for it: each byte is read once more for every
//! modelled object around it (about 5 times in a Bundle, bounded by the depth limit of
//! [`crate::de`], at most 60 for hostile nesting). Linear in the input size.
//!
//! This module holds the mode flag and the path bookkeeping, per thread; it knows nothing of
//! the model.

use std::cell::{Cell, RefCell};

/// One step of an element path.
enum Step {
    Key(String),
    Index(usize),
}

/// The path being read and, per resource being read, the wrong-typed paths found in it.
#[derive(Default)]
struct State {
    path: Vec<Step>,
    /// For each resource being read (innermost last): where its path starts, and what was found.
    frames: Vec<(usize, Vec<String>)>,
}

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Whether the current thread reads in lenient mode.
#[inline]
pub(crate) fn is_on() -> bool {
    ON.get()
}

/// Lenient mode while alive (restores the previous mode and bookkeeping when dropped).
pub(crate) struct Mode {
    was_on: bool,
    saved: State,
}

impl Mode {
    pub(crate) fn enter() -> Self {
        let was_on = ON.replace(true);
        let saved = STATE.replace(State::default());
        Self { was_on, saved }
    }
}

impl Drop for Mode {
    fn drop(&mut self) {
        ON.set(self.was_on);
        STATE.replace(std::mem::take(&mut self.saved));
    }
}

/// One path step while alive (lenient mode only).
pub(crate) struct StepGuard(bool);

impl StepGuard {
    /// Enters the member `key`.
    pub(crate) fn key(key: &str) -> Self {
        Self::push(|| Step::Key(key.to_owned()))
    }

    /// Enters the array item `index`.
    #[inline]
    pub(crate) fn index(index: usize) -> Self {
        Self::push(|| Step::Index(index))
    }

    #[inline]
    fn push(step: impl FnOnce() -> Step) -> Self {
        if !is_on() {
            return Self(false);
        }
        STATE.with_borrow_mut(|s| s.path.push(step()));
        Self(true)
    }
}

impl Drop for StepGuard {
    fn drop(&mut self) {
        if self.0 {
            STATE.with_borrow_mut(|s| {
                s.path.pop();
            });
        }
    }
}

/// The reading of one resource (lenient mode only): collects the wrong-typed paths inside it.
pub(crate) struct Frame(bool);

impl Frame {
    #[inline]
    pub(crate) fn enter() -> Self {
        if !is_on() {
            return Self(false);
        }
        STATE.with_borrow_mut(|s| {
            let start = s.path.len();
            s.frames.push((start, Vec::new()));
        });
        Self(true)
    }

    /// The wrong-typed paths found in this resource (none outside lenient mode).
    pub(crate) fn finish(mut self) -> Vec<String> {
        if !std::mem::replace(&mut self.0, false) {
            return Vec::new();
        }
        STATE
            .with_borrow_mut(|s| s.frames.pop())
            .map(|(_, found)| found)
            .unwrap_or_default()
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        if self.0 {
            STATE.with_borrow_mut(|s| {
                s.frames.pop();
            });
        }
    }
}

/// Records that the member `key` of the object being read has the wrong JSON type. Only
/// modelled member names reach the path (never input text); outside any resource the record
/// is dropped.
pub(crate) fn record(key: &str) {
    STATE.with_borrow_mut(|s| {
        let State { path, frames } = s;
        let Some((start, found)) = frames.last_mut() else {
            return;
        };
        let out = path_in_frame(path, *start, key);
        // A member given twice, wrong-typed both times, is one wrong-typed element (the last
        // one is kept), listed once.
        if !found.contains(&out) {
            found.push(out);
        }
    });
}

/// Forgets the record of `key` at the current position: a later duplicate of the member was
/// read as its type and replaced the wrong-typed value (the last one wins, see
/// `de::forget_duplicate`).
pub(crate) fn unrecord(key: &str) {
    if !is_on() {
        return;
    }
    STATE.with_borrow_mut(|s| {
        let State { path, frames } = s;
        let Some((start, found)) = frames.last_mut() else {
            return;
        };
        let out = path_in_frame(path, *start, key);
        found.retain(|p| *p != out);
    });
}

/// The path of member `key` at the current position, relative to the resource frame that
/// starts at `start`.
fn path_in_frame(path: &[Step], start: usize, key: &str) -> String {
    let mut out = String::new();
    for step in path.iter().skip(start) {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(key);
    out
}
