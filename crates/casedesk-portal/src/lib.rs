//! The Casedesk portal: the system of record.
//!
//! It stores cases (SQLite or PostgreSQL, see [`store`]) and documents (local disk or
//! S3, see [`blobs`]), serves the office sync API desktop clients pull from and the
//! citizen API the service portal submits through (see [`api`]), and runs the
//! operator's command line (see `main.rs`).

pub mod api;
pub mod auth;
pub mod blobs;
pub mod config;
pub mod demo;
pub mod seed;
pub mod server;
pub mod store;
