//! Workbook tests: the scenario workbook is checked by the same rules as a directory and its
//! problems are named by sheet and cell; `convert` round trips keep the model; plan.xlsx has the
//! sheets, types and timeline of docs/spreadsheets.md and the same bytes for the same plan.

mod common;

use calamine::{Data, DataType, Reader, Xlsx};
use common::rotaplan;
use rotaplan::scenario;
use rotaplan::scenario::workbook::cell_text;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    calamine::open_workbook(path).expect("workbook opens")
}

/// Rows of text cells into a sheet; a cell `"#n:2.5"` is written as the number 2.5, `"#d:…"` as a
/// date, `"#f:=1+2|3"` as a formula with its cached value.
fn sheet(wb: &mut Workbook, name: &str, rows: &[&[&str]]) {
    let ws: &mut Worksheet = wb.add_worksheet();
    ws.set_name(name).unwrap();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if cell.is_empty() {
                continue;
            }
            if let Some(v) = cell.strip_prefix("#n:") {
                ws.write_number(r, c, v.parse::<f64>().unwrap()).unwrap();
            } else if let Some(v) = cell.strip_prefix("#d:") {
                let d = ExcelDateTime::parse_from_str(v).unwrap();
                ws.write_datetime_with_format(r, c, &d, &date).unwrap();
            } else if let Some(v) = cell.strip_prefix("#f:") {
                let (f, result) = v.split_once('|').unwrap();
                ws.write_formula(r, c, Formula::new(f).set_result(result))
                    .unwrap();
            } else {
                ws.write_string(r, c, *cell).unwrap();
            }
        }
    }
}

/// A small valid scenario workbook (the validation tests' base scenario), with `change` applied
/// to the sheets before they are written.
fn small(change: impl FnOnce(&mut BTreeMap<&'static str, Vec<Vec<&'static str>>>)) -> Vec<u8> {
    let mut sheets: BTreeMap<&'static str, Vec<Vec<&'static str>>> = BTreeMap::new();
    sheets.insert(
        "scenario",
        vec![
            vec!["key", "value"],
            vec!["name", "small"],
            vec!["start", "#d:2027-01-04"],
            vec!["periods", "#n:8"],
            vec!["period_days", "#n:7"],
            vec!["solver.mode", "lp"],
        ],
    );
    sheets.insert(
        "nations",
        vec![
            vec!["nation", "name", "available_from", "available_to"],
            vec!["AAA", "Alpha", "", ""],
            vec!["BBB", "Bravo", "", ""],
        ],
    );
    sheets.insert(
        "unit_types",
        vec![
            vec![
                "unit_type",
                "domain",
                "role",
                "troops",
                "tour_days",
                "dwell_days",
            ],
            vec!["inf_bn", "land", "infantry", "#n:500", "#n:28", "#n:56"],
        ],
    );
    sheets.insert(
        "offers",
        vec![
            vec!["nation", "unit_type", "units", "cost_per_day"],
            vec!["AAA", "inf_bn", "#n:3", "#n:10"],
            vec!["BBB", "inf_bn", "#n:2", "#n:12"],
        ],
    );
    sheets.insert(
        "sites",
        vec![vec!["site", "zone"], vec!["S1", "east"], vec!["S2", "west"]],
    );
    sheets.insert(
        "requirements",
        vec![
            vec!["site", "role", "required", "from", "to"],
            vec!["S1", "infantry", "#n:1", "", ""],
            vec!["S2", "infantry", "#n:1", "#d:2027-01-18", ""],
        ],
    );
    change(&mut sheets);
    let mut wb = Workbook::new();
    for (name, rows) in &sheets {
        let rows: Vec<&[&str]> = rows.iter().map(|r| r.as_slice()).collect();
        sheet(&mut wb, name, &rows);
    }
    wb.save_to_buffer().unwrap()
}

fn write_temp(bytes: &[u8], name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn errors(path: &Path) -> Vec<String> {
    let out = scenario::load(path);
    out.diags.errors().map(|e| e.to_string()).collect()
}

#[test]
fn a_valid_workbook_loads_and_solves() {
    let (_dir, path) = write_temp(&small(|_| {}), "small.xlsx");
    let out = scenario::load(&path);
    let msgs: Vec<String> = out.diags.items.iter().map(|d| d.to_string()).collect();
    let sc = out.scenario.unwrap_or_else(|| panic!("{msgs:?}"));
    assert_eq!(sc.name, "small");
    assert_eq!(sc.periods, 8);
    assert_eq!(sc.offers.len(), 2);
    let run = rotaplan(&["check", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let out_dir = path.with_file_name("plan");
    let run = rotaplan(&[
        "solve",
        path.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = rotaplan(&["verify", path.to_str().unwrap(), out_dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn every_error_is_named_by_sheet_and_cell_at_once() {
    let bytes = small(|s| {
        // offers!C2: a fraction of a unit.
        s.get_mut("offers").unwrap()[1][2] = "#n:2.5";
        // nations!C3: a text date that is not a date.
        s.get_mut("nations").unwrap()[2][2] = "2027-13-01";
        // requirements!C3: a number written as text that is not a number.
        s.get_mut("requirements").unwrap()[2][2] = "one";
        // scenario!B4: zero periods.
        s.get_mut("scenario").unwrap()[3][1] = "#n:0";
        // sites: the required sheet is gone.
        s.remove("sites");
        // Sheet names match without regard to case, and problems use the workbook's spelling.
        let ut = s.remove("unit_types").unwrap();
        s.insert("Unit_Types", ut);
        s.get_mut("Unit_Types").unwrap()[1][4] = "#n:-28";
        // A sheet of notes is ignored with a warning.
        s.insert("notes", vec![vec!["anything"]]);
    });
    let (_dir, path) = write_temp(&bytes, "scenario.xlsx");
    let errs = errors(&path);
    for want in [
        "scenario.xlsx: offers!C2: units: expected a whole number, got 2.5",
        "scenario.xlsx: nations!C3: available_from: expected a date YYYY-MM-DD, got `2027-13-01`",
        "scenario.xlsx: requirements!C3: required: expected a number, got `one`",
        "scenario.xlsx: scenario!B4: periods: expected a whole number ≥ 1, got 0",
        "scenario.xlsx: sites: required sheet is missing",
        "scenario.xlsx: Unit_Types!E2: tour_days: must be ≥ 0, got -28",
    ] {
        assert!(
            errs.iter().any(|e| e == want),
            "missing {want:?} in {errs:#?}"
        );
    }
    // Nothing is named by a file of a directory the user does not have.
    assert!(
        errs.iter()
            .all(|e| !e.contains(".csv") && !e.contains(".toml")),
        "{errs:#?}"
    );
    let out = scenario::load(&path);
    assert!(out
        .diags
        .warnings()
        .any(|w| w.to_string()
            == "scenario.xlsx: notes: warning: not a scenario table: sheet ignored"));
    // The CLI reports the same and exits 2; solve writes nothing.
    let run = rotaplan(&["check", path.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run
        .stdout
        .contains("scenario.xlsx: offers!C2: units: expected a whole number, got 2.5"));
    let out_dir = path.with_file_name("plan");
    let run = rotaplan(&[
        "solve",
        path.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(!out_dir.exists());
}

#[test]
fn row_header_and_setting_problems_are_placed() {
    let bytes = small(|s| {
        // A cell beyond the header columns: a problem of the whole row 3.
        s.get_mut("offers").unwrap()[2].extend(["", "", "stray"]);
        // A required column missing: a problem of the header row.
        let ut = s.get_mut("unit_types").unwrap();
        ut[0][5] = "dwell";
        // A setting with a name that is not a key, and one with no value.
        let sc = s.get_mut("scenario").unwrap();
        sc.push(vec!["solver mode", "mip"]);
        sc.push(vec!["solver.threads", ""]);
    });
    let (_dir, path) = write_temp(&bytes, "s.xlsx");
    let errs = errors(&path);
    for want in [
        "s.xlsx: offers row 3: 3 cell(s) beyond the 4 header columns",
        "s.xlsx: unit_types row 1: dwell_days: required column is missing",
        "s.xlsx: scenario!B8: solver.threads: a value is required",
    ] {
        assert!(
            errs.iter().any(|e| e == want),
            "missing {want:?} in {errs:#?}"
        );
    }
    assert!(
        errs.iter()
            .any(|e| e.starts_with("s.xlsx: scenario!A7: `solver mode` is not a setting name")),
        "{errs:#?}"
    );
}

#[test]
fn dates_as_text_or_dates_and_formulas_by_cached_value() {
    let bytes = small(|s| {
        // The same date typed as text in one row, as a date in the other (two formats).
        let req = s.get_mut("requirements").unwrap();
        req[1][3] = "2027-01-18";
        // A formula: its cached value (3) counts, not its text.
        s.get_mut("offers").unwrap()[1][2] = "#f:=1+2|3";
        s.get_mut("scenario").unwrap()[2][1] = "2027-01-04";
    });
    let (_dir, path) = write_temp(&bytes, "s.xlsx");
    let out = scenario::load(&path);
    let msgs: Vec<String> = out.diags.items.iter().map(|d| d.to_string()).collect();
    let sc = out.scenario.unwrap_or_else(|| panic!("{msgs:?}"));
    let d = chrono::NaiveDate::from_ymd_opt(2027, 1, 18);
    assert_eq!(sc.requirements[0].from, d);
    assert_eq!(sc.requirements[1].from, d);
    let aaa = sc.nations.iter().position(|n| n.code == "AAA").unwrap();
    let offer = sc.offers.iter().find(|o| o.nation == aaa).unwrap();
    assert_eq!(offer.units, 3);
}

#[test]
fn resaving_the_same_data_keeps_the_input_hash() {
    // The same cells saved again by another program (other document properties, dates turned
    // into text) hash the same: the hash is over the content read, not the file's bytes. A
    // changed cell changes it.
    let a = small(|_| {});
    let (_d1, pa) = write_temp(&a, "a.xlsx");
    let mut wb = Workbook::new();
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_author("someone else"));
    let mut src = open(&pa);
    for name in src.sheet_names() {
        let range = src.worksheet_range(&name).unwrap();
        let ws = wb.add_worksheet();
        ws.set_name(&name).unwrap();
        for (r, c, v) in range.used_cells() {
            let (r, c) = (r as u32, c as u16);
            match v {
                Data::Float(f) => ws.write_number(r, c, *f).unwrap(),
                other => ws.write_string(r, c, cell_text(other)).unwrap(),
            };
        }
    }
    let b = wb.save_to_buffer().unwrap();
    assert_ne!(a, b);
    let (_d2, pb) = write_temp(&b, "b.xlsx");
    let hash = |p: &Path| scenario::load(p).scenario.unwrap().input_hash;
    assert_eq!(hash(&pa), hash(&pb));
    let c = small(|s| s.get_mut("offers").unwrap()[1][3] = "#n:11");
    let (_d3, pc) = write_temp(&c, "c.xlsx");
    assert_ne!(hash(&pa), hash(&pc));
}

/// Everything of a loaded scenario that the model is built from, as text: the directory form
/// of the scenario plus the settings that form does not write.
fn model_inputs(sc: &scenario::Scenario) -> String {
    let files = scenario::write::render(sc);
    format!(
        "{files:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        sc.solver, sc.penalties, sc.stability, sc.output
    )
}

#[test]
fn convert_round_trips_keep_the_model() {
    for name in ["demo", "coalition-30k", "reassurance-10k", "frontline-100k"] {
        let src = repo(&format!("inputs/{name}"));
        let tmp = tempfile::tempdir().unwrap();
        let book = tmp.path().join(format!("{name}.xlsx"));
        let back = tmp.path().join(name);
        let run = rotaplan(&["convert", src.to_str().unwrap(), book.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let run = rotaplan(&["convert", book.to_str().unwrap(), back.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let load = |p: &Path| {
            let out = scenario::load(p);
            let msgs: Vec<String> = out.diags.items.iter().map(|d| d.to_string()).collect();
            out.scenario
                .unwrap_or_else(|| panic!("{}: {msgs:?}", p.display()))
        };
        let (a, b, c) = (load(&src), load(&book), load(&back));
        assert_eq!(
            model_inputs(&a),
            model_inputs(&b),
            "{name}: directory vs workbook"
        );
        assert_eq!(
            model_inputs(&a),
            model_inputs(&c),
            "{name}: directory vs round trip"
        );
        // Coordinates of nodes are not in the model, but the converted directory keeps them.
        let nodes = |p: &Path| {
            let t = std::fs::read_to_string(p.join("nodes.csv")).unwrap();
            t.lines().map(|l| l.split(',').count()).sum::<usize>()
        };
        assert_eq!(nodes(&src), nodes(&back), "{name}: nodes.csv columns");
        // The directory of a workbook converts to the same workbook bytes again.
        let again = tmp.path().join("again.xlsx");
        let run = rotaplan(&["convert", back.to_str().unwrap(), again.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            std::fs::read(&book).unwrap() == std::fs::read(&again).unwrap(),
            "{name}: the workbook of the converted directory differs"
        );
    }
}

#[test]
fn the_demo_plan_is_the_same_from_its_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("demo.xlsx");
    let src = repo("inputs/demo");
    assert_eq!(
        rotaplan(&["convert", src.to_str().unwrap(), book.to_str().unwrap()]).code,
        0
    );
    let solve = |s: &Path, out: &Path| {
        let run = rotaplan(&[
            "solve",
            s.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    };
    let (o1, o2) = (tmp.path().join("o1"), tmp.path().join("o2"));
    solve(&src, &o1);
    solve(&book, &o2);
    for f in ["deployments.csv", "coverage.csv", "flows.csv", "stocks.csv"] {
        assert_eq!(
            std::fs::read_to_string(o1.join(f)).unwrap(),
            std::fs::read_to_string(o2.join(f)).unwrap(),
            "{f}"
        );
    }
    let objective = |o: &Path| common::read_summary(o)["objective"].as_f64().unwrap();
    assert_eq!(objective(&o1), objective(&o2));
}

#[test]
fn convert_refuses_what_it_cannot_do_safely() {
    let tmp = tempfile::tempdir().unwrap();
    let src = repo("inputs/demo");
    // The destination exists: never overwritten.
    let existing = tmp.path().join("x.xlsx");
    std::fs::write(&existing, b"keep me").unwrap();
    let run = rotaplan(&["convert", src.to_str().unwrap(), existing.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");
    // Directory to directory.
    let run = rotaplan(&[
        "convert",
        src.to_str().unwrap(),
        tmp.path().join("d").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    // An invalid scenario: every problem listed, nothing written.
    let bad = small(|s| s.get_mut("offers").unwrap()[1][2] = "#n:2.5");
    let (_d, path) = write_temp(&bad, "bad.xlsx");
    let dst = tmp.path().join("bad");
    let run = rotaplan(&["convert", path.to_str().unwrap(), dst.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("bad.xlsx: offers!C2: units"),
        "{}",
        run.stderr
    );
    assert!(!dst.exists());
}

// ---- the plan workbook ----

/// A plan of the demo scenario written by hand (start 2027-01-04, weekly periods, 52 of them):
/// one numbered tour arriving 2027-01-18 (period 2) and departing 2027-03-14, 69 days after the
/// start, so in period 69 div 7 = 9; one numbered tour wholly inside period 0; and a site code
/// that looks like a formula.
fn hand_plan(gap: f64, status: &str) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    files.insert(
        "deployments.csv".to_string(),
        b"nation,unit_type,unit,site,zone,units,troops,arrive,cover_from,depart,initial\n\
          FRA,mech_bn,FRA-mech_bn-1,ua-lviv,UA,1,600,2027-01-18,2027-02-01,2027-03-14,false\n\
          POL,ftr_det,POL-ftr_det-2,=HYPERLINK(\"x\"),PL,1,100,2027-01-04,2027-01-04,2027-01-10,true\n"
            .to_vec(),
    );
    files.insert(
        "coverage.csv".to_string(),
        b"period_start,site,role,required,covered,shortfall\n2027-01-04,ua-lviv,manoeuvre_bn,2,1.5,0.5\n"
            .to_vec(),
    );
    let summary = serde_json::json!({
        "scenario": "demo", "mode": "mip", "status": status, "objective": 1234.5, "gap": gap,
        "terms": {"coverage_penalty": 1.0, "deployment_cost": 2.0, "tour_cost": 3.0,
                  "transport_cost": 4.0, "supply_cost": 5.0, "sustainment_penalty": 6.0,
                  "days_of_supply_penalty": 7.0, "change_penalty": 0.0},
        "shortfall": {"role_unit_periods": 0.5, "unmet_tons": 0.0,
                      "by_site_role": {"ua-lviv/manoeuvre_bn": 0.5}, "unmet_by_commodity_node": {}},
        "peak_troops": 700.0, "input_hash": "abc", "version": "0.1.0"
    });
    files.insert(
        "summary.json".to_string(),
        serde_json::to_vec(&summary).unwrap(),
    );
    files
}

fn demo() -> scenario::Scenario {
    scenario::load(&repo("inputs/demo")).scenario.unwrap()
}

#[test]
fn plan_workbook_sheets_types_and_timeline() {
    let sc = demo();
    let bytes = rotaplan::workbook::plan_workbook(&sc, &hand_plan(0.004, "optimal")).unwrap();
    let (_d, path) = write_temp(&bytes, "plan.xlsx");
    let mut wb = open(&path);
    assert_eq!(
        wb.sheet_names(),
        ["summary", "timeline", "deployments", "coverage"]
    );
    let dep = wb.worksheet_range("deployments").unwrap();
    // Header, then the rows sorted as in the CSV; columns as in the CSV.
    assert_eq!(dep.get_value((0, 5)), Some(&Data::String("units".into())));
    assert_eq!(dep.get_value((1, 5)), Some(&Data::Float(1.0)));
    assert_eq!(dep.get_value((1, 6)), Some(&Data::Float(600.0)));
    let arrive = dep.get_value((1, 7)).unwrap();
    assert!(arrive.is_datetime(), "{arrive:?}");
    assert_eq!(cell_text(arrive), "2027-01-18");
    assert_eq!(dep.get_value((1, 10)), Some(&Data::Bool(false)));
    // Text from the inputs stays text: the cell holds the characters, no formula.
    assert_eq!(
        dep.get_value((2, 3)),
        Some(&Data::String("=HYPERLINK(\"x\")".into()))
    );
    let formulas = wb.worksheet_formula("deployments").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    // Fractions stay fractions.
    let cov = wb.worksheet_range("coverage").unwrap();
    assert_eq!(cov.get_value((1, 4)), Some(&Data::Float(1.5)));

    let summary = wb.worksheet_range("summary").unwrap();
    let row = |label: &str| {
        (0..summary.height() as u32)
            .find(|&r| summary.get_value((r, 0)) == Some(&Data::String(label.into())))
            .map(|r| summary.get_value((r, 1)).cloned().unwrap())
    };
    assert_eq!(
        row("gap"),
        Some(Data::String(
            "proven within 0.4 % of the best possible".into()
        ))
    );
    assert_eq!(row("objective"), Some(Data::Float(1234.5)));
    assert_eq!(row("peak troops on the ground"), Some(Data::Float(700.0)));
    assert_eq!(row("short at ua-lviv/manoeuvre_bn"), Some(Data::Float(0.5)));

    // Timeline: rows sorted by nation; columns A–C name the unit, D is period 0. The FRA tour
    // covers periods 2..=9, so one merged bar from column 3 + 2 = 5 to 3 + 9 = 12 holding the
    // site; the POL tour of one period is a single cell in column 3.
    let tl = wb.worksheet_range("timeline").unwrap();
    assert_eq!(
        tl.get_value((1, 2)),
        Some(&Data::String("FRA-mech_bn-1".into()))
    );
    assert_eq!(tl.get_value((1, 5)), Some(&Data::String("ua-lviv".into())));
    assert_eq!(tl.get_value((1, 4)).unwrap_or(&Data::Empty), &Data::Empty);
    assert_eq!(
        tl.get_value((2, 3)),
        Some(&Data::String("=HYPERLINK(\"x\")".into()))
    );
    let period_9 = tl.get_value((0, 12)).unwrap();
    assert_eq!(cell_text(period_9), "2027-03-08"); // 2027-01-04 + 9 weeks
    let merged: Vec<_> = wb
        .merge_cells_by_sheet_name("timeline")
        .unwrap()
        .iter()
        .map(|d| (d.start, d.end))
        .collect();
    assert_eq!(merged, [((1, 5), (1, 12))]);
}

#[test]
fn plan_workbook_is_the_same_bytes_for_the_same_plan() {
    let sc = demo();
    let files = hand_plan(0.0, "optimal");
    let a = rotaplan::workbook::plan_workbook(&sc, &files).unwrap();
    // A creation time of "now" would differ after a second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = rotaplan::workbook::plan_workbook(&sc, &files).unwrap();
    assert!(a == b, "two workbooks of one plan differ");
    let c = rotaplan::workbook::plan_workbook(&sc, &hand_plan(0.01, "optimal")).unwrap();
    assert!(a != c);
}

#[test]
fn gaps_in_words() {
    use rotaplan::workbook::plan::gap_in_words;
    assert_eq!(
        gap_in_words("mip", "optimal", 0.0),
        "proven optimal: no better plan exists"
    );
    assert_eq!(
        gap_in_words("mip", "optimal", 0.004),
        "proven within 0.4 % of the best possible"
    );
    // Below 0.1 % two decimals, so a small gap does not read as 0.0 %.
    assert_eq!(
        gap_in_words("mip", "optimal", 0.0004),
        "proven within 0.04 % of the best possible"
    );
    assert_eq!(
        gap_in_words("mip", "feasible", 0.038),
        "stopped before proving optimality; at most 3.8 % above the best possible"
    );
    assert!(gap_in_words("lp", "optimal", 0.0).starts_with("LP relaxation"));
}

#[test]
fn solve_writes_plan_xlsx_on_request_only() {
    let tmp = tempfile::tempdir().unwrap();
    let src = repo("inputs/demo");
    let solve = |s: &Path, out: &Path, extra: &[&str]| {
        let mut args = vec![
            "solve",
            s.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--mode",
            "lp",
        ];
        args.extend(extra);
        let run = rotaplan(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
    };
    let (o1, o2, o3) = (
        tmp.path().join("o1"),
        tmp.path().join("o2"),
        tmp.path().join("o3"),
    );
    solve(&src, &o1, &[]);
    assert!(!o1.join("plan.xlsx").exists());
    solve(&src, &o2, &["--xlsx"]);
    // The scenario setting asks for it too.
    let dir = tmp.path().join("demo");
    std::fs::create_dir(&dir).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    let toml = dir.join("scenario.toml");
    let text = std::fs::read_to_string(&toml).unwrap() + "\n[output]\nxlsx = true\n";
    std::fs::write(&toml, text).unwrap();
    solve(&dir, &o3, &[]);
    assert!(o3.join("plan.xlsx").is_file());
    let a = std::fs::read(o2.join("plan.xlsx")).unwrap();
    let wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(a)).unwrap();
    assert_eq!(
        wb.sheet_names()[..3],
        ["summary", "timeline", "deployments"]
    );
    // The demo has a supply network: its tables have sheets too.
    assert!(wb.sheet_names().contains(&"flows".to_string()));
    // A setting that is not a boolean is an input error with its line.
    std::fs::write(
        &toml,
        std::fs::read_to_string(&toml)
            .unwrap()
            .replace("xlsx = true", "xlsx = \"yes\""),
    )
    .unwrap();
    let run = rotaplan(&["check", dir.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    let line = std::fs::read_to_string(&toml)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("xlsx"))
        .unwrap()
        + 1;
    assert!(
        run.stdout.contains(&format!(
            "scenario.toml:{line}: output.xlsx: expected true or false, got \"yes\""
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn batch_takes_a_workbook() {
    let (_dir, path) = write_temp(&small(|_| {}), "small.xlsx");
    let out = path.with_file_name("batch");
    let run = rotaplan(&[
        "batch",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--each-nation-withdraws",
        "--jobs",
        "1",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // base, withdraw-AAA, withdraw-BBB: three variants after the header.
    let summary = std::fs::read_to_string(out.join("batch_summary.csv")).unwrap();
    let variants: Vec<&str> = summary
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(variants, ["base", "withdraw-AAA", "withdraw-BBB"]);
}

#[test]
fn skip_if_unchanged_still_writes_a_missing_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    let (_dir, path) = write_temp(&small(|_| {}), "small.xlsx");
    let out = tmp.path().join("o");
    let solve = |extra: &[&str]| {
        let mut args = vec![
            "solve",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--skip-if-unchanged",
        ];
        args.extend(extra);
        let run = rotaplan(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    solve(&[]);
    assert!(!out.join("plan.xlsx").exists());
    // Same inputs and options, but now the workbook is asked for: not skipped.
    let said = solve(&["--xlsx"]);
    assert!(!said.contains("nothing to do"), "{said}");
    assert!(out.join("plan.xlsx").is_file());
    // And now it is current.
    assert!(solve(&["--xlsx"]).contains("nothing to do"));
}

#[test]
fn an_unreadable_workbook_or_a_missing_settings_sheet_is_an_input_error() {
    // A CSV file saved with the .xlsx extension is not a workbook.
    let (_d1, path) = write_temp(b"nation,name\nAAA,Alpha\n", "renamed.xlsx");
    let errs = errors(&path);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("renamed.xlsx: cannot read the workbook: "),
        "{errs:?}"
    );
    let run = rotaplan(&["check", path.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    // No settings sheet: named like the sheet the user must add.
    let bytes = small(|s| {
        s.remove("scenario");
    });
    let (_d2, path) = write_temp(&bytes, "s.xlsx");
    let errs = errors(&path);
    assert!(
        errs.iter()
            .any(|e| e == "s.xlsx: scenario: required sheet is missing"),
        "{errs:#?}"
    );
}

#[test]
fn plan_xlsx_holds_the_explanations_and_the_ask() {
    // The one-nation site of tests/ask.rs: one role-unit over 12 weekly periods, tours of 4
    // periods busy 12, AAA offers 2 battalions: 2 tours cover 8 periods, 4 role-unit periods are
    // short, and the ask is 1 more AAA battalion from period 8 (2027-03-01) that removes all 4.
    let dir = common::one_nation_site(
        "nation,zone,domain,max_troops\nBBB,east,land,0\nCCC,east,land,0\n",
    )
    .write();
    let out = dir.path().join("plan");
    let run = rotaplan(&[
        "solve",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--ask",
        "--xlsx",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut wb = open(&out.join("plan.xlsx"));
    let names = wb.sheet_names();
    assert_eq!(names[names.len() - 2..], ["explanations", "ask"]);

    let ask = wb.worksheet_range("ask").unwrap();
    assert_eq!(ask.height(), 2, "a header and one row");
    let col = |r: &calamine::Range<Data>, name: &str| {
        (0..r.width() as u32)
            .find(|&c| r.get_value((0, c)) == Some(&Data::String(name.into())))
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    assert_eq!(
        ask.get_value((1, col(&ask, "nation"))),
        Some(&Data::String("AAA".into()))
    );
    assert_eq!(
        ask.get_value((1, col(&ask, "units"))),
        Some(&Data::Float(1.0))
    );
    let needed = ask.get_value((1, col(&ask, "needed_from"))).unwrap();
    assert!(needed.is_datetime(), "{needed:?}");
    assert_eq!(cell_text(needed), "2027-03-01");
    assert_eq!(
        ask.get_value((1, col(&ask, "shortfall_removed"))),
        Some(&Data::Float(4.0))
    );

    // Explanations: as many rows as explanations.csv, days as dates, amounts as numbers; the
    // coverage episodes (one row per cause, so counted once each) add up to the 4 short.
    let ex = wb.worksheet_range("explanations").unwrap();
    let csv = common::read_csv(&out.join("explanations.csv"));
    assert_eq!(ex.height(), csv.len() + 1);
    let mut episodes = BTreeMap::new();
    for (i, row) in csv.iter().enumerate() {
        let r = (i + 1) as u32;
        let from = ex.get_value((r, col(&ex, "from"))).unwrap();
        assert!(from.is_datetime(), "{from:?}");
        assert_eq!(cell_text(from), row["from"]);
        let Some(Data::Float(amount)) = ex.get_value((r, col(&ex, "amount"))) else {
            panic!("amount is not a number in row {r}");
        };
        assert_eq!(amount.to_string(), row["amount"]);
        if row["kind"] == "coverage" {
            let episode = (&row["where"], &row["what"], &row["from"], &row["to"]);
            episodes.insert(episode, *amount);
        }
    }
    assert_eq!(episodes.values().sum::<f64>(), 4.0, "{csv:?}");
}
