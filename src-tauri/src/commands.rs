//! The IPC commands of the main window. Each one unpacks the app state and calls one
//! function of the engine; errors cross as `{code, message}`.
//!
//! The commands are declared once, in [`desk_commands!`], which also records each
//! command's TypeScript signature for the generated bindings (see `bindings.rs`), so
//! the UI's calls cannot drift from the Rust side.

use base64::Engine as _;
// `BatchItem` is one of the bindings' roots (`bindings.rs`), named from here like the
// other types of this module.
pub use casedesk_client::BatchItem;
use casedesk_client::{
    AnswerDeadline, CaseDetail, DecisionDraft, ErrorPayload, HearingDraft, InboxFilter, InboxRow,
    InboxSort, ItemsRequestDraft, LetterKind, LetterRequest, NoticeDraft, OutboxEntry, SyncStatus,
};
use casedesk_domain::Outcome;
use casedesk_domain::command::CommandKind;
use casedesk_domain::wire::{ServiceDefinition, UserInfo};
use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use crate::AppState;

/// What the UI needs to decide between the login form and the inbox.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SessionInfo {
    /// The signed-in user; `null` shows the login form.
    pub me: Option<UserInfo>,
    /// The portal address for the login form: the last one used, else the one the
    /// installation was configured with.
    pub last_portal: Option<String>,
    pub last_user: Option<String>,
    pub status: SyncStatus,
}

/// A PDF as the UI's pdf.js takes it over IPC.
fn base64(pdf: Vec<u8>) -> String {
    base64::engine::general_purpose::STANDARD.encode(pdf)
}

/// One command's name and TypeScript signature.
#[derive(Debug, Clone)]
pub struct CommandSignature {
    pub name: &'static str,
    pub doc: &'static str,
    /// Argument names (as the UI passes them) and their TypeScript types.
    pub args: Vec<(&'static str, String)>,
    pub result: String,
}

type Reply<T> = std::result::Result<T, ErrorPayload>;

macro_rules! desk_commands {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($state:ident $(, $arg:ident: $ty:ty)*) -> $ret:ty $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command(rename_all = "snake_case")]
            pub async fn $name(
                $state: tauri::State<'_, AppState>,
                $($arg: $ty),*
            ) -> Reply<$ret> {
                let result: casedesk_client::Result<$ret> = async { $body }.await;
                result.map_err(|error| {
                    tracing::debug!(command = stringify!($name), code = error.code().as_str(), "command failed");
                    error.payload()
                })
            }
        )*

        /// The TypeScript signature of every command, in declaration order.
        pub fn signatures() -> Vec<CommandSignature> {
            let cfg = crate::bindings::ts_config();
            vec![$(
                CommandSignature {
                    name: stringify!($name),
                    doc: concat!($($doc, "\n"),*),
                    args: vec![$((stringify!($arg), <$ty as TS>::name(&cfg))),*],
                    result: <$ret as TS>::name(&cfg),
                }
            ),*]
        }

        /// The invoke handler with every command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}

desk_commands! {
    /// Who is signed in, the remembered portal and the sync status.
    fn session(state) -> SessionInfo {
        let desk = &state.desk;
        let (last_portal, last_user) = match desk.last_login().await? {
            Some((portal, user)) => (Some(portal), Some(user)),
            None => (state.launch.default_portal.clone(), None),
        };
        Ok(SessionInfo { me: desk.me().await, last_portal, last_user, status: desk.status() })
    }

    /// Logs in; the sync loop picks the new session up at once.
    fn login(state, portal: String, user: String, password: String) -> UserInfo {
        state.desk.login(&portal, &user, &password).await
    }

    /// Logs out; `wipe` also deletes the local cache and documents.
    fn logout(state, wipe: bool) -> () {
        state.desk.logout(wipe).await
    }

    /// The service catalogue (names, form fields) for filters and form rendering.
    fn services(state) -> Vec<ServiceDefinition> {
        state.desk.services().await
    }

    /// The staff of the user's offices, for assigning cases.
    fn staff(state) -> Vec<UserInfo> {
        state.desk.staff().await
    }

    /// One window of the inbox.
    fn inbox(state, filter: InboxFilter, sort: InboxSort, offset: u32, limit: u32) -> Vec<InboxRow> {
        state.desk.inbox(&filter, sort, offset, limit).await
    }

    /// The number of cases per filter, in the same order (saved views, list length).
    fn counts(state, filters: Vec<InboxFilter>) -> Vec<i64> {
        state.desk.counts(&filters).await
    }

    /// One case with its outbox entries and service definition.
    fn case_detail(state, key: String) -> CaseDetail {
        state.desk.case(&key).await
    }

    /// The user's commands that are pending or were refused.
    fn outbox(state) -> Vec<OutboxEntry> {
        state.desk.outbox().await
    }

    /// Applies a command locally at once and queues it for the portal.
    fn command(state, case_key: String, kind: CommandKind) -> OutboxEntry {
        state.desk.command(&case_key, kind).await
    }

    /// Retries a refused command on the case's current state (a new command id).
    fn retry(state, command_id: Uuid) -> OutboxEntry {
        state.desk.retry(command_id).await
    }

    /// Drops a refused command; the case shows the portal's state again.
    fn discard(state, command_id: Uuid) -> OutboxEntry {
        state.desk.discard(command_id).await
    }

    /// The Bescheid's body text (letter markup) the template writes for the draft, to
    /// edit; it ends before the closing, which the letter always adds. A rejection or
    /// partial approval without reasons has none.
    fn letter_text(state, case_key: String, draft: DecisionDraft) -> String {
        state.desk.decision_text(&case_key, &draft).await
    }

    /// The Bescheid of the draft as it would go out now, as a base64 PDF for the
    /// preview: the template's text or the draft's edited text, signed by the user.
    fn letter_preview(state, case_key: String, draft: DecisionDraft) -> String {
        state.desk.decision_preview(&case_key, &draft).await.map(base64)
    }

    /// Decides a case with the draft's Bescheid (rendered now, uploaded before the
    /// command; queued when offline), its reasons and its channel.
    fn decide(state, case_key: String, draft: DecisionDraft) -> OutboxEntry {
        state.desk.decide_with_letter(&case_key, &draft).await
    }

    /// Team leads: decides many cases with the same outcome and the template's
    /// letters, each on its own default channel; one answer per case, in order. A
    /// rejection or partial approval is refused as a whole (it needs reasons per case).
    fn decide_many(state, case_keys: Vec<String>, outcome: Outcome) -> Vec<BatchItem> {
        state.desk.decide_many(case_keys, outcome).await
    }

    /// The hearing letter of the draft as it would go out, as a base64 PDF; a draft
    /// the domain would refuse is refused with the reason.
    fn hearing_preview(state, case_key: String, draft: HearingDraft) -> String {
        state.desk.hearing_preview(&case_key, &draft).await.map(base64)
    }

    /// Starts a hearing (Anhörung): the case waits for the citizen's statement.
    fn start_hearing(state, case_key: String, draft: HearingDraft) -> OutboxEntry {
        state.desk.start_hearing(&case_key, &draft).await
    }

    /// The items-request letter of the draft as it would go out, as a base64 PDF; a
    /// draft the domain would refuse is refused with the reason.
    fn items_request_preview(state, case_key: String, draft: ItemsRequestDraft) -> String {
        state.desk.items_request_preview(&case_key, &draft).await.map(base64)
    }

    /// Requests missing or better items (Nachforderung) with their letter: the case
    /// waits for the citizen.
    fn request_items(state, case_key: String, draft: ItemsRequestDraft) -> OutboxEntry {
        state.desk.request_items(&case_key, &draft).await
    }

    /// The letter of the case's open hearing, as a base64 PDF.
    fn hearing_letter(state, case_key: String) -> String {
        let request = LetterRequest::new(LetterKind::Hearing);
        state.desk.render_letter(&case_key, &request).await.map(base64)
    }

    /// The answer deadline a picked day gives: it, or the next working day and why.
    fn answer_deadline(state, picked: NaiveDate) -> AnswerDeadline {
        Ok(state.desk.answer_deadline(picked))
    }

    /// Records that the decision (`notice_id` null) or a notice was handed to the
    /// post or served on `on`.
    fn record_dispatch(state, case_key: String, notice_id: Option<Uuid>, on: NaiveDate) -> OutboxEntry {
        state.desk.record_dispatch(&case_key, notice_id, on).await
    }

    /// The fee or tax notice of the draft as it would go out, as a base64 PDF.
    fn notice_preview(state, case_key: String, draft: NoticeDraft) -> String {
        state.desk.notice_preview(&case_key, &draft).await.map(base64)
    }

    /// Issues a fee or tax notice after the decision, with its letter.
    fn issue_notice(state, case_key: String, draft: NoticeDraft) -> OutboxEntry {
        state.desk.issue_notice(&case_key, &draft).await
    }

    /// Sends the outbox and pulls changes now, instead of waiting for the sync loop.
    fn sync_now(state) -> () {
        state.desk.push_now().await.map(|_| ())
    }
}
