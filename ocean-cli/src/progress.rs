//! Progress bars on standard error for large inputs and outputs (`keywords`, `validate`, `gen`).
//!
//! A bar is drawn only when standard error is a terminal, `--json` is off and the input is over
//! [`THRESHOLD`] bytes ([`decide`]). A file of known size gets a bar with the bytes read; standard
//! input (size unknown) gets a byte counter that appears once [`THRESHOLD`] bytes went by. The
//! reading side counts bytes only: `ocean_keywords` and `ocean_model` have no per-entry hook,
//! so entries are counted where this crate writes them (`gen`). The bar is cleared when done,
//! so nothing of it stays in a terminal's scrollback or reaches standard output.

use std::io::{IsTerminal, Read, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::input::Input;
use crate::outcome::Unusable;

/// Inputs and outputs over this many bytes (4 MB) get a progress bar.
pub(crate) const THRESHOLD: u64 = 4_000_000;

/// Whether and how to show progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// No progress output.
    Off,
    /// A bar towards a known total of bytes.
    Bar(u64),
    /// A byte counter for a stream of unknown size, shown once it passes [`THRESHOLD`].
    Counter,
}

/// The decision: a bar only on a terminal, without `--json`, for more than [`THRESHOLD`] bytes
/// (`size` `None`: unknown, e.g. standard input, which gets a counter once that large).
pub(crate) fn decide(stderr_is_tty: bool, json: bool, size: Option<u64>) -> Mode {
    if !stderr_is_tty || json {
        return Mode::Off;
    }
    match size {
        None => Mode::Counter,
        Some(n) if n > THRESHOLD => Mode::Bar(n),
        Some(_) => Mode::Off,
    }
}

/// [`decide`] for this process: is standard error a terminal?
pub(crate) fn decide_here(json: bool, size: Option<u64>) -> Mode {
    decide(std::io::stderr().is_terminal(), json, size)
}

/// A progress display: created lazily for [`Mode::Counter`], cleared on drop.
#[derive(Debug)]
pub(crate) struct Progress {
    mode: Mode,
    label: String,
    bar: Option<ProgressBar>,
    bytes: u64,
}

impl Progress {
    /// A display in `mode`, its line starting with `label` (a file name or `standard input`).
    pub(crate) fn new(mode: Mode, label: impl Into<String>) -> Self {
        let mut p = Progress {
            mode,
            label: label.into(),
            bar: None,
            bytes: 0,
        };
        if let Mode::Bar(total) = mode {
            p.bar = Some(p.draw(ProgressBar::with_draw_target(
                Some(total),
                ProgressDrawTarget::stderr(),
            )));
        }
        p
    }

    fn draw(&self, bar: ProgressBar) -> ProgressBar {
        let template = match self.mode {
            Mode::Bar(_) => {
                "{prefix} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} {msg}"
            }
            _ => "{prefix} {spinner} {bytes} {binary_bytes_per_sec} {msg}",
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(self.label.clone());
        bar
    }

    /// Counts `n` more bytes.
    pub(crate) fn add(&mut self, n: u64) {
        self.bytes = self.bytes.saturating_add(n);
        if self.bar.is_none() && self.mode == Mode::Counter && self.bytes > THRESHOLD {
            let bar = self.draw(ProgressBar::with_draw_target(
                None,
                ProgressDrawTarget::stderr(),
            ));
            bar.set_position(self.bytes);
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Shows the number of entries so far.
    pub(crate) fn entries(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{n} entries"));
        }
    }

    /// Bytes counted so far.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A reader that counts the bytes read into a [`Progress`].
#[derive(Debug)]
pub(crate) struct ProgressRead<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for ProgressRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.add(n as u64);
        Ok(n)
    }
}

/// A writer that counts the bytes written into a [`Progress`].
#[derive(Debug)]
pub(crate) struct ProgressWrite<W> {
    inner: W,
    /// The display (and the count of bytes written).
    pub(crate) progress: Progress,
}

impl<W: Write> ProgressWrite<W> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: W, progress: Progress) -> Self {
        Self { inner, progress }
    }

    /// The inner writer (flush it first).
    pub(crate) fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for ProgressWrite<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.progress.add(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// [`Input::open`] with a progress bar when [`decide_here`] says so.
pub(crate) fn open(input: &Input, json: bool) -> Result<Box<dyn Read>, Unusable> {
    let reader = input.open()?;
    match decide_here(json, input.len_hint()) {
        Mode::Off => Ok(reader),
        mode => Ok(Box::new(ProgressRead {
            inner: reader,
            progress: Progress::new(mode, input.name()),
        })),
    }
}

/// [`Input::read_all`] with a progress bar when [`decide_here`] says so.
pub(crate) fn read_all(input: &Input, json: bool) -> Result<Vec<u8>, Unusable> {
    let hint = input.len_hint();
    match decide_here(json, hint) {
        Mode::Off => input.read_all(),
        mode => {
            let mut reader = ProgressRead {
                inner: input.open()?,
                progress: Progress::new(mode, input.name()),
            };
            let capacity = hint.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
            let mut buf = Vec::with_capacity(capacity);
            reader
                .read_to_end(&mut buf)
                .map_err(|e| input.io_error(&e))?;
            Ok(buf)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_only_on_a_terminal_without_json_for_large_inputs() {
        let big = Some(THRESHOLD + 1);
        let small = Some(THRESHOLD);
        for size in [big, small, None, Some(0)] {
            // Not a terminal, or --json: never.
            assert_eq!(decide(false, false, size), Mode::Off, "{size:?}");
            assert_eq!(decide(false, true, size), Mode::Off, "{size:?}");
            assert_eq!(decide(true, true, size), Mode::Off, "{size:?}");
        }
        assert_eq!(decide(true, false, big), Mode::Bar(THRESHOLD + 1));
        assert_eq!(decide(true, false, small), Mode::Off);
        assert_eq!(decide(true, false, Some(0)), Mode::Off);
        assert_eq!(decide(true, false, None), Mode::Counter);
    }

    #[test]
    fn counting_passes_bytes_through_and_the_counter_starts_past_the_threshold() {
        let data = vec![7u8; 5_000_000];
        let mut r = ProgressRead {
            inner: data.as_slice(),
            progress: Progress::new(Mode::Counter, "test"),
        };
        let mut first = vec![0u8; 1000];
        r.read_exact(&mut first).unwrap();
        assert!(r.progress.bar.is_none(), "no counter below the threshold");
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        assert_eq!(first.len() + rest.len(), data.len());
        assert_eq!(r.progress.bytes(), 5_000_000);
        assert!(r.progress.bar.is_some(), "a counter past the threshold");

        let mut w = ProgressWrite::new(Vec::new(), Progress::new(Mode::Off, "out"));
        w.write_all(b"hello").unwrap();
        assert_eq!(w.progress.bytes(), 5);
        assert!(w.progress.bar.is_none());
        assert_eq!(w.into_inner(), b"hello");
    }
}
