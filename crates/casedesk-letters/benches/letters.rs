//! Letter benchmark: the time for one letter, letters per second over both cores,
//! and headless Chromium printing the same letter as HTML to PDF in the same run.
//!
//! Run with `bash scripts/bench-letters.sh`, which writes `target/bench/letters.md`
//! and splices it into BENCHMARKS.md. Targets: one letter ≤ 2 ms, ≥ 1,000 letters/s
//! over both cores. The benchmark never fails on a time: a missed target is reported
//! as missed.

use std::fmt::Write as _;

use base64::Engine as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use casedesk_domain::Outcome;
use casedesk_letters::markup::{Align, Block, Span, parse};
use casedesk_letters::{
    LetterInput, Letterhead, RenderOptions, Style, TemplateSet, render, sample,
};
use chrono::{TimeZone, Utc};

struct Args {
    out: PathBuf,
    seconds: f64,
    chromium_runs: usize,
}

fn args() -> Args {
    let mut args = Args {
        out: workspace_path("target/bench/letters.md"),
        seconds: 5.0,
        chromium_runs: 7,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => args.out = workspace_path(&it.next().expect("--out FILE")),
            "--seconds" => {
                args.seconds = it.next().and_then(|s| s.parse().ok()).expect("--seconds N")
            }
            "--chromium-runs" => {
                args.chromium_runs = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--chromium-runs N")
            }
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

/// A path given relative to the workspace root, where the ignored `target/` is:
/// `cargo bench` runs a bench inside its package folder.
fn workspace_path(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// One sample letter per default template.
fn inputs() -> Vec<LetterInput> {
    sample::every_letter()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args = args();
    let load_before = load_average();
    let templates = TemplateSet::defaults();
    let letterhead = Letterhead::demo();
    let options = RenderOptions::at(Utc.with_ymd_and_hms(2026, 3, 12, 8, 0, 0).unwrap());
    let inputs = inputs();
    let started = Instant::now();
    let _ = casedesk_letters::fonts();
    let font_load = started.elapsed();

    // Warm-up, and the sizes of what we make.
    let mut total_bytes = 0usize;
    let mut pages = 0usize;
    for input in &inputs {
        let pdf = render(&templates, &letterhead, input, &options).unwrap();
        total_bytes += pdf.len();
        pages += String::from_utf8_lossy(&pdf).matches("/MediaBox").count();
    }

    // One letter at a time, on one core.
    let rounds = 50;
    let mut times = Vec::with_capacity(rounds * inputs.len());
    for _ in 0..rounds {
        for input in &inputs {
            let t = Instant::now();
            let pdf = render(&templates, &letterhead, input, &options).unwrap();
            times.push(t.elapsed());
            std::hint::black_box(pdf);
        }
    }
    times.sort();
    let median = percentile(&times, 0.5);
    let p95 = percentile(&times, 0.95);
    let max = *times.last().unwrap();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;

    // The same with exact font subsets (smallest files).
    let exact_options = RenderOptions {
        subsets: casedesk_letters::FontSubsets::Exact,
        ..options.clone()
    };
    let mut exact_times = Vec::new();
    let mut exact_bytes = 0usize;
    for round in 0..20 {
        for input in &inputs {
            let t = Instant::now();
            let pdf = render(&templates, &letterhead, input, &exact_options).unwrap();
            exact_times.push(t.elapsed());
            if round == 0 {
                exact_bytes += pdf.len();
            }
        }
    }
    exact_times.sort();
    let exact_median = percentile(&exact_times, 0.5);

    // Where the time goes, for one typical letter.
    let typical = sample::input("SN", Outcome::Approved);
    let phase = |f: &dyn Fn()| {
        let n = 300;
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        t.elapsed() / n
    };
    let markup = templates
        .render_markup(&typical.template_name(), &typical, &letterhead)
        .unwrap();
    let t_template = phase(&|| {
        std::hint::black_box(
            templates
                .render_markup(&typical.template_name(), &typical, &letterhead)
                .unwrap(),
        );
    });
    let t_layout = phase(&|| {
        let blocks = parse(&markup);
        std::hint::black_box(casedesk_letters::layout::layout_body(
            &blocks,
            casedesk_letters::fonts(),
            &casedesk_letters::layout::BodyStyle::default(),
            &casedesk_letters::body_frame(),
            true,
        ));
    });
    let t_full = phase(&|| {
        std::hint::black_box(render(&templates, &letterhead, &typical, &options).unwrap());
    });

    // Both cores: one thread per core, each rendering letters for the duration.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let deadline = Duration::from_secs_f64(args.seconds);
    let start = Instant::now();
    let counts: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (templates, letterhead, options, inputs) =
                    (&templates, &letterhead, &options, &inputs);
                s.spawn(move || {
                    let mut n = 0usize;
                    let mut i = t;
                    while start.elapsed() < deadline {
                        let input = &inputs[i % inputs.len()];
                        std::hint::black_box(
                            render(templates, letterhead, input, options).unwrap(),
                        );
                        n += 1;
                        i += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = start.elapsed().as_secs_f64();
    let letters: usize = counts.iter().sum();
    let per_second = letters as f64 / elapsed;

    // Chromium, same letter as HTML.
    let chromium = chromium_comparison(&typical, &markup, &letterhead, args.chromium_runs);

    let load_after = load_average();
    let mut md = String::new();
    writeln!(md, "## Decision letters (`casedesk-letters`)\n").unwrap();
    writeln!(
        md,
        "Rendering DIN 5008 PDF/A-2b letters from the default templates: template, layout, \
         font subsetting and PDF writing, in one process on this machine ({threads} cores). \
         The inputs are the {} sample letters, one per default template (each service's \
         decisions with the outcomes its law allows, the request for missing items, the \
         Anhörung, the fee notice and the tax notice; {} pages, {:.1} KB per letter on \
         average). \
         Code: `crates/casedesk-letters/benches/letters.rs`; reproduce with \
         `bash scripts/bench-letters.sh`.\n",
        inputs.len(),
        pages,
        total_bytes as f64 / inputs.len() as f64 / 1000.0
    )
    .unwrap();
    writeln!(md, "### Targets\n").unwrap();
    writeln!(md, "| Measure | Target | Measured | |\n|---|---|---|---|").unwrap();
    writeln!(
        md,
        "| One letter, one core (median of {} renders; p95 {}) | ≤ 2 ms | {} | {} |",
        times.len(),
        ms(p95),
        ms(median),
        if median <= Duration::from_millis(2) {
            "met"
        } else {
            "**missed**"
        }
    )
    .unwrap();
    writeln!(
        md,
        "| Letters per second over {threads} threads ({letters} letters in {elapsed:.1} s) | ≥ 1,000/s | {per_second:.0}/s | {} |",
        if per_second >= 1000.0 { "met" } else { "**missed**" }
    )
    .unwrap();
    match &chromium {
        Ok(c) => writeln!(
            md,
            "| Headless Chromium `--print-to-pdf`, same letter as HTML (median of {}) | — | {} | {:.0}× slower |",
            c.runs,
            ms(c.median),
            c.median.as_secs_f64() / t_full.as_secs_f64()
        )
        .unwrap(),
        Err(e) => writeln!(md, "| Headless Chromium `--print-to-pdf` | — | not measured: {e} | |").unwrap(),
    }
    writeln!(
        md,
        "\n### What limits it\n\n\
         Of the {} the Sondernutzungserlaubnis takes, the template takes {} and the \
         layout (markup, line breaking, hyphenation, pagination) {}; the rest embeds \
         the fonts, compresses the streams and writes the PDF. Letters render \
         independently, so letters per second grow with the cores. How the renderer \
         is built for speed: [docs/performance.md](docs/performance.md#decision-letters).",
        ms(t_full),
        ms(t_template),
        ms(t_layout)
    )
    .unwrap();
    writeln!(md, "\n### One letter in detail\n").unwrap();
    writeln!(md, "| Step | Time |\n|---|---|").unwrap();
    writeln!(
        md,
        "| mean / median / p95 / max over all sample letters | {} / {} / {} / {} |",
        ms(mean),
        ms(median),
        ms(p95),
        ms(max)
    )
    .unwrap();
    writeln!(
        md,
        "| with `FontSubsets::Exact` instead of the shared subset: median, size per letter | {}, {:.1} KB |",
        ms(exact_median),
        exact_bytes as f64 / inputs.len() as f64 / 1000.0
    )
    .unwrap();
    writeln!(
        md,
        "| Sondernutzungserlaubnis (2 pages): template only (minijinja) | {} |",
        ms(t_template)
    )
    .unwrap();
    writeln!(
        md,
        "| … markup parse, line breaking, hyphenation, pagination | {} |",
        ms(t_layout)
    )
    .unwrap();
    writeln!(
        md,
        "| … whole letter (incl. font subsetting, compression, PDF) | {} |",
        ms(t_full)
    )
    .unwrap();
    writeln!(
        md,
        "| Parsing the four embedded fonts (once per process) | {} |",
        ms(font_load)
    )
    .unwrap();
    if let Ok(c) = &chromium {
        writeln!(
            md,
            "\nChromium: `{}` ({}), started fresh for each letter with a new profile directory, \
             as a letter service without a warm browser would; min {} / max {} over {} runs. \
             The HTML uses the same text, fonts (Liberation Sans via `@font-face`), logo and \
             DIN 5008 positions; its PDF is {:.1} KB and not PDF/A. The ratio compares its \
             median with the median of the same letter here ({}).",
            c.version,
            c.path.display(),
            ms(c.min),
            ms(c.max),
            c.runs,
            c.bytes as f64 / 1000.0,
            ms(t_full)
        )
        .unwrap();
    }
    writeln!(
        md,
        "\nThe 1-minute load average was {load_before} when the benchmark started and \
         {load_after} when it ended ({threads} = every core busy). Other processes' load \
         lowers the letters per second and raises p95 and max; the single-letter median \
         is the steadiest figure."
    )
    .unwrap();
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&args.out, &md).unwrap();
    print!("{md}");
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

struct ChromiumResult {
    runs: usize,
    median: Duration,
    min: Duration,
    max: Duration,
    bytes: usize,
    version: String,
    path: PathBuf,
}

fn find_chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

fn chromium_comparison(
    input: &LetterInput,
    markup: &str,
    letterhead: &Letterhead,
    runs: usize,
) -> Result<ChromiumResult, String> {
    if runs == 0 {
        return Err("--chromium-runs 0".into());
    }
    let path = find_chromium().ok_or("no chromium found (apt-get install chromium)")?;
    let version = Command::new(&path)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("casedesk-letters-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let html_path = dir.join("letter.html");
    std::fs::write(&html_path, html_letter(input, markup, letterhead))
        .map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    let mut bytes = 0;
    for run in 0..runs + 1 {
        let profile = dir.join(format!("profile-{run}"));
        let pdf = dir.join(format!("letter-{run}.pdf"));
        let t = Instant::now();
        let status = Command::new(&path)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", html_path.display()))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let elapsed = t.elapsed();
        if !status.success() {
            return Err(format!("chromium exited with {status}"));
        }
        bytes = std::fs::metadata(&pdf)
            .map(|m| m.len() as usize)
            .map_err(|e| e.to_string())?;
        // The first run warms the page cache and is not counted.
        if run > 0 {
            times.push(elapsed);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    times.sort();
    Ok(ChromiumResult {
        runs,
        median: percentile(&times, 0.5),
        min: times[0],
        max: *times.last().unwrap(),
        bytes,
        version,
        path,
    })
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn spans_html(spans: &[Span]) -> String {
    let mut out = String::new();
    for span in spans {
        let text = esc(&span.text).replace('\n', "<br>");
        match span.style {
            Style::Regular => out.push_str(&text),
            Style::Bold => write!(out, "<b>{text}</b>").unwrap(),
            Style::Italic => write!(out, "<i>{text}</i>").unwrap(),
            Style::BoldItalic => write!(out, "<b><i>{text}</i></b>").unwrap(),
        }
    }
    out
}

fn font_url(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fonts")
        .join(file);
    format!("file://{}", path.display())
}

/// The same letter as HTML with print CSS at the DIN 5008 positions.
fn html_letter(input: &LetterInput, markup: &str, letterhead: &Letterhead) -> String {
    let mut body = String::new();
    for block in parse(markup) {
        match block {
            Block::Heading(s) => writeln!(body, "<h3>{}</h3>", spans_html(&s)).unwrap(),
            Block::Paragraph(s) => writeln!(body, "<p>{}</p>", spans_html(&s)).unwrap(),
            Block::List(items) => {
                let ordered = items.first().is_some_and(|i| i.marker != "–");
                body.push_str(if ordered { "<ol>" } else { "<ul>" });
                for item in items {
                    write!(body, "<li>{}</li>", spans_html(&item.content)).unwrap();
                }
                body.push_str(if ordered { "</ol>\n" } else { "</ul>\n" });
            }
            Block::Table(t) => {
                body.push_str("<table>");
                let cell = |i: usize, tag: &str, s: &[Span]| {
                    let right = t.align.get(i) == Some(&Align::Right);
                    format!(
                        "<{tag}{}>{}</{tag}>",
                        if right { " class=r" } else { "" },
                        spans_html(s)
                    )
                };
                if let Some(h) = &t.header {
                    body.push_str("<tr>");
                    for (i, c) in h.iter().enumerate() {
                        body.push_str(&cell(i, "th", c));
                    }
                    body.push_str("</tr>");
                }
                for row in &t.rows {
                    body.push_str("<tr>");
                    for (i, c) in row.iter().enumerate() {
                        body.push_str(&cell(i, "td", c));
                    }
                    body.push_str("</tr>");
                }
                body.push_str("</table>\n");
            }
        }
    }
    let logo = include_bytes!("../assets/logo-demo.png");
    let logo = base64::engine::general_purpose::STANDARD.encode(logo);
    format!(
        r#"<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Bescheid</title><style>
@font-face {{ font-family: L; src: url("{regular}"); }}
@font-face {{ font-family: L; font-weight: bold; src: url("{bold}"); }}
@font-face {{ font-family: L; font-style: italic; src: url("{italic}"); }}
@page {{ size: A4; margin: 27mm 20mm 29mm 25mm; }}
@page :first {{ margin-top: 98.5mm; }}
body {{ font-family: L; font-size: 11pt; line-height: 13.5pt; margin: 0; hyphens: auto; }}
h3 {{ font-size: 11pt; margin: 11pt 0 2pt; break-after: avoid; }} p {{ margin: 0 0 7pt; orphans: 2; widows: 2; }}
table {{ width: 100%; border-collapse: collapse; }} td, th {{ text-align: left; padding: 2.5pt 0; border-bottom: 0.3pt solid #000; break-inside: avoid; }}
.r {{ text-align: right; }} ol, ul {{ padding-left: 7mm; }}
.abs {{ position: absolute; }} .mark {{ position: absolute; left: 3mm; width: 5mm; border-top: 0.3pt solid #000; }}
</style></head><body>
<div class=abs style="top:-83.5mm;left:0;font-size:20pt;font-weight:bold">{authority}</div>
<div class=abs style="top:-74mm;left:0">{subtitle}<br>{office}</div>
<img class=abs style="top:-88.5mm;right:0;height:26mm" src="data:image/png;base64,{logo}">
<div class=abs style="top:-40.3mm;left:0;font-size:7pt;text-decoration:underline">{ret}</div>
<div class=abs style="top:-35.8mm;left:0;font-size:10pt;line-height:12pt">{name}<br>{street}<br>{city}</div>
<div class=abs style="top:-48.5mm;left:100mm;font-size:9pt;line-height:11.5pt">Aktenzeichen {az}<br>Ansprechperson {contact}<br>Datum {date}</div>
{body}</body></html>"#,
        regular = font_url("LiberationSans-Regular.ttf"),
        bold = font_url("LiberationSans-Bold.ttf"),
        italic = font_url("LiberationSans-Italic.ttf"),
        authority = esc(&letterhead.authority),
        subtitle = esc(&letterhead.subtitle),
        office = esc(&input.contact.office),
        ret = esc(&letterhead.return_address),
        name = esc(&input.recipient.name),
        street = esc(&input.recipient.street),
        city = esc(&format!(
            "{} {}",
            input.recipient.postal_code, input.recipient.city
        )),
        az = esc(&input.aktenzeichen),
        contact = esc(&input.contact.name),
        date = input.letter_date.format("%d.%m.%Y"),
    )
}
