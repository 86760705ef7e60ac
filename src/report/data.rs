//! The written plan files, read back into typed rows for the pictures.
//!
//! Everything goes through the project's CSV reader, so a hand-edited plan saved by a spreadsheet
//! (`;` separators, BOM) reads the same, and a bad cell is named by file, line and column.

use crate::base::diag::Diags;
use crate::planfile::explanations::ExplanationRow;
use crate::scenario::table::{parse_date, parse_number, Row, Table};
use chrono::NaiveDate;
use std::collections::BTreeMap;

pub struct Tour {
    pub line: usize,
    pub nation: String,
    pub unit_type: String,
    pub unit: String,
    pub site: String,
    pub units: f64,
    pub troops: f64,
    pub arrive: NaiveDate,
    pub cover_from: NaiveDate,
    pub depart: NaiveDate,
    pub initial: bool,
}

pub struct Coverage {
    pub period: NaiveDate,
    pub site: String,
    pub role: String,
    pub required: f64,
    pub covered: f64,
    pub shortfall: f64,
}

pub struct Load {
    pub period: NaiveDate,
    pub nation: String,
    pub total: f64,
}

pub struct LimitUse {
    pub limit: usize,
    pub nation: String,
    pub zone: String,
    pub domain: String,
    pub period: NaiveDate,
    pub used: f64,
    pub max: f64,
}

pub struct Movement {
    pub period: NaiveDate,
    pub reception: String,
    pub arriving: f64,
    pub leaving: f64,
    pub capacity: Option<f64>,
}

pub struct Flow {
    pub period: NaiveDate,
    pub from: String,
    pub to: String,
    pub mode: String,
    pub tons: f64,
    pub capacity: f64,
}

pub struct Stock {
    pub period: NaiveDate,
    pub node: String,
    pub commodity: String,
    pub demand: f64,
    pub stock: f64,
    pub unmet: f64,
    pub dos_short: f64,
}

pub struct Bottleneck {
    pub kind: String,
    pub name: String,
    pub first: String,
    pub last: String,
    pub utilisation: f64,
    pub marginal_value: f64,
    pub per: String,
    pub basis: String,
}

/// One row of ask.csv (written by `rotaplan ask` or `solve --ask`).
pub struct AskLine {
    pub nation: String,
    pub unit_type: String,
    pub units: f64,
    pub needed_from: String,
    pub shortfall_removed: Option<f64>,
}

/// A plan as its files say it.
pub struct PlanData {
    pub summary: serde_json::Value,
    pub tours: Vec<Tour>,
    pub coverage: Vec<Coverage>,
    pub load: Vec<Load>,
    pub limit_use: Vec<LimitUse>,
    pub movements: Vec<Movement>,
    pub flows: Vec<Flow>,
    pub stocks: Vec<Stock>,
    pub bottlenecks: Vec<Bottleneck>,
    /// explanations.csv, as written (empty when absent or when nothing is short).
    pub explanations: Vec<ExplanationRow>,
    /// ask.csv when the plan has one, with ask.json (or summary.json's `ask`) for the totals.
    pub ask: Option<(Vec<AskLine>, serde_json::Value)>,
    /// Whether the plan has a supply network part (flows.csv present).
    pub has_network: bool,
}

/// Cell readers that turn a bad cell into `file:line: column: what was expected`.
struct Cells<'t> {
    t: &'t Table,
}

impl Cells<'_> {
    fn at(&self, r: &Row, col: &str, expected: &str) -> String {
        format!(
            "{}:{}: {col}: expected {expected}, got `{}`",
            self.t.file,
            r.line,
            self.t.get(r, col).unwrap_or("")
        )
    }

    fn s(&self, r: &Row, col: &str) -> String {
        self.t.get(r, col).unwrap_or("").to_string()
    }

    fn num(&self, r: &Row, col: &str) -> Result<f64, String> {
        self.t
            .get(r, col)
            .and_then(parse_number)
            .ok_or_else(|| self.at(r, col, "a number"))
    }

    fn opt_num(&self, r: &Row, col: &str) -> Result<Option<f64>, String> {
        match self.t.get(r, col) {
            None => Ok(None),
            Some(c) => parse_number(c)
                .map(Some)
                .ok_or_else(|| self.at(r, col, "a number or nothing")),
        }
    }

    fn date(&self, r: &Row, col: &str) -> Result<NaiveDate, String> {
        self.t
            .get(r, col)
            .and_then(parse_date)
            .ok_or_else(|| self.at(r, col, "a date YYYY-MM-DD"))
    }
}

/// Parses one file of the plan; `None` when it is absent and not required.
fn table(
    files: &BTreeMap<String, Vec<u8>>,
    name: &str,
    required: &[&str],
    must_exist: bool,
) -> Result<Option<Table>, String> {
    let Some(bytes) = files.get(name) else {
        return if must_exist {
            Err(format!("{name}: required file is missing"))
        } else {
            Ok(None)
        };
    };
    let mut d = Diags::default();
    match Table::parse(name, bytes, required, &[], &mut d) {
        Some(t) if d.errors().count() == 0 => Ok(Some(t)),
        _ => Err(d
            .errors()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

/// Reads every plan file the report draws from.
pub fn read(files: &BTreeMap<String, Vec<u8>>) -> Result<PlanData, String> {
    let summary: serde_json::Value = match files.get("summary.json") {
        None => return Err("summary.json: required file is missing".to_string()),
        Some(b) => serde_json::from_slice(b).map_err(|e| {
            format!(
                "summary.json:{}:{}: not valid JSON: {e}",
                e.line(),
                e.column()
            )
        })?,
    };
    if !summary.is_object() {
        return Err("summary.json:1:1: expected a JSON object".to_string());
    }

    let mut tours = Vec::new();
    if let Some(t) = table(
        files,
        "deployments.csv",
        &crate::planfile::deployments::COLUMNS,
        true,
    )? {
        let c = Cells { t: &t };
        for r in &t.rows {
            let initial = match c.s(r, "initial").as_str() {
                "true" => true,
                "false" | "" => false,
                _ => return Err(c.at(r, "initial", "true or false")),
            };
            tours.push(Tour {
                line: r.line,
                nation: c.s(r, "nation"),
                unit_type: c.s(r, "unit_type"),
                unit: c.s(r, "unit"),
                site: c.s(r, "site"),
                units: c.num(r, "units")?,
                troops: c.num(r, "troops")?,
                arrive: c.date(r, "arrive")?,
                cover_from: c.date(r, "cover_from")?,
                depart: c.date(r, "depart")?,
                initial,
            });
        }
    }

    let mut coverage = Vec::new();
    let cols = [
        "period_start",
        "site",
        "role",
        "required",
        "covered",
        "shortfall",
    ];
    if let Some(t) = table(files, "coverage.csv", &cols, true)? {
        let c = Cells { t: &t };
        for r in &t.rows {
            coverage.push(Coverage {
                period: c.date(r, "period_start")?,
                site: c.s(r, "site"),
                role: c.s(r, "role"),
                required: c.num(r, "required")?,
                covered: c.num(r, "covered")?,
                shortfall: c.num(r, "shortfall")?,
            });
        }
    }

    let mut load = Vec::new();
    if let Some(t) = table(
        files,
        "nation_load.csv",
        &["period_start", "nation", "total"],
        true,
    )? {
        let c = Cells { t: &t };
        for r in &t.rows {
            load.push(Load {
                period: c.date(r, "period_start")?,
                nation: c.s(r, "nation"),
                total: c.num(r, "total")?,
            });
        }
    }

    let mut limit_use = Vec::new();
    let cols = [
        "limit",
        "nation",
        "zone",
        "domain",
        "period_start",
        "used",
        "max_troops",
    ];
    if let Some(t) = table(files, "limit_use.csv", &cols, false)? {
        let c = Cells { t: &t };
        for r in &t.rows {
            let limit = c.num(r, "limit")?;
            if limit < 1.0 || limit.fract() != 0.0 {
                return Err(c.at(r, "limit", "a line number of limits.csv"));
            }
            limit_use.push(LimitUse {
                limit: limit as usize,
                nation: c.s(r, "nation"),
                zone: c.s(r, "zone"),
                domain: c.s(r, "domain"),
                period: c.date(r, "period_start")?,
                used: c.num(r, "used")?,
                max: c.num(r, "max_troops")?,
            });
        }
    }

    let mut movements = Vec::new();
    let cols = [
        "period_start",
        "reception",
        "arriving",
        "leaving",
        "capacity",
    ];
    if let Some(t) = table(files, "movements.csv", &cols, false)? {
        let c = Cells { t: &t };
        for r in &t.rows {
            movements.push(Movement {
                period: c.date(r, "period_start")?,
                reception: c.s(r, "reception"),
                arriving: c.num(r, "arriving")?,
                leaving: c.num(r, "leaving")?,
                capacity: c.opt_num(r, "capacity")?,
            });
        }
    }

    let mut flows = Vec::new();
    let cols = [
        "period_start",
        "from",
        "to",
        "mode",
        "commodity",
        "tons",
        "capacity_tons",
    ];
    let flow_table = table(files, "flows.csv", &cols, false)?;
    let has_network = flow_table.is_some();
    if let Some(t) = flow_table {
        let c = Cells { t: &t };
        for r in &t.rows {
            flows.push(Flow {
                period: c.date(r, "period_start")?,
                from: c.s(r, "from"),
                to: c.s(r, "to"),
                mode: c.s(r, "mode"),
                tons: c.num(r, "tons")?,
                capacity: c.num(r, "capacity_tons")?,
            });
        }
    }

    let mut stocks = Vec::new();
    let cols = [
        "period_start",
        "node",
        "commodity",
        "demand",
        "stock",
        "unmet",
        "dos_short",
    ];
    if let Some(t) = table(files, "stocks.csv", &cols, false)? {
        let c = Cells { t: &t };
        for r in &t.rows {
            stocks.push(Stock {
                period: c.date(r, "period_start")?,
                node: c.s(r, "node"),
                commodity: c.s(r, "commodity"),
                demand: c.num(r, "demand")?,
                stock: c.num(r, "stock")?,
                unmet: c.num(r, "unmet")?,
                dos_short: c.num(r, "dos_short")?,
            });
        }
    }

    let mut bottlenecks = Vec::new();
    let cols = [
        "kind",
        "name",
        "first",
        "last",
        "utilisation",
        "marginal_value",
        "per",
    ];
    if let Some(t) = table(files, "bottlenecks.csv", &cols, false)? {
        let c = Cells { t: &t };
        for r in &t.rows {
            bottlenecks.push(Bottleneck {
                kind: c.s(r, "kind"),
                name: c.s(r, "name"),
                first: c.s(r, "first"),
                last: c.s(r, "last"),
                utilisation: c.num(r, "utilisation")?,
                marginal_value: c.num(r, "marginal_value")?,
                per: c.s(r, "per"),
                basis: c.s(r, "basis"),
            });
        }
    }

    let mut explanations = Vec::new();
    if let Some(t) = table(
        files,
        "explanations.csv",
        &crate::planfile::explanations::COLUMNS,
        false,
    )? {
        let c = Cells { t: &t };
        for r in &t.rows {
            explanations.push(ExplanationRow {
                line: r.line,
                kind: c.s(r, "kind"),
                where_: c.s(r, "where"),
                what: c.s(r, "what"),
                from: c.s(r, "from"),
                to: c.s(r, "to"),
                amount: c.num(r, "amount")?,
                cause: c.s(r, "cause"),
                input: c.s(r, "input"),
                detail: c.s(r, "detail"),
                what_if: c.s(r, "what_if"),
                amount_change: c.opt_num(r, "amount_change")?,
                objective_change: c.opt_num(r, "objective_change")?,
                basis: c.s(r, "basis"),
            });
        }
    }

    let mut ask = None;
    let cols = [
        "nation",
        "unit_type",
        "units",
        "needed_from",
        "shortfall_removed",
    ];
    if let Some(t) = table(files, "ask.csv", &cols, false)? {
        let c = Cells { t: &t };
        let mut lines = Vec::new();
        for r in &t.rows {
            lines.push(AskLine {
                nation: c.s(r, "nation"),
                unit_type: c.s(r, "unit_type"),
                units: c.num(r, "units")?,
                needed_from: c.s(r, "needed_from"),
                shortfall_removed: c.opt_num(r, "shortfall_removed")?,
            });
        }
        let totals = match files.get("ask.json") {
            Some(b) => serde_json::from_slice(b).map_err(|e| {
                format!("ask.json:{}:{}: not valid JSON: {e}", e.line(), e.column())
            })?,
            None => summary["ask"].clone(),
        };
        ask = Some((lines, totals));
    }

    Ok(PlanData {
        summary,
        tours,
        coverage,
        load,
        limit_use,
        movements,
        flows,
        stocks,
        bottlenecks,
        explanations,
        ask,
        has_network,
    })
}
