//! `rotaplan report SCENARIO OUT_DIR`: draws report.html again from a written (perhaps
//! hand-edited) plan (docs/report.md).

use super::exit;
use crate::report;
use std::collections::BTreeMap;
use std::path::Path;

/// `rotaplan report SCENARIO OUT_DIR`: draws report.html again from the written files and
/// replaces only that file (temporary file + rename). Exit 0 written, 2 unreadable inputs, 1 other.
pub fn run(scenario: &Path, out: &Path) -> i32 {
    let sc = match crate::pipeline::load(scenario, false) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return exit::exit_code(&e);
        }
    };
    let mut files = BTreeMap::new();
    for name in report::PLAN_FILES {
        match std::fs::read(out.join(name)) {
            Ok(b) => {
                files.insert(name.to_string(), b);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                eprintln!("{}: cannot read: {e}", out.join(name).display());
                return exit::INPUT;
            }
        }
    }
    let html = match report::render_plan(&sc, &files) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("{e}\nin {}: report.html was not changed", out.display());
            return exit::INPUT;
        }
    };
    let tmp = out.join(format!(".report.html.tmp-{}", std::process::id()));
    let target = out.join("report.html");
    let written =
        std::fs::write(&tmp, html.as_bytes()).and_then(|_| std::fs::rename(&tmp, &target));
    match written {
        Ok(()) => {
            println!("report written to {}", target.display());
            exit::OK
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            eprintln!(
                "cannot write {}: {e}; report.html was not changed",
                target.display()
            );
            exit::OTHER
        }
    }
}
