//! Checks on the tours: the rows themselves, initial tours, named units, pool, max deployed,
//! contingent limits and caveats, reception, and coverage (docs/model.md constraints 1–5).
//!
//! Everything is recounted from deployments.csv rows with plain loops: a tour begun in τ is on
//! the ground in τ..τ+L−1, covers in τ+H..τ+L−1 and keeps its unit busy in τ..τ+L+D−1 (docs/model.md);
//! only periods 0..T−1 are checked.

use super::findings::{date_of, day, last_day, qty, Findings};
use crate::planfile::read::{PlanFiles, Tour, HALF_MILLI};
use crate::scenario::{limit_matches, Limit, Mode, Scenario, TourSource};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// What later checks and the objective need from the tours.
pub struct Forces {
    /// Units on the ground per [site][unit type][t], every row included.
    pub ground: Vec<Vec<Vec<f64>>>,
    /// How many rows make up each `ground` count (each may be rounded to 3 decimals in lp plans).
    pub ground_rows: Vec<Vec<Vec<u32>>>,
    /// Shortfall per requirement row and period, put on the lowest priority first (docs/model.md#coverage).
    pub short: Vec<Vec<f64>>,
}

/// A tolerance for a sum of units written to 3 decimals: 1e-6 plus the rounding of each row.
#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    value: f64,
    slack: f64,
}

impl Sum {
    fn add(&mut self, units: f64, per_unit: f64, rounding: f64) {
        self.value += units * per_unit;
        self.slack += rounding * per_unit;
    }

    fn exceeds(&self, max: f64) -> bool {
        self.value > max + 1e-6 + 1e-9 * max.abs() + self.slack
    }
}

fn tour_len(sc: &Scenario, t: &Tour) -> (i64, i64, i64) {
    let ut = &sc.unit_types[t.unit_type];
    (ut.tour as i64, ut.handover as i64, ut.dwell as i64)
}

/// Periods τ..τ+L−1 on the ground, clipped to the horizon.
pub fn on_ground(sc: &Scenario, t: &Tour) -> Range<i64> {
    let (l, _, _) = tour_len(sc, t);
    clip(sc, t.start, t.start.saturating_add(l))
}

/// Periods τ+H..τ+L−1 covering, clipped to the horizon.
pub fn covering(sc: &Scenario, t: &Tour) -> Range<i64> {
    let (l, h, _) = tour_len(sc, t);
    clip(sc, t.start.saturating_add(h), t.start.saturating_add(l))
}

/// τ..τ+L+D−1, on tour or in dwell, unclipped (named units are checked across the whole window).
fn busy_window(sc: &Scenario, t: &Tour) -> Range<i64> {
    let (l, _, d) = tour_len(sc, t);
    t.start..t.start.saturating_add(l).saturating_add(d)
}

fn clip(sc: &Scenario, a: i64, b: i64) -> Range<i64> {
    a.max(0)..b.min(sc.periods as i64)
}

/// Coverage recomputed per (site, role, period): (required, covered, shortfall, tolerance).
type Expected<'a> = HashMap<(usize, &'a str, i64), (f64, f64, f64, f64)>;

/// Runs every check on the tours and returns the counts later checks need.
pub fn check(sc: &Scenario, plan: &PlanFiles, f: &mut Findings) -> Forces {
    for tour in &plan.tours {
        check_row(sc, plan, tour, f);
    }
    check_initial(sc, plan, f);
    let named = check_named_units(sc, plan, f);
    check_pool(sc, plan, &named, f);
    check_max_deployed(sc, plan, f);
    for lim in &sc.limits {
        check_limit(sc, plan, lim, f);
    }
    check_reception(sc, plan, f);
    let short = coverage(sc, plan, f);
    let mut ground = vec![vec![vec![0.0; sc.periods]; sc.unit_types.len()]; sc.sites.len()];
    let mut ground_rows = vec![vec![vec![0; sc.periods]; sc.unit_types.len()]; sc.sites.len()];
    for tour in &plan.tours {
        for t in on_ground(sc, tour) {
            ground[tour.site][tour.unit_type][t as usize] += tour.units;
            ground_rows[tour.site][tour.unit_type][t as usize] += 1;
        }
    }
    Forces {
        ground,
        ground_rows,
        short,
    }
}

/// One row on its own: derived columns, whole units, an offer, a role the site asks for, a start
/// inside the horizon and a nation that is available while the tour is on the ground.
fn check_row(sc: &Scenario, plan: &PlanFiles, x: &Tour, f: &mut Findings) {
    const FILE: &str = "deployments.csv";
    let (n, ut, s) = (
        &sc.nations[x.nation],
        &sc.unit_types[x.unit_type],
        &sc.sites[x.site],
    );
    let line = Some(x.line);
    check_derived(sc, x, f);
    if plan.mode == Mode::Mip && x.units.fract() != 0.0 {
        f.violation(
            FILE,
            line,
            None,
            format!(
                "units {} is not a whole number, but this is a mip plan (whole units)",
                qty(x.units)
            ),
        );
    }
    if sc.offer_of(x.nation, x.unit_type).is_none() {
        f.violation(
            FILE,
            line,
            None,
            format!("{} offers no {} (no row in offers.csv)", n.code, ut.code),
        );
    }
    if !sc
        .requirements
        .iter()
        .any(|r| r.site == x.site && r.role == ut.role)
    {
        f.warn(
            FILE,
            line,
            Some("site"),
            None,
            format!(
                "no requirement at {} asks for role {}: this tour covers nothing",
                s.code, ut.role
            ),
        );
    }
    if x.initial {
        return; // initial tours are kept as given (docs/model.md#tour_variables); check_initial compares them
    }
    if x.start < 0 || x.start >= sc.periods as i64 {
        f.violation(
            FILE,
            line,
            None,
            format!(
                "a new tour must begin inside the horizon ({} to {}), this one arrives {} (tours under way at the start come from deployed.csv, with initial=true)",
                day(sc, 0),
                last_day(sc, sc.periods as i64 - 1),
                x.arrive
            ),
        );
        return;
    }
    for t in on_ground(sc, x) {
        if !sc.nation_available(x.nation, t) {
            f.violation(
                FILE,
                line,
                Some(t),
                format!(
                    "{} is not available (nations.csv:{}), but this tour is on the ground",
                    n.code, n.line
                ),
            );
        }
    }
}

/// Derived columns are recomputed from the row; a cell that says otherwise is a warning.
fn check_derived(sc: &Scenario, x: &Tour, f: &mut Findings) {
    const FILE: &str = "deployments.csv";
    let (n, ut, s) = (
        &sc.nations[x.nation],
        &sc.unit_types[x.unit_type],
        &sc.sites[x.site],
    );
    let line = Some(x.line);
    let (l, h, _) = tour_len(sc, x);
    let differs = |f: &mut Findings, col: &str, found: &str, ours: String| {
        f.warn(
            FILE,
            line,
            Some(col),
            None,
            format!("`{found}` does not match the tour ({ours}); the recomputed value is used"),
        );
    };
    if date_of(sc, x.start) != Some(x.arrive) {
        f.warn(
            FILE,
            line,
            Some("arrive"),
            None,
            format!(
                "{} is not a period start; read as a tour begun in the period from {}",
                x.arrive,
                day(sc, x.start)
            ),
        );
    }
    if let Some(z) = x.zone.as_deref().filter(|z| *z != s.zone) {
        differs(f, "zone", z, format!("{} is in zone {}", s.code, s.zone));
    }
    if let Some(tr) = x.troops.as_deref() {
        let ours = x.units * ut.troops as f64;
        let ok = crate::planfile::read::derived_number(tr)
            .is_some_and(|v| (v - ours).abs() <= HALF_MILLI * ut.troops as f64 + 1e-6);
        if !ok {
            differs(
                f,
                "troops",
                tr,
                format!("{} × {} troops = {}", qty(x.units), ut.troops, qty(ours)),
            );
        }
    }
    if let Some(c) = x
        .cover_from
        .as_deref()
        .filter(|c| *c != day(sc, x.start.saturating_add(h)))
    {
        differs(
            f,
            "cover_from",
            c,
            format!(
                "{} days of handover: covers from {}",
                ut.handover_days,
                day(sc, x.start.saturating_add(h))
            ),
        );
    }
    if let Some(d) = x
        .depart
        .as_deref()
        .filter(|d| *d != last_day(sc, x.start.saturating_add(l) - 1))
    {
        differs(
            f,
            "depart",
            d,
            format!(
                "a {}-day tour: last day {}",
                ut.tour_days,
                last_day(sc, x.start.saturating_add(l) - 1)
            ),
        );
    }
    if let Some(name) = x.unit.as_deref() {
        let prefix = format!("{}-{}-", n.code, ut.code);
        if !name.starts_with(&prefix) {
            for on in &sc.nations {
                for ou in &sc.unit_types {
                    if name.starts_with(&format!("{}-{}-", on.code, ou.code)) {
                        f.warn(
                            FILE,
                            line,
                            Some("unit"),
                            None,
                            format!("`{name}` is named for {} {}, but the row is {} {}; checked as a unit of {} {}", on.code, ou.code, n.code, ut.code, n.code, ut.code),
                        );
                    }
                }
            }
        }
    }
}

/// Initial tours are fixed inputs: the plan must hold exactly the tours under way at the start,
/// those of deployed.csv (and, for `solve --previous` plans, those carried over from the previous
/// plan, which `stability::load_previous` adds to `sc.deployed`).
fn check_initial(sc: &Scenario, plan: &PlanFiles, f: &mut Findings) {
    type Key = (usize, usize, usize, i64);
    // (units, line, file the line is in)
    let mut want: BTreeMap<Key, (f64, usize, &str)> = BTreeMap::new();
    for it in &sc.deployed {
        let e = want
            .entry((it.nation, it.unit_type, it.site, it.start_period))
            .or_insert((0.0, it.line, it.source.file()));
        e.0 += it.units as f64;
    }
    let sources = if sc
        .deployed
        .iter()
        .any(|it| it.source != TourSource::Deployed)
    {
        "deployed.csv or the previous plan"
    } else {
        "deployed.csv"
    };
    let mut have: BTreeMap<Key, (f64, usize)> = BTreeMap::new();
    for x in plan.tours.iter().filter(|x| x.initial) {
        let e = have
            .entry((x.nation, x.unit_type, x.site, x.start))
            .or_insert((0.0, x.line));
        e.0 += x.units;
        e.1 = e.1.min(x.line);
    }
    let what = |k: &Key| {
        format!(
            "{} {} at {} from {}",
            sc.nations[k.0].code,
            sc.unit_types[k.1].code,
            sc.sites[k.2].code,
            day(sc, k.3)
        )
    };
    let tol = 1e-6 + plan.unit_rounding;
    for (k, &(units, line, file)) in &want {
        let got = have.get(k).map_or(0.0, |h| h.0);
        if got < units - tol {
            f.violation(
                file,
                Some(line),
                None,
                format!(
                    "the initial tour of {} {} is missing from deployments.csv: {} unit(s) there with initial=true",
                    qty(units),
                    what(k),
                    qty(got)
                ),
            );
        }
    }
    for (k, &(units, line)) in &have {
        match want.get(k) {
            None => f.violation(
                "deployments.csv",
                Some(line),
                None,
                format!("initial tour of {} is not in {sources} (initial tours cannot be moved or added)", what(k)),
            ),
            Some(&(w, wl, file)) if units > w + tol => f.violation(
                "deployments.csv",
                Some(line),
                None,
                format!("{} initial unit(s) of {}, but {file}:{wl} has {}", qty(units), what(k), qty(w)),
            ),
            Some(_) => {}
        }
    }
}

/// Named units: rows with a `unit` name and one unit. A unit serves one tour+dwell window at a
/// time; returns, per (nation, unit type), the periods each named unit is busy (for the pool).
fn check_named_units(
    sc: &Scenario,
    plan: &PlanFiles,
    f: &mut Findings,
) -> HashMap<(usize, usize), Vec<Vec<bool>>> {
    let mut groups: BTreeMap<(usize, usize, &str), Vec<&Tour>> = BTreeMap::new();
    for x in &plan.tours {
        let Some(name) = x.unit.as_deref() else {
            continue;
        };
        if x.units == 1.0 {
            groups
                .entry((x.nation, x.unit_type, name))
                .or_default()
                .push(x);
        } else if x.units != 0.0 {
            f.warn(
                "deployments.csv",
                Some(x.line),
                Some("unit"),
                None,
                format!(
                    "a named unit is one unit, but units is {}: counted as {} unnamed units",
                    qty(x.units),
                    qty(x.units)
                ),
            );
        }
    }
    let mut busy: HashMap<(usize, usize), Vec<Vec<bool>>> = HashMap::new();
    for ((n, u, name), mut rows) in groups {
        rows.sort_by_key(|x| (x.start, x.line));
        for (i, x) in rows.iter().enumerate() {
            let blocking = rows[..i]
                .iter()
                .filter(|p| busy_window(sc, p).end > x.start)
                .max_by_key(|p| busy_window(sc, p).end);
            if let Some(p) = blocking {
                let (l, _, _) = tour_len(sc, p);
                let end = p.start.saturating_add(l);
                let status = if x.start < end {
                    format!("on tour until {}", last_day(sc, end - 1))
                } else {
                    format!(
                        "in dwell until {}",
                        last_day(sc, busy_window(sc, p).end - 1)
                    )
                };
                f.violation(
                    "deployments.csv",
                    Some(x.line),
                    None,
                    format!(
                        "unit {name} starts a tour on {} while {status}",
                        day(sc, x.start)
                    ),
                );
            }
        }
        let mut periods = vec![false; sc.periods];
        for x in &rows {
            let w = busy_window(sc, x);
            for t in clip(sc, w.start, w.end) {
                periods[t as usize] = true;
            }
        }
        busy.entry((n, u)).or_default().push(periods);
    }
    busy
}

/// Rows of a (nation, unit type) that count as anonymous units (no name, or not one unit).
fn anonymous(x: &Tour) -> bool {
    x.unit.is_none() || x.units != 1.0
}

/// Pool (constraint 1): units busy (on tour or in dwell) at once ≤ the nation's pool of the type; a named
/// unit counts once however many of its rows overlap.
fn check_pool(
    sc: &Scenario,
    plan: &PlanFiles,
    named: &HashMap<(usize, usize), Vec<Vec<bool>>>,
    f: &mut Findings,
) {
    for o in &sc.offers {
        let mut busy = vec![Sum::default(); sc.periods];
        for x in plan
            .tours
            .iter()
            .filter(|x| x.nation == o.nation && x.unit_type == o.unit_type && anonymous(x))
        {
            let w = busy_window(sc, x);
            for t in clip(sc, w.start, w.end) {
                busy[t as usize].add(x.units, 1.0, plan.unit_rounding);
            }
        }
        for unit in named.get(&(o.nation, o.unit_type)).into_iter().flatten() {
            for (t, &b) in unit.iter().enumerate() {
                if b {
                    busy[t].add(1.0, 1.0, 0.0);
                }
            }
        }
        let who = format!(
            "{} {}",
            sc.nations[o.nation].code, sc.unit_types[o.unit_type].code
        );
        for (t, b) in busy.iter().enumerate() {
            if b.exceeds(o.units as f64) {
                f.violation(
                    "offers.csv",
                    Some(o.line),
                    Some(t as i64),
                    format!(
                        "{who} units busy (on tour or in dwell): {} > pool {}",
                        qty(b.value),
                        o.units
                    ),
                );
            }
        }
    }
}

/// Max deployed (constraint 2): units of an offer on the ground at once, where offers.csv caps it.
fn check_max_deployed(sc: &Scenario, plan: &PlanFiles, f: &mut Findings) {
    for o in &sc.offers {
        let Some(max) = o.max_deployed else { continue };
        let mut ground = vec![Sum::default(); sc.periods];
        for x in plan
            .tours
            .iter()
            .filter(|x| x.nation == o.nation && x.unit_type == o.unit_type)
        {
            for t in on_ground(sc, x) {
                ground[t as usize].add(x.units, 1.0, plan.unit_rounding);
            }
        }
        let who = format!(
            "{} {}",
            sc.nations[o.nation].code, sc.unit_types[o.unit_type].code
        );
        for (t, g) in ground.iter().enumerate() {
            if g.exceeds(max as f64) {
                f.violation(
                    "offers.csv",
                    Some(o.line),
                    Some(t as i64),
                    format!(
                        "{who} units on the ground: {} > max_deployed {max}",
                        qty(g.value)
                    ),
                );
            }
        }
    }
}

/// What a limits.csv row limits, in words: `DEU land troops in zone UA-west`.
fn describe_limit(sc: &Scenario, lim: &Limit) -> String {
    let who = lim
        .nation
        .map_or("coalition".to_string(), |n| sc.nations[n].code.clone());
    let domain = lim
        .domain
        .map_or(String::new(), |d| format!("{} ", d.as_str()));
    let zone = lim
        .zone
        .as_ref()
        .map_or(String::new(), |z| format!(" in zone {z}"));
    format!("{who} {domain}troops{zone}")
}

/// Contingent limit or caveat (constraint 4): troops on the ground under the row ≤ max_troops while active.
fn check_limit(sc: &Scenario, plan: &PlanFiles, lim: &Limit, f: &mut Findings) {
    let mut used = vec![Sum::default(); sc.periods];
    for x in plan
        .tours
        .iter()
        .filter(|x| limit_matches(sc, lim, x.nation, x.unit_type, x.site))
    {
        let troops = sc.unit_types[x.unit_type].troops as f64;
        for t in on_ground(sc, x) {
            used[t as usize].add(x.units, troops, plan.unit_rounding);
        }
    }
    let what = describe_limit(sc, lim);
    for (t, u) in used.iter().enumerate() {
        if sc.active(lim.from, lim.to, t as i64) && u.exceeds(lim.max_troops) {
            f.violation(
                "limits.csv",
                Some(lim.line),
                Some(t as i64),
                format!("{what}: {} > {}", qty(u.value), qty(lim.max_troops)),
            );
        }
    }
}

/// Reception (constraint 5): troops arriving (tours begun in t) plus leaving (last on-ground period t), over
/// the sites received at a node, ≤ pax_per_day·P (docs/model.md#reception).
fn check_reception(sc: &Scenario, plan: &PlanFiles, f: &mut Findings) {
    let Some(net) = &sc.network else { return };
    let tn = sc.periods as i64;
    for (w, node) in net.nodes.iter().enumerate() {
        let Some(pax) = node.pax_per_day else {
            continue;
        };
        let cap = pax * sc.period_days as f64;
        let mut arriving = vec![Sum::default(); sc.periods];
        let mut leaving = vec![Sum::default(); sc.periods];
        for x in plan
            .tours
            .iter()
            .filter(|x| sc.sites[x.site].reception == Some(w))
        {
            let troops = sc.unit_types[x.unit_type].troops as f64;
            if (0..tn).contains(&x.start) {
                arriving[x.start as usize].add(x.units, troops, plan.unit_rounding);
            }
            let last = x.start.saturating_add(tour_len(sc, x).0) - 1;
            if (0..tn).contains(&last) {
                leaving[last as usize].add(x.units, troops, plan.unit_rounding);
            }
        }
        for t in 0..sc.periods {
            let total = Sum {
                value: arriving[t].value + leaving[t].value,
                slack: arriving[t].slack + leaving[t].slack,
            };
            if total.exceeds(cap) {
                f.violation(
                    "nodes.csv",
                    Some(node.line),
                    Some(t as i64),
                    format!(
                        "troops through reception {}: {} arriving + {} leaving = {} > {} (pax_per_day {} × {} days)",
                        node.code,
                        qty(arriving[t].value),
                        qty(leaving[t].value),
                        qty(total.value),
                        qty(cap),
                        qty(pax),
                        sc.period_days
                    ),
                );
            }
        }
    }
}

/// Coverage (constraint 3, soft): role-units covering each (site, role, period), the shortfall put on the
/// lowest-priority active rows first; compared with coverage.csv, whose mismatches are warnings.
fn coverage(sc: &Scenario, plan: &PlanFiles, f: &mut Findings) -> Vec<Vec<f64>> {
    let tn = sc.periods;
    let mut groups: BTreeMap<(usize, &str), Vec<usize>> = BTreeMap::new();
    for (i, r) in sc.requirements.iter().enumerate() {
        groups.entry((r.site, r.role.as_str())).or_default().push(i);
    }
    let mut short = vec![vec![0.0; tn]; sc.requirements.len()];
    // (site, role, t) -> (required, covered, shortfall, tolerance)
    let mut expected: Expected<'_> = HashMap::new();
    for (&(site, role), rows) in &groups {
        let mut covered = vec![Sum::default(); tn];
        for x in plan
            .tours
            .iter()
            .filter(|x| x.site == site && sc.unit_types[x.unit_type].role == role)
        {
            for t in covering(sc, x) {
                covered[t as usize].add(
                    x.units,
                    sc.unit_types[x.unit_type].role_value,
                    plan.unit_rounding,
                );
            }
        }
        let mut by_priority = rows.clone();
        by_priority.sort_by(|&a, &b| {
            sc.requirements[a]
                .priority
                .total_cmp(&sc.requirements[b].priority)
                .then(a.cmp(&b))
        });
        for t in 0..tn {
            let active: Vec<usize> = by_priority
                .iter()
                .copied()
                .filter(|&i| sc.active(sc.requirements[i].from, sc.requirements[i].to, t as i64))
                .collect();
            let required: f64 = active.iter().map(|&i| sc.requirements[i].required).sum();
            let mut gap = required - covered[t].value;
            for &i in &active {
                if gap <= 1e-9 {
                    break;
                }
                let take = gap.min(sc.requirements[i].required);
                short[i][t] = take;
                gap -= take;
            }
            let shortfall: f64 = active.iter().map(|&i| short[i][t]).sum();
            expected.insert(
                (site, role, t as i64),
                (
                    required,
                    covered[t].value,
                    shortfall,
                    HALF_MILLI + 1e-6 + covered[t].slack,
                ),
            );
        }
    }
    if let Some(rows) = &plan.coverage {
        compare_coverage(sc, rows, &expected, f);
    }
    short
}

/// coverage.csv is derived: each row is compared with the recomputation; mismatches are warnings
/// (after an edit they show what the edit did to coverage).
fn compare_coverage(
    sc: &Scenario,
    rows: &[crate::planfile::read::CoverageRow],
    expected: &Expected<'_>,
    f: &mut Findings,
) {
    const FILE: &str = "coverage.csv";
    let mut seen = std::collections::HashSet::new();
    for r in rows {
        let Some(site) = r.site else {
            f.warn(
                FILE,
                Some(r.line),
                Some("site"),
                None,
                format!("unknown site `{}`; row ignored", r.site_code),
            );
            continue;
        };
        let Some(&(required, covered, shortfall, tol)) =
            expected.get(&(site, r.role.as_str(), r.period))
        else {
            f.warn(
                FILE,
                Some(r.line),
                None,
                None,
                format!(
                    "no requirement for {} at {} in this period; row ignored",
                    r.role, r.site_code
                ),
            );
            continue;
        };
        seen.insert((site, r.role.as_str(), r.period));
        let what = format!("{}/{}", r.site_code, r.role);
        if (r.required - required).abs() > HALF_MILLI + 1e-6 {
            f.warn_detail(
                FILE,
                r.period,
                format!("{what}: required differs from requirements.csv"),
                format!(
                    "line {} says {}, the scenario requires {}",
                    r.line,
                    qty(r.required),
                    qty(required)
                ),
            );
        }
        if (r.covered - covered).abs() > tol || (r.shortfall - shortfall).abs() > tol {
            f.warn_detail(
                FILE,
                r.period,
                format!("{what}: covered and shortfall differ from the plan's"),
                format!(
                    "line {} says covered {}, shortfall {}; the plan gives covered {}, shortfall {}",
                    r.line,
                    qty(r.covered),
                    qty(r.shortfall),
                    qty(covered),
                    qty(shortfall)
                ),
            );
        }
    }
    let mut missing: Vec<&(usize, &str, i64)> =
        expected.keys().filter(|k| !seen.contains(*k)).collect();
    missing.sort();
    for &(site, role, t) in missing {
        f.warn(
            FILE,
            None,
            None,
            Some(t),
            format!("{}/{role}: no row", sc.sites[site].code),
        );
    }
}
