//! The house rule of docs/architecture.md, checked: imports between the top-level modules of
//! src/ only go down (no cycle), and `verify` reaches neither the model, the solver nor the plan,
//! so the checker cannot share a bug with the code that made the plan.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module of a file under src/ (`src/x.rs` and `src/x/**` are both `x`).
fn node(rel: &Path) -> String {
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().to_string());
    first
        .unwrap_or_default()
        .trim_end_matches(".rs")
        .to_string()
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `crate::name` paths in code (comments and test modules left out), including `crate::{a, b}`.
fn imports(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut found = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let group = rest.strip_prefix('{');
            let names: Vec<&str> = match group {
                Some(g) => g.split('}').next().unwrap_or("").split(',').collect(),
                None => vec![rest],
            };
            for n in names {
                let n: String = n
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !n.is_empty() {
                    found.insert(n);
                }
            }
        }
    }
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &all {
        let n = node(p.strip_prefix(&src).expect("under src/"));
        if n != "main" && n != "lib" {
            g.entry(n).or_default();
        }
    }
    let nodes: BTreeSet<String> = g.keys().cloned().collect();
    for p in &all {
        let n = node(p.strip_prefix(&src).expect("under src/"));
        if n == "main" || n == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(p).expect("readable source");
        for t in imports(&text) {
            if t != n && nodes.contains(&t) {
                g.entry(n.clone()).or_default().insert(t);
            }
        }
    }
    g
}

fn reach(g: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(n) = todo.pop() {
        for m in g.get(&n).into_iter().flatten() {
            if seen.insert(m.clone()) {
                todo.push(m.clone());
            }
        }
    }
    seen
}

#[test]
fn imports_between_modules_only_go_down() {
    let g = graph();
    assert!(g.len() > 10, "found only {g:?}");
    for n in g.keys() {
        assert!(
            !reach(&g, n).contains(n),
            "module `{n}` imports itself through others: {:?}",
            g
        );
    }
}

#[test]
fn verify_never_reaches_the_model_the_solver_or_the_plan() {
    let g = graph();
    let r = reach(&g, "verify");
    for forbidden in ["model", "solve", "plan", "strategy", "pipeline", "analysis"] {
        assert!(
            !r.contains(forbidden),
            "verify reaches `{forbidden}`: {r:?}"
        );
    }
}

#[test]
fn the_import_reader_sees_grouped_and_plain_paths() {
    let found =
        imports("use crate::{base, model::lp};\nuse crate::scenario::Scenario; // crate::cli\n");
    let want: BTreeSet<String> = ["base", "model", "scenario"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(found, want);
}
