//! Staff accounts with their office memberships, citizen accounts, sessions (only
//! token hashes are stored) and the failed logins that throttling counts.

use async_trait::async_trait;
use casedesk_domain::lifecycle::Role;
use casedesk_domain::wire::{OfficeInfo, UserInfo};
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::catalog::office_of_row;
use super::{SqlStore, parse_ts, parse_uuid, ts};
use crate::prelude::*;
use crate::{
    Citizen, NewCitizen, NewUser, SessionRecord, StaffUser, StoreError, StoreResult, SubjectKind,
};

impl SqlStore {
    async fn offices_of(&self, user_id: Uuid) -> StoreResult<Vec<OfficeInfo>> {
        let rows = sqlx::query(
            "SELECT o.id, o.code, o.name FROM offices o \
             JOIN memberships m ON m.office_id = o.id WHERE m.user_id = $1 ORDER BY o.code",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(office_of_row).collect()
    }

    async fn staff_of_row(&self, row: &AnyRow) -> StoreResult<StaffUser> {
        let id = parse_uuid(&row.try_get::<String, _>("id")?)?;
        let role: String = row.try_get("role")?;
        Ok(StaffUser {
            id,
            name: row.try_get("name")?,
            display_name: row.try_get("display_name")?,
            role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
            offices: self.offices_of(id).await?,
        })
    }
}

fn citizen_of_row(row: &AnyRow) -> StoreResult<Citizen> {
    Ok(Citizen {
        id: parse_uuid(&row.try_get::<String, _>("id")?)?,
        email: row.try_get("email")?,
        given_name: row.try_get("given_name")?,
        family_name: row.try_get("family_name")?,
        street: row.try_get("street")?,
        postal_code: row.try_get("postal_code")?,
        city: row.try_get("city")?,
        phone: row.try_get("phone")?,
    })
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn create_user(&self, user: NewUser) -> StoreResult<StaffUser> {
        let all = self.offices().await?;
        let mut offices = Vec::new();
        for code in &user.office_codes {
            match all.iter().find(|o| &o.code == code) {
                Some(office) => offices.push(office.clone()),
                None => return Err(StoreError::Invalid(format!("unknown office {code}"))),
            }
        }
        let id = Uuid::now_v7();
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO users (id, name, display_name, role, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, TRUE, $6)",
        )
        .bind(id.to_string())
        .bind(&user.name)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(ts(Utc::now()))
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(StoreError::Conflict(format!("user {} exists", user.name)));
            }
            other => {
                other?;
            }
        }
        for office in &offices {
            sqlx::query("INSERT INTO memberships (user_id, office_id) VALUES ($1, $2)")
                .bind(id.to_string())
                .bind(office.id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(StaffUser {
            id,
            name: user.name,
            display_name: user.display_name,
            role: user.role,
            offices,
        })
    }

    async fn user_credentials(&self, name: &str) -> StoreResult<Option<(StaffUser, String)>> {
        let row = sqlx::query(
            "SELECT id, name, display_name, role, password_hash FROM users WHERE name = $1 AND active",
        )
        .bind(name)
        .fetch_optional(&self.reader)
        .await?;
        match row {
            Some(row) => {
                let hash: String = row.try_get("password_hash")?;
                Ok(Some((self.staff_of_row(&row).await?, hash)))
            }
            None => Ok(None),
        }
    }

    async fn staff_user(&self, id: Uuid) -> StoreResult<Option<StaffUser>> {
        let row =
            sqlx::query("SELECT id, name, display_name, role FROM users WHERE id = $1 AND active")
                .bind(id.to_string())
                .fetch_optional(&self.reader)
                .await?;
        match row {
            Some(row) => Ok(Some(self.staff_of_row(&row).await?)),
            None => Ok(None),
        }
    }

    async fn office_staff(&self, user: &StaffUser) -> StoreResult<Vec<UserInfo>> {
        let rows = sqlx::query(
            "SELECT DISTINCT u.id, u.name, u.display_name, u.role FROM users u \
             JOIN memberships m ON m.user_id = u.id \
             WHERE m.office_id IN (SELECT office_id FROM memberships WHERE user_id = $1) \
             AND u.active AND u.role IN ('caseworker', 'team_lead') ORDER BY u.display_name",
        )
        .bind(user.id.to_string())
        .fetch_all(&self.reader)
        .await?;
        let own: std::collections::HashSet<Uuid> = user.offices.iter().map(|o| o.id).collect();
        let mut staff = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut info = self.staff_of_row(row).await?.info();
            // Only the offices the caller shares with them: membership elsewhere is
            // not the caller's business.
            info.offices.retain(|o| own.contains(&o.id));
            staff.push(info);
        }
        Ok(staff)
    }

    async fn create_citizen(&self, citizen: NewCitizen) -> StoreResult<Citizen> {
        let id = Uuid::now_v7();
        let email = citizen.email.trim().to_lowercase();
        let result = sqlx::query(
            "INSERT INTO citizens (id, email, password_hash, given_name, family_name, street, \
             postal_code, city, phone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.to_string())
        .bind(&email)
        .bind(&citizen.password_hash)
        .bind(&citizen.given_name)
        .bind(&citizen.family_name)
        .bind(&citizen.street)
        .bind(&citizen.postal_code)
        .bind(&citizen.city)
        .bind(citizen.phone.clone())
        .bind(ts(Utc::now()))
        .execute(&self.writer)
        .await;
        match result {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(StoreError::Conflict("email already registered".into()))
            }
            Err(e) => Err(e.into()),
            Ok(_) => Ok(Citizen {
                id,
                email,
                given_name: citizen.given_name,
                family_name: citizen.family_name,
                street: citizen.street,
                postal_code: citizen.postal_code,
                city: citizen.city,
                phone: citizen.phone,
            }),
        }
    }

    async fn citizen_credentials(&self, email: &str) -> StoreResult<Option<(Citizen, String)>> {
        let row = sqlx::query("SELECT * FROM citizens WHERE email = $1")
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.reader)
            .await?;
        match row {
            Some(row) => Ok(Some((citizen_of_row(&row)?, row.try_get("password_hash")?))),
            None => Ok(None),
        }
    }

    async fn citizen(&self, id: Uuid) -> StoreResult<Option<Citizen>> {
        let row = sqlx::query("SELECT * FROM citizens WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(citizen_of_row).transpose()
    }

    async fn create_session(&self, session: SessionRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (id, subject_kind, subject_id, access_hash, access_expires_at, \
             refresh_hash, refresh_expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(session.id.to_string())
        .bind(session.subject.as_str())
        .bind(session.subject_id.to_string())
        .bind(&session.access_hash)
        .bind(ts(session.access_expires_at))
        .bind(&session.refresh_hash)
        .bind(ts(session.refresh_expires_at))
        .bind(ts(Utc::now()))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn session_by_access(
        &self,
        access_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>> {
        let row =
            sqlx::query("SELECT * FROM sessions WHERE access_hash = $1 AND access_expires_at > $2")
                .bind(access_hash)
                .bind(ts(now))
                .fetch_optional(&self.reader)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let kind: String = row.try_get("subject_kind")?;
        Ok(Some(SessionRecord {
            id: parse_uuid(&row.try_get::<String, _>("id")?)?,
            subject: if kind == "citizen" {
                SubjectKind::Citizen
            } else {
                SubjectKind::Staff
            },
            subject_id: parse_uuid(&row.try_get::<String, _>("subject_id")?)?,
            access_hash: row.try_get("access_hash")?,
            access_expires_at: parse_ts(&row.try_get::<String, _>("access_expires_at")?)?,
            refresh_hash: row.try_get("refresh_hash")?,
            refresh_expires_at: parse_ts(&row.try_get::<String, _>("refresh_expires_at")?)?,
        }))
    }

    async fn consume_refresh(
        &self,
        refresh_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(SubjectKind, Uuid)>> {
        let row = sqlx::query(
            "DELETE FROM sessions WHERE refresh_hash = $1 AND refresh_expires_at > $2 \
             RETURNING subject_kind, subject_id",
        )
        .bind(refresh_hash)
        .bind(ts(now))
        .fetch_optional(&self.writer)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let kind: String = row.try_get("subject_kind")?;
        let subject = if kind == "citizen" {
            SubjectKind::Citizen
        } else {
            SubjectKind::Staff
        };
        Ok(Some((
            subject,
            parse_uuid(&row.try_get::<String, _>("subject_id")?)?,
        )))
    }

    async fn delete_session(&self, id: Uuid) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn record_login_failure(
        &self,
        keys: &[String],
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        let mut tx = self.writer.begin().await?;
        // Old failures are forgotten here, so the table stays small without a job.
        sqlx::query("DELETE FROM login_failures WHERE at <= $1")
            .bind(ts(since))
            .execute(&mut *tx)
            .await?;
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(ts(now))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.login_failures(keys, since).await
    }

    async fn login_failures(&self, keys: &[String], since: DateTime<Utc>) -> StoreResult<Vec<i64>> {
        let mut counts = Vec::with_capacity(keys.len());
        for key in keys {
            let count: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2",
            )
            .bind(key)
            .bind(ts(since))
            .fetch_one(&self.writer)
            .await?;
            counts.push(count);
        }
        Ok(counts)
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.writer)
            .await?;
        Ok(())
    }
}
