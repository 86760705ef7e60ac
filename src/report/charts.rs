//! Nation load (stacked area with binding contingent limits), limits and pools utilisation,
//! and reception arrivals/departures against capacity.

use super::svg::{self, esc, El};
use super::{num, Ctx, LEFT, RIGHT, W};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Use at or above this share of a limit counts as binding (the files round to 3 decimals).
const BINDS: f64 = 0.999;

/// A y axis with round ticks for values 0..max on a plot from `top` to `bottom`.
fn y_axis(max: f64, top: f64, bottom: f64) -> (El, impl Fn(f64) -> f64) {
    let ticks = svg::ticks(max);
    let hi = ticks.last().copied().unwrap_or(1.0).max(1e-9);
    let y = move |v: f64| bottom - v / hi * (bottom - top);
    let mut g = El::new("g").a("class", "grid");
    for t in ticks {
        let yy = y(t);
        g.push(svg::line(LEFT, yy, W - RIGHT, yy));
        g.push(
            svg::text(LEFT - 4.0, yy + 4.0, num(t))
                .a("text-anchor", "end")
                .a("class", "lbl"),
        );
    }
    (g, y)
}

/// Step points of a per-period series: flat across each period.
fn steps(cx: &Ctx, v: &[f64], y: &impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    let mut p = Vec::with_capacity(2 * v.len());
    for (t, val) in v.iter().enumerate() {
        p.push((cx.xt(t), y(*val)));
        p.push((cx.xt(t + 1), y(*val)));
    }
    p
}

pub(crate) fn write_nation_load(cx: &Ctx, out: &mut String) {
    let tn = cx.sc.periods;
    let mut series: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for l in &cx.d.load {
        if let Some(t) = cx.period(l.period) {
            series.entry(&l.nation).or_insert_with(|| vec![0.0; tn])[t] += l.total;
        }
    }
    series.retain(|_, v| v.iter().any(|x| *x > 0.0));
    let total: Vec<f64> = (0..tn)
        .map(|t| series.values().map(|v| v[t]).sum())
        .collect();

    // Limits over a whole contingent can be drawn on this picture; slices (a zone, a domain)
    // cannot, and are shown under "Limits and pools".
    let lim = limit_series(cx);
    let drawable: Vec<&LimitSeries> = lim
        .iter()
        .filter(|l| l.binding > 0 && l.zone == "*" && l.domain == "*")
        .collect();
    let max = total
        .iter()
        .copied()
        .chain(drawable.iter().flat_map(|l| {
            let base = |t: usize| {
                if l.nation == "*" {
                    0.0
                } else {
                    below(&series, &l.nation, t)
                }
            };
            (0..tn).filter_map(move |t| l.max[t].map(|m| m + base(t)))
        }))
        .fold(0.0, f64::max);
    let (h, top, bottom) = (340.0, 10.0, 318.0);
    let (axis, y) = y_axis(max, top, bottom);
    let mut s = svg::svg(W, h);
    s.push(axis);
    s.push(cx.x_labels(bottom));
    let mut base = vec![0.0; tn];
    for (nation, v) in &series {
        let mut upper = Vec::with_capacity(tn);
        for t in 0..tn {
            upper.push(base[t] + v[t]);
        }
        let mut pts = steps(cx, &upper, &y);
        let mut lower = steps(cx, &base, &y);
        lower.reverse();
        pts.extend(lower);
        let (peak_t, peak) =
            v.iter()
                .enumerate()
                .fold((0, 0.0), |a, (t, x)| if *x > a.1 { (t, *x) } else { a });
        s.push(
            El::new("polygon")
                .a("class", "area")
                .a("data-nation", nation)
                .a("points", svg::points(&pts))
                .a("fill", cx.colour(nation))
                .a("fill-opacity", "0.85")
                .title(format!(
                    "{nation}: peak {} troops ({} of {})",
                    num(peak),
                    cx.period_word(),
                    cx.date(peak_t)
                )),
        );
        base = upper;
    }
    for l in &drawable {
        let mut st = Vec::new();
        for t in 0..tn {
            let Some(m) = l.max[t] else { continue };
            let b = if l.nation == "*" {
                0.0
            } else {
                below(&series, &l.nation, t)
            };
            st.push((cx.xt(t), cx.xt(t + 1), y(b + m)));
        }
        let path = svg::step_path(&st);
        s.push(
            El::new("path")
                .a("class", "limit-line")
                .a("d", path)
                .a("stroke", "#b2182b")
                .a("stroke-width", "2")
                .a("stroke-dasharray", "6 3")
                .a("fill", "none")
                .title(format!(
                    "{}: {} troops at most; binds in {} {}s",
                    l.name,
                    num(l.max.iter().flatten().fold(0.0, |a, b| f64::max(a, *b))),
                    l.binding,
                    cx.period_word()
                )),
        );
    }
    s.push(
        El::new("polyline")
            .a("points", svg::points(&steps(cx, &total, &y)))
            .a("fill", "none")
            .a("stroke", "#222")
            .a("stroke-width", "1.2")
            .title(format!(
                "all nations: peak {} troops",
                num(total.iter().copied().fold(0.0, f64::max))
            )),
    );
    s.push(svg::text(8.0, 20.0, "troops on the ground").a("class", "lbl"));
    let _ = write!(
        out,
        "<section id=\"nation-load\"><h2>Nation load</h2><p class=\"note\">Troops on the ground per nation per {}, stacked (black line: the whole coalition). A dashed red line is a contingent limit on a whole nation (drawn on top of the nations below it) or on the whole coalition, shown only where it binds somewhere; limits on a zone or domain only are under Limits and pools. {} binding limit line(s) drawn.</p><div class=\"legend\">",
        cx.period_word(),
        drawable.len()
    );
    for n in series.keys() {
        let _ = write!(
            out,
            "<span><i class=\"sw\" style=\"background:{}\"></i>{}</span>",
            cx.colour(n),
            esc(n)
        );
    }
    out.push_str("</div>");
    s.write(out);
    out.push_str("</section>\n");
}

/// Sum of the nations drawn below `nation` in the stack at period t (the stack is in code order).
fn below(series: &BTreeMap<&str, Vec<f64>>, nation: &str, t: usize) -> f64 {
    series
        .iter()
        .take_while(|(n, _)| **n < nation)
        .map(|(_, v)| v[t])
        .sum()
}

/// One limits.csv row over time, from limit_use.csv.
struct LimitSeries {
    name: String,
    nation: String,
    zone: String,
    domain: String,
    used: Vec<f64>,
    max: Vec<Option<f64>>,
    binding: usize,
    peak_share: f64,
}

fn limit_series(cx: &Ctx) -> Vec<LimitSeries> {
    let tn = cx.sc.periods;
    let mut by: BTreeMap<usize, LimitSeries> = BTreeMap::new();
    for r in &cx.d.limit_use {
        let Some(t) = cx.period(r.period) else {
            continue;
        };
        let e = by.entry(r.limit).or_insert_with(|| LimitSeries {
            name: format!(
                "limits.csv:{} ({} / {} / {})",
                r.limit, r.nation, r.zone, r.domain
            ),
            nation: r.nation.clone(),
            zone: r.zone.clone(),
            domain: r.domain.clone(),
            used: vec![0.0; tn],
            max: vec![None; tn],
            binding: 0,
            peak_share: 0.0,
        });
        e.used[t] = r.used;
        e.max[t] = Some(r.max);
    }
    let mut v: Vec<LimitSeries> = by.into_values().collect();
    for l in &mut v {
        for t in 0..tn {
            if let Some(m) = l.max[t] {
                if m > 0.0 {
                    let share = l.used[t] / m;
                    l.peak_share = l.peak_share.max(share);
                    if share >= BINDS {
                        l.binding += 1;
                    }
                }
            }
        }
    }
    v
}

/// A row of the limits/pools table: input line, what it limits, use per period against its cap.
struct UseRow {
    name: String,
    what: String,
    used: Vec<f64>,
    cap: Vec<Option<f64>>,
    binding: usize,
    peak_share: f64,
}

/// Units of each offer in use per period, from the tours: on tour or in dwell after one (the
/// pool), and on tour (against max_deployed).
fn pool_rows(cx: &Ctx) -> Vec<UseRow> {
    let sc = cx.sc;
    let tn = sc.periods;
    let mut rows = Vec::new();
    for o in &sc.offers {
        let (nat, ut) = (&sc.nations[o.nation], &sc.unit_types[o.unit_type]);
        let mut busy = vec![0.0; tn];
        let mut deployed = vec![0.0; tn];
        for t in
            cx.d.tours
                .iter()
                .filter(|t| t.nation == nat.code && t.unit_type == ut.code)
        {
            let s = sc.period_of(t.arrive);
            for p in s.max(0)..(s + (ut.tour + ut.dwell) as i64).min(tn as i64) {
                busy[p as usize] += t.units;
                if p < s + ut.tour as i64 {
                    deployed[p as usize] += t.units;
                }
            }
        }
        let mk = |name: String, what: String, used: Vec<f64>, cap: f64| {
            let binding = used
                .iter()
                .filter(|u| cap > 0.0 && **u / cap >= BINDS)
                .count();
            let peak_share = if cap > 0.0 {
                used.iter().fold(0.0, |a: f64, u| a.max(u / cap))
            } else {
                0.0
            };
            UseRow {
                name,
                what,
                cap: vec![Some(cap); used.len()],
                used,
                binding,
                peak_share,
            }
        };
        rows.push(mk(
            format!("offers.csv:{}", o.line),
            format!(
                "pool: {} {} units, on tour or in dwell ({} unit{}; tour {} {}s, dwell {})",
                nat.code,
                ut.code,
                o.units,
                if o.units == 1 { "" } else { "s" },
                ut.tour,
                cx.period_word(),
                ut.dwell
            ),
            busy,
            o.units as f64,
        ));
        if let Some(m) = o.max_deployed {
            rows.push(mk(
                format!("offers.csv:{}", o.line),
                format!("max_deployed: {} {} on tour at once", nat.code, ut.code),
                deployed,
                m as f64,
            ));
        }
    }
    rows
}

fn spark(used: &[f64], cap: &[Option<f64>], binding: bool) -> El {
    let (w, h) = (320.0, 30.0);
    let max = used
        .iter()
        .copied()
        .chain(cap.iter().flatten().copied())
        .fold(0.0, f64::max)
        .max(1e-9);
    let tn = used.len().max(1);
    let x = |t: usize| t as f64 / tn as f64 * w;
    let y = |v: f64| h - 2.0 - v / max * (h - 4.0);
    let mut s = El::new("svg")
        .a("viewBox", format!("0 0 {w} {h}"))
        .a("width", "320")
        .a("height", "30");
    let mut area = vec![(0.0, h - 2.0)];
    for (t, u) in used.iter().enumerate() {
        area.push((x(t), y(*u)));
        area.push((x(t + 1), y(*u)));
    }
    area.push((w, h - 2.0));
    s.push(
        El::new("polygon")
            .a("points", svg::points(&area))
            .a("fill", if binding { "#ef8a62" } else { "#9ecae1" }),
    );
    let st: Vec<(f64, f64, f64)> = cap
        .iter()
        .enumerate()
        .filter_map(|(t, c)| c.map(|c| (x(t), x(t + 1), y(c))))
        .collect();
    let path = svg::step_path(&st);
    s.push(
        El::new("path")
            .a("d", path)
            .a("stroke", "#b2182b")
            .a("stroke-width", "1.5")
            .a("fill", "none"),
    );
    s
}

pub(crate) fn write_limits(cx: &Ctx, out: &mut String) {
    let mut rows: Vec<UseRow> = limit_series(cx)
        .into_iter()
        .map(|l| UseRow {
            what: format!(
                "contingent limit: troops of {} in zone {}, domain {}",
                if l.nation == "*" {
                    "all nations"
                } else {
                    &l.nation
                },
                l.zone,
                l.domain
            ),
            name: l.name.split(' ').next().unwrap_or("").to_string(),
            used: l.used,
            cap: l.max,
            binding: l.binding,
            peak_share: l.peak_share,
        })
        .collect();
    rows.extend(pool_rows(cx));
    // Binding rows first, the longest binding first; then by how full; then by file and line.
    let key = |r: &UseRow| {
        let (file, line) = r.name.split_once(':').unwrap_or((&r.name, "0"));
        (file.to_string(), line.parse::<usize>().unwrap_or(0))
    };
    rows.sort_by(|a, b| {
        b.binding
            .cmp(&a.binding)
            .then(b.peak_share.total_cmp(&a.peak_share))
            .then(key(a).cmp(&key(b)))
            .then(a.what.cmp(&b.what))
    });
    let _ = write!(
        out,
        "<section id=\"limits\"><h2>Limits and pools</h2><p class=\"note\">Every contingent limit (limits.csv) and every pool of units (offers.csv), named by its input line, binding ones first. The bar shows use per {} (orange where the row binds somewhere), the red line its cap. A pool counts units on tour or in dwell after one; a limit at 0 troops is a ban and never shows as binding.</p>",
        cx.period_word()
    );
    out.push_str("<table id=\"limits-table\"><tr><th>Input line</th><th>What it limits</th><th>Peak use</th><th>Binding</th><th>Use over the horizon</th></tr>");
    for r in &rows {
        let cap_max = r.cap.iter().flatten().fold(0.0, |a: f64, b| a.max(*b));
        let peak = r.used.iter().fold(0.0, |a: f64, b| a.max(*b));
        let _ = write!(
            out,
            "<tr data-binding=\"{}\"><td>{}</td><td>{}</td><td class=\"r\">{} of {} ({:.0} %)</td><td class=\"r nw{}\">{}</td><td>",
            r.binding > 0,
            esc(&r.name),
            esc(&r.what),
            num(peak),
            num(cap_max),
            r.peak_share * 100.0,
            if r.binding > 0 { " bad" } else { "" },
            if r.binding > 0 {
                format!("{} {}s", r.binding, cx.period_word())
            } else {
                "no".to_string()
            }
        );
        spark(&r.used, &r.cap, r.binding > 0).write(out);
        out.push_str("</td></tr>");
    }
    out.push_str("</table></section>\n");
}

pub(crate) fn write_reception(cx: &Ctx, out: &mut String) {
    let tn = cx.sc.periods;
    let mut by: BTreeMap<&str, Vec<(f64, f64, Option<f64>)>> = BTreeMap::new();
    for m in &cx.d.movements {
        if let Some(t) = cx.period(m.period) {
            by.entry(&m.reception)
                .or_insert_with(|| vec![(0.0, 0.0, None); tn])[t] =
                (m.arriving, m.leaving, m.capacity);
        }
    }
    let _ = write!(
        out,
        "<section id=\"reception\"><h2>Reception</h2><p class=\"note\">Troops arriving (dark) and leaving (light) through each reception node per {}, against its capacity for arrivals plus departures (dashed red).</p>",
        cx.period_word()
    );
    if by.is_empty() {
        out.push_str(
            "<p>This plan has no reception nodes (no supply network, or no site names one).</p>",
        );
    }
    out.push_str("<div class=\"legend\"><span><i class=\"sw\" style=\"background:#1b3a6b\"></i>arriving</span><span><i class=\"sw\" style=\"background:#9ecae1\"></i>leaving</span><span><i class=\"sw\" style=\"background:#b2182b\"></i>capacity</span></div>");
    for (node, v) in &by {
        let max = v
            .iter()
            .map(|(a, l, c)| (a + l).max(c.unwrap_or(0.0)))
            .fold(0.0, f64::max);
        let peak = v
            .iter()
            .map(|(a, l, c)| c.filter(|c| *c > 0.0).map_or(0.0, |c| (a + l) / c))
            .fold(0.0, f64::max);
        let (h, top, bottom) = (160.0, 22.0, 140.0);
        let (axis, y) = y_axis(max, top, bottom);
        let mut s = svg::svg(W, h);
        s.push(axis);
        s.push(cx.x_labels(bottom));
        s.push(
            svg::text(
                8.0,
                14.0,
                format!("{node}: peak {:.0} % of capacity", peak * 100.0),
            )
            .a("class", "site"),
        );
        let mut cap_steps = Vec::new();
        for (t, (a, l, c)) in v.iter().enumerate() {
            let (x0, x1) = (cx.xt(t), cx.xt(t + 1));
            let bw = (x1 - x0) * 0.85;
            if a + l > 0.0 {
                let tip = format!(
                    "{node}, {} of {}: {} arriving, {} leaving{}",
                    cx.period_word(),
                    cx.date(t),
                    num(*a),
                    num(*l),
                    c.map_or(String::new(), |c| format!(" (capacity {})", num(c)))
                );
                let mut g = El::new("g").title(tip);
                g.push(svg::rect(x0, y(*a), bw, bottom - y(*a)).a("fill", "#1b3a6b"));
                g.push(svg::rect(x0, y(a + l), bw, y(*a) - y(a + l)).a("fill", "#9ecae1"));
                s.push(g);
            }
            if let Some(c) = c {
                cap_steps.push((x0, x1, y(*c)));
            }
        }
        s.push(
            El::new("path")
                .a("d", svg::step_path(&cap_steps))
                .a("stroke", "#b2182b")
                .a("stroke-width", "1.5")
                .a("stroke-dasharray", "5 3")
                .a("fill", "none"),
        );
        let _ = write!(out, "<div class=\"rec\" data-node=\"{}\">", esc(node));
        s.write(out);
        out.push_str("</div>");
    }
    out.push_str("</section>\n");
}
