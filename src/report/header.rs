//! The header: status and gap in words, objective terms, shortfall totals, peak troops, and a
//! few sentences on what the plan does and where it falls short.

use super::svg::esc;
use super::{num, Ctx};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The status and gap as a planner reads them.
pub(crate) fn status_words(mode: &str, status: &str, gap: f64) -> String {
    let pct = format!("{:.1}", (gap * 100.0).max(0.0));
    if mode == "lp" {
        return "relaxation solved (lp mode: fractional units); a lower bound on any whole-unit plan"
            .to_string();
    }
    match status {
        "optimal" if gap <= 0.0 => "proven optimal: no better plan exists".to_string(),
        "optimal" => format!("proven within {pct} % of the best possible"),
        "feasible" => {
            format!("stopped at the time limit; at most {pct} % above the best possible")
        }
        other => format!("status {other}, gap {pct} %"),
    }
}

const TERMS: [(&str, &str); 8] = [
    ("coverage_penalty", "coverage shortfall penalty"),
    ("deployment_cost", "deployment cost (per day on the ground)"),
    ("tour_cost", "tour cost (per tour started)"),
    ("transport_cost", "transport cost"),
    ("supply_cost", "supply cost"),
    ("sustainment_penalty", "undelivered supply penalty"),
    ("days_of_supply_penalty", "days-of-supply penalty"),
    (
        "change_penalty",
        "change penalty (against the previous plan)",
    ),
];

pub(crate) fn write(cx: &Ctx, out: &mut String) {
    let s = &cx.d.summary;
    let f = |k: &str| s[k].as_f64().unwrap_or(0.0);
    let text = |k: &str| s[k].as_str().unwrap_or("").to_string();
    let (mode, status, gap) = (text("mode"), text("status"), f("gap"));
    let sc = cx.sc;
    let end = sc.period_start(sc.periods as i64) - chrono::Duration::days(1);

    let _ = write!(
        out,
        "<nav class=\"noprint\"><a href=\"#header\">Summary</a>{}<a href=\"#timeline\">Rotation</a>\
         <a href=\"#coverage\">Coverage</a><a href=\"#why\">Why short</a><a href=\"#nation-load\">Nation load</a>\
         <a href=\"#limits\">Limits and pools</a><a href=\"#reception\">Reception</a>\
         <a href=\"#network\">Supply network</a><a href=\"#stocks\">Stocks</a>\
         <a href=\"#bottlenecks\">Bottlenecks</a><span class=\"filters\" style=\"display:none\">",
        if cx.d.ask.is_some() {
            "<a href=\"#ask\">Ask</a>"
        } else {
            ""
        }
    );
    let sites: BTreeSet<&str> =
        cx.d.coverage
            .iter()
            .map(|c| c.site.as_str())
            .chain(cx.d.tours.iter().map(|t| t.site.as_str()))
            .collect();
    let _ = write!(
        out,
        "<label>Site <select id=\"f-site\"><option value=\"\">all</option>"
    );
    for site in &sites {
        let _ = write!(out, "<option>{}</option>", esc(site));
    }
    let _ = write!(
        out,
        "</select></label><label>Nation <select id=\"f-nation\"><option value=\"\">all</option>"
    );
    for n in cx.colours.keys() {
        let _ = write!(out, "<option>{}</option>", esc(n));
    }
    out.push_str("</select></label><label>Lanes <select id=\"f-lanes\"><option value=\"site\">by site and role</option><option value=\"nation\">by nation</option></select></label></span></nav>\n");

    let _ = write!(
        out,
        "<section id=\"header\"><h1>{} — plan report</h1><p class=\"note\">{}</p>\
         <p class=\"note\">{} {}s of {} days from {} to {}; solved in {} mode{}.</p>",
        esc(&text("scenario")),
        esc(&sc.description),
        sc.periods,
        cx.period_word(),
        sc.period_days,
        sc.start,
        end,
        esc(&mode),
        s["strategy"]
            .as_str()
            .map_or(String::new(), |st| format!(" ({})", esc(st)))
    );
    let _ = write!(
        out,
        "<p class=\"status {}\" id=\"status\">{}: {}</p>",
        esc(&status),
        esc(&status),
        esc(&status_words(&mode, &status, gap))
    );

    // What the plan does and where it falls short, in sentences.
    let d = cx.d;
    let new_tours = d.tours.iter().filter(|t| !t.initial).count();
    let nations: BTreeSet<&str> = d.tours.iter().map(|t| t.nation.as_str()).collect();
    let tour_sites: BTreeSet<&str> = d.tours.iter().map(|t| t.site.as_str()).collect();
    let short = s["shortfall"]["role_unit_periods"].as_f64().unwrap_or(0.0);
    let unmet = s["shortfall"]["unmet_tons"].as_f64().unwrap_or(0.0);
    let mut sentences = format!(
        "The plan has {} tours on the ground ({} already deployed at the start, {} new) from {} nations at {} sites; at its peak {} troops are deployed. ",
        d.tours.len(),
        d.tours.len() - new_tours,
        new_tours,
        nations.len(),
        tour_sites.len(),
        num(f("peak_troops"))
    );
    if short <= 0.0 {
        sentences.push_str("Every requirement is covered in every period. ");
    } else {
        let top = top_entries(&s["shortfall"]["by_site_role"], 3);
        let _ = write!(
            sentences,
            "Coverage falls short by {} role-unit {}s in all; the largest gaps: {}. ",
            num(short),
            cx.period_word(),
            top
        );
    }
    if d.has_network {
        if unmet <= 0.0 {
            sentences.push_str("All supply demand is delivered. ");
        } else {
            let _ = write!(
                sentences,
                "{} t of supply demand is not delivered; most at {}. ",
                num(unmet),
                top_entries(&s["shortfall"]["unmet_by_commodity_node"], 3)
            );
        }
    }
    if let Some(b) = d.bottlenecks.first() {
        let _ = write!(
            sentences,
            "The constraint worth most to relax is {} ({}): one more {} would lower the cost by about {}.",
            b.name,
            b.kind,
            b.per,
            num(b.marginal_value)
        );
    }
    let _ = write!(out, "<p id=\"story\">{}</p>", esc(&sentences));

    // Key figures and objective terms side by side.
    out.push_str("<table id=\"figures\"><tr><th>Objective</th><td class=\"r\">");
    out.push_str(&num(f("objective")));
    out.push_str("</td></tr>");
    let _ = write!(
        out,
        "<tr><th>Coverage shortfall (role-unit {}s)</th><td class=\"r{}\">{}</td></tr>",
        cx.period_word(),
        if short > 0.0 { " bad" } else { "" },
        num(short)
    );
    if d.has_network {
        let _ = write!(
            out,
            "<tr><th>Supply not delivered (t)</th><td class=\"r{}\">{}</td></tr>",
            if unmet > 0.0 { " bad" } else { "" },
            num(unmet)
        );
    }
    let _ = write!(
        out,
        "<tr><th>Peak troops on the ground</th><td class=\"r\">{}</td></tr></table>",
        num(f("peak_troops"))
    );
    out.push_str("<table id=\"terms\"><tr><th>Objective term</th><th>Value</th></tr>");
    for (k, label) in TERMS {
        let v = s["terms"][k].as_f64().unwrap_or(0.0);
        if v != 0.0 || k == "coverage_penalty" {
            let _ = write!(
                out,
                "<tr><td>{label}</td><td class=\"r\">{}</td></tr>",
                num(v)
            );
        }
    }
    out.push_str("</table></section>\n");
}

/// The `k` largest entries of a JSON object of numbers, as "name (value)" (ties by name).
fn top_entries(v: &serde_json::Value, k: usize) -> String {
    let mut e: Vec<(String, f64)> = v
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(a, b)| (a.clone(), b.as_f64().unwrap_or(0.0)))
                .collect::<BTreeMap<_, _>>()
                .into_iter()
                .collect()
        })
        .unwrap_or_default();
    e.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    e.iter()
        .take(k)
        .map(|(a, b)| format!("{a} ({})", num(*b)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_in_words() {
        assert_eq!(
            status_words("mip", "optimal", 0.004),
            "proven within 0.4 % of the best possible"
        );
        assert_eq!(
            status_words("mip", "feasible", 0.038),
            "stopped at the time limit; at most 3.8 % above the best possible"
        );
        assert!(status_words("mip", "optimal", 0.0).contains("proven optimal"));
        assert!(status_words("lp", "optimal", 0.0).contains("lower bound"));
    }

    #[test]
    fn top_entries_by_value_then_name() {
        let v = serde_json::json!({"b": 2.0, "a": 2.0, "c": 5.0, "d": 1.0});
        assert_eq!(top_entries(&v, 3), "c (5), a (2), b (2)");
    }
}
