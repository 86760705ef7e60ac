//! What to ask the conference for (ask.csv, when the plan has one) and why the plan is short
//! (explanations.csv, one block per episode), with the anchors the short cells of the timeline
//! and the coverage strip link to.

use super::svg::esc;
use super::{num, Ctx};
use crate::planfile::explanations::{cause_words, ExplanationRow};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Causes shown per episode, leading ones first (as `rotaplan explain` prints them); the rest
/// are in explanations.csv.
const CAUSES_SHOWN: usize = 5;

/// An episode: its rows of explanations.csv, in file order, and its anchor.
struct Episode<'a> {
    id: String,
    rows: Vec<&'a ExplanationRow>,
}

/// Episodes in the order of explanations.csv (coverage first, by place, what and time).
fn episodes<'a>(cx: &Ctx<'a>) -> Vec<Episode<'a>> {
    let mut out: Vec<Episode> = Vec::new();
    let mut index: BTreeMap<(&str, &str, &str, &str, &str), usize> = BTreeMap::new();
    for r in &cx.d.explanations {
        let key = (
            r.kind.as_str(),
            r.where_.as_str(),
            r.what.as_str(),
            r.from.as_str(),
            r.to.as_str(),
        );
        let k = *index.entry(key).or_insert_with(|| {
            out.push(Episode {
                id: format!("why-{}", out.len()),
                rows: Vec::new(),
            });
            out.len() - 1
        });
        out[k].rows.push(r);
    }
    out
}

/// Where a short cell's explanation is: per (site, role), the coverage episodes' first and last
/// period start (YYYY-MM-DD, so they compare as text) and anchor.
pub(crate) struct Anchors(BTreeMap<(String, String), Vec<(String, String, String)>>);

impl Anchors {
    pub fn new(cx: &Ctx) -> Anchors {
        let mut m: BTreeMap<(String, String), Vec<(String, String, String)>> = BTreeMap::new();
        for e in episodes(cx) {
            let r = e.rows[0];
            if r.kind == "coverage" {
                m.entry((r.where_.clone(), r.what.clone()))
                    .or_default()
                    .push((r.from.clone(), r.to.clone(), e.id));
            }
        }
        Anchors(m)
    }

    /// The anchor of the episode holding the period that starts on `date` at `site` for `role`.
    pub fn get(&self, site: &str, role: &str, date: &str) -> Option<&str> {
        self.0
            .get(&(site.to_string(), role.to_string()))?
            .iter()
            .find(|(from, to, _)| from.as_str() <= date && date <= to.as_str())
            .map(|(_, _, id)| id.as_str())
    }
}

/// "What to ask the conference for": a short table, present only with ask.csv.
pub(crate) fn write_ask(cx: &Ctx, out: &mut String) {
    let Some((lines, totals)) = &cx.d.ask else {
        return;
    };
    let w = cx.period_word();
    out.push_str("<section id=\"ask\"><h2>What to ask the conference for</h2>");
    let before = totals["role_unit_periods_short_before"].as_f64();
    let after = totals["role_unit_periods_short_after"].as_f64();
    let nothing_short = before.is_some_and(|b| b <= 0.0);
    if nothing_short {
        out.push_str("<p id=\"ask-story\">As offered, every requirement is covered: there is nothing to ask for.</p>");
    } else if let (Some(b), Some(a)) = (before, after) {
        let extra: f64 = lines.iter().map(|l| l.units).sum();
        let _ = write!(
            out,
            "<p id=\"ask-story\">As offered, the force is short by {}; with the {} additional unit{} below{}, by {}.{}</p>",
            plural(b, &format!("role-unit {w}")),
            num(extra),
            if extra == 1.0 { "" } else { "s" },
            if totals["status"] == "feasible" {
                " (the best found in the time limit, not proven the fewest)"
            } else {
                ""
            },
            num(a),
            if a > 0.0 {
                " The rest cannot be closed by asking: see below."
            } else {
                ""
            }
        );
    }
    let _ = write!(
        out,
        "<p class=\"note\">The fewest additional units, by nation and unit type, that remove the coverage shortfall, asked only of nations whose caveats and limits let the unit serve where it is short, cheapest first by the offers' own costs. <b>Needed from</b>: the first {w} the plan needs more of that nation's units than it has offered. <b>Removes</b>: the role-unit {w}s that would be short again without that line (checked by a solve; blank when that solve did not finish).</p>"
    );
    if lines.is_empty() {
        if !nothing_short {
            out.push_str("<p>No additional unit would remove any shortfall.</p>");
        }
    } else {
        let not_offered: Vec<&str> = totals["not_offered"]
            .as_array()
            .map(|v| v.iter().filter_map(|x| x.as_str()).collect())
            .unwrap_or_default();
        let _ = write!(
            out,
            "<table id=\"ask-table\"><tr><th>Nation</th><th>Unit type</th><th>Additional units</th><th>Needed from</th><th>Removes (role-unit {w}s short)</th></tr>"
        );
        for l in lines {
            let _ = write!(
                out,
                "<tr data-nation=\"{}\"><td>{}{}</td><td>{}</td><td class=\"r\">{}</td><td class=\"nw\">{}</td><td class=\"r\">{}</td></tr>",
                esc(&l.nation),
                esc(&cx.nation_label(&l.nation)),
                if not_offered.contains(&l.nation.as_str()) {
                    " <i>(has offered nothing yet)</i>"
                } else {
                    ""
                },
                esc(&l.unit_type),
                num(l.units),
                esc(&l.needed_from),
                l.shortfall_removed.map_or(String::new(), num)
            );
        }
        out.push_str("</table>");
    }
    if let Some(left) = totals["left"].as_array().filter(|l| !l.is_empty()) {
        out.push_str("<p>Still short with the ask:</p><ul id=\"ask-left\">");
        for l in left {
            let _ = write!(
                out,
                "<li><b>{} · {}</b>: {} role-unit {w}s ({}): {}</li>",
                esc(l["site"].as_str().unwrap_or("")),
                esc(l["role"].as_str().unwrap_or("")),
                num(l["role_unit_periods"].as_f64().unwrap_or(0.0)),
                esc(l["reason"].as_str().unwrap_or("")),
                esc(l["why"].as_str().unwrap_or(""))
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>\n");
}

/// "Why short, and what would fix it": one block per episode, the anchor of its short cells.
pub(crate) fn write_explanations(cx: &Ctx, out: &mut String) {
    let eps = episodes(cx);
    let w = cx.period_word();
    out.push_str("<section id=\"why\"><h2>Why short, and what would fix it</h2>");
    if eps.is_empty() {
        out.push_str("<p>Nothing is short: no explanation is needed (or this plan has no explanations.csv).</p></section>\n");
        return;
    }
    let _ = write!(
        out,
        "<p class=\"note\">Each shortfall episode (a site and role, or a node and commodity, over consecutive short {w}s), with its causes, leading ones first: the input row that binds, what binds in words, and the one change that was tried with what it did. A short cell of the timeline or the coverage strip links here. <b>Checked by</b>: <i>re-solve</i> when a solve of the changed scenario produced the figures, <i>estimate</i> when they are reasoned, not solved. At most {CAUSES_SHOWN} causes are shown per episode; explanations.csv holds them all.</p>"
    );
    for e in &eps {
        let r = e.rows[0];
        let (short, place) = if r.kind == "supply" {
            (
                format!("{} t", num(r.amount)),
                format!("{} · {} (supply)", r.where_, r.what),
            )
        } else {
            (
                plural(r.amount, &format!("role-unit {w}")),
                format!("{} · {}", r.where_, r.what),
            )
        };
        let when = if r.from == r.to {
            format!("the {w} of {}", r.from)
        } else {
            format!("{} to {}", r.from, r.to)
        };
        let _ = write!(
            out,
            "<div class=\"episode\" id=\"{}\" data-kind=\"{}\" data-where=\"{}\" data-what=\"{}\"><h3><a href=\"#{}\">{}</a>: {}, {} short</h3>",
            e.id,
            esc(&r.kind),
            esc(&r.where_),
            esc(&r.what),
            e.id,
            esc(&place),
            esc(&when),
            esc(&short)
        );
        out.push_str("<table><tr><th>Cause</th><th>Input</th><th>Why</th><th>What would fix it</th><th>Change in shortfall</th><th>Change in objective</th><th>Checked by</th></tr>");
        for c in e.rows.iter().take(CAUSES_SHOWN) {
            let _ = write!(
                out,
                "<tr data-cause=\"{}\"><td>{}</td><td class=\"nw\">{}</td><td>{}</td><td>{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td><td>{}</td></tr>",
                esc(&c.cause),
                esc(cause_words(&c.cause)),
                esc(&c.input),
                esc(&c.detail),
                esc(&c.what_if),
                c.amount_change.map_or(String::new(), signed),
                c.objective_change.map_or(String::new(), signed),
                esc(&c.basis)
            );
        }
        out.push_str("</table>");
        if e.rows.len() > CAUSES_SHOWN {
            let _ = write!(
                out,
                "<p class=\"note\">{} more in explanations.csv.</p>",
                e.rows.len() - CAUSES_SHOWN
            );
        }
        out.push_str("</div>");
    }
    out.push_str("</section>\n");
}

/// "1 role-unit week", "4 role-unit weeks".
fn plural(v: f64, what: &str) -> String {
    format!("{} {what}{}", num(v), if v == 1.0 { "" } else { "s" })
}

/// A change with its sign: "−4", "+1,200", "0".
fn signed(v: f64) -> String {
    if v > 0.0 {
        format!("+{}", num(v))
    } else if v < 0.0 {
        format!("−{}", num(-v))
    } else {
        "0".to_string()
    }
}
