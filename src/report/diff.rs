//! `rotaplan diff OLD NEW --html FILE`: the tours a new plan adds, removes and moves, as a
//! picture (a row per change, old arrival → new arrival) with the coverage of both plans.

use super::svg::{self, esc, El};
use super::{num, CSP, STYLE};
use crate::diff::Change;
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

const ADDED: &str = "#1a9850";
const REMOVED: &str = "#d73027";
const MOVED: &str = "#4575b4";

/// Draws the difference of two plans (changes as `crate::diff::compare` gives them); the plans'
/// coverage.csv files, when present, add a strip of shortfall per period for each.
pub fn render_diff(changes: &[Change], old: &Path, new: &Path) -> String {
    let mut out = String::new();
    let count = |c: &str| changes.iter().filter(|x| x.change == c).count();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <title>rotaplan diff</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <section id=\"diff\"><h1>What changed between two plans</h1>\
         <p class=\"note\">Old plan: {}<br>New plan: {}</p>\
         <p id=\"counts\">{} tour(s) added, {} removed, {} moved{}.</p>",
        esc(&old.display().to_string()),
        esc(&new.display().to_string()),
        count("added"),
        count("removed"),
        count("moved"),
        if changes.is_empty() {
            ": the plans have the same tours"
        } else {
            ""
        }
    );
    out.push_str("<div class=\"legend\"><span><i class=\"sw\" style=\"background:#1a9850\"></i>added (new arrival)</span><span><i class=\"sw\" style=\"background:#d73027\"></i>removed (old arrival)</span><span><i class=\"sw\" style=\"background:#4575b4\"></i>moved: from the hollow mark (old) to the full one (new)</span></div>");

    let dates: Vec<NaiveDate> = changes
        .iter()
        .flat_map(|c| [c.old.as_ref(), c.new.as_ref()])
        .flatten()
        .map(|(_, d)| *d)
        .collect();
    if let (Some(lo), Some(hi)) = (dates.iter().min(), dates.iter().max()) {
        let (w, left, right, row) = (1000.0, 390.0, 20.0, 16.0);
        let span = ((*hi - *lo).num_days() as f64).max(1.0);
        let x = |d: NaiveDate| left + (d - *lo).num_days() as f64 / span * (w - left - right);
        let h = 30.0 + changes.len() as f64 * row;
        let mut s = svg::svg(w, h);
        s.push(svg::text(left, 12.0, lo.to_string()).a("class", "lbl"));
        s.push(
            svg::text(w - right, 12.0, hi.to_string())
                .a("class", "lbl")
                .a("text-anchor", "end"),
        );
        for (i, c) in changes.iter().enumerate() {
            let y = 26.0 + i as f64 * row;
            let place = |p: &Option<(String, NaiveDate)>| {
                p.as_ref()
                    .map_or(String::new(), |(s, d)| format!("{s} {d}"))
            };
            let what = match c.change {
                "moved" => format!(
                    "moved {} {} ×{}: {} → {}",
                    c.nation,
                    c.unit_type,
                    num(c.units),
                    place(&c.old),
                    place(&c.new)
                ),
                k => format!(
                    "{k} {} {} ×{}: {}",
                    c.nation,
                    c.unit_type,
                    num(c.units),
                    if k == "added" {
                        place(&c.new)
                    } else {
                        place(&c.old)
                    }
                ),
            };
            let colour = match c.change {
                "added" => ADDED,
                "removed" => REMOVED,
                _ => MOVED,
            };
            let mut g = El::new("g")
                .a("class", "change")
                .a("data-change", c.change)
                .a("data-nation", &c.nation)
                .title(what.clone());
            let label: String = if what.chars().count() > 58 {
                what.chars().take(57).collect::<String>() + "…"
            } else {
                what.clone()
            };
            g.push(
                svg::text(left - 8.0, y + 4.0, label)
                    .a("text-anchor", "end")
                    .a("class", "lbl"),
            );
            g.push(svg::line(left, y, w - right, y).a("stroke", "#eee"));
            if let (Some((_, a)), Some((_, b))) = (&c.old, &c.new) {
                g.push(
                    svg::line(x(*a), y, x(*b), y)
                        .a("stroke", colour)
                        .a("stroke-width", "2"),
                );
            }
            if let Some((_, a)) = &c.old {
                g.push(
                    El::new("circle")
                        .f("cx", x(*a))
                        .f("cy", y)
                        .a("r", "4.5")
                        .a(
                            "fill",
                            if c.change == "removed" {
                                colour
                            } else {
                                "#fff"
                            },
                        )
                        .a("stroke", colour)
                        .a("stroke-width", "2"),
                );
            }
            if let Some((_, b)) = &c.new {
                g.push(
                    El::new("circle")
                        .f("cx", x(*b))
                        .f("cy", y)
                        .a("r", "4.5")
                        .a("fill", colour),
                );
            }
            s.push(g);
        }
        s.write(&mut out);
    }
    out.push_str("</section>\n");

    // Coverage of both plans, a strip each, and the weeks where they differ.
    let old_s = super::batch::shortfall_by_period(old);
    let new_s = super::batch::shortfall_by_period(new);
    if let (Some(o), Some(n)) = (&old_s, &new_s) {
        let periods: Vec<&String> = o
            .keys()
            .chain(n.keys())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let (w, left) = (1000.0, 390.0);
        let cell = (w - left - 20.0) / periods.len().max(1) as f64;
        let mut s = svg::svg(w, 50.0).a("shape-rendering", "crispEdges");
        for (i, (name, m)) in [("old plan", o), ("new plan", n)].iter().enumerate() {
            let y = 6.0 + i as f64 * 18.0;
            s.push(
                svg::text(left - 8.0, y + 11.0, name.to_string())
                    .a("text-anchor", "end")
                    .a("class", "lbl"),
            );
            for (j, p) in periods.iter().enumerate() {
                let v = m.get(*p).copied().unwrap_or(0.0);
                s.push(
                    svg::rect(left + j as f64 * cell, y, cell.max(0.5), 14.0)
                        .a("fill", if v > 0.0 { "#d7301f" } else { "#9ecae1" })
                        .title(format!("{name}, {p}: short {}", num(v))),
                );
            }
        }
        let (so, sn): (f64, f64) = (o.values().sum(), n.values().sum());
        let _ = write!(
            out,
            "<section id=\"diff-coverage\"><h2>Coverage, old and new</h2><p class=\"note\">Red: some requirement short that period. Shortfall {} → {} role-unit periods.</p>",
            num(so),
            num(sn)
        );
        s.write(&mut out);
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}
