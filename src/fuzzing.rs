//! The entry points the fuzz targets drive (fuzz/, docs/fuzzing.md), kept in the library so the
//! stable test suite replays the saved findings and corpora through exactly the same code
//! (tests/fuzz_replay.rs). Each takes arbitrary bytes and must return without panicking,
//! hanging or allocating without bound, whatever the bytes are.

use crate::base::diag::Diags;
use crate::scenario::table::Table;
use std::collections::BTreeMap;
use std::path::Path;

/// The demo scenario's files, the seed the structure-aware target mutates.
pub fn demo_files() -> BTreeMap<&'static str, Vec<u8>> {
    macro_rules! demo {
        ($($f:literal),*) => {
            BTreeMap::from([$(($f, include_bytes!(concat!("../inputs/demo/", $f)).to_vec())),*])
        };
    }
    demo!(
        "scenario.toml",
        "nations.csv",
        "unit_types.csv",
        "offers.csv",
        "sites.csv",
        "requirements.csv",
        "limits.csv",
        "deployed.csv",
        "nodes.csv",
        "arcs.csv",
        "supply.csv",
        "consumption.csv",
        "commodities.csv",
        "initial_stocks.csv"
    )
}

/// Loads scenario files from memory, then checks the model size, as `check` does before it builds.
fn load_files(files: &BTreeMap<&str, Vec<u8>>) {
    let mut d = Diags::default();
    if let Some(sc) = crate::scenario::load_with(Path::new("fuzz"), files, String::new(), &mut d) {
        let _ = crate::model::size::estimate(&sc);
    }
}

/// The CSV table reader: separators, BOM, quotes, line endings, encodings, widths.
pub fn csv_table(data: &[u8]) {
    let mut d = Diags::default();
    if let Some(t) = Table::parse("t.csv", data, &["a"], &["b", "c"], &mut d) {
        for r in &t.rows {
            let _ = t.code(r, "a", &mut d);
            let _ = t.opt_num(r, "b", f64::MIN, &mut d);
            let _ = t.opt_whole(r, "b", 0, &mut d);
            let _ = t.opt_date(r, "c", &mut d);
            let _ = t.opt_bool(r, "c", &mut d);
        }
    }
    for diag in &d.items {
        let _ = diag.to_string();
    }
}

/// scenario.toml, with the demo's tables.
pub fn scenario_toml(data: &[u8]) {
    let mut files = demo_files();
    files.insert("scenario.toml", data.to_vec());
    load_files(&files);
}

/// Cells at their limits, for the structure-aware mutations.
const EXTREMES: [&str; 18] = [
    "",
    "*",
    "0",
    "-0",
    "-1",
    "1e308",
    "4e15",
    "4000000000000001",
    "1e-320",
    "0.0000001",
    "9999-12-31",
    "0001-01-01",
    "2027-02-29",
    "2028-02-29",
    "1,5",
    "true",
    "=cmd|calc",
    "\u{feff}x",
];

/// The whole loader on the demo scenario mutated by `data`, read as a list of edits of four
/// bytes each: (file, row, column, operation). Operations swap two cells, repeat or drop a row,
/// set a cell to a value at its limits, or copy a cell from another row — mutations that keep
/// the files looking like scenarios, so the fuzzer gets past the header checks.
pub fn scenario_mutated(data: &[u8]) {
    let demo = demo_files();
    let names: Vec<&str> = demo
        .keys()
        .copied()
        .filter(|n| n.ends_with(".csv"))
        .collect();
    let mut tables: BTreeMap<&str, Vec<Vec<String>>> = BTreeMap::new();
    for n in &names {
        let text = String::from_utf8_lossy(&demo[n]).into_owned();
        let rows = text
            .lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        tables.insert(n, rows);
    }
    for edit in data.chunks_exact(4).take(64) {
        let name = names[edit[0] as usize % names.len()];
        // Every name got a table just above; a miss would only skip the edit.
        let Some(rows) = tables.get_mut(name) else {
            continue;
        };
        if rows.len() < 2 {
            continue;
        }
        // Row 0 is the header: edits land on data rows.
        let r = 1 + edit[1] as usize % (rows.len() - 1);
        let width = rows[r].len().max(1);
        let c = edit[2] as usize % width;
        let op = edit[3];
        match op % 6 {
            0 => {
                let c2 = (c + 1 + (op as usize >> 3)) % width;
                if c < rows[r].len() && c2 < rows[r].len() {
                    rows[r].swap(c, c2);
                }
            }
            1 => {
                let row = rows[r].clone();
                rows.insert(r, row);
            }
            2 => {
                rows.remove(r);
            }
            3 | 4 => {
                if let Some(cell) = rows[r].get_mut(c) {
                    *cell = EXTREMES[(op as usize >> 3) % EXTREMES.len()].to_string();
                }
            }
            _ => {
                let other = 1 + (op as usize >> 3) % (rows.len() - 1);
                if let Some(v) = rows[other].get(c).cloned() {
                    if let Some(cell) = rows[r].get_mut(c) {
                        *cell = v;
                    }
                }
            }
        }
    }
    let mut files = demo.clone();
    for (n, rows) in &tables {
        let text: String = rows.iter().map(|r| r.join(",") + "\n").collect();
        files.insert(n, text.into_bytes());
    }
    // The rest of the input, if any, replaces scenario.toml's horizon line: periods at their
    // limits too.
    if data.len() % 4 != 0 {
        let tail = &data[data.len() - data.len() % 4..];
        let periods = match tail[0] % 4 {
            0 => "1".to_string(),
            1 => "3000000".to_string(),
            2 => "1000000".to_string(),
            _ => (u32::from(tail[0]) * 37).to_string(),
        };
        let toml = String::from_utf8_lossy(&demo["scenario.toml"])
            .replace("periods = 52", &format!("periods = {periods}"));
        files.insert("scenario.toml", toml.into_bytes());
    }
    load_files(&files);
}

/// The plan readers of `verify`, `diff` and `solve --previous`, on a plan directory whose files
/// are `base` with one of them replaced by `data` (chosen by the first byte). Needs a directory
/// to write into: `scratch`.
pub fn plan_readers(base: &BTreeMap<String, Vec<u8>>, scratch: &Path, data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let names: Vec<&String> = base.keys().collect();
    if names.is_empty() {
        return;
    }
    let target = names[pick as usize % names.len()];
    let _ = std::fs::remove_dir_all(scratch);
    if std::fs::create_dir_all(scratch).is_err() {
        return;
    }
    for (name, bytes) in base {
        let bytes = if name == target { rest } else { bytes };
        if std::fs::write(scratch.join(name), bytes).is_err() {
            return;
        }
    }
    let mut d = Diags::default();
    let Some(sc) =
        crate::scenario::load_with(Path::new("demo"), &demo_files(), String::new(), &mut d)
    else {
        return;
    };
    let _ = crate::verify::verify(&sc, scratch);
    let mut d = Diags::default();
    if let Some(t) = crate::diff::read_tours(scratch, &mut d) {
        let _ = crate::diff::compare(&t, &t);
    }
    let mut sc2 = sc.clone();
    let _ = crate::planfile::previous::load_previous(&mut sc2, scratch);
}
