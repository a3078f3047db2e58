//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every `*.json` under a directory, recursively, sorted.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The 41 public fixtures of `../shared/fixtures/public` (beside the repository, or beside the
/// worktree folder), or `None`, with a message, when the folder is absent (a bare clone).
pub fn shared_fixtures() -> Option<Vec<PathBuf>> {
    let Some(dir) = ["../shared/fixtures/public", "../../shared/fixtures/public"]
        .map(|d| workspace().join(d))
        .into_iter()
        .find(|d| d.exists())
    else {
        eprintln!("note: the shared public fixtures are not present; skipped");
        return None;
    };
    let files = json_files(&dir);
    assert_eq!(files.len(), 41, "expected the 41 public fixtures");
    Some(files)
}

/// The resources of the JSON files given, as `(name, text)`: a file's own text, or, for a file
/// holding a JSON array (`testdata/match/candidates.json`), each item's text as written, named
/// `path[i]`.
pub fn resource_texts(files: &[PathBuf]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        if text.trim_start().starts_with('[') {
            let items: Vec<Box<serde_json::value::RawValue>> = serde_json::from_str(&text).unwrap();
            for (i, item) in items.iter().enumerate() {
                out.push((format!("{}[{i}]", f.display()), item.get().to_owned()));
            }
        } else {
            out.push((f.display().to_string(), text));
        }
    }
    out
}

/// The text of every JSON number token in `s` (outside strings), sorted: two documents with
/// equal values and equal number tokens kept every number's text.
pub fn number_tokens(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                out.push(s[start..i].to_owned());
            }
            _ => i += 1,
        }
    }
    out.sort();
    out
}

/// Asserts that `out` is JSON-equal to `input`, number text included.
pub fn assert_json_equal(input: &str, out: &str, what: &str) {
    let a: serde_json::Value = serde_json::from_str(input.trim_start_matches('\u{feff}')).unwrap();
    let b: serde_json::Value = serde_json::from_str(out).unwrap();
    if a != b {
        let (pa, pb) = (
            serde_json::to_string_pretty(&a).unwrap(),
            serde_json::to_string_pretty(&b).unwrap(),
        );
        let line = pa
            .lines()
            .zip(pb.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        panic!(
            "{what}: not JSON-equal after round trip; first difference near pretty line {line}:\n in: {}\nout: {}",
            pa.lines().nth(line).unwrap_or(""),
            pb.lines().nth(line).unwrap_or("")
        );
    }
    assert_eq!(
        number_tokens(input),
        number_tokens(out),
        "{what}: number text changed"
    );
}
