//! The tokens this instance has already checked, in memory, so that a webhook request does not
//! wait for a database connection only to look its token up again.
//!
//! A token is valid until its expiry and is never revoked before (see [`crate::store`]'s token
//! table), so an entry is correct for as long as it is unexpired: the cache keeps the expiry
//! and drops an entry once it has passed. It is bounded ([`CAPACITY`] entries; when full, it is
//! emptied and fills again from the database). Keys are the tokens' SHA-256 digests, as in the
//! database, never the tokens.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::store::{TokenOwner, now_ms};

/// The most tokens kept (Ocean holds one token per client at a time; a few per site).
pub(crate) const CAPACITY: usize = 1024;

/// Digest → (owner, expiry in ms since the Unix epoch).
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    entries: Mutex<HashMap<String, (TokenOwner, i64)>>,
}

impl TokenCache {
    /// The owner of an unexpired cached token.
    pub(crate) fn get(&self, digest: &str) -> Option<TokenOwner> {
        let mut entries = self.entries.lock().ok()?;
        match entries.get(digest) {
            Some((owner, until)) if *until > now_ms() => Some(owner.clone()),
            Some(_) => {
                entries.remove(digest);
                None
            }
            None => None,
        }
    }

    /// Remembers a token checked against the database.
    pub(crate) fn put(&self, digest: &str, owner: &TokenOwner, until: i64) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(digest.to_owned(), (owner.clone(), until));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner() -> TokenOwner {
        TokenOwner {
            client_id: "ocean".into(),
            site: None,
        }
    }

    #[test]
    fn expired_entries_are_not_returned_and_the_size_is_bounded() {
        let cache = TokenCache::default();
        cache.put("a", &owner(), now_ms() + 60_000);
        cache.put("b", &owner(), now_ms() - 1);
        assert_eq!(cache.get("a"), Some(owner()));
        assert_eq!(cache.get("b"), None);
        assert_eq!(cache.get("c"), None);
        for i in 0..CAPACITY + 10 {
            cache.put(&i.to_string(), &owner(), now_ms() + 60_000);
        }
        assert!(cache.entries.lock().map(|e| e.len()).unwrap_or(0) <= CAPACITY);
    }
}
