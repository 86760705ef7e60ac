//! `rotaplan verify SCENARIO_DIR OUT_DIR`: prints every finding and the recomputed terms; exit 0
//! when every hard constraint holds, 1 when one is broken, 2 when something cannot be read.

use crate::scenario;
use crate::verify;
use std::path::Path;

/// Exit codes of `verify` (docs/verify.md).
pub mod exit {
    /// Every hard constraint holds.
    pub const OK: i32 = 0;
    /// At least one hard constraint is broken.
    pub const VIOLATED: i32 = 1;
    /// The scenario or the plan could not be read.
    pub const UNREADABLE: i32 = 2;
}

/// Runs the command: prints every finding and the recomputed terms, returns the exit code.
///
/// A plan made with `solve --previous` holds tours carried over from that previous plan; they are
/// read again from `previous` (or, when not given, from the directory summary.json names).
pub fn run(scenario_dir: &Path, out_dir: &Path, previous: Option<&Path>) -> i32 {
    let loaded = scenario::load(scenario_dir);
    let Some(mut sc) = loaded.scenario else {
        for e in loaded.diags.errors() {
            println!("{e}");
        }
        println!(
            "{} error(s) in the scenario {}: the plan cannot be verified (run `rotaplan check`)",
            loaded.diags.errors().count(),
            scenario_dir.display()
        );
        return exit::UNREADABLE;
    };
    let previous = previous
        .map(Path::to_path_buf)
        .or_else(|| verify::previous_of(out_dir));
    let baseline = match &previous {
        None => None,
        Some(p) => match crate::planfile::previous::load_previous(&mut sc, p) {
            Ok(b) => Some(b),
            Err(diags) => {
                for d in diags.errors() {
                    println!("{d}");
                }
                println!(
                    "the previous plan in {} cannot be read: the plan cannot be verified",
                    p.display()
                );
                return exit::UNREADABLE;
            }
        },
    };
    match verify::verify_with(&sc, out_dir, baseline.as_ref()) {
        Ok(report) => {
            print!("{}", verify::render(&sc, &report));
            if report.violations() > 0 {
                exit::VIOLATED
            } else {
                exit::OK
            }
        }
        Err(diags) => {
            for d in &diags.items {
                println!("{d}");
            }
            println!(
                "{} error(s): the plan in {} cannot be read, nothing was verified",
                diags.errors().count(),
                out_dir.display()
            );
            exit::UNREADABLE
        }
    }
}
