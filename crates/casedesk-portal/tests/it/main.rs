//! Integration tests of the portal: one binary, one module per concern.
//!
//! `conformance`, `seq_invariant`, `delivery` and `requests` run every test against SQLite and
//! PostgreSQL (`CASEDESK_TEST_PG_URL` must name a server where the test may create
//! databases; the README's test command starts one). `api` drives the router
//! in-process; `delivery` and `requests` serve it on `127.0.0.1:0` (`served`) and talks HTTP over
//! sockets; `e2e` starts the real binary and does the same.

mod api;
mod blobs_s3;
mod cli;
mod conformance;
mod delivery;
mod e2e;
mod requests;
mod seq_invariant;
mod served;
mod support;
