//! Variants: named sets of overrides on a base scenario (`rotaplan batch`, docs/operations.md).
//!
//! A variants file is a CSV table with columns `variant, kind, target, value, from, to` (and an
//! optional free-text `note`), one override per row. Rows of the same variant apply in file
//! order. Every kind, target and value is checked against the base scenario before anything runs;
//! each problem is reported as `FILE:LINE: column: message`.

use crate::base::diag::Diags;
use crate::scenario::table::{self, Table};
use crate::scenario::{periods_up, Domain, Limit, Node, NodeKind, Scenario};
use chrono::{Duration, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

/// The override kinds, as written in the `kind` column.
pub const KINDS: [&str; 8] = [
    "withdraw_nation",
    "scale_requirements",
    "set_limit",
    "add_limit",
    "close_arc",
    "pool",
    "tour_days",
    "dwell_days",
];

/// A `from`/`to` window; `None` is unbounded.
pub type Window = (Option<NaiveDate>, Option<NaiveDate>);

/// One override, its targets resolved to indices of the base scenario.
#[derive(Debug, Clone)]
pub enum Change {
    /// No new tour of the nation on the ground from `from` (blank: at all).
    WithdrawNation {
        nation: usize,
        from: Option<NaiveDate>,
    },
    /// Requirements of a site, a role or all, times `factor`, inside the window.
    ScaleRequirements {
        site: Option<usize>,
        role: Option<String>,
        factor: f64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
    /// A contingent limit: `add` always adds a row; otherwise matching rows get the new max.
    Limit {
        nation: Option<usize>,
        zone: Option<String>,
        domain: Option<Domain>,
        max: f64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        add: bool,
    },
    /// Arcs from→to (one mode or all), and their bidirectional twins, unusable in the window.
    CloseArc {
        from: usize,
        to: usize,
        mode: Option<String>,
        window: Window,
    },
    /// New pool size of an offer.
    Pool {
        offer: usize,
        units: u32,
    },
    TourDays {
        unit_type: usize,
        days: f64,
    },
    DwellDays {
        unit_type: usize,
        days: f64,
    },
}

/// An override and where it was given (`variants.csv:7`, or a sweep's name).
#[derive(Debug, Clone)]
pub struct Override {
    pub source: String,
    pub file: String,
    pub line: Option<usize>,
    pub change: Change,
}

/// A named set of overrides.
#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub overrides: Vec<Override>,
}

/// Why a variant name cannot be a directory name, if it cannot.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if name.is_empty() {
        return Err("a variant name is required".into());
    }
    if name.len() > 100 {
        return Err(format!("`{name}` is longer than 100 characters"));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) || !name.chars().all(ok_char) {
        return Err(format!(
            "`{name}` is not a safe directory name: use letters, digits, `_`, `-` and `.`, starting with a letter or digit"
        ));
    }
    if name.starts_with("batch_summary") {
        return Err(format!("`{name}` would clash with the batch summary files"));
    }
    Ok(())
}

/// Reads a variants file. `label` names the file in messages.
pub fn parse(label: &str, bytes: &[u8], base: &Scenario, d: &mut Diags) -> Vec<Variant> {
    let Some(t) = Table::parse(
        label,
        bytes,
        &["variant", "kind", "target"],
        &["value", "from", "to", "note"],
        d,
    ) else {
        return vec![];
    };
    let mut order: Vec<String> = Vec::new();
    let mut by_name: BTreeMap<String, Vec<Override>> = BTreeMap::new();
    for r in &t.rows {
        let Some(name) = t.text(r, "variant", d) else {
            continue;
        };
        if let Err(msg) = check_name(&name) {
            d.error(label, Some(r.line), Some("variant"), msg);
            continue;
        }
        let change = parse_row(&t, r, base, d);
        if !by_name.contains_key(&name) {
            order.push(name.clone());
        }
        let list = by_name.entry(name).or_default();
        if let Some(change) = change {
            list.push(Override {
                source: format!("{label}:{}", r.line),
                file: label.to_string(),
                line: Some(r.line),
                change,
            });
        }
    }
    order
        .into_iter()
        .map(|name| {
            let overrides = by_name.remove(&name).unwrap_or_default();
            Variant { name, overrides }
        })
        .collect()
}

fn parse_row(t: &Table, r: &table::Row, sc: &Scenario, d: &mut Diags) -> Option<Change> {
    let file = t.file.clone();
    let line = Some(r.line);
    let kind = t.text(r, "kind", d)?;
    let target = t.text(r, "target", d)?;
    let from = t.opt_date(r, "from", d).ok()?;
    let to = t.opt_date(r, "to", d).ok()?;
    let value = t.get(r, "value");
    let mut err = |col: &str, msg: String| d.error(&file, line, Some(col), msg);
    if let (Some(f), Some(e)) = (from, to) {
        if e < f {
            err("to", format!("{e} is before from {f}"));
            return None;
        }
    }
    let no_value = |err: &mut dyn FnMut(&str, String)| -> Option<()> {
        if let Some(v) = value {
            err("value", format!("{kind} takes no value (got `{v}`)"));
            return None;
        }
        Some(())
    };
    let no_window = |err: &mut dyn FnMut(&str, String), what: &str| -> Option<()> {
        if from.is_some() || to.is_some() {
            err(
                if from.is_some() { "from" } else { "to" },
                format!("{kind} takes no from/to: {what}"),
            );
            return None;
        }
        Some(())
    };
    let nation_ix = |code: &str| sc.nations.iter().position(|n| n.code == code);
    let unit_ix = |code: &str| sc.unit_types.iter().position(|u| u.code == code);
    match kind.as_str() {
        "withdraw_nation" => {
            no_value(&mut err)?;
            if to.is_some() {
                err(
                    "to",
                    "withdraw_nation takes a `from` date only (the nation does not come back)"
                        .into(),
                );
                return None;
            }
            match nation_ix(&target) {
                Some(n) => Some(Change::WithdrawNation { nation: n, from }),
                None => {
                    err("target", format!("unknown nation `{target}`"));
                    None
                }
            }
        }
        "scale_requirements" => {
            let factor = number(value, 0.0, "a factor ≥ 0", &mut err)?;
            let (site, role) = if target == "*" {
                (None, None)
            } else if let Some(code) = target.strip_prefix("site:") {
                match sc.sites.iter().position(|s| s.code == code) {
                    Some(s) if sc.requirements.iter().any(|q| q.site == s) => (Some(s), None),
                    Some(_) => {
                        err(
                            "target",
                            format!("no requirement in requirements.csv is at site `{code}`"),
                        );
                        return None;
                    }
                    None => {
                        err("target", format!("unknown site `{code}`"));
                        return None;
                    }
                }
            } else if let Some(role) = target.strip_prefix("role:") {
                if !sc.requirements.iter().any(|q| q.role == role) {
                    err(
                        "target",
                        format!("no requirement in requirements.csv asks for role `{role}`"),
                    );
                    return None;
                }
                (None, Some(role.to_string()))
            } else {
                err(
                    "target",
                    format!("expected `site:CODE`, `role:CODE` or `*`, got `{target}`"),
                );
                return None;
            };
            Some(Change::ScaleRequirements {
                site,
                role,
                factor,
                from,
                to,
            })
        }
        "set_limit" | "add_limit" => {
            let max = number(value, 0.0, "max_troops ≥ 0", &mut err)?;
            let parts: Vec<&str> = target.split(':').collect();
            if parts.len() != 3 {
                err(
                    "target",
                    format!("expected NATION:ZONE:DOMAIN (each may be `*`), got `{target}`"),
                );
                return None;
            }
            let nation = match parts[0] {
                "*" => None,
                c => match nation_ix(c) {
                    Some(n) => Some(n),
                    None => {
                        err("target", format!("unknown nation `{c}`"));
                        return None;
                    }
                },
            };
            let zone = match parts[1] {
                "*" => None,
                z if sc.sites.iter().any(|s| s.zone == z) => Some(z.to_string()),
                z => {
                    err("target", format!("no site in sites.csv is in zone `{z}`"));
                    return None;
                }
            };
            let domain = match parts[2] {
                "*" => None,
                s => match Domain::parse(s) {
                    Some(dom) => Some(dom),
                    None => {
                        err(
                            "target",
                            format!("expected domain land, air, sea or `*`, got `{s}`"),
                        );
                        return None;
                    }
                },
            };
            Some(Change::Limit {
                nation,
                zone,
                domain,
                max,
                from,
                to,
                add: kind == "add_limit",
            })
        }
        "close_arc" => {
            no_value(&mut err)?;
            let Some(net) = &sc.network else {
                err(
                    "target",
                    "the scenario has no supply network (nodes.csv, arcs.csv)".into(),
                );
                return None;
            };
            let (ends, mode) = match target.split_once(':') {
                Some((e, m)) => (e, Some(m.to_string())),
                None => (target.as_str(), None),
            };
            let Some((a, b)) = ends.split_once('>') else {
                err(
                    "target",
                    format!("expected FROM>TO or FROM>TO:MODE, got `{target}`"),
                );
                return None;
            };
            let node = |c: &str| net.nodes.iter().position(|n| n.code == c);
            let (Some(a_ix), Some(b_ix)) = (node(a), node(b)) else {
                let missing = if node(a).is_none() { a } else { b };
                err("target", format!("unknown node `{missing}`"));
                return None;
            };
            let found = net.arcs.iter().any(|x| {
                x.from == a_ix && x.to == b_ix && mode.as_deref().is_none_or(|m| m == x.mode)
            });
            if !found {
                let by = mode
                    .as_deref()
                    .map_or(String::new(), |m| format!(" by {m}"));
                err(
                    "target",
                    format!("arcs.csv has no arc from `{a}` to `{b}`{by}"),
                );
                return None;
            }
            Some(Change::CloseArc {
                from: a_ix,
                to: b_ix,
                mode,
                window: (from, to),
            })
        }
        "pool" => {
            no_window(&mut err, "a pool holds for the whole horizon")?;
            let Some((n, u)) = target.split_once(':') else {
                err(
                    "target",
                    format!("expected NATION:UNIT_TYPE, got `{target}`"),
                );
                return None;
            };
            let units = number(value, 0.0, "a whole number of units ≥ 0", &mut err)?;
            if units.fract() != 0.0 || units > 1_000_000.0 {
                err(
                    "value",
                    format!("expected a whole number of units ≥ 0, got {units}"),
                );
                return None;
            }
            let (Some(n_ix), Some(u_ix)) = (nation_ix(n), unit_ix(u)) else {
                let msg = if nation_ix(n).is_none() {
                    format!("unknown nation `{n}`")
                } else {
                    format!("unknown unit type `{u}`")
                };
                err("target", msg);
                return None;
            };
            match sc
                .offers
                .iter()
                .position(|o| o.nation == n_ix && o.unit_type == u_ix)
            {
                Some(o) => Some(Change::Pool {
                    offer: o,
                    units: units as u32,
                }),
                None => {
                    err(
                        "target",
                        format!("offers.csv has no offer of `{u}` by `{n}`"),
                    );
                    None
                }
            }
        }
        "tour_days" | "dwell_days" => {
            no_window(&mut err, "a unit type's rhythm holds for the whole horizon")?;
            let Some(u) = unit_ix(&target) else {
                err("target", format!("unknown unit type `{target}`"));
                return None;
            };
            if kind == "tour_days" {
                let days = number(value, 0.0, "days > 0", &mut err)?;
                if days <= 0.0 {
                    err("value", "tour_days must be > 0".into());
                    return None;
                }
                Some(Change::TourDays { unit_type: u, days })
            } else {
                let days = number(value, 0.0, "days ≥ 0", &mut err)?;
                Some(Change::DwellDays { unit_type: u, days })
            }
        }
        other => {
            err(
                "kind",
                format!(
                    "unknown override kind `{other}` (expected one of: {})",
                    KINDS.join(", ")
                ),
            );
            None
        }
    }
}

/// A required number in the value column, ≥ `min`, with the decimal-comma hint.
fn number(
    value: Option<&str>,
    min: f64,
    what: &str,
    err: &mut dyn FnMut(&str, String),
) -> Option<f64> {
    let Some(v) = value else {
        err("value", format!("a value is required ({what})"));
        return None;
    };
    match table::parse_number(v) {
        Some(x) if x >= min => Some(x),
        Some(x) => {
            err("value", format!("expected {what}, got {x}"));
            None
        }
        None if table::looks_like_decimal_comma(v) => {
            err(
                "value",
                format!(
                    "`{v}` uses a decimal comma; write the number with `.` as the decimal point"
                ),
            );
            None
        }
        None => {
            err("value", format!("expected {what}, got `{v}`"));
            None
        }
    }
}

/// The day before.
fn before(d: NaiveDate) -> NaiveDate {
    d - Duration::days(1)
}

/// Applies a variant's overrides to a copy of the base. Problems that depend on how overrides
/// combine (a tour no longer longer than its handover) are reported with the override's line.
pub fn apply(base: &Scenario, v: &Variant, d: &mut Diags) -> Option<Scenario> {
    let mut sc = base.clone();
    let mut ok = true;
    // Closures are collected per directed arc and laid out at the end, so several windows on one
    // arc combine.
    let mut closures: BTreeMap<usize, Vec<Window>> = BTreeMap::new();
    let mut touched_units: BTreeMap<usize, &Override> = BTreeMap::new();
    for o in &v.overrides {
        match &o.change {
            Change::WithdrawNation { nation, from } => {
                // Tours under way stay (docs/model.md#tour_variables): only new tours need availability.
                let cut = before(from.unwrap_or(sc.start));
                let nat = &mut sc.nations[*nation];
                nat.available_to = Some(nat.available_to.map_or(cut, |t| t.min(cut)));
            }
            Change::ScaleRequirements {
                site,
                role,
                factor,
                from,
                to,
            } => {
                let mut out = Vec::with_capacity(sc.requirements.len());
                for r in sc.requirements.drain(..) {
                    let hit = site.is_none_or(|s| s == r.site)
                        && role.as_deref().is_none_or(|q| q == r.role);
                    if !hit {
                        out.push(r);
                        continue;
                    }
                    // Split the row's window into the parts before, inside and after the scaling
                    // window; rows add up (docs/inputs.md#rules-across-tables), so the split keeps every other period as is.
                    let lo = max_opt(r.from, *from);
                    let hi = min_opt(r.to, *to);
                    if matches!((lo, hi), (Some(a), Some(b)) if b < a) {
                        out.push(r);
                        continue;
                    }
                    if let Some(f) = from {
                        if r.from.is_none_or(|rf| rf <= before(*f)) {
                            let mut p = r.clone();
                            p.to = min_opt(r.to, Some(before(*f)));
                            out.push(p);
                        }
                    }
                    let mut mid = r.clone();
                    mid.from = lo;
                    mid.to = hi;
                    mid.required *= factor;
                    out.push(mid);
                    if let Some(t) = to {
                        let after = *t + Duration::days(1);
                        if r.to.is_none_or(|rt| after <= rt) {
                            let mut p = r.clone();
                            p.from = max_opt(r.from, Some(after));
                            out.push(p);
                        }
                    }
                }
                sc.requirements = out;
            }
            Change::Limit {
                nation,
                zone,
                domain,
                max,
                from,
                to,
                add,
            } => {
                let mut matched = false;
                if !add {
                    let dated = from.is_some() || to.is_some();
                    for l in sc.limits.iter_mut() {
                        if l.nation == *nation
                            && l.zone == *zone
                            && l.domain == *domain
                            && (!dated || (l.from == *from && l.to == *to))
                        {
                            l.max_troops = *max;
                            matched = true;
                        }
                    }
                }
                if !matched {
                    sc.limits.push(Limit {
                        nation: *nation,
                        zone: zone.clone(),
                        domain: *domain,
                        max_troops: *max,
                        from: *from,
                        to: *to,
                        line: 0,
                    });
                }
            }
            Change::CloseArc {
                from,
                to,
                mode,
                window,
            } => {
                let Some(net) = sc.network.as_ref() else {
                    continue;
                };
                for (i, a) in net.arcs.iter().enumerate() {
                    let direct = a.from == *from && a.to == *to;
                    // The other half of a bidirectional row: the same crossing, closed too.
                    let twin = a.from == *to
                        && a.to == *from
                        && net.arcs.iter().any(|b| {
                            b.line == a.line && b.from == *from && b.to == *to && b.mode == a.mode
                        });
                    if (direct || twin) && mode.as_deref().is_none_or(|m| m == a.mode) {
                        closures.entry(i).or_default().push(*window);
                    }
                }
            }
            Change::Pool { offer, units } => sc.offers[*offer].units = *units,
            Change::TourDays { unit_type, days } => {
                let u = &mut sc.unit_types[*unit_type];
                u.tour_days = *days;
                u.tour = periods_up(*days, sc.period_days);
                touched_units.insert(*unit_type, o);
            }
            Change::DwellDays { unit_type, days } => {
                let u = &mut sc.unit_types[*unit_type];
                u.dwell_days = *days;
                u.dwell = periods_up(*days, sc.period_days);
            }
        }
    }
    for (u, o) in &touched_units {
        let ut = &sc.unit_types[*u];
        if ut.handover >= ut.tour {
            d.error(
                &o.file,
                o.line,
                Some("value"),
                format!(
                    "variant `{}`: with tour_days {} a tour of `{}` is {} period(s) of {} days, not longer than its handover of {} period(s) (unit_types.csv:{})",
                    v.name, ut.tour_days, ut.code, ut.tour, sc.period_days, ut.handover, ut.line
                ),
            );
            ok = false;
        }
    }
    if !closures.is_empty() {
        lay_out_closures(&mut sc, &closures);
    }
    ok.then_some(sc)
}

fn max_opt(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn min_opt(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Makes closed arcs unusable in the periods their closures cover.
///
/// An arc is usable in the periods its own window holds, less those any closure window holds
/// (both tested on period starts, docs/model.md#time-and-periods). What remains is one or more runs of consecutive
/// periods. None: the arc is removed. One: the arc keeps it as its window. Several: arcs.csv
/// allows one row per (from, to, mode), so each further run goes through a relay node of its
/// own (`FROM~TO~MODE~2`, a hub without storage): FROM→relay carries the arc's capacity, cost
/// and transit in that run only, relay→TO passes it on at once, at no cost. Flows, costs and
/// arrival periods are those of the arc itself; flows.csv shows that run as two legs.
fn lay_out_closures(sc: &mut Scenario, closures: &BTreeMap<usize, Vec<Window>>) {
    let periods = sc.periods as i64;
    let mut runs_of: BTreeMap<usize, Vec<(i64, i64)>> = BTreeMap::new();
    {
        let Some(net) = sc.network.as_ref() else {
            return;
        };
        for (&i, wins) in closures {
            let a = &net.arcs[i];
            let open: Vec<bool> = (0..periods)
                .map(|t| {
                    sc.active(a.available_from, a.available_to, t)
                        && !wins.iter().any(|&(f, e)| sc.active(f, e, t))
                })
                .collect();
            let mut runs = Vec::new();
            let mut t = 0;
            while t < periods {
                if open[t as usize] {
                    let s = t;
                    while t + 1 < periods && open[t as usize + 1] {
                        t += 1;
                    }
                    runs.push((s, t));
                }
                t += 1;
            }
            runs_of.insert(i, runs);
        }
    }
    let starts: Vec<NaiveDate> = (0..periods).map(|t| sc.period_start(t)).collect();
    let Some(net) = sc.network.as_mut() else {
        return;
    };
    let mut remove = BTreeSet::new();
    let mut new_arcs = Vec::new();
    for (&i, runs) in &runs_of {
        let orig = net.arcs[i].clone();
        // A run that reaches an end of the horizon keeps the arc's own bound there, so an arc
        // open throughout keeps its row unchanged.
        let window = |(s, e): (i64, i64)| {
            let from = if s == 0 {
                orig.available_from
            } else {
                Some(starts[s as usize])
            };
            let to = if e == periods - 1 {
                orig.available_to
            } else {
                Some(starts[e as usize])
            };
            (from, to)
        };
        let Some((&first, rest)) = runs.split_first() else {
            remove.insert(i);
            continue;
        };
        let (f, t) = window(first);
        net.arcs[i].available_from = f;
        net.arcs[i].available_to = t;
        for (k, &run) in rest.iter().enumerate() {
            let base = format!(
                "{}~{}~{}~{}",
                net.nodes[orig.from].code,
                net.nodes[orig.to].code,
                orig.mode,
                k + 2
            );
            let mut code = base.clone();
            let mut n = 1;
            while net.nodes.iter().any(|x| x.code == code) {
                n += 1;
                code = format!("{base}-{n}");
            }
            net.nodes.push(Node {
                code,
                kind: NodeKind::Hub,
                country: String::new(),
                storage_tons: 0.0,
                pax_per_day: None,
                line: 0,
            });
            let relay = net.nodes.len() - 1;
            let (f, t) = window(run);
            let mut leg1 = orig.clone();
            leg1.to = relay;
            leg1.available_from = f;
            leg1.available_to = t;
            leg1.line = 0;
            let mut leg2 = orig.clone();
            leg2.from = relay;
            leg2.cost_per_ton = 0.0;
            leg2.transit_days = 0.0;
            leg2.lag = 0;
            leg2.available_from = None;
            leg2.available_to = None;
            leg2.line = 0;
            new_arcs.push(leg1);
            new_arcs.push(leg2);
        }
    }
    let mut k = 0;
    net.arcs.retain(|_| {
        let keep = !remove.contains(&k);
        k += 1;
        keep
    });
    net.arcs.extend(new_arcs);
}
