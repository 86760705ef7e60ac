//! Writing a plan as spreadsheet-ready CSV files plus summary.json, all at once or not at all.
//!
//! Files are rendered in memory, written into a temporary sibling directory, and that directory
//! is renamed into place, so a crash or a kill never leaves a half-written plan (docs/outputs.md).

use crate::base::text::{fmt_num, round9, Csv};
use crate::plan::{self, Plan};
use crate::scenario::{Domain, Mode, Scenario};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Serialize)]
pub struct SummaryTerms {
    pub coverage_penalty: f64,
    pub deployment_cost: f64,
    pub tour_cost: f64,
    pub transport_cost: f64,
    pub supply_cost: f64,
    pub sustainment_penalty: f64,
    pub days_of_supply_penalty: f64,
    pub change_penalty: f64,
}

#[derive(Serialize)]
pub struct SummaryShortfall {
    pub role_unit_periods: f64,
    pub unmet_tons: f64,
    /// Role-unit periods short per site and role.
    pub by_site_role: BTreeMap<String, f64>,
    /// Tons unmet per commodity and node.
    pub unmet_by_commodity_node: BTreeMap<String, f64>,
}

#[derive(Serialize)]
pub struct SummaryModel {
    pub variables: usize,
    pub integer_variables: usize,
    pub constraints: usize,
    pub nonzeros: usize,
    pub formulation: String,
}

#[derive(Serialize, Clone, Default)]
pub struct Timings {
    pub load: u64,
    pub build: u64,
    pub solve: u64,
    /// The extra LP solves for bottleneck duals.
    pub bottlenecks: u64,
    pub write: u64,
}

#[derive(Serialize)]
pub struct Summary {
    pub scenario: String,
    pub mode: String,
    pub status: String,
    pub objective: f64,
    pub gap: f64,
    pub terms: SummaryTerms,
    pub shortfall: SummaryShortfall,
    pub peak_troops: f64,
    pub model: SummaryModel,
    pub timings_ms: Timings,
    pub version: String,
    pub input_hash: String,
    /// Extra sections (bottlenecks, stability) added by other commands.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// What the solve adds to the plan's own figures in summary.json.
pub struct SolveFacts {
    /// `optimal` or `feasible`.
    pub status: &'static str,
    /// Proven relative gap (0 for an LP).
    pub gap: f64,
    pub model: SummaryModel,
}

/// Everything a run writes, in memory, keyed by file name.
pub struct Rendered {
    pub files: BTreeMap<String, Vec<u8>>,
    pub summary: Summary,
}

fn date(sc: &Scenario, t: i64) -> String {
    sc.period_start(t).format("%Y-%m-%d").to_string()
}

/// Troops on the ground per (nation, domain, period), from the tours.
pub fn nation_load(sc: &Scenario, tours: &[plan::Tour]) -> Vec<Vec<[f64; 3]>> {
    let mut load = vec![vec![[0.0; 3]; sc.periods]; sc.nations.len()];
    for x in tours {
        let ut = &sc.unit_types[x.unit_type];
        let d = Domain::ALL
            .iter()
            .position(|&d| d == ut.domain)
            .unwrap_or(0);
        for t in x.start.max(0)..(x.start + ut.tour as i64).min(sc.periods as i64) {
            load[x.nation][t as usize][d] += x.units * ut.troops as f64;
        }
    }
    load
}

/// Renders every output file of a solved plan.
pub fn render(
    sc: &Scenario,
    p: &Plan,
    solve: SolveFacts,
    timings: Timings,
    extra: BTreeMap<String, serde_json::Value>,
) -> Rendered {
    let tn = sc.periods;
    let pd = sc.period_days as i64;
    let mut files = BTreeMap::new();

    // deployments.csv
    let mut rows: Vec<&plan::Tour> = p.tours.iter().collect();
    rows.sort_by(|a, b| {
        (
            a.start,
            &sc.nations[a.nation].code,
            &sc.unit_types[a.unit_type].code,
            &sc.sites[a.site].code,
            a.unit_no,
            !a.initial,
        )
            .cmp(&(
                b.start,
                &sc.nations[b.nation].code,
                &sc.unit_types[b.unit_type].code,
                &sc.sites[b.site].code,
                b.unit_no,
                !b.initial,
            ))
    });
    let mut csv = Csv::new(&crate::planfile::deployments::COLUMNS);
    for x in rows {
        let (n, ut, s) = (
            &sc.nations[x.nation],
            &sc.unit_types[x.unit_type],
            &sc.sites[x.site],
        );
        let depart = sc.period_start(x.start + ut.tour as i64) - chrono::Duration::days(1);
        csv.row([
            n.code.clone(),
            ut.code.clone(),
            x.unit_no
                .map_or(String::new(), |u| format!("{}-{}-{}", n.code, ut.code, u)),
            s.code.clone(),
            s.zone.clone(),
            fmt_num(x.units),
            fmt_num(x.units * ut.troops as f64),
            date(sc, x.start),
            date(sc, x.start + ut.handover as i64),
            depart.format("%Y-%m-%d").to_string(),
            x.initial.to_string(),
        ]);
    }
    files.insert("deployments.csv".to_string(), csv.text.into_bytes());

    // coverage.csv
    let mut pairs: Vec<(usize, &str)> = sc
        .requirements
        .iter()
        .map(|r| (r.site, r.role.as_str()))
        .collect();
    pairs.sort_by(|a, b| (&sc.sites[a.0].code, a.1).cmp(&(&sc.sites[b.0].code, b.1)));
    pairs.dedup();
    let mut csv = Csv::new(&[
        "period_start",
        "site",
        "role",
        "required",
        "covered",
        "shortfall",
    ]);
    let mut by_site_role: BTreeMap<String, f64> = BTreeMap::new();
    let mut role_unit_periods = 0.0;
    for t in 0..tn {
        for &(s, role) in &pairs {
            let mut required = 0.0;
            let mut short = 0.0;
            for (i, r) in sc.requirements.iter().enumerate() {
                if r.site == s && r.role == role && sc.active(r.from, r.to, t as i64) {
                    required += r.required;
                    short += p.short[i][t];
                }
            }
            let covered = plan::covered(sc, &p.tours, s, role, t as i64);
            if short > 0.0 {
                *by_site_role
                    .entry(format!("{}/{}", sc.sites[s].code, role))
                    .or_default() += short;
                role_unit_periods += short;
            }
            csv.row([
                date(sc, t as i64),
                sc.sites[s].code.clone(),
                role.to_string(),
                fmt_num(required),
                fmt_num(covered),
                fmt_num(short),
            ]);
        }
    }
    files.insert("coverage.csv".to_string(), csv.text.into_bytes());

    // nation_load.csv
    let load = nation_load(sc, &p.tours);
    let mut order: Vec<usize> = (0..sc.nations.len()).collect();
    order.sort_by(|&a, &b| sc.nations[a].code.cmp(&sc.nations[b].code));
    let mut csv = Csv::new(&["period_start", "nation", "land", "air", "sea", "total"]);
    let mut peak_troops: f64 = 0.0;
    for t in 0..tn {
        let mut all = 0.0;
        for &n in &order {
            let l = load[n][t];
            all += l.iter().sum::<f64>();
            csv.row([
                date(sc, t as i64),
                sc.nations[n].code.clone(),
                fmt_num(l[0]),
                fmt_num(l[1]),
                fmt_num(l[2]),
                fmt_num(l.iter().sum()),
            ]);
        }
        peak_troops = peak_troops.max(all);
    }
    files.insert("nation_load.csv".to_string(), csv.text.into_bytes());

    // limit_use.csv
    let mut csv = Csv::new(&[
        "limit",
        "nation",
        "zone",
        "domain",
        "period_start",
        "used",
        "max_troops",
    ]);
    for lim in &sc.limits {
        for t in 0..tn as i64 {
            if !sc.active(lim.from, lim.to, t) {
                continue;
            }
            let used: f64 = p
                .tours
                .iter()
                .filter(|x| crate::scenario::limit_matches(sc, lim, x.nation, x.unit_type, x.site))
                .filter(|x| x.start <= t && t < x.start + sc.unit_types[x.unit_type].tour as i64)
                .map(|x| x.units * sc.unit_types[x.unit_type].troops as f64)
                .sum();
            csv.row([
                lim.line.to_string(),
                lim.nation
                    .map_or("*".to_string(), |n| sc.nations[n].code.clone()),
                lim.zone.clone().unwrap_or_else(|| "*".to_string()),
                lim.domain.map_or("*", |d| d.as_str()).to_string(),
                date(sc, t),
                fmt_num(used),
                fmt_num(lim.max_troops),
            ]);
        }
    }
    files.insert("limit_use.csv".to_string(), csv.text.into_bytes());

    // movements.csv
    let mut unmet_by: BTreeMap<String, f64> = BTreeMap::new();
    let mut unmet_tons = 0.0;
    if let Some(net) = &sc.network {
        let mut receptions: Vec<usize> = sc.sites.iter().filter_map(|s| s.reception).collect();
        receptions.sort_by(|&a, &b| net.nodes[a].code.cmp(&net.nodes[b].code));
        receptions.dedup();
        if !receptions.is_empty() {
            let mut csv = Csv::new(&[
                "period_start",
                "reception",
                "arriving",
                "leaving",
                "capacity",
            ]);
            for t in 0..tn as i64 {
                for &w in &receptions {
                    let (mut arriving, mut leaving) = (0.0, 0.0);
                    for x in p
                        .tours
                        .iter()
                        .filter(|x| sc.sites[x.site].reception == Some(w))
                    {
                        let ut = &sc.unit_types[x.unit_type];
                        let troops = x.units * ut.troops as f64;
                        if !x.initial && x.start == t {
                            arriving += troops;
                        }
                        if x.start + ut.tour as i64 - 1 == t {
                            leaving += troops;
                        }
                    }
                    let cap = net.nodes[w]
                        .pax_per_day
                        .map_or(String::new(), |c| fmt_num(c * pd as f64));
                    csv.row([
                        date(sc, t),
                        net.nodes[w].code.clone(),
                        fmt_num(arriving),
                        fmt_num(leaving),
                        cap,
                    ]);
                }
            }
            files.insert("movements.csv".to_string(), csv.text.into_bytes());
        }
        if let Some(f) = &p.flows {
            let mut csv = Csv::new(&[
                "period_start",
                "from",
                "to",
                "mode",
                "commodity",
                "tons",
                "capacity_tons",
            ]);
            let mut arcs: Vec<usize> = (0..net.arcs.len()).collect();
            arcs.sort_by(|&a, &b| {
                let (x, y) = (&net.arcs[a], &net.arcs[b]);
                (&net.nodes[x.from].code, &net.nodes[x.to].code, &x.mode).cmp(&(
                    &net.nodes[y.from].code,
                    &net.nodes[y.to].code,
                    &y.mode,
                ))
            });
            let mut ks: Vec<usize> = (0..net.commodities.len()).collect();
            ks.sort_by(|&a, &b| net.commodities[a].code.cmp(&net.commodities[b].code));
            for t in 0..tn {
                for &a in &arcs {
                    let arc = &net.arcs[a];
                    for &k in &ks {
                        let tons = f.flow[k][a][t];
                        if tons <= 0.0005 {
                            continue;
                        }
                        csv.row([
                            date(sc, t as i64),
                            net.nodes[arc.from].code.clone(),
                            net.nodes[arc.to].code.clone(),
                            arc.mode.clone(),
                            net.commodities[k].code.clone(),
                            fmt_num(tons),
                            fmt_num(arc.capacity_tons_per_day * pd as f64),
                        ]);
                    }
                }
            }
            files.insert("flows.csv".to_string(), csv.text.into_bytes());
            let mut csv = Csv::new(&[
                "period_start",
                "node",
                "commodity",
                "demand",
                "stock",
                "unmet",
                "dos_short",
            ]);
            let mut nodes: Vec<usize> = (0..net.nodes.len()).collect();
            nodes.sort_by(|&a, &b| net.nodes[a].code.cmp(&net.nodes[b].code));
            for t in 0..tn {
                for &w in &nodes {
                    for &k in &ks {
                        let (d, s, u, q) = (
                            f.demand[k][w][t],
                            f.stock[k][w][t],
                            f.unmet[k][w][t],
                            f.dos_short[k][w][t],
                        );
                        if d == 0.0
                            && s == 0.0
                            && u == 0.0
                            && q == 0.0
                            && net.nodes[w].storage_tons <= 0.0
                        {
                            continue;
                        }
                        if u > 0.0 {
                            *unmet_by
                                .entry(format!("{}/{}", net.commodities[k].code, net.nodes[w].code))
                                .or_default() += u;
                            unmet_tons += u;
                        }
                        csv.row([
                            date(sc, t as i64),
                            net.nodes[w].code.clone(),
                            net.commodities[k].code.clone(),
                            fmt_num(d),
                            fmt_num(s),
                            fmt_num(u),
                            fmt_num(q),
                        ]);
                    }
                }
            }
            files.insert("stocks.csv".to_string(), csv.text.into_bytes());
        }
    }

    let t = &p.terms;
    let summary = Summary {
        scenario: sc.name.clone(),
        mode: p.mode.as_str().to_string(),
        status: solve.status.to_string(),
        objective: round9(t.total()),
        gap: if p.mode == Mode::Lp {
            0.0
        } else {
            round9(solve.gap)
        },
        terms: SummaryTerms {
            coverage_penalty: round9(t.coverage_penalty),
            deployment_cost: round9(t.deployment_cost),
            tour_cost: round9(t.tour_cost),
            transport_cost: round9(t.transport_cost),
            supply_cost: round9(t.supply_cost),
            sustainment_penalty: round9(t.sustainment_penalty),
            days_of_supply_penalty: round9(t.days_of_supply_penalty),
            change_penalty: round9(t.change_penalty),
        },
        shortfall: SummaryShortfall {
            role_unit_periods: round9(role_unit_periods),
            unmet_tons: round9(unmet_tons),
            by_site_role: by_site_role
                .into_iter()
                .map(|(k, v)| (k, round9(v)))
                .collect(),
            unmet_by_commodity_node: unmet_by.into_iter().map(|(k, v)| (k, round9(v))).collect(),
        },
        peak_troops: round9(peak_troops),
        model: solve.model,
        timings_ms: timings,
        version: env!("CARGO_PKG_VERSION").to_string(),
        input_hash: sc.input_hash.clone(),
        extra,
    };
    Rendered { files, summary }
}

/// Writes `files` into `out` atomically: a temporary sibling directory is filled, then swapped
/// into place; an older plan at `out` is replaced only once the new one is complete
/// ([`crate::base::outdir::replace_dir`]).
pub fn write_atomically(out: &Path, files: &BTreeMap<String, Vec<u8>>) -> std::io::Result<()> {
    crate::base::outdir::replace_dir(out, files)
}
