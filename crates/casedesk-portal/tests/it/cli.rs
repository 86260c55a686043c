//! The command line: `deadline` prints a date and nothing else; bad input fails clearly.

use std::process::Command;

fn portal() -> Command {
    Command::new(env!("CARGO_BIN_EXE_casedesk-portal"))
}

fn deadline(start: &str, period: &str) -> std::process::Output {
    portal()
        .args(["deadline", "--start", start, "--period", period])
        .output()
        .expect("run casedesk-portal")
}

#[test]
fn deadline_prints_only_the_end_date() {
    for (start, period, end) in [
        ("2026-12-18", "14d", "2027-01-04"),
        ("2026-12-18", "2w", "2027-01-04"),
        ("2026-12-18", "1m", "2027-01-18"),
        ("2026-01-31", "1m", "2026-03-02"),
        ("2026-03-20", "2w", "2026-04-07"),
    ] {
        let output = deadline(start, period);
        assert!(output.status.success(), "{start} + {period} failed");
        assert_eq!(
            String::from_utf8(output.stdout).unwrap(),
            format!("{end}\n")
        );
    }
}

#[test]
fn deadline_refuses_bad_input_with_a_message() {
    for (start, period) in [
        ("2026-12-18", "14x"),
        ("2026-13-01", "1d"),
        ("2026-12-18", "-1d"),
        ("2199-12-30", "1m"),
    ] {
        let output = deadline(start, period);
        assert!(!output.status.success(), "{start} + {period} accepted");
        assert!(output.stdout.is_empty());
        assert!(!output.stderr.is_empty());
    }
}
