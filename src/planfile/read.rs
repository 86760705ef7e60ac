//! Reading a written (possibly hand-edited) plan into typed rows.
//!
//! The table reader already accepts what a spreadsheet does to a file (BOM, `;` separators,
//! reordered and blank rows, extra columns, quoting). Here each row becomes a tour, flow or stock
//! with its line number. Anything that cannot be read — a bad number or date, an unknown code —
//! is an error naming file, line and column, and verify exits 2 without checking anything:
//! a plan half understood would give half-true answers.
//!
//! Derived columns (zone, troops, cover_from, depart, capacity_tons, demand, dos_short) are kept
//! as the text found, so the checks can recompute them and warn on a mismatch instead of
//! trusting them.

use crate::base::diag::Diags;
use crate::scenario::table::{parse_number, Row, Table};
use crate::scenario::{Mode, Scenario};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::Path;

/// One row of deployments.csv: a tour (or `units` tours begun together).
#[derive(Debug, Clone)]
pub struct Tour {
    pub line: usize,
    pub nation: usize,
    pub unit_type: usize,
    pub site: usize,
    /// The period the tour begins in: floor((arrive − start)/P).
    pub start: i64,
    pub arrive: NaiveDate,
    pub units: f64,
    /// The concrete unit (`FRA-mech_inf_bn-2`, or any name a planner gave it); blank = anonymous.
    pub unit: Option<String>,
    pub initial: bool,
    /// Derived cells as found (recomputed by the checks, never trusted).
    pub zone: Option<String>,
    pub troops: Option<String>,
    pub cover_from: Option<String>,
    pub depart: Option<String>,
}

/// One row of coverage.csv.
#[derive(Debug, Clone)]
pub struct CoverageRow {
    pub line: usize,
    pub period: i64,
    pub site: Option<usize>,
    pub site_code: String,
    pub role: String,
    pub required: f64,
    pub covered: f64,
    pub shortfall: f64,
}

/// One row of flows.csv: tons of one commodity sent on one directed arc in one period.
#[derive(Debug, Clone)]
pub struct FlowRow {
    pub line: usize,
    pub period: i64,
    pub from: usize,
    pub to: usize,
    pub mode: String,
    /// The directed arc with this (from, to, mode), when arcs.csv has one.
    pub arc: Option<usize>,
    pub commodity: usize,
    pub tons: f64,
    pub capacity_tons: Option<String>,
}

/// One row of stocks.csv.
#[derive(Debug, Clone)]
pub struct StockRow {
    pub line: usize,
    pub period: i64,
    pub node: usize,
    pub commodity: usize,
    pub demand: Option<String>,
    pub stock: f64,
    pub unmet: f64,
    pub dos_short: Option<String>,
}

/// What summary.json says, as far as verify compares it.
#[derive(Debug, Clone, Default)]
pub struct SummaryFile {
    pub mode: Option<String>,
    pub objective: Option<f64>,
    /// `terms` by name, as far as present and numeric.
    pub terms: HashMap<String, f64>,
    pub role_unit_periods: Option<f64>,
    pub unmet_tons: Option<f64>,
}

/// The plan as read from OUT_DIR.
#[derive(Debug, Clone)]
pub struct PlanFiles {
    pub mode: Mode,
    /// Half a unit of the last written decimal when units may be fractional and so rounded to
    /// 3 decimals (`lp` plans): sums of units may be off by this much per row.
    pub unit_rounding: f64,
    pub tours: Vec<Tour>,
    pub coverage: Option<Vec<CoverageRow>>,
    /// flows.csv and stocks.csv, both present (and the scenario has a network).
    pub sustainment: Option<(Vec<FlowRow>, Vec<StockRow>)>,
    pub summary: Option<SummaryFile>,
    /// Warnings met while reading (unknown columns, files skipped, dates read leniently).
    pub warnings: Diags,
}

/// Half of 0.001: the most a number written to 3 decimals can be off (docs/outputs.md#how-files-are-written).
pub const HALF_MILLI: f64 = 0.0005;

/// Reads every file of the plan verify uses; `Err` lists why the plan cannot be read.
pub fn read_plan(sc: &Scenario, out: &Path) -> Result<PlanFiles, Diags> {
    let mut d = Diags::default();
    if !out.is_dir() {
        d.error(
            &out.display().to_string(),
            None,
            None,
            "not a plan directory (give the --out directory of `rotaplan solve`)",
        );
        return Err(d);
    }
    let summary = read_summary(out, &mut d);
    let tours = read_tours(sc, out, &mut d);
    let coverage = match optional(out, "coverage.csv", &mut d) {
        Some(bytes) => read_coverage(sc, &bytes, &mut d),
        None => {
            d.warn(
                "coverage.csv",
                None,
                None,
                "missing: coverage is recomputed but not compared",
            );
            None
        }
    };
    let sustainment = read_sustainment(sc, out, &mut d);
    if d.has_errors() {
        return Err(d);
    }
    let tours = tours.unwrap_or_default();
    let fractional = tours.iter().any(|t| t.units.fract() != 0.0);
    let mode = match summary
        .as_ref()
        .and_then(|s| s.mode.as_deref())
        .and_then(Mode::parse)
    {
        Some(m) => m,
        None if fractional => Mode::Lp,
        None => sc.solver.mode,
    };
    let unit_rounding = if mode == Mode::Lp { HALF_MILLI } else { 0.0 };
    Ok(PlanFiles {
        mode,
        unit_rounding,
        tours,
        coverage,
        sustainment,
        summary,
        warnings: d,
    })
}

/// Reads `out/file` when it exists; a missing file is `None` without a message.
fn optional(out: &Path, file: &str, d: &mut Diags) -> Option<Vec<u8>> {
    match crate::base::inputlimits::read_capped(&out.join(file)) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            d.error(file, None, None, format!("cannot read: {e}"));
            None
        }
    }
}

/// Looks a code up in a list, or reports it as unknown (naming the table it should be in).
fn code_of<'a>(
    t: &Table,
    r: &Row,
    col: &str,
    codes: impl Iterator<Item = &'a str>,
    table: &str,
    d: &mut Diags,
) -> Option<usize> {
    let s = t.text(r, col, d)?;
    let found = codes.into_iter().position(|c| c == s);
    if found.is_none() {
        d.error(
            &t.file,
            Some(r.line),
            Some(col),
            format!("unknown {col} `{s}` (not in {table})"),
        );
    }
    found
}

/// The period a `period_start` cell names; a date that is no period start is read as the period
/// it falls in, with a warning.
fn period_cell(sc: &Scenario, t: &Table, r: &Row, d: &mut Diags) -> Option<i64> {
    let date = t.date(r, "period_start", d)?;
    let p = sc.period_of(date);
    if crate::planfile::date_of(sc, p) != Some(date) {
        d.warn(
            &t.file,
            Some(r.line),
            Some("period_start"),
            format!(
                "{date} is not a period start; read as the period from {}",
                crate::planfile::day(sc, p)
            ),
        );
    }
    Some(p)
}

fn read_tours(sc: &Scenario, out: &Path, d: &mut Diags) -> Option<Vec<Tour>> {
    read_tours_file(sc, out, "deployments.csv", d)
}

/// The tours of a deployments.csv-shaped file `dir/file` (a plan, a hand-edited plan, a list of
/// pins), read by the one reader of such rows ([`super::deployments`]).
pub fn read_tours_file(sc: &Scenario, dir: &Path, file: &str, d: &mut Diags) -> Option<Vec<Tour>> {
    let bytes = match crate::base::inputlimits::read_capped(&dir.join(file)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            d.error(file, None, None, "required file is missing");
            return None;
        }
        Err(e) => {
            d.error(file, None, None, format!("cannot read: {e}"));
            return None;
        }
    };
    let rows = super::deployments::parse(file, &bytes, d)?;
    let mut tours = Vec::with_capacity(rows.len());
    for r in rows {
        let Some((nation, unit_type, site)) = super::deployments::resolve(sc, file, &r, d) else {
            continue;
        };
        tours.push(Tour {
            line: r.line,
            nation,
            unit_type,
            site,
            start: sc.period_of(r.arrive),
            arrive: r.arrive,
            units: r.units,
            unit: r.unit,
            initial: r.initial.unwrap_or(false),
            zone: r.zone,
            troops: r.troops,
            cover_from: r.cover_from,
            depart: r.depart,
        });
    }
    Some(tours)
}

fn read_coverage(sc: &Scenario, bytes: &[u8], d: &mut Diags) -> Option<Vec<CoverageRow>> {
    const REQ: [&str; 6] = [
        "period_start",
        "site",
        "role",
        "required",
        "covered",
        "shortfall",
    ];
    let t = Table::parse("coverage.csv", bytes, &REQ, &[], d)?;
    let mut rows = Vec::new();
    for r in &t.rows {
        let period = period_cell(sc, &t, r, d);
        let site_code = t.text(r, "site", d);
        let role = t.text(r, "role", d);
        let required = t.num(r, "required", f64::NEG_INFINITY, d);
        let covered = t.num(r, "covered", f64::NEG_INFINITY, d);
        let shortfall = t.num(r, "shortfall", f64::NEG_INFINITY, d);
        let (
            Some(period),
            Some(site_code),
            Some(role),
            Some(required),
            Some(covered),
            Some(shortfall),
        ) = (period, site_code, role, required, covered, shortfall)
        else {
            continue;
        };
        let site = sc.sites.iter().position(|s| s.code == site_code);
        rows.push(CoverageRow {
            line: r.line,
            period,
            site,
            site_code,
            role,
            required,
            covered,
            shortfall,
        });
    }
    Some(rows)
}

/// flows.csv and stocks.csv, checked only together and only against a scenario with a network.
fn read_sustainment(
    sc: &Scenario,
    out: &Path,
    d: &mut Diags,
) -> Option<(Vec<FlowRow>, Vec<StockRow>)> {
    let flows = optional(out, "flows.csv", d);
    let stocks = optional(out, "stocks.csv", d);
    let Some(net) = &sc.network else {
        for (f, b) in [("flows.csv", &flows), ("stocks.csv", &stocks)] {
            if b.is_some() {
                d.warn(
                    f,
                    None,
                    None,
                    "the scenario has no supply network (no nodes.csv): file ignored",
                );
            }
        }
        return None;
    };
    let (flows, stocks) = match (flows, stocks) {
        (Some(f), Some(s)) => (f, s),
        (f, s) => {
            let missing: Vec<&str> = [("flows.csv", f.is_none()), ("stocks.csv", s.is_none())]
                .into_iter()
                .filter(|x| x.1)
                .map(|x| x.0)
                .collect();
            for m in missing {
                d.warn(m, None, None, "missing: sustainment (arc capacities, stocks, balances, unmet demand) is not checked");
            }
            return None;
        }
    };
    let node_codes = || net.nodes.iter().map(|n| n.code.as_str());
    let commodity_codes = || net.commodities.iter().map(|c| c.code.as_str());

    const FREQ: [&str; 6] = ["period_start", "from", "to", "mode", "commodity", "tons"];
    let ft = Table::parse("flows.csv", &flows, &FREQ, &["capacity_tons"], d);
    let mut flow_rows = Vec::new();
    for r in ft.iter().flat_map(|t| t.rows.iter().map(move |r| (t, r))) {
        let (t, r) = r;
        let period = period_cell(sc, t, r, d);
        let from = code_of(t, r, "from", node_codes(), "nodes.csv", d);
        let to = code_of(t, r, "to", node_codes(), "nodes.csv", d);
        let mode = t.text(r, "mode", d);
        let commodity = code_of(
            t,
            r,
            "commodity",
            commodity_codes(),
            "the scenario's commodities",
            d,
        );
        let tons = t.num(r, "tons", 0.0, d);
        let (Some(period), Some(from), Some(to), Some(mode), Some(commodity), Some(tons)) =
            (period, from, to, mode, commodity, tons)
        else {
            continue;
        };
        let arc = net
            .arcs
            .iter()
            .position(|a| a.from == from && a.to == to && a.mode == mode);
        let capacity_tons = t.get(r, "capacity_tons").map(str::to_string);
        flow_rows.push(FlowRow {
            line: r.line,
            period,
            from,
            to,
            mode,
            arc,
            commodity,
            tons,
            capacity_tons,
        });
    }

    const SREQ: [&str; 4] = ["period_start", "node", "commodity", "stock"];
    let st = Table::parse(
        "stocks.csv",
        &stocks,
        &SREQ,
        &["demand", "unmet", "dos_short"],
        d,
    );
    let mut stock_rows: Vec<StockRow> = Vec::new();
    let mut seen: HashMap<(i64, usize, usize), usize> = HashMap::new();
    for (t, r) in st.iter().flat_map(|t| t.rows.iter().map(move |r| (t, r))) {
        let period = period_cell(sc, t, r, d);
        let node = code_of(t, r, "node", node_codes(), "nodes.csv", d);
        let commodity = code_of(
            t,
            r,
            "commodity",
            commodity_codes(),
            "the scenario's commodities",
            d,
        );
        let stock = t.num(r, "stock", 0.0, d);
        let unmet = t.num_or(r, "unmet", 0.0, 0.0, d);
        let (Some(period), Some(node), Some(commodity), Some(stock), Some(unmet)) =
            (period, node, commodity, stock, unmet)
        else {
            continue;
        };
        if let Some(first) = seen.insert((period, node, commodity), r.line) {
            d.error(&t.file, Some(r.line), Some("node"), format!("a second row for this node, commodity and period (first on line {first}): a stock has one level"));
            continue;
        }
        let cell = |c: &str| t.get(r, c).map(str::to_string);
        stock_rows.push(StockRow {
            line: r.line,
            period,
            node,
            commodity,
            demand: cell("demand"),
            stock,
            unmet,
            dos_short: cell("dos_short"),
        });
    }
    Some((flow_rows, stock_rows))
}

fn read_summary(out: &Path, d: &mut Diags) -> Option<SummaryFile> {
    let bytes = optional(out, "summary.json", d)?;
    let v: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            d.error(
                "summary.json",
                Some(e.line()),
                None,
                format!("not valid JSON: {e}"),
            );
            return None;
        }
    };
    let num = |p: &[&str]| -> Option<f64> {
        let mut cur = &v;
        for k in p {
            cur = cur.get(k)?;
        }
        cur.as_f64()
    };
    let mut s = SummaryFile {
        mode: v.get("mode").and_then(|m| m.as_str()).map(str::to_string),
        objective: num(&["objective"]),
        terms: HashMap::new(),
        role_unit_periods: num(&["shortfall", "role_unit_periods"]),
        unmet_tons: num(&["shortfall", "unmet_tons"]),
    };
    if let Some(terms) = v.get("terms").and_then(|t| t.as_object()) {
        for (k, val) in terms {
            if let Some(x) = val.as_f64() {
                s.terms.insert(k.clone(), x);
            }
        }
    }
    Some(s)
}

/// A derived numeric cell, or `None` (with a warning) when it is not a number.
pub fn derived_number(cell: &str) -> Option<f64> {
    parse_number(cell)
}
