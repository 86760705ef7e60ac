//! `solve --write-mps FILE` writes the whole model, objective constant included, so another
//! solver reading the file reports the objective that summary.json does.

mod common;
use common::*;
use std::path::Path;

/// The objective row's right-hand side in an MPS file: by the format's convention it holds the
/// negated constant of the objective.
fn objective_rhs(mps: &str) -> f64 {
    let mut section = "";
    let mut objective = None;
    for line in mps.lines() {
        if !line.starts_with(' ') {
            section = line.split_whitespace().next().unwrap_or("");
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        match section {
            "ROWS" if f.first() == Some(&"N") => objective = f.get(1).map(|s| s.to_string()),
            "RHS" => {
                // `[set] row value [row value]`
                let pairs = if f.len() % 2 == 1 { &f[1..] } else { &f[..] };
                for p in pairs.chunks(2) {
                    if Some(p[0].to_string()) == objective {
                        return p[1].parse().expect("a number");
                    }
                }
            }
            _ => {}
        }
    }
    0.0
}

#[test]
fn the_mps_file_holds_the_cost_of_the_tours_under_way() {
    let dir = copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/demo"));
    let mps = dir.path().join("model.mps");
    let (_, s) = solve_and_verify(
        dir.path(),
        &["--mode", "lp", "--write-mps", mps.to_str().unwrap()],
    );
    assert_eq!(s["status"], "optimal");
    // The demo starts 2027-01-04 with 7-day periods; three rows of deployed.csv are under way:
    // - GBR mech_bn, arrived 2026-12-14 (period -3), tour 182 days = 26 periods: periods 0..23
    //   in the horizon, 23 × 7 days × 150 per day = 24,150;
    // - FRA mech_bn, arrived 2026-11-16 (period -7): 19 periods × 7 × 140 = 18,620;
    // - POL ftr_det ×2, arrived 2026-12-07 (period -4), tour 120 days = 18 periods:
    //   14 periods × 7 × 50 × 2 = 9,800.
    // Constant: 52,570, written as the objective row's right-hand side −52,570.
    let text = std::fs::read_to_string(&mps).expect("the MPS file is written");
    assert_eq!(objective_rhs(&text), -52570.0);
}

#[test]
fn the_objective_reader_finds_the_right_hand_side() {
    let mps = "NAME x\nROWS\n N  COST\n L  r1\nCOLUMNS\n    x  COST  1  r1  1\nRHS\n    RHS_V  r1  4  COST  -7\nENDATA\n";
    assert_eq!(objective_rhs(mps), -7.0);
}

/// What an MPS file holds: constraint rows (the objective row left out), distinct columns,
/// matrix entries (objective entries left out) and columns inside integer markers.
fn mps_counts(mps: &str) -> (usize, usize, usize, usize) {
    let mut section = "";
    let mut objective = String::new();
    let (mut rows, mut entries) = (0, 0);
    let mut cols = std::collections::BTreeSet::new();
    let mut integer = std::collections::BTreeSet::new();
    let mut in_integer = false;
    for line in mps.lines() {
        if !line.starts_with(' ') {
            section = line.split_whitespace().next().unwrap_or("");
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        match section {
            "ROWS" if f.first() == Some(&"N") => objective = f[1].to_string(),
            "ROWS" => rows += 1,
            "COLUMNS" if f.get(1) == Some(&"'MARKER'") => in_integer = f[2] == "'INTORG'",
            "COLUMNS" => {
                cols.insert(f[0].to_string());
                if in_integer {
                    integer.insert(f[0].to_string());
                }
                entries += f[1..].chunks(2).filter(|p| p[0] != objective).count();
            }
            _ => {}
        }
    }
    (rows, cols.len(), entries, integer.len())
}

/// The model handed to HiGHS keeps every row, column, entry and integer column of the model
/// rotaplan built: the MPS written from HiGHS's copy counts what summary.json reports of the
/// built model, in both modes, on a generated scenario with a network.
#[test]
fn highs_receives_every_row_column_and_entry_of_the_built_model() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), [3, 4, 3, 26, 8], 5);
    for mode in ["mip", "lp"] {
        let mps = dir.path().join(format!("model-{mode}.mps"));
        let (_, s) = solve_and_verify(
            dir.path(),
            &[
                "--mode",
                mode,
                "--time-limit",
                "10",
                "--write-mps",
                mps.to_str().unwrap(),
            ],
        );
        let text = std::fs::read_to_string(&mps).expect("the MPS file is written");
        let model = &s["model"];
        let want = (
            model["constraints"].as_u64().unwrap() as usize,
            model["variables"].as_u64().unwrap() as usize,
            model["nonzeros"].as_u64().unwrap() as usize,
            if mode == "mip" {
                model["integer_variables"].as_u64().unwrap() as usize
            } else {
                0
            },
        );
        assert!(want.3 > 0 || mode == "lp", "a MIP with tour starts");
        assert_eq!(mps_counts(&text), want, "{mode}");
    }
}

#[test]
fn the_mps_counter_reads_rows_columns_entries_and_markers() {
    let mps = "NAME x\nROWS\n N  COST\n L  r1\n G  r2\nCOLUMNS\n    MARKER  'MARKER'  'INTORG'\n    x  COST  1  r1  1\n    x  r2  2\n    MARKER  'MARKER'  'INTEND'\n    y  r2  1\nRHS\n    RHS_V  r1  4\nENDATA\n";
    // Rows r1, r2; columns x, y; entries x·r1, x·r2, y·r2; x integer.
    assert_eq!(mps_counts(mps), (2, 2, 3, 1));
}
