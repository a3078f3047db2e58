//! Putting JSON objects back together: member names (escaped here) and raw member values (copied
//! as they are), used wherever members read apart are joined again (the reader's replay and typed
//! parsing, the chunked reader's single resources, pruning).

/// Builds a JSON object from member names and raw JSON values.
pub(crate) struct ObjectWriter {
    buf: Vec<u8>,
    empty: bool,
}

impl ObjectWriter {
    /// An empty object with room for `capacity` bytes of members.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(capacity + 2);
        buf.push(b'{');
        Self { buf, empty: true }
    }

    /// Appends `"key":raw`.
    pub(crate) fn member(&mut self, key: &str, raw: &[u8]) {
        if !self.empty {
            self.buf.push(b',');
        }
        self.empty = false;
        // Writing a &str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.buf, key);
        self.buf.push(b':');
        self.buf.extend_from_slice(raw);
    }

    /// Appends `"key":"value"` (the value escaped).
    pub(crate) fn string_member(&mut self, key: &str, value: &str) {
        let mut quoted = Vec::with_capacity(value.len() + 2);
        let _ = serde_json::to_writer(&mut quoted, value);
        self.member(key, &quoted);
    }

    /// Closes the object and returns its bytes.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.buf.push(b'}');
        self.buf
    }
}
