//! Formula injection: a code that a spreadsheet would run is refused at load, and free text
//! (names) that could start a formula reaches no CSV cell unneutralised; numbers stay numbers.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// Copies inputs/demo into a temporary directory.
fn demo() -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/demo");
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// Replaces the first occurrence of `from` in a scenario file.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{file} holds no `{from}`");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

fn csv_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            csv_files(&p, found);
        } else if p.extension().is_some_and(|x| x == "csv") {
            found.push(p);
        }
    }
}

#[test]
fn a_formula_as_a_nation_code_is_refused_with_its_place() {
    let dir = demo();
    // nations.csv line 2 is `GBR,United Kingdom,,`: the code is in column `nation`.
    edit(dir.path(), "nations.csv", "GBR,", "=cmd|calc,");
    let r = rotaplan(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("nations.csv:2: nation: `=cmd|calc` is not a valid code")),
        "{}",
        r.stdout
    );
    // `solve` refuses it the same way and writes nothing.
    let out = dir.path().join("out");
    let r = rotaplan(&[
        "solve",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(r.code, 2);
    assert!(!out.exists());
}

#[test]
fn every_code_column_and_every_formula_start_is_checked() {
    // (file, text in the demo, replacement, expected start of the message)
    let cases = [
        (
            "sites.csv",
            "ua-lviv,Lviv,UA",
            "ua-lviv,Lviv,+UA",
            "sites.csv:2: zone: `+UA`",
        ),
        (
            "unit_types.csv",
            "mech_bn,land",
            "@mech,land",
            "unit_types.csv:2: unit_type: `@mech`",
        ),
        (
            "nodes.csv",
            "depot-rzeszow,depot",
            "-depot,depot",
            "nodes.csv:2: node: `-depot`",
        ),
        (
            "limits.csv",
            "*,UA,land,2400",
            "*,=1+2,land,2400",
            "limits.csv:3: zone: `=1+2`",
        ),
        // Cells are trimmed, so a tab can only hide inside a code.
        (
            "commodities.csv",
            "water,3",
            "\"wa\tter\",3",
            "commodities.csv:3: commodity: `wa\\tter`",
        ),
    ];
    for (file, from, to, want) in cases {
        let dir = demo();
        edit(dir.path(), file, from, to);
        let r = rotaplan(&["check", dir.path().to_str().unwrap()]);
        assert_eq!(r.code, 2, "{file}: {}", r.stdout);
        assert!(
            r.stdout.lines().any(|l| l.starts_with(want)),
            "{file}: wanted `{want}…` in\n{}",
            r.stdout
        );
    }
}

#[test]
fn hostile_names_reach_no_cell_as_formulas_and_negative_numbers_stay() {
    let dir = demo();
    // Free-text names are not codes: they load, and `batch` copies them into each variant's
    // scenario/ (CSV files a planner opens). The site gets a western longitude: a number that
    // starts with `-` and must stay a number.
    edit(
        dir.path(),
        "nations.csv",
        "GBR,United Kingdom",
        "GBR,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
    );
    edit(
        dir.path(),
        "sites.csv",
        "ua-lviv,Lviv,UA,site-lviv,mostyska,49.8,23.95",
        "ua-lviv,@SUM(1+1),UA,site-lviv,mostyska,49.8,-23.95",
    );
    let r = rotaplan(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let out = dir.path().join("batch");
    let r = rotaplan(&[
        "batch",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "1",
        "--time-limit",
        "20",
    ]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let mut files = Vec::new();
    csv_files(&out, &mut files);
    assert!(files.len() > 10, "{files:?}");
    let mut cells = 0;
    for f in &files {
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(f)
            .unwrap();
        for rec in rd.records() {
            for c in rec.unwrap().iter() {
                cells += 1;
                let number = c.parse::<f64>().is_ok();
                assert!(
                    number || !c.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{}: cell `{c}` would be read as a formula",
                    f.display()
                );
            }
        }
    }
    assert!(cells > 1000);
    // The names are kept, readable, behind a `'`; the longitude stays a bare number.
    let sites = std::fs::read_to_string(out.join("base/scenario/sites.csv")).unwrap();
    assert!(sites.contains("ua-lviv,'@SUM(1+1),UA,"), "{sites}");
    assert!(sites.contains(",-23.95"), "{sites}");
    let nations = std::fs::read_to_string(out.join("base/scenario/nations.csv")).unwrap();
    assert!(nations.contains("\"'=HYPERLINK("), "{nations}");
}

#[test]
fn the_csv_writer_keeps_numbers_and_neutralises_text() {
    let mut c = rotaplan::base::text::Csv::new(&["a", "b", "c", "d"]);
    c.row([
        "-5".to_string(),
        rotaplan::base::text::fmt_num(-2.5),
        "-5 km".to_string(),
        "=1,2".to_string(),
    ]);
    // `-5 km` is not a number: neutralised. `=1,2` needs quotes and the prefix, inside them.
    assert_eq!(c.text, "a,b,c,d\n-5,-2.5,'-5 km,\"'=1,2\"\n");
}
