//! The Casedesk domain: what the portal and the desktop agree on.
//!
//! This crate has no I/O. It holds the case lifecycle as an explicit state machine,
//! the commands caseworkers, team leads, citizens and the system issue against a case,
//! the events those commands produce, the case aggregate that folds the events, the
//! wire types of both HTTP APIs, the zstd frames aggregates are synced and kept in
//! (`frames`) and the German deadline rules. The portal persists what
//! this crate decides; the desktop applies the same rules optimistically offline.

pub mod aggregate;
pub mod aktenzeichen;
pub mod catalog;
pub mod command;
pub mod deadline;
pub mod delivery;
pub mod digest;
pub mod event;
pub mod file_name;
pub mod frames;
pub mod holidays;
pub mod kassenzeichen;
pub mod law;
pub mod lifecycle;
pub mod offer;
pub mod wire;

pub use aggregate::CaseAggregate;
pub use aktenzeichen::Aktenzeichen;
pub use command::{Command, CommandAnswer, CommandKind, Rejection, RejectionCode};
pub use event::{EventKind, HistoryEntry};
pub use lifecycle::{Action, ActorRef, CaseStatus, Outcome, Party, Role};
