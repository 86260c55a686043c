//! `casedesk-portal`: the operator's command line.
//!
//! `serve` runs the portal, `migrate` prepares the database, `user add` creates staff
//! accounts, `seed` fills a database with synthetic cases for load tests, and
//! `deadline` computes a German administrative deadline.

use std::path::PathBuf;

use anyhow::{Context, bail};
use casedesk_demo as demo;
use casedesk_domain::deadline::{Period, period_end};
use casedesk_domain::lifecycle::Role;
use casedesk_portal::config::{Config, LogFormat};
use casedesk_portal::store::NewUser;
use casedesk_portal::{auth, server};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "casedesk-portal",
    version,
    about = "The Casedesk portal: system of record for citizen applications"
)]
struct Cli {
    /// A TOML configuration file (also CASEDESK_CONFIG).
    #[arg(long, global = true, env = "CASEDESK_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Commands,
}

#[derive(Args, Clone, Default)]
struct StorageArgs {
    /// Directory for the SQLite file, blobs and the upload spool.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// `postgres://user:password@host/db`; default is SQLite in the data directory.
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Commands {
    /// Run the portal.
    Serve {
        #[command(flatten)]
        storage: StorageArgs,
        /// Address to listen on, e.g. 0.0.0.0:8080 (port 0 picks a free port).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Create a demo tenant on first start and print its logins.
        #[arg(long)]
        demo: bool,
        /// Log as JSON lines.
        #[arg(long)]
        json_logs: bool,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate {
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Show or change the tenant's settings.
    Tenant {
        #[command(flatten)]
        storage: StorageArgs,
        /// How long after its announcement a fee falls due (`14d`, `2w`, `1m`);
        /// without it, the settings are only shown.
        #[arg(long)]
        fee_due_after: Option<Period>,
    },
    /// Add synthetic cases (creates the demo tenant first if the database is empty).
    Seed {
        #[command(flatten)]
        storage: StorageArgs,
        #[arg(long)]
        cases: u32,
    },
    /// Print the end date of a period under §31 VwVfG / §§187–193 BGB (NRW holidays).
    Deadline {
        /// The day of the triggering event, YYYY-MM-DD.
        #[arg(long)]
        start: NaiveDate,
        /// Length: `14d`, `2w` or `1m`.
        #[arg(long)]
        period: Period,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a staff member.
    Add {
        #[command(flatten)]
        storage: StorageArgs,
        /// Login name.
        #[arg(long)]
        name: String,
        /// Password (or CASEDESK_PASSWORD).
        #[arg(long, env = "CASEDESK_PASSWORD", hide_env_values = true)]
        password: String,
        /// caseworker, team_lead or admin.
        #[arg(long)]
        role: String,
        /// Office code; repeat for several offices.
        #[arg(long = "office", required = true)]
        offices: Vec<String>,
        /// Name shown to colleagues; defaults to the login name.
        #[arg(long)]
        display_name: Option<String>,
    },
}

fn load_config(cli_config: Option<&PathBuf>, storage: &StorageArgs) -> anyhow::Result<Config> {
    let mut config =
        Config::load(cli_config.map(PathBuf::as_path)).context("reading configuration")?;
    if let Some(dir) = &storage.data_dir {
        config.data_dir = dir.clone();
    }
    if let Some(url) = &storage.database_url {
        config.database_url = Some(url.clone());
    }
    Ok(config)
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Commands::Deadline { start, period } => {
            let end = period_end(start, period)?;
            println!("{end}");
        }
        Commands::Serve {
            storage,
            listen,
            demo,
            json_logs,
        } => {
            let mut config = load_config(cli.config.as_ref(), &storage)?;
            if let Some(listen) = listen {
                config.listen = listen;
            }
            if json_logs {
                config.log_format = LogFormat::Json;
            }
            serve(config, demo).await?;
        }
        Commands::Migrate { storage } => {
            let config = load_config(cli.config.as_ref(), &storage)?;
            init_logging(config.log_format);
            let state = server::open_state(config).await?;
            println!("database is at schema head ({})", state.db.backend());
        }
        Commands::User {
            command:
                UserCommand::Add {
                    storage,
                    name,
                    password,
                    role,
                    offices,
                    display_name,
                },
        } => {
            let config = load_config(cli.config.as_ref(), &storage)?;
            init_logging(config.log_format);
            let Some(role) = Role::parse(&role) else {
                bail!("role must be caseworker, team_lead or admin");
            };
            let user = NewUser {
                display_name: display_name.unwrap_or_else(|| name.clone()),
                name,
                role,
                password_hash: String::new(),
                office_codes: offices,
            };
            add_user(config, user, &password).await?;
        }
        Commands::Tenant {
            storage,
            fee_due_after,
        } => {
            let config = load_config(cli.config.as_ref(), &storage)?;
            init_logging(config.log_format);
            let state = server::open_state(config).await?;
            if let Some(period) = fee_due_after {
                state.db.set_fee_due_after(period).await?;
                tracing::info!(%period, "fee due period changed");
            }
            println!("fee_due_after = {}", state.db.fee_due_after().await?);
        }
        Commands::Seed { storage, cases } => {
            let config = load_config(cli.config.as_ref(), &storage)?;
            init_logging(config.log_format);
            let state = server::open_state(config).await?;
            if state.db.is_empty().await? {
                demo::create_demo_tenant(&stores(&state)).await?;
            }
            let report = demo::seed_cases(&stores(&state), cases).await?;
            println!("{report}");
        }
    }
    Ok(())
}

/// `serve`: opens the store, creates the demo tenant if asked and the database is
/// empty, and serves until stopped.
async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    init_logging(config.log_format);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    let address = listener.local_addr()?;
    let state = server::open_state(config).await?;
    let base = state
        .config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}"));
    if demo && state.db.is_empty().await? {
        let logins = demo::create_demo_tenant(&stores(&state)).await?;
        println!("Casedesk demo tenant created.");
        println!("Portal:   {base}");
        println!("OpenAPI:  {base}/api/openapi.json");
        println!("Health:   {base}/healthz");
        println!("Demo logins:");
        for login in logins {
            println!("{login}");
        }
        println!(
            "Citizens: each demo applicant's e-mail / {}",
            demo::CITIZEN_PASSWORD
        );
    }
    // Tests and scripts read this line to find a port chosen by the OS.
    println!("casedesk-portal listening on http://{address}");
    server::serve(state, listener).await
}

/// `user add`: a staff account with its password hashed and its offices.
async fn add_user(config: Config, mut user: NewUser, password: &str) -> anyhow::Result<()> {
    if password.chars().count() < 10 {
        bail!("the password must have at least 10 characters");
    }
    let state = server::open_state(config).await?;
    user.password_hash = auth::hash_password(password)?;
    let role = user.role;
    let user = state.db.create_user(user).await?;
    println!(
        "created {} ({}) in {}",
        user.name,
        role.as_str(),
        user.offices
            .iter()
            .map(|o| o.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

/// What the demo tenant and the seeder write to.
fn stores(state: &casedesk_portal::api::AppState) -> demo::Stores<'_> {
    demo::Stores {
        db: state.db.as_ref(),
        blobs: &state.blobs,
    }
}
