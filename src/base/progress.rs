//! What a run tells the person (or program) watching it, on stderr; stdout is for results.
//!
//! One sink for the whole process, chosen once by the command line:
//! - `Terminal`: one updating line per phase (spinner, best plan, bound, gap, time of the limit),
//!   with lasting lines (warnings, a phase's result) printed above it;
//! - `Plain`: lasting lines only, and a progress line at most every [`PLAIN_EVERY_S`] seconds
//!   (a pipe, a log file under cron);
//! - `Json`: one JSON object per line, for schedulers (`--log-format json`);
//! - `Quiet`: nothing but errors (`--quiet`).
//!
//! The solver's own log (coefficient ranges, presolve, iterations) is not progress: it goes to
//! the solver log only when one was asked for (`--solver-log FILE`, or `--verbose` for stderr).

use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Terminal,
    Plain,
    Json,
    Quiet,
}

/// Seconds between two progress lines in `Plain` style.
pub const PLAIN_EVERY_S: f64 = 10.0;

struct Sink {
    style: Style,
    bar: Option<ProgressBar>,
    solver_log: Option<Mutex<Box<dyn Write + Send>>>,
    started: Instant,
    /// The time limit of the solve under way, for "12 s of 60 s".
    limit_s: Mutex<Option<f64>>,
    last_plain: Mutex<f64>,
}

static SINK: OnceLock<Sink> = OnceLock::new();

/// Chooses the sink for this process (first call wins). `solver_log`: where the solver's own log
/// goes, if anywhere. Without a call, lasting lines go to stderr as in `Plain` style.
pub fn init(style: Style, solver_log: Option<Box<dyn Write + Send>>) {
    let bar = (style == Style::Terminal).then(|| {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix:.bold} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let _ = SINK.set(Sink {
        style,
        bar,
        solver_log: solver_log.map(Mutex::new),
        started: Instant::now(),
        limit_s: Mutex::new(None),
        last_plain: Mutex::new(f64::NEG_INFINITY),
    });
}

/// The style in force (`Plain` before [`init`]).
pub fn style() -> Style {
    SINK.get().map_or(Style::Plain, |s| s.style)
}

/// Whether progress goes out as JSON objects.
pub fn json() -> bool {
    style() == Style::Json
}

/// Whether anything but errors is shown.
pub fn quiet() -> bool {
    style() == Style::Quiet
}

/// A line that stays: a warning, a phase's result. `text` for people, `event` for programs.
pub fn event(text: &str, event: serde_json::Value) {
    match style() {
        Style::Quiet => {}
        Style::Json => eprintln!("{event}"),
        Style::Terminal => match SINK.get().and_then(|s| s.bar.as_ref()) {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        },
        Style::Plain => eprintln!("{text}"),
    }
}

/// An error, shown whatever the style (as a JSON `error` event in `Json` style).
pub fn error(text: &str, exit_code: i32) {
    finish();
    if json() {
        eprintln!(
            "{}",
            serde_json::json!({"event": "error", "exit_code": exit_code, "message": text})
        );
    } else {
        eprintln!("{text}");
    }
}

/// The phase a run has entered (load, build, relaxation, search, bottlenecks, write).
pub fn phase(name: &str, limit_s: Option<f64>) {
    let Some(s) = SINK.get() else { return };
    // A scheduler (or a fault test) sees which phase a run is in when it stops it.
    if s.style == Style::Json {
        eprintln!(
            "{}",
            serde_json::json!({"event": "phase", "phase": name, "elapsed_s": (s.started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0})
        );
    }
    if let Ok(mut l) = s.limit_s.lock() {
        *l = limit_s;
    }
    if let Some(bar) = &s.bar {
        bar.set_prefix(name.to_string());
        bar.set_message(String::new());
    }
}

/// Where the solve stands: best plan, bound and gap so far (MIP), at most once a second.
pub fn solver_progress(best: f64, bound: f64, gap: f64) {
    let Some(s) = SINK.get() else { return };
    let elapsed = s.started.elapsed().as_secs_f64();
    let of = s
        .limit_s
        .lock()
        .ok()
        .and_then(|l| *l)
        .map_or(String::new(), |l| format!(" of {l:.0} s"));
    let num = |v: f64| {
        if v.is_finite() {
            crate::base::text::thousands(v)
        } else {
            "—".into()
        }
    };
    let gap_text = if gap.is_finite() && best.is_finite() {
        format!("{:.2} %", gap * 100.0)
    } else {
        "—".into()
    };
    match s.style {
        Style::Terminal => {
            if let Some(bar) = &s.bar {
                bar.set_message(format!(
                    "best plan {}  bound {}  gap {gap_text}  {elapsed:.0} s{of}",
                    num(best),
                    num(bound)
                ));
            }
        }
        Style::Plain => {
            let Ok(mut last) = s.last_plain.lock() else {
                return;
            };
            if elapsed - *last >= PLAIN_EVERY_S {
                *last = elapsed;
                eprintln!(
                    "progress: best plan {}, bound {}, gap {gap_text}, {elapsed:.0} s{of}",
                    num(best),
                    num(bound)
                );
            }
        }
        Style::Json => {
            let n = |v: f64| {
                if v.is_finite() {
                    serde_json::json!(v)
                } else {
                    serde_json::Value::Null
                }
            };
            eprintln!(
                "{}",
                serde_json::json!({"event": "progress", "elapsed_s": (elapsed * 1000.0).round() / 1000.0,
                    "incumbent": n(best), "bound": n(bound), "gap": n(gap)})
            );
        }
        Style::Quiet => {}
    }
}

/// Whether the solver's own log is wanted anywhere (so the solver need not produce it).
pub fn solver_log_wanted() -> bool {
    SINK.get().is_some_and(|s| s.solver_log.is_some())
}

/// A piece of the solver's own log, passed on as it came.
pub fn solver_log(text: &str) {
    let Some(log) = SINK.get().and_then(|s| s.solver_log.as_ref()) else {
        return;
    };
    if let Ok(mut w) = log.lock() {
        let _ = w.write_all(text.as_bytes());
    }
}

/// Ends the updating line (before the summary is printed, or on an error).
pub fn finish() {
    if let Some(s) = SINK.get() {
        if let Some(bar) = &s.bar {
            bar.finish_and_clear();
        }
        if let Some(log) = &s.solver_log {
            if let Ok(mut w) = log.lock() {
                let _ = w.flush();
            }
        }
    }
}
