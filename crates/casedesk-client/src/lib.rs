//! The Casedesk desktop engine: a local cache of the office inbox that keeps working
//! offline, synced with the portal; the outbox of the user's commands; the document
//! cache; credentials in the OS keyring. A plain library: the Tauri shell and the
//! `casedesk` command line are thin front ends over [`Desk`].
//!
//! Architecture invariant: nothing here knows about Tauri or a window. The UI learns
//! about changes from [`Desk::subscribe`], never by polling.

pub mod blobs;
pub mod case_law;
mod codec;
pub mod credentials;
pub mod error;
pub mod feed;
pub mod inbox;
mod issuing;
pub mod letters;
pub mod outbox;
pub mod portal;
mod records;
mod status;
pub mod store;
pub mod sync;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use casedesk_domain::aggregate::Verdict;
use casedesk_domain::command::CommandKind;
use casedesk_domain::wire::{ServiceDefinition, UserInfo};
use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::{Notify, RwLock, broadcast, watch};
use uuid::Uuid;

pub use blobs::{BlobCache, Document};
pub use case_law::{AnswerDeadline, CaseLaw, ChannelChoice, DeliveryView, OutcomeChoice};
pub use casedesk_letters::LetterKind;
pub use credentials::Credentials;
pub use error::{ClientError, ErrorCode, ErrorPayload, Result};
pub use feed::{Change, ChangeFeed, Connection, SyncStatus};
pub use inbox::{
    AssigneeFilter, CaseDetail, DueFilter, InboxFilter, InboxRow, InboxSort, OutboxFilter, SortKey,
    StatusFilter,
};
pub use issuing::{DecisionDraft, HearingDraft, ItemsRequestDraft, NoticeDraft};
pub use letters::LetterRequest;
pub use outbox::{OutboxEntry, OutboxState};
pub use portal::Portal;
pub use store::{LocalStore, Me};
pub use sync::{BootstrapTimings, SyncReport};
pub use tokio_util::sync::CancellationToken;

use store::keys;

/// Which documents to download ahead of need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prefetch {
    /// Every document of the cases assigned to the user.
    #[default]
    AssignedToMe,
    None,
}

/// Settings of the engine.
#[derive(Debug, Clone)]
pub struct DeskConfig {
    /// Holds `casedesk.db` and `blobs/`.
    pub data_dir: PathBuf,
    /// The application's name in the OS credential store.
    pub keyring_service: String,
    pub blob_budget_bytes: u64,
    pub prefetch: Prefetch,
    /// The safety-net pull while following the live stream.
    pub periodic_pull: Duration,
    /// Cases per bootstrap transaction.
    pub bootstrap_batch: usize,
}

impl DeskConfig {
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            keyring_service: "casedesk".into(),
            blob_budget_bytes: 2 * 1024 * 1024 * 1024,
            prefetch: Prefetch::AssignedToMe,
            periodic_pull: Duration::from_secs(60),
            bootstrap_batch: 2000,
        }
    }

    /// [`DeskConfig::new`] with what the environment sets, under the same names for
    /// the desktop app and the command line: `CASEDESK_KEYRING_SERVICE` (the name in
    /// the credential store) and `CASEDESK_BLOB_BUDGET_BYTES` (the document cache's
    /// size). Unset or blank variables keep the defaults.
    pub fn from_env(data_dir: PathBuf) -> std::result::Result<Self, ConfigError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut config = Self::new(data_dir);
        if let Some(service) = var("CASEDESK_KEYRING_SERVICE") {
            config.keyring_service = service;
        }
        if let Some(budget) = var("CASEDESK_BLOB_BUDGET_BYTES") {
            config.blob_budget_bytes =
                budget.trim().parse().map_err(|_| ConfigError::NotANumber {
                    name: "CASEDESK_BLOB_BUDGET_BYTES",
                    value: budget,
                })?;
        }
        Ok(config)
    }
}

/// A setting from the environment that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} must be a number of bytes, not {value:?}")]
    NotANumber { name: &'static str, value: String },
}

/// What became of one case of a batch of decisions.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BatchItem {
    pub case_key: String,
    /// The queued decision, or `null` when the case was refused.
    pub entry: Option<OutboxEntry>,
    pub error: Option<ErrorPayload>,
}

/// A logged-in user on a portal.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub portal: Portal,
    pub me: Me,
}

pub(crate) struct Inner {
    pub config: DeskConfig,
    pub store: LocalStore,
    pub blobs: BlobCache,
    pub feed: ChangeFeed,
    pub session: RwLock<Option<Session>>,
    pub status: watch::Sender<SyncStatus>,
    pub outbox_added: Notify,
    pub login_changed: Notify,
}

/// The engine: one per data directory.
#[derive(Clone)]
pub struct Desk {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("data_dir", &self.inner.config.data_dir)
            .finish()
    }
}

impl Desk {
    /// Opens the local store in `config.data_dir`; the session of the last user is
    /// picked up from the keyring when it is first needed.
    pub async fn open(config: DeskConfig) -> Result<Self> {
        let store = LocalStore::open(&config.data_dir.join("casedesk.db")).await?;
        let blobs = BlobCache::new(
            config.data_dir.join("blobs"),
            store.clone(),
            config.blob_budget_bytes,
        );
        let session = match (
            store.state(keys::PORTAL).await?,
            store.state(keys::USER_NAME).await?,
            store.user().await?,
        ) {
            (Some(portal), Some(user_name), Some(info)) => Some(Session {
                portal: Portal::new(
                    &portal,
                    Credentials::new(&config.keyring_service, &portal, &user_name),
                )?,
                me: Me::new(info),
            }),
            _ => None,
        };
        if store.state(keys::BOOTSTRAP_DONE).await?.is_some() {
            // A complete store has every inbox index (a bootstrap interrupted by a
            // crash builds them when it finishes).
            let mut conn = store.writer.acquire().await?;
            store::create_case_indexes(&mut conn).await?;
        }
        let (pending, rejected) = store.outbox_counts().await?;
        let cursor = store.state_i64(keys::CURSOR).await?.unwrap_or(0);
        let last_sync = store
            .state(keys::LAST_SYNC)
            .await?
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
            .map(|t| t.with_timezone(&Utc));
        // Offline and a refused session survive a restart: the status light says
        // since when, or that a login is needed.
        let connection = match (
            store.state(keys::LOGIN_REQUIRED).await?,
            store
                .state(keys::OFFLINE_SINCE)
                .await?
                .and_then(|s| DateTime::parse_from_rfc3339(&s).ok()),
            store.state(keys::OFFLINE_REASON).await?,
        ) {
            (Some(_), _, _) => Connection::LoginRequired,
            (None, Some(since), reason) => Connection::Offline {
                since: since.with_timezone(&Utc),
                reason: reason.unwrap_or_default(),
            },
            _ => Connection::Idle,
        };
        let (status, _) = watch::channel(SyncStatus {
            connection,
            last_sync,
            pending,
            rejected,
            cursor,
            revision: 0,
        });
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                store,
                blobs,
                feed: ChangeFeed::new(),
                session: RwLock::new(session),
                status,
                outbox_added: Notify::new(),
                login_changed: Notify::new(),
            }),
        })
    }

    pub fn store(&self) -> &LocalStore {
        &self.inner.store
    }

    pub fn blobs(&self) -> &BlobCache {
        &self.inner.blobs
    }

    pub fn config(&self) -> &DeskConfig {
        &self.inner.config
    }

    /// The change feed; the UI redraws on what it receives.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.inner.feed.subscribe()
    }

    /// The current sync status.
    pub fn status(&self) -> SyncStatus {
        self.inner.status.borrow().clone()
    }

    pub(crate) async fn session(&self) -> Result<Session> {
        self.inner
            .session
            .read()
            .await
            .clone()
            .ok_or(ClientError::NotLoggedIn)
    }

    /// The signed-in user, if any.
    pub async fn me(&self) -> Option<UserInfo> {
        self.inner
            .session
            .read()
            .await
            .as_ref()
            .map(|s| s.me.info.clone())
    }

    /// The portal address and user name of the last login (for the login form).
    pub async fn last_login(&self) -> Result<Option<(String, String)>> {
        let store = &self.inner.store;
        Ok(
            match (
                store.state(keys::PORTAL).await?,
                store.state(keys::USER_NAME).await?,
            ) {
                (Some(portal), Some(user)) => Some((portal, user)),
                _ => None,
            },
        )
    }

    /// Whether a session token is stored for the last user.
    pub async fn has_session(&self) -> Result<bool> {
        match self.inner.session.read().await.as_ref() {
            Some(session) => session.portal.has_session().await,
            None => Ok(false),
        }
    }

    /// Logs in. A local store that belongs to another user or portal is emptied first,
    /// unless it still holds that user's unsent commands.
    pub async fn login(&self, portal_url: &str, user: &str, password: &str) -> Result<UserInfo> {
        let base = portal::normalise_base(portal_url)?;
        let portal = Portal::new(
            &base,
            Credentials::new(&self.inner.config.keyring_service, &base, user),
        )?;
        let store = &self.inner.store;
        if let Some((old_portal, old_user)) = self.last_login().await?
            && (old_portal != base || old_user != user)
        {
            let (pending, rejected) = store.outbox_counts().await?;
            if pending + rejected > 0 {
                return Err(ClientError::ForeignCache {
                    owner: format!("{old_user} ({old_portal})"),
                    pending: pending + rejected,
                });
            }
            store.wipe().await?;
            self.remove_blob_files().await?;
        }
        let info = portal.login(user, password).await?;
        store.set_state(keys::PORTAL, &base).await?;
        store.set_state(keys::USER_NAME, user).await?;
        store
            .set_state(keys::USER, &serde_json::to_string(&info)?)
            .await?;
        *self.inner.session.write().await = Some(Session {
            portal,
            me: Me::new(info.clone()),
        });
        self.set_connection(Connection::Idle).await;
        self.inner.login_changed.notify_waiters();
        Ok(info)
    }

    /// Logs out: ends the session and removes the tokens from the keyring. The outbox
    /// stays unless `wipe`, which also deletes the local cache and documents.
    pub async fn logout(&self, wipe: bool) -> Result<()> {
        let session = self.inner.session.write().await.take();
        if let Some(session) = session {
            session.portal.logout().await?;
        }
        if wipe {
            self.inner.store.wipe().await?;
            letters::wipe(&self.inner.store).await?;
            self.remove_blob_files().await?;
        }
        self.set_connection(Connection::LoginRequired).await;
        self.inner.login_changed.notify_waiters();
        Ok(())
    }

    async fn remove_blob_files(&self) -> Result<()> {
        match tokio::fs::remove_dir_all(self.inner.blobs.dir()).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    // -----------------------------------------------------------------------------
    // Reading.

    /// Today in the town's time zone: inbox deadlines are German dates.
    fn today() -> NaiveDate {
        casedesk_domain::deadline::local_date(Utc::now())
    }

    async fn my_id(&self) -> Uuid {
        self.me().await.map(|m| m.id).unwrap_or_else(Uuid::nil)
    }

    pub async fn inbox(
        &self,
        filter: &InboxFilter,
        sort: InboxSort,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<InboxRow>> {
        let me = self.my_id().await;
        self.inner
            .store
            .inbox(filter, sort, offset, limit, me, Self::today())
            .await
    }

    pub async fn count(&self, filter: &InboxFilter) -> Result<i64> {
        let me = self.my_id().await;
        self.inner.store.count(filter, me, Self::today()).await
    }

    /// One count per filter, in the same order: the saved views' badges in one call.
    pub async fn counts(&self, filters: &[InboxFilter]) -> Result<Vec<i64>> {
        let me = self.my_id().await;
        let today = Self::today();
        let mut counts = Vec::with_capacity(filters.len());
        for filter in filters {
            counts.push(self.inner.store.count(filter, me, today).await?);
        }
        Ok(counts)
    }

    /// Full-text search, best matches first.
    pub async fn search(&self, text: &str, limit: u32) -> Result<Vec<InboxRow>> {
        let filter = InboxFilter {
            text: Some(text.to_owned()),
            ..InboxFilter::default()
        };
        let sort = InboxSort {
            key: SortKey::Relevance,
            descending: false,
        };
        self.inbox(&filter, sort, 0, limit).await
    }

    /// One case by id or Aktenzeichen, with what the signed-in user is offered to do
    /// with it.
    pub async fn case(&self, key: &str) -> Result<CaseDetail> {
        let me = self.signed_in().await.ok();
        self.inner
            .store
            .case_detail(key, me.as_ref().map(|me| &me.actor))
            .await
    }

    /// The signed-in user: from the session, or as last stored (offline, before the
    /// session is restored).
    pub(crate) async fn signed_in(&self) -> Result<Me> {
        if let Some(session) = self.inner.session.read().await.as_ref() {
            return Ok(Me::new(session.me.info.clone()));
        }
        self.inner
            .store
            .user()
            .await?
            .map(Me::new)
            .ok_or(ClientError::NotLoggedIn)
    }

    /// The service catalog (names, form fields) as last synced.
    pub async fn services(&self) -> Result<Vec<ServiceDefinition>> {
        self.inner.store.services().await
    }

    /// The staff of the user's offices as last synced, for assigning cases.
    pub async fn staff(&self) -> Result<Vec<UserInfo>> {
        self.inner.store.staff().await
    }

    /// A document's verified bytes, from the cache or the portal.
    pub async fn document(&self, sha256: &str) -> Result<Document> {
        let session = self.inner.session.read().await.clone();
        self.inner
            .blobs
            .read(session.as_ref().map(|s| &s.portal), sha256)
            .await
    }

    /// Downloads what the prefetch policy asks for. Returns the documents fetched.
    pub async fn prefetch(&self) -> Result<usize> {
        if self.inner.config.prefetch == Prefetch::None {
            return Ok(0);
        }
        let session = self.session().await?;
        let rows: Vec<Vec<u8>> = sqlx::query_scalar(
            "SELECT coalesce(case_json.local, case_json.server) FROM cases \
             JOIN case_json ON case_json.row = cases.row \
             WHERE cases.assignee = ? AND cases.open = 1",
        )
        .bind(session.me.info.id.to_string())
        .fetch_all(&self.inner.store.reader)
        .await?;
        let mut fetched = 0;
        for packed in rows {
            let case: casedesk_domain::CaseAggregate =
                serde_json::from_str(&crate::codec::unpack(self.inner.store.codec(), &packed)?)?;
            for document in &case.documents {
                if !self.inner.blobs.is_cached(&document.sha256).await? {
                    self.inner
                        .blobs
                        .download(&session.portal, &document.sha256)
                        .await?;
                    fetched += 1;
                }
            }
        }
        Ok(fetched)
    }

    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        self.inner.store.outbox_entries(None).await
    }

    // -----------------------------------------------------------------------------
    // Commands: applied locally at once, sent when online.

    /// Queues a command on a case (by id or Aktenzeichen).
    pub async fn command(&self, case: &str, kind: CommandKind) -> Result<OutboxEntry> {
        let session = self.session().await?;
        let entry = self.inner.store.enqueue(case, kind, &session.me).await?;
        self.after_outbox_change(entry.case_id).await;
        // A stored permit: a command queued while the sync loop is busy sending must not
        // wait for the next periodic pull.
        self.inner.outbox_added.notify_one();
        Ok(entry)
    }

    pub async fn claim(&self, case: &str) -> Result<OutboxEntry> {
        self.command(case, CommandKind::Claim).await
    }

    pub async fn release(&self, case: &str) -> Result<OutboxEntry> {
        self.command(case, CommandKind::Release).await
    }

    pub async fn add_note(&self, case: &str, text: &str) -> Result<OutboxEntry> {
        self.command(
            case,
            CommandKind::AddNote {
                text: text.to_owned(),
            },
        )
        .await
    }

    pub async fn review_document(
        &self,
        case: &str,
        document_id: Uuid,
        verdict: Verdict,
        reason: Option<String>,
    ) -> Result<OutboxEntry> {
        self.command(
            case,
            CommandKind::ReviewDocument {
                document_id,
                verdict,
                reason,
            },
        )
        .await
    }

    /// Puts a refused command back in the queue on the case's current state.
    pub async fn retry(&self, command_id: Uuid) -> Result<OutboxEntry> {
        let session = self.session().await?;
        let entry = self.inner.store.retry(command_id, &session.me).await?;
        self.after_outbox_change(entry.case_id).await;
        // A stored permit: a command queued while the sync loop is busy sending must not
        // wait for the next periodic pull.
        self.inner.outbox_added.notify_one();
        Ok(entry)
    }

    /// Drops a refused command.
    pub async fn discard(&self, command_id: Uuid) -> Result<OutboxEntry> {
        let session = self.session().await?;
        let entry = self.inner.store.discard(command_id, &session.me).await?;
        self.after_outbox_change(entry.case_id).await;
        Ok(entry)
    }

    async fn after_outbox_change(&self, case_id: Uuid) {
        self.inner.feed.send(Change::CaseChanged {
            case_ids: vec![case_id],
        });
        self.inner.feed.send(Change::InboxChanged);
        self.publish_status().await;
    }

    /// Sends the outbox now (one attempt) and pulls the result.
    pub async fn push_now(&self) -> Result<SyncReport> {
        self.sync_once().await
    }
}
