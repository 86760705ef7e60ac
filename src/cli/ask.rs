//! `rotaplan ask SCENARIO [--out DIR] [--max-extra N] [--ceilings FILE] [--time-limit S]`: the
//! shopping list for a force-generation conference — the fewest additional units by nation and
//! unit type that remove the coverage shortfall — printed and written as ask.csv
//! (docs/explain.md#the-ask); `solve --ask` writes the same files beside its plan.
//! Exit 0 written, 2 input error, 4 no plan within the limit, 1 other.

use super::exit::{self, fail};
use crate::analysis::ask::{ask, Ask};
use crate::base::outdir::dir_name;
use crate::base::text::{fmt_num, Csv};
use crate::base::Error;
use crate::pipeline;
use crate::planfile::day;
use crate::scenario::ceilings::{self, Ceiling};
use crate::scenario::Scenario;
use crate::settings::{Overrides, Settings};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Runs the command; returns the exit code.
pub fn run(
    scenario: &Path,
    out: Option<PathBuf>,
    max_extra: u32,
    ceilings_file: Option<&Path>,
    time_limit: Option<f64>,
) -> i32 {
    let sc = match pipeline::load(scenario, true) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let ceilings = match load_ceilings(scenario, ceilings_file, &sc) {
        Ok(c) => c,
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
    let a = match ask(&sc, &settings.solve, max_extra, &ceilings.1) {
        Ok(a) => a,
        Err(e) => return fail(&e.map_message(|m| format!("{m}. Nothing was written."))),
    };
    let files = files(&sc, &a, ceilings.0.as_deref());
    if let Err(e) = crate::output::write_atomically(&out, &files) {
        return fail(&Error::Other(format!(
            "cannot write the ask to {}: {e}; nothing was written",
            out.display()
        )));
    }
    print!("{}", text(&sc, &a, &out));
    exit::OK
}

/// The ceilings for the ask: `--ceilings FILE` when given (it must exist), else
/// `ask-ceilings.csv` in the scenario directory when there is one, else none. Comes back with
/// the file read; every problem in it is an input error naming file, line and column.
pub fn load_ceilings(
    scenario: &Path,
    flag: Option<&Path>,
    sc: &Scenario,
) -> Result<(Option<PathBuf>, Vec<Ceiling>), Error> {
    let path = match flag {
        Some(p) => p.to_path_buf(),
        None if scenario.join(ceilings::FILE).is_file() => scenario.join(ceilings::FILE),
        None => return Ok((None, Vec::new())),
    };
    match ceilings::load(&path, sc) {
        Ok(rows) => Ok((Some(path), rows)),
        Err(d) => {
            let mut msg = String::new();
            for e in d.errors() {
                msg.push_str(&format!("{e}\n"));
            }
            msg.push_str(&format!(
                "the ask's ceilings in {} are not valid: nothing was solved or written",
                path.display()
            ));
            Err(Error::Input(msg))
        }
    }
}

/// ask.csv and ask.json, as `rotaplan ask` and `solve --ask` write them.
pub fn files(sc: &Scenario, a: &Ask, ceilings: Option<&Path>) -> BTreeMap<String, Vec<u8>> {
    BTreeMap::from([
        ("ask.csv".to_string(), csv(sc, a).text.into_bytes()),
        (
            "ask.json".to_string(),
            format!(
                "{}\n",
                serde_json::to_string_pretty(&json(sc, a, ceilings)).unwrap_or_default()
            )
            .into_bytes(),
        ),
    ])
}

/// ask.csv: one row per nation and unit type with extra units: offers.csv's order, then the
/// nations that have offered nothing yet.
pub fn csv(sc: &Scenario, a: &Ask) -> Csv {
    let mut c = Csv::new(&[
        "nation",
        "unit_type",
        "units",
        "needed_from",
        "shortfall_removed",
    ]);
    for r in &a.rows {
        c.row([
            sc.nations[r.nation].code.clone(),
            sc.unit_types[r.unit_type].code.clone(),
            r.units.to_string(),
            r.needed_from.map_or(String::new(), |t| day(sc, t as i64)),
            r.shortfall_removed.map_or(String::new(), fmt_num),
        ]);
    }
    c
}

/// ask.json: the totals, the ceilings used, and what is left short and why.
pub fn json(sc: &Scenario, a: &Ask, ceilings: Option<&Path>) -> serde_json::Value {
    serde_json::json!({
        "scenario": sc.name,
        "input_hash": sc.input_hash,
        "ceiling_per_offer": a.max_extra,
        "ceilings_file": ceilings.and_then(|p| p.file_name()).map(|n| n.to_string_lossy().to_string()),
        "not_offered": a.not_offered.iter().map(|&n| sc.nations[n].code.clone()).collect::<Vec<_>>(),
        "status": if a.optimal { "optimal" } else { "feasible" },
        "role_unit_periods_short_before": a.short_before,
        "role_unit_periods_short_after": a.short_after,
        "extra_units": a.rows.iter().map(|r| r.units).sum::<u32>(),
        "left": a.left.iter().map(|l| serde_json::json!({
            "site": sc.sites[l.site].code, "role": l.role, "role_unit_periods": l.amount,
            "reason": l.reason, "why": l.why,
        })).collect::<Vec<_>>(),
    })
}

/// What the terminal shows: the totals, one line per row, what is left short and why.
pub fn text(sc: &Scenario, a: &Ask, out: &Path) -> String {
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
        t.push_str(if a.short_before <= 0.0 {
            "  nothing is short as offered: nothing to ask for\n"
        } else {
            "  no additional unit would remove any shortfall\n"
        });
    }
    for r in &a.rows {
        t.push_str(&format!(
            "  ask {} for {} more {}{}{}{}\n",
            sc.nations[r.nation].code,
            r.units,
            sc.unit_types[r.unit_type].code,
            if r.offer.is_none() {
                " (has offered nothing yet)"
            } else {
                ""
            },
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
    for l in &a.left {
        t.push_str(&format!(
            "  still short: {} {} {} role-unit-periods ({}): {}\n",
            sc.sites[l.site].code,
            l.role,
            fmt_num(l.amount),
            l.reason,
            l.why
        ));
    }
    t.push_str(&format!("  ask written to {}\n", out.display()));
    t
}
