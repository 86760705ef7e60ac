//! Writing a [`Scenario`] back as a scenario directory in the docs/inputs.md format.
//!
//! `rotaplan batch` changes a loaded scenario in memory (one variant's overrides) and writes the
//! result as an ordinary scenario directory that `rotaplan solve` and `rotaplan check` read like
//! any other, so every variant can be rerun or inspected by hand.
//!
//! What is written loads back to the same scenario, field by field, except for the things a
//! file cannot keep: line numbers (rows are renumbered), the directory, the input hash, lat/lon of
//! nodes (not kept in memory) and unknown columns or keys (ignored on loading). Numbers are
//! written in Rust's shortest round-trip form, so no value changes on the way.

use super::*;
use crate::base::text::Csv;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

fn date(d: Option<NaiveDate>) -> String {
    d.map_or(String::new(), |d| d.format("%Y-%m-%d").to_string())
}

/// A number as text that parses back to exactly the same f64 (never `inf`/`nan`: the loader
/// refuses them, so a loaded scenario holds none).
fn num(v: f64) -> String {
    format!("{v}")
}

fn opt_num(v: Option<f64>) -> String {
    v.map_or(String::new(), num)
}

/// A float for TOML: always with a fraction or an exponent, so TOML reads it as a float.
fn toml_float(v: f64) -> String {
    format!("{v:?}")
}

/// The file contents of a scenario directory, keyed by file name.
pub fn render(sc: &Scenario) -> BTreeMap<String, Vec<u8>> {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut put = |name: &str, text: String| {
        files.insert(name.to_string(), text.into_bytes());
    };

    // scenario.toml
    let mut t = String::new();
    let _ = writeln!(t, "name = {}", toml::Value::String(sc.name.clone()));
    if !sc.description.is_empty() {
        let _ = writeln!(
            t,
            "description = {}",
            toml::Value::String(sc.description.clone())
        );
    }
    let _ = writeln!(t, "start = {}", sc.start.format("%Y-%m-%d"));
    let _ = writeln!(t, "periods = {}", sc.periods);
    let _ = writeln!(t, "period_days = {}", sc.period_days);
    let _ = writeln!(t, "\n[penalties]");
    let _ = writeln!(t, "coverage = {}", toml_float(sc.penalties.coverage));
    let _ = writeln!(t, "sustainment = {}", toml_float(sc.penalties.sustainment));
    let _ = writeln!(
        t,
        "days_of_supply = {}",
        toml_float(sc.penalties.days_of_supply)
    );
    let _ = writeln!(t, "\n[solver]");
    let _ = writeln!(t, "mode = \"{}\"", sc.solver.mode.as_str());
    let _ = writeln!(t, "time_limit_s = {}", toml_float(sc.solver.time_limit_s));
    let _ = writeln!(t, "mip_gap = {}", toml_float(sc.solver.mip_gap));
    let _ = writeln!(t, "threads = {}", sc.solver.threads);
    if let Some(e) = sc.solver.effort {
        let _ = writeln!(t, "effort = {}", toml_float(e));
    }
    let _ = writeln!(t, "strategy = \"{}\"", sc.solver.strategy.as_str());
    let _ = writeln!(
        t,
        "heuristic_effort = {}",
        toml_float(sc.solver.heuristic_effort)
    );
    if let Some(w) = sc.solver.rolling_window {
        let _ = writeln!(t, "rolling_window = {w}");
    }
    if let Some(s) = sc.solver.rolling_step {
        let _ = writeln!(t, "rolling_step = {s}");
    }
    let _ = writeln!(t, "\n[stability]");
    let _ = writeln!(t, "freeze_days = {}", toml_float(sc.stability.freeze_days));
    let _ = writeln!(
        t,
        "change_penalty = {}",
        toml_float(sc.stability.change_penalty)
    );
    let _ = writeln!(t, "\n[output]");
    let _ = writeln!(t, "xlsx = {}", sc.output.xlsx);
    put("scenario.toml", t);

    let nation = |n: usize| sc.nations[n].code.clone();
    let unit = |u: usize| sc.unit_types[u].code.clone();

    let mut c = Csv::new(&["nation", "name", "available_from", "available_to"]);
    for n in &sc.nations {
        c.row([
            n.code.clone(),
            n.name.clone(),
            date(n.available_from),
            date(n.available_to),
        ]);
    }
    put("nations.csv", c.text);

    let mut c = Csv::new(&[
        "unit_type",
        "domain",
        "role",
        "role_value",
        "troops",
        "tour_days",
        "dwell_days",
        "handover_days",
    ]);
    for u in &sc.unit_types {
        c.row([
            u.code.clone(),
            u.domain.as_str().to_string(),
            u.role.clone(),
            num(u.role_value),
            u.troops.to_string(),
            num(u.tour_days),
            num(u.dwell_days),
            num(u.handover_days),
        ]);
    }
    put("unit_types.csv", c.text);

    let mut c = Csv::new(&[
        "nation",
        "unit_type",
        "units",
        "max_deployed",
        "cost_per_day",
        "cost_per_tour",
    ]);
    for o in &sc.offers {
        c.row([
            nation(o.nation),
            unit(o.unit_type),
            o.units.to_string(),
            o.max_deployed.map_or(String::new(), |m| m.to_string()),
            num(o.cost_per_day),
            num(o.cost_per_tour),
        ]);
    }
    put("offers.csv", c.text);

    let node = |w: Option<usize>| -> String {
        match (w, &sc.network) {
            (Some(w), Some(net)) => net.nodes[w].code.clone(),
            _ => String::new(),
        }
    };
    let mut c = Csv::new(&["site", "name", "zone", "node", "reception", "lat", "lon"]);
    for s in &sc.sites {
        c.row([
            s.code.clone(),
            s.name.clone(),
            s.zone.clone(),
            node(s.node),
            node(s.reception),
            opt_num(s.lat),
            opt_num(s.lon),
        ]);
    }
    put("sites.csv", c.text);

    let mut c = Csv::new(&["site", "role", "required", "priority", "from", "to"]);
    for r in &sc.requirements {
        c.row([
            sc.sites[r.site].code.clone(),
            r.role.clone(),
            num(r.required),
            num(r.priority),
            date(r.from),
            date(r.to),
        ]);
    }
    put("requirements.csv", c.text);

    if !sc.limits.is_empty() {
        let mut c = Csv::new(&["nation", "zone", "domain", "max_troops", "from", "to"]);
        for l in &sc.limits {
            c.row([
                l.nation.map_or("*".to_string(), nation),
                l.zone.clone().unwrap_or_else(|| "*".to_string()),
                l.domain.map_or("*", |d| d.as_str()).to_string(),
                num(l.max_troops),
                date(l.from),
                date(l.to),
            ]);
        }
        put("limits.csv", c.text);
    }

    if !sc.deployed.is_empty() {
        let mut c = Csv::new(&["nation", "unit_type", "site", "arrived", "units"]);
        for it in &sc.deployed {
            c.row([
                nation(it.nation),
                unit(it.unit_type),
                sc.sites[it.site].code.clone(),
                date(Some(it.arrived)),
                it.units.to_string(),
            ]);
        }
        put("deployed.csv", c.text);
    }

    if let Some(net) = &sc.network {
        let code = |w: usize| net.nodes[w].code.clone();
        let com = |k: usize| net.commodities[k].code.clone();
        let mut c = Csv::new(&["node", "kind", "country", "storage_tons", "pax_per_day"]);
        for n in &net.nodes {
            let kind = match n.kind {
                NodeKind::Depot => "depot",
                NodeKind::Port => "port",
                NodeKind::Airfield => "airfield",
                NodeKind::RailHead => "rail_head",
                NodeKind::Hub => "hub",
                NodeKind::Site => "site",
            };
            c.row([
                n.code.clone(),
                kind.to_string(),
                n.country.clone(),
                num(n.storage_tons),
                opt_num(n.pax_per_day),
            ]);
        }
        put("nodes.csv", c.text);

        if !net.arcs.is_empty() {
            let mut c = Csv::new(&[
                "from",
                "to",
                "mode",
                "capacity_tons_per_day",
                "cost_per_ton",
                "transit_days",
                "bidirectional",
                "available_from",
                "available_to",
            ]);
            let mut done = vec![false; net.arcs.len()];
            for (i, a) in net.arcs.iter().enumerate() {
                if done[i] {
                    continue;
                }
                done[i] = true;
                // A bidirectional row loaded as two arcs: write it as one row again when the two
                // still agree in everything (a variant may have changed one direction only).
                let twin = (i + 1..net.arcs.len())
                    .find(|&j| !done[j] && same_crossing_reversed(a, &net.arcs[j]));
                if let Some(j) = twin {
                    done[j] = true;
                }
                c.row([
                    code(a.from),
                    code(a.to),
                    a.mode.clone(),
                    num(a.capacity_tons_per_day),
                    num(a.cost_per_ton),
                    num(a.transit_days),
                    twin.is_some().to_string(),
                    date(a.available_from),
                    date(a.available_to),
                ]);
            }
            put("arcs.csv", c.text);
        }
        if !net.supply.is_empty() {
            let mut c = Csv::new(&["node", "commodity", "tons_per_day", "cost_per_ton"]);
            for s in &net.supply {
                c.row([
                    code(s.node),
                    com(s.commodity),
                    num(s.tons_per_day),
                    num(s.cost_per_ton),
                ]);
            }
            put("supply.csv", c.text);
        }
        if !net.consumption.is_empty() {
            let mut c = Csv::new(&["unit_type", "commodity", "tons_per_day"]);
            for k in &net.consumption {
                c.row([unit(k.unit_type), com(k.commodity), num(k.tons_per_day)]);
            }
            put("consumption.csv", c.text);
        }
        if !net.commodities.is_empty() {
            let mut c = Csv::new(&["commodity", "days_of_supply", "shortfall_penalty"]);
            for k in &net.commodities {
                c.row([
                    k.code.clone(),
                    num(k.days_of_supply),
                    num(k.shortfall_penalty),
                ]);
            }
            put("commodities.csv", c.text);
        }
        if !net.initial_stocks.is_empty() {
            let mut c = Csv::new(&["node", "commodity", "tons"]);
            for s in &net.initial_stocks {
                c.row([code(s.node), com(s.commodity), num(s.tons)]);
            }
            put("initial_stocks.csv", c.text);
        }
    }
    files
}

/// Whether `b` is `a` in the other direction with every other field equal (the two halves of a
/// bidirectional row).
fn same_crossing_reversed(a: &Arc, b: &Arc) -> bool {
    a.line != 0
        && a.from == b.to
        && a.to == b.from
        && a.mode == b.mode
        && a.line == b.line
        && a.capacity_tons_per_day == b.capacity_tons_per_day
        && a.cost_per_ton == b.cost_per_ton
        && a.transit_days == b.transit_days
        && a.available_from == b.available_from
        && a.available_to == b.available_to
}

/// Writes the scenario into `dir` (created if needed); files of a scenario that `render` does not
/// produce (an optional table left empty) are removed so the directory holds exactly this scenario.
pub fn write(sc: &Scenario, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let files = render(sc);
    for name in std::iter::once(super::load::TOML).chain(super::load::TABLES) {
        if !files.contains_key(name) {
            match std::fs::remove_file(dir.join(name)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}
