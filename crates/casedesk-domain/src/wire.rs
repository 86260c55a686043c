//! Wire types of the office and citizen APIs that are not part of the aggregate.
//!
//! Request bodies refuse unknown fields. The service catalog's types are re-exported
//! from [`crate::catalog`], where they live with their rules, and `is_sha256_hex`
//! from [`crate::digest`], for callers that name them through `wire`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::deadline::Period;
use crate::lifecycle::{CaseStatus, Role};

pub use crate::catalog::{
    FeeRule, FieldCondition, FieldError, FieldKind, FormField, RequiredDocument, ServiceDefinition,
};
pub use crate::digest::is_sha256_hex;

/// The body of every error response: a stable code and a safe message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    /// Per-field problems of a rejected form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OfficeInfo {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UserInfo {
    pub id: Uuid,
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub offices: Vec<OfficeInfo>,
}

/// `POST /api/v1/office/session`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub user: String,
    pub password: String,
}

/// `POST /api/v1/office/session/refresh` and the citizen equivalent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Tokens of a session. The refresh token is rotated on every refresh.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionTokens {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OfficeSession {
    #[serde(flatten)]
    pub tokens: SessionTokens,
    pub user: UserInfo,
}

/// A case that left the caller's scope (moved to another office).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tombstone {
    pub case_id: Uuid,
    pub seq: i64,
}

/// `GET /api/v1/office/sync/changes`: the cases changed after the cursor, each once in
/// its latest state, in `seq` order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChangesPage<C> {
    pub changes: Vec<C>,
    pub tombstones: Vec<Tombstone>,
    /// Pass as `after` on the next call.
    pub next_cursor: i64,
    pub has_more: bool,
}

/// The first and last line of the bootstrap NDJSON stream; every line between is one
/// [`CaseAggregate`]. A stream without its `end` line was cut off and must be resumed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BootstrapMarker {
    /// `begin` or `end`.
    pub bootstrap: String,
    /// The consistent position of the snapshot; continue with changes after it.
    pub seq: i64,
    /// Number of case lines (in `end`: how many were sent).
    pub cases: i64,
}

/// `POST /api/v1/office/commands`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CommandBatch {
    pub commands: Vec<crate::command::Command>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommandBatchAnswer {
    pub answers: Vec<crate::command::CommandAnswer>,
}

// ---------------------------------------------------------------------------------
// Citizen API.

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CitizenRegistration {
    pub email: String,
    pub password: String,
    pub given_name: String,
    pub family_name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CitizenLogin {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CitizenSession {
    #[serde(flatten)]
    pub tokens: SessionTokens,
    pub citizen_id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ApplicationReceipt {
    pub case_id: Uuid,
    pub aktenzeichen: String,
    pub due_date: NaiveDate,
}

/// A document as the citizen sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CitizenDocument {
    pub id: Uuid,
    pub file_name: String,
    pub uploaded_at: DateTime<Utc>,
    pub from_citizen: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CitizenMessage {
    pub from_citizen: bool,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// Counts per status, e.g. for the health endpoint and the team lead's overview.
pub type StatusCounts = HashMap<CaseStatus, i64>;

/// `GET /api/v1/office/tenant`: the tenant's settings that desktops need offline
/// (letters print them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TenantSettings {
    /// How long after its announcement a fee falls due: `"14d"`, `"2w"`, `"1m"`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2w"))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub fee_due_after: Period,
}

/// One letter template in effect for the tenant (`GET /api/v1/office/letters`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LetterTemplate {
    /// The template name, e.g. `hu_receipted` or the partial `_remedy`.
    pub name: String,
    /// The minijinja source.
    pub source: String,
    /// The tenant changed it; otherwise it is the portal's built-in default.
    pub overridden: bool,
    /// Who last changed it, for an override.
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The tenant's letterhead as stored on the portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LetterheadSetting {
    /// The letterhead in the JSON form of `casedesk_letters::Letterhead` (without
    /// the logo).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub letterhead: serde_json::Value,
    /// The logo as base64-encoded PNG or SVG, if any.
    pub logo_base64: Option<String>,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/office/letters`: the templates in effect (defaults merged with the
/// tenant's overrides) and the letterhead. `version` changes with every change and
/// is also the response's `ETag`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LetterSettings {
    pub version: String,
    pub templates: Vec<LetterTemplate>,
    /// `None` until an admin stores one; letters then use the built-in letterhead.
    pub letterhead: Option<LetterheadSetting>,
}

/// `PUT /api/v1/office/letters/templates/{name}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct TemplateUpdate {
    pub source: String,
}

/// `PUT /api/v1/office/letters/letterhead`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct LetterheadUpdate {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub letterhead: serde_json::Value,
    /// The logo as base64-encoded PNG or SVG (told apart by content). An SVG may use
    /// paths and shapes, not text (convert it to paths), raster images or scripts.
    #[serde(default)]
    pub logo_base64: Option<String>,
}
