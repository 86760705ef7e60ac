//! `rotaplan convert SRC DST`: a scenario directory to one workbook, and back.
//!
//! The scenario is checked first (a broken one is refused with every problem listed, exit 2),
//! then its files are carried over cell for cell: unknown columns, node coordinates and every
//! setting survive, so a cell can move its data between the two forms at its own pace.

use crate::base::diag::Diags;
use crate::base::text::Csv;
use crate::scenario::table::{self, Table};
use crate::scenario::workbook::{self as read, SETTINGS_SHEET};
use crate::scenario::{TABLES, TOML};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};
use std::collections::BTreeMap;
use std::path::Path;

/// Input columns that hold amounts; written as numbers so a spreadsheet can sum and sort them.
const NUMBER_COLUMNS: [&str; 24] = [
    "units",
    "max_deployed",
    "cost_per_day",
    "cost_per_tour",
    "troops",
    "tour_days",
    "dwell_days",
    "handover_days",
    "role_value",
    "required",
    "priority",
    "max_troops",
    "storage_tons",
    "pax_per_day",
    "lat",
    "lon",
    "capacity_tons_per_day",
    "cost_per_ton",
    "transit_days",
    "tons_per_day",
    "days_of_supply",
    "shortfall_penalty",
    "tons",
    "threads",
];

/// Whether a column of a table holds dates (`from`/`to` are dates of requirements and limits,
/// but node codes of arcs).
fn is_date_column(file: &str, column: &str) -> bool {
    matches!(column, "available_from" | "available_to" | "arrived")
        || (matches!(column, "from" | "to") && matches!(file, "requirements.csv" | "limits.csv"))
}

fn xlsx(e: XlsxError) -> String {
    format!("cannot build the scenario workbook: {e}")
}

fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, String> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(xlsx)
}

/// Writes one TOML value into a settings row.
fn setting(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    key: &str,
    v: &toml::Value,
    date: &Format,
) -> Result<(), String> {
    ws.write_string(row, 0, key).map_err(xlsx)?;
    match v {
        // A date kept as text (`start = "2027-01-04"`) is a date in the sheet too.
        toml::Value::String(s) => match table::parse_date(s) {
            Some(day) => ws.write_datetime_with_format(row, 1, excel_date(day)?, date),
            None => ws.write_string(row, 1, s),
        },
        toml::Value::Integer(i) => ws.write_number(row, 1, *i as f64),
        toml::Value::Float(f) => ws.write_number(row, 1, *f),
        toml::Value::Boolean(b) => ws.write_boolean(row, 1, *b),
        toml::Value::Datetime(dt) => match dt.date.filter(|_| dt.time.is_none()) {
            Some(d) => {
                let day =
                    chrono::NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)
                        .ok_or_else(|| format!("{key}: not a date: {dt}"))?;
                ws.write_datetime_with_format(row, 1, excel_date(day)?, date)
            }
            None => ws.write_string(row, 1, dt.to_string()),
        },
        other => ws.write_string(row, 1, other.to_string()),
    }
    .map_err(xlsx)?;
    Ok(())
}

/// The workbook of a scenario directory's files (already checked by the loader).
pub fn directory_to_workbook(files: &BTreeMap<&str, Vec<u8>>) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xlsx)?;
    wb.set_properties(
        &DocProperties::new()
            .set_author("rotaplan")
            .set_creation_datetime(&fixed),
    );
    let head = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let date = Format::new().set_num_format("yyyy-mm-dd");

    let toml_text = files
        .get(TOML)
        .map(|b| String::from_utf8_lossy(b).to_string())
        .unwrap_or_default();
    let root: toml::Table = toml_text
        .parse()
        .map_err(|e: toml::de::Error| format!("{TOML}: not valid TOML: {}", e.message()))?;
    let ws = wb.add_worksheet();
    ws.set_name(SETTINGS_SHEET).map_err(xlsx)?;
    ws.write_string_with_format(0, 0, "key", &head)
        .map_err(xlsx)?;
    ws.write_string_with_format(0, 1, "value", &head)
        .map_err(xlsx)?;
    let mut row = 1;
    for (k, v) in &root {
        if let toml::Value::Table(t) = v {
            for (sk, sv) in t {
                setting(ws, row, &format!("{k}.{sk}"), sv, &date)?;
                row += 1;
            }
        } else {
            setting(ws, row, k, v, &date)?;
            row += 1;
        }
    }
    ws.set_column_width(0, 24).map_err(xlsx)?;
    ws.set_column_width(1, 60).map_err(xlsx)?;
    ws.set_freeze_panes(1, 0).map_err(xlsx)?;

    for file in TABLES {
        let Some(bytes) = files.get(file) else {
            continue;
        };
        let mut d = Diags::default();
        let t = Table::parse(file, bytes, &[], &[], &mut d).ok_or_else(|| {
            d.errors()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        let ws = wb.add_worksheet();
        ws.set_name(file.trim_end_matches(".csv")).map_err(xlsx)?;
        let mut widths: Vec<usize> = t.headers.iter().map(|h| h.chars().count() + 3).collect();
        for (c, h) in t.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &head)
                .map_err(xlsx)?;
        }
        for (i, r) in t.rows.iter().enumerate() {
            let row = (i + 1) as u32;
            for (c, cell) in r.cells.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let col = c as u16;
                let name = t.headers[c].as_str();
                let number = table::parse_number(cell).filter(|_| NUMBER_COLUMNS.contains(&name));
                let day = table::parse_date(cell).filter(|_| is_date_column(file, name));
                if let Some(v) = number {
                    ws.write_number(row, col, v).map_err(xlsx)?;
                } else if let Some(day) = day {
                    ws.write_datetime_with_format(row, col, excel_date(day)?, &date)
                        .map_err(xlsx)?;
                } else {
                    // Codes, names, wildcards and anything unexpected: text, never a formula.
                    ws.write_string(row, col, cell).map_err(xlsx)?;
                }
                widths[c] = widths[c].max(cell.chars().count() + 2);
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w).min(40) as f64)
                .map_err(xlsx)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx)?;
    }
    wb.save_to_buffer().map_err(xlsx)
}

/// A workbook's files as a scenario directory holds them: tables rewritten as plain CSV (the
/// header's columns only), scenario.toml as generated from the settings sheet.
pub fn workbook_to_directory(
    files: &BTreeMap<&'static str, Vec<u8>>,
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut out = BTreeMap::new();
    for (name, bytes) in files {
        if *name == TOML {
            out.insert(name.to_string(), bytes.clone());
            continue;
        }
        let mut d = Diags::default();
        let t = Table::parse(name, bytes, &[], &[], &mut d).ok_or_else(|| {
            d.errors()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        let keep: Vec<usize> = (0..t.headers.len())
            .filter(|&c| !t.headers[c].is_empty())
            .collect();
        let headers: Vec<&str> = keep.iter().map(|&c| t.headers[c].as_str()).collect();
        let mut csv = Csv::new(&headers);
        for r in &t.rows {
            csv.row(keep.iter().map(|&c| r.cells[c].clone()));
        }
        out.insert(name.to_string(), csv.text.into_bytes());
    }
    Ok(out)
}

/// Writes the converted scenario to `dst`: the directory `src` as one workbook when
/// `to_workbook`, else the workbook `src` as a directory. Nothing is written on an error.
pub fn write_converted(src: &Path, dst: &Path, to_workbook: bool) -> Result<(), String> {
    if to_workbook {
        let mut files: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
        for name in std::iter::once(TOML).chain(TABLES) {
            if let Ok(b) = std::fs::read(src.join(name)) {
                files.insert(name, b);
            }
        }
        directory_to_workbook(&files).and_then(|bytes| write_file(dst, &bytes))
    } else {
        match read::scenario_files(src) {
            Ok(files) => workbook_to_directory(&files).and_then(|f| {
                crate::output::write_atomically(dst, &f)
                    .map_err(|e| format!("cannot write {}: {e}", dst.display()))
            }),
            Err(d) => Err(d
                .errors()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")),
        }
    }
}

/// Writes a file whole or not at all: a temporary sibling renamed into place.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "scenario.xlsx".to_string());
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let r = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if r.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    r.map_err(|e| format!("cannot write {}: {e}", path.display()))
}
