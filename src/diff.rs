//! `rotaplan diff OLD_OUT_DIR NEW_OUT_DIR`: which tours a new plan adds, removes and moves
//! (issue 6; docs/operations.md, "Nightly runs").
//!
//! Tours are compared by identity (nation, unit type, site, arrive), with their `units` summed,
//! so plans in `mip` mode (a row per unit) and `lp` mode (fractional rows) both work and the unit
//! numbering (`unit` column) does not count. Whether a tour was `initial` does not count either:
//! a tour that has begun is the same tour. Where the new plan has more units of an identity than
//! the old one they are added, where fewer removed. Then, per nation and unit type, removed and
//! added units are paired into **moves**, deterministically: first the pair at the same site with
//! the nearest arrive dates, then other sites by nearest dates (ties by site, then date, in code
//! order). What is left unpaired stays added or removed.
//!
//! Output: a listing on stdout grouped by nation, and `diff.csv` (columns change, nation,
//! unit_type, units, site_old, arrive_old, site_new, arrive_new), written into NEW_OUT_DIR unless
//! `--out FILE` says otherwise. Exit 0 when the tours are the same, 1 when they differ, 2 when a
//! plan cannot be read or diff.csv cannot be written.

use crate::diag::Diags;
use crate::output::{fmt_num, Csv};
use crate::scenario::table::Table;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Arguments of `rotaplan diff`.
#[derive(clap::Args, Debug, Clone)]
pub struct DiffArgs {
    /// The older plan's output directory.
    pub old: PathBuf,
    /// The newer plan's output directory.
    pub new: PathBuf,
    /// Where to write diff.csv (default: NEW_OUT_DIR/diff.csv).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also draw the difference as a self-contained HTML page (docs/report.md).
    #[arg(long)]
    pub html: Option<PathBuf>,
}

/// Amounts below this are rounding noise (CSV numbers have 3 decimals).
const EPS: f64 = 0.0005;

/// (nation, unit type, site, arrive) → units.
pub type Tours = BTreeMap<(String, String, String, NaiveDate), f64>;

/// How good a pairing of a removed and an added tour is (smaller first): another site, days
/// apart, then the old site and date and the new site and date.
type PairKey<'a> = (bool, i64, &'a String, NaiveDate, &'a String, NaiveDate);

/// One line of the difference.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// `added`, `removed` or `moved`.
    pub change: &'static str,
    pub nation: String,
    pub unit_type: String,
    pub units: f64,
    pub old: Option<(String, NaiveDate)>,
    pub new: Option<(String, NaiveDate)>,
}

/// Reads a plan's deployments.csv into tour identities with summed units.
pub fn read_tours(dir: &Path, d: &mut Diags) -> Option<Tours> {
    let path = dir.join("deployments.csv");
    let label = path.display().to_string();
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            d.error(&label, None, None, format!("cannot read the plan: {e}"));
            return None;
        }
    };
    let t = Table::parse(
        &label,
        &bytes,
        &["nation", "unit_type", "site", "units", "arrive"],
        &["unit", "zone", "troops", "cover_from", "depart", "initial"],
        d,
    )?;
    let mut tours = Tours::new();
    let errors_before = d.errors().count();
    for r in &t.rows {
        let n = t.text(r, "nation", d);
        let u = t.text(r, "unit_type", d);
        let s = t.text(r, "site", d);
        let units = t.num(r, "units", 0.0, d);
        let arrive = t.date(r, "arrive", d);
        let (Some(n), Some(u), Some(s), Some(units), Some(arrive)) = (n, u, s, units, arrive)
        else {
            continue;
        };
        *tours.entry((n, u, s, arrive)).or_default() += units;
    }
    (d.errors().count() == errors_before).then_some(tours)
}

/// The changes from `old` to `new`, in a fixed order (nation, unit type, change, sites, dates).
pub fn compare(old: &Tours, new: &Tours) -> Vec<Change> {
    // (nation, unit type) → [(site, arrive, units)] removed / added.
    type Side = BTreeMap<(String, String), Vec<(String, NaiveDate, f64)>>;
    let (mut removed, mut added): (Side, Side) = (BTreeMap::new(), BTreeMap::new());
    let keys: std::collections::BTreeSet<&(String, String, String, NaiveDate)> =
        old.keys().chain(new.keys()).collect();
    for k in keys {
        let a = old.get(k).copied().unwrap_or(0.0);
        let b = new.get(k).copied().unwrap_or(0.0);
        let (n, u, s, date) = k;
        if b - a > EPS {
            added
                .entry((n.clone(), u.clone()))
                .or_default()
                .push((s.clone(), *date, b - a));
        } else if a - b > EPS {
            removed
                .entry((n.clone(), u.clone()))
                .or_default()
                .push((s.clone(), *date, a - b));
        }
    }
    let mut out = Vec::new();
    let groups: std::collections::BTreeSet<(String, String)> =
        removed.keys().chain(added.keys()).cloned().collect();
    for g in groups {
        let mut rem = removed.remove(&g).unwrap_or_default();
        let mut add = added.remove(&g).unwrap_or_default();
        let mut moves = Vec::new();
        loop {
            // The best remaining pair: same site first, then nearest dates, then codes and dates.
            let mut best: Option<(PairKey, usize, usize)> = None;
            for (i, r) in rem.iter().enumerate() {
                if r.2 <= EPS {
                    continue;
                }
                for (j, a) in add.iter().enumerate() {
                    if a.2 <= EPS {
                        continue;
                    }
                    let key = (
                        r.0 != a.0,
                        (a.1 - r.1).num_days().abs(),
                        &r.0,
                        r.1,
                        &a.0,
                        a.1,
                    );
                    if best.as_ref().is_none_or(|(b, _, _)| key < *b) {
                        best = Some((key, i, j));
                    }
                }
            }
            let Some((_, i, j)) = best else { break };
            let m = rem[i].2.min(add[j].2);
            rem[i].2 -= m;
            add[j].2 -= m;
            moves.push(Change {
                change: "moved",
                nation: g.0.clone(),
                unit_type: g.1.clone(),
                units: m,
                old: Some((rem[i].0.clone(), rem[i].1)),
                new: Some((add[j].0.clone(), add[j].1)),
            });
        }
        for (s, date, units) in rem.into_iter().filter(|r| r.2 > EPS) {
            out.push(Change {
                change: "removed",
                nation: g.0.clone(),
                unit_type: g.1.clone(),
                units,
                old: Some((s, date)),
                new: None,
            });
        }
        for (s, date, units) in add.into_iter().filter(|a| a.2 > EPS) {
            out.push(Change {
                change: "added",
                nation: g.0.clone(),
                unit_type: g.1.clone(),
                units,
                old: None,
                new: Some((s, date)),
            });
        }
        // Each pairing empties its removed or its added side, so no pair repeats.
        out.extend(moves);
    }
    let rank = |c: &str| match c {
        "added" => 0,
        "removed" => 1,
        _ => 2,
    };
    let place = |c: &Change| c.new.clone().or_else(|| c.old.clone());
    out.sort_by(|a, b| {
        (
            &a.nation,
            place(a),
            &a.unit_type,
            rank(a.change),
            &a.old,
            &a.new,
        )
            .cmp(&(
                &b.nation,
                place(b),
                &b.unit_type,
                rank(b.change),
                &b.old,
                &b.new,
            ))
    });
    out
}

/// diff.csv: one row per change.
pub fn csv(changes: &[Change]) -> String {
    let mut c = Csv::new(&[
        "change",
        "nation",
        "unit_type",
        "units",
        "site_old",
        "arrive_old",
        "site_new",
        "arrive_new",
    ]);
    let part = |p: &Option<(String, NaiveDate)>| {
        p.as_ref().map_or((String::new(), String::new()), |(s, d)| {
            (s.clone(), d.to_string())
        })
    };
    for ch in changes {
        let (so, ao) = part(&ch.old);
        let (sn, an) = part(&ch.new);
        c.row([
            ch.change.to_string(),
            ch.nation.clone(),
            ch.unit_type.clone(),
            fmt_num(ch.units),
            so,
            ao,
            sn,
            an,
        ]);
    }
    c.text
}

fn units_word(u: f64) -> String {
    if (u - 1.0).abs() <= EPS {
        "1 unit".into()
    } else {
        format!("{} units", fmt_num(u))
    }
}

/// The readable listing: totals, then per nation its changes, each with its site(s) and dates.
pub fn listing(changes: &[Change], old: &Path, new: &Path) -> String {
    let mut t = String::new();
    let count = |c: &str| {
        changes
            .iter()
            .filter(|x| x.change == c)
            .map(|x| x.units)
            .sum::<f64>()
    };
    if changes.is_empty() {
        let _ = writeln!(
            t,
            "the plans have the same tours ({} and {})",
            old.display(),
            new.display()
        );
        return t;
    }
    let _ = writeln!(
        t,
        "the plans differ: {} added, {} removed, {} moved (old {}, new {})",
        units_word(count("added")),
        units_word(count("removed")),
        units_word(count("moved")),
        old.display(),
        new.display()
    );
    let mut by_nation: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for c in changes {
        by_nation.entry(&c.nation).or_default().push(c);
    }
    for (nation, list) in by_nation {
        let sum = |c: &str| {
            list.iter()
                .filter(|x| x.change == c)
                .map(|x| x.units)
                .sum::<f64>()
        };
        let _ = writeln!(
            t,
            "\n{nation}: +{} added, -{} removed, ~{} moved",
            fmt_num(sum("added")),
            fmt_num(sum("removed")),
            fmt_num(sum("moved"))
        );
        for c in list {
            let at = |p: &Option<(String, NaiveDate)>| {
                p.as_ref()
                    .map_or(String::new(), |(s, d)| format!("{s} {d}"))
            };
            let what = match c.change {
                "added" => format!(
                    "+ {:<9} {} {} at {}",
                    "added",
                    units_word(c.units),
                    c.unit_type,
                    at(&c.new)
                ),
                "removed" => format!(
                    "- {:<9} {} {} at {}",
                    "removed",
                    units_word(c.units),
                    c.unit_type,
                    at(&c.old)
                ),
                _ => format!(
                    "~ {:<9} {} {} from {} to {}",
                    "moved",
                    units_word(c.units),
                    c.unit_type,
                    at(&c.old),
                    at(&c.new)
                ),
            };
            let _ = writeln!(t, "  {what}");
        }
    }
    t
}

/// `rotaplan diff`: returns the exit code.
pub fn run(args: &DiffArgs) -> i32 {
    let mut d = Diags::default();
    let old = read_tours(&args.old, &mut d);
    let new = read_tours(&args.new, &mut d);
    let (Some(old), Some(new)) = (old, new) else {
        for e in d.errors() {
            eprintln!("{e}");
        }
        eprintln!("nothing was compared");
        return crate::run::exit::INPUT;
    };
    let changes = compare(&old, &new);
    print!("{}", listing(&changes, &args.old, &args.new));
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.new.join("diff.csv"));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "diff.csv".into());
    let tmp = out.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let written = std::fs::write(&tmp, csv(&changes)).and_then(|_| std::fs::rename(&tmp, &out));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        eprintln!("rotaplan diff: cannot write {}: {e}", out.display());
        return crate::run::exit::INPUT;
    }
    if let Some(html) = &args.html {
        let page = crate::report::diff::render_diff(&changes, &args.old, &args.new);
        let tmp = html.with_file_name(format!(".diff.html.tmp-{}", std::process::id()));
        if let Err(e) = std::fs::write(&tmp, page).and_then(|_| std::fs::rename(&tmp, html)) {
            let _ = std::fs::remove_file(&tmp);
            eprintln!("rotaplan diff: cannot write {}: {e}", html.display());
            return crate::run::exit::INPUT;
        }
    }
    if changes.is_empty() {
        0
    } else {
        1
    }
}
