//! The tenant's settings (when fees fall due), its offices with the postal codes
//! routed to them, and its service catalog.

use async_trait::async_trait;
use casedesk_domain::aggregate::DEFAULT_FEE_DUE_AFTER;
use casedesk_domain::catalog::{OfficeRoute, route_to_office};
use casedesk_domain::deadline::Period;
use casedesk_domain::wire::{OfficeInfo, ServiceDefinition};
use chrono::Utc;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use uuid::Uuid;

use super::{SqlStore, json, parse_uuid, ts};
use crate::prelude::*;
use crate::{NewOffice, StoreError, StoreResult};

/// The `tenant_settings` key of how long after its announcement a fee falls due,
/// stored in the string form of a [`Period`] (`"2w"`).
const FEE_DUE_AFTER: &str = "fee_due_after";

/// The tenant's fee due period, or the default where the tenant set none. Read
/// where it is needed (in a command group's transaction, for the decisions and
/// notices that assess a fee), so every portal instance sees a change at once.
pub(super) async fn read_fee_due_after<'e>(
    executor: impl Executor<'e, Database = Any>,
) -> StoreResult<Period> {
    let text = sqlx::query_scalar::<_, String>("SELECT value FROM tenant_settings WHERE key = $1")
        .bind(FEE_DUE_AFTER)
        .fetch_optional(executor)
        .await?;
    match text {
        Some(text) => text
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("fee due period {text:?}: {e}"))),
        None => Ok(DEFAULT_FEE_DUE_AFTER),
    }
}

pub(super) fn office_of_row(row: &AnyRow) -> StoreResult<OfficeInfo> {
    Ok(OfficeInfo {
        id: parse_uuid(&row.try_get::<String, _>("id")?)?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
    })
}

impl SqlStore {
    /// The office a new application from `postal_code` goes to (see
    /// [`route_to_office`]).
    pub(super) async fn choose_office(&self, postal_code: &str) -> StoreResult<OfficeInfo> {
        let rows = sqlx::query("SELECT id, code, name, postal_codes FROM offices ORDER BY code")
            .fetch_all(&self.reader)
            .await?;
        let routes = rows
            .iter()
            .map(|row| {
                let codes: String = row.try_get("postal_codes")?;
                Ok(OfficeRoute {
                    office: office_of_row(row)?,
                    postal_codes: codes
                        .split(',')
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned)
                        .collect(),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        route_to_office(&routes, postal_code)
            .cloned()
            .ok_or_else(|| StoreError::Invalid("no office is configured".into()))
    }
}

#[async_trait]
impl CatalogStore for SqlStore {
    async fn fee_due_after(&self) -> StoreResult<Period> {
        read_fee_due_after(&self.reader).await
    }

    async fn set_fee_due_after(&self, period: Period) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO tenant_settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(FEE_DUE_AFTER)
        .bind(period.to_string())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn create_office(&self, office: NewOffice) -> StoreResult<OfficeInfo> {
        if !casedesk_domain::aktenzeichen::is_valid_office_code(&office.code) {
            return Err(StoreError::Invalid(
                "office code must be two to four digits".into(),
            ));
        }
        let id = Uuid::now_v7();
        let result = sqlx::query(
            "INSERT INTO offices (id, code, name, postal_codes, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.to_string())
        .bind(&office.code)
        .bind(&office.name)
        .bind(office.postal_codes.join(","))
        .bind(ts(Utc::now()))
        .execute(&self.writer)
        .await;
        match result {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::Conflict(
                format!("office {} exists", office.code),
            )),
            Err(e) => Err(e.into()),
            Ok(_) => Ok(OfficeInfo {
                id,
                code: office.code,
                name: office.name,
            }),
        }
    }

    async fn offices(&self) -> StoreResult<Vec<OfficeInfo>> {
        let rows = sqlx::query("SELECT id, code, name FROM offices ORDER BY code")
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(office_of_row).collect()
    }

    async fn upsert_service(&self, service: &ServiceDefinition) -> StoreResult<()> {
        if !casedesk_domain::aktenzeichen::is_valid_service_code(&service.id) {
            return Err(StoreError::Invalid(
                "service id must be two to four capital letters".into(),
            ));
        }
        sqlx::query(
            "INSERT INTO services (id, definition, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, \
             updated_at = excluded.updated_at",
        )
        .bind(&service.id)
        .bind(json(service))
        .bind(ts(Utc::now()))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The catalog. A definition this version cannot read (one stored before
    /// services carried their law) is left out with an error in the log rather than
    /// failing every sync and the citizens' service list: its cases stay readable,
    /// and deciding them is refused until the service is stored again with its law.
    async fn services(&self) -> StoreResult<Vec<ServiceDefinition>> {
        let rows = sqlx::query("SELECT id, definition FROM services ORDER BY id")
            .fetch_all(&self.reader)
            .await?;
        let mut services = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = row.try_get("id")?;
            match serde_json::from_str(&row.try_get::<String, _>("definition")?) {
                Ok(service) => services.push(service),
                Err(error) => tracing::error!(
                    service = %id,
                    %error,
                    "service definition unreadable (stored before services carried their law?); \
                     left out of the catalog until it is stored again"
                ),
            }
        }
        Ok(services)
    }

    async fn service(&self, id: &str) -> StoreResult<Option<ServiceDefinition>> {
        let row = sqlx::query("SELECT definition FROM services WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|row| {
            serde_json::from_str(&row.try_get::<String, _>("definition")?)
                .map_err(|e| StoreError::Corrupt(format!("service: {e}")))
        })
        .transpose()
    }
}
