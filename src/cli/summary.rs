//! The short human summary printed on stdout after a solve.

use crate::base::text::thousands;
use crate::output::Summary;
use std::fmt::Write as _;

/// Status, objective terms, shortfalls by site and role, the most loaded nations.
pub fn summary_text(s: &Summary, out_dir: &str, most_loaded: &[(String, f64)]) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{}: {} ({} mode), objective {}, gap {:.2}%",
        s.scenario,
        s.status,
        s.mode,
        thousands(s.objective),
        s.gap * 100.0
    );
    let _ = writeln!(
        t,
        "  model: {} variables ({} integer), {} constraints, {} nonzeros",
        s.model.variables, s.model.integer_variables, s.model.constraints, s.model.nonzeros
    );
    let terms = [
        ("coverage penalty", s.terms.coverage_penalty),
        ("deployment cost", s.terms.deployment_cost),
        ("tour cost", s.terms.tour_cost),
        ("transport cost", s.terms.transport_cost),
        ("supply cost", s.terms.supply_cost),
        ("sustainment penalty", s.terms.sustainment_penalty),
        ("days-of-supply penalty", s.terms.days_of_supply_penalty),
        ("change penalty", s.terms.change_penalty),
    ];
    for (name, v) in terms {
        if v != 0.0 {
            let _ = writeln!(t, "  {name:<24}{:>18}", thousands(v));
        }
    }
    let _ = writeln!(
        t,
        "  peak troops on the ground: {}",
        thousands(s.peak_troops)
    );
    if s.shortfall.by_site_role.is_empty() {
        let _ = writeln!(t, "  every requirement is covered in every period");
    } else {
        let _ = writeln!(t, "  shortfall (role-unit periods) by site/role:");
        let mut rows: Vec<(&String, &f64)> = s.shortfall.by_site_role.iter().collect();
        rows.sort_by(|a, b| b.1.total_cmp(a.1).then(a.0.cmp(b.0)));
        for (k, v) in rows.iter().take(10) {
            let _ = writeln!(t, "    {k:<32}{v:>10.2}");
        }
        if rows.len() > 10 {
            let _ = writeln!(t, "    … and {} more (coverage.csv)", rows.len() - 10);
        }
    }
    if s.shortfall.unmet_tons > 0.0 {
        let _ = writeln!(
            t,
            "  unmet sustainment: {} t (stocks.csv)",
            thousands(s.shortfall.unmet_tons)
        );
    }
    if !most_loaded.is_empty() {
        let _ = writeln!(t, "  most loaded nations (peak troops on the ground):");
        for (n, v) in most_loaded.iter().take(5) {
            let _ = writeln!(t, "    {n:<8}{:>10}", thousands(*v));
        }
    }
    if let Some(b) = s.extra.get("bottlenecks").and_then(|v| v.as_array()) {
        if !b.is_empty() {
            let _ = writeln!(t, "  top bottlenecks (bottlenecks.csv):");
            for row in b.iter().take(5) {
                let _ = writeln!(
                    t,
                    "    {:<13}{:<44} marginal value {}{}",
                    row.get("kind").and_then(|v| v.as_str()).unwrap_or(""),
                    row.get("name").and_then(|v| v.as_str()).unwrap_or(""),
                    row.get("marginal_value")
                        .and_then(|v| v.as_f64())
                        .map(thousands)
                        .unwrap_or_default(),
                    if row.get("horizon_end").and_then(|v| v.as_bool()) == Some(true) {
                        " (only as the horizon ends)"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    let _ = writeln!(t, "  plan written to {out_dir}");
    t
}
