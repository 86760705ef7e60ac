//! deployments.csv as written, and perhaps edited in a spreadsheet: the one reader of its rows,
//! shared by `verify`, `diff` and `solve --previous`, so a plan means the same to all three.
//!
//! Required columns: nation, unit_type, site, arrive. `units` defaults to 1 (a planner who adds
//! a tour by hand writes one row per unit); the derived columns (zone, troops, cover_from,
//! depart) are kept as the text found, for checks to recompute rather than trust.

use crate::base::diag::Diags;
use crate::scenario::table::Table;
use crate::scenario::Scenario;
use chrono::NaiveDate;
use std::path::Path;

/// deployments.csv's columns, in the order `solve` writes them.
pub const COLUMNS: [&str; 11] = [
    "nation",
    "unit_type",
    "unit",
    "site",
    "zone",
    "units",
    "troops",
    "arrive",
    "cover_from",
    "depart",
    "initial",
];

const REQUIRED: [&str; 4] = ["nation", "unit_type", "site", "arrive"];
const OPTIONAL: [&str; 7] = [
    "unit",
    "zone",
    "units",
    "troops",
    "cover_from",
    "depart",
    "initial",
];

/// The most units a row may plausibly hold; more is a typing error, not a plan.
const MOST_UNITS: f64 = 1e9;

/// One row of deployments.csv: a tour, or `units` tours begun together, by its codes.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub line: usize,
    pub nation: String,
    pub unit_type: String,
    pub site: String,
    pub arrive: NaiveDate,
    pub units: f64,
    /// The concrete unit (`FRA-mech_inf_bn-2`, or any name a planner gave it); blank = anonymous.
    pub unit: Option<String>,
    pub initial: Option<bool>,
    pub zone: Option<String>,
    pub troops: Option<String>,
    pub cover_from: Option<String>,
    pub depart: Option<String>,
}

/// Reads the rows of deployments.csv from its bytes; `file` names it in messages. Rows with an
/// unreadable cell are reported in `d` and left out; `None` when the table itself is unreadable.
pub fn parse(file: &str, bytes: &[u8], d: &mut Diags) -> Option<Vec<Deployment>> {
    let t = Table::parse(file, bytes, &REQUIRED, &OPTIONAL, d)?;
    let mut rows = Vec::with_capacity(t.rows.len());
    for r in &t.rows {
        let nation = t.text(r, "nation", d);
        let unit_type = t.text(r, "unit_type", d);
        let site = t.text(r, "site", d);
        let arrive = t.date(r, "arrive", d);
        let units = t.num_or(r, "units", 1.0, 0.0, d);
        let initial = t.opt_bool(r, "initial", d);
        let (Some(nation), Some(unit_type), Some(site), Some(arrive), Some(units), Ok(initial)) =
            (nation, unit_type, site, arrive, units, initial)
        else {
            continue;
        };
        if units > MOST_UNITS {
            d.error(
                &t.file,
                Some(r.line),
                Some("units"),
                format!(
                    "`{}` is not a plausible number of units",
                    t.get(r, "units").unwrap_or("")
                ),
            );
            continue;
        }
        let cell = |c: &str| t.get(r, c).map(str::to_string);
        rows.push(Deployment {
            line: r.line,
            nation,
            unit_type,
            site,
            arrive,
            units,
            unit: cell("unit"),
            initial,
            zone: cell("zone"),
            troops: cell("troops"),
            cover_from: cell("cover_from"),
            depart: cell("depart"),
        });
    }
    Some(rows)
}

/// Reads `dir/deployments.csv` (named by its path in messages); `what` says whose plan it is in
/// the message when the file cannot be read ("the plan", "the previous plan").
pub fn read(dir: &Path, what: &str, d: &mut Diags) -> Option<Vec<Deployment>> {
    let path = dir.join("deployments.csv");
    let label = path.display().to_string();
    match crate::base::inputlimits::read_capped(&path) {
        Ok(bytes) => parse(&label, &bytes, d),
        Err(e) => {
            d.error(&label, None, None, format!("cannot read {what}: {e}"));
            None
        }
    }
}

/// The row's nation, unit type and site as the scenario's indices; an unknown code is an error
/// at the row, naming the table it should be in.
pub fn resolve(
    sc: &Scenario,
    file: &str,
    row: &Deployment,
    d: &mut Diags,
) -> Option<(usize, usize, usize)> {
    let mut find = |col: &str, code: &str, codes: Vec<&str>, table: &str| {
        let found = codes.iter().position(|c| *c == code);
        if found.is_none() {
            d.error(
                file,
                Some(row.line),
                Some(col),
                format!("unknown {col} `{code}` (not in {table})"),
            );
        }
        found
    };
    let n = find(
        "nation",
        &row.nation,
        sc.nations.iter().map(|n| n.code.as_str()).collect(),
        "nations.csv",
    );
    let u = find(
        "unit_type",
        &row.unit_type,
        sc.unit_types.iter().map(|u| u.code.as_str()).collect(),
        "unit_types.csv",
    );
    let s = find(
        "site",
        &row.site,
        sc.sites.iter().map(|s| s.code.as_str()).collect(),
        "sites.csv",
    );
    Some((n?, u?, s?))
}
