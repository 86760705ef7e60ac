//! Spreadsheet workbooks: the plan as one .xlsx file, and a scenario directory written as one
//! workbook (reading a scenario workbook is the scenario layer's: `scenario::workbook`).
//!
//! Workbooks are written with rust_xlsxwriter and read with calamine; neither side hand-writes
//! zip or XML. A scenario workbook is turned into the same tables the CSV loader reads, so every
//! input rule is checked by the same code, and its problems are reported by sheet and cell.

pub mod convert;
pub mod plan;

pub use plan::plan_workbook;

use crate::output::Rendered;
use crate::scenario::Scenario;

/// Adds plan.xlsx to the files of a rendered plan, so it is written in the same atomic step.
/// The workbook leaves out timings, so the same plan gives the same bytes on every run.
pub fn attach(sc: &Scenario, rendered: &mut Rendered) -> Result<(), String> {
    let mut files = rendered.files.clone();
    let summary = serde_json::to_vec(&rendered.summary)
        .map_err(|e| format!("cannot build the plan workbook: {e}"))?;
    files.insert("summary.json".to_string(), summary);
    let bytes = plan_workbook(sc, &files)?;
    rendered.files.insert("plan.xlsx".to_string(), bytes);
    Ok(())
}
