//! `rotaplan check SCENARIO`: every problem of a scenario as `file:line: column: message`;
//! exit 0 valid, 2 not.

use super::exit;
use crate::settings::{formulation, Overrides};
use std::path::Path;

pub fn run(dir: &Path) -> i32 {
    let mut out = crate::scenario::load(dir);
    // Numbers that are each fine may still multiply into a model the solver cannot take:
    // building it (milliseconds) finds them here, as `solve` would.
    if let Some(sc) = &out.scenario {
        let form = formulation(sc, &Overrides::default());
        // A model too large for memory is reported, not built.
        match crate::model::size::admit(sc, form, sc.solver.rolling_window, None) {
            Err(msg) => out.diags.error("scenario.toml", None, None, msg),
            Ok(_) => {
                let m = crate::model::build(sc, sc.solver.mode, form);
                if let Some(problem) = m.magnitude_problem() {
                    out.diags.items.push(problem);
                }
            }
        }
    }
    // The ask's ceilings, when the directory has them: read by the ask only, checked here too.
    if let Some(sc) = &out.scenario {
        let file = dir.join(crate::scenario::ceilings::FILE);
        if file.is_file() {
            if let Err(d) = crate::scenario::ceilings::load(&file, sc) {
                out.diags.extend(d);
            }
        }
    }
    for d in &out.diags.items {
        println!("{d}");
    }
    let errors = out.diags.errors().count();
    let warnings = out.diags.warnings().count();
    if errors > 0 {
        println!(
            "{errors} error(s), {warnings} warning(s): {} is not valid",
            dir.display()
        );
        exit::INPUT
    } else {
        println!("{} is valid ({warnings} warning(s))", dir.display());
        exit::OK
    }
}
