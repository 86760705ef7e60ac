//! `rotaplan ask SCENARIO [--out DIR] [--max-extra N] [--time-limit S]`: the shopping list for a
//! force-generation conference — the fewest additional units by nation and unit type that remove
//! the coverage shortfall — printed and written as ask.csv (docs/explain.md#the-ask).
//! Exit 0 written, 2 input error, 4 no plan within the limit, 1 other.

use super::exit::{self, fail};
use crate::analysis::ask::{ask, Ask};
use crate::base::outdir::dir_name;
use crate::base::text::{fmt_num, Csv};
use crate::base::Error;
use crate::pipeline;
use crate::planfile::day;
use crate::scenario::Scenario;
use crate::settings::{Overrides, Settings};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Runs the command; returns the exit code.
pub fn run(scenario: &Path, out: Option<PathBuf>, ceiling: u32, time_limit: Option<f64>) -> i32 {
    let sc = match pipeline::load(scenario, true) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let ov = Overrides {
        time_limit_s: time_limit,
        ..Overrides::default()
    };
    let settings = match Settings::resolve(&sc, &ov, false) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let out =
        out.unwrap_or_else(|| PathBuf::from("outputs").join(format!("{}-ask", dir_name(&sc.name))));
    let _lock = match crate::base::outdir::prepare(&out) {
        Ok(l) => l,
        Err(msg) => return fail(&Error::Other(msg)),
    };
    let a = match ask(&sc, &settings.solve, ceiling) {
        Ok(a) => a,
        Err(e) => return fail(&e.map_message(|m| format!("{m}. Nothing was written."))),
    };
    let files = BTreeMap::from([
        ("ask.csv".to_string(), csv(&sc, &a).text.into_bytes()),
        (
            "ask.json".to_string(),
            format!(
                "{}\n",
                serde_json::to_string_pretty(&json(&sc, &a)).unwrap_or_default()
            )
            .into_bytes(),
        ),
    ]);
    if let Err(e) = crate::output::write_atomically(&out, &files) {
        return fail(&Error::Other(format!(
            "cannot write the ask to {}: {e}; nothing was written",
            out.display()
        )));
    }
    print!("{}", text(&sc, &a, &out));
    exit::OK
}

/// ask.csv: one row per offer with extra units, in offer order.
pub fn csv(sc: &Scenario, a: &Ask) -> Csv {
    let mut c = Csv::new(&[
        "nation",
        "unit_type",
        "units",
        "needed_from",
        "shortfall_removed",
    ]);
    for r in &a.rows {
        let off = &sc.offers[r.offer];
        c.row([
            sc.nations[off.nation].code.clone(),
            sc.unit_types[off.unit_type].code.clone(),
            r.units.to_string(),
            r.needed_from.map_or(String::new(), |t| day(sc, t as i64)),
            r.shortfall_removed.map_or(String::new(), fmt_num),
        ]);
    }
    c
}

fn json(sc: &Scenario, a: &Ask) -> serde_json::Value {
    serde_json::json!({
        "scenario": sc.name,
        "input_hash": sc.input_hash,
        "ceiling_per_offer": a.ceiling,
        "status": if a.optimal { "optimal" } else { "feasible" },
        "role_unit_periods_short_before": a.short_before,
        "role_unit_periods_short_after": a.short_after,
        "extra_units": a.rows.iter().map(|r| r.units).sum::<u32>(),
        "left": a.left.iter().map(|(s, role, amount, why)| serde_json::json!({
            "site": sc.sites[*s].code, "role": role, "role_unit_periods": amount, "why": why,
        })).collect::<Vec<_>>(),
    })
}

fn text(sc: &Scenario, a: &Ask, out: &Path) -> String {
    let mut t = format!(
        "{}: {} role-unit-periods short as offered; with the ask {}{}\n",
        sc.name,
        fmt_num(a.short_before),
        fmt_num(a.short_after),
        if a.optimal {
            ""
        } else {
            " (best found within the time limit, not proven the fewest)"
        }
    );
    if a.rows.is_empty() {
        t.push_str("  no additional unit would remove any shortfall\n");
    }
    for r in &a.rows {
        let off = &sc.offers[r.offer];
        t.push_str(&format!(
            "  ask {} for {} more {}{}{}\n",
            sc.nations[off.nation].code,
            r.units,
            sc.unit_types[off.unit_type].code,
            r.needed_from.map_or(String::new(), |p| format!(
                ", needed from {}",
                day(sc, p as i64)
            )),
            r.shortfall_removed.map_or(String::new(), |s| format!(
                ", removes {} role-unit-periods short",
                fmt_num(s)
            )),
        ));
    }
    for (s, role, amount, why) in &a.left {
        t.push_str(&format!(
            "  still short: {} {} {} role-unit-periods: {why}\n",
            sc.sites[*s].code,
            role,
            fmt_num(*amount)
        ));
    }
    t.push_str(&format!("  ask written to {}\n", out.display()));
    t
}
