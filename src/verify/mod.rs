//! `rotaplan verify SCENARIO_DIR OUT_DIR`: an independent checker of a written plan (SPEC §4).
//!
//! Planners open deployments.csv in a spreadsheet, move a battalion, swap a nation, and want to
//! know at once what that breaks; and the project needs an oracle that shares no code with the
//! model, so a modelling bug cannot hide. So this module reads the scenario with the loader (the
//! one piece it shares, since the inputs must mean the same thing) and the plan's CSV rows with
//! the table reader, and recomputes everything with plain loops over tours and periods: it never
//! touches `model`, `solve` or `plan`.
//!
//! Layout: [`read`] turns the plan's files into typed rows (exit 2 on anything unreadable),
//! [`forces`] checks tours (pool, named units, max deployed, limits, reception, coverage),
//! [`sustain`] checks flows and stocks, [`terms`] recomputes the objective, and [`findings`]
//! collects and prints violations (errors, exit 1) and warnings.

mod findings;
mod forces;
mod read;
mod sustain;
mod terms;

pub use findings::{Finding, Findings, Level};
pub use terms::Terms;

use crate::scenario::{self, Scenario};
use std::path::Path;

/// Exit codes of `verify` (SPEC §4).
pub mod exit {
    /// Every hard constraint holds.
    pub const OK: i32 = 0;
    /// At least one hard constraint is broken.
    pub const VIOLATED: i32 = 1;
    /// The scenario or the plan could not be read.
    pub const UNREADABLE: i32 = 2;
}

/// What verifying a plan found: the findings (violations and warnings) and the objective terms
/// recomputed from the plan, next to summary.json's where it has them.
pub struct Report {
    pub findings: Findings,
    pub terms: Terms,
    pub summary_terms: Option<Terms>,
}

impl Report {
    pub fn violations(&self) -> usize {
        self.findings.count(Level::Violation)
    }
}

/// Runs the command: prints every finding and the recomputed terms, returns the exit code.
pub fn run(scenario_dir: &Path, out_dir: &Path) -> i32 {
    let loaded = scenario::load(scenario_dir);
    let Some(sc) = loaded.scenario else {
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
    match verify(&sc, out_dir) {
        Ok(report) => {
            print!("{}", render(&sc, &report));
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

/// Verifies the plan in `out_dir` against a loaded scenario. `Err` holds the reasons the plan
/// cannot be read (file:line: column: message), with any warnings met on the way.
pub fn verify(sc: &Scenario, out_dir: &Path) -> Result<Report, crate::diag::Diags> {
    let plan = read::read_plan(sc, out_dir)?;
    let mut f = Findings::default();
    for w in plan.warnings.warnings() {
        f.push(Finding::from_diag(w));
    }
    let forces = forces::check(sc, &plan, &mut f);
    let sustainment = sustain::check(sc, &plan, &forces, &mut f);
    let terms = terms::recompute(sc, &plan, &forces, sustainment.as_ref());
    let summary_terms = terms::compare(sc, &plan, &terms, &forces, sustainment.as_ref(), &mut f);
    Ok(Report {
        findings: f,
        terms,
        summary_terms,
    })
}

/// The text `verify` prints: violations, then warnings, then the terms and the verdict.
pub fn render(sc: &Scenario, r: &Report) -> String {
    let mut out = r.findings.render(sc);
    out.push_str("objective terms recomputed from the plan (summary.json in brackets):\n");
    for (name, ours) in r.terms.named() {
        let theirs = r.summary_terms.as_ref().map(|s| s.get(name));
        match theirs {
            Some(v) => out.push_str(&format!(
                "  {name:<24} {} ({})\n",
                terms::fmt_exact(ours),
                terms::fmt_exact(v)
            )),
            None => out.push_str(&format!("  {name:<24} {}\n", terms::fmt_exact(ours))),
        }
    }
    let (v, w) = (r.violations(), r.findings.count(Level::Warning));
    if v > 0 {
        out.push_str(&format!(
            "{v} violation(s), {w} warning(s): the plan breaks hard constraints\n"
        ));
    } else {
        out.push_str(&format!(
            "0 violations, {w} warning(s): the plan keeps every hard constraint\n"
        ));
    }
    out
}
