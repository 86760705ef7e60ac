//! The ask's ceilings (`ask-ceilings.csv`): how many more units, or troops, the force-generation
//! conference may ask of a nation (docs/inputs.md#ask-ceilingscsv). Read only by the ask, so it is
//! not one of the scenario's tables: it changes no plan and no `input_hash`.

use super::table::Table;
use super::Scenario;
use crate::base::diag::Diags;
use std::collections::HashSet;
use std::path::Path;

/// The file the ask looks for in a scenario directory when no `--ceilings FILE` is given.
pub const FILE: &str = "ask-ceilings.csv";

/// One row: at most `max_units` more units and/or `max_troops` more troops of `nation` (of one
/// unit type, or of all its unit types together).
#[derive(Debug, Clone, PartialEq)]
pub struct Ceiling {
    pub nation: usize,
    /// `None`: every unit type of the nation together (`unit_type` blank or `*`).
    pub unit_type: Option<usize>,
    pub max_units: Option<u32>,
    pub max_troops: Option<f64>,
    /// Where the row is, for messages: `ask-ceilings.csv:3`.
    pub file: String,
    pub line: usize,
}

impl Ceiling {
    /// Whether the row caps extra units of this nation and unit type.
    pub fn covers(&self, nation: usize, unit_type: usize) -> bool {
        self.nation == nation && self.unit_type.is_none_or(|u| u == unit_type)
    }
}

/// Reads and checks a ceilings file against the scenario's nations and unit types; `Err` lists
/// every problem as `file:line: column: message`.
pub fn load(path: &Path, sc: &Scenario) -> Result<Vec<Ceiling>, Diags> {
    let mut d = Diags::default();
    let name = path
        .file_name()
        .map_or_else(|| FILE.to_string(), |n| n.to_string_lossy().to_string());
    let bytes = match crate::base::inputlimits::read_capped(path) {
        Ok(b) => b,
        Err(e) => {
            d.error(
                &path.display().to_string(),
                None,
                None,
                format!("cannot read: {e}"),
            );
            return Err(d);
        }
    };
    let Some(t) = Table::parse(
        &name,
        &bytes,
        &["nation"],
        &["unit_type", "max_units", "max_troops"],
        &mut d,
    ) else {
        return Err(d);
    };
    let rows = parse(&t, sc, &mut d);
    if d.has_errors() {
        Err(d)
    } else {
        Ok(rows)
    }
}

fn parse(t: &Table, sc: &Scenario, d: &mut Diags) -> Vec<Ceiling> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for r in &t.rows {
        let nation = t.code(r, "nation", d).and_then(|code| {
            let n = sc.nations.iter().position(|n| n.code == code);
            if n.is_none() {
                d.error(
                    &t.file,
                    Some(r.line),
                    Some("nation"),
                    format!("unknown nation `{code}` (not in nations.csv)"),
                );
            }
            n
        });
        let unit_type = match t.get(r, "unit_type") {
            None | Some("*") => Ok(None),
            Some(code) => match sc.unit_types.iter().position(|u| u.code == code) {
                Some(u) => Ok(Some(u)),
                None => {
                    d.error(
                        &t.file,
                        Some(r.line),
                        Some("unit_type"),
                        format!("unknown unit type `{code}` (not in unit_types.csv; `*` or blank for all)"),
                    );
                    Err(())
                }
            },
        };
        let units = t.opt_whole(r, "max_units", 0, d);
        let troops = t.opt_num(r, "max_troops", 0.0, d);
        let (Some(nation), Ok(unit_type), Ok(max_units), Ok(max_troops)) =
            (nation, unit_type, units, troops)
        else {
            continue;
        };
        if max_units.is_none() && max_troops.is_none() {
            d.error(
                &t.file,
                Some(r.line),
                Some("max_units"),
                "a ceiling needs max_units, max_troops or both",
            );
            continue;
        }
        if max_units.is_some_and(|u| u > 1_000_000) {
            d.error(
                &t.file,
                Some(r.line),
                Some("max_units"),
                "ceilings above 1,000,000 units are not supported",
            );
            continue;
        }
        if !seen.insert((nation, unit_type)) {
            d.error(
                &t.file,
                Some(r.line),
                Some("unit_type"),
                "a second ceiling for this nation and unit type (one row each)",
            );
            continue;
        }
        out.push(Ceiling {
            nation,
            unit_type,
            max_units: max_units.map(|u| u as u32),
            max_troops,
            file: t.file.clone(),
            line: r.line,
        });
    }
    out
}
