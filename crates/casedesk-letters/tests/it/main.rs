//! The integration tests of casedesk-letters: real letters checked with real tools
//! (qpdf, pdffonts, pdftotext from poppler), snapshots of every template's text,
//! the requirements of the legal review, the pagination property and determinism.

mod support;

mod determinism;
mod din5008;
mod legal;
mod logo;
mod pagination;
mod pdf_tools;
mod templates;
