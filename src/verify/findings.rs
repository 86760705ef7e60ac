//! Violations and warnings, and how they are printed.
//!
//! Each finding names the input row a planner must open (`limits.csv:4`) and, where it is about
//! one period, that period. Each violation gets its own line, one per row and period, so that a
//! script (or a planner's eye) can find the exact period a limit breaks in. Warnings are about
//! derived numbers that an edit leaves stale in every period it touches: those that say the same
//! thing about the same row in consecutive periods are printed once, with the span of periods.

use crate::base::diag::{Diag, Severity};
pub use crate::planfile::{date_of, day};
use crate::scenario::Scenario;
use chrono::Duration;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Violations break a hard constraint (exit 1); warnings report what was recomputed or differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Violation,
    Warning,
}

/// One problem: the file and row to open, optionally a column, the message, and the period it
/// holds in (`None` when it is not about one period).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub level: Level,
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
    pub period: Option<i64>,
    /// Numbers that vary from period to period; not part of the merge key, so a run of periods
    /// prints the detail of its first period.
    pub detail: Option<String>,
}

impl Finding {
    pub fn from_diag(d: &Diag) -> Finding {
        Finding {
            level: if d.severity == Severity::Error {
                Level::Violation
            } else {
                Level::Warning
            },
            file: d.file.clone(),
            line: d.line,
            column: d.column.clone(),
            message: d.message.clone(),
            period: None,
            detail: None,
        }
    }

    /// Everything but the period: findings with equal keys in consecutive periods are merged.
    fn key(&self) -> (Level, &str, Option<usize>, Option<&str>, &str) {
        (
            self.level,
            &self.file,
            self.line,
            self.column.as_deref(),
            &self.message,
        )
    }
}

/// A period and the detail a finding gave for it.
type Dated = (i64, Option<String>);

/// The findings of one run, in the order the checks found them.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    pub items: Vec<Finding>,
}

impl Findings {
    pub fn push(&mut self, f: Finding) {
        self.items.push(f);
    }

    /// A broken hard constraint at `file:line`, in period `t` when given.
    pub fn violation(
        &mut self,
        file: &str,
        line: Option<usize>,
        t: Option<i64>,
        msg: impl Into<String>,
    ) {
        self.add(Level::Violation, file, line, None, t, msg.into());
    }

    /// Something recomputed differently, or read leniently: the plan may still be valid.
    pub fn warn(
        &mut self,
        file: &str,
        line: Option<usize>,
        column: Option<&str>,
        t: Option<i64>,
        msg: impl Into<String>,
    ) {
        self.add(Level::Warning, file, line, column, t, msg.into());
    }

    /// A warning about a derived number that differs in many periods: `message` says what,
    /// `detail` gives this period's numbers (printed for the first period of each run).
    pub fn warn_detail(&mut self, file: &str, t: i64, msg: impl Into<String>, detail: String) {
        self.add(Level::Warning, file, None, None, Some(t), msg.into());
        if let Some(last) = self.items.last_mut() {
            last.detail = Some(detail);
        }
    }

    fn add(
        &mut self,
        level: Level,
        file: &str,
        line: Option<usize>,
        column: Option<&str>,
        period: Option<i64>,
        message: String,
    ) {
        self.items.push(Finding {
            level,
            file: file.to_string(),
            line,
            column: column.map(str::to_string),
            message,
            period,
            detail: None,
        });
    }

    pub fn count(&self, level: Level) -> usize {
        self.merged()
            .iter()
            .filter(|(f, _)| f.level == level)
            .count()
    }

    /// The printed lines, without the trailing newline: violations first, each level sorted by
    /// file and line (stable, so a row's findings keep the order the checks found them).
    pub fn lines(&self, sc: &Scenario) -> Vec<String> {
        self.merged()
            .iter()
            .map(|(f, span)| line_of(sc, f, *span))
            .collect()
    }

    pub fn render(&self, sc: &Scenario) -> String {
        let mut s = String::new();
        for l in self.lines(sc) {
            let _ = writeln!(s, "{l}");
        }
        s
    }

    /// Warnings with equal keys merged into runs of consecutive periods: (finding, span) where the
    /// finding carries the detail of the run's first period. Violations stay one per period.
    fn merged(&self) -> Vec<(Finding, Option<(i64, i64)>)> {
        let mut groups: Vec<(Finding, Vec<Dated>)> = Vec::new();
        let mut index: HashMap<_, usize> = HashMap::new();
        for f in &self.items {
            let i = *index.entry(f.key()).or_insert_with(|| {
                groups.push((f.clone(), Vec::new()));
                groups.len() - 1
            });
            if let Some(t) = f.period {
                groups[i].1.push((t, f.detail.clone()));
            }
        }
        let mut out = Vec::new();
        for (f, mut periods) in groups {
            if periods.is_empty() {
                out.push((f, None));
                continue;
            }
            periods.sort_by_key(|p| p.0);
            periods.dedup_by_key(|p| p.0);
            let split = f.level == Level::Violation;
            let mut run_start = 0;
            for i in 1..=periods.len() {
                if i == periods.len() || split || periods[i].0 != periods[i - 1].0 + 1 {
                    let mut g = f.clone();
                    g.detail = periods[run_start].1.clone();
                    out.push((g, Some((periods[run_start].0, periods[i - 1].0))));
                    run_start = i;
                }
            }
        }
        out.sort_by(|a, b| (a.0.level, &a.0.file, a.0.line).cmp(&(b.0.level, &b.0.file, b.0.line)));
        out
    }
}

/// `file:line: column: warning: message in period from DATE` (the parts that apply).
fn line_of(sc: &Scenario, f: &Finding, span: Option<(i64, i64)>) -> String {
    let mut s = f.file.clone();
    if let Some(l) = f.line {
        let _ = write!(s, ":{l}");
    }
    s.push_str(": ");
    if let Some(c) = &f.column {
        let _ = write!(s, "{c}: ");
    }
    if f.level == Level::Warning {
        s.push_str("warning: ");
    }
    s.push_str(&f.message);
    match span {
        Some((a, b)) if a == b => {
            let _ = write!(s, " in period from {}", day(sc, a));
        }
        Some((a, b)) => {
            let _ = write!(
                s,
                " in {} periods from {} to {}",
                b - a + 1,
                day(sc, a),
                last_day(sc, b)
            );
        }
        None => {}
    }
    match (&f.detail, span) {
        (Some(d), Some((a, b))) if a != b => {
            let _ = write!(s, " (first: {d})");
        }
        (Some(d), _) => {
            let _ = write!(s, " ({d})");
        }
        _ => {}
    }
    s
}

/// The last day of period t (start(t+1) − 1 day), as `YYYY-MM-DD`.
pub fn last_day(sc: &Scenario, t: i64) -> String {
    match date_of(sc, t.saturating_add(1)).and_then(|d| d.checked_sub_signed(Duration::days(1))) {
        Some(d) => d.format("%Y-%m-%d").to_string(),
        None => format!("end of period {t}"),
    }
}

/// A quantity as planners write it: at most 3 decimals and thousands separators (`2,800`).
pub fn qty(v: f64) -> String {
    let s = crate::base::text::fmt_num(v);
    let (sign, rest) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_have_thousands_separators() {
        assert_eq!(qty(2800.0), "2,800");
        assert_eq!(qty(0.0), "0");
        assert_eq!(qty(999.5), "999.5");
        assert_eq!(qty(1234567.125), "1,234,567.125");
        assert_eq!(qty(-1500.0), "-1,500");
    }
}
