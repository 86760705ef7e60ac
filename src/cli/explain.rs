//! `rotaplan explain OUT_DIR [--where SITE_OR_NODE] [--what ROLE_OR_COMMODITY]`: a plan's
//! explanations.csv as sentences a staff officer can brief from: what is short, when, why, and
//! what single change would fix it by how much. Exit 0 printed, 2 the plan cannot be read.

use super::exit;
use crate::base::text::{fmt_num, thousands};
use crate::planfile::explanations::{cause_words, read_explanations, ExplanationRow};
use std::path::Path;

/// Runs the command; returns the exit code.
pub fn run(out: &Path, where_: Option<&str>, what: Option<&str>) -> i32 {
    let rows = match read_explanations(out) {
        Ok(r) => r,
        Err(d) => {
            for e in d.errors() {
                eprintln!("{}: {e}", out.display());
            }
            eprintln!(
                "{}: no explanations to show (is it a plan written by `rotaplan solve`?)",
                out.display()
            );
            return exit::INPUT;
        }
    };
    let keep: Vec<&ExplanationRow> = rows
        .iter()
        .filter(|r| where_.is_none_or(|w| r.where_ == w))
        .filter(|r| what.is_none_or(|w| r.what == w))
        .collect();
    // A reader that stops early (`| head`) is not an error: what it read was printed.
    use std::io::Write as _;
    let _ = std::io::stdout().write_all(sentences(&keep, rows.is_empty()).as_bytes());
    exit::OK
}

/// Causes told per episode; the file lists them all, leading ones first.
const SHOWN_CAUSES: usize = 5;

/// The rows as sentences, one paragraph per episode, in the file's order.
pub fn sentences(rows: &[&ExplanationRow], plan_has_none: bool) -> String {
    if rows.is_empty() {
        return if plan_has_none {
            "Nothing is short: every requirement is covered and every demand delivered.\n"
                .to_string()
        } else {
            "No shortfall matches that site, node, role or commodity.\n".to_string()
        };
    }
    let mut s = String::new();
    let mut i = 0;
    while i < rows.len() {
        let e = rows[i];
        let same = |r: &ExplanationRow| {
            (
                r.kind.as_str(),
                r.where_.as_str(),
                r.what.as_str(),
                r.from.as_str(),
                r.to.as_str(),
            ) == (
                e.kind.as_str(),
                e.where_.as_str(),
                e.what.as_str(),
                e.from.as_str(),
                e.to.as_str(),
            )
        };
        let span = if e.from == e.to {
            format!("in the period beginning {}", e.from)
        } else {
            format!(
                "from the period beginning {} to the one beginning {}",
                e.from, e.to
            )
        };
        if e.kind == "supply" {
            s.push_str(&format!(
                "{} is short {} t of {} {span}.\n",
                e.where_,
                fmt_num(e.amount),
                e.what
            ));
        } else {
            s.push_str(&format!(
                "{} is short of {} {span}: {} role-unit-periods uncovered.\n",
                e.where_,
                e.what,
                fmt_num(e.amount)
            ));
        }
        let mut shown = 0;
        while i < rows.len() && same(rows[i]) {
            let r = rows[i];
            shown += 1;
            if shown > SHOWN_CAUSES {
                let more = rows[i..].iter().take_while(|r| same(r)).count();
                s.push_str(&format!(
                    "  … and {more} more cause(s) of lesser weight (explanations.csv).\n"
                ));
                i += more;
                break;
            }
            s.push_str(&format!(
                "  Why ({}, {}): {}.\n",
                cause_words(&r.cause),
                r.input,
                r.detail
            ));
            if !r.what_if.is_empty() {
                s.push_str(&format!("  Would fix: {}{}.\n", r.what_if, effect(r)));
            }
            i += 1;
        }
        s.push('\n');
    }
    s
}

/// ` → …` with the change in the episode and the objective, and how it was found.
fn effect(r: &ExplanationRow) -> String {
    let Some(change) = r.amount_change else {
        return String::new();
    };
    let unit = if r.kind == "supply" {
        " t"
    } else {
        " role-unit-periods"
    };
    let amount = if change <= 0.0 {
        format!(
            "{} of the {}{unit} short removed",
            fmt_num(-change),
            fmt_num(r.amount)
        )
    } else {
        format!("{}{unit} more short", fmt_num(change))
    };
    let objective = match r.objective_change {
        Some(v) if v < 0.0 => format!(", objective {} lower", thousands(-v)),
        Some(v) if v > 0.0 => format!(", objective {} higher", thousands(v)),
        Some(_) => ", objective unchanged".to_string(),
        None => String::new(),
    };
    let basis = if r.basis == "re-solve" {
        "checked by a re-solve"
    } else {
        "an estimate, not re-solved"
    };
    format!(" → {amount}{objective} ({basis})")
}
