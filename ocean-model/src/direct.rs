//! The direct reading: FHIR JSON read straight into the model by a reader written for it, without
//! serde's visitors, for input that takes the common path.
//!
//! [`crate::json`] tries this reading first on UTF-8 text. It covers what real FHIR JSON is made
//! of: objects whose members are modelled or kept verbatim, `value[x]` choices, arrays,
//! strings, numbers, booleans, and resources dispatched on `resourceType` (read again from the
//! object's start when other members come before it, as the serde reading replays them). On
//! anything else it gives up ([`Bail`]) and the caller reads the whole input again with the
//! serde reading, which is the reference: its result, or its error, is the answer. So this reading must give, for every
//! input it accepts, exactly the value the serde reading gives, and it gives up on:
//! * anything that is not JSON (the serde reading then reports the error and where);
//! * `null` and `[]` where a modelled element belongs, a `null` in an array of primitives, and
//!   any modelled element of the wrong JSON type or an impossible value (kept verbatim, or
//!   refused, by the serde reading and its lenient second reading);
//! * modelled elements nested deeper than [`MAX_DEPTH`] levels of arrays and objects, or
//!   [`MAX_DIRECT_RESOURCES`] resources inside resources (under the serde reading's limits, so
//!   the serde reading decides what is too deep), and members before a `resourceType` nested
//!   deeper than the serde reading replays.
//!
//! Members the model does not type are taken, as by the serde reading, by serde_json itself
//! ([`Reader::raw`]), so they are checked and kept byte for byte alike, at any depth (serde_json
//! skips without recursion); strings with escapes are decoded by serde_json too, and members
//! before a `resourceType` skipped by it. The differential tests (`tests/it/direct.rs`) and the
//! `parse_bundle` and `parse_resource` fuzz targets compare both readings.

use std::borrow::Cow;

use serde_json::value::RawValue;

/// The direct reading gave up: read the input with the serde reading.
#[derive(Debug)]
pub(crate) struct Bail;

/// The result of a direct read.
pub(crate) type Direct<T> = Result<T, Bail>;

/// The nesting of arrays and objects past which the direct reading gives up; serde_json's own
/// limit is 128, and the serde reading is the one to report it.
pub(crate) const MAX_DEPTH: usize = 100;

/// How many resources may nest inside resources before the direct reading gives up: one less
/// than the serde reading's `MAX_RESOURCE_DEPTH` (10), which decides (a unit test holds them
/// together).
pub(crate) const MAX_DIRECT_RESOURCES: u32 = 9;

/// A position in JSON text, read forward.
pub(crate) struct Reader<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
    resources: u32,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            depth: 0,
            resources: 0,
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    #[inline]
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Skips whitespace and takes `byte`.
    #[inline]
    fn expect(&mut self, byte: u8) -> Direct<()> {
        self.ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Only whitespace is left.
    pub(crate) fn end(&mut self) -> Direct<()> {
        self.ws();
        if self.pos == self.text.len() {
            Ok(())
        } else {
            Err(Bail)
        }
    }

    #[inline]
    fn enter(&mut self) -> Direct<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(Bail)
        } else {
            Ok(())
        }
    }

    /// Takes the `{` of an object; then [`Self::next_key`] until it gives `None`.
    #[inline]
    pub(crate) fn begin_object(&mut self) -> Direct<()> {
        self.expect(b'{')?;
        self.enter()
    }

    /// The next member's name, the reader then standing at its value; `None` at the closing
    /// `}`, which is taken. `first` is true before the first member.
    #[inline]
    pub(crate) fn next_key(&mut self, first: &mut bool) -> Direct<Option<Cow<'a, str>>> {
        self.ws();
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                self.depth = self.depth.saturating_sub(1);
                return Ok(None);
            }
            Some(b',') if !*first => self.pos += 1,
            Some(b'"') if *first => {}
            _ => return Err(Bail),
        }
        *first = false;
        let key = self.string()?;
        self.expect(b':')?;
        Ok(Some(key))
    }

    /// Takes the `[` of an array; then [`Self::next_item`] until it gives `false`.
    #[inline]
    pub(crate) fn begin_array(&mut self) -> Direct<()> {
        self.expect(b'[')?;
        self.enter()
    }

    /// Whether another item follows (the reader then stands at it); at the closing `]`, which
    /// is taken, `false`. `first` is true before the first item.
    #[inline]
    pub(crate) fn next_item(&mut self, first: &mut bool) -> Direct<bool> {
        self.ws();
        match self.peek() {
            Some(b']') => {
                self.pos += 1;
                self.depth = self.depth.saturating_sub(1);
                return Ok(false);
            }
            Some(b',') if !*first => self.pos += 1,
            Some(_) if *first => {}
            _ => return Err(Bail),
        }
        *first = false;
        Ok(true)
    }

    /// A string, borrowed from the input unless it has escapes.
    #[inline]
    pub(crate) fn string(&mut self) -> Direct<Cow<'a, str>> {
        self.expect(b'"')?;
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        // Eight bytes at a time up to the first quote, backslash or control character.
        while let Some(word) = bytes
            .get(i..i + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
        {
            let special = special_bytes(word);
            if special != 0 {
                i += (special.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        loop {
            match bytes.get(i) {
                Some(b'"') => break,
                Some(b'\\') => {
                    self.pos = start.saturating_sub(1);
                    return self.escaped_string().map(Cow::Owned);
                }
                // serde_json refuses control characters in strings.
                Some(&c) if c < 0x20 => return Err(Bail),
                Some(_) => i += 1,
                None => return Err(Bail),
            }
        }
        let s = self.text.get(start..i).ok_or(Bail)?;
        self.pos = i + 1;
        Ok(Cow::Borrowed(s))
    }

    /// A string with escapes, decoded by serde_json (which checks them as the serde reading
    /// does); the reader stands at its opening quote.
    #[cold]
    fn escaped_string(&mut self) -> Direct<String> {
        let rest = self.text.get(self.pos..).ok_or(Bail)?;
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<String>();
        match values.next() {
            Some(Ok(s)) => {
                self.pos += values.byte_offset();
                Ok(s)
            }
            _ => Err(Bail),
        }
    }

    /// The value at the reader, verbatim, taken by serde_json as the serde reading takes it.
    pub(crate) fn raw(&mut self) -> Direct<Box<RawValue>> {
        self.ws();
        let rest = self.text.get(self.pos..).ok_or(Bail)?;
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<Box<RawValue>>();
        // serde_json takes raw values without a nesting limit (its skipping is not recursive),
        // in the serde reading as here.
        let Some(Ok(raw)) = values.next() else {
            return Err(Bail);
        };
        self.pos += values.byte_offset();
        Ok(raw)
    }

    /// Skips a member that comes before `resourceType`, checked by serde_json. The serde
    /// reading buffers such members and replays them, refusing one too deep to replay where
    /// it stands (`DepthGuard::check_replay`: its nesting plus twice the objects around it
    /// over 120); the direct reading gives up on a superset of those.
    fn skip_before_type(&mut self) -> Direct<()> {
        self.ws();
        let rest = self.text.get(self.pos..).ok_or(Bail)?;
        let mut values =
            serde_json::Deserializer::from_str(rest).into_iter::<serde::de::IgnoredAny>();
        let Some(Ok(_)) = values.next() else {
            return Err(Bail);
        };
        let len = values.byte_offset();
        let member = rest.get(..len).ok_or(Bail)?;
        if json_depth(member).saturating_add(self.depth.saturating_mul(2)) > MAX_DEPTH {
            return Err(Bail);
        }
        self.pos += len;
        Ok(())
    }

    /// The `resourceType` of the object just begun, and whether it was its first member. When
    /// it was not, the reader is back at the start of the object, to read it whole.
    pub(crate) fn resource_type_first(&mut self) -> Direct<(Cow<'a, str>, bool)> {
        let (pos, depth) = (self.pos, self.depth);
        let mut first = true;
        let mut before = false;
        while let Some(key) = self.next_key(&mut first)? {
            if key == "resourceType" {
                let resource_type = self.string()?;
                if before {
                    (self.pos, self.depth) = (pos, depth);
                }
                return Ok((resource_type, !before));
            }
            self.skip_before_type()?;
            before = true;
        }
        // No `resourceType`: the serde reading refuses it.
        Err(Bail)
    }

    /// The text of a number.
    #[inline]
    pub(crate) fn number(&mut self) -> Direct<&'a str> {
        self.ws();
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        while matches!(
            bytes.get(i),
            Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
        ) {
            i += 1;
        }
        let s = self.text.get(start..i).ok_or(Bail)?;
        if !crate::primitives::is_json_number(s) {
            return Err(Bail);
        }
        self.pos = i;
        Ok(s)
    }

    /// `true` or `false`.
    #[inline]
    pub(crate) fn boolean(&mut self) -> Direct<bool> {
        self.ws();
        let rest = self.text.as_bytes().get(self.pos..).ok_or(Bail)?;
        if rest.starts_with(b"true") {
            self.pos += 4;
            Ok(true)
        } else if rest.starts_with(b"false") {
            self.pos += 5;
            Ok(false)
        } else {
            Err(Bail)
        }
    }

    /// The value of a `resourceType` member of a resource read as its concrete type.
    pub(crate) fn resource_type(&mut self, expected: &str) -> Direct<()> {
        if self.string()? == expected {
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Counts one resource inside resources while it is read.
    #[inline]
    pub(crate) fn enter_resource(&mut self) -> Direct<()> {
        self.resources += 1;
        if self.resources > MAX_DIRECT_RESOURCES {
            Err(Bail)
        } else {
            Ok(())
        }
    }

    /// The end of a resource counted by [`Self::enter_resource`].
    #[inline]
    pub(crate) fn leave_resource(&mut self) {
        self.resources = self.resources.saturating_sub(1);
    }
}

/// The maximum nesting of arrays and objects in JSON text.
pub(crate) fn json_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// The high bit of each byte of `word` (read little-endian) that is a quote, a backslash or a
/// control character (below 0x20), exact up to the first such byte: the usual SWAR test (a
/// byte's borrow can only mark bytes after it), as in serde_json's own string scan.
#[inline]
fn special_bytes(word: [u8; 8]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let w = u64::from_le_bytes(word);
    let control = w.wrapping_sub(ONES * 0x20);
    let quote = w ^ (ONES * u64::from(b'"'));
    let quote = quote.wrapping_sub(ONES) & !quote;
    let backslash = w ^ (ONES * u64::from(b'\\'));
    let backslash = backslash.wrapping_sub(ONES) & !backslash;
    (control | quote | backslash) & !w & HIGH
}

/// A value the direct reading can read: every type a modelled field holds.
pub(crate) trait DirectRead: Sized {
    /// Reads a value (never `null`: the serde reading keeps that).
    fn read(r: &mut Reader<'_>) -> Direct<Self>;

    /// Reads a member into an optional field (objects override it to read in place).
    #[inline]
    fn read_opt(slot: &mut Option<Self>, r: &mut Reader<'_>) -> Direct<()> {
        *slot = Some(Self::read(r)?);
        Ok(())
    }

    /// Reads a member into a repeating field, replacing what it held (a member given twice:
    /// the last one wins, as in the serde reading). An empty array gives up.
    #[inline]
    fn read_vec(slot: &mut Vec<Self>, r: &mut Reader<'_>) -> Direct<()> {
        r.begin_array()?;
        let mut first = true;
        let mut items = Vec::new();
        while r.next_item(&mut first)? {
            if items.capacity() == 0 {
                items.reserve_exact(1);
            }
            items.push(Self::read(r)?);
        }
        if items.is_empty() {
            return Err(Bail);
        }
        *slot = items;
        Ok(())
    }
}

/// A FHIR object the direct reading fills member by member (implemented by `fhir_object!`).
pub(crate) trait DirectObject: Default {
    /// Reads the members up to the closing `}` into `self`; `first` is true when no member
    /// of the object has been read yet.
    fn direct_members(&mut self, r: &mut Reader<'_>, first: bool) -> Direct<()>;
}

/// [`DirectRead::read`] for an object.
#[inline]
pub(crate) fn read_object<T: DirectObject>(r: &mut Reader<'_>) -> Direct<T> {
    let mut obj = T::default();
    r.begin_object()?;
    obj.direct_members(r, true)?;
    Ok(obj)
}

/// [`DirectRead::read_vec`] for objects: each item read in place.
#[inline]
pub(crate) fn read_vec_objects<T: DirectObject>(
    slot: &mut Vec<T>,
    r: &mut Reader<'_>,
) -> Direct<()> {
    r.begin_array()?;
    let mut first = true;
    let mut items: Vec<T> = Vec::new();
    while r.next_item(&mut first)? {
        if items.capacity() == 0 {
            items.reserve_exact(1);
        }
        items.push(T::default());
        let Some(obj) = items.last_mut() else {
            return Err(Bail);
        };
        r.begin_object()?;
        obj.direct_members(r, true)?;
    }
    if items.is_empty() {
        return Err(Bail);
    }
    *slot = items;
    Ok(())
}

/// Reads a whole input as `T`: `None` when the direct reading gives up.
pub(crate) fn read_all<T: DirectRead>(text: &str) -> Option<T> {
    let mut r = Reader::new(text);
    let value = T::read(&mut r).ok()?;
    r.end().ok()?;
    Some(value)
}

impl DirectRead for String {
    #[inline]
    fn read(r: &mut Reader<'_>) -> Direct<Self> {
        r.string().map(Cow::into_owned)
    }
}

impl DirectRead for bool {
    #[inline]
    fn read(r: &mut Reader<'_>) -> Direct<Self> {
        r.boolean()
    }
}

impl DirectRead for i64 {
    /// An integer as serde_json gives one to an `i64`: no fraction or exponent, no `-0`
    /// (serde_json makes it a float), within range.
    #[inline]
    fn read(r: &mut Reader<'_>) -> Direct<Self> {
        let text = r.number()?;
        if text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) || text == "-0" {
            return Err(Bail);
        }
        text.parse().map_err(|_| Bail)
    }
}

impl DirectRead for crate::Decimal {
    #[inline]
    fn read(r: &mut Reader<'_>) -> Direct<Self> {
        crate::Decimal::new(r.number()?).map_err(|_| Bail)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_resource_limit_is_under_the_serde_readings() {
        assert_eq!(
            super::MAX_DIRECT_RESOURCES + 1,
            crate::de::MAX_RESOURCE_DEPTH
        );
    }

    #[test]
    fn special_bytes_finds_the_first_quote_backslash_or_control_character() {
        use super::special_bytes;
        assert_eq!(special_bytes(*b"abcdefgh"), 0);
        assert_eq!(special_bytes(*b"\xc3\xa9\xc3\xa9\xf0\x9f\x98\x80"), 0);
        for (i, special) in [b'"', b'\\', 0x00, 0x1f].into_iter().enumerate() {
            let mut word = *b"abcdefgh";
            word[i + 3] = special;
            // A second special byte after the first one does not move the answer.
            word[7] = b'"';
            assert_eq!(special_bytes(word).trailing_zeros() / 8, i as u32 + 3);
        }
        // DEL and bytes of multi-byte characters are plain text.
        assert_eq!(
            special_bytes([0x7f, 0x80, 0xff, b' ', b'!', b'#', b'[', b']']),
            0
        );
    }
}
