//! Reading a scenario kept in one workbook (`scenario.xlsx`).
//!
//! Each sheet becomes the CSV text of the table of the same name and the `scenario` sheet the
//! text of scenario.toml; the directory loader then checks them, rule for rule. Only the
//! places in its messages change: `offers.csv:7: units` becomes `offers!C7: units`, the cell a
//! planner clicks in Excel. Cells are read by their values: a formula counts by the value Excel
//! or LibreOffice last calculated and saved with it.

use super::LoadOutcome;
use crate::base::diag::{Diag, Diags};
use crate::scenario;
use calamine::{Data, Reader, Xlsx};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The sheet of scenario.toml's settings: one `key | value` row per setting.
pub const SETTINGS_SHEET: &str = "scenario";

/// Whether `path` names a workbook rather than a scenario directory.
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
        && !path.is_dir()
}

/// Excel's name of a column: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A cell's value as the text the CSV loader expects: dates as `YYYY-MM-DD`, numbers in their
/// shortest exact form, booleans as `true`/`false`, formula errors as Excel shows them.
pub fn cell_text(v: &Data) -> String {
    match v {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            if (h, mi, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(dt) => format!("{}", dt.as_f64()),
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e}"),
    }
}

/// Where each line of a generated file came from: its sheet and the sheet's row (1-based), and
/// the sheet's column letter for each header name.
#[derive(Default)]
struct Origin {
    sheet: String,
    /// Generated line → sheet row.
    rows: BTreeMap<usize, u32>,
    /// Header name → column index.
    columns: BTreeMap<String, usize>,
}

/// A field for CSV: quoted when it holds a separator, quote or line break.
fn field(out: &mut String, cell: &str) {
    if cell.contains([',', ';', '"', '\n', '\r']) {
        let _ = write!(out, "\"{}\"", cell.replace('"', "\"\""));
    } else {
        out.push_str(cell);
    }
}

/// One sheet as CSV text (comma-separated, one line per row from row 1), with its origin.
fn sheet_csv(sheet: &str, range: &calamine::Range<Data>) -> (String, Origin) {
    let mut origin = Origin {
        sheet: sheet.to_string(),
        ..Origin::default()
    };
    let mut text = String::new();
    let Some((r0, _)) = range.start() else {
        return (text, origin);
    };
    let Some((r1, c1)) = range.end() else {
        return (text, origin);
    };
    let mut line = 1usize;
    let mut header_seen = false;
    for r in 0..=r1 {
        let cells: Vec<String> = (0..=c1)
            .map(|c| range.get_value((r, c)).map(cell_text).unwrap_or_default())
            .collect();
        if r < r0 || cells.iter().all(|c| c.trim().is_empty()) {
            // An empty row is an empty line, which the loader skips like a blank CSV line.
            text.push('\n');
            line += 1;
            continue;
        }
        if !header_seen {
            header_seen = true;
            for (c, h) in cells.iter().enumerate() {
                let h = h.trim();
                if !h.is_empty() {
                    origin.columns.entry(h.to_string()).or_insert(c);
                }
            }
        }
        origin.rows.insert(line, r + 1);
        for (c, cell) in cells.iter().enumerate() {
            if c > 0 {
                text.push(',');
            }
            field(&mut text, cell);
        }
        text.push('\n');
        line += 1 + cells.iter().map(|c| c.matches('\n').count()).sum::<usize>();
    }
    (text, origin)
}

/// The `scenario` sheet as the text of scenario.toml: `key | value` rows (a first row
/// `key | value` is a header), `section.key` for the settings of `[penalties]`, `[solver]`, ….
fn settings_toml(range: &calamine::Range<Data>, d: &mut Diags, book: &str) -> (String, Origin) {
    let mut origin = Origin {
        sheet: SETTINGS_SHEET.to_string(),
        ..Origin::default()
    };
    // (section, key, value as TOML, row)
    let mut entries: Vec<(String, String, String, u32)> = Vec::new();
    let (Some((r0, c0)), Some((r1, _))) = (range.start(), range.end()) else {
        return (String::new(), origin);
    };
    for r in r0..=r1 {
        let key = range
            .get_value((r, 0))
            .map(cell_text)
            .unwrap_or_default()
            .trim()
            .to_string();
        let value = range.get_value((r, 1)).cloned().unwrap_or(Data::Empty);
        if key.is_empty() || (r == r0 && c0 == 0 && key.eq_ignore_ascii_case("key")) {
            continue;
        }
        let at = format!("{book}: {SETTINGS_SHEET}!A{}", r + 1);
        let (section, name) = match key.split_once('.') {
            Some((s, k)) => (s.trim().to_string(), k.trim().to_string()),
            None => (String::new(), key.clone()),
        };
        let bare = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        };
        if !bare(&name) || !(section.is_empty() || bare(&section)) {
            d.error(
                &at,
                None,
                None,
                format!("`{key}` is not a setting name (letters, digits, `_`, and one `.` after a section such as solver.mode)"),
            );
            continue;
        }
        let toml_value = match &value {
            Data::Empty => {
                d.error(
                    &format!("{book}: {SETTINGS_SHEET}!B{}", r + 1),
                    None,
                    Some(&key),
                    "a value is required",
                );
                continue;
            }
            Data::Bool(b) => b.to_string(),
            Data::Int(i) => i.to_string(),
            // Whole numbers as TOML integers (periods = 52), others as floats.
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) if f.is_finite() => format!("{f:?}"),
            // Dates as text: `start` reads the same typed as a date or as text, and so hashes the same.
            other => toml::Value::String(cell_text(other)).to_string(),
        };
        entries.push((section, name, toml_value, r + 1));
    }
    // Top-level keys first (TOML puts every key after a [section] header into that section).
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut text = String::new();
    let mut line = 1usize;
    let mut current = String::new();
    for (section, name, value, row) in entries {
        if section != current {
            let _ = writeln!(text, "\n[{section}]");
            line += 2;
            current = section;
        }
        let _ = writeln!(text, "{name} = {value}");
        origin.rows.insert(line, row);
        origin.columns.insert(name.clone(), 1);
        if !current.is_empty() {
            origin.columns.insert(format!("{current}.{name}"), 1);
        }
        line += 1;
    }
    (text, origin)
}

/// The table name of a CSV file (`offers.csv` → `offers`).
fn sheet_of(file: &str) -> &str {
    file.strip_suffix(".csv").unwrap_or(file)
}

/// Moves a directory loader's message to the workbook: file and line become sheet and cell.
fn relocate(diag: &mut Diag, book: &str, origins: &BTreeMap<String, Origin>) {
    let Some(origin) = origins.get(&diag.file) else {
        // Already placed (settings problems found while reading the sheet).
        return;
    };
    let sheet = &origin.sheet;
    let row = diag.line.and_then(|l| origin.rows.get(&l).copied());
    let col = diag
        .column
        .as_ref()
        .and_then(|c| origin.columns.get(c).copied());
    diag.file = match (row, col) {
        (Some(r), Some(c)) => format!("{book}: {sheet}!{}{r}", column_letters(c)),
        (Some(r), None) => format!("{book}: {sheet} row {r}"),
        _ => format!("{book}: {sheet}"),
    };
    diag.line = None;
    diag.message = diag
        .message
        .replace("required file is missing", "required sheet is missing")
        .replace(
            "(add it, or remove this file)",
            "(add it, or remove this sheet)",
        )
        .replace("need nodes.csv", "need a nodes sheet")
        // A typed number has no decimal comma: the CSV hint does not apply to a workbook.
        .replace(
            " (a number with a decimal comma? use `.` as the decimal point)",
            "",
        );
}

/// The scenario files of a workbook, keyed by the file names of a scenario directory, with
/// where each line came from. Problems of the workbook itself (unreadable, a sheet that is not
/// a table) land in `d`.
fn files_of(
    path: &Path,
    book: &str,
    d: &mut Diags,
) -> Option<(BTreeMap<&'static str, Vec<u8>>, BTreeMap<String, Origin>)> {
    let mut wb: Xlsx<_> = match calamine::open_workbook(path) {
        Ok(wb) => wb,
        Err(e) => {
            d.error(book, None, None, format!("cannot read the workbook: {e}"));
            return None;
        }
    };
    let mut files = BTreeMap::new();
    let mut origins = BTreeMap::new();
    let names = wb.sheet_names();
    for name in &names {
        let range = match wb.worksheet_range(name) {
            Ok(r) => r,
            Err(e) => {
                d.error(
                    &format!("{book}: {name}"),
                    None,
                    None,
                    format!("cannot read the sheet: {e}"),
                );
                continue;
            }
        };
        // Sheet names as Excel compares them: without regard to case.
        let trimmed = name.trim().to_lowercase();
        let trimmed = trimmed.as_str();
        if trimmed == SETTINGS_SHEET {
            let (text, origin) = settings_toml(&range, d, book);
            files.insert(scenario::TOML, text.into_bytes());
            origins.insert(scenario::TOML.to_string(), origin);
        } else if let Some(file) = scenario::TABLES.iter().find(|f| sheet_of(f) == trimmed) {
            let (text, origin) = sheet_csv(name.trim(), &range);
            files.insert(*file, text.into_bytes());
            origins.insert(file.to_string(), origin);
        } else {
            d.warn(
                &format!("{book}: {name}"),
                None,
                None,
                "not a scenario table: sheet ignored",
            );
        }
    }
    // Sheets that are absent are named like the tables they stand for.
    for file in std::iter::once(scenario::TOML).chain(scenario::TABLES) {
        origins.entry(file.to_string()).or_insert_with(|| Origin {
            sheet: if file == scenario::TOML {
                SETTINGS_SHEET.to_string()
            } else {
                sheet_of(file).to_string()
            },
            ..Origin::default()
        });
    }
    Some((files, origins))
}

/// Hash of a workbook scenario: over the normalised content (the generated files), so saving
/// the same data again, which changes the zip's bytes, keeps the same `input_hash`.
fn content_hash(files: &BTreeMap<&str, Vec<u8>>) -> String {
    let mut hasher = Sha256::new();
    for (name, bytes) in files {
        hasher.update(name.as_bytes());
        hasher.update(bytes);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Loads and validates the scenario of a workbook, reporting problems by sheet and cell.
pub fn load(path: &Path) -> LoadOutcome {
    let book = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string());
    let mut d = Diags::default();
    let Some((files, origins)) = files_of(path, &book, &mut d) else {
        return LoadOutcome {
            scenario: None,
            diags: d,
        };
    };
    let hash = content_hash(&files);
    let mut inner = Diags::default();
    let sc = scenario::load_with(path, &files, hash, &mut inner);
    for mut diag in inner.items {
        relocate(&mut diag, &book, &origins);
        d.items.push(diag);
    }
    LoadOutcome {
        scenario: if d.has_errors() { None } else { sc },
        diags: d,
    }
}

/// The files of a workbook scenario as a directory would hold them (for `convert`), or every
/// problem found reading it.
pub fn scenario_files(path: &Path) -> Result<BTreeMap<&'static str, Vec<u8>>, Diags> {
    let mut d = Diags::default();
    let book = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    match files_of(path, &book, &mut d) {
        Some((files, _)) if !d.has_errors() => Ok(files),
        _ => Err(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_excel_names_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(2), "C");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        // 26 one-letter + 26·26 two-letter columns come before AAA: index 702.
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn cells_become_loader_text() {
        assert_eq!(cell_text(&Data::Float(2.5)), "2.5");
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::Bool(true)), "true");
        assert_eq!(
            cell_text(&Data::DateTimeIso("2027-01-04T00:00:00".into())),
            "2027-01-04"
        );
        // Serial 46391 is 2027-01-04: 45658 is 2025-01-01, plus 365 (2025) + 365 (2026) + 3.
        let dt =
            calamine::ExcelDateTime::new(46391.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(dt)), "2027-01-04");
    }
}
