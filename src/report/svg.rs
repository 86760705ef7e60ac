//! A very small SVG writer: every element may carry an `id`, `class`, `data-*` attributes and a
//! `<title>` (the browser's tooltip), which chart crates do not offer. Attribute values and
//! texts are always escaped here, so no input text can become markup.

use std::fmt::Write as _;

/// Escapes text for HTML/SVG content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal: enough on screen, and it keeps large reports small.
pub fn n(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_string();
    }
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// One SVG element with its attributes (kept in the order given), tooltip and children.
pub struct El {
    name: &'static str,
    attrs: Vec<(&'static str, String)>,
    title: Option<String>,
    text: Option<String>,
    kids: Vec<El>,
}

impl El {
    pub fn new(name: &'static str) -> El {
        El {
            name,
            attrs: Vec::new(),
            title: None,
            text: None,
            kids: Vec::new(),
        }
    }

    /// Adds an attribute; the value is escaped when written.
    pub fn a(mut self, key: &'static str, value: impl ToString) -> El {
        self.attrs.push((key, value.to_string()));
        self
    }

    /// Adds a numeric attribute, rounded by [`n`].
    pub fn f(self, key: &'static str, value: f64) -> El {
        self.a(key, n(value))
    }

    /// The tooltip shown on hover (a `<title>` child).
    pub fn title(mut self, t: impl Into<String>) -> El {
        self.title = Some(t.into());
        self
    }

    /// Text content (for `<text>`).
    pub fn text(mut self, t: impl Into<String>) -> El {
        self.text = Some(t.into());
        self
    }

    pub fn kid(mut self, k: El) -> El {
        self.kids.push(k);
        self
    }

    pub fn push(&mut self, k: El) {
        self.kids.push(k);
    }

    pub fn write(&self, out: &mut String) {
        let _ = write!(out, "<{}", self.name);
        for (k, v) in &self.attrs {
            let _ = write!(out, " {k}=\"{}\"", esc(v));
        }
        if self.title.is_none() && self.text.is_none() && self.kids.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        if let Some(t) = &self.title {
            let _ = write!(out, "<title>{}</title>", esc(t));
        }
        if let Some(t) = &self.text {
            out.push_str(&esc(t));
        }
        for k in &self.kids {
            k.write(out);
        }
        let _ = write!(out, "</{}>", self.name);
    }

    pub fn render(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }
}

/// An `<svg>` of the given user-space size that scales to the page width.
pub fn svg(width: f64, height: f64) -> El {
    // No xmlns: SVG inline in HTML needs none, and the page then names no URL at all.
    El::new("svg")
        .a("viewBox", format!("0 0 {} {}", n(width), n(height)))
        .a("width", "100%")
        .a("preserveAspectRatio", "xMinYMin meet")
}

pub fn rect(x: f64, y: f64, w: f64, h: f64) -> El {
    El::new("rect")
        .f("x", x)
        .f("y", y)
        .f("width", w.max(0.0))
        .f("height", h.max(0.0))
}

pub fn line(x1: f64, y1: f64, x2: f64, y2: f64) -> El {
    El::new("line")
        .f("x1", x1)
        .f("y1", y1)
        .f("x2", x2)
        .f("y2", y2)
}

pub fn text(x: f64, y: f64, t: impl Into<String>) -> El {
    El::new("text").f("x", x).f("y", y).text(t)
}

/// Points for `<polyline>`/`<polygon>`, as drawn: repeated points and the inner points of
/// straight horizontal or vertical runs are left out (a step chart over 104 weeks that holds
/// still most of the time then takes a few points, not 208).
pub fn points(p: &[(f64, f64)]) -> String {
    let q: Vec<(String, String)> = p.iter().map(|(x, y)| (n(*x), n(*y))).collect();
    let mut kept: Vec<&(String, String)> = Vec::with_capacity(q.len());
    for (i, c) in q.iter().enumerate() {
        if kept.last() == Some(&c) {
            continue;
        }
        if let (Some(prev), Some(next)) = (kept.last(), q.get(i + 1)) {
            let same_y = prev.1 == c.1 && c.1 == next.1;
            let same_x = prev.0 == c.0 && c.0 == next.0;
            if same_y || same_x {
                continue;
            }
        }
        kept.push(c);
    }
    let mut s = String::new();
    for (i, (x, y)) in kept.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{x},{y}");
    }
    s
}

/// A path of horizontal steps `(x0, x1, y)`: one `M…H…` per run of equal `y` whose steps touch.
pub fn step_path(steps: &[(f64, f64, f64)]) -> String {
    let mut s = String::new();
    let mut run: Option<(String, String, String)> = None;
    for (x0, x1, y) in steps {
        let (a, b, c) = (n(*x0), n(*x1), n(*y));
        match &mut run {
            Some((_, end, ry)) if *end == a && *ry == c => *end = b,
            _ => {
                if let Some((r0, r1, ry)) = run.take() {
                    let _ = write!(s, "M{r0} {ry}H{r1}");
                }
                run = Some((a, b, c));
            }
        }
    }
    if let Some((r0, r1, ry)) = run {
        let _ = write!(s, "M{r0} {ry}H{r1}");
    }
    s
}

/// About five round tick values from 0 to at least `max` (1, 2 or 5 times a power of ten).
pub fn ticks(max: f64) -> Vec<f64> {
    if max <= 0.0 || !max.is_finite() {
        return vec![0.0, 1.0];
    }
    let raw = max / 5.0;
    let p = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * p);
    let mut v = Vec::new();
    let mut t = 0.0;
    while t < max + step * 0.999 {
        v.push(t);
        t += step;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped_in_attributes_and_titles() {
        let e = rect(0.0, 0.0, 1.0, 1.0)
            .a("data-nation", "\"><script>x</script>")
            .title("<img src=x onerror=alert(1)>");
        let s = e.render();
        assert!(!s.contains("<script>") && !s.contains("<img"));
        assert!(s.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(s.contains("data-nation=\"&quot;&gt;&lt;script&gt;"));
    }

    #[test]
    fn numbers_keep_one_decimal() {
        assert_eq!(n(3.0), "3");
        assert_eq!(n(3.04), "3");
        assert_eq!(n(3.06), "3.1");
        assert_eq!(n(-0.25), "-0.3");
        assert_eq!(n(f64::NAN), "0");
    }

    #[test]
    fn straight_runs_keep_their_ends_only() {
        // A step 0..3 at y 5, up to y 2 for 3..4: the corners stay, the middle of the run goes.
        let p = [
            (0.0, 5.0),
            (1.0, 5.0),
            (2.0, 5.0),
            (3.0, 5.0),
            (3.0, 2.0),
            (4.0, 2.0),
        ];
        assert_eq!(points(&p), "0,5 3,5 3,2 4,2");
        assert_eq!(
            step_path(&[
                (0.0, 1.0, 4.0),
                (1.0, 2.0, 4.0),
                (2.0, 3.0, 6.0),
                (5.0, 6.0, 6.0)
            ]),
            "M0 4H2M2 6H3M5 6H6"
        );
    }

    #[test]
    fn ticks_cover_the_maximum_with_round_steps() {
        // max 2890: raw step 578 -> step 1000 (1, 2, 5 × 100 are all below 578): 0..3000.
        assert_eq!(ticks(2890.0), vec![0.0, 1000.0, 2000.0, 3000.0]);
        // max 7: raw 1.4 -> step 2: 0, 2, 4, 6, 8.
        assert_eq!(ticks(7.0), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
    }
}
