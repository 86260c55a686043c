//! Integration tests of the portal: one binary, one module per concern.
//!
//! `conformance` and `seq_invariant` run every test against SQLite and PostgreSQL
//! (`CASEDESK_TEST_PG_URL` must name a server where the test may create databases;
//! the README's test command starts one). `api` drives the router in-process; `e2e`
//! starts the real binary on `127.0.0.1:0` and talks HTTP over sockets.

mod api;
mod blobs_s3;
mod cli;
mod conformance;
mod e2e;
mod seq_invariant;
mod support;
