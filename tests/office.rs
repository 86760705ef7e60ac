//! A real spreadsheet program reads plan.xlsx back to the values of the CSV files: LibreOffice,
//! headless, converts every sheet of the demo plan's workbook to CSV, and each table sheet must
//! hold the CSV file's cells (numbers compared as numbers, TRUE/FALSE as true/false).
//!
//! Skipped, with a message, when `soffice` is not installed; `make test-office` installs
//! LibreOffice from Debian's packages and runs this test.

mod common;

use common::rotaplan;
use std::path::Path;
use std::process::Command;

fn soffice() -> Option<String> {
    ["soffice", "libreoffice"].iter().find_map(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| p.to_string())
    })
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Two cells hold the same value: the same text, the same number, or the same boolean.
fn same(ours: &str, theirs: &str) -> bool {
    if ours == theirs || ours.eq_ignore_ascii_case(theirs) && matches!(ours, "true" | "false") {
        return true;
    }
    match (ours.parse::<f64>(), theirs.parse::<f64>()) {
        (Ok(a), Ok(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
        _ => false,
    }
}

#[test]
fn libreoffice_reads_plan_xlsx_back_to_the_csv_values() {
    let Some(office) = soffice() else {
        println!("SKIPPED: LibreOffice (soffice) is not installed; run `make test-office`");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/demo");
    let run = rotaplan(&[
        "solve",
        demo.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--xlsx",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let csv_dir = tmp.path().join("csv");
    // Filter options: comma, double quote, UTF-8, from line 1, …, and the last token -1: every
    // sheet to its own file, plan-<sheet>.csv. A private profile keeps the run independent of
    // any user's LibreOffice settings (and of a LibreOffice already running).
    let profile = format!(
        "-env:UserInstallation=file://{}",
        tmp.path().join("lo").display()
    );
    let status = Command::new(&office)
        .args([
            &profile,
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            csv_dir.to_str().unwrap(),
            out.join("plan.xlsx").to_str().unwrap(),
        ])
        .output()
        .expect("soffice runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut compared = 0;
    for sheet in rotaplan::workbook::plan::TABLE_SHEETS {
        let ours = out.join(format!("{sheet}.csv"));
        if !ours.exists() {
            continue;
        }
        let theirs = csv_dir.join(format!("plan-{sheet}.csv"));
        let (a, b) = (rows(&ours), rows(&theirs));
        assert_eq!(a.len(), b.len(), "{sheet}: rows");
        for (i, (ra, rb)) in a.iter().zip(&b).enumerate() {
            // LibreOffice writes the used range: trailing empty cells may be missing or present.
            let width = ra.len().max(rb.len());
            for c in 0..width {
                let (x, y) = (
                    ra.get(c).map_or("", String::as_str),
                    rb.get(c).map_or("", String::as_str),
                );
                assert!(
                    same(x, y),
                    "{sheet}: row {} column {}: CSV `{x}`, LibreOffice `{y}`",
                    i + 1,
                    c + 1
                );
            }
        }
        compared += 1;
    }
    // The demo has a supply network, bottlenecks and explanations: all tables but the ask (only
    // with --ask) are there.
    assert_eq!(compared, rotaplan::workbook::plan::TABLE_SHEETS.len() - 1);
    // The timeline sheet is there and names the demo's units.
    let timeline = std::fs::read_to_string(csv_dir.join("plan-timeline.csv")).unwrap();
    assert!(timeline.starts_with("nation,unit_type,unit (or site),2027-01-04"));
    assert!(timeline.contains("FRA,mech_bn,FRA-mech_bn-1"));
}
