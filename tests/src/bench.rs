//! What the benchmarks share for their reports: percentiles, the verdict on a target,
//! the machine they ran on and how busy it was, and Markdown tables. Each benchmark
//! writes one Markdown section, which its script splices into BENCHMARKS.md.

use std::fmt;
use std::path::Path;

/// The nearest-rank percentile `p` (0–100) of `samples`, `None` when there are none.
/// The median is `percentile(samples, 50.0)`, the maximum `percentile(samples, 100.0)`.
pub fn percentile<T: Copy + PartialOrd>(samples: &[T], p: f64) -> Option<T> {
    let mut sorted = samples.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted.len().max(1)) - 1;
    sorted.get(index).copied()
}

/// The median of `samples`, `NaN` when there are none (it prints as "NaN", which a
/// reader notices).
pub fn median(samples: &[f64]) -> f64 {
    percentile(samples, 50.0).unwrap_or(f64::NAN)
}

/// The largest of `samples`, `NaN` when there are none.
pub fn max(samples: &[f64]) -> f64 {
    percentile(samples, 100.0).unwrap_or(f64::NAN)
}

/// How a report says whether a target was met; a miss stands out in bold.
pub fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}

/// The system load averages over 1, 5 and 15 minutes (`/proc/loadavg`); empty where
/// the system does not say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadAverage {
    pub one: String,
    pub five: String,
    pub fifteen: String,
}

impl LoadAverage {
    pub fn now() -> LoadAverage {
        LoadAverage::parse(&read("/proc/loadavg"))
    }

    fn parse(text: &str) -> LoadAverage {
        let mut figures = text.split_whitespace().map(str::to_owned);
        LoadAverage {
            one: figures.next().unwrap_or_default(),
            five: figures.next().unwrap_or_default(),
            fifteen: figures.next().unwrap_or_default(),
        }
    }
}

/// The three figures, as `/proc/loadavg` gives them: "1.95 1.37 1.44".
impl fmt::Display for LoadAverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.one, self.five, self.fifteen)
    }
}

/// The machine a benchmark runs on, for its report.
#[derive(Debug, Clone)]
pub struct Machine {
    /// The CPU's model name, or "unknown".
    pub cpu: String,
    /// The cores the process may use.
    pub cores: usize,
    /// Physical memory, as "23.5 GiB", or "unknown".
    pub memory: String,
    /// The distribution's name, or the OS family.
    pub os: String,
    /// The kernel release.
    pub kernel: String,
}

impl Machine {
    pub fn this() -> Machine {
        let cpu = read("/proc/cpuinfo")
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map_or_else(|| "unknown".to_owned(), |(_, m)| m.trim().to_owned());
        let memory = read("/proc/meminfo")
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|l| l.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or_else(
                || "unknown".to_owned(),
                |kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0),
            );
        let os = read("/etc/os-release")
            .lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|n| n.trim_matches('"').to_owned())
            .unwrap_or_else(|| std::env::consts::OS.to_owned());
        Machine {
            cpu,
            cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
            memory,
            os,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
        }
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// A Markdown table: a header row, then rows of cells. An empty cell prints as
/// `| |`.
#[derive(Debug, Clone, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: ToString>(header: impl IntoIterator<Item = S>) -> Table {
        Table {
            header: header.into_iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row<S: ToString>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut Table {
        self.rows
            .push(cells.into_iter().map(|c| c.to_string()).collect());
        self
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |f: &mut fmt::Formatter<'_>, cells: &[String]| {
            f.write_str("|")?;
            for cell in cells {
                if cell.is_empty() {
                    f.write_str(" |")?;
                } else {
                    write!(f, " {cell} |")?;
                }
            }
            f.write_str("\n")
        };
        line(f, &self.header)?;
        writeln!(f, "|{}", "---|".repeat(self.header.len()))?;
        for row in &self.rows {
            line(f, row)?;
        }
        Ok(())
    }
}

/// The targets of a report: what is measured, the target, the measured figure and
/// the verdict.
#[derive(Debug, Clone)]
pub struct Targets(Table);

impl Targets {
    pub fn new() -> Targets {
        Targets(Table::new(["Measure", "Target", "Measured", ""]))
    }

    pub fn row(
        &mut self,
        measure: impl ToString,
        target: impl ToString,
        measured: impl ToString,
        verdict: impl ToString,
    ) -> &mut Targets {
        self.0.row([
            measure.to_string(),
            target.to_string(),
            measured.to_string(),
            verdict.to_string(),
        ]);
        self
    }
}

impl Default for Targets {
    fn default() -> Targets {
        Targets::new()
    }
}

impl fmt::Display for Targets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Writes a benchmark's section to `path`, creating its folder, and prints it.
pub fn save(path: &Path, section: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, section)?;
    println!("{section}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn percentiles_are_nearest_rank() {
        let samples = [5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(percentile(&samples, 50.0), Some(3.0));
        assert_eq!(percentile(&samples, 95.0), Some(5.0));
        assert_eq!(percentile(&samples, 0.0), Some(1.0));
        assert_eq!(max(&samples), 5.0);
        assert_eq!(median(&[929.0, 756.0, 639.0]), 756.0);
        let durations: Vec<Duration> = (1..=30).map(Duration::from_millis).collect();
        assert_eq!(
            percentile(&durations, 95.0),
            Some(Duration::from_millis(29))
        );
        assert_eq!(percentile::<f64>(&[], 50.0), None);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn a_table_prints_empty_cells_as_in_the_reports() {
        let mut targets = Targets::new();
        targets.row("One letter", "≤ 2 ms", "0.551 ms", verdict(true));
        targets.row("Chromium", "—", "", verdict(false));
        assert_eq!(
            targets.to_string(),
            "| Measure | Target | Measured | |\n\
             |---|---|---|---|\n\
             | One letter | ≤ 2 ms | 0.551 ms | met |\n\
             | Chromium | — | | **missed** |\n"
        );
        assert_eq!(
            Table::new(["", ""]).row(["CPU", "Xeon"]).to_string(),
            "| | |\n|---|---|\n| CPU | Xeon |\n"
        );
    }

    #[test]
    fn the_load_average_keeps_its_three_figures() {
        let load = LoadAverage::parse("1.95 1.37 1.44 2/345 6789\n");
        assert_eq!(load.one, "1.95");
        assert_eq!(load.to_string(), "1.95 1.37 1.44");
        assert_eq!(LoadAverage::parse("").to_string(), "  ");
    }
}
