//! The command line's grammar: subcommands, their options and the values they take,
//! as clap parses them. What each subcommand does is `main.rs`'s `execute`.

use std::path::PathBuf;

use casedesk_domain::aggregate::NoticeKind;
use casedesk_domain::delivery::DeliveryChannel;
use casedesk_domain::lifecycle::Outcome;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use uuid::Uuid;

#[derive(Debug, Parser)]
#[command(
    name = "casedesk",
    version,
    about = "Casedesk desktop engine on the command line"
)]
pub struct Cli {
    /// Where the local store and document cache live (default: the platform's data
    /// directory for Casedesk).
    #[arg(long, global = true, env = "CASEDESK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Log in to a portal; the password comes from CASEDESK_PASSWORD or a prompt.
    Login {
        #[arg(long)]
        portal: String,
        #[arg(long)]
        user: String,
    },
    /// Log out; the outbox is kept unless --wipe, which deletes the local cache too.
    Logout {
        #[arg(long)]
        wipe: bool,
    },
    /// Sync with the portal: once, or continuously until interrupted.
    Sync {
        #[arg(long)]
        once: bool,
        /// Skip downloading the documents of the user's cases.
        #[arg(long)]
        no_prefetch: bool,
    },
    /// Connection, last sync, pending and refused commands.
    Status,
    /// List cases.
    Inbox(InboxArgs),
    /// Full-text search over Aktenzeichen, applicant, address, form data and notes.
    Search {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Show one case with everything it holds.
    Show { case: String },
    /// Save a document of a case to a file (verified against its SHA-256).
    Document {
        case: String,
        /// The document's id, file name or number in `show` (1, 2, …).
        document: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Take an unassigned case.
    Claim { case: String },
    /// Give back a case.
    Release { case: String },
    /// Assign a case to a member of staff (team leads).
    Assign {
        case: String,
        /// User name of the new assignee.
        #[arg(long)]
        to: String,
    },
    /// Add an internal note.
    Note { case: String, text: String },
    /// Accept or reject a document.
    Review {
        case: String,
        /// The document's id, file name or number in `show` (1, 2, …).
        document: String,
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        accept: bool,
        #[arg(long)]
        reject: bool,
        #[arg(long, required_if_eq("reject", "true"))]
        reason: Option<String>,
    },
    /// Ask the citizen for missing items.
    RequestItems {
        case: String,
        /// An item, as `DESCRIPTION` or `KIND:DESCRIPTION` (KIND = the service's
        /// required-document key). Repeat for several.
        #[arg(long = "item", required = true)]
        items: Vec<String>,
        #[arg(long)]
        reason: String,
        /// Answer deadline, YYYY-MM-DD: a working day.
        #[arg(long)]
        due: NaiveDate,
        #[arg(long)]
        message: String,
    },
    /// Hear the citizen before a burdensome decision (Anhörung, § 28 VwVfG NRW).
    Hearing {
        case: String,
        /// What the office intends to decide, and on which facts.
        #[arg(long)]
        intended: String,
        /// Until when the citizen may comment, YYYY-MM-DD (a working day; default:
        /// the answer period of the service's law).
        #[arg(long)]
        due: Option<NaiveDate>,
        /// What the citizen reads with it in the portal.
        #[arg(long)]
        message: String,
        /// Also save the hearing letter (PDF) to this file.
        #[arg(long)]
        letter_out: Option<PathBuf>,
    },
    /// Record the decision.
    Decide {
        case: String,
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
        /// The fee in cent (default: the fee the service's law assesses for the
        /// outcome).
        #[arg(long)]
        fee_cents: Option<i64>,
        /// Your reasons for this case (§ 39 VwVfG NRW); required for a rejection or
        /// partial approval.
        #[arg(long)]
        reasons: Option<String>,
        /// For a partial approval: what is granted and what is refused.
        #[arg(long)]
        partial_note: Option<String>,
        /// How the Bescheid reaches the citizen (default: what the law requires, else
        /// the portal where the applicant consented, else post).
        #[arg(long, value_enum)]
        channel: Option<ChannelArg>,
        /// The decision letter (PDF); uploaded before the decision is sent.
        #[arg(long, conflicts_with = "render")]
        letter: Option<PathBuf>,
        /// Render the decision letter from the synced templates and attach it.
        #[arg(long)]
        render: bool,
    },
    /// Record that the Bescheid (or a notice) was handed to the post or served.
    Dispatch {
        case: String,
        /// The day, YYYY-MM-DD (default: today).
        #[arg(long)]
        on: Option<NaiveDate>,
        /// The notice's id (`show` lists them); without it, the decision.
        #[arg(long)]
        notice: Option<Uuid>,
    },
    /// Issue a fee or tax notice after the decision, with its letter.
    Notice {
        case: String,
        #[arg(long, value_enum)]
        kind: NoticeArg,
        /// The amount in cent (default: the case's fee, or the yearly tax).
        #[arg(long)]
        amount_cents: Option<i64>,
        /// Default: post for a tax notice, as for the decision for a fee notice.
        #[arg(long, value_enum)]
        channel: Option<ChannelArg>,
    },
    /// Letters rendered from the synced templates and letterhead.
    Letter {
        #[command(subcommand)]
        action: LetterCmd,
    },
    /// The outbox: list, retry or discard refused commands.
    Outbox {
        #[command(subcommand)]
        action: Option<OutboxCmd>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCmd {
    List,
    /// Queue a refused command again on the case's current state.
    Retry {
        command_id: Uuid,
    },
    /// Drop a refused command.
    Discard {
        command_id: Uuid,
    },
}

#[derive(Debug, Subcommand)]
pub enum LetterCmd {
    /// Render one letter from the local store to a PDF file (works offline).
    Render(RenderArgs),
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The case (Aktenzeichen or id).
    #[arg(long)]
    pub case: String,
    /// A decision with this outcome.
    #[arg(long, value_enum, required_unless_present_any = ["items_request", "hearing", "fee_notice", "tax_notice"])]
    pub outcome: Option<OutcomeArg>,
    /// The letter form of the open request for missing items.
    #[arg(long, conflicts_with_all = ["outcome", "hearing", "fee_notice", "tax_notice"])]
    pub items_request: bool,
    /// The letter of the open hearing (Anhörung).
    #[arg(long, conflicts_with_all = ["outcome", "items_request", "fee_notice", "tax_notice"])]
    pub hearing: bool,
    /// A separate fee notice.
    #[arg(long, conflicts_with_all = ["outcome", "items_request", "hearing", "tax_notice"])]
    pub fee_notice: bool,
    /// A tax notice.
    #[arg(long, conflicts_with_all = ["outcome", "items_request", "hearing", "fee_notice"])]
    pub tax_notice: bool,
    /// For a decision: your reasons for this case.
    #[arg(long)]
    pub reasons: Option<String>,
    /// For a decision or notice: how it reaches the citizen (default: post).
    #[arg(long, value_enum)]
    pub channel: Option<ChannelArg>,
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutcomeArg {
    Approved,
    Rejected,
    Partial,
    Receipted,
}

impl OutcomeArg {
    pub fn outcome(self) -> Outcome {
        match self {
            OutcomeArg::Approved => Outcome::Approved,
            OutcomeArg::Rejected => Outcome::Rejected,
            OutcomeArg::Partial => Outcome::Partial,
            OutcomeArg::Receipted => Outcome::Receipted,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ChannelArg {
    Post,
    Portal,
    Zustellung,
}

impl ChannelArg {
    pub fn channel(self) -> DeliveryChannel {
        match self {
            ChannelArg::Post => DeliveryChannel::Post,
            ChannelArg::Portal => DeliveryChannel::Portal,
            ChannelArg::Zustellung => DeliveryChannel::Zustellung,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NoticeArg {
    Fee,
    Tax,
}

impl NoticeArg {
    pub fn kind(self) -> NoticeKind {
        match self {
            NoticeArg::Fee => NoticeKind::Fee,
            NoticeArg::Tax => NoticeKind::Tax,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortArg {
    Due,
    Received,
    Aktenzeichen,
    Applicant,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutboxArg {
    Pending,
    Rejected,
    Any,
}

#[derive(Debug, Args)]
pub struct InboxArgs {
    /// Only these statuses (submitted, in_review, awaiting_citizen, decided, closed,
    /// withdrawn); default: the open ones. Repeat for several.
    #[arg(long = "status")]
    pub statuses: Vec<String>,
    /// Every status.
    #[arg(long, conflicts_with = "statuses")]
    pub all: bool,
    #[arg(long)]
    pub service: Option<String>,
    /// me, unassigned, any, or a user id.
    #[arg(long, default_value = "any")]
    pub assignee: String,
    /// Office code (e.g. 32) or id.
    #[arg(long)]
    pub office: Option<String>,
    #[arg(long, conflicts_with = "due_within")]
    pub overdue: bool,
    /// Due within this many days.
    #[arg(long)]
    pub due_within: Option<u32>,
    #[arg(long, value_enum)]
    pub outbox: Option<OutboxArg>,
    /// Only cases where the citizen answered or wrote last.
    #[arg(long)]
    pub answered: bool,
    /// Full-text filter.
    #[arg(long)]
    pub text: Option<String>,
    #[arg(long, value_enum, default_value = "due")]
    pub sort: SortArg,
    #[arg(long)]
    pub desc: bool,
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
}
