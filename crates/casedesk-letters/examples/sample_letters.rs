//! Writes every sample letter as a PDF into a directory, for looking at them:
//! `cargo run -p casedesk-letters --example sample_letters -- target/letters`.

use casedesk_letters::{Letterhead, RenderOptions, TemplateSet, render, sample};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/letters".into());
    std::fs::create_dir_all(&dir)?;
    let templates = TemplateSet::defaults();
    let letterhead = Letterhead::demo();
    let options = RenderOptions::at(chrono::DateTime::UNIX_EPOCH);
    for input in sample::every_letter() {
        let pdf = render(&templates, &letterhead, &input, &options)?;
        let path = format!("{dir}/{}.pdf", input.template_name());
        std::fs::write(&path, pdf)?;
        println!("{path}");
    }
    Ok(())
}
