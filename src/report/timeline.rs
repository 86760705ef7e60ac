//! The rotation timeline (one bar per tour, lanes by site and role) and the coverage heat strip.
//!
//! Each site is its own block (`div.blk[data-site]`, one SVG), so picking a site hides the
//! others and the page closes up without any layout script; with script off all are shown.

use super::data::Tour;
use super::svg::{self, esc, El};
use super::{num, Ctx, LEFT, W};
use std::collections::BTreeMap;
use std::fmt::Write as _;

const ROW: f64 = 10.0;
const BAR: f64 = 8.0;
const STRIP: f64 = 5.0;
const GAP: f64 = 5.0;
const SITE_HEAD: f64 = 16.0;

/// Per (site, role): the (required, covered, shortfall) of each period, from coverage.csv.
type CoverageGrid = BTreeMap<(String, String), Vec<Option<(f64, f64, f64)>>>;

fn coverage_grid(cx: &Ctx) -> CoverageGrid {
    let mut g: CoverageGrid = BTreeMap::new();
    for c in &cx.d.coverage {
        let Some(t) = cx.period(c.period) else {
            continue;
        };
        let v = g
            .entry((c.site.clone(), c.role.clone()))
            .or_insert_with(|| vec![None; cx.sc.periods]);
        v[t] = Some((c.required, c.covered, c.shortfall));
    }
    g
}

/// The role of a tour's unit type (checked to exist before drawing).
fn role<'a>(cx: &'a Ctx, t: &Tour) -> &'a str {
    cx.sc
        .unit_types
        .iter()
        .find(|u| u.code == t.unit_type)
        .map_or("", |u| u.role.as_str())
}

/// Tours per (site, role) lane, in arrival order.
fn lanes<'a>(cx: &'a Ctx) -> BTreeMap<(String, String), Vec<&'a Tour>> {
    let mut l: BTreeMap<(String, String), Vec<&Tour>> = BTreeMap::new();
    for t in &cx.d.tours {
        l.entry((t.site.clone(), role(cx, t).to_string()))
            .or_default()
            .push(t);
    }
    for v in l.values_mut() {
        v.sort_by(|a, b| {
            (a.arrive, a.depart, &a.nation, &a.unit, a.line)
                .cmp(&(b.arrive, b.depart, &b.nation, &b.unit, b.line))
        });
    }
    l
}

/// Packs a lane's tours into rows so no two bars overlap: each goes to the first row free by
/// its arrival. Returns the row of each tour and the number of rows.
fn pack(tours: &[&Tour]) -> (Vec<usize>, usize) {
    let mut ends: Vec<chrono::NaiveDate> = Vec::new();
    let mut rows = Vec::with_capacity(tours.len());
    for t in tours {
        match ends.iter().position(|e| *e < t.arrive) {
            Some(r) => {
                ends[r] = t.depart;
                rows.push(r);
            }
            None => {
                ends.push(t.depart);
                rows.push(ends.len() - 1);
            }
        }
    }
    (rows, ends.len())
}

fn tour_text(cx: &Ctx, t: &Tour) -> String {
    format!(
        "{} ({} {}, {} troops{}) at {}: arrives {}, relief in place, covers from {}, departs {}{}",
        if t.unit.is_empty() {
            "unnamed unit"
        } else {
            &t.unit
        },
        cx.nation_label(&t.nation),
        t.unit_type,
        num(t.troops),
        if t.units != 1.0 {
            format!(", {} units", num(t.units))
        } else {
            String::new()
        },
        t.site,
        t.arrive,
        t.cover_from,
        t.depart,
        if t.initial {
            "; already deployed at the start"
        } else {
            ""
        }
    )
}

/// Labels longer than the gutter are cut, with the full text in the tooltip.
fn label(x: f64, y: f64, s: &str, class: &str) -> El {
    let short: String = if s.chars().count() > 30 {
        s.chars().take(29).collect::<String>() + "…"
    } else {
        s.to_string()
    };
    svg::text(x, y, short)
        .a("class", class)
        .title(s.to_string())
}

/// Sites in the order of the inputs' codes, with everything that has a lane there.
fn site_order(grid: &CoverageGrid, lanes: &BTreeMap<(String, String), Vec<&Tour>>) -> Vec<String> {
    let mut s: Vec<String> = grid
        .keys()
        .chain(lanes.keys())
        .map(|(site, _)| site.clone())
        .collect();
    s.sort();
    s.dedup();
    s
}

fn site_title(cx: &Ctx, code: &str) -> String {
    match cx.sc.sites.iter().find(|s| s.code == code) {
        Some(s) if s.name != s.code && !s.name.is_empty() => {
            format!("{} — {} (zone {})", s.code, s.name, s.zone)
        }
        Some(s) => format!("{} (zone {})", s.code, s.zone),
        None => code.to_string(),
    }
}

/// A short cell or strip, as a link to its episode's explanation when it has one.
fn linked(el: El, why: Option<&str>) -> El {
    match why {
        Some(id) => El::new("a").a("href", format!("#{id}")).kid(el),
        None => el,
    }
}

pub(crate) fn write_timeline(cx: &Ctx, out: &mut String) {
    let anchors = super::why::Anchors::new(cx);
    let grid = coverage_grid(cx);
    let lanes = lanes(cx);
    let _ = write!(
        out,
        "<section id=\"timeline\"><h2>Rotation timeline</h2><p class=\"note\">One bar per tour, from arrival to departure, in a lane per site and role, coloured by nation. The pale start of a bar is the relief in place (arrived, not yet covering). The strip under each lane is the requirement: grey while it is met, red while it is short. Hover a bar for the unit and its dates; pick a site or a nation at the top to thin the picture out.</p>"
    );
    // Legend: nations with tours, then the two marks.
    let mut used: Vec<&str> = cx.d.tours.iter().map(|t| t.nation.as_str()).collect();
    used.sort();
    used.dedup();
    out.push_str("<div class=\"legend\">");
    for n in &used {
        let _ = write!(
            out,
            "<span title=\"{}\"><i class=\"sw\" style=\"background:{}\"></i>{}</span>",
            esc(&cx.nation_label(n)),
            cx.colour(n),
            esc(n)
        );
    }
    out.push_str("<span><i class=\"sw\" style=\"background:#c9d6e6\"></i>relief in place (pale)</span><span><i class=\"sw\" style=\"background:#b8c9dc\"></i>requirement met</span><span><i class=\"sw\" style=\"background:#d7301f\"></i>requirement short</span></div>");
    out.push_str("<div class=\"axis-wrap\">");
    cx.axis(18.0).write(out);
    out.push_str("</div>");

    let plot_end = W - super::RIGHT;
    out.push_str("<div id=\"lanes-site\">");
    for site in site_order(&grid, &lanes) {
        // The lanes of this site: every role with a requirement or a tour there.
        let mut roles: Vec<&str> = grid
            .keys()
            .chain(lanes.keys())
            .filter(|(s, _)| *s == site)
            .map(|(_, r)| r.as_str())
            .collect();
        roles.sort();
        roles.dedup();
        let mut body = El::new("g");
        let mut y = SITE_HEAD;
        for r in roles {
            let key = (site.clone(), r.to_string());
            let tours: &[&Tour] = lanes.get(&key).map_or(&[], |v| v.as_slice());
            let (rows, nrows) = pack(tours);
            let lane_h = nrows.max(1) as f64 * ROW;
            let cov = grid.get(&key);
            let need = cov
                .map(|v| v.iter().flatten().map(|c| c.0).fold(0.0, f64::max))
                .unwrap_or(0.0);
            let mut lane = El::new("g")
                .a("class", "lane")
                .a("data-site", &site)
                .a("data-role", r);
            lane.push(label(
                8.0,
                y + 9.0,
                &format!("{r} · needs {}", num(need)),
                "lbl",
            ));
            for (t, row) in tours.iter().zip(&rows) {
                let x0 = cx.x(t.arrive);
                let x1 = cx.x(t.depart + chrono::Duration::days(1));
                let yy = y + *row as f64 * ROW;
                lane.push(
                    svg::rect(x0, yy, (x1 - x0).max(1.0), BAR)
                        .a("class", "tour")
                        .a("data-unit", &t.unit)
                        .a("data-nation", &t.nation)
                        .a("fill", cx.colour(&t.nation))
                        .title(tour_text(cx, t)),
                );
                let xr = cx.x(t.cover_from);
                if xr > x0 {
                    lane.push(svg::rect(x0, yy, xr - x0, BAR).a("class", "rip"));
                }
            }
            // Requirement strip: runs of equal state merged, so a long horizon stays small.
            let sy = y + lane_h;
            if let Some(cov) = cov {
                for (t0, t1, state, c) in runs(cov) {
                    if state == 0 {
                        continue;
                    }
                    let (fill, what) = if state == 2 {
                        ("#d7301f", "short")
                    } else {
                        ("#b8c9dc", "met")
                    };
                    let why = if state == 2 {
                        anchors.get(&site, r, &cx.date(t0))
                    } else {
                        None
                    };
                    let mut strip = svg::rect(cx.xt(t0), sy, cx.xt(t1) - cx.xt(t0), STRIP - 1.0)
                        .a("fill", fill)
                        .title(format!(
                            "{site} · {r}: requirement {what} from {} to {} (required {}, covered {}{}){}",
                            cx.date(t0),
                            cx.sc.period_start(t1 as i64) - chrono::Duration::days(1),
                            num(c.0),
                            num(c.1),
                            if state == 2 { format!(", short {}", num(c.2)) } else { String::new() },
                            if why.is_some() { ". Click for why it is short and what would fix it." } else { "" }
                        ));
                    if state == 2 {
                        strip = strip.a("class", "strip-short");
                    }
                    lane.push(linked(strip, why));
                }
            }
            body.push(lane);
            y += lane_h + STRIP + GAP;
        }
        let h = y;
        let mut s = svg::svg(W, h);
        s.push(cx.grid(h));
        s.push(svg::line(LEFT, 0.0, LEFT, h).a("stroke", "#999"));
        s.push(svg::line(plot_end, 0.0, plot_end, h).a("stroke", "#ddd"));
        s.push(svg::text(4.0, 12.0, site_title(cx, &site)).a("class", "site"));
        s.push(body);
        let _ = write!(out, "<div class=\"blk\" data-site=\"{}\">", esc(&site));
        s.write(out);
        out.push_str("</div>");
    }
    out.push_str("</div>");
    write_nation_lanes(cx, out);
    out.push_str("</section>\n");
}

/// The same tours in a lane per nation (switched to by the "Lanes" selector; without script
/// both views show). These bars carry `data-nation` but no `data-unit`: the unit hook counts the
/// site-and-role view's bars only, one per tour.
fn write_nation_lanes(cx: &Ctx, out: &mut String) {
    let mut by: BTreeMap<&str, Vec<&Tour>> = BTreeMap::new();
    for t in &cx.d.tours {
        by.entry(t.nation.as_str()).or_default().push(t);
    }
    out.push_str("<div id=\"lanes-nation\"><h3>Lanes by nation</h3>");
    for (nation, mut tours) in by {
        tours.sort_by(|a, b| {
            (a.arrive, a.depart, &a.site, &a.unit, a.line)
                .cmp(&(b.arrive, b.depart, &b.site, &b.unit, b.line))
        });
        let (rows, n) = pack(&tours);
        let h = SITE_HEAD + n.max(1) as f64 * ROW + GAP;
        let mut s = svg::svg(W, h);
        s.push(cx.grid(h));
        s.push(svg::line(LEFT, 0.0, LEFT, h).a("stroke", "#999"));
        s.push(svg::text(4.0, 12.0, cx.nation_label(nation)).a("class", "site"));
        let count = tours.len();
        s.push(
            svg::text(
                8.0,
                SITE_HEAD + 9.0,
                format!("{count} tour{}", if count == 1 { "" } else { "s" }),
            )
            .a("class", "lbl"),
        );
        for (t, row) in tours.iter().zip(&rows) {
            let x0 = cx.x(t.arrive);
            let x1 = cx.x(t.depart + chrono::Duration::days(1));
            let y = SITE_HEAD + *row as f64 * ROW;
            s.push(
                svg::rect(x0, y, (x1 - x0).max(1.0), BAR)
                    .a("class", "tour-n")
                    .a("data-nation", &t.nation)
                    .a("fill", cx.colour(&t.nation))
                    .title(tour_text(cx, t)),
            );
            let xr = cx.x(t.cover_from);
            if xr > x0 {
                s.push(svg::rect(x0, y, xr - x0, BAR).a("class", "rip"));
            }
        }
        let _ = write!(out, "<div class=\"blk\" data-nation=\"{}\">", esc(nation));
        s.write(out);
        out.push_str("</div>");
    }
    out.push_str("</div>");
}

/// Runs of periods in the same state (0 not required, 1 met, 2 short) with equal figures:
/// (first, one past last, state, (required, covered, short) of the first).
fn runs(cov: &[Option<(f64, f64, f64)>]) -> Vec<(usize, usize, u8, (f64, f64, f64))> {
    let state = |c: &Option<(f64, f64, f64)>| match c {
        None => 0,
        Some((req, _, short)) if *req <= 0.0 && *short <= 0.0 => 0,
        Some((_, _, short)) if *short > 0.0 => 2,
        Some(_) => 1,
    };
    let mut out: Vec<(usize, usize, u8, (f64, f64, f64))> = Vec::new();
    for (t, c) in cov.iter().enumerate() {
        let s = state(c);
        let v = c.unwrap_or((0.0, 0.0, 0.0));
        match out.last_mut() {
            Some(last) if last.1 == t && last.2 == s && last.3 == v => last.1 = t + 1,
            _ => out.push((t, t + 1, s, v)),
        }
    }
    out
}

pub(crate) fn write_coverage(cx: &Ctx, out: &mut String) {
    let grid = coverage_grid(cx);
    let lanes = lanes(cx);
    let short_cells = cx.d.coverage.iter().filter(|c| c.shortfall > 0.0).count();
    let _ = write!(
        out,
        "<section id=\"coverage\"><h2>Coverage</h2><p class=\"note\">Each row is a site and role, each column a {}. Blue: required and covered; pale: nothing required; red: short (dark red when nothing of the requirement is covered). Hover a red cell for the tours that were there; click it for why it is short and what would fix it. {} short cells in all.</p>",
        cx.period_word(),
        short_cells
    );
    out.push_str("<div class=\"legend\"><span><i class=\"sw\" style=\"background:#9ecae1\"></i>covered</span><span><i class=\"sw\" style=\"background:#f3f3f3\"></i>not required</span><span><i class=\"sw\" style=\"background:#fc8d59\"></i>partly short</span><span><i class=\"sw\" style=\"background:#b2182b\"></i>nothing covered</span></div>");
    out.push_str("<div class=\"axis-wrap\">");
    cx.axis(18.0).write(out);
    out.push_str("</div>");
    const CELL: f64 = 13.0;
    let anchors = super::why::Anchors::new(cx);
    let sites = site_order(&grid, &lanes);
    for site in sites {
        let rows: Vec<(&(String, String), &Vec<Option<(f64, f64, f64)>>)> =
            grid.iter().filter(|((s, _), _)| *s == site).collect();
        if rows.is_empty() {
            continue;
        }
        let h = rows.len() as f64 * CELL + 2.0;
        let mut s = svg::svg(W, h).a("shape-rendering", "crispEdges");
        for (i, ((_, r), cov)) in rows.iter().enumerate() {
            let y = 1.0 + i as f64 * CELL;
            s.push(label(8.0, y + 10.0, &format!("{site} · {r}"), "lbl"));
            for (t0, t1, state, c) in runs(cov) {
                if state == 2 {
                    // Short cells are drawn one per period: each is a hook (site, role, period).
                    for t in t0..t1 {
                        let (req, covd, short) = cov[t].unwrap_or((0.0, 0.0, 0.0));
                        let there = tours_there(cx, lanes.get(&(site.clone(), r.clone())), t);
                        let why = anchors.get(&site, r, &cx.date(t));
                        let cell = svg::rect(cx.xt(t), y, cx.xt(t + 1) - cx.xt(t), CELL - 1.0)
                            .a("class", "short")
                            .a("data-site", &site)
                            .a("data-role", r)
                            .a("data-period", cx.date(t))
                            .a("fill", if covd <= 0.0 { "#b2182b" } else { "#fc8d59" })
                            .title(format!(
                                "{site} · {r}, {} of {}: required {}, covered {}, short {}. Tours there: {there}{}",
                                cx.period_word(),
                                cx.date(t),
                                num(req),
                                num(covd),
                                num(short),
                                if why.is_some() { ". Click for why it is short and what would fix it." } else { "" }
                            ));
                        s.push(linked(cell, why));
                    }
                } else {
                    let fill = if state == 1 { "#9ecae1" } else { "#f3f3f3" };
                    let what = if state == 1 {
                        format!("required {}, covered {}", num(c.0), num(c.1))
                    } else {
                        "nothing required".to_string()
                    };
                    s.push(
                        svg::rect(cx.xt(t0), y, cx.xt(t1) - cx.xt(t0), CELL - 1.0)
                            .a("fill", fill)
                            .title(format!(
                                "{site} · {r}, {} to {}: {what}",
                                cx.date(t0),
                                cx.sc.period_start(t1 as i64) - chrono::Duration::days(1)
                            )),
                    );
                }
            }
        }
        let _ = write!(out, "<div class=\"blk\" data-site=\"{}\">", esc(&site));
        s.write(out);
        out.push_str("</div>");
    }
    out.push_str("</section>\n");
}

/// The tours on the ground at a lane in period `t`, named (at most 12, then a count).
fn tours_there(cx: &Ctx, lane: Option<&Vec<&Tour>>, t: usize) -> String {
    let start = cx.sc.period_start(t as i64);
    let list: Vec<String> = lane
        .map(|v| {
            v.iter()
                .filter(|x| x.arrive <= start && start <= x.depart)
                .map(|x| {
                    format!(
                        "{} ({} to {}{})",
                        if x.unit.is_empty() {
                            &x.nation
                        } else {
                            &x.unit
                        },
                        x.arrive,
                        x.depart,
                        if start < x.cover_from {
                            ", relief in place"
                        } else {
                            ""
                        }
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if list.is_empty() {
        return "none".to_string();
    }
    let more = list.len().saturating_sub(12);
    let mut s = list.into_iter().take(12).collect::<Vec<_>>().join("; ");
    if more > 0 {
        let _ = write!(s, "; and {more} more");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn tour(arrive: &str, depart: &str) -> Tour {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        Tour {
            line: 2,
            nation: "GBR".into(),
            unit_type: "mech_bn".into(),
            unit: String::new(),
            site: "s".into(),
            units: 1.0,
            troops: 600.0,
            arrive: d(arrive),
            cover_from: d(arrive),
            depart: d(depart),
            initial: false,
        }
    }

    #[test]
    fn packing_reuses_a_row_only_after_its_bar_has_left() {
        // A: Jan–Jun; B: Mar–Aug (overlaps A: new row); C: arrives Jul 1, after A departed
        // Jun 30 (back to row 0); D arrives Jun 30, the day A departs: still on the ground, row 2.
        let (a, b, c, d) = (
            tour("2027-01-01", "2027-06-30"),
            tour("2027-03-01", "2027-08-31"),
            tour("2027-07-01", "2027-12-31"),
            tour("2027-06-30", "2027-09-30"),
        );
        let v = vec![&a, &b, &d, &c];
        let (rows, n) = pack(&v);
        assert_eq!(rows, vec![0, 1, 2, 0]);
        assert_eq!(n, 3);
    }

    #[test]
    fn runs_merge_equal_periods_and_split_on_change() {
        let c = vec![
            None,
            Some((2.0, 2.0, 0.0)),
            Some((2.0, 2.0, 0.0)),
            Some((2.0, 1.0, 1.0)),
            Some((2.0, 1.0, 1.0)),
            Some((0.0, 0.0, 0.0)),
        ];
        let r = runs(&c);
        let shape: Vec<(usize, usize, u8)> = r.iter().map(|x| (x.0, x.1, x.2)).collect();
        // period 5 (nothing required) merges with nothing: its figures differ from period 0's None.
        assert_eq!(shape, vec![(0, 1, 0), (1, 3, 1), (3, 5, 2), (5, 6, 0)]);
    }
}
