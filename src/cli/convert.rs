//! `rotaplan convert SRC DST`: a scenario directory as one workbook, or a workbook as a
//! directory (exit 0 written, 2 the source is not a valid scenario or the destination is of the
//! same kind, 1 cannot write).

use super::exit;
use crate::scenario::{self, workbook::is_workbook};
use crate::workbook;
use std::path::Path;

/// `rotaplan convert SRC DST`: returns the exit code (0 written, 2 the source is not a valid
/// scenario or the destination is of the same kind, 1 cannot write).
pub fn run(src: &Path, dst: &Path) -> i32 {
    let loaded = scenario::load(src);
    for w in loaded.diags.warnings() {
        eprintln!("{w}");
    }
    if loaded.scenario.is_none() {
        for e in loaded.diags.errors() {
            eprintln!("{e}");
        }
        eprintln!(
            "{} error(s) in {}: nothing was converted",
            loaded.diags.errors().count(),
            src.display()
        );
        return exit::INPUT;
    }
    let to_workbook = !is_workbook(src);
    if to_workbook != is_workbook(dst) {
        eprintln!(
            "rotaplan convert: {} and {} are both {}: convert a directory to a .xlsx file or a .xlsx file to a directory",
            src.display(),
            dst.display(),
            if to_workbook { "directories" } else { "workbooks" }
        );
        return exit::INPUT;
    }
    if dst.exists() && !(dst.is_dir() && dst.read_dir().is_ok_and(|mut d| d.next().is_none())) {
        eprintln!(
            "rotaplan convert: {} already exists: give a new path (nothing is overwritten)",
            dst.display()
        );
        return exit::INPUT;
    }
    match workbook::convert::write_converted(src, dst, to_workbook) {
        Ok(()) => {
            println!("{} written from {}", dst.display(), src.display());
            exit::OK
        }
        Err(e) => {
            eprintln!("rotaplan convert: {e}; nothing was written");
            exit::OTHER
        }
    }
}
