//! The reader's buffer: one block (1 MiB for [`crate::extract_reader`]) that the chunked reader
//! reads entries from where they stand. Unlike `std::io::BufReader` it can be topped up while
//! unread bytes remain (they move to the front first), so an entry cut by the end of the block is
//! completed in place instead of copied out; and it holds what it read as a `String`, each byte
//! checked to be UTF-8 once, so entries are read as text without a second check (safe Rust can
//! only make text from bytes by checking them, so the check is done once per top-up, over the
//! whole block, rather than per entry).
//!
//! Bytes that cannot (yet) be text wait in a small side buffer: a character cut by the end of
//! the bytes read so far, completed by the next top-up. From the first sequence that is not
//! UTF-8 on, everything is handed out raw (through [`BufRead`]), for the caller's copying path,
//! which reports the error where it is.
//!
//! Memory is the block, never more: an entry longer than the block is left to the caller's
//! copying path (which enforces the entry size limit).

use std::io::{self, BufRead, Read};

/// A read buffer over `R` that keeps its bytes as checked text.
pub(crate) struct ReadBuf<R> {
    r: R,
    /// Checked bytes; `text[start..]` is unread.
    text: String,
    start: usize,
    /// Bytes read after `text` that are not text (yet); `raw[raw_start..]` is unread.
    raw: Vec<u8>,
    raw_start: usize,
    /// `raw` starts with a sequence that is not UTF-8 (or a character cut by the end of
    /// input): everything from there on is handed out raw.
    bad: bool,
    /// The reader said end of input.
    eof: bool,
    /// The block size.
    capacity: usize,
}

impl<R: Read> ReadBuf<R> {
    /// A buffer of `capacity` bytes (at least 4, so one character always fits).
    pub(crate) fn new(r: R, capacity: usize) -> Self {
        let capacity = capacity.max(4);
        Self {
            r,
            text: String::with_capacity(capacity),
            start: 0,
            raw: Vec::new(),
            raw_start: 0,
            bad: false,
            eof: false,
            capacity,
        }
    }

    /// Moves the unread text to the front and reads until the block is full or the input ends,
    /// checking the new bytes. Returns whether the unread text grew. After a sequence that is
    /// not UTF-8 it adds nothing to the text (see [`ReadBuf::bad`]).
    pub(crate) fn top_up(&mut self) -> io::Result<bool> {
        if self.bad {
            return Ok(false);
        }
        let mut bytes = std::mem::take(&mut self.text).into_bytes();
        bytes.drain(..self.start.min(bytes.len()));
        self.start = 0;
        let before = bytes.len();
        // A cut character from the last top-up goes first.
        bytes.extend_from_slice(self.raw.get(self.raw_start..).unwrap_or_default());
        self.raw.clear();
        self.raw_start = 0;
        let room = self.capacity.saturating_sub(bytes.len());
        let read = if self.eof || room == 0 {
            Ok(0)
        } else {
            (&mut self.r).take(room as u64).read_to_end(&mut bytes)
        };
        match read {
            Ok(n) if n < room => self.eof = true,
            Ok(_) => {}
            Err(e) => {
                // What was read before the error stays readable (raw); the error is reported.
                self.raw = bytes.split_off(before.min(bytes.len()));
                self.text = String::from_utf8(bytes).unwrap_or_default();
                return Err(e);
            }
        }
        self.text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                // Not UTF-8, or a character cut by the end of input: from here on, raw.
                self.bad = e.utf8_error().error_len().is_some() || self.eof;
                let mut bytes = e.into_bytes();
                self.raw = bytes.split_off(at.min(bytes.len()));
                // The prefix was just found to be UTF-8; the fallback is never taken.
                String::from_utf8(bytes).unwrap_or_default()
            }
        };
        Ok(self.text.len() > before)
    }

    /// The unread text (stops where [`ReadBuf::bad`] bytes or a cut character begin).
    pub(crate) fn text(&self) -> &str {
        self.text.get(self.start..).unwrap_or_default()
    }

    /// Whether the text stops before bytes that are not UTF-8 (so more input cannot extend it).
    pub(crate) fn bad(&self) -> bool {
        self.bad
    }

    /// Whether the unread bytes fill the whole block (topping up cannot add any).
    pub(crate) fn full(&self) -> bool {
        let unread = (self.text.len() - self.start.min(self.text.len()))
            + self.raw.len().saturating_sub(self.raw_start);
        unread >= self.capacity
    }

    /// Whether the reader has said end of input.
    pub(crate) fn at_eof(&self) -> bool {
        self.eof
    }
}

impl<R: Read> Read for ReadBuf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let have = self.fill_buf()?;
            let n = have.len().min(out.len());
            if let (Some(dst), Some(src)) = (out.get_mut(..n), have.get(..n)) {
                dst.copy_from_slice(src);
            }
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for ReadBuf<R> {
    /// The unread text, else the unread raw bytes, else the next block.
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.start >= self.text.len() && !self.eof {
            if !self.bad {
                self.top_up()?;
            } else if self.raw_start >= self.raw.len() {
                // Raw from here on: read straight into the side buffer.
                self.raw.clear();
                self.raw_start = 0;
                let n = (&mut self.r)
                    .take(self.capacity as u64)
                    .read_to_end(&mut self.raw)?;
                self.eof = n == 0;
            }
        }
        if self.start < self.text.len() {
            return Ok(self.text.as_bytes().get(self.start..).unwrap_or_default());
        }
        Ok(self.raw.get(self.raw_start..).unwrap_or_default())
    }

    fn consume(&mut self, n: usize) {
        if self.start < self.text.len() {
            self.start = self.start.saturating_add(n).min(self.text.len());
        } else {
            self.raw_start = self.raw_start.saturating_add(n).min(self.raw.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per call.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn top_up_fills_the_block_and_keeps_unread_bytes() {
        let data = b"0123456789abcdef";
        let mut b = ReadBuf::new(Trickle { data, step: 3 }, 8);
        assert!(b.top_up().unwrap());
        assert_eq!(b.text(), "01234567");
        assert!(b.full());
        assert!(!b.top_up().unwrap());
        b.consume(5);
        assert!(b.top_up().unwrap());
        assert_eq!(b.fill_buf().unwrap(), b"56789abc");
        b.consume(8);
        assert_eq!(b.fill_buf().unwrap(), b"def");
        assert!(b.at_eof());
        b.consume(3);
        assert!(!b.top_up().unwrap());
        assert_eq!(b.fill_buf().unwrap(), b"");
    }

    #[test]
    fn a_cut_character_waits_for_the_next_top_up() {
        let data = "abc\u{e9}de".as_bytes(); // é is two bytes, cut by a 4-byte block
        let mut b = ReadBuf::new(Trickle { data, step: 1 }, 4);
        b.top_up().unwrap();
        assert_eq!(b.text(), "abc");
        assert!(!b.bad());
        b.consume(3);
        assert!(b.top_up().unwrap());
        assert_eq!(b.text(), "\u{e9}de");
        b.consume(4);
        assert_eq!(b.fill_buf().unwrap(), b"");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_handed_out_raw() {
        let mut b = ReadBuf::new(
            Trickle {
                data: b"ab\xffcd--efgh",
                step: 100,
            },
            8,
        );
        b.top_up().unwrap();
        assert_eq!(b.text(), "ab");
        assert!(b.bad());
        assert!(!b.top_up().unwrap());
        b.consume(2);
        assert_eq!(b.fill_buf().unwrap(), b"\xffcd--e");
        b.consume(4);
        assert_eq!(b.fill_buf().unwrap(), b"-e");
        b.consume(2);
        assert_eq!(b.fill_buf().unwrap(), b"fgh");
        b.consume(3);
        assert_eq!(b.fill_buf().unwrap(), b"");
    }

    #[test]
    fn a_character_cut_by_the_end_of_input_is_bad() {
        let mut b = ReadBuf::new(&b"ab\xc3"[..], 8);
        b.top_up().unwrap();
        assert_eq!(b.text(), "ab");
        assert!(b.bad());
        b.consume(2);
        assert_eq!(b.fill_buf().unwrap(), b"\xc3");
    }

    #[test]
    fn read_hands_out_the_same_bytes() {
        let data: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        let mut b = ReadBuf::new(
            Trickle {
                data: &data,
                step: 7,
            },
            64,
        );
        let mut out = Vec::new();
        b.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
        let text = "na\u{ef}ve caf\u{e9} \u{1f600} ".repeat(300);
        let mut b = ReadBuf::new(
            Trickle {
                data: text.as_bytes(),
                step: 5,
            },
            7,
        );
        let mut out = Vec::new();
        b.read_to_end(&mut out).unwrap();
        assert_eq!(out, text.as_bytes());
    }
}
