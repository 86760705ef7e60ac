//! explanations.csv read back, for `rotaplan explain` (and anything else that shows a written
//! plan's explanations): rows as written, with numbers parsed, so a plan can be explained again
//! without its scenario or the solver.

use crate::base::diag::Diags;
use crate::scenario::table::Table;
use std::path::Path;

/// One row of explanations.csv (docs/explain.md).
#[derive(Debug, Clone, PartialEq)]
pub struct ExplanationRow {
    pub line: usize,
    pub kind: String,
    pub where_: String,
    pub what: String,
    pub from: String,
    pub to: String,
    pub amount: f64,
    pub cause: String,
    pub input: String,
    pub detail: String,
    pub what_if: String,
    pub amount_change: Option<f64>,
    pub objective_change: Option<f64>,
    pub basis: String,
}

/// explanations.csv's columns, in order (written by `analysis::explain`, read back here).
pub const COLUMNS: [&str; 13] = [
    "kind",
    "where",
    "what",
    "from",
    "to",
    "amount",
    "cause",
    "input",
    "detail",
    "what_if",
    "amount_change",
    "objective_change",
    "basis",
];

/// A cause of the fixed vocabulary in a planner's words (`explain` and the report say it so).
pub fn cause_words(cause: &str) -> &str {
    match cause {
        "pool" => "pool exhausted",
        "max_deployed" => "most deployed at once",
        "limit" => "contingent limit or caveat",
        "availability" => "nation not available",
        "reception" => "reception full",
        "no_unit" => "no unit has the role",
        "penalty" => "weights: cheaper to stay short",
        "not_found" => "search stopped early",
        "arc" => "arc full",
        "depot" => "depot output exhausted",
        "storage" => "storage full",
        "unreachable" => "no route",
        other => other,
    }
}

/// Reads `out/explanations.csv`; `Err` lists every problem as `file:line: column: message`.
pub fn read_explanations(out: &Path) -> Result<Vec<ExplanationRow>, Diags> {
    let mut d = Diags::default();
    let Some(t) = Table::load(out, "explanations.csv", &COLUMNS, &[], &mut d) else {
        return Err(d);
    };
    let mut rows = Vec::new();
    for r in &t.rows {
        let text = |c: &str| t.get(r, c).unwrap_or("").to_string();
        let amount = t.num(r, "amount", f64::NEG_INFINITY, &mut d);
        let amount_change = t.opt_num(r, "amount_change", f64::NEG_INFINITY, &mut d);
        let objective_change = t.opt_num(r, "objective_change", f64::NEG_INFINITY, &mut d);
        let (Some(amount), Ok(amount_change), Ok(objective_change)) =
            (amount, amount_change, objective_change)
        else {
            continue;
        };
        rows.push(ExplanationRow {
            line: r.line,
            kind: text("kind"),
            where_: text("where"),
            what: text("what"),
            from: text("from"),
            to: text("to"),
            amount,
            cause: text("cause"),
            input: text("input"),
            detail: text("detail"),
            what_if: text("what_if"),
            amount_change,
            objective_change,
            basis: text("basis"),
        });
    }
    if d.has_errors() {
        return Err(d);
    }
    Ok(rows)
}
