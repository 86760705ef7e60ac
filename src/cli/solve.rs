//! `rotaplan solve SCENARIO`: exit 0 written, 2 input error, 3 infeasible, 4 no plan within the
//! limits, 1 other (docs/operations.md, "Exit codes").

use super::exit::{self, fail};
use super::summary;
use crate::base::progress::{self, Style};
use crate::base::{signal, Error};
use crate::output::nation_load;
use crate::pipeline;
use crate::planfile::hand::HandMode;
use crate::planfile::previous::load_previous;
use crate::settings::{Overrides, Settings};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `solve`'s arguments besides how progress is shown.
pub struct Args {
    pub scenario: PathBuf,
    pub out: Option<PathBuf>,
    pub overrides: Overrides,
    /// Write the model as handed to HiGHS to this file.
    pub mps: Option<PathBuf>,
    /// A previous plan's output directory (nightly reruns).
    pub previous: Option<PathBuf>,
    /// Do nothing when `out` already holds the plan of these inputs and options.
    pub skip_if_unchanged: bool,
    /// `--max-model-gb`: the memory a model may be estimated to need.
    pub max_model_gb: Option<f64>,
    /// `--xlsx`: plan.xlsx as well, whatever scenario.toml says.
    pub xlsx: bool,
    /// Tours from the planner's hand: `--fix` or `--pin` and the path given.
    pub hand: Option<(PathBuf, HandMode)>,
    /// `--ask`: the ask written beside the plan, with its options.
    pub ask: Option<AskArgs>,
}

/// `solve --ask`'s options (those of `rotaplan ask`).
pub struct AskArgs {
    pub max_extra: u32,
    pub ceilings: Option<PathBuf>,
}

/// Chooses how progress is shown: JSON for schedulers, nothing with `--quiet`, an updating line
/// on a terminal, plain lines on a pipe; the solver's own log only when asked for.
pub fn init_progress(
    quiet: bool,
    json: bool,
    verbose: bool,
    solver_log: Option<&Path>,
) -> Result<(), Error> {
    let style = if json {
        Style::Json
    } else if quiet {
        Style::Quiet
    } else if std::io::stderr().is_terminal() {
        Style::Terminal
    } else {
        Style::Plain
    };
    let log: Option<Box<dyn std::io::Write + Send>> = match solver_log {
        Some(path) => Some(Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| {
                Error::Input(format!(
                    "--solver-log {}: cannot create the file: {e}",
                    path.display()
                ))
            })?,
        ))),
        None if verbose => Some(Box::new(std::io::stderr())),
        None => None,
    };
    progress::init(style, log);
    Ok(())
}

pub fn run(a: &Args) -> i32 {
    let t0 = Instant::now();
    signal::phase::enter_solving();
    progress::phase("load", None);
    let mut sc = match pipeline::load(&a.scenario, true) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let baseline = match &a.previous {
        None => None,
        Some(p) => match load_previous(&mut sc, p) {
            Ok(b) => Some(b),
            Err(diags) => {
                let mut msg = String::new();
                for e in diags.errors() {
                    msg.push_str(&format!("{e}\n"));
                }
                msg.push_str(&format!("the previous plan in {} does not fit the scenario: nothing was solved or written", p.display()));
                return fail(&Error::Input(msg));
            }
        },
    };
    sc.output.xlsx |= a.xlsx;
    let load_ms = t0.elapsed().as_millis() as u64;
    let mut settings = match Settings::resolve(&sc, &a.overrides, true) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    if let Some((path, mode)) = &a.hand {
        match super::hand::prepare(&sc, path, *mode, &mut settings) {
            Ok(()) => {}
            Err(e) => return fail(&e),
        }
    }
    // The ceilings are read before any solver time is spent, so a bad row costs nothing.
    let ask_ceilings = match &a.ask {
        None => None,
        Some(ask) => match super::ask::load_ceilings(&a.scenario, ask.ceilings.as_deref(), &sc) {
            Ok(c) => Some(c),
            Err(e) => return fail(&e),
        },
    };
    if settings.rolling.is_some() && baseline.is_some() {
        return fail(&Error::Input(
            "--previous cannot be combined with a rolling horizon yet: solve the nightly rerun in one model; nothing was solved or written".to_string(),
        ));
    }
    if let Err(msg) = crate::model::size::admit(
        &sc,
        settings.formulation,
        settings.rolling.map(|r| r.window),
        a.max_model_gb,
    ) {
        return fail(&Error::Input(msg));
    }
    let out = a.out.clone().unwrap_or_else(|| pipeline::default_out(&sc));
    // One run at a time into `out`, and a wrong `--out` found before any solver time is spent.
    let _out_lock = match crate::base::outdir::prepare(&out) {
        Ok(lock) => lock,
        Err(msg) => return fail(&Error::Other(msg)),
    };
    let mut options = pipeline::options_json(&settings, a.previous.as_deref());
    if let Some(hand) = &settings.hand {
        options["hand"] = super::hand::fingerprint(hand);
    }
    if let (Some(ask), Some((file, _))) = (&a.ask, &ask_ceilings) {
        // A plan written without its ask is not current for a run that asks for one.
        options["ask"] = serde_json::json!({
            "max_extra": ask.max_extra,
            "ceilings_sha256": file.as_deref().map(sha256_of),
        });
    }
    // A plan written without its workbook is not current for a run that asks for one.
    let has_xlsx = !sc.output.xlsx || out.join("plan.xlsx").is_file();
    if a.skip_if_unchanged && pipeline::plan_is_current(&out, &sc, &options) && has_xlsx {
        let msg = format!(
            "{}: inputs and options unchanged since the plan in {} (input_hash {}): nothing to do",
            sc.name,
            out.display(),
            &sc.input_hash[..12.min(sc.input_hash.len())]
        );
        progress::event(
            &msg,
            serde_json::json!({"event": "skipped", "out": out.display().to_string(), "input_hash": sc.input_hash}),
        );
        progress::finish();
        println!("{msg}");
        return exit::OK;
    }
    let extra = BTreeMap::from([("options".to_string(), options)]);
    let mut outcome = match pipeline::solve_scenario(
        &sc,
        &settings,
        load_ms,
        a.mps.as_deref(),
        baseline.as_ref(),
        extra,
    ) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    if let Some(hand) = &settings.hand {
        let section = super::hand::section(&sc, hand, outcome.rendered.summary.objective);
        outcome
            .rendered
            .summary
            .extra
            .insert("hand".to_string(), section);
    }
    let mut ask_text = None;
    if let (Some(ask), Some((file, rows))) = (&a.ask, &ask_ceilings) {
        match with_ask(
            &sc,
            &settings,
            ask.max_extra,
            file.as_deref(),
            rows,
            &mut outcome,
        ) {
            Ok(a) => ask_text = Some(super::ask::text(&sc, &a, &out)),
            Err(e) => return fail(&e),
        }
    }
    if let Err(e) = pipeline::attach_pictures(&sc, &mut outcome.rendered) {
        return fail(&e);
    }
    let tw = Instant::now();
    if let Err(e) = pipeline::write(&out, &mut outcome, tw) {
        return fail(&e);
    }
    let s = &outcome.rendered.summary;
    let effort = settings.solve.effort.as_ref();
    if s.status == "feasible" {
        let limit = match effort {
            Some(e) if !e.time_stopped() => format!("its effort ({})", e.units),
            _ => "a limit".to_string(),
        };
        let msg = format!("stopped at {limit} before proving optimality: the best plan found is written (status feasible, gap {:.2}%)", s.gap * 100.0);
        progress::event(
            &msg,
            serde_json::json!({"event": "limit", "message": msg, "gap": s.gap}),
        );
    }
    if let Some(e) = effort.filter(|e| e.time_stopped()) {
        let msg = format!(
            "warning: the time limit ({} s) stopped the solve before its effort ({}) was done: this plan may differ from a rerun's; raise --time-limit for a reproducible plan",
            settings.solve.time_limit_s, e.units
        );
        progress::event(
            &msg,
            serde_json::json!({"event": "warning", "step": "effort", "message": msg}),
        );
    }
    if progress::json() {
        eprintln!(
            "{}",
            serde_json::json!({"event": "done", "status": s.status, "objective": s.objective, "gap": s.gap, "out": out.display().to_string(),
                "elapsed_s": (t0.elapsed().as_secs_f64() * 1000.0).round() / 1000.0})
        );
    }
    progress::finish();
    let load = nation_load(&sc, &outcome.plan.tours);
    let mut peaks: Vec<(String, f64)> = sc
        .nations
        .iter()
        .enumerate()
        .map(|(n, nat)| {
            (
                nat.code.clone(),
                load[n]
                    .iter()
                    .map(|p| p.iter().sum::<f64>())
                    .fold(0.0, f64::max),
            )
        })
        .filter(|(_, v)| *v > 0.0)
        .collect();
    peaks.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    print!(
        "{}",
        summary::summary_text(
            &outcome.rendered.summary,
            &out.display().to_string(),
            &peaks
        )
    );
    if let Some(section) = outcome.rendered.summary.extra.get("hand") {
        print!("{}", super::hand::line(section));
    }
    if let Some(t) = ask_text {
        print!("{t}");
    }
    if let Some(e) = effort {
        if e.time_stopped() {
            println!("  effort {}: NOT reproducible: the time limit ({} s) stopped the solve first (summary.json: effort.stopped_by_time_limit)", e.units, settings.solve.time_limit_s);
        } else {
            println!(
                "  effort {}: reproducible: the same inputs and options give the same plan",
                e.units
            );
        }
    }
    exit::OK
}

/// `--ask`: finds the ask (its own solves, within the same time limit again) and adds ask.csv
/// and ask.json to the plan's files, a short `ask` section to summary.json, and the ask to
/// report.html (drawn again), so all land in the plan's one atomic write. An ask that finds no
/// plan fails the run: nothing is written.
fn with_ask(
    sc: &crate::scenario::Scenario,
    settings: &Settings,
    max_extra: u32,
    file: Option<&Path>,
    ceilings: &[crate::scenario::ceilings::Ceiling],
    outcome: &mut pipeline::Outcome,
) -> Result<crate::analysis::ask::Ask, Error> {
    progress::phase("ask", Some(settings.solve.time_limit_s));
    let a = crate::analysis::ask::ask(sc, &settings.solve, max_extra, ceilings).map_err(|e| {
        e.map_message(|m| {
            format!("the ask: {m}. Nothing was written (solve without --ask for the plan alone).")
        })
    })?;
    let extra: u32 = a.rows.iter().map(|r| r.units).sum();
    progress::event(
        &format!(
            "ask: {extra} additional unit(s); role-unit-periods short {} as offered, {} with the ask",
            crate::base::text::fmt_num(a.short_before),
            crate::base::text::fmt_num(a.short_after)
        ),
        serde_json::json!({"event": "ask", "extra_units": extra, "short_before": a.short_before,
            "short_after": a.short_after, "optimal": a.optimal}),
    );
    let r = &mut outcome.rendered;
    r.files.extend(super::ask::files(sc, &a, file));
    let mut section = super::ask::json(sc, &a, file);
    if let Some(obj) = section.as_object_mut() {
        obj.remove("scenario");
        obj.remove("input_hash");
    }
    r.summary.extra.insert("ask".to_string(), section);
    Ok(a)
}

/// SHA-256 of a file's bytes in hex (empty when it cannot be read).
fn sha256_of(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    std::fs::read(path)
        .map(|b| {
            Sha256::digest(&b)
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect()
        })
        .unwrap_or_default()
}
