//! The plan as one workbook: a summary sheet, a timeline sheet, and one sheet per output table.
//!
//! Built from the rendered output files (not from the solver's arrays), so a plan that was
//! written, hand-edited or re-read can be turned into the same workbook as a fresh one.

use crate::base::diag::Diags;
use crate::scenario::table::{self, Table};
use crate::scenario::Scenario;
use rust_xlsxwriter::{
    Color, ConditionalFormatFormula, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::collections::BTreeMap;

/// The output tables, in the order their sheets appear after `summary` and `timeline`.
pub const TABLE_SHEETS: [&str; 10] = [
    "deployments",
    "coverage",
    "nation_load",
    "limit_use",
    "movements",
    "flows",
    "stocks",
    "bottlenecks",
    "explanations",
    "ask",
];

/// Columns that hold a day: written as real dates so sorting and filtering work in any locale.
const DATE_COLUMNS: [&str; 7] = [
    "period_start",
    "arrive",
    "cover_from",
    "depart",
    "first",
    "last",
    "needed_from",
];
/// Day columns of one table only: elsewhere `from` and `to` name nodes (flows, movements).
const TABLE_DATE_COLUMNS: [(&str, &str); 2] = [("explanations", "from"), ("explanations", "to")];
/// Columns that hold amounts; every other column is text (codes and names from the inputs).
const NUMBER_COLUMNS: [&str; 27] = [
    "units",
    "troops",
    "required",
    "covered",
    "shortfall",
    "land",
    "air",
    "sea",
    "total",
    "used",
    "max_troops",
    "arriving",
    "leaving",
    "capacity",
    "tons",
    "capacity_tons",
    "demand",
    "stock",
    "unmet",
    "dos_short",
    "utilisation",
    "marginal_value",
    "limit",
    "amount",
    "amount_change",
    "objective_change",
    "shortfall_removed",
];
const BOOL_COLUMNS: [&str; 1] = ["initial"];

/// Fills of the timeline, one per nation in code order (repeating past twelve nations). Chosen
/// light enough that the site code in the cell stays readable in print.
const PALETTE: [u32; 12] = [
    0x9DC3E6, 0xF4B183, 0xA9D18E, 0xFFD966, 0xC9A0DC, 0x8FD6D0, 0xF8A5A5, 0xBFBFBF, 0xD6B58C,
    0xB4C7E7, 0xE2F0A8, 0xF7C6E0,
];

/// How many characters a column may grow to before its cells are cut off on screen.
const MAX_WIDTH: usize = 40;

/// Columns that hold sentences (explanations' `detail` and `what_if`): wrapped in a wider column,
/// so the sentence is read whole on screen and in print, where a cut-off one says nothing.
const SENTENCE_COLUMNS: [&str; 2] = ["detail", "what_if"];
const SENTENCE_WIDTH: usize = 60;
/// Characters of a sentence per wrapped line in that width (words wrap whole, so fewer than
/// the width), and the height of a line of the default font, in points.
const SENTENCE_LINE_CHARS: usize = 52;
const LINE_HEIGHT: f64 = 15.0;

fn xlsx(e: XlsxError) -> String {
    format!("cannot build the plan workbook: {e}")
}

/// The date format of every date cell: ISO, so no locale reads day and month the other way.
fn date_format() -> Format {
    Format::new().set_num_format("yyyy-mm-dd")
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9D9D9))
        .set_border_bottom(FormatBorder::Thin)
}

fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, String> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(xlsx)
}

/// A kind of column, decided by its name.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Number,
    Date,
    Bool,
}

fn kind(table: &str, column: &str) -> Kind {
    if DATE_COLUMNS.contains(&column) || TABLE_DATE_COLUMNS.contains(&(table, column)) {
        Kind::Date
    } else if NUMBER_COLUMNS.contains(&column) {
        Kind::Number
    } else if BOOL_COLUMNS.contains(&column) {
        Kind::Bool
    } else {
        Kind::Text
    }
}

/// Parses an output CSV with the project's reader; the plan was written by rotaplan, so a
/// problem here means the files were damaged or hand-edited.
fn parse(name: &str, bytes: &[u8]) -> Result<Table, String> {
    let mut d = Diags::default();
    match Table::parse(name, bytes, &[], &[], &mut d) {
        Some(t) if !d.has_errors() => Ok(t),
        _ => Err(d
            .errors()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ")),
    }
}

/// Writes one table sheet: typed cells, frozen header, autofilter, widths from the content.
fn table_sheet(ws: &mut Worksheet, name: &str, t: &Table) -> Result<(), String> {
    let head = header_format();
    let sentence: Vec<bool> = t
        .headers
        .iter()
        .map(|h| SENTENCE_COLUMNS.contains(&h.as_str()))
        .collect();
    // Beside a wrapped sentence every cell of the row sits at its top, so a row reads as one.
    // (Other tables keep unformatted cells: a format per cell costs time on large sheets.)
    let has_sentences = sentence.contains(&true);
    let top = |f: Format| {
        if has_sentences {
            f.set_align(FormatAlign::Top)
        } else {
            f
        }
    };
    let date = top(date_format());
    let general = has_sentences.then(|| top(Format::new()));
    let kinds: Vec<Kind> = t.headers.iter().map(|h| kind(name, h)).collect();
    // Whole numbers get an integer format; a column with fractions (LP mode) keeps General,
    // which shows the value as the CSV has it.
    let whole: Vec<bool> = (0..t.headers.len())
        .map(|c| {
            t.rows.iter().all(|r| {
                table::parse_number(&r.cells[c]).is_none_or(|v| v.fract() == 0.0 && v.abs() < 1e15)
            })
        })
        .collect();
    let integer = top(Format::new().set_num_format("0"));
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut widths: Vec<usize> = t.headers.iter().map(|h| h.chars().count() + 3).collect();
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &head)
            .map_err(xlsx)?;
    }
    for (i, r) in t.rows.iter().enumerate() {
        let row = (i + 1) as u32;
        // Spreadsheets do not all grow a row for wrapped text on opening (LibreOffice keeps
        // the default height, and the lines overlap): the row is given its lines' height.
        let lines = r
            .cells
            .iter()
            .zip(&sentence)
            .filter(|(_, &s)| s)
            .map(|(cell, _)| cell.chars().count().div_ceil(SENTENCE_LINE_CHARS))
            .max()
            .unwrap_or(1);
        if lines > 1 {
            ws.set_row_height(row, LINE_HEIGHT * lines as f64)
                .map_err(xlsx)?;
        }
        for (c, cell) in r.cells.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let col = c as u16;
            let w = &mut widths[c];
            match kinds[c] {
                Kind::Date => {
                    if let Some(d) = table::parse_date(cell) {
                        ws.write_datetime_with_format(row, col, excel_date(d)?, &date)
                            .map_err(xlsx)?;
                        *w = (*w).max(12);
                        continue;
                    }
                }
                Kind::Number => {
                    if let Some(v) = table::parse_number(cell) {
                        if whole[c] {
                            ws.write_number_with_format(row, col, v, &integer)
                        } else {
                            match &general {
                                Some(f) => ws.write_number_with_format(row, col, v, f),
                                None => ws.write_number(row, col, v),
                            }
                        }
                        .map_err(xlsx)?;
                        *w = (*w).max(cell.len() + 2);
                        continue;
                    }
                }
                Kind::Bool => match cell.as_str() {
                    "true" | "false" => {
                        match &general {
                            Some(f) => ws.write_boolean_with_format(row, col, cell == "true", f),
                            None => ws.write_boolean(row, col, cell == "true"),
                        }
                        .map_err(xlsx)?;
                        continue;
                    }
                    _ => {}
                },
                Kind::Text => {}
            }
            // Text, and anything that did not parse as its column's kind: as text, never a
            // formula, whatever it starts with.
            if sentence[c] {
                ws.write_string_with_format(row, col, cell, &wrap)
                    .map_err(xlsx)?;
                *w = SENTENCE_WIDTH;
                continue;
            }
            match &general {
                Some(f) => ws.write_string_with_format(row, col, cell, f),
                None => ws.write_string(row, col, cell),
            }
            .map_err(xlsx)?;
            *w = (*w).max(cell.chars().count() + 2);
        }
    }
    for (c, w) in widths.iter().enumerate() {
        let cap = if sentence[c] {
            SENTENCE_WIDTH
        } else {
            MAX_WIDTH
        };
        ws.set_column_width(c as u16, (*w).min(cap) as f64)
            .map_err(xlsx)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx)?;
    // Printed: landscape, one page wide, the header on every page.
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0).map_err(xlsx)?;
    if !t.headers.is_empty() {
        ws.autofilter(0, 0, t.rows.len() as u32, (t.headers.len() - 1) as u16)
            .map_err(xlsx)?;
    }
    Ok(())
}

/// A gap in words, as a staff officer would brief it.
pub fn gap_in_words(mode: &str, status: &str, gap: f64) -> String {
    let pct = |g: f64| {
        let p = g * 100.0;
        if p < 0.1 {
            format!("{p:.2} %")
        } else {
            format!("{p:.1} %")
        }
    };
    if mode == "lp" {
        "LP relaxation solved to optimality (fractional units: a lower bound on whole-unit plans)"
            .to_string()
    } else if status == "optimal" && gap <= 0.0 {
        "proven optimal: no better plan exists".to_string()
    } else if status == "optimal" {
        format!("proven within {} of the best possible", pct(gap))
    } else {
        format!(
            "stopped before proving optimality; at most {} above the best possible",
            pct(gap)
        )
    }
}

/// The `summary` sheet: one labelled value per row, from summary.json.
fn summary_sheet(ws: &mut Worksheet, s: &serde_json::Value) -> Result<(), String> {
    let head = header_format();
    let amount = Format::new().set_num_format("#,##0");
    ws.write_string_with_format(0, 0, "item", &head)
        .map_err(xlsx)?;
    ws.write_string_with_format(0, 1, "value", &head)
        .map_err(xlsx)?;
    let text = |k: &str| s[k].as_str().unwrap_or("").to_string();
    let num = |v: &serde_json::Value| v.as_f64().unwrap_or(0.0);
    let mut row = 1u32;
    let mut put_text = |ws: &mut Worksheet, label: &str, value: &str| -> Result<(), String> {
        ws.write_string(row, 0, label).map_err(xlsx)?;
        ws.write_string(row, 1, value).map_err(xlsx)?;
        row += 1;
        Ok(())
    };
    put_text(ws, "scenario", &text("scenario"))?;
    put_text(ws, "mode", &text("mode"))?;
    put_text(ws, "status", &text("status"))?;
    put_text(
        ws,
        "gap",
        &gap_in_words(&text("mode"), &text("status"), num(&s["gap"])),
    )?;
    let mut amounts: Vec<(String, f64)> = vec![("objective".to_string(), num(&s["objective"]))];
    let terms = [
        ("coverage_penalty", "coverage penalty"),
        ("deployment_cost", "deployment cost"),
        ("tour_cost", "tour cost"),
        ("transport_cost", "transport cost"),
        ("supply_cost", "supply cost"),
        ("sustainment_penalty", "sustainment penalty"),
        ("days_of_supply_penalty", "days-of-supply penalty"),
        ("change_penalty", "change penalty"),
    ];
    for (key, label) in terms {
        amounts.push((label.to_string(), num(&s["terms"][key])));
    }
    let short = &s["shortfall"];
    amounts.push((
        "role-unit periods short".to_string(),
        num(&short["role_unit_periods"]),
    ));
    amounts.push(("unmet supply (t)".to_string(), num(&short["unmet_tons"])));
    amounts.push((
        "peak troops on the ground".to_string(),
        num(&s["peak_troops"]),
    ));
    for (map, label) in [
        ("by_site_role", "short at"),
        ("unmet_by_commodity_node", "unmet (t)"),
    ] {
        if let Some(m) = short[map].as_object() {
            for (k, v) in m {
                amounts.push((format!("{label} {k}"), num(v)));
            }
        }
    }
    for (label, v) in amounts {
        ws.write_string(row, 0, &label).map_err(xlsx)?;
        // Costs print rounded like the report; the cell keeps the exact value.
        ws.write_number_with_format(row, 1, v, &amount)
            .map_err(xlsx)?;
        row += 1;
    }
    let mut put_text = |ws: &mut Worksheet, label: &str, value: &str| -> Result<(), String> {
        ws.write_string(row, 0, label).map_err(xlsx)?;
        ws.write_string(row, 1, value).map_err(xlsx)?;
        row += 1;
        Ok(())
    };
    put_text(ws, "input hash", &text("input_hash"))?;
    put_text(ws, "rotaplan version", &text("version"))?;
    // Amounts fit column B; the gap in words and the hash run on into the empty columns after
    // it. Printed on one page width, so labels and values stay on the same sheet of paper.
    ws.set_column_width(0, 30).map_err(xlsx)?;
    ws.set_column_width(1, 16).map_err(xlsx)?;
    ws.set_freeze_panes(1, 0).map_err(xlsx)?;
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// One row of the timeline: a numbered unit, or (LP mode, unnumbered tours) a nation's unit type
/// at one site.
#[derive(PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Line {
    nation: String,
    unit_type: String,
    /// The trailing number of a unit name (`FRA-mech_bn-10` → 10), so units sort 1, 2, …, 10.
    number: u64,
    label: String,
}

/// What a timeline row shows: the tours of a numbered unit (first and last period, site), or
/// the units on the ground per period at one site.
enum Bars {
    Tours(Vec<(usize, usize, String)>),
    Units(BTreeMap<usize, f64>),
}

/// The `timeline` sheet: a row per unit, a column per period, each period on the ground filled
/// with the nation's colour and showing the site.
fn timeline_sheet(ws: &mut Worksheet, sc: &Scenario, dep: &Table) -> Result<(), String> {
    let head = header_format();
    let period_head = Format::new()
        .set_background_color(Color::RGB(0xD9D9D9))
        .set_border_bottom(FormatBorder::Thin)
        .set_font_size(9)
        .set_num_format("yyyy-mm-dd")
        .set_rotation(90)
        .set_align(FormatAlign::Center);
    let col = |name: &str| dep.headers.iter().position(|h| h == name);
    let need = |name: &str| col(name).ok_or(format!("deployments.csv: no `{name}` column"));
    let (cn, cu, cunit, csite, cunits, carrive, cdepart) = (
        need("nation")?,
        need("unit_type")?,
        need("unit")?,
        need("site")?,
        need("units")?,
        need("arrive")?,
        need("depart")?,
    );
    let periods = sc.periods;
    let period_of = |d: chrono::NaiveDate| sc.period_of(d);
    let mut lines: BTreeMap<Line, Bars> = BTreeMap::new();
    for r in &dep.rows {
        let cells = &r.cells;
        let (Some(arrive), Some(depart)) = (
            table::parse_date(&cells[carrive]),
            table::parse_date(&cells[cdepart]),
        ) else {
            return Err(format!(
                "deployments.csv:{}: arrive/depart are not dates",
                r.line
            ));
        };
        let unit = &cells[cunit];
        let numbered = !unit.is_empty();
        let line = Line {
            nation: cells[cn].clone(),
            unit_type: cells[cu].clone(),
            number: if numbered {
                unit.rsplit('-')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0)
            } else {
                0
            },
            label: if numbered {
                unit.clone()
            } else {
                cells[csite].clone()
            },
        };
        let units = table::parse_number(&cells[cunits]).unwrap_or(0.0);
        let first = period_of(arrive).max(0);
        let last = period_of(depart).min(periods as i64 - 1);
        if last < first {
            continue; // wholly before or after the horizon
        }
        let (first, last) = (first as usize, last as usize);
        match lines.entry(line).or_insert_with(|| {
            if numbered {
                Bars::Tours(Vec::new())
            } else {
                Bars::Units(BTreeMap::new())
            }
        }) {
            Bars::Tours(tours) => tours.push((first, last, cells[csite].clone())),
            Bars::Units(per) => {
                for t in first..=last {
                    *per.entry(t).or_default() += units;
                }
            }
        }
    }
    let labels = ["nation", "unit_type", "unit (or site)"];
    for (c, l) in labels.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *l, &head)
            .map_err(xlsx)?;
    }
    let lead = labels.len() as u16;
    for t in 0..periods {
        ws.write_datetime_with_format(
            0,
            lead + t as u16,
            excel_date(sc.period_start(t as i64))?,
            &period_head,
        )
        .map_err(xlsx)?;
    }
    let mut widths = [8usize, 10, 16];
    let mut nations: Vec<&str> = Vec::new();
    let units_format = Format::new()
        .set_num_format("0.##")
        .set_align(FormatAlign::Center);
    // The site at the start of the bar (so it is on the page where the tour begins), and a white
    // frame so the bars of two units of one nation in adjacent rows stay apart.
    let site_format = Format::new()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::VerticalCenter)
        .set_font_size(9)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::White);
    for (i, (line, bars)) in lines.iter().enumerate() {
        let row = (i + 1) as u32;
        for (c, v) in [&line.nation, &line.unit_type, &line.label]
            .iter()
            .enumerate()
        {
            ws.write_string(row, c as u16, v.as_str()).map_err(xlsx)?;
            widths[c] = widths[c].max(v.chars().count() + 2);
        }
        if !nations.contains(&line.nation.as_str()) {
            nations.push(&line.nation);
        }
        match bars {
            // A tour is one merged cell across its periods, headed by its site: a bar that
            // reads at a glance and prints without the code repeated in every week.
            Bars::Tours(tours) => {
                let mut tours = tours.clone();
                tours.sort();
                let overlapping = tours.windows(2).any(|w| w[1].0 <= w[0].1);
                for (first, last, site) in &tours {
                    let (a, b) = (lead + *first as u16, lead + *last as u16);
                    if a == b || overlapping {
                        // One period, or tours that overlap (a hand-edited plan): cell by cell.
                        for c in a..=b {
                            ws.write_string_with_format(row, c, site, &site_format)
                                .map_err(xlsx)?;
                        }
                    } else {
                        ws.merge_range(row, a, row, b, site, &site_format)
                            .map_err(xlsx)?;
                    }
                }
            }
            Bars::Units(per) => {
                for (&t, u) in per {
                    ws.write_number_with_format(row, lead + t as u16, *u, &units_format)
                        .map_err(xlsx)?;
                }
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).min(MAX_WIDTH) as f64)
            .map_err(xlsx)?;
    }
    if periods > 0 {
        ws.set_column_range_width(lead, lead + periods as u16 - 1, 4.5)
            .map_err(xlsx)?;
    }
    ws.set_row_height(0, 66).map_err(xlsx)?;
    ws.set_freeze_panes(1, lead).map_err(xlsx)?;
    // Printed for a briefing: landscape, the unit names and dates on every page.
    ws.set_landscape();
    ws.set_repeat_rows(0, 0).map_err(xlsx)?;
    ws.set_repeat_columns(0, lead - 1).map_err(xlsx)?;
    // One rule per nation over the whole table: its label cells and every period on the ground
    // take the nation's fill, so each row reads as a coloured bar.
    let last_row = lines.len() as u32;
    let last_col = lead + periods.max(1) as u16 - 1;
    if last_row > 0 {
        nations.sort();
        for (k, n) in nations.iter().enumerate() {
            let code = n.replace('"', "\"\"");
            let rule = ConditionalFormatFormula::new()
                .set_rule(format!("=AND($A2=\"{code}\",A2<>\"\")").as_str())
                .set_format(
                    Format::new().set_background_color(Color::RGB(PALETTE[k % PALETTE.len()])),
                );
            ws.add_conditional_format(1, 0, last_row, last_col, &rule)
                .map_err(xlsx)?;
        }
    }
    Ok(())
}

/// Fixed document properties: the same plan gives the same bytes (no creation time of today).
fn properties(sc: &Scenario) -> Result<DocProperties, String> {
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xlsx)?;
    Ok(DocProperties::new()
        .set_title(format!("rotaplan plan: {}", sc.name))
        .set_author("rotaplan")
        .set_creation_datetime(&fixed))
}

/// The plan workbook from the output files of a solve (`deployments.csv`, …, `summary.json`),
/// as the bytes of an .xlsx file. Tables that are absent (no supply network) get no sheet.
pub fn plan_workbook(sc: &Scenario, files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    wb.set_properties(&properties(sc)?);
    if let Some(bytes) = files.get("summary.json") {
        let s: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| format!("summary.json: not valid JSON: {e}"))?;
        let ws = wb.add_worksheet();
        ws.set_name("summary").map_err(xlsx)?;
        summary_sheet(ws, &s)?;
    }
    let mut tables = Vec::new();
    for name in TABLE_SHEETS {
        let file = format!("{name}.csv");
        if let Some(bytes) = files.get(&file) {
            tables.push((name, parse(&file, bytes)?));
        }
    }
    if let Some((_, dep)) = tables.iter().find(|(n, _)| *n == "deployments") {
        let ws = wb.add_worksheet();
        ws.set_name("timeline").map_err(xlsx)?;
        timeline_sheet(ws, sc, dep)?;
    }
    for (name, t) in &tables {
        let ws = wb.add_worksheet();
        ws.set_name(*name).map_err(xlsx)?;
        // A sheet holds at most 1,048,576 rows: say which table did not fit.
        table_sheet(ws, name, t)
            .map_err(|e| format!("{e} (sheet {name}, {} rows)", t.rows.len()))?;
    }
    wb.save_to_buffer().map_err(xlsx)
}
