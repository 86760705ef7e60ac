//! The plan report: one self-contained HTML file (`report.html`) with the pictures a staff
//! officer briefs from, drawn from the plan's own output files (docs/report.md).
//!
//! Why plain `write!` and a small SVG writer rather than a template or chart crate: the page is a
//! fixed frame around generated SVG, every element needs `<title>`, `id` and `data-*` (chart
//! crates cannot), and one escaping function ([`svg::esc`]) used for every input text is easier
//! to audit than a template language. Everything is inline (CSS, SVG, script) and the
//! Content-Security-Policy forbids every external load, so the file opens offline and no input
//! text can fetch or run anything.

pub mod batch;
mod charts;
pub mod data;
pub mod diff;
mod header;
mod network;
pub mod svg;
mod timeline;
mod why;

use crate::base::text::fmt_num;
use crate::scenario::Scenario;
use chrono::NaiveDate;
use data::PlanData;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use svg::esc;

/// The policy every report carries: nothing may be loaded from anywhere.
pub const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/// User-space width shared by the full-width pictures, so their time axes line up.
pub(crate) const W: f64 = 1000.0;
/// Left gutter for lane labels.
pub(crate) const LEFT: f64 = 190.0;
pub(crate) const RIGHT: f64 = 10.0;

/// Colours for nations: 32 (frontline-100k's count) that stay apart on screen and on a grey printer; none is the
/// pure red kept for shortfall. More nations than colours repeat them (the tooltip names each).
const PALETTE: [&str; 32] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#edc948", "#76b7b2", "#9c755f", "#ff9da7",
    "#1b3a6b", "#a0cbe8", "#ffbe7d", "#8cd17d", "#6b4c9a", "#86bcb6", "#d37295", "#499894",
    "#79706e", "#f1ce63", "#bab0ac", "#d4a6c8", "#2f6f3e", "#c85200", "#7b848f", "#3d5a80",
    "#17becf", "#bcbd22", "#8c564b", "#e377c2", "#393b79", "#637939", "#843c39", "#7b4173",
];

/// What every picture needs: the scenario, the plan's files and the time axis.
pub(crate) struct Ctx<'a> {
    pub sc: &'a Scenario,
    pub d: &'a PlanData,
    /// Nation code → colour, in code order.
    pub colours: BTreeMap<String, &'static str>,
}

impl Ctx<'_> {
    pub fn horizon_days(&self) -> f64 {
        (self.sc.periods as f64 * self.sc.period_days as f64).max(1.0)
    }

    /// x of the start of `date` on the time axis, clamped to the horizon.
    pub fn x(&self, date: NaiveDate) -> f64 {
        let days = (date - self.sc.start).num_days() as f64;
        LEFT + days.clamp(0.0, self.horizon_days()) / self.horizon_days() * (W - LEFT - RIGHT)
    }

    /// x of the start of period `t` (t = periods gives the end of the horizon).
    pub fn xt(&self, t: usize) -> f64 {
        self.x(self.sc.period_start(t as i64))
    }

    /// The period a date starts, when within the horizon.
    pub fn period(&self, date: NaiveDate) -> Option<usize> {
        let t = self.sc.period_of(date);
        (t >= 0 && (t as usize) < self.sc.periods).then_some(t as usize)
    }

    pub fn colour(&self, nation: &str) -> &'static str {
        self.colours.get(nation).copied().unwrap_or("#888888")
    }

    /// "FRA (France)", or the code alone when the scenario names it no further.
    pub fn nation_label(&self, code: &str) -> String {
        match self.sc.nations.iter().find(|n| n.code == code) {
            Some(n) if !n.name.is_empty() && n.name != n.code => format!("{code} ({})", n.name),
            _ => code.to_string(),
        }
    }

    pub fn date(&self, t: usize) -> String {
        self.sc
            .period_start(t as i64)
            .format("%Y-%m-%d")
            .to_string()
    }

    /// "week" or "period" as the planner counts time.
    pub fn period_word(&self) -> &'static str {
        if self.sc.period_days == 7 {
            "week"
        } else {
            "period"
        }
    }

    /// A time axis (month or quarter ticks) across the full width, `h` high.
    pub fn axis(&self, h: f64) -> svg::El {
        let mut s = svg::svg(W, h).a("class", "axis");
        for (date, label) in self.month_ticks() {
            let x = self.x(date);
            s.push(svg::line(x, h - 6.0, x, h).a("class", "tick"));
            if x < W - 55.0 {
                s.push(svg::text(x + 2.0, h - 8.0, label).a("class", "lbl"));
            }
        }
        s
    }

    /// Date labels under a chart whose plot ends at `y`.
    pub fn x_labels(&self, y: f64) -> svg::El {
        let mut g = svg::El::new("g");
        for (date, label) in self.month_ticks() {
            let x = self.x(date);
            g.push(svg::line(x, y, x, y + 4.0).a("class", "tick"));
            if x < W - 55.0 {
                g.push(svg::text(x + 2.0, y + 14.0, label).a("class", "lbl"));
            }
        }
        g
    }

    /// Gridlines at the axis ticks, for a block `h` high.
    pub fn grid(&self, h: f64) -> svg::El {
        let mut g = svg::El::new("g").a("class", "grid");
        for (date, _) in self.month_ticks() {
            let x = self.x(date);
            g.push(svg::line(x, 0.0, x, h));
        }
        g
    }

    /// First days of months (of quarters past two years) within the horizon, with labels.
    fn month_ticks(&self) -> Vec<(NaiveDate, String)> {
        use chrono::Datelike;
        let start = self.sc.start;
        let end = self.sc.period_start(self.sc.periods as i64);
        // Months between labels: the fewest of 1, 2, 3, 6, 12 that leaves a label ("Sep 2027",
        // about 55 px) room before the next.
        let px_per_month = 30.44 / self.horizon_days() * (W - LEFT - RIGHT);
        let step = [1, 2, 3, 6, 12]
            .into_iter()
            .find(|s| *s as f64 * px_per_month >= 60.0)
            .unwrap_or(12);
        let mut out = Vec::new();
        let (mut y, mut m) = (start.year(), start.month());
        loop {
            let Some(d) = NaiveDate::from_ymd_opt(y, m, 1) else {
                break;
            };
            if d >= end {
                break;
            }
            if d >= start && (m - 1) % step == 0 {
                out.push((d, d.format("%b %Y").to_string()));
            }
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
        out
    }
}

/// A number for people: thousands separated from 1,000 up, else at most 3 decimals.
pub(crate) fn num(v: f64) -> String {
    if v.abs() >= 1000.0 {
        crate::base::text::thousands(v)
    } else {
        fmt_num(v)
    }
}

/// Renders the report of a plan from its output files (keyed by file name, as a solve writes
/// them) and the scenario it was solved from (for what the files do not carry: capacities,
/// positions, days-of-supply levels, pools). Identical inputs give identical bytes.
pub fn render_plan(sc: &Scenario, files: &BTreeMap<String, Vec<u8>>) -> Result<String, String> {
    let d = data::read(files)?;
    for t in &d.tours {
        if !sc.unit_types.iter().any(|u| u.code == t.unit_type) {
            return Err(format!(
                "deployments.csv:{}: unit_type: `{}` is not in the scenario's unit_types.csv",
                t.line, t.unit_type
            ));
        }
    }
    // Colours go to the nations with troops on the ground only, so fewer repeat.
    let mut nations: Vec<&str> = d.tours.iter().map(|t| t.nation.as_str()).collect();
    nations.extend(
        d.load
            .iter()
            .filter(|l| l.total > 0.0)
            .map(|l| l.nation.as_str()),
    );
    nations.sort();
    nations.dedup();
    let colours = nations
        .iter()
        .enumerate()
        .map(|(i, n)| (n.to_string(), PALETTE[i % PALETTE.len()]))
        .collect();
    let cx = Ctx { sc, d: &d, colours };

    let mut body = String::new();
    header::write(&cx, &mut body);
    why::write_ask(&cx, &mut body);
    timeline::write_timeline(&cx, &mut body);
    timeline::write_coverage(&cx, &mut body);
    why::write_explanations(&cx, &mut body);
    charts::write_nation_load(&cx, &mut body);
    charts::write_limits(&cx, &mut body);
    charts::write_reception(&cx, &mut body);
    network::write_network(&cx, &mut body);
    network::write_stocks(&cx, &mut body);
    network::write_bottlenecks(&cx, &mut body);

    let mut page = String::with_capacity(body.len() + 8000);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>rotaplan report: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
        esc(&sc.name),
        STYLE
    );
    page.push_str(&body);
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    Ok(page)
}

/// Adds `report.html` to a solve's files before they are written, so it lands in the same
/// atomic write. A report that cannot be drawn must not cost the plan: the plan is written
/// without it and a warning says why (`rotaplan report` can draw it later).
pub fn attach(sc: &Scenario, rendered: &mut crate::output::Rendered) {
    let started = std::time::Instant::now();
    attach_timed(sc, rendered);
    // Counted as writing, so a solve's timings (and the benchmark's overhead) include it.
    rendered.summary.timings_ms.write += started.elapsed().as_millis() as u64;
}

fn attach_timed(sc: &Scenario, rendered: &mut crate::output::Rendered) {
    let summary = match serde_json::to_vec_pretty(&rendered.summary) {
        Ok(s) => s,
        Err(e) => return warn(&e.to_string()),
    };
    // Borrowed into the map for the drawing only: `pipeline::write` adds the final summary.json.
    rendered.files.insert("summary.json".to_string(), summary);
    let html = render_plan(sc, &rendered.files);
    rendered.files.remove("summary.json");
    match html {
        Ok(h) => {
            rendered
                .files
                .insert("report.html".to_string(), h.into_bytes());
        }
        Err(e) => warn(&e),
    }
}

fn warn(why: &str) {
    let msg = format!("warning: report.html not written ({why}); the plan is written without it");
    crate::base::progress::event(
        &msg,
        serde_json::json!({"event": "warning", "message": msg}),
    );
}

/// Files of a plan directory the report reads.
pub const PLAN_FILES: [&str; 12] = [
    "summary.json",
    "deployments.csv",
    "coverage.csv",
    "nation_load.csv",
    "limit_use.csv",
    "movements.csv",
    "flows.csv",
    "stocks.csv",
    "bottlenecks.csv",
    "explanations.csv",
    "ask.csv",
    "ask.json",
];

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;max-width:1280px;padding:0 16px 40px;color:#222;background:#fff}
h1{font-size:22px;margin:16px 0 4px}h2{font-size:18px;margin:28px 0 6px;border-bottom:2px solid #1b3a6b;padding-bottom:3px}
h3{font-size:14px;margin:12px 0 2px}
p.note,.note{color:#555;font-size:13px;margin:4px 0}
nav{position:sticky;top:0;background:#f4f6f9;border-bottom:1px solid #ccd;padding:6px 8px;font-size:13px;z-index:3}
nav a{margin-right:12px;color:#1b3a6b;text-decoration:none}
nav label{margin-left:12px;white-space:nowrap}
table{border-collapse:collapse;font-size:13px;margin:6px 0}
th,td{border:1px solid #d0d4da;padding:3px 7px;text-align:left;vertical-align:middle}
th{background:#eef1f5}td.nw{white-space:nowrap}td.r{text-align:right;font-variant-numeric:tabular-nums}
.status{font-size:16px;font-weight:600}.status.optimal{color:#1a6b2a}.status.feasible{color:#8a5a00}
.bad{color:#b2182b;font-weight:600}.good{color:#1a6b2a}
.legend{font-size:12px;margin:4px 0}.legend span{display:inline-block;margin-right:10px;white-space:nowrap}
.sw{display:inline-block;width:12px;height:12px;vertical-align:-2px;margin-right:3px;border:1px solid #0003}
svg{display:block;font-size:11px}
svg text{fill:#222}svg .lbl{font-size:11px}svg .site{font-weight:600;font-size:12px;paint-order:stroke;stroke:#fff;stroke-width:3px}
svg .grid line{stroke:#e3e6ea;stroke-width:1}
svg .tick{stroke:#888}
.axis-wrap{position:sticky;top:30px;background:#fff;z-index:2;border-bottom:1px solid #ccc}
.blk{border-bottom:1px solid #eee}
rect.tour{stroke:#fff;stroke-width:.5}rect.rip{fill:#fff;fill-opacity:.6;pointer-events:none}
rect.short{stroke:#fff;stroke-width:.3}a rect.short:hover,a rect.strip-short:hover{stroke:#000;stroke-width:1}
.episode{scroll-margin-top:40px;border-left:4px solid transparent;padding-left:6px}.episode:target{border-left-color:#b2182b;background:#fdf1ef}
.episode h3 a{color:inherit}
.dim{opacity:.12}
.grid3{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:8px}
.card{border:1px solid #dde;padding:4px 6px;break-inside:avoid}
.card h3{font-size:12px;margin:0 0 2px}
section{break-inside:auto}
@media print{nav,.noprint{display:none}.axis-wrap{position:static}h2{break-after:avoid}}
"#;

/// Filtering by site or nation, lanes by nation (`#lanes=nation`), the network's period
/// selector (`#period=K` opens at period K),
/// and `#only=ID` to show a single section (for printing one picture, and for the screenshots). Without script every picture
/// shows in full.
const SCRIPT: &str = r#"
(function(){
function all(s){return Array.prototype.slice.call(document.querySelectorAll(s));}
var fs=document.getElementById('f-site'),fn=document.getElementById('f-nation');
var fl=document.getElementById('f-lanes');
function apply(){
 var s=fs?fs.value:'',n=fn?fn.value:'',l=fl?fl.value:'site';
 all('.blk[data-site]').forEach(function(b){b.style.display=(!s||b.getAttribute('data-site')===s)?'':'none';});
 all('.blk[data-nation]').forEach(function(b){b.style.display=(!n||b.getAttribute('data-nation')===n)?'':'none';});
 var ls=document.getElementById('lanes-site'),ln=document.getElementById('lanes-nation');
 if(ls)ls.style.display=l==='site'?'':'none';if(ln)ln.style.display=l==='nation'?'':'none';
 all('[data-nation].tour,[data-nation].area').forEach(function(e){
  var on=!n||e.getAttribute('data-nation')===n;e.classList.toggle('dim',!on);});
}
if(fs)fs.addEventListener('change',apply);if(fn)fn.addEventListener('change',apply);
if(fl){fl.addEventListener('change',apply);if(/lanes=nation/.test(location.hash))fl.value='nation';}
apply();
document.querySelectorAll('.filters').forEach(function(f){f.style.display='';});
var ps=document.getElementById('net-period');
function colour(u){return u>=0.999?'#a50026':u>=0.9?'#f46d43':u>=0.5?'#fdae61':'#4575b4';}
function period(){
 var i=+ps.value,maxw=+document.getElementById('net').getAttribute('data-max');
 all('path.arc').forEach(function(a){
  var t=+(a.getAttribute('data-tons').split(' ')[i]||0),c=+a.getAttribute('data-cap');
  var u=c>0?t/c:0;
  a.setAttribute('stroke-width',(t>0?1.5+9*t/Math.max(maxw,1e-9):1).toFixed(1));
  a.setAttribute('stroke',t>0?colour(u):'#c8c8c8');
  a.setAttribute('stroke-dasharray',t>0?'':'4 3');
  var ti=a.querySelector('title');
  if(ti)ti.textContent=a.getAttribute('data-name')+': '+t+' t of '+c+' t capacity ('+Math.round(100*u)+' %) in the '+ps.options[i].text;
 });
 var l=document.getElementById('net-label');if(l)l.textContent=ps.options[i].text;
}
if(ps){ps.addEventListener('change',period);}
var h=location.hash,m=/period=(\d+)/.exec(h);
if(ps&&m&&ps.options[+m[1]]){ps.value=m[1];period();}
var o=/only=([A-Za-z-]+)/.exec(h);
if(o){var id=o[1];
 all('section').forEach(function(s){s.style.display=s.id===id?'':'none';});
 all('nav').forEach(function(n){n.style.display='none';});}
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_numbers_get_separators_small_ones_decimals() {
        assert_eq!(num(2890.0), "2,890");
        assert_eq!(num(12.25), "12.25");
        assert_eq!(num(0.0), "0");
    }
}
