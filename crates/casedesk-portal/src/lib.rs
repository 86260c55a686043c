//! The Casedesk portal: the system of record.
//!
//! It keeps cases (SQLite or PostgreSQL) and documents (local disk or S3) through the
//! `casedesk-portal-store` crate, re-exported here as [`store`] and [`blobs`]; serves
//! the office sync API desktop clients pull from and the citizen API the service
//! portal submits through (see [`api`]); runs its background jobs (see [`jobs`]);
//! and runs the operator's command line (see `main.rs`), which builds the demo
//! tenant through the `casedesk-demo` crate.

pub mod api;
pub mod auth;
pub use casedesk_portal_store::blobs;
pub mod config;
pub mod jobs;
pub mod server;
pub use casedesk_portal_store as store;
