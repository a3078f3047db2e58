//! The chunked reader: from `std::io::Read` at slice speed. The top level of the Bundle is scanned
//! here; each `entry` item is read where it stands in the reader's block ([`ReadBuf`], text
//! checked as UTF-8 once per byte) by the slice path's code (`stream::fast`: unread types skipped
//! by the scanner, the others read in place by the serde visitors). An item cut by the end of the
//! block is completed by topping the block up, and read again from its start. Only an item that
//! is malformed, not UTF-8, cut by the end of input or longer than the block is copied into a
//! reused buffer and read by the serde visitors, which report the error. Memory holds the block
//! and at most one copied entry (plus the Bundle's small top-level members).
//!
//! The copying scanner only finds where values end (strings, escapes, bracket depth); every byte
//! it hands over is then parsed by serde_json, so invalid JSON is still an error. Positions in
//! errors are translated back to the input's line and column.

use crate::error::{ExtractError, ExtractErrorKind, utf8_error};
use crate::readbuf::ReadBuf;
use crate::sink::Sink;
use crate::stream::skip;
use crate::stream::{EntriesSeed, EntrySeed, OptStr, ResourceSeed, TopSeed, fast};
use serde::de::{DeserializeSeed, IgnoredAny};
use std::io::{BufRead, Read};

struct Scanner<R> {
    r: R,
    /// 1-based line and column of the next byte.
    line: usize,
    col: usize,
}

fn err(kind: ExtractErrorKind, line: usize, column: usize) -> ExtractError {
    ExtractError { kind, line, column }
}

impl<R: BufRead> Scanner<R> {
    fn io(&self) -> ExtractError {
        err(ExtractErrorKind::Io, self.line, self.col)
    }

    fn syntax(&self) -> ExtractError {
        err(ExtractErrorKind::Syntax, self.line, self.col)
    }

    fn eof(&self) -> ExtractError {
        err(ExtractErrorKind::Eof, self.line, self.col)
    }

    fn peek(&mut self) -> Result<Option<u8>, ExtractError> {
        match self.r.fill_buf() {
            Ok(b) => Ok(b.first().copied()),
            Err(_) => Err(self.io()),
        }
    }

    fn advance_over(line: &mut usize, col: &mut usize, bytes: &[u8]) {
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => {
                *line += memchr::memchr_iter(b'\n', bytes).count();
                *col = bytes.len() - last;
            }
            None => *col += bytes.len(),
        }
    }

    fn consume(&mut self, n: usize) {
        self.r.consume(n);
    }

    fn bump(&mut self) {
        if let Ok(Some(b)) = self.peek() {
            if b == b'\n' {
                self.line += 1;
                self.col = 1;
            } else {
                self.col += 1;
            }
            self.consume(1);
        }
    }

    /// Skips whitespace, a run at a time.
    fn skip_ws(&mut self) -> Result<(), ExtractError> {
        loop {
            let buf = match self.r.fill_buf() {
                Ok(b) => b,
                Err(_) => return Err(self.io()),
            };
            let n = skip::ws(buf, 0);
            if n == 0 {
                return Ok(());
            }
            let whole = n == buf.len();
            Self::advance_over(
                &mut self.line,
                &mut self.col,
                buf.get(..n).unwrap_or_default(),
            );
            self.consume(n);
            if !whole {
                return Ok(());
            }
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), ExtractError> {
        match self.peek()? {
            Some(b) if b == byte => {
                self.bump();
                Ok(())
            }
            Some(_) => Err(self.syntax()),
            None => Err(self.eof()),
        }
    }

    /// Copies one JSON value (starting at the next byte) into `out`: a string, an object or array
    /// (brackets matched, strings and escapes honoured; a mismatched bracket ends the copy so
    /// that serde_json reports it), or a scalar up to the next delimiter. A value cut off by the
    /// end of the input is an error: `Syntax` if what was read has a syntax error, else `Eof` (as
    /// serde_json reports it for slice input).
    ///
    /// `out` never grows past `limit` bytes (its capacity included): a longer value is a
    /// `TooLarge` error (with no entry index; the caller adds it).
    fn read_value(&mut self, out: &mut Vec<u8>, limit: usize) -> Result<(), ExtractError> {
        let (l, c) = (self.line, self.col);
        let first = self.peek()?.ok_or_else(|| self.eof())?;
        let scalar = !matches!(first, b'{' | b'[' | b'"');
        let mut closers: Vec<u8> = Vec::new();
        let mut in_str = false;
        let mut esc = false;
        let mut started = false;
        loop {
            let chunk = match self.r.fill_buf() {
                Ok(c) => c,
                Err(_) => return Err(err(ExtractErrorKind::Io, self.line, self.col)),
            };
            if chunk.is_empty() {
                // Cut off by the end of input: a syntax error before the cut is reported as
                // such (as slice input would), anything else is Eof.
                let eof = err(ExtractErrorKind::Eof, self.line, self.col);
                if let Err(e) = serde_json::from_slice::<IgnoredAny>(out) {
                    if e.classify() == serde_json::error::Category::Syntax {
                        return Err(translate(&e, l, c));
                    }
                }
                return Err(eof);
            }
            let mut done_at = None;
            for (i, &b) in chunk.iter().enumerate() {
                if scalar {
                    if matches!(b, b',' | b'}' | b']' | b':' | b' ' | b'\t' | b'\n' | b'\r') {
                        done_at = Some(i);
                        break;
                    }
                    started = true;
                    continue;
                }
                if in_str {
                    if esc {
                        esc = false;
                    } else if b == b'\\' {
                        esc = true;
                    } else if b == b'"' {
                        in_str = false;
                        if closers.is_empty() {
                            done_at = Some(i + 1);
                            break;
                        }
                    }
                    continue;
                }
                match b {
                    b'"' => in_str = true,
                    b'{' => closers.push(b'}'),
                    b'[' => closers.push(b']'),
                    // The value's last closer, or a mismatched one (serde_json then reports it),
                    // ends the copy.
                    b'}' | b']' if closers.pop() != Some(b) || closers.is_empty() => {
                        done_at = Some(i + 1);
                        break;
                    }
                    _ => {}
                }
            }
            let n = done_at.unwrap_or(chunk.len());
            let taken = chunk.get(..n).unwrap_or_default();
            reserve_within(out, taken.len(), limit)?;
            out.extend_from_slice(taken);
            Self::advance_over(&mut self.line, &mut self.col, taken);
            self.consume(n);
            if done_at.is_some() {
                return if scalar && !started {
                    Err(self.syntax())
                } else {
                    Ok(())
                };
            }
        }
    }
}

/// Makes room for `more` bytes in `out` without its capacity passing `limit` (doubling as `Vec`
/// does, but clamped), or says the value is too large.
fn reserve_within(out: &mut Vec<u8>, more: usize, limit: usize) -> Result<(), ExtractError> {
    let need = out.len().saturating_add(more);
    if need > limit {
        return Err(err(ExtractErrorKind::TooLarge { entry: None, limit }, 0, 0));
    }
    if need > out.capacity() {
        let target = need.max(out.capacity().saturating_mul(2)).min(limit);
        out.reserve_exact(target - out.len());
    }
    Ok(())
}

/// Names the entry in a `TooLarge` error, and where it starts.
fn at_entry(mut e: ExtractError, index: usize, line: usize, column: usize) -> ExtractError {
    if let ExtractErrorKind::TooLarge { entry, .. } = &mut e.kind {
        *entry = Some(index);
        e.line = line;
        e.column = column;
    }
    e
}

/// Maps a serde_json error inside a buffer that started at (`line`, `col`) of the input. The
/// buffer holds a whole value (the scanner found its end), so running out of it is a syntax error.
fn translate(e: &serde_json::Error, line: usize, col: usize) -> ExtractError {
    use serde_json::error::Category;
    let kind = match e.classify() {
        Category::Io => ExtractErrorKind::Io,
        Category::Eof | Category::Syntax => ExtractErrorKind::Syntax,
        Category::Data => ExtractErrorKind::NotAResource,
    };
    let (l, c) = if e.line() <= 1 {
        (line, col + e.column().saturating_sub(1))
    } else {
        (line + e.line() - 1, e.column())
    };
    err(kind, l, c)
}

/// Checks that a buffer that started at (`line`, `col`) of the input is UTF-8.
fn utf8(bytes: &[u8], line: usize, col: usize) -> Result<&str, ExtractError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = utf8_error(bytes, e.valid_up_to());
        if at.line <= 1 {
            err(ExtractErrorKind::InvalidUtf8, line, col + at.column - 1)
        } else {
            err(ExtractErrorKind::InvalidUtf8, line + at.line - 1, at.column)
        }
    })
}

/// Runs a seed over a buffer that started at (`line`, `col`) of the input.
fn run<'b, S>(seed: S, bytes: &'b [u8], line: usize, col: usize) -> Result<(), ExtractError>
where
    S: DeserializeSeed<'b, Value = ()>,
{
    let text = utf8(bytes, line, col)?;
    let mut de = serde_json::Deserializer::from_str(text);
    seed.deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| translate(&e, line, col))
}

/// Reads one page from a buffered reader into the sink.
pub(crate) fn read_page<K: Sink + ?Sized, R: Read>(
    sink: &mut K,
    reader: ReadBuf<R>,
) -> Result<(), ExtractError> {
    let mut sc = Scanner {
        r: reader,
        line: 1,
        col: 1,
    };
    sc.skip_ws()?;
    match sc.peek()? {
        None => return Err(sc.eof()),
        // An array is refused on sight, as the slice path does.
        Some(b'[') => return Err(err(ExtractErrorKind::NotAResource, sc.line, sc.col)),
        _ => {}
    }
    if sc.peek()? != Some(b'{') {
        // Not an object, so not a resource: read the rest the slice way, for the same error.
        let mut rest = Vec::new();
        let (l, c) = (sc.line, sc.col);
        let limit = sink.max_entry_bytes();
        loop {
            let chunk = match sc.r.fill_buf() {
                Ok([]) => break,
                Ok(chunk) => chunk,
                Err(_) => return Err(sc.io()),
            };
            let n = chunk.len();
            reserve_within(&mut rest, n, limit).map_err(|mut e| {
                (e.line, e.column) = (l, c);
                e
            })?;
            rest.extend_from_slice(chunk);
            sc.consume(n);
        }
        let text = utf8(&rest, l, c)?;
        let mut de = serde_json::Deserializer::from_str(text);
        return (TopSeed { sink })
            .deserialize(&mut de)
            .and_then(|()| de.end())
            .map_err(|e| {
                let mut x = translate(&e, l, c);
                if e.classify() == serde_json::error::Category::Eof {
                    x.kind = ExtractErrorKind::Eof;
                }
                x
            });
    }
    sc.bump();
    let limit = sink.max_entry_bytes();
    // A single resource's members other than `resourceType`, as `"key":value` pairs separated
    // by commas (at most `limit` bytes in all); dropped as soon as the object turns out to be a
    // Bundle.
    let mut body: Vec<u8> = Vec::new();
    let mut resource_type: Option<Option<String>> = None;
    let mut is_bundle = false;
    let mut key_buf = Vec::new();
    let mut value = Vec::new();
    let mut first = true;
    loop {
        sc.skip_ws()?;
        match sc.peek()? {
            Some(b'}') => {
                sc.bump();
                break;
            }
            None => return Err(sc.eof()),
            Some(_) if first => {}
            Some(b',') => {
                sc.bump();
                sc.skip_ws()?;
            }
            Some(_) => return Err(sc.syntax()),
        }
        first = false;
        if sc.peek()? != Some(b'"') {
            return Err(if sc.peek()?.is_none() {
                sc.eof()
            } else {
                sc.syntax()
            });
        }
        key_buf.clear();
        let (kl, kc) = (sc.line, sc.col);
        sc.read_value(&mut key_buf, limit)?;
        let key: String =
            serde_json::from_str(utf8(&key_buf, kl, kc)?).map_err(|e| translate(&e, kl, kc))?;
        sc.skip_ws()?;
        sc.expect(b':')?;
        sc.skip_ws()?;
        // An object with `entry` is a Bundle wherever `entry` is and whatever resourceType
        // says: its entries are read where they stand (as the slice path does).
        if key == "entry" {
            is_bundle = true;
            body = Vec::new();
            if sc.peek()? == Some(b'[') {
                read_entries(&mut sc, sink, &mut value, limit)?;
            } else {
                // `entry` that is not an array: the slice path reports it.
                value.clear();
                let (l, c) = (sc.line, sc.col);
                sc.read_value(&mut value, limit)?;
                run(EntriesSeed { sink: &mut *sink }, &value, l, c)?;
            }
            continue;
        }
        value.clear();
        let (l, c) = (sc.line, sc.col);
        let room = if is_bundle {
            limit
        } else {
            limit.saturating_sub(body.len())
        };
        sc.read_value(&mut value, room).map_err(|mut e| {
            // The limit is on the whole resource, whatever room was left.
            if let ExtractErrorKind::TooLarge { limit: max, .. } = &mut e.kind {
                *max = limit;
                (e.line, e.column) = (l, c);
            }
            e
        })?;
        // Every member is checked as JSON, as the slice path does.
        serde_json::from_str::<IgnoredAny>(utf8(&value, l, c)?).map_err(|e| translate(&e, l, c))?;
        if key == "resourceType" {
            // Read as the slice path reads it (any JSON type; a number out of range is an error).
            let t = serde_json::from_str::<OptStr<'_>>(utf8(&value, l, c)?)
                .map_err(|e| translate(&e, l, c))?
                .0
                .map(std::borrow::Cow::into_owned);
            if t.as_deref() == Some("Bundle") {
                is_bundle = true;
                body = Vec::new();
            }
            resource_type = Some(t);
        } else if !is_bundle {
            let extra = key_buf.len() + value.len() + 1 + usize::from(!body.is_empty());
            reserve_within(&mut body, extra, limit)?;
            if !body.is_empty() {
                body.push(b',');
            }
            body.extend_from_slice(&key_buf);
            body.push(b':');
            body.extend_from_slice(&value);
        }
    }
    // As for slice input: the resource is decided (not-a-resource reported) before trailing
    // characters are looked at.
    if !is_bundle {
        // A single resource: read like an entry's resource, `resourceType` first.
        let Some(Some(t)) = resource_type else {
            return Err(err(ExtractErrorKind::NotAResource, sc.line, sc.col));
        };
        drop(value);
        let mut obj = Vec::new();
        let head = t.len() + 20;
        reserve_within(
            &mut obj,
            body.len().saturating_add(head),
            limit.saturating_add(head),
        )?;
        obj.extend_from_slice(b"{\"resourceType\":");
        // Writing a &str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut obj, &t);
        if !body.is_empty() {
            obj.push(b',');
            obj.extend_from_slice(&body);
        }
        obj.push(b'}');
        drop(body);
        let text = utf8(&obj, 1, 1)?;
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed = (ResourceSeed { ctx: sink.ctx() })
            .deserialize(&mut de)
            .map_err(|e| translate(&e, 1, 1))?;
        sink.accept(parsed, None, None);
    }
    sc.skip_ws()?;
    if sc.peek()?.is_some() {
        return Err(sc.syntax());
    }
    Ok(())
}

/// Reads the entry item at the scanner from the reader's buffer where it stands, as text already
/// checked to be UTF-8 (no copy; unread resource types skipped by the scanner). An item cut by the
/// end of the bytes read so far is completed in place ([`ReadBuf::top_up`]) and read again from
/// its start (the sink is only called for an item read whole). Returns `false` (nothing read)
/// when the item is malformed, runs into bytes that are not UTF-8 or the end of input, or is
/// longer than the block: the caller then copies it out and reads it the serde way, which
/// reports the error (or reads an item larger than the block).
fn in_buffer<K: Sink + ?Sized, R: Read>(
    sc: &mut Scanner<ReadBuf<R>>,
    sink: &mut K,
    index: usize,
) -> Result<bool, ExtractError> {
    let max = sink.max_entry_bytes();
    loop {
        let text = sc.r.text();
        // An item longer than the limit runs out of bytes here, and the copy reports it (the
        // cut is at a character boundary at most `max` bytes in, so never past the limit).
        let cut_at = (0..=max.min(text.len()))
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let limited = cut_at < text.len();
        let text = text.get(..cut_at).unwrap_or_default();
        if let Ok(end) = fast::entry(text, 0, sink, index) {
            let read = text.as_bytes().get(..end).unwrap_or_default();
            Scanner::<ReadBuf<R>>::advance_over(&mut sc.line, &mut sc.col, read);
            sc.consume(end);
            return Ok(true);
        }
        // Cut off by the end of the checked text (the only case worth more bytes)?
        let cut = matches!(skip::value(text.as_bytes(), 0), Err(skip::Stop::End));
        if !cut || limited || sc.r.bad() || sc.r.at_eof() || sc.r.full() {
            return Ok(false);
        }
        match sc.r.top_up() {
            Ok(true) => {}
            Ok(false) => return Ok(false),
            Err(_) => return Err(err(ExtractErrorKind::Io, sc.line, sc.col)),
        }
    }
}

/// Reads `Bundle.entry` (the scanner is at its `[`), one item at a time through `value`.
fn read_entries<K: Sink + ?Sized, R: Read>(
    sc: &mut Scanner<ReadBuf<R>>,
    sink: &mut K,
    value: &mut Vec<u8>,
    limit: usize,
) -> Result<(), ExtractError> {
    sc.bump();
    let mut index = sink.next_entry_index();
    let mut first_item = true;
    loop {
        sc.skip_ws()?;
        match sc.peek()? {
            Some(b']') => {
                sc.bump();
                break;
            }
            None => return Err(sc.eof()),
            Some(_) if first_item => {}
            Some(b',') => {
                sc.bump();
                sc.skip_ws()?;
            }
            Some(_) => return Err(sc.syntax()),
        }
        first_item = false;
        if in_buffer(sc, sink, index)? {
            index += 1;
            continue;
        }
        value.clear();
        let (l, c) = (sc.line, sc.col);
        sc.read_value(value, limit)
            .map_err(|e| at_entry(e, index, l, c))?;
        run(
            EntrySeed {
                sink: &mut *sink,
                index,
            },
            value,
            l,
            c,
        )?;
        index += 1;
    }
    sink.set_next_entry_index(index);
    Ok(())
}
