//! The house rules every crate of the workspace keeps, checked from the source text:
//!
//! 1. **No module cycles.** A module depends on another when its non-test code names it through a
//!    `crate::` path (in a `use` or inline) or a `super::` path. Names re-exported by the crate
//!    root (`pub use m::Name` in `lib.rs`) count as a dependency on the module that defines them.
//!    FHIR's own nesting in `ocean-model` (a Bundle holds resources, a resource may contain a
//!    Bundle) is the one allowed cycle, listed in [`ALLOWED_CYCLES`].
//! 2. **Modules stay small.** At most [`MAX_CODE_LINES`] lines of non-test code per file:
//!    blank lines, comments and doc comments, and `#[cfg(test)]` items are not counted.
//!
//! Run it alone with `cargo test --test house` (`.ci/house-check` does just that).

#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The most lines of non-test code one module may have.
const MAX_CODE_LINES: usize = 600;

/// Cycles that are the shape of FHIR itself: (crate, the modules of the cycle, sorted).
const ALLOWED_CYCLES: &[(&str, &[&str])] = &[("ocean-model", &["bundle", "resource"])];

/// A source text with comments and the contents of string and char literals blanked to spaces
/// (line breaks kept), so braces and paths can be read without a full parser.
fn code_only(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'))
        {
            // raw string r"..." or r#"..."#
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            out.push('"');
            for _ in i + 1..=j {
                out.push(' ');
            }
            out.pop();
            i = j + 1;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    out.push('"');
                    for _ in 0..hashes {
                        out.push(' ');
                    }
                    i += 1 + hashes;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' {
            // char literal or lifetime
            if next == Some('\\') {
                out.push('\'');
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    if chars[i] == '\\' {
                        out.push(' ');
                        i += 1;
                    }
                    if i < chars.len() {
                        out.push(' ');
                        i += 1;
                    }
                }
                out.push('\'');
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                out.push_str("' '");
                i += 3;
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `code` with every `#[cfg(test)]` item (up to its matching closing brace or `;`) blanked.
fn without_tests(code: &str) -> String {
    let mut out: Vec<char> = code.chars().collect();
    let text: String = code.to_owned();
    let mut search = 0;
    while let Some(found) = text[search..].find("#[cfg(test)]") {
        let start_byte = search + found;
        let start = text[..start_byte].chars().count();
        let mut i = start;
        let mut depth = 0usize;
        let mut end = out.len();
        while i < out.len() {
            match out[i] {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        for c in &mut out[start..end] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        search = start_byte + "#[cfg(test)]".len();
    }
    out.into_iter().collect()
}

/// Lines of non-test code: not blank after comments and tests are blanked.
fn code_lines(src: &str) -> usize {
    without_tests(&code_only(src))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
}

/// The module path of a file under `src/`: `lib.rs` is the root (empty path).
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs").to_owned();
    if stem != "mod" && !(parts.is_empty() && (stem == "lib" || stem == "main")) {
        parts.push(stem);
    }
    parts
}

/// Every path that follows `crate::` or `super::` in `code`, with its line number. Grouped
/// imports (`crate::{a::X, b}`) give one path per member.
fn paths(code: &str) -> Vec<(usize, bool, Vec<String>)> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    for prefix in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(prefix) {
            let pos = from + at;
            from = pos + prefix.len();
            if pos > 0 {
                let before = bytes[pos - 1];
                if before.is_ascii_alphanumeric() || before == b'_' || before == b'$' {
                    continue;
                }
            }
            let line = code[..pos].matches('\n').count() + 1;
            let is_super = prefix == "super::";
            let mut segs = Vec::new();
            let mut rest = &code[pos + prefix.len()..];
            let mut supers = 0;
            while let Some(r) = rest.strip_prefix("super::") {
                supers += 1;
                rest = r;
            }
            if is_super {
                segs.push(format!("super*{}", supers + 1));
            }
            collect(rest, &mut segs, line, is_super, &mut found);
        }
    }
    found
}

fn collect(
    rest: &str,
    prefix: &mut Vec<String>,
    line: usize,
    is_super: bool,
    found: &mut Vec<(usize, bool, Vec<String>)>,
) {
    let rest = rest.trim_start();
    if let Some(group) = rest.strip_prefix('{') {
        // split the group at top-level commas
        let mut depth = 0;
        let mut start = 0;
        let mut end = group.len();
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    end = i;
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    let mut p = prefix.clone();
                    collect(&group[start..i], &mut p, line, is_super, found);
                    start = i + 1;
                }
                _ => {}
            }
        }
        let mut p = prefix.clone();
        collect(&group[start..end], &mut p, line, is_super, found);
        return;
    }
    let ident: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if ident.is_empty() {
        if !prefix.is_empty() {
            found.push((line, is_super, prefix.clone()));
        }
        return;
    }
    prefix.push(ident.clone());
    let after = rest[ident.len()..].trim_start();
    if let Some(r) = after.strip_prefix("::") {
        collect(r, prefix, line, is_super, found);
    } else {
        found.push((line, is_super, prefix.clone()));
    }
}

struct Crate {
    name: String,
    /// module path → (file, source)
    modules: BTreeMap<Vec<String>, (PathBuf, String)>,
}

fn load(dir: &Path) -> Crate {
    let mut modules = BTreeMap::new();
    let src = dir.join("src");
    let mut stack = vec![src.clone()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p.strip_prefix(&src).unwrap().to_path_buf();
                let text = fs::read_to_string(&p).unwrap();
                modules.insert(module_of(&rel), (p, text));
            }
        }
    }
    Crate {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        modules,
    }
}

/// The module a path names: the longest known module prefix; a root re-export resolves to the
/// module it comes from.
fn resolve(
    krate: &Crate,
    reexports: &BTreeMap<String, Vec<String>>,
    path: &[String],
) -> Vec<String> {
    let mut best = Vec::new();
    for n in 1..=path.len() {
        if krate.modules.contains_key(&path[..n]) {
            best = path[..n].to_vec();
        }
    }
    if best.is_empty() {
        if let Some(first) = path.first() {
            if let Some(m) = reexports.get(first) {
                return m.clone();
            }
        }
    }
    best
}

/// Names the crate root re-exports, and the module each comes from.
fn root_reexports(krate: &Crate) -> BTreeMap<String, Vec<String>> {
    let mut map = BTreeMap::new();
    let Some((_, root)) = krate.modules.get(&Vec::new()) else {
        return map;
    };
    let code = without_tests(&code_only(root));
    for stmt in code.split(';') {
        let Some(at) = stmt.find("pub use ") else {
            continue;
        };
        let body = stmt[at + "pub use ".len()..].trim();
        let mut found = Vec::new();
        collect(body, &mut Vec::new(), 0, false, &mut found);
        for (_, _, path) in found {
            if path.len() >= 2 && krate.modules.contains_key(&path[..1]) {
                let name = path.last().unwrap().clone();
                let mut module = Vec::new();
                for n in 1..path.len() {
                    if krate.modules.contains_key(&path[..n]) {
                        module = path[..n].to_vec();
                    }
                }
                map.insert(name, module);
            }
        }
    }
    map
}

/// module → (dependency → first line that names it)
type Graph = BTreeMap<Vec<String>, BTreeMap<Vec<String>, usize>>;

fn graph(krate: &Crate) -> Graph {
    let reexports = root_reexports(krate);
    let mut g = Graph::new();
    for (module, (_, src)) in &krate.modules {
        let code = without_tests(&code_only(src));
        let deps = g.entry(module.clone()).or_default();
        for (line, is_super, path) in paths(&code) {
            let absolute: Vec<String> = if is_super {
                let ups: usize = path[0].trim_start_matches("super*").parse().unwrap_or(1);
                let mut base = module.clone();
                for _ in 0..ups {
                    base.pop();
                }
                base.extend(path[1..].iter().cloned());
                base
            } else {
                path
            };
            let target = resolve(krate, &reexports, &absolute);
            if target.is_empty() || &target == module {
                continue;
            }
            // A module naming its own child or parent through a path is nesting, not a cycle.
            if target.starts_with(module) {
                continue;
            }
            deps.entry(target).or_insert(line);
        }
    }
    g
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(g: &Graph) -> Vec<Vec<Vec<String>>> {
    struct St<'a> {
        g: &'a Graph,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        on: BTreeSet<&'a Vec<String>>,
        stack: Vec<&'a Vec<String>>,
        next: usize,
        out: Vec<Vec<Vec<String>>>,
    }
    fn visit<'a>(s: &mut St<'a>, v: &'a Vec<String>) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on.insert(v);
        if let Some(deps) = s.g.get(v) {
            for w in deps.keys() {
                if !s.g.contains_key(w) {
                    continue;
                }
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let lw = s.low[w];
                    let lv = s.low[v];
                    s.low.insert(v, lv.min(lw));
                } else if s.on.contains(w) {
                    let iw = s.index[w];
                    let lv = s.low[v];
                    s.low.insert(v, lv.min(iw));
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                comp.push(w.clone());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = St {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        on: BTreeSet::new(),
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in g.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "crate".to_owned()
    } else {
        m.join("::")
    }
}

/// Every problem in one crate directory, as lines of a report.
fn problems(dir: &Path) -> Vec<String> {
    let krate = load(dir);
    let mut out = Vec::new();
    for (file, src) in krate.modules.values() {
        let n = code_lines(src);
        if n > MAX_CODE_LINES {
            out.push(format!(
                "{}: {n} lines of non-test code (limit {MAX_CODE_LINES})",
                file.display()
            ));
        }
    }
    let g = graph(&krate);
    for comp in cycles(&g) {
        let names: Vec<String> = comp.iter().map(|m| name(m)).collect();
        let allowed = ALLOWED_CYCLES.iter().any(|(c, mods)| {
            *c == krate.name && mods.iter().map(|s| s.to_string()).collect::<Vec<_>>() == names
        });
        if allowed {
            continue;
        }
        let mut edges = Vec::new();
        for a in &comp {
            for (b, line) in &g[a] {
                if comp.contains(b) {
                    let file = krate.modules[a].0.display();
                    edges.push(format!("{} -> {} ({file}:{line})", name(a), name(b)));
                }
            }
        }
        out.push(format!(
            "{}: module cycle {{{}}}: {}",
            krate.name,
            names.join(", "),
            edges.join("; ")
        ));
    }
    out
}

fn workspace_crates() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.to_path_buf()];
    for entry in fs::read_dir(root).unwrap() {
        let p = entry.unwrap().path();
        if p.join("Cargo.toml").is_file()
            && p.join("src").is_dir()
            && p.file_name().unwrap() != "fuzz"
        {
            dirs.push(p);
        }
    }
    dirs.sort();
    dirs
}

#[test]
fn every_crate_keeps_the_house_rules() {
    let mut all = Vec::new();
    for dir in workspace_crates() {
        all.extend(problems(&dir));
    }
    assert!(all.is_empty(), "house rules broken:\n{}", all.join("\n"));
}

#[cfg(test)]
mod checker {
    use super::*;

    fn temp_crate(files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "house-{}-{}",
            std::process::id(),
            files.len() * 7 + files[0].1.len()
        ));
        let _ = fs::remove_dir_all(&dir);
        for (path, text) in files {
            let p = dir.join("src").join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        dir
    }

    #[test]
    fn finds_a_cycle_through_use_and_reexport() {
        let dir = temp_crate(&[
            ("lib.rs", "mod a;\nmod b;\npub use b::Bee;\n"),
            ("a.rs", "use crate::Bee;\npub struct A;\n"),
            ("b.rs", "pub struct Bee(crate::a::A);\n"),
        ]);
        let p = problems(&dir);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("module cycle {a, b}"), "{p:?}");
    }

    #[test]
    fn grouped_and_super_paths_count_but_tests_comments_and_strings_do_not() {
        let dir = temp_crate(&[
            ("lib.rs", "mod m;\nmod n;\n"),
            ("m/mod.rs", "mod x;\n"),
            ("m/x.rs", "use crate::{n::{N}, };\n// crate::m::x\n"),
            (
                "n.rs",
                "pub struct N;\nconst S: &str = \"crate::m::x\";\n#[cfg(test)]\nmod tests { use crate::m::x; }\n",
            ),
        ]);
        assert!(problems(&dir).is_empty(), "{:?}", problems(&dir));
        let dir = temp_crate(&[
            ("lib.rs", "mod m;\nmod n;\n"),
            ("m/mod.rs", "mod x;\nmod y;\n"),
            ("m/x.rs", "use crate::{n::{N}, };\nuse super::y::Y;\n"),
            ("m/y.rs", "pub struct Y;\n"),
            ("n.rs", "pub struct N(crate::m::x::X);\n"),
        ]);
        let p = problems(&dir);
        assert!(p.iter().any(|l| l.contains("{m::x, n}")), "{p:?}");
    }

    #[test]
    fn counts_only_non_test_code_lines() {
        let src = "//! doc\n\n/// item\nfn a() {\n    let s = \"{\";\n}\n/* block\n */\n#[cfg(test)]\nmod tests {\n    fn b() {}\n}\n";
        assert_eq!(code_lines(src), 3);
        let long: String = (0..=MAX_CODE_LINES)
            .map(|i| format!("const C{i}: u8 = 0;\n"))
            .collect();
        let dir = temp_crate(&[("lib.rs", &long)]);
        assert_eq!(problems(&dir).len(), 1);
    }
}
