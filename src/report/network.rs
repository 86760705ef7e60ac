//! The supply network map (peak period by default, others by a selector), stocks against their
//! days-of-supply level, and the bottlenecks in words.

use super::svg::{self, esc, El};
use super::{num, Ctx, W};
use crate::scenario::NodeKind;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Positions of nodes by lat/lon: nodes.csv's own columns (the scenario keeps no positions of
/// nodes, so they are read again here), else those of a site the node feeds.
fn lat_lon(cx: &Ctx) -> BTreeMap<String, (f64, f64)> {
    use crate::scenario::table::{parse_number, Table};
    let mut pos = BTreeMap::new();
    for s in &cx.sc.sites {
        if let (Some(node), Some(lat), Some(lon), Some(net)) =
            (s.node, s.lat, s.lon, cx.sc.network.as_ref())
        {
            pos.insert(net.nodes[node].code.clone(), (lat, lon));
        }
    }
    let mut d = crate::base::diag::Diags::default();
    let opt = [
        "kind",
        "country",
        "storage_tons",
        "pax_per_day",
        "lat",
        "lon",
    ];
    if let Some(t) = Table::load(&cx.sc.dir, "nodes.csv", &["node"], &opt, &mut d) {
        for r in &t.rows {
            let get = |c: &str| t.get(r, c).and_then(parse_number);
            if let (Some(code), Some(lat), Some(lon)) = (t.get(r, "node"), get("lat"), get("lon")) {
                pos.insert(code.to_string(), (lat, lon));
            }
        }
    }
    pos
}

/// Nudges points apart until no two are closer than `gap` (or 300 rounds pass), keeping them
/// in the box: a depot, an airfield and a hub in one town would otherwise be one blot. Points
/// on top of each other part along an angle set by their index, so the result is reproducible.
fn spread(p: &mut [(f64, f64)], gap: f64, xr: (f64, f64), yr: (f64, f64)) {
    for _ in 0..300 {
        let mut moved = false;
        for i in 0..p.len() {
            for j in i + 1..p.len() {
                let (dx, dy) = (p[j].0 - p[i].0, p[j].1 - p[i].1);
                let d = (dx * dx + dy * dy).sqrt();
                if d >= gap {
                    continue;
                }
                let (ux, uy) = if d > 1e-6 {
                    (dx / d, dy / d)
                } else {
                    let a = (i * 7 + j * 13) as f64;
                    (a.cos(), a.sin())
                };
                let push = (gap - d) / 2.0 + 0.01;
                p[i] = (p[i].0 - ux * push, p[i].1 - uy * push);
                p[j] = (p[j].0 + ux * push, p[j].1 + uy * push);
                moved = true;
            }
        }
        for q in p.iter_mut() {
            *q = (q.0.clamp(xr.0, xr.1), q.1.clamp(yr.0, yr.1));
        }
        if !moved {
            break;
        }
    }
}

/// Where each node is drawn, and whether by geography: lat/lon when every node has one, else
/// layers left to right (depot → port/airfield/hub → reception → site).
fn layout(cx: &Ctx, w: f64, h: f64, m: f64) -> (BTreeMap<String, (f64, f64)>, bool) {
    let Some(net) = &cx.sc.network else {
        return (BTreeMap::new(), false);
    };
    let geo = lat_lon(cx);
    let mut out = BTreeMap::new();
    if net.nodes.iter().all(|n| geo.contains_key(&n.code)) && !net.nodes.is_empty() {
        let pts: Vec<(f64, f64)> = net.nodes.iter().map(|n| geo[&n.code]).collect();
        let mean_lat = pts.iter().map(|p| p.0).sum::<f64>() / pts.len() as f64;
        let k = mean_lat.to_radians().cos().max(0.2);
        let (x, y): (Vec<f64>, Vec<f64>) = pts.iter().map(|(la, lo)| (lo * k, -la)).unzip();
        let (x0, x1) = (
            x.iter().copied().fold(f64::MAX, f64::min),
            x.iter().copied().fold(f64::MIN, f64::max),
        );
        let (y0, y1) = (
            y.iter().copied().fold(f64::MAX, f64::min),
            y.iter().copied().fold(f64::MIN, f64::max),
        );
        let scale = ((w - 2.0 * m) / (x1 - x0).max(1e-6)).min((h - 2.0 * m) / (y1 - y0).max(1e-6));
        let mut p: Vec<(f64, f64)> = (0..pts.len())
            .map(|i| (m + (x[i] - x0) * scale, m + (y[i] - y0) * scale))
            .collect();
        spread(&mut p, 60.0, (m, w - m), (m, h - m));
        for (i, n) in net.nodes.iter().enumerate() {
            out.insert(n.code.clone(), p[i]);
        }
        return (out, true);
    }
    let receptions: BTreeSet<usize> = cx.sc.sites.iter().filter_map(|s| s.reception).collect();
    let mut layers: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (i, n) in net.nodes.iter().enumerate() {
        let l = match n.kind {
            NodeKind::Depot => 0,
            NodeKind::Site => 3,
            _ if receptions.contains(&i) => 2,
            _ => 1,
        };
        layers.entry(l).or_default().push(&n.code);
    }
    for (l, codes) in &mut layers {
        codes.sort();
        let k = codes.len();
        for (j, c) in codes.iter().enumerate() {
            out.insert(
                c.to_string(),
                (
                    m + *l as f64 / 3.0 * (w - 2.0 * m),
                    m + (j as f64 + 0.5) / k as f64 * (h - 2.0 * m),
                ),
            );
        }
    }
    (out, false)
}

/// Puts a node's label at the first of eight spots around it that overlaps no label placed
/// before (boxes estimated at 6.5 px a character), so nearby nodes stay readable.
fn place_label(
    placed: &mut Vec<(f64, f64, f64, f64)>,
    p: &(f64, f64),
    label: &str,
) -> (f64, f64, &'static str) {
    let w = 6.5 * label.chars().count() as f64;
    let h = 12.0;
    let spots: [(f64, f64, &'static str); 8] = [
        (9.0, -7.0, "start"),
        (9.0, 15.0, "start"),
        (-9.0, -7.0, "end"),
        (-9.0, 15.0, "end"),
        (0.0, -12.0, "middle"),
        (0.0, 22.0, "middle"),
        (9.0, 28.0, "start"),
        (-9.0, -20.0, "end"),
    ];
    let bbox = |(dx, dy, a): (f64, f64, &str)| {
        let x0 = match a {
            "start" => p.0 + dx,
            "end" => p.0 + dx - w,
            _ => p.0 - w / 2.0,
        };
        (x0, p.1 + dy - h + 2.0, x0 + w, p.1 + dy + 2.0)
    };
    let free = |b: (f64, f64, f64, f64)| {
        placed
            .iter()
            .all(|q| b.2 <= q.0 || q.2 <= b.0 || b.3 <= q.1 || q.3 <= b.1)
    };
    let pick = spots
        .iter()
        .copied()
        .find(|s| free(bbox(*s)))
        .unwrap_or(spots[0]);
    placed.push(bbox(pick));
    let (dx, dy, a) = pick;
    let x = if a == "middle" { p.0 } else { p.0 + dx };
    (x, p.1 + dy, a)
}

/// JS and Rust must agree on this scale: see `colour` in the page script.
fn util_colour(u: f64) -> &'static str {
    if u >= 0.999 {
        "#a50026"
    } else if u >= 0.9 {
        "#f46d43"
    } else if u >= 0.5 {
        "#fdae61"
    } else {
        "#4575b4"
    }
}

pub(crate) fn write_network(cx: &Ctx, out: &mut String) {
    let _ = write!(out, "<section id=\"network\"><h2>Supply network</h2>");
    let Some(net) = &cx.sc.network else {
        out.push_str("<p>This scenario has no supply network.</p></section>\n");
        return;
    };
    let tn = cx.sc.periods;
    // Tons per directed arc (summed over commodities) per period, and capacity per period.
    let mut arcs: BTreeMap<(String, String, String), (Vec<f64>, f64)> = BTreeMap::new();
    for a in &net.arcs {
        arcs.insert(
            (
                net.nodes[a.from].code.clone(),
                net.nodes[a.to].code.clone(),
                a.mode.clone(),
            ),
            (
                vec![0.0; tn],
                a.capacity_tons_per_day * cx.sc.period_days as f64,
            ),
        );
    }
    for f in &cx.d.flows {
        let Some(t) = cx.period(f.period) else {
            continue;
        };
        let e = arcs
            .entry((f.from.clone(), f.to.clone(), f.mode.clone()))
            .or_insert_with(|| (vec![0.0; tn], f.capacity));
        e.0[t] += f.tons;
        e.1 = f.capacity;
    }
    let per_period: Vec<f64> = (0..tn)
        .map(|t| arcs.values().map(|(v, _)| v[t]).sum())
        .collect();
    let peak = per_period
        .iter()
        .enumerate()
        .fold((0, -1.0), |a, (t, v)| if *v > a.1 { (t, *v) } else { a })
        .0;
    let max_tons = arcs
        .values()
        .flat_map(|(v, _)| v.iter().copied())
        .fold(0.0, f64::max);

    // Bottlenecks named in bottlenecks.csv: arcs as `from>to mode (arcs.csv:n)`, nodes first.
    let mut bn_arcs: BTreeMap<(String, String, String), String> = BTreeMap::new();
    let mut bn_nodes: BTreeMap<String, String> = BTreeMap::new();
    for b in &cx.d.bottlenecks {
        let what = format!(
            "bottleneck ({}): {}; marginal value {} per {}",
            b.kind,
            b.name,
            num(b.marginal_value),
            b.per
        );
        match b.kind.as_str() {
            "arc" => {
                let mut it = b.name.split_whitespace();
                if let (Some(ft), Some(mode)) = (it.next(), it.next()) {
                    if let Some((f, t)) = ft.split_once('>') {
                        bn_arcs.insert((f.to_string(), t.to_string(), mode.to_string()), what);
                    }
                }
            }
            "storage" | "reception" | "depot" => {
                if let Some(code) = b.name.split_whitespace().next() {
                    bn_nodes
                        .entry(code.to_string())
                        .and_modify(|w| {
                            w.push_str("\n");
                            w.push_str(&what)
                        })
                        .or_insert(what);
                }
            }
            _ => {}
        }
    }

    let (w, h, m) = (W, 600.0, 70.0);
    let (pos, geo) = layout(cx, w, h, m);
    let _ = write!(
        out,
        "<p class=\"note\">Nodes {}. Each line is an arc, drawn from sender to receiver bending to its right (so both directions of a road show); its width is the tons it carries in the chosen {}, its colour how full it is: blue under half, amber from half, orange from 90 %, dark red full; dashed grey carries nothing. Red rings and marks are bottlenecks (see below). Shown: the busiest {} (<span id=\"net-peak\">{}</span>).</p>",
        if geo { "placed by latitude and longitude (nudged apart where they crowd)" } else { "in layers: depots, then ports, airfields and hubs, then reception nodes, then sites" },
        cx.period_word(),
        cx.period_word(),
        cx.date(peak)
    );
    let _ =
        write!(
        out,
        "<p class=\"filters noprint\" style=\"display:none\"><label>{} <select id=\"net-period\">",
        if cx.period_word() == "week" { "Week of" } else { "Period from" }
    );
    for t in 0..tn {
        let _ = write!(
            out,
            "<option value=\"{t}\"{}>{}</option>",
            if t == peak { " selected" } else { "" },
            cx.date(t)
        );
    }
    out.push_str("</select></label></p>");
    out.push_str("<div class=\"legend\"><span><i class=\"sw\" style=\"background:#4575b4\"></i>under 50 %</span><span><i class=\"sw\" style=\"background:#fdae61\"></i>50–90 %</span><span><i class=\"sw\" style=\"background:#f46d43\"></i>90–99.9 %</span><span><i class=\"sw\" style=\"background:#a50026\"></i>full</span><span><i class=\"sw\" style=\"background:#fff;border:2px solid #b2182b\"></i>bottleneck</span></div>");

    let mut s = svg::svg(w, h)
        .a("id", "net")
        .a("data-max", svg::n(max_tons));
    s.push(
        svg::text(8.0, 16.0, cx.date(peak))
            .a("id", "net-label")
            .a("class", "site"),
    );
    let mut marks = El::new("g");
    for ((f, t, mode), (tons, cap)) in &arcs {
        let (Some(p0), Some(p1)) = (pos.get(f), pos.get(t)) else {
            continue;
        };
        let (dx, dy) = (p1.0 - p0.0, p1.1 - p0.1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-6);
        // Control point to the right of the direction of travel.
        let bend = (0.12 * len).min(40.0);
        let (cx0, cy0) = (
            (p0.0 + p1.0) / 2.0 - dy / len * bend,
            (p0.1 + p1.1) / 2.0 + dx / len * bend,
        );
        let v = tons[peak];
        let u = if *cap > 0.0 { v / cap } else { 0.0 };
        let name = format!("{f}>{t} {mode}");
        let list = tons
            .iter()
            .map(|x| svg::n(*x))
            .collect::<Vec<_>>()
            .join(" ");
        let mut e = El::new("path")
            .a(
                "class",
                if bn_arcs.contains_key(&(f.clone(), t.clone(), mode.clone())) {
                    "arc bn"
                } else {
                    "arc"
                },
            )
            .a("data-name", &name)
            .a("data-tons", list)
            .a("data-cap", svg::n(*cap))
            .a(
                "d",
                format!(
                    "M{} {}Q{} {} {} {}",
                    svg::n(p0.0),
                    svg::n(p0.1),
                    svg::n(cx0),
                    svg::n(cy0),
                    svg::n(p1.0),
                    svg::n(p1.1)
                ),
            )
            .a("fill", "none")
            .a("stroke-linecap", "round")
            .title(format!(
                "{name}: {} t of {} t capacity ({:.0} %) in the {} of {}",
                svg::n(v),
                svg::n(*cap),
                u * 100.0,
                cx.period_word(),
                cx.date(peak)
            ));
        e = if v > 0.0 {
            e.a("stroke", util_colour(u))
                .a("stroke-width", svg::n(1.5 + 9.0 * v / max_tons.max(1e-9)))
        } else {
            e.a("stroke", "#c8c8c8")
                .a("stroke-width", "1")
                .a("stroke-dasharray", "4 3")
        };
        s.push(e);
        if let Some(why) = bn_arcs.get(&(f.clone(), t.clone(), mode.clone())) {
            // Midpoint of the quadratic curve: (p0 + 2c + p1) / 4.
            let (mx, my) = (
                (p0.0 + 2.0 * cx0 + p1.0) / 4.0,
                (p0.1 + 2.0 * cy0 + p1.1) / 4.0,
            );
            marks.push(
                El::new("g")
                    .title(why.clone())
                    .kid(
                        El::new("circle")
                            .f("cx", mx)
                            .f("cy", my)
                            .a("r", "7")
                            .a("fill", "#fff")
                            .a("stroke", "#b2182b")
                            .a("stroke-width", "2"),
                    )
                    .kid(
                        svg::text(mx - 2.5, my + 4.0, "!")
                            .a("fill", "#b2182b")
                            .a("font-weight", "700"),
                    ),
            );
        }
    }
    s.push(marks);
    let receptions: BTreeSet<usize> = cx.sc.sites.iter().filter_map(|s| s.reception).collect();
    let mut nodes: Vec<(usize, &crate::scenario::Node)> = net.nodes.iter().enumerate().collect();
    nodes.sort_by(|a, b| a.1.code.cmp(&b.1.code));
    let mut placed: Vec<(f64, f64, f64, f64)> = Vec::new();
    for (i, n) in nodes {
        let Some(p) = pos.get(&n.code) else { continue };
        let (fill, kind) = match n.kind {
            NodeKind::Depot => ("#1b3a6b", "depot"),
            NodeKind::Port => ("#499894", "port"),
            NodeKind::Airfield => ("#6b4c9a", "airfield"),
            NodeKind::RailHead => ("#9c755f", "rail head"),
            NodeKind::Hub => ("#79706e", "hub"),
            NodeKind::Site => ("#59a14f", "site"),
        };
        let mut tip = format!(
            "{} ({kind}{}, {}): storage {} t{}",
            n.code,
            if receptions.contains(&i) {
                ", reception"
            } else {
                ""
            },
            n.country,
            num(n.storage_tons),
            n.pax_per_day.map_or(String::new(), |p| format!(
                ", {} troops/day through it",
                num(p)
            ))
        );
        let bn = bn_nodes.get(&n.code);
        if let Some(b) = bn {
            tip.push('\n');
            tip.push_str(b);
        }
        let mut g = El::new("g")
            .a("class", if bn.is_some() { "node bn" } else { "node" })
            .a("data-node", &n.code)
            .title(tip);
        if bn.is_some() {
            g.push(
                El::new("circle")
                    .f("cx", p.0)
                    .f("cy", p.1)
                    .a("r", "11")
                    .a("fill", "none")
                    .a("stroke", "#b2182b")
                    .a("stroke-width", "3"),
            );
        }
        g.push(
            El::new("circle")
                .f("cx", p.0)
                .f("cy", p.1)
                .a("r", if receptions.contains(&i) { "7" } else { "6" })
                .a("fill", fill)
                .a("stroke", "#fff")
                .a("stroke-width", "1.5"),
        );
        let (lx, ly, anchor) = place_label(&mut placed, p, &n.code);
        g.push(
            svg::text(lx, ly, n.code.clone())
                .a("text-anchor", anchor)
                .a("class", "lbl")
                .a("paint-order", "stroke")
                .a("stroke", "#fff")
                .a("stroke-width", "3"),
        );
        s.push(g);
    }
    s.write(out);
    out.push_str("<div class=\"legend\"><span><i class=\"sw\" style=\"background:#1b3a6b\"></i>depot</span><span><i class=\"sw\" style=\"background:#499894\"></i>port</span><span><i class=\"sw\" style=\"background:#6b4c9a\"></i>airfield</span><span><i class=\"sw\" style=\"background:#9c755f\"></i>rail head</span><span><i class=\"sw\" style=\"background:#79706e\"></i>hub</span><span><i class=\"sw\" style=\"background:#59a14f\"></i>site</span></div>");
    out.push_str("</section>\n");
}

pub(crate) fn write_stocks(cx: &Ctx, out: &mut String) {
    let _ = write!(out, "<section id=\"stocks\"><h2>Stocks</h2>");
    let Some(net) = &cx.sc.network else {
        out.push_str("<p>This scenario has no supply network.</p></section>\n");
        return;
    };
    let tn = cx.sc.periods;
    let pd = cx.sc.period_days as f64;
    // (node, commodity) → per period (demand, stock, unmet, dos_short).
    let mut by: BTreeMap<(&str, &str), Vec<(f64, f64, f64, f64)>> = BTreeMap::new();
    for r in &cx.d.stocks {
        if let Some(t) = cx.period(r.period) {
            by.entry((&r.node, &r.commodity))
                .or_insert_with(|| vec![(0.0, 0.0, 0.0, 0.0); tn])[t] =
                (r.demand, r.stock, r.unmet, r.dos_short);
        }
    }
    by.retain(|_, v| v.iter().any(|x| x.0 > 0.0 || x.1 > 0.0 || x.2 > 0.0));
    let mut order: Vec<(&(&str, &str), f64, f64)> = by
        .iter()
        .map(|(k, v)| {
            (
                k,
                v.iter().map(|x| x.2).sum::<f64>(),
                v.iter().map(|x| x.3).sum::<f64>(),
            )
        })
        .collect();
    order.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(b.2.total_cmp(&a.2))
            .then(a.0.cmp(b.0))
    });
    let _ = write!(
        out,
        "<p class=\"note\">Stock on hand (blue) per node and commodity against its days-of-supply level (dashed: days of supply × that {}'s demand per day; the stock should stay above it), with undelivered demand as red bars; orange shading where the stock is below its level. Charts with undelivered demand come first, then those furthest below their level.</p><div class=\"grid3\">",
        cx.period_word()
    );
    for ((node, com), unmet, below) in order {
        let v = &by[&(*node, *com)];
        let dos = net
            .commodities
            .iter()
            .find(|c| c.code == *com)
            .map_or(0.0, |c| c.days_of_supply);
        let level: Vec<f64> = v.iter().map(|x| dos * x.0 / pd).collect();
        let max = v
            .iter()
            .zip(&level)
            .map(|(x, l)| x.1.max(*l).max(x.2))
            .fold(0.0, f64::max)
            .max(1e-9);
        let (w, h) = (300.0, 90.0);
        let x = |t: usize| 4.0 + t as f64 / tn as f64 * (w - 8.0);
        let y = |val: f64| h - 4.0 - val / max * (h - 10.0);
        let mut s = El::new("svg")
            .a("viewBox", format!("0 0 {w} {h}"))
            .a("width", "100%");
        for (t, (p, l)) in v.iter().zip(&level).enumerate() {
            if p.1 < *l - 1e-9 {
                s.push(
                    svg::rect(x(t), y(*l), (x(t + 1) - x(t)).max(1.0), y(p.1) - y(*l))
                        .a("fill", "#fdd49e")
                        .title(format!(
                            "{} of {}: stock {} t, below its level {} t",
                            cx.period_word(),
                            cx.date(t),
                            num(p.1),
                            num(*l)
                        )),
                );
            }
        }
        for (t, p) in v.iter().enumerate() {
            if p.2 > 0.0 {
                s.push(
                    svg::rect(x(t), y(p.2), (x(t + 1) - x(t)).max(1.0), h - 4.0 - y(p.2))
                        .a("class", "unmet")
                        .a("fill", "#d7301f")
                        .title(format!(
                            "{} of {}: {} t not delivered (demand {} t)",
                            cx.period_word(),
                            cx.date(t),
                            num(p.2),
                            num(p.0)
                        )),
                );
            }
        }
        let st: Vec<(f64, f64)> = v
            .iter()
            .enumerate()
            .flat_map(|(t, p)| [(x(t), y(p.1)), (x(t + 1), y(p.1))])
            .collect();
        let lv: Vec<(f64, f64)> = level
            .iter()
            .enumerate()
            .flat_map(|(t, l)| [(x(t), y(*l)), (x(t + 1), y(*l))])
            .collect();
        s.push(
            El::new("polyline")
                .a("points", svg::points(&lv))
                .a("fill", "none")
                .a("stroke", "#555")
                .a("stroke-dasharray", "4 2"),
        );
        s.push(
            El::new("polyline")
                .a("points", svg::points(&st))
                .a("fill", "none")
                .a("stroke", "#2166ac")
                .a("stroke-width", "1.5"),
        );
        s.push(svg::line(4.0, h - 4.0, w - 4.0, h - 4.0).a("stroke", "#999"));
        let peak_stock = v.iter().map(|p| p.1).fold(0.0, f64::max);
        let _ = write!(
            out,
            "<div class=\"card\" data-node=\"{}\" data-commodity=\"{}\"><h3>{} · {}{}</h3>",
            esc(node),
            esc(com),
            esc(node),
            esc(com),
            if unmet > 0.0 {
                format!(
                    " — <span class=\"bad\">{} t not delivered</span>",
                    num(unmet)
                )
            } else if below > 0.0 {
                let n = v.iter().filter(|x| x.3 > 0.0).count();
                format!(
                    " — below its level in {n} {}{}",
                    cx.period_word(),
                    if n == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            }
        );
        s.write(out);
        let _ = write!(
            out,
            "<div class=\"note\">peak stock {} t; level {} days</div></div>",
            num(peak_stock),
            num(dos)
        );
    }
    out.push_str("</div></section>\n");
}

/// What one more unit of `per` means for a planner.
fn per_words(kind: &str, per: &str) -> &'static str {
    if kind == "max_deployed" {
        return "allowing one more unit deployed at once";
    }
    match per {
        "ton/day" => "one more ton a day of capacity, in every period it binds",
        "ton" => "one more ton of storage",
        "troop/day" => "room for one more troop a day to arrive or leave",
        "troop" => "one more troop allowed under the limit",
        "unit" => "one more unit in the pool",
        _ => "one more unit of this capacity",
    }
}

pub(crate) fn write_bottlenecks(cx: &Ctx, out: &mut String) {
    out.push_str("<section id=\"bottlenecks\"><h2>Bottlenecks</h2>");
    let b = &cx.d.bottlenecks;
    if b.is_empty() {
        out.push_str(
            "<p>No bottleneck was found (or none was computed for this plan).</p></section>\n",
        );
        return;
    }
    out.push_str("<p class=\"note\">The input rows that hold the plan back, most valuable first. The <b>marginal value</b> is how much the objective would fall, over the whole horizon, if the row's capacity were raised by one unit of <b>per</b>: per ton/day (an arc or a depot), per ton (storage), per troop/day (reception), per troop (a contingent limit), or per unit (a pool of units or its cap on units deployed). It holds for a small change only: a bigger one can move the bottleneck elsewhere. <b>basis</b> says which solve priced it (an LP relaxation estimates).</p><ol id=\"bottleneck-words\">");
    for x in b.iter().take(10) {
        let _ = write!(
            out,
            "<li><b>{}</b> ({}), binding {}, {:.0} % used: {} would lower the cost by about {}.</li>",
            esc(&x.name),
            esc(&x.kind),
            if x.first == x.last {
                format!("in the {} of {}", cx.period_word(), esc(&x.first))
            } else {
                format!("from {} to {}", esc(&x.first), esc(&x.last))
            },
            x.utilisation * 100.0,
            per_words(&x.kind, &x.per),
            num(x.marginal_value)
        );
    }
    out.push_str("</ol><table><tr><th>kind</th><th>name</th><th>first</th><th>last</th><th>utilisation</th><th>marginal value</th><th>per</th><th>basis</th></tr>");
    for x in b {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"r\">{:.0} %</td><td class=\"r\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&x.kind),
            esc(&x.name),
            esc(&x.first),
            esc(&x.last),
            x.utilisation * 100.0,
            num(x.marginal_value),
            esc(&x.per),
            esc(&x.basis)
        );
    }
    out.push_str("</table></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crowded_points_are_spread_to_the_gap_and_far_ones_stay() {
        // Three nodes in one town (two on the same spot) and one 400 px away.
        let mut p = vec![
            (100.0, 100.0),
            (100.0, 100.0),
            (105.0, 100.0),
            (500.0, 100.0),
        ];
        spread(&mut p, 48.0, (0.0, 1000.0), (0.0, 600.0));
        for i in 0..3 {
            for j in i + 1..3 {
                let d = ((p[i].0 - p[j].0).powi(2) + (p[i].1 - p[j].1).powi(2)).sqrt();
                assert!(d >= 47.9, "{i} {j} {d}");
            }
        }
        assert_eq!(p[3], (500.0, 100.0));
    }
}
