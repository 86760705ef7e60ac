//! The batch report (`batch_report.html` beside `batch_summary.csv`): one row per variant
//! against the base, shortfall and undelivered supply by variant, each variant's coverage as a
//! strip, and a link to each variant's own report.

use super::svg::{self, esc, El};
use super::{num, CSP, STYLE};
use crate::base::diag::Diags;
use crate::scenario::table::{parse_number, Table};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// A relative link to a variant's report: names are kept, any byte outside a safe set is
/// percent-encoded so a variant called `a#b` or `x y` still links to its own directory.
fn href(variant: &str) -> String {
    let mut s = String::new();
    for b in variant.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
            s.push(b as char);
        } else {
            let _ = write!(s, "%{b:02X}");
        }
    }
    format!("{s}/plan/report.html")
}

/// Shortfall (role-unit periods) per period start of one variant's plan, from its coverage.csv.
pub(crate) fn shortfall_by_period(plan: &Path) -> Option<BTreeMap<String, f64>> {
    let mut d = Diags::default();
    let t = Table::load(
        plan,
        "coverage.csv",
        &["period_start", "shortfall"],
        &["site", "role", "required", "covered"],
        &mut d,
    )?;
    let mut m = BTreeMap::new();
    for r in &t.rows {
        let p = t.get(r, "period_start")?.to_string();
        let v = t.get(r, "shortfall").and_then(parse_number)?;
        *m.entry(p).or_insert(0.0) += v;
    }
    Some(m)
}

/// Draws the batch report from `dir/batch_summary.csv` (given as `summary`) and the variants'
/// plans under `dir`. Identical inputs give identical bytes.
pub fn render_batch(dir: &Path, summary: &[u8]) -> Result<String, String> {
    let mut d = Diags::default();
    let t = Table::parse(
        "batch_summary.csv",
        summary,
        &["variant", "status"],
        &crate::batch::COLUMNS,
        &mut d,
    )
    .ok_or_else(|| {
        d.errors()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let g = |r: &crate::scenario::table::Row, c: &str| t.get(r, c).unwrap_or("").to_string();
    let f = |r: &crate::scenario::table::Row, c: &str| t.get(r, c).and_then(parse_number);
    let mut rows: Vec<&crate::scenario::table::Row> = t.rows.iter().collect();
    rows.sort_by_key(|r| g(r, "variant"));

    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <title>rotaplan batch report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <section id=\"batch\"><h1>Batch report: {} variants</h1>\
         <p class=\"note\">Each variant against the base scenario (the row named <b>base</b>). \
         Shortfall is in role-unit periods, undelivered supply in tons; <i>vs base</i> is the \
         objective's change. The variant's name links to its own plan report.</p>",
        rows.len()
    );
    out.push_str("<table id=\"variants\"><tr><th>Variant</th><th>Status</th><th>Objective</th><th>vs base</th><th>Shortfall</th><th>Unmet t</th><th>Peak troops</th><th>Top bottleneck</th><th>Note</th></tr>");
    for r in &rows {
        let v = g(r, "variant");
        let has_report = dir.join(&v).join("plan").join("report.html").is_file();
        let name = if has_report {
            format!("<a href=\"{}\">{}</a>", esc(&href(&v)), esc(&v))
        } else {
            esc(&v)
        };
        let cell = |c: &str| f(r, c).map_or(String::new(), num);
        let short = f(r, "shortfall_role_unit_periods").unwrap_or(0.0);
        let _ = write!(
            out,
            "<tr data-variant=\"{}\"><td>{name}</td><td>{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td><td class=\"r{}\">{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td><td>{}{}</td><td>{}</td></tr>",
            esc(&v),
            esc(&g(r, "status")),
            cell("objective"),
            f(r, "objective_vs_base").map_or(String::new(), |x| {
                if x > 0.0 { format!("+{}", num(x)) } else { num(x) }
            }),
            if short > 0.0 { " bad" } else { "" },
            cell("shortfall_role_unit_periods"),
            cell("unmet_tons"),
            cell("peak_troops"),
            esc(&g(r, "top_bottleneck")),
            f(r, "top_bottleneck_value").map_or(String::new(), |x| format!(" ({})", num(x))),
            esc(&g(r, "message")),
        );
    }
    out.push_str("</table></section>\n");

    // Shortfall and unmet supply by variant: two bars per variant on a shared scale each.
    let max_s = rows
        .iter()
        .filter_map(|r| f(r, "shortfall_role_unit_periods"))
        .fold(0.0, f64::max);
    let max_u = rows
        .iter()
        .filter_map(|r| f(r, "unmet_tons"))
        .fold(0.0, f64::max);
    let (w, left, bar) = (1000.0, 220.0, 16.0);
    let half = (w - left - 20.0) / 2.0;
    let h = 24.0 + rows.len() as f64 * (bar + 4.0);
    let mut s = svg::svg(w, h);
    s.push(svg::text(left, 14.0, "coverage shortfall (role-unit periods)").a("class", "site"));
    s.push(svg::text(left + half + 10.0, 14.0, "supply not delivered (t)").a("class", "site"));
    for (i, r) in rows.iter().enumerate() {
        let y = 22.0 + i as f64 * (bar + 4.0);
        let v = g(r, "variant");
        let sv = f(r, "shortfall_role_unit_periods").unwrap_or(0.0);
        let uv = f(r, "unmet_tons").unwrap_or(0.0);
        let mut row = El::new("g").a("class", "variant").a("data-variant", &v);
        row.push(
            svg::text(left - 6.0, y + 12.0, v.clone())
                .a("text-anchor", "end")
                .a("class", if v == "base" { "site" } else { "lbl" }),
        );
        let sw = if max_s > 0.0 {
            sv / max_s * (half - 60.0)
        } else {
            0.0
        };
        let uw = if max_u > 0.0 {
            uv / max_u * (half - 60.0)
        } else {
            0.0
        };
        row.push(
            svg::rect(left, y, sw, bar)
                .a("fill", "#d7301f")
                .title(format!("{v}: shortfall {} role-unit periods", num(sv))),
        );
        row.push(svg::text(left + sw + 4.0, y + 12.0, num(sv)).a("class", "lbl"));
        let x2 = left + half + 10.0;
        row.push(
            svg::rect(x2, y, uw, bar)
                .a("fill", "#fc8d59")
                .title(format!("{v}: {} t not delivered", num(uv))),
        );
        row.push(svg::text(x2 + uw + 4.0, y + 12.0, num(uv)).a("class", "lbl"));
        s.push(row);
    }
    out.push_str("<section id=\"shortfall\"><h2>Shortfall by variant</h2>");
    s.write(&mut out);
    out.push_str("</section>\n");

    // Coverage strips: per variant, the shortfall of each period summed over sites and roles.
    let strips: Vec<(String, Option<BTreeMap<String, f64>>)> = rows
        .iter()
        .map(|r| {
            let v = g(r, "variant");
            let m = shortfall_by_period(&dir.join(&v).join("plan"));
            (v, m)
        })
        .collect();
    let periods: BTreeSet<&String> = strips
        .iter()
        .filter_map(|(_, m)| m.as_ref())
        .flat_map(|m| m.keys())
        .collect();
    let periods: Vec<&String> = periods.into_iter().collect();
    let peak = strips
        .iter()
        .filter_map(|(_, m)| m.as_ref())
        .flat_map(|m| m.values().copied())
        .fold(0.0, f64::max);
    out.push_str("<section id=\"coverage-strips\"><h2>Coverage by variant</h2><p class=\"note\">A strip per variant, a column per period: blue where every requirement is covered, red where something is short (darker: more role-units short that period, summed over sites and roles). Hover for the figure.</p>");
    if !periods.is_empty() {
        let cell = (w - left - 20.0) / periods.len() as f64;
        let h = 20.0 + strips.len() as f64 * 14.0;
        let mut s = svg::svg(w, h).a("shape-rendering", "crispEdges");
        s.push(svg::text(left, 12.0, periods[0].clone()).a("class", "lbl"));
        s.push(
            svg::text(w - 20.0, 12.0, periods[periods.len() - 1].clone())
                .a("class", "lbl")
                .a("text-anchor", "end"),
        );
        for (i, (v, m)) in strips.iter().enumerate() {
            let y = 18.0 + i as f64 * 14.0;
            let mut row = El::new("g").a("class", "strip").a("data-variant", v);
            row.push(
                svg::text(left - 6.0, y + 10.0, v.clone())
                    .a("text-anchor", "end")
                    .a("class", "lbl"),
            );
            match m {
                None => row.push(
                    svg::text(
                        left,
                        y + 10.0,
                        "no coverage.csv (the variant did not solve)",
                    )
                    .a("class", "lbl"),
                ),
                Some(m) => {
                    for (j, p) in periods.iter().enumerate() {
                        let x = left + j as f64 * cell;
                        let sv = m.get(*p).copied().unwrap_or(0.0);
                        let fill = if sv <= 0.0 {
                            "#9ecae1".to_string()
                        } else {
                            // From light (#fcbba1) to dark red (#a50f15) with the share of the peak.
                            let k = (sv / peak.max(1e-9)).clamp(0.0, 1.0);
                            let mix =
                                |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * k).round() as u8;
                            format!(
                                "#{:02x}{:02x}{:02x}",
                                mix(0xfc, 0xa5),
                                mix(0xbb, 0x0f),
                                mix(0xa1, 0x15)
                            )
                        };
                        row.push(
                            svg::rect(x, y, cell.max(0.5), 12.0)
                                .a("fill", fill)
                                .title(format!("{v}, {p}: short {}", num(sv))),
                        );
                    }
                }
            }
            s.push(row);
        }
        s.write(&mut out);
    }
    out.push_str("</section>\n</body>\n</html>\n");
    Ok(out)
}

/// Writes `batch_report.html` beside a batch summary (temporary file, then rename). A report
/// that cannot be drawn costs nothing of the batch: a warning says why.
pub fn write_beside(summary_file: &Path) {
    let dir = summary_file.parent().unwrap_or(Path::new("."));
    let result = std::fs::read(summary_file)
        .map_err(|e| format!("cannot read {}: {e}", summary_file.display()))
        .and_then(|b| render_batch(dir, &b))
        .and_then(|html| {
            let tmp = dir.join(format!(".batch_report.html.tmp-{}", std::process::id()));
            std::fs::write(&tmp, html)
                .and_then(|_| std::fs::rename(&tmp, dir.join("batch_report.html")))
                .map_err(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    e.to_string()
                })
        });
    if let Err(e) = result {
        eprintln!("warning: batch_report.html not written ({e})");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_encode_what_a_path_cannot_hold() {
        assert_eq!(href("withdraw-GBR"), "withdraw-GBR/plan/report.html");
        assert_eq!(href("a#b c"), "a%23b%20c/plan/report.html");
    }
}
