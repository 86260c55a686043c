//! The directory the portal sends with every sync round: the service catalog (names,
//! form fields, fees) and the staff of the user's offices. Both are small and replaced
//! whole, so an administrator's change arrives with the next round; the UI reads them
//! for filters, forms and assigning cases, and the local view for assignee names.

use casedesk_domain::law::ServiceLaw;
use casedesk_domain::wire::{ServiceDefinition, UserInfo};
use sqlx::SqliteConnection;

use super::{LocalStore, parse_uuid};
use crate::error::{ClientError, Result};

impl LocalStore {
    /// Replaces the service catalog.
    pub(crate) async fn put_services(&self, services: &[ServiceDefinition]) -> Result<()> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM services")
            .execute(&mut *tx)
            .await?;
        for service in services {
            sqlx::query("INSERT INTO services (id, definition) VALUES (?, ?)")
                .bind(&service.id)
                .bind(serde_json::to_string(service)?)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn services(&self) -> Result<Vec<ServiceDefinition>> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT definition FROM services ORDER BY id")
            .fetch_all(&self.reader)
            .await?;
        Ok(rows.iter().filter_map(|json| definition(json)).collect())
    }

    /// One service as last synced, if this desktop knows it.
    pub async fn service(&self, id: &str) -> Result<Option<ServiceDefinition>> {
        let mut conn = self.reader.acquire().await?;
        service(&mut conn, id).await
    }

    /// Staff of the user's offices, as last fetched.
    pub async fn staff(&self) -> Result<Vec<UserInfo>> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT id, name, display_name, role, offices FROM staff ORDER BY display_name",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|(id, name, display_name, role, offices)| {
                Ok(UserInfo {
                    id: parse_uuid(&id)?,
                    name,
                    display_name,
                    role: casedesk_domain::Role::parse(&role)
                        .ok_or_else(|| ClientError::Protocol(format!("role {role}")))?,
                    offices: serde_json::from_str(&offices)?,
                })
            })
            .collect()
    }
}

/// Replaces the staff directory.
pub(crate) async fn put_staff(conn: &mut SqliteConnection, staff: &[UserInfo]) -> Result<()> {
    sqlx::query("DELETE FROM staff").execute(&mut *conn).await?;
    for user in staff {
        sqlx::query(
            "INSERT INTO staff (id, name, display_name, role, offices) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(user.id.to_string())
        .bind(&user.name)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(serde_json::to_string(&user.offices)?)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A stored service definition. One stored by an older portal, before services
/// carried their law, no longer reads; it counts as unknown until the next sync round
/// replaces the catalog, so nothing is decided on a definition without its law.
fn definition(json: &str) -> Option<ServiceDefinition> {
    match serde_json::from_str(json) {
        Ok(service) => Some(service),
        Err(error) => {
            tracing::warn!(%error, "a stored service definition does not read; waiting for the next sync");
            None
        }
    }
}

/// One service as last synced.
pub(crate) async fn service(
    conn: &mut SqliteConnection,
    id: &str,
) -> Result<Option<ServiceDefinition>> {
    let json: Option<String> = sqlx::query_scalar("SELECT definition FROM services WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(json.as_deref().and_then(definition))
}

/// The law of a service as last synced; what the local view decides a decision or
/// notice with.
pub(crate) async fn service_law(
    conn: &mut SqliteConnection,
    id: &str,
) -> Result<Option<ServiceLaw>> {
    Ok(service(conn, id).await?.map(|s| s.law))
}
