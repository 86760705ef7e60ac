//! `rotaplan verify SCENARIO_DIR OUT_DIR`: an independent checker of a written plan (README, "Commands and exit codes").
//!
//! Planners open deployments.csv in a spreadsheet, move a battalion, swap a nation, and want to
//! know at once what that breaks; and the project needs an oracle that shares no code with the
//! model, so a modelling bug cannot hide. So this module reads the scenario with the loader (the
//! one piece it shares, since the inputs must mean the same thing) and the plan's CSV rows with
//! the reader of written plans ([`crate::planfile`]), and recomputes everything with plain loops
//! over tours and periods. It imports only `scenario`, `planfile` and `base`, so it cannot touch
//! `model`, `solve` or `plan`.
//!
//! Layout: [`crate::planfile::read`] turns the plan's files into typed rows (unreadable: an error),
//! [`forces`] checks tours (pool, named units, max deployed, limits, reception, coverage),
//! [`sustain`] checks flows and stocks, [`terms`] recomputes the objective, and [`findings`]
//! collects and prints violations (errors, exit 1) and warnings.

mod findings;
mod forces;
mod sustain;
mod terms;

pub use findings::{Finding, Findings, Level};
pub use terms::Terms;

use crate::planfile::read;
use crate::scenario::Scenario;
use std::path::Path;

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

/// Verifies the plan in `out_dir` against a loaded scenario. `Err` holds the reasons the plan
/// cannot be read (file:line: column: message), with any warnings met on the way.
pub fn verify(sc: &Scenario, out_dir: &Path) -> Result<Report, crate::base::diag::Diags> {
    verify_with(sc, out_dir, None)
}

/// The previous plan named in summary.json's `stability` section, when that directory exists.
pub fn previous_of(out_dir: &Path) -> Option<std::path::PathBuf> {
    let text = std::fs::read_to_string(out_dir.join("summary.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let p = std::path::PathBuf::from(v.get("stability")?.get("previous")?.as_str()?);
    p.join("deployments.csv").is_file().then_some(p)
}

/// Units of difference, tour by tour, between the plan's new tours and the previous plan's.
fn tours_changed(plan: &read::PlanFiles, base: &crate::planfile::previous::Baseline) -> f64 {
    let mut diff: std::collections::BTreeMap<(usize, usize, usize, usize), f64> =
        std::collections::BTreeMap::new();
    for x in plan.tours.iter().filter(|x| !x.initial && x.start >= 0) {
        *diff
            .entry((x.nation, x.unit_type, x.site, x.start as usize))
            .or_default() += x.units;
    }
    for (k, (a, _)) in &base.planned {
        *diff.entry(*k).or_default() -= a;
    }
    diff.values().map(|d| d.abs()).sum()
}

/// [`verify`], with the previous plan of a nightly rerun (its carried-over tours must already be
/// in `sc.deployed`, as `stability::load_previous` puts them).
pub fn verify_with(
    sc: &Scenario,
    out_dir: &Path,
    baseline: Option<&crate::planfile::previous::Baseline>,
) -> Result<Report, crate::base::diag::Diags> {
    let plan = read::read_plan(sc, out_dir)?;
    let mut f = Findings::default();
    for w in plan.warnings.warnings() {
        f.push(Finding::from_diag(w));
    }
    let forces = forces::check(sc, &plan, &mut f);
    let sustainment = sustain::check(sc, &plan, &forces, &mut f);
    let mut terms = terms::recompute(sc, &plan, &forces, sustainment.as_ref());
    if let Some(base) = baseline {
        terms.change_penalty = sc.stability.change_penalty * tours_changed(&plan, base);
    }
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
