//! Loading a scenario directory and checking every input rule in one pass (docs/inputs.md).
//!
//! Loading never stops at the first problem: each table is read, each row checked, and every
//! problem recorded, so `rotaplan check` can list them all. Rows with errors are dropped, which
//! keeps later checks from repeating the same complaint.

use super::table::Table;
use super::*;
use crate::base::diag::Diags;
use chrono::Datelike;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Bfs, Reversed};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// The result of loading: a scenario when there were no errors, and every problem found.
pub struct LoadOutcome {
    pub scenario: Option<Scenario>,
    pub diags: Diags,
}

/// The header file of a scenario directory.
pub const TOML: &str = "scenario.toml";
/// Every table a scenario directory may hold (docs/inputs.md).
pub const TABLES: [&str; 13] = [
    "nations.csv",
    "unit_types.csv",
    "offers.csv",
    "sites.csv",
    "requirements.csv",
    "limits.csv",
    "deployed.csv",
    "nodes.csv",
    "arcs.csv",
    "supply.csv",
    "consumption.csv",
    "commodities.csv",
    "initial_stocks.csv",
];
const NETWORK_TABLES: [&str; 5] = [
    "arcs.csv",
    "supply.csv",
    "consumption.csv",
    "commodities.csv",
    "initial_stocks.csv",
];

/// The header of scenario.toml, with what could be read of it.
struct Header {
    name: String,
    description: String,
    start: Option<NaiveDate>,
    periods: Option<usize>,
    period_days: u32,
    penalties: Penalties,
    solver: SolverSettings,
    stability: Stability,
    output: OutputSettings,
    /// Line of `rolling_window` (or `rolling_step`) in scenario.toml, for errors found later.
    rolling_line: Option<usize>,
}

/// Loads and validates the scenario in `dir`.
pub fn load(dir: &Path) -> LoadOutcome {
    // A scenario kept in one workbook: its sheets become these files, checked the same way.
    if super::workbook::is_workbook(dir) {
        return super::workbook::load(dir);
    }
    let mut d = Diags::default();
    let mut files: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
    if !dir.is_dir() {
        d.error(
            &dir.display().to_string(),
            None,
            None,
            "not a scenario directory",
        );
        return LoadOutcome {
            scenario: None,
            diags: d,
        };
    }
    for name in std::iter::once(TOML).chain(TABLES) {
        match crate::base::inputlimits::read_capped(&dir.join(name)) {
            Ok(b) => {
                files.insert(name, b);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => d.error(name, None, None, format!("cannot read: {e}")),
        }
    }
    let mut hasher = Sha256::new();
    for (name, bytes) in &files {
        hasher.update(name.as_bytes());
        hasher.update(bytes);
    }
    let input_hash: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let scenario = load_with(dir, &files, input_hash, &mut d);
    LoadOutcome {
        scenario: if d.has_errors() { None } else { scenario },
        diags: d,
    }
}

/// Loads from file contents already read (`files` maps file names to bytes; absent = missing).
pub fn load_with(
    dir: &Path,
    files: &BTreeMap<&str, Vec<u8>>,
    input_hash: String,
    d: &mut Diags,
) -> Option<Scenario> {
    let header = read_toml(files.get(TOML), d);
    let table = |name: &str, req: &[&str], opt: &[&str], d: &mut Diags| -> Option<Table> {
        match files.get(name) {
            Some(bytes) => Table::parse(name, bytes, req, opt, d),
            None => None,
        }
    };
    let required = |name: &str, req: &[&str], opt: &[&str], d: &mut Diags| -> Option<Table> {
        if !files.contains_key(name) {
            d.error(name, None, None, "required file is missing");
        }
        table(name, req, opt, d)
    };

    let mut cx = Cx { d, header: &header };
    let nations_t = required(
        "nations.csv",
        &["nation"],
        &["name", "available_from", "available_to"],
        cx.d,
    );
    let nations = cx.nations(nations_t.as_ref());
    let unit_types_t = required(
        "unit_types.csv",
        &[
            "unit_type",
            "domain",
            "role",
            "troops",
            "tour_days",
            "dwell_days",
        ],
        &["role_value", "handover_days"],
        cx.d,
    );
    let unit_types = cx.unit_types(unit_types_t.as_ref());
    let nation_ix = with_broken(
        index_of(nations.iter().map(|n| n.code.as_str())),
        nations_t.as_ref(),
        "nation",
    );
    let unit_ix = with_broken(
        index_of(unit_types.iter().map(|u| u.code.as_str())),
        unit_types_t.as_ref(),
        "unit_type",
    );
    let offers_t = required(
        "offers.csv",
        &["nation", "unit_type", "units"],
        &["max_deployed", "cost_per_day", "cost_per_tour"],
        cx.d,
    );
    let offers = cx.offers(offers_t.as_ref(), &nation_ix, &unit_ix);

    // The network group: nodes.csv switches it on; the other tables need it.
    let nodes_t = table(
        "nodes.csv",
        &["node", "kind"],
        &["country", "storage_tons", "pax_per_day", "lat", "lon"],
        cx.d,
    );
    let has_network = files.contains_key("nodes.csv");
    if !has_network {
        for f in NETWORK_TABLES {
            if files.contains_key(f) {
                cx.d.error(
                    f,
                    None,
                    None,
                    "network tables need nodes.csv (add it, or remove this file)",
                );
            }
        }
    }
    let nodes = cx.nodes(nodes_t.as_ref());
    let node_ix = with_broken(
        index_of(nodes.iter().map(|n| n.code.as_str())),
        nodes_t.as_ref(),
        "node",
    );

    let sites_t = required(
        "sites.csv",
        &["site", "zone"],
        &["name", "node", "reception", "lat", "lon"],
        cx.d,
    );
    let sites = cx.sites(sites_t.as_ref(), has_network, &node_ix);
    let site_ix = with_broken(
        index_of(sites.iter().map(|s| s.code.as_str())),
        sites_t.as_ref(),
        "site",
    );
    let requirements_t = required(
        "requirements.csv",
        &["site", "role", "required"],
        &["priority", "from", "to"],
        cx.d,
    );
    let requirements = cx.requirements(requirements_t.as_ref(), &site_ix, &unit_types);
    let limits_t = table(
        "limits.csv",
        &["nation", "zone", "domain", "max_troops"],
        &["from", "to"],
        cx.d,
    );
    let limits = cx.limits(limits_t.as_ref(), &nation_ix, &sites);
    let deployed_t = table(
        "deployed.csv",
        &["nation", "unit_type", "site", "arrived", "units"],
        &[],
        cx.d,
    );
    let deployed = cx.deployed(deployed_t.as_ref(), &nation_ix, &unit_ix, &site_ix, &offers);

    let network = if has_network {
        let mut commodity_names = BTreeSet::new();
        let arcs_t = table(
            "arcs.csv",
            &["from", "to", "mode", "capacity_tons_per_day"],
            &[
                "cost_per_ton",
                "transit_days",
                "bidirectional",
                "available_from",
                "available_to",
            ],
            cx.d,
        );
        let supply_t = table(
            "supply.csv",
            &["node", "commodity", "tons_per_day"],
            &["cost_per_ton"],
            cx.d,
        );
        let consumption_t = table(
            "consumption.csv",
            &["unit_type", "commodity", "tons_per_day"],
            &[],
            cx.d,
        );
        let commodities_t = table(
            "commodities.csv",
            &["commodity"],
            &["days_of_supply", "shortfall_penalty"],
            cx.d,
        );
        let stocks_t = table(
            "initial_stocks.csv",
            &["node", "commodity", "tons"],
            &[],
            cx.d,
        );
        for (t, col) in [
            (&supply_t, "commodity"),
            (&consumption_t, "commodity"),
            (&commodities_t, "commodity"),
            (&stocks_t, "commodity"),
        ] {
            if let Some(t) = t {
                for r in &t.rows {
                    if let Some(c) = t.get(r, col) {
                        if c != "*" {
                            commodity_names.insert(c.to_string());
                        }
                    }
                }
            }
        }
        let commodity_ix = index_of(commodity_names.iter().map(String::as_str));
        let commodities = cx.commodities(commodities_t.as_ref(), &commodity_names);
        let arcs = cx.arcs(arcs_t.as_ref(), &node_ix);
        let supply = cx.supply(supply_t.as_ref(), &node_ix, &commodity_ix, &nodes);
        let consumption = cx.consumption(consumption_t.as_ref(), &unit_ix, &commodity_ix);
        let initial_stocks = cx.initial_stocks(stocks_t.as_ref(), &node_ix, &commodity_ix, &nodes);
        Some(Network {
            nodes,
            arcs,
            supply,
            consumption,
            commodities,
            initial_stocks,
            in_transit: Vec::new(),
        })
    } else {
        None
    };

    let (Some(start), Some(periods)) = (header.start, header.periods) else {
        return None;
    };
    let scenario = Scenario {
        dir: dir.to_path_buf(),
        name: header.name.clone(),
        description: header.description.clone(),
        start,
        periods,
        period_days: header.period_days,
        penalties: header.penalties.clone(),
        solver: header.solver.clone(),
        stability: header.stability.clone(),
        output: header.output.clone(),
        nations,
        unit_types,
        offers,
        sites,
        requirements,
        limits,
        deployed,
        network,
        input_hash,
    };
    check_windows(&scenario, cx.d);
    check_initial_tours(&scenario, cx.d);
    // Rolling-horizon settings depend on the tour lengths: checked once they are known.
    let solver = &scenario.solver;
    if let Err(why) = super::rolling::settle(
        &scenario,
        solver.mode,
        solver.rolling_window,
        solver.rolling_step,
    ) {
        cx.d.error(
            TOML,
            header.rolling_line,
            Some("solver.rolling_window"),
            why,
        );
    }
    if let Some(net) = &scenario.network {
        check_reachability(&scenario, net, cx.d);
    }
    Some(scenario)
}

/// Index value of a code whose defining row has an error (already reported): references to it
/// are dropped without a second, misleading "unknown code" error.
const BROKEN: usize = usize::MAX;

/// Adds the codes of `t`'s rows that did not load (column `col`) to `ix` as [`BROKEN`].
fn with_broken(
    mut ix: HashMap<String, usize>,
    t: Option<&Table>,
    col: &str,
) -> HashMap<String, usize> {
    for r in t.map_or(&[][..], |t| &t.rows[..]) {
        if let Some(code) = t.and_then(|t| t.get(r, col)) {
            ix.entry(code.to_string()).or_insert(BROKEN);
        }
    }
    ix
}

fn index_of<'a>(codes: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
    codes.enumerate().map(|(i, c)| (c.to_string(), i)).collect()
}

/// Reads scenario.toml; what is missing or wrong is reported and replaced by a default so the
/// tables can still be checked.
fn read_toml(bytes: Option<&Vec<u8>>, d: &mut Diags) -> Header {
    let mut h = Header {
        name: String::new(),
        description: String::new(),
        start: None,
        periods: None,
        period_days: 7,
        penalties: Penalties {
            coverage: 10000.0,
            sustainment: 1000.0,
            days_of_supply: 10.0,
        },
        solver: SolverSettings {
            mode: Mode::Mip,
            time_limit_s: 300.0,
            mip_gap: 0.005,
            threads: 1,
            strategy: Strategy::Auto,
            heuristic_effort: 0.3,
            rolling_window: None,
            rolling_step: None,
            effort: None,
        },
        stability: Stability {
            freeze_days: 28.0,
            change_penalty: 10000.0,
        },
        output: OutputSettings::default(),
        rolling_line: None,
    };
    let Some(bytes) = bytes else {
        d.error(TOML, None, None, "required file is missing");
        return h;
    };
    let text = match table::decode_utf8(bytes) {
        Ok(t) => t,
        Err(line) => {
            d.error(TOML, Some(line), None, "invalid UTF-8");
            return h;
        }
    };
    // The line of `key = …`, or of a `[key]` table header.
    let line_of = |key: &str| -> Option<usize> {
        text.lines()
            .position(|l| {
                let l = l.trim();
                l.strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with('='))
                    || l.strip_prefix('[')
                        .and_then(|r| r.strip_suffix(']'))
                        .is_some_and(|r| r.trim() == key)
            })
            .map(|i| i + 1)
    };
    let root: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| {
                text.as_bytes()[..s.start.min(text.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1
            });
            d.error(TOML, line, None, format!("not valid TOML: {}", e.message()));
            return h;
        }
    };
    let err = |key: &str, msg: String, d: &mut Diags| d.error(TOML, line_of(key), Some(key), msg);
    // A key of a section (`[solver]`, …) is named in full: `solver.mode`.
    let sub_err = |section: &str, key: &str, msg: String, d: &mut Diags| {
        d.error(TOML, line_of(key), Some(&format!("{section}.{key}")), msg)
    };
    // A table of amounts ≥ 0 ([penalties], [stability]): known keys fill their slot, unknown
    // keys warn.
    let amounts =
        |section: &str, t: &toml::Table, slots: &mut [(&str, &mut f64)], d: &mut Diags| {
            for (key, v) in t {
                let Some((_, slot)) = slots.iter_mut().find(|(name, _)| *name == key.as_str())
                else {
                    d.warn(
                        TOML,
                        line_of(key),
                        Some(&format!("{section}.{key}")),
                        "unknown key, ignored",
                    );
                    continue;
                };
                match float(v) {
                    Some(x) if x >= 0.0 => **slot = x,
                    _ => sub_err(section, key, format!("expected a number ≥ 0, got {v}"), d),
                }
            }
        };
    for (k, v) in &root {
        match (k.as_str(), v) {
            ("name", toml::Value::String(s)) if !s.trim().is_empty() => {
                h.name = s.trim().to_string()
            }
            ("description", toml::Value::String(s)) => h.description = s.clone(),
            (
                "start",
                toml::Value::Datetime(toml::value::Datetime {
                    date: Some(date),
                    time: None,
                    ..
                }),
            ) => {
                h.start =
                    NaiveDate::from_ymd_opt(date.year as i32, date.month as u32, date.day as u32);
            }
            ("start", toml::Value::String(s)) if table::parse_date(s.trim()).is_some() => {
                h.start = table::parse_date(s.trim());
            }
            ("periods", v) => match whole(v, 1) {
                Some(n) => h.periods = Some(n as usize),
                None => err(k, format!("expected a whole number ≥ 1, got {v}"), d),
            },
            ("period_days", v) => match whole(v, 1) {
                Some(n) if n <= 3660 => h.period_days = n as u32,
                _ => err(
                    k,
                    format!("expected a whole number of days ≥ 1, got {v}"),
                    d,
                ),
            },
            ("penalties", toml::Value::Table(t)) => {
                let p = &mut h.penalties;
                amounts(
                    "penalties",
                    t,
                    &mut [
                        ("coverage", &mut p.coverage),
                        ("sustainment", &mut p.sustainment),
                        ("days_of_supply", &mut p.days_of_supply),
                    ],
                    d,
                );
            }
            ("solver", toml::Value::Table(t)) => {
                for (sk, sv) in t {
                    match sk.as_str() {
                        "mode" => match sv.as_str().and_then(Mode::parse) {
                            Some(m) => h.solver.mode = m,
                            None => sub_err(
                                "solver",
                                sk,
                                format!("expected \"mip\" or \"lp\", got {sv}"),
                                d,
                            ),
                        },
                        "time_limit_s" => match float(sv) {
                            Some(x) if x > 0.0 => h.solver.time_limit_s = x,
                            _ => {
                                sub_err("solver", sk, format!("expected seconds > 0, got {sv}"), d)
                            }
                        },
                        "effort" => match float(sv) {
                            Some(x) if x > 0.0 && x.is_finite() => h.solver.effort = Some(x),
                            _ => sub_err(
                                "solver",
                                sk,
                                format!("expected units of effort > 0, got {sv}"),
                                d,
                            ),
                        },
                        "mip_gap" => match float(sv) {
                            Some(x) if x >= 0.0 => h.solver.mip_gap = x,
                            _ => {
                                sub_err("solver", sk, format!("expected a number ≥ 0, got {sv}"), d)
                            }
                        },
                        "heuristic_effort" => match float(sv) {
                            Some(x) if (0.0..=1.0).contains(&x) => h.solver.heuristic_effort = x,
                            _ => sub_err(
                                "solver",
                                sk,
                                format!("expected a number from 0 to 1, got {sv}"),
                                d,
                            ),
                        },
                        "strategy" => match sv.as_str().and_then(Strategy::parse) {
                            Some(st) => h.solver.strategy = st,
                            None => sub_err(
                                "solver",
                                sk,
                                format!(
                                    "expected \"auto\", \"mip\" or \"rotation-first\", got {sv}"
                                ),
                                d,
                            ),
                        },
                        "rolling_window" | "rolling_step" => match whole(sv, 1) {
                            Some(n) => {
                                let n = Some(n as usize);
                                h.rolling_line = h.rolling_line.or(line_of(sk));
                                if sk == "rolling_window" {
                                    h.solver.rolling_window = n;
                                } else {
                                    h.solver.rolling_step = n;
                                }
                            }
                            None => sub_err(
                                "solver",
                                sk,
                                format!("expected a whole number of periods ≥ 1, got {sv}"),
                                d,
                            ),
                        },
                        "threads" => match whole(sv, 1) {
                            Some(n) if n <= 1024 => h.solver.threads = n as u32,
                            _ => sub_err(
                                "solver",
                                sk,
                                format!("expected a whole number ≥ 1 (at most 1024), got {sv}"),
                                d,
                            ),
                        },
                        _ => d.warn(
                            TOML,
                            line_of(sk),
                            Some(&format!("solver.{sk}")),
                            "unknown key, ignored",
                        ),
                    }
                }
            }
            ("stability", toml::Value::Table(t)) => {
                let st = &mut h.stability;
                amounts(
                    "stability",
                    t,
                    &mut [
                        ("freeze_days", &mut st.freeze_days),
                        ("change_penalty", &mut st.change_penalty),
                    ],
                    d,
                );
            }
            ("output", toml::Value::Table(t)) => {
                for (ok, ov) in t {
                    match (ok.as_str(), ov) {
                        ("xlsx", toml::Value::Boolean(b)) => h.output.xlsx = *b,
                        ("xlsx", _) => {
                            sub_err("output", ok, format!("expected true or false, got {ov}"), d)
                        }
                        _ => d.warn(
                            TOML,
                            line_of(ok),
                            Some(&format!("output.{ok}")),
                            "unknown key, ignored",
                        ),
                    }
                }
            }
            (
                "name" | "description" | "start" | "penalties" | "solver" | "stability" | "output",
                v,
            ) => {
                let want = match k.as_str() {
                    "start" => "a date YYYY-MM-DD such as 2027-01-04",
                    "name" => "a non-blank text",
                    "description" => "a text",
                    _ => "a table of settings",
                };
                err(k, format!("expected {want}, got {v}"), d);
            }
            _ => d.warn(TOML, line_of(k), Some(k), "unknown key, ignored"),
        }
    }
    if h.name.is_empty() && !root.contains_key("name") {
        d.error(TOML, None, Some("name"), "required key is missing");
    }
    if !root.contains_key("start") {
        d.error(
            TOML,
            None,
            Some("start"),
            "required key is missing (a date such as 2027-01-04)",
        );
    } else if h.start.is_none() && !d.errors().any(|e| e.column.as_deref() == Some("start")) {
        d.error(
            TOML,
            line_of("start"),
            Some("start"),
            "expected a date YYYY-MM-DD",
        );
    }
    if !root.contains_key("periods") {
        d.error(TOML, None, Some("periods"), "required key is missing");
    }
    // Every date of the horizon must be a YYYY-MM-DD date (and representable at all).
    if let (Some(start), Some(periods)) = (h.start, h.periods) {
        let last_day = (periods as i64)
            .checked_mul(h.period_days as i64)
            .and_then(|days| chrono::Duration::try_days(days - 1))
            .and_then(|span| start.checked_add_signed(span));
        if last_day.is_none_or(|day| day.year() > 9999) {
            err(
                "periods",
                format!(
                    "{periods} periods of {} days from {start} end after 9999-12-31",
                    h.period_days
                ),
                d,
            );
            h.periods = None;
        }
    }
    h
}

fn float(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Float(f) if f.is_finite() => Some(*f),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

fn whole(v: &toml::Value, min: i64) -> Option<i64> {
    match v {
        toml::Value::Integer(i) if *i >= min => Some(*i),
        toml::Value::Float(f) if f.fract() == 0.0 && *f >= min as f64 && *f < 1e12 => {
            Some(*f as i64)
        }
        _ => None,
    }
}

/// Row-by-row checks of each table, sharing the diagnostics and the scenario header.
struct Cx<'a> {
    d: &'a mut Diags,
    header: &'a Header,
}

/// Looks a code up, reporting an unknown one.
fn lookup(
    t: &Table,
    r: &super::table::Row,
    col: &str,
    ix: &HashMap<String, usize>,
    what: &str,
    d: &mut Diags,
) -> Option<usize> {
    let code = t.code(r, col, d)?;
    match ix.get(&code) {
        Some(&BROKEN) => None,
        Some(&i) => Some(i),
        None => {
            d.error(
                &t.file,
                Some(r.line),
                Some(col),
                format!("unknown {what} `{code}`"),
            );
            None
        }
    }
}

/// An optional latitude or longitude, in degrees within ±`limit`.
fn coordinate(
    t: &Table,
    r: &super::table::Row,
    col: &str,
    limit: f64,
    d: &mut Diags,
) -> Result<Option<f64>, ()> {
    match t.opt_num(r, col, -limit, d)? {
        Some(v) if v > limit => {
            d.error(
                &t.file,
                Some(r.line),
                Some(col),
                format!("must be between -{limit} and {limit} degrees, got {v}"),
            );
            Err(())
        }
        v => Ok(v),
    }
}

/// The longest duration accepted, in days (about 2,700 years): anything longer is a typing error,
/// and would overflow the period arithmetic of the model and the dates of the outputs.
const MAX_DAYS: f64 = 1_000_000.0;

/// Reports a duration (`tour_days`, `transit_days`, …) longer than [`MAX_DAYS`]; true when it is.
fn too_long(t: &Table, r: &super::table::Row, col: &str, days: f64, d: &mut Diags) -> bool {
    if days > MAX_DAYS {
        let cell = t.get(r, col).unwrap_or_default();
        d.error(
            &t.file,
            Some(r.line),
            Some(col),
            format!("`{cell}` days is too long (at most {MAX_DAYS} days)"),
        );
        return true;
    }
    false
}

/// Records a key and reports it when it was seen before.
fn unique<K: std::hash::Hash + Eq>(
    seen: &mut HashMap<K, usize>,
    key: K,
    t: &Table,
    line: usize,
    col: &str,
    what: &str,
    d: &mut Diags,
) -> bool {
    if let Some(first) = seen.get(&key) {
        d.error(
            &t.file,
            Some(line),
            Some(col),
            format!("duplicate {what} (first on line {first})"),
        );
        false
    } else {
        seen.insert(key, line);
        true
    }
}

impl Cx<'_> {
    fn nations(&mut self, t: Option<&Table>) -> Vec<Nation> {
        let Some(t) = t else { return vec![] };
        let mut out = Vec::new();
        let mut seen = HashMap::new();
        for r in &t.rows {
            let code = t.code(r, "nation", self.d);
            let from = t.opt_date(r, "available_from", self.d);
            let to = t.opt_date(r, "available_to", self.d);
            let (Some(code), Ok(from), Ok(to)) = (code, from, to) else {
                continue;
            };
            if !unique(
                &mut seen,
                code.clone(),
                t,
                r.line,
                "nation",
                "nation code",
                self.d,
            ) {
                continue;
            }
            out.push(Nation {
                name: t.get(r, "name").unwrap_or(&code).to_string(),
                code,
                available_from: from,
                available_to: to,
                line: r.line,
            });
        }
        out
    }

    fn unit_types(&mut self, t: Option<&Table>) -> Vec<UnitType> {
        let Some(t) = t else { return vec![] };
        let p = self.header.period_days;
        let mut out = Vec::new();
        let mut seen = HashMap::new();
        for r in &t.rows {
            let d = &mut *self.d;
            let code = t.code(r, "unit_type", d);
            let domain = t.text(r, "domain", d).and_then(|s| {
                let dom = Domain::parse(&s);
                if dom.is_none() {
                    d.error(
                        &t.file,
                        Some(r.line),
                        Some("domain"),
                        format!("expected land, air or sea, got `{s}`"),
                    );
                }
                dom
            });
            let role = t.code(r, "role", d);
            let role_value = t.num_or(r, "role_value", 1.0, 0.0, d);
            let role_value = role_value.filter(|&v| {
                if v <= 0.0 {
                    d.error(&t.file, Some(r.line), Some("role_value"), "must be > 0");
                }
                v > 0.0
            });
            let troops = t.whole(r, "troops", 1, d);
            let tour_days = t.num(r, "tour_days", 0.0, d).filter(|&v| {
                if v <= 0.0 {
                    d.error(&t.file, Some(r.line), Some("tour_days"), "must be > 0");
                }
                v > 0.0
            });
            let dwell_days = t.num(r, "dwell_days", 0.0, d);
            let handover_days = t.num_or(r, "handover_days", 0.0, 0.0, d);
            let (
                Some(code),
                Some(domain),
                Some(role),
                Some(role_value),
                Some(troops),
                Some(tour_days),
                Some(dwell_days),
                Some(handover_days),
            ) = (
                code,
                domain,
                role,
                role_value,
                troops,
                tour_days,
                dwell_days,
                handover_days,
            )
            else {
                continue;
            };
            let long = [
                ("tour_days", tour_days),
                ("dwell_days", dwell_days),
                ("handover_days", handover_days),
            ];
            if long
                .into_iter()
                .fold(false, |any, (col, v)| too_long(t, r, col, v, d) | any)
            {
                continue;
            }
            let (tour, dwell, handover) = (
                periods_up(tour_days, p),
                periods_up(dwell_days, p),
                periods_up(handover_days, p),
            );
            if handover >= tour {
                d.error(
                    &t.file,
                    Some(r.line),
                    Some("handover_days"),
                    format!(
                        "handover of {handover} period(s) must be shorter than the tour of {tour} period(s) of {p} days"
                    ),
                );
                continue;
            }
            if troops > u32::MAX as u64 {
                d.error(&t.file, Some(r.line), Some("troops"), "too large");
                continue;
            }
            if !unique(
                &mut seen,
                code.clone(),
                t,
                r.line,
                "unit_type",
                "unit type",
                d,
            ) {
                continue;
            }
            out.push(UnitType {
                code,
                domain,
                role,
                role_value,
                troops: troops as u32,
                tour_days,
                dwell_days,
                handover_days,
                tour,
                dwell,
                handover,
                line: r.line,
            });
        }
        out
    }

    fn offers(
        &mut self,
        t: Option<&Table>,
        nations: &HashMap<String, usize>,
        units: &HashMap<String, usize>,
    ) -> Vec<Offer> {
        let Some(t) = t else { return vec![] };
        let mut out = Vec::new();
        let mut seen = HashMap::new();
        for r in &t.rows {
            let d = &mut *self.d;
            let n = lookup(t, r, "nation", nations, "nation", d);
            let u = lookup(t, r, "unit_type", units, "unit type", d);
            let pool = t.whole(r, "units", 0, d);
            let maxd = t.opt_whole(r, "max_deployed", 0, d);
            let cpd = t.num_or(r, "cost_per_day", 0.0, 0.0, d);
            let cpt = t.num_or(r, "cost_per_tour", 0.0, 0.0, d);
            let (Some(n), Some(u), Some(pool), Ok(maxd), Some(cpd), Some(cpt)) =
                (n, u, pool, maxd, cpd, cpt)
            else {
                continue;
            };
            if pool > 1_000_000 || maxd.unwrap_or(0) > 1_000_000 {
                d.error(
                    &t.file,
                    Some(r.line),
                    Some("units"),
                    "pool sizes above 1,000,000 units are not supported",
                );
                continue;
            }
            if !unique(
                &mut seen,
                (n, u),
                t,
                r.line,
                "unit_type",
                "offer of this nation and unit type",
                d,
            ) {
                continue;
            }
            out.push(Offer {
                nation: n,
                unit_type: u,
                units: pool as u32,
                max_deployed: maxd.map(|m| m as u32),
                cost_per_day: cpd,
                cost_per_tour: cpt,
                line: r.line,
            });
        }
        out
    }

    fn nodes(&mut self, t: Option<&Table>) -> Vec<Node> {
        let Some(t) = t else { return vec![] };
        let mut out = Vec::new();
        let mut seen = HashMap::new();
        for r in &t.rows {
            let d = &mut *self.d;
            let code = t.code(r, "node", d);
            let kind = t.text(r, "kind", d).and_then(|s| {
                let k = NodeKind::parse(&s);
                if k.is_none() {
                    d.error(
                        &t.file,
                        Some(r.line),
                        Some("kind"),
                        format!(
                            "expected depot, port, airfield, rail_head, hub or site, got `{s}`"
                        ),
                    );
                }
                k
            });
            let storage = t.num_or(r, "storage_tons", 0.0, 0.0, d);
            let pax = t.opt_num(r, "pax_per_day", 0.0, d);
            let lat = coordinate(t, r, "lat", 90.0, d);
            let lon = coordinate(t, r, "lon", 180.0, d);
            let (Some(code), Some(kind), Some(storage), Ok(pax), Ok(_), Ok(_)) =
                (code, kind, storage, pax, lat, lon)
            else {
                continue;
            };
            if !unique(&mut seen, code.clone(), t, r.line, "node", "node code", d) {
                continue;
            }
            out.push(Node {
                code,
                kind,
                country: t.get(r, "country").unwrap_or("").to_string(),
                storage_tons: storage,
                pax_per_day: pax,
                line: r.line,
            });
        }
        out
    }

    fn sites(
        &mut self,
        t: Option<&Table>,
        has_network: bool,
        nodes: &HashMap<String, usize>,
    ) -> Vec<Site> {
        let Some(t) = t else { return vec![] };
        let mut out = Vec::new();
        let mut seen = HashMap::new();
        let mut warned = false;
        for r in &t.rows {
            let d = &mut *self.d;
            let code = t.code(r, "site", d);
            let zone = t.code(r, "zone", d);
            let lat = coordinate(t, r, "lat", 90.0, d);
            let lon = coordinate(t, r, "lon", 180.0, d);
            let (mut node, mut reception, mut ok) = (None, None, true);
            if has_network {
                match lookup(t, r, "node", nodes, "node", d) {
                    Some(n) => node = Some(n),
                    None => ok = false,
                }
                if t.get(r, "reception").is_some() {
                    match lookup(t, r, "reception", nodes, "node", d) {
                        Some(n) => reception = Some(n),
                        None => ok = false,
                    }
                }
            } else if !warned && (t.get(r, "node").is_some() || t.get(r, "reception").is_some()) {
                d.warn(
                    &t.file,
                    Some(r.line),
                    Some("node"),
                    "node and reception are ignored without nodes.csv",
                );
                warned = true;
            }
            let (Some(code), Some(zone), Ok(lat), Ok(lon), true) = (code, zone, lat, lon, ok)
            else {
                continue;
            };
            if !unique(&mut seen, code.clone(), t, r.line, "site", "site code", d) {
                continue;
            }
            out.push(Site {
                name: t.get(r, "name").unwrap_or(&code).to_string(),
                code,
                zone,
                node,
                reception,
                lat,
                lon,
                line: r.line,
            });
        }
        out
    }

    fn requirements(
        &mut self,
        t: Option<&Table>,
        sites: &HashMap<String, usize>,
        unit_types: &[UnitType],
    ) -> Vec<Requirement> {
        let Some(t) = t else { return vec![] };
        let roles: BTreeSet<&str> = unit_types.iter().map(|u| u.role.as_str()).collect();
        let mut out = Vec::new();
        for r in &t.rows {
            let d = &mut *self.d;
            let s = lookup(t, r, "site", sites, "site", d);
            let role = t.code(r, "role", d);
            let required = t.num(r, "required", 0.0, d);
            let priority = t.num_or(r, "priority", 1.0, 0.0, d).filter(|&p| {
                if p <= 0.0 {
                    d.error(&t.file, Some(r.line), Some("priority"), "must be > 0");
                }
                p > 0.0
            });
            let from = t.opt_date(r, "from", d);
            let to = t.opt_date(r, "to", d);
            let (Some(s), Some(role), Some(required), Some(priority), Ok(from), Ok(to)) =
                (s, role, required, priority, from, to)
            else {
                continue;
            };
            if !unit_types.is_empty() && !roles.contains(role.as_str()) {
                d.warn(
                    &t.file,
                    Some(r.line),
                    Some("role"),
                    format!("no unit type has role `{role}`: it can never be covered"),
                );
            }
            out.push(Requirement {
                site: s,
                role,
                required,
                priority,
                from,
                to,
                line: r.line,
            });
        }
        out
    }

    fn limits(
        &mut self,
        t: Option<&Table>,
        nations: &HashMap<String, usize>,
        sites: &[Site],
    ) -> Vec<Limit> {
        let Some(t) = t else { return vec![] };
        let zones: BTreeSet<&str> = sites.iter().map(|s| s.zone.as_str()).collect();
        let mut out = Vec::new();
        for r in &t.rows {
            let d = &mut *self.d;
            let nation = match t.text(r, "nation", d) {
                Some(s) if s == "*" => Some(None),
                Some(s) => match nations.get(&s) {
                    Some(&BROKEN) => None,
                    Some(&i) => Some(Some(i)),
                    None => {
                        d.error(
                            &t.file,
                            Some(r.line),
                            Some("nation"),
                            format!("unknown nation `{s}` (or `*` for all)"),
                        );
                        None
                    }
                },
                None => None,
            };
            let zone = match t.text(r, "zone", d) {
                Some(s) if s == "*" => Some(None),
                Some(s) if crate::base::cellsafe::code_problem(&s).is_some() => {
                    let problem = crate::base::cellsafe::code_problem(&s).unwrap_or_default();
                    d.error(&t.file, Some(r.line), Some("zone"), problem);
                    None
                }
                Some(s) => {
                    if !sites.is_empty() && !zones.contains(s.as_str()) {
                        d.warn(
                            &t.file,
                            Some(r.line),
                            Some("zone"),
                            format!("no site is in zone `{s}`"),
                        );
                    }
                    Some(Some(s))
                }
                None => None,
            };
            let domain = match t.text(r, "domain", d) {
                Some(s) if s == "*" => Some(None),
                Some(s) => match Domain::parse(&s) {
                    Some(dom) => Some(Some(dom)),
                    None => {
                        d.error(
                            &t.file,
                            Some(r.line),
                            Some("domain"),
                            format!("expected land, air, sea or `*`, got `{s}`"),
                        );
                        None
                    }
                },
                None => None,
            };
            let max = t.num(r, "max_troops", 0.0, d);
            let from = t.opt_date(r, "from", d);
            let to = t.opt_date(r, "to", d);
            let (Some(nation), Some(zone), Some(domain), Some(max), Ok(from), Ok(to)) =
                (nation, zone, domain, max, from, to)
            else {
                continue;
            };
            out.push(Limit {
                nation,
                zone,
                domain,
                max_troops: max,
                from,
                to,
                line: r.line,
            });
        }
        out
    }

    fn deployed(
        &mut self,
        t: Option<&Table>,
        nations: &HashMap<String, usize>,
        units: &HashMap<String, usize>,
        sites: &HashMap<String, usize>,
        offers: &[Offer],
    ) -> Vec<InitialTour> {
        let Some(t) = t else { return vec![] };
        let h = self.header;
        let mut out = Vec::new();
        for r in &t.rows {
            let d = &mut *self.d;
            let n = lookup(t, r, "nation", nations, "nation", d);
            let u = lookup(t, r, "unit_type", units, "unit type", d);
            let s = lookup(t, r, "site", sites, "site", d);
            let arrived = t.date(r, "arrived", d);
            let k = t.whole(r, "units", 1, d);
            let (Some(n), Some(u), Some(s), Some(arrived), Some(k)) = (n, u, s, arrived, k) else {
                continue;
            };
            if !offers.iter().any(|o| o.nation == n && o.unit_type == u) {
                d.error(
                    &t.file,
                    Some(r.line),
                    Some("unit_type"),
                    "an initial tour needs an offer of this nation and unit type in offers.csv (its pool includes units on the ground)",
                );
                continue;
            }
            let Some(start) = h.start else { continue };
            if arrived >= start {
                d.error(
                    &t.file,
                    Some(r.line),
                    Some("arrived"),
                    format!("must be before the scenario start {start} (later tours are the plan's to choose)"),
                );
                continue;
            }
            if k > 1_000_000 {
                d.error(&t.file, Some(r.line), Some("units"), "too large");
                continue;
            }
            let p = h.period_days as i64;
            out.push(InitialTour {
                nation: n,
                unit_type: u,
                site: s,
                arrived,
                start_period: (arrived - start).num_days().div_euclid(p),
                units: k as u32,
                line: r.line,
                source: TourSource::Deployed,
            });
        }
        out
    }

    fn commodities(&mut self, t: Option<&Table>, names: &BTreeSet<String>) -> Vec<Commodity> {
        let default = self.header.penalties.sustainment;
        let mut out: Vec<Commodity> = names
            .iter()
            .map(|c| Commodity {
                code: c.clone(),
                days_of_supply: 0.0,
                shortfall_penalty: default,
            })
            .collect();
        let Some(t) = t else { return out };
        let mut seen = HashMap::new();
        for r in &t.rows {
            let d = &mut *self.d;
            let code = t.code(r, "commodity", d);
            let dos = t.num_or(r, "days_of_supply", 0.0, 0.0, d);
            let pen = t.num_or(r, "shortfall_penalty", default, 0.0, d);
            let (Some(code), Some(dos), Some(pen)) = (code, dos, pen) else {
                continue;
            };
            if !unique(
                &mut seen,
                code.clone(),
                t,
                r.line,
                "commodity",
                "commodity",
                d,
            ) {
                continue;
            }
            if let Some(c) = out.iter_mut().find(|c| c.code == code) {
                c.days_of_supply = dos;
                c.shortfall_penalty = pen;
            }
        }
        out
    }

    fn arcs(&mut self, t: Option<&Table>, nodes: &HashMap<String, usize>) -> Vec<Arc> {
        let Some(t) = t else { return vec![] };
        let p = self.header.period_days;
        let mut out = Vec::new();
        let mut seen = HashMap::new();
        for r in &t.rows {
            let d = &mut *self.d;
            let from = lookup(t, r, "from", nodes, "node", d);
            let to = lookup(t, r, "to", nodes, "node", d);
            let mode = t.text(r, "mode", d).filter(|m| {
                let ok = matches!(m.as_str(), "road" | "rail" | "air" | "sea" | "pipeline");
                if !ok {
                    d.error(
                        &t.file,
                        Some(r.line),
                        Some("mode"),
                        format!("expected road, rail, air, sea or pipeline, got `{m}`"),
                    );
                }
                ok
            });
            let cap = t.num(r, "capacity_tons_per_day", 0.0, d);
            let cost = t.num_or(r, "cost_per_ton", 0.0, 0.0, d);
            let transit = t.num_or(r, "transit_days", 0.0, 0.0, d);
            let bidi = t.opt_bool(r, "bidirectional", d);
            let af = t.opt_date(r, "available_from", d);
            let at = t.opt_date(r, "available_to", d);
            let (
                Some(from),
                Some(to),
                Some(mode),
                Some(cap),
                Some(cost),
                Some(transit),
                Ok(bidi),
                Ok(af),
                Ok(at),
            ) = (from, to, mode, cap, cost, transit, bidi, af, at)
            else {
                continue;
            };
            if from == to {
                d.error(
                    &t.file,
                    Some(r.line),
                    Some("to"),
                    "an arc must join two different nodes",
                );
                continue;
            }
            if too_long(t, r, "transit_days", transit, d) {
                continue;
            }
            let bidi = bidi.unwrap_or(false);
            let mut dirs = vec![(from, to)];
            if bidi {
                dirs.push((to, from));
            }
            let mut dup = false;
            for &(a, b) in &dirs {
                if let Some(first) = seen.get(&(a, b, mode.clone())) {
                    d.error(
                        &t.file,
                        Some(r.line),
                        Some("from"),
                        format!("duplicate arc by {mode} (same direction as line {first}); give one row the summed capacity"),
                    );
                    dup = true;
                    break;
                }
            }
            if dup {
                continue;
            }
            for (a, b) in dirs {
                seen.insert((a, b, mode.clone()), r.line);
                out.push(Arc {
                    from: a,
                    to: b,
                    mode: mode.clone(),
                    capacity_tons_per_day: cap,
                    cost_per_ton: cost,
                    transit_days: transit,
                    lag: periods_down(transit, p),
                    available_from: af,
                    available_to: at,
                    line: r.line,
                });
            }
        }
        out
    }

    fn supply(
        &mut self,
        t: Option<&Table>,
        nodes: &HashMap<String, usize>,
        commodities: &HashMap<String, usize>,
        node_list: &[Node],
    ) -> Vec<Supply> {
        let Some(t) = t else { return vec![] };
        let mut out = Vec::new();
        let mut seen = HashMap::new();
        for r in &t.rows {
            let d = &mut *self.d;
            let w = lookup(t, r, "node", nodes, "node", d);
            let k = lookup(t, r, "commodity", commodities, "commodity", d);
            let tons = t.num(r, "tons_per_day", 0.0, d);
            let cost = t.num_or(r, "cost_per_ton", 0.0, 0.0, d);
            let (Some(w), Some(k), Some(tons), Some(cost)) = (w, k, tons, cost) else {
                continue;
            };
            if !unique(
                &mut seen,
                (w, k),
                t,
                r.line,
                "commodity",
                "supply of this node and commodity",
                d,
            ) {
                continue;
            }
            if node_list[w].kind != NodeKind::Depot {
                d.warn(
                    &t.file,
                    Some(r.line),
                    Some("node"),
                    format!("`{}` supplies but is not a depot", node_list[w].code),
                );
            }
            out.push(Supply {
                node: w,
                commodity: k,
                tons_per_day: tons,
                cost_per_ton: cost,
                line: r.line,
            });
        }
        out
    }

    fn consumption(
        &mut self,
        t: Option<&Table>,
        units: &HashMap<String, usize>,
        commodities: &HashMap<String, usize>,
    ) -> Vec<Consumption> {
        let Some(t) = t else { return vec![] };
        let mut out = Vec::new();
        let mut seen = HashMap::new();
        for r in &t.rows {
            let d = &mut *self.d;
            let u = lookup(t, r, "unit_type", units, "unit type", d);
            let k = lookup(t, r, "commodity", commodities, "commodity", d);
            let tons = t.num(r, "tons_per_day", 0.0, d);
            let (Some(u), Some(k), Some(tons)) = (u, k, tons) else {
                continue;
            };
            if !unique(
                &mut seen,
                (u, k),
                t,
                r.line,
                "commodity",
                "consumption of this unit type and commodity",
                d,
            ) {
                continue;
            }
            out.push(Consumption {
                unit_type: u,
                commodity: k,
                tons_per_day: tons,
                line: r.line,
            });
        }
        out
    }

    fn initial_stocks(
        &mut self,
        t: Option<&Table>,
        nodes: &HashMap<String, usize>,
        commodities: &HashMap<String, usize>,
        node_list: &[Node],
    ) -> Vec<InitialStock> {
        let Some(t) = t else { return vec![] };
        let mut out: Vec<InitialStock> = Vec::new();
        let mut seen = HashMap::new();
        let mut per_node: BTreeMap<usize, (f64, usize)> = BTreeMap::new();
        for r in &t.rows {
            let d = &mut *self.d;
            let w = lookup(t, r, "node", nodes, "node", d);
            let k = lookup(t, r, "commodity", commodities, "commodity", d);
            let tons = t.num(r, "tons", 0.0, d);
            let (Some(w), Some(k), Some(tons)) = (w, k, tons) else {
                continue;
            };
            if !unique(
                &mut seen,
                (w, k),
                t,
                r.line,
                "commodity",
                "initial stock of this node and commodity",
                d,
            ) {
                continue;
            }
            let node = &node_list[w];
            if tons > 0.0 && node.storage_tons <= 0.0 {
                d.error(
                    &t.file,
                    Some(r.line),
                    Some("tons"),
                    format!("node `{}` has no storage (storage_tons 0 in nodes.csv:{}) and can hold no stock", node.code, node.line),
                );
                continue;
            }
            let e = per_node.entry(w).or_insert((0.0, r.line));
            e.0 += tons;
            out.push(InitialStock {
                node: w,
                commodity: k,
                tons,
                line: r.line,
            });
        }
        for (w, (total, line)) in per_node {
            let node = &node_list[w];
            if node.storage_tons > 0.0 && total > node.storage_tons + 1e-9 {
                self.d.error(
                    &t.file,
                    Some(line),
                    Some("tons"),
                    format!(
                        "initial stocks at `{}` total {} t, above its storage of {} t (nodes.csv:{})",
                        node.code, total, node.storage_tons, node.line
                    ),
                );
            }
        }
        out
    }
}

/// Warns about date windows that contain no period start: they are never active (docs/model.md#time-and-periods).
fn check_windows(s: &Scenario, d: &mut Diags) {
    let never = |from: Option<NaiveDate>, to: Option<NaiveDate>| -> bool {
        (from.is_some() || to.is_some()) && !(0..s.periods as i64).any(|t| s.active(from, to, t))
    };
    for n in &s.nations {
        if never(n.available_from, n.available_to) {
            d.warn(
                "nations.csv",
                Some(n.line),
                Some("available_from"),
                "the availability window holds no period start: the nation can start no tour",
            );
        }
    }
    for r in &s.requirements {
        if never(r.from, r.to) {
            d.warn(
                "requirements.csv",
                Some(r.line),
                Some("from"),
                "the window holds no period start: this requirement is never active",
            );
        }
    }
    for l in &s.limits {
        if never(l.from, l.to) {
            d.warn(
                "limits.csv",
                Some(l.line),
                Some("from"),
                "the window holds no period start: this limit is never active",
            );
        }
    }
    if let Some(net) = &s.network {
        for a in &net.arcs {
            if never(a.available_from, a.available_to) {
                d.warn(
                    "arcs.csv",
                    Some(a.line),
                    Some("available_from"),
                    "the window holds no period start: this arc is never usable",
                );
            }
        }
    }
}

/// Names the rows of initial tours for messages: `deployed.csv lines 5, 7`.
fn lines_of(tours: &[&InitialTour]) -> String {
    let mut parts = Vec::new();
    for src in [TourSource::Deployed, TourSource::Previous] {
        let mut ls: Vec<usize> = tours
            .iter()
            .filter(|t| t.source == src)
            .map(|t| t.line)
            .collect();
        ls.sort_unstable();
        ls.dedup();
        if !ls.is_empty() {
            parts.push(format!(
                "{} lines {}",
                src.file(),
                ls.iter()
                    .map(|l| l.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    parts.join("; ")
}

/// Initial tours are fixed: if they alone break a hard constraint, no plan can exist (docs/inputs.md#rules-across-tables).
pub fn check_initial_tours(s: &Scenario, d: &mut Diags) {
    let horizon = 0..s.periods as i64;
    let on_ground = |it: &InitialTour, t: i64| {
        let l = s.unit_types[it.unit_type].tour as i64;
        it.start_period <= t && t < it.start_period + l
    };
    // Pool and max deployed, per offer.
    for o in &s.offers {
        let ut = &s.unit_types[o.unit_type];
        let tours: Vec<&InitialTour> = s
            .deployed
            .iter()
            .filter(|it| it.nation == o.nation && it.unit_type == o.unit_type)
            .collect();
        if tours.is_empty() {
            continue;
        }
        let busy_len = (ut.tour + ut.dwell) as i64;
        for t in horizon.clone() {
            let busy: Vec<&InitialTour> = tours
                .iter()
                .copied()
                .filter(|it| it.start_period <= t && t < it.start_period + busy_len)
                .collect();
            let n: u64 = busy.iter().map(|it| it.units as u64).sum();
            if n > o.units as u64 {
                d.error(
                    "deployed.csv",
                    Some(busy[0].line),
                    Some("units"),
                    format!(
                        "initial tours ({}) keep {n} {} {} busy (on tour or in dwell) in the period from {}, more than the pool of {} (offers.csv:{})",
                        lines_of(&busy),
                        s.nations[o.nation].code,
                        ut.code,
                        s.period_start(t),
                        o.units,
                        o.line
                    ),
                );
                break;
            }
        }
        if let Some(max) = o.max_deployed {
            for t in horizon.clone() {
                let ground: Vec<&InitialTour> = tours
                    .iter()
                    .copied()
                    .filter(|it| on_ground(it, t))
                    .collect();
                let n: u64 = ground.iter().map(|it| it.units as u64).sum();
                if n > max as u64 {
                    d.error(
                        "deployed.csv",
                        Some(ground[0].line),
                        Some("units"),
                        format!(
                            "initial tours ({}) put {n} {} {} on the ground in the period from {}, more than max_deployed {max} (offers.csv:{})",
                            lines_of(&ground),
                            s.nations[o.nation].code,
                            ut.code,
                            s.period_start(t),
                            o.line
                        ),
                    );
                    break;
                }
            }
        }
    }
    // Contingent limits.
    for l in &s.limits {
        let tours: Vec<&InitialTour> = s
            .deployed
            .iter()
            .filter(|it| limit_matches(s, l, it.nation, it.unit_type, it.site))
            .collect();
        for t in horizon.clone() {
            if !s.active(l.from, l.to, t) {
                continue;
            }
            let ground: Vec<&InitialTour> = tours
                .iter()
                .copied()
                .filter(|it| on_ground(it, t))
                .collect();
            let troops: f64 = ground
                .iter()
                .map(|it| it.units as f64 * s.unit_types[it.unit_type].troops as f64)
                .sum();
            if troops > l.max_troops + 1e-9 {
                d.error(
                    "limits.csv",
                    Some(l.line),
                    Some("max_troops"),
                    format!(
                        "initial tours ({}) alone put {troops} troops under this limit in the period from {}, above max_troops {}",
                        lines_of(&ground),
                        s.period_start(t),
                        l.max_troops
                    ),
                );
                break;
            }
        }
    }
    // Reception: only departures of initial tours fall inside the horizon (docs/model.md#reception).
    if let Some(net) = &s.network {
        for (w, node) in net.nodes.iter().enumerate() {
            let Some(pax) = node.pax_per_day else {
                continue;
            };
            let cap = pax * s.period_days as f64;
            let tours: Vec<&InitialTour> = s
                .deployed
                .iter()
                .filter(|it| s.sites[it.site].reception == Some(w))
                .collect();
            for t in horizon.clone() {
                let leaving: Vec<&InitialTour> = tours
                    .iter()
                    .copied()
                    .filter(|it| it.start_period + s.unit_types[it.unit_type].tour as i64 - 1 == t)
                    .collect();
                let troops: f64 = leaving
                    .iter()
                    .map(|it| it.units as f64 * s.unit_types[it.unit_type].troops as f64)
                    .sum();
                if troops > cap + 1e-9 {
                    d.error(
                        "deployed.csv",
                        Some(leaving[0].line),
                        Some("arrived"),
                        format!(
                            "initial tours ({}) send {troops} troops home through `{}` in the period from {}, above its capacity of {cap} (pax_per_day {pax} × {} days, nodes.csv:{})",
                            lines_of(&leaving),
                            node.code,
                            s.period_start(t),
                            s.period_days,
                            node.line
                        ),
                    );
                    break;
                }
            }
        }
    }
}

/// Whether a limits.csv row covers units of type u from nation n at site s.
pub fn limit_matches(s: &Scenario, l: &Limit, n: usize, u: usize, site: usize) -> bool {
    l.nation.is_none_or(|ln| ln == n)
        && l.domain.is_none_or(|dom| dom == s.unit_types[u].domain)
        && l.zone.as_deref().is_none_or(|z| z == s.sites[site].zone)
}

/// Warns about sites whose units consume a commodity no supplying depot can reach (petgraph
/// reachability over all arcs, whatever their dates). A warning, not an error: a variant that
/// closes a crossing must still solve and show the unmet demand.
fn check_reachability(s: &Scenario, net: &Network, d: &mut Diags) {
    let mut g: DiGraph<usize, ()> = DiGraph::new();
    let ix: Vec<NodeIndex> = (0..net.nodes.len()).map(|w| g.add_node(w)).collect();
    for a in &net.arcs {
        g.add_edge(ix[a.from], ix[a.to], ());
    }
    for (si, site) in s.sites.iter().enumerate() {
        let Some(node) = site.node else { continue };
        // Unit types that may stand at the site: those a requirement there asks for, or deployed there.
        let roles: BTreeSet<&str> = s
            .requirements
            .iter()
            .filter(|r| r.site == si)
            .map(|r| r.role.as_str())
            .collect();
        let mut consumed = BTreeSet::new();
        for c in &net.consumption {
            let ut = &s.unit_types[c.unit_type];
            let used = roles.contains(ut.role.as_str())
                || s.deployed
                    .iter()
                    .any(|it| it.site == si && it.unit_type == c.unit_type);
            if used && c.tons_per_day > 0.0 {
                consumed.insert(c.commodity);
            }
        }
        if consumed.is_empty() {
            continue;
        }
        // Every node from which the site can be reached.
        let rev = Reversed(&g);
        let mut bfs = Bfs::new(rev, ix[node]);
        let mut upstream = BTreeSet::new();
        while let Some(n) = bfs.next(rev) {
            upstream.insert(g[n]);
        }
        for k in consumed {
            let sources: Vec<&Supply> = net
                .supply
                .iter()
                .filter(|sp| sp.commodity == k && sp.tons_per_day > 0.0)
                .collect();
            if !sources.iter().any(|sp| upstream.contains(&sp.node)) {
                let tried: Vec<&str> = sources
                    .iter()
                    .map(|sp| net.nodes[sp.node].code.as_str())
                    .collect();
                d.warn(
                    "sites.csv",
                    Some(site.line),
                    Some("node"),
                    format!(
                        "site `{}` consumes `{}` but no supplying depot reaches node `{}` over arcs.csv (depots tried: {})",
                        site.code,
                        net.commodities[k].code,
                        net.nodes[node].code,
                        if tried.is_empty() { "none supply it".to_string() } else { tried.join(", ") }
                    ),
                );
            }
        }
    }
}
