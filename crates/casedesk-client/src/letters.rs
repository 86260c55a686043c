//! Letters on the desktop: the tenant's templates and letterhead synced from the
//! portal into the local store, and rendering a case's letter from them offline.
//!
//! Only the tenant's overrides are stored (table `letter_templates`); the built-in
//! templates come with `casedesk-letters`. The settings row keeps the version the
//! portal last sent, which goes back as `If-None-Match`, so an unchanged set costs
//! one `304` per sync round.
//!
//! Signature rule (§37(3) VwVfG NRW, domain.md): a caseworker decides every letter
//! the desktop makes, batch ones included, so every letter is signed "Im Auftrag" with
//! the signed-in user's display name. The closing is rendered by `casedesk-letters`
//! after the body and is never part of the text the caseworker edits; the automation
//! note of §37(5) belongs to truly automated mass letters, which the desktop does not
//! make.

use base64::Engine;
use casedesk_domain::CaseAggregate;
use casedesk_domain::deadline;
use casedesk_domain::delivery::DeliveryChannel;
use casedesk_domain::wire::{LetterSettings, ServiceDefinition, TenantSettings};
use casedesk_letters::{
    Contact, LetterContext, LetterError, LetterInput, LetterKind, Letterhead, RenderOptions,
    TemplateSet,
};
use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::error::{ClientError, ErrorCode, Result};
use crate::portal::Portal;
use crate::store::{LocalStore, Me, keys};

/// What letter to render and how.
#[derive(Debug, Clone)]
pub struct LetterRequest {
    pub kind: LetterKind,
    /// The creation time written into the PDF; the letter date is its day.
    pub created: DateTime<Utc>,
    /// The body markup as the caseworker edited it; `None` renders the template
    /// unchanged.
    pub edited_body: Option<String>,
    /// The fee to assess instead of the one the service's law assesses for the
    /// outcome (the caseworker changed it); `None` keeps that one.
    pub fee_cents: Option<i64>,
    /// How the decision or notice reaches the citizen; letters of other kinds
    /// ignore it.
    pub channel: DeliveryChannel,
    /// The caseworker's reasons for this case (§39 VwVfG NRW); a rejection or
    /// partial approval is not written without them.
    pub reasons: Option<String>,
    /// For a partial approval: what is granted and what is refused.
    pub partial_note: Option<String>,
}

impl LetterRequest {
    /// A letter of `kind` made now from the template, by post, with the law's fee
    /// and no reasons.
    pub fn new(kind: LetterKind) -> LetterRequest {
        LetterRequest {
            kind,
            created: chrono::Utc::now(),
            edited_body: None,
            fee_cents: None,
            channel: DeliveryChannel::Post,
            reasons: None,
            partial_note: None,
        }
    }
}

impl From<LetterError> for ClientError {
    fn from(error: LetterError) -> Self {
        let code = match error {
            LetterError::Template { .. } => ErrorCode::LetterTemplate,
            LetterError::UnknownTemplate(_) => ErrorCode::LetterTemplateUnknown,
            LetterError::Input(_) => ErrorCode::LetterInput,
            LetterError::Letterhead(_) => ErrorCode::LetterLetterhead,
            LetterError::Logo(_) => ErrorCode::LetterLogo,
            LetterError::Font(_) => ErrorCode::LetterFont,
        };
        ClientError::Letter {
            code,
            message: error.to_string(),
        }
    }
}

/// Fetches the letter settings if they changed and stores them. A portal without
/// the endpoint leaves the local settings as they are.
pub(crate) async fn refresh(store: &LocalStore, portal: &Portal) -> Result<()> {
    let version: Option<String> =
        sqlx::query_scalar("SELECT version FROM letter_settings WHERE id = 1")
            .fetch_optional(&store.reader)
            .await?;
    if let Some(tenant) = portal.tenant().await? {
        store
            .set_state(keys::TENANT, &serde_json::to_string(&tenant)?)
            .await?;
    }
    let Some(settings) = portal.letters(version.as_deref()).await? else {
        return Ok(());
    };
    store_settings(store, &settings).await
}

/// The tenant's settings as last synced, or the defaults before the first sync (or
/// from a portal that has none to send).
pub(crate) async fn tenant(store: &LocalStore) -> Result<TenantSettings> {
    Ok(match store.state(keys::TENANT).await? {
        Some(json) => serde_json::from_str(&json)?,
        None => TenantSettings {
            fee_due_after: casedesk_domain::aggregate::DEFAULT_FEE_DUE_AFTER,
        },
    })
}

async fn store_settings(store: &LocalStore, settings: &LetterSettings) -> Result<()> {
    let mut tx = store.writer.begin().await?;
    sqlx::query("DELETE FROM letter_templates")
        .execute(&mut *tx)
        .await?;
    for template in settings.templates.iter().filter(|t| t.overridden) {
        sqlx::query("INSERT INTO letter_templates (name, source) VALUES (?1, ?2)")
            .bind(&template.name)
            .bind(&template.source)
            .execute(&mut *tx)
            .await?;
    }
    let (json, logo) = match &settings.letterhead {
        Some(l) => (Some(l.letterhead.to_string()), l.logo_base64.clone()),
        None => (None, None),
    };
    sqlx::query(
        "INSERT INTO letter_settings (id, version, letterhead_json, logo_base64) \
         VALUES (1, ?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET version = excluded.version, \
         letterhead_json = excluded.letterhead_json, logo_base64 = excluded.logo_base64",
    )
    .bind(&settings.version)
    .bind(json)
    .bind(logo)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets the synced templates and letterhead (`logout --wipe`): they belong to
/// the tenant of the portal logged out of.
pub(crate) async fn wipe(store: &LocalStore) -> Result<()> {
    let mut tx = store.writer.begin().await?;
    sqlx::query("DELETE FROM letter_templates")
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM letter_settings")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The templates and letterhead in effect on this desktop.
pub(crate) async fn load(store: &LocalStore) -> Result<(TemplateSet, Letterhead)> {
    let rows = sqlx::query("SELECT name, source FROM letter_templates ORDER BY name")
        .fetch_all(&store.reader)
        .await?;
    let mut overrides = Vec::with_capacity(rows.len());
    for row in &rows {
        overrides.push((
            row.try_get::<String, _>("name")?,
            row.try_get::<String, _>("source")?,
        ));
    }
    let templates = TemplateSet::with_overrides(overrides)?;
    let settings =
        sqlx::query("SELECT letterhead_json, logo_base64 FROM letter_settings WHERE id = 1")
            .fetch_optional(&store.reader)
            .await?;
    let stored = match &settings {
        Some(row) => (
            row.try_get::<Option<String>, _>("letterhead_json")?,
            row.try_get::<Option<String>, _>("logo_base64")?,
        ),
        None => (None, None),
    };
    let letterhead = match stored {
        (Some(json), logo) => {
            let letterhead = Letterhead::from_json(&json)?;
            match logo {
                Some(logo) => {
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(logo)
                        .map_err(|e| LetterError::Logo(e.to_string()))?;
                    letterhead.with_logo(&bytes)?
                }
                None => letterhead,
            }
        }
        // Until the portal sends one (or for a portal without letters), the
        // built-in letterhead of the library.
        (None, _) => Letterhead::demo(),
    };
    Ok((templates, letterhead))
}

/// The letter input for `case`, signed by the rule above: the signed-in user issues
/// it, dated on the German day it is made, with the tenant's fee due period.
pub(crate) fn input(
    case: &CaseAggregate,
    service: &ServiceDefinition,
    letterhead: &Letterhead,
    tenant: &TenantSettings,
    me: &Me,
    request: &LetterRequest,
) -> Result<LetterInput> {
    let office = me
        .info
        .offices
        .iter()
        .find(|o| o.id == case.office_id)
        .map(|o| o.name.clone())
        .unwrap_or_else(|| letterhead.authority.clone());
    let contact = Contact {
        name: me.info.display_name.clone(),
        office,
        phone: letterhead.phone.clone(),
        email: letterhead.email.clone(),
    };
    let mut context = LetterContext::issued_by(deadline::local_date(request.created), contact);
    context.channel = request.channel;
    context.fee_due_after = tenant.fee_due_after;
    context.fee_cents = request.fee_cents;
    context.reasons = request.reasons.clone();
    context.partial_note = request.partial_note.clone();
    Ok(LetterInput::from_case(
        case,
        service,
        request.kind,
        &context,
    )?)
}

/// Renders the PDF.
pub(crate) fn render(
    templates: &TemplateSet,
    letterhead: &Letterhead,
    input: &LetterInput,
    request: &LetterRequest,
) -> Result<Vec<u8>> {
    let options = RenderOptions::at(request.created);
    Ok(match &request.edited_body {
        Some(body) => casedesk_letters::render_body(letterhead, input, body, &options)?,
        None => casedesk_letters::render(templates, letterhead, input, &options)?,
    })
}

#[cfg(test)]
mod tests {
    use casedesk_domain::wire::{LetterTemplate, LetterheadSetting};

    use super::*;

    fn template(name: &str, source: &str, overridden: bool) -> LetterTemplate {
        LetterTemplate {
            name: name.into(),
            source: source.into(),
            overridden,
            updated_by: None,
            updated_at: None,
        }
    }

    #[test]
    fn letter_errors_keep_the_letter_library_codes() {
        for error in [
            LetterError::Template {
                template: "t".into(),
                line: None,
                placeholder: None,
                detail: "d".into(),
            },
            LetterError::UnknownTemplate("t".into()),
            LetterError::Input("i".into()),
            LetterError::Letterhead("l".into()),
            LetterError::Logo("l".into()),
            LetterError::Font("f".into()),
        ] {
            let code = error.code();
            assert_eq!(ClientError::from(error).code().as_str(), code);
        }
    }

    #[tokio::test]
    async fn synced_overrides_and_letterhead_are_used_until_wiped() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(&dir.path().join("cache.db"))
            .await
            .unwrap();
        let defaults = TemplateSet::defaults();
        let (templates, letterhead) = load(&store).await.unwrap();
        assert_eq!(templates.source("_remedy"), defaults.source("_remedy"));
        assert_eq!(letterhead.authority, Letterhead::demo().authority);

        let mut own = Letterhead::demo();
        own.authority = "Gemeinde Beispielstadt".into();
        let settings = LetterSettings {
            version: "v1".into(),
            templates: vec![
                template("_remedy", "Eigene Belehrung", true),
                // Not overridden: the desktop keeps its built-in version.
                template("hu_approved", "alt", false),
            ],
            letterhead: Some(LetterheadSetting {
                letterhead: serde_json::to_value(&own).unwrap(),
                logo_base64: None,
                updated_by: None,
                updated_at: None,
            }),
        };
        store_settings(&store, &settings).await.unwrap();
        let (templates, letterhead) = load(&store).await.unwrap();
        assert_eq!(templates.source("_remedy"), Some("Eigene Belehrung"));
        assert_eq!(
            templates.source("hu_approved"),
            defaults.source("hu_approved")
        );
        assert_eq!(letterhead.authority, "Gemeinde Beispielstadt");
        assert!(letterhead.logo.is_none());
        let version: Option<String> =
            sqlx::query_scalar("SELECT version FROM letter_settings WHERE id = 1")
                .fetch_optional(&store.reader)
                .await
                .unwrap();
        assert_eq!(version.as_deref(), Some("v1"));

        wipe(&store).await.unwrap();
        let (templates, letterhead) = load(&store).await.unwrap();
        assert_eq!(templates.source("_remedy"), defaults.source("_remedy"));
        assert_eq!(letterhead.authority, Letterhead::demo().authority);
    }
}
