//! Shared set-up: fresh stores on both backends and a small tenant.

use std::sync::{Arc, OnceLock};

use casedesk_domain::CaseAggregate;
use casedesk_domain::aggregate::{Consents, DocumentMeta};
use casedesk_domain::command::{Command, CommandKind};
use casedesk_domain::lifecycle::Role;
use casedesk_domain::wire::{OfficeInfo, ServiceDefinition};
use casedesk_portal::store::{
    self, Application, Citizen, Database, NewCitizen, NewOffice, NewUser, StaffUser,
};
use chrono::Utc;
use sqlx::Connection;
use uuid::Uuid;

/// A store plus what keeps it alive, and its URL for raw SQL checks.
pub struct TestStore {
    pub db: Arc<dyn Database>,
    pub url: String,
    pub _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("portal.db").display());
    TestStore {
        db: store::open(&url).await.expect("open sqlite"),
        url,
        _dir: Some(dir),
    }
}

/// The PostgreSQL server the tests may use; the test command always provides it.
pub fn pg_admin_url() -> String {
    std::env::var("CASEDESK_TEST_PG_URL").expect(
        "CASEDESK_TEST_PG_URL must name a PostgreSQL server, e.g. \
         postgres://casedesk:casedesk@127.0.0.1/postgres (scripts/test.sh sets it up)",
    )
}

/// A fresh database on the test server.
pub async fn fresh_pg_database() -> String {
    let admin = pg_admin_url();
    let name = format!("casedesk_test_{}", Uuid::new_v4().simple());
    let mut connection = sqlx::PgConnection::connect(&admin)
        .await
        .expect("connect to CASEDESK_TEST_PG_URL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut connection)
        .await
        .expect("create test database");
    let (base, _) = admin.rsplit_once('/').expect("URL with a database name");
    format!("{base}/{name}")
}

pub async fn postgres() -> TestStore {
    let url = fresh_pg_database().await;
    TestStore {
        db: store::open(&url).await.expect("open postgres"),
        url,
        _dir: None,
    }
}

/// Runs a test body once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    super::$name($crate::support::sqlite().await).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    super::$name($crate::support::postgres().await).await;
                }
            }
        )*
    };
}

pub fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| casedesk_portal::auth::hash_password("richtig-geheim-1").unwrap())
        .clone()
}

pub const PASSWORD: &str = "richtig-geheim-1";

/// Two offices: A (code 10, the fallback) and B (code 20, postal code 32429).
pub struct Fixture {
    pub db: Arc<dyn Database>,
    pub office_a: OfficeInfo,
    pub office_b: OfficeInfo,
    /// Caseworkers of A.
    pub anna: StaffUser,
    pub bernd: StaffUser,
    /// Team lead of A and B.
    pub lead: StaffUser,
    /// Caseworker of B.
    pub clara: StaffUser,
    /// Admin of A.
    pub admin: StaffUser,
    /// Citizen living in A's area.
    pub erika: Citizen,
    /// Citizen living in B's area.
    pub max: Citizen,
    /// The Hundeanmeldung, the service most tests file for; every demo service is
    /// in the catalog.
    pub service: ServiceDefinition,
}

/// The demo catalog's service `id` (`crates/casedesk-demo/catalog/services.json`):
/// the tests file applications for the services the demo tenant offers, with
/// their law.
pub fn demo_service(id: &str) -> ServiceDefinition {
    casedesk_demo::demo_services()
        .into_iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no service {id} in the demo catalog"))
}

/// A valid Hundeanmeldung form (the dog is not of a listed breed).
/// A resident parking permit's form.
pub fn parking_form() -> serde_json::Value {
    serde_json::json!({"licence_plate": "MI-AB 123", "zone": "B – Fischerstadt",
                       "company_car": false})
}

pub fn dog_form() -> serde_json::Value {
    serde_json::json!({"dog_name": "Bello", "breed": "Dackel", "born": "2024-05-17",
                       "kept_since": "2026-01-10", "listed_breed": false})
}

async fn user(db: &dyn Database, name: &str, role: Role, offices: &[&str]) -> StaffUser {
    db.create_user(NewUser {
        name: name.into(),
        display_name: format!("{name} (Test)"),
        role,
        password_hash: password_hash(),
        office_codes: offices.iter().map(|s| s.to_string()).collect(),
    })
    .await
    .expect("create user")
}

async fn citizen(db: &dyn Database, email: &str, postal_code: &str) -> Citizen {
    db.create_citizen(NewCitizen {
        email: email.into(),
        password_hash: password_hash(),
        given_name: "Erika".into(),
        family_name: "Mustermann".into(),
        street: "Hauptstraße 1".into(),
        postal_code: postal_code.into(),
        city: "Minden".into(),
        phone: None,
    })
    .await
    .expect("create citizen")
}

pub async fn fixture(db: Arc<dyn Database>) -> Fixture {
    let office_a = db
        .create_office(NewOffice {
            code: "10".into(),
            name: "Bürgerbüro Rathaus".into(),
            postal_codes: vec![],
        })
        .await
        .unwrap();
    let office_b = db
        .create_office(NewOffice {
            code: "20".into(),
            name: "Bürgerbüro Todtenhausen".into(),
            postal_codes: vec!["32429".into()],
        })
        .await
        .unwrap();
    for service in casedesk_demo::demo_services() {
        db.upsert_service(&service).await.unwrap();
    }
    let service = demo_service("HU");
    Fixture {
        anna: user(db.as_ref(), "anna", Role::Caseworker, &["10"]).await,
        bernd: user(db.as_ref(), "bernd", Role::Caseworker, &["10"]).await,
        lead: user(db.as_ref(), "lead", Role::TeamLead, &["10", "20"]).await,
        clara: user(db.as_ref(), "clara", Role::Caseworker, &["20"]).await,
        admin: user(db.as_ref(), "admin", Role::Admin, &["10"]).await,
        erika: citizen(db.as_ref(), "erika@example.org", "32423").await,
        max: citizen(db.as_ref(), "max@example.org", "32429").await,
        office_a,
        office_b,
        service,
        db,
    }
}

pub fn document(sha256: &str) -> DocumentMeta {
    DocumentMeta {
        id: Uuid::now_v7(),
        sha256: sha256.into(),
        file_name: "versicherung.pdf".into(),
        media_type: "application/pdf".into(),
        size: 1234,
        kind: Some("insurance".into()),
        uploaded_at: Utc::now(),
        from_citizen: true,
        review: None,
    }
}

impl Fixture {
    /// Files an application of `citizen` with one insurance document.
    pub async fn submit(&self, citizen: &Citizen) -> CaseAggregate {
        self.submit_with(citizen, &"e".repeat(64)).await
    }

    pub async fn submit_with(&self, citizen: &Citizen, sha256: &str) -> CaseAggregate {
        self.db
            .submit_application(Application {
                citizen_id: citizen.id,
                service: self.service.clone(),
                form: dog_form().as_object().unwrap().clone(),
                documents: vec![document(sha256)],
                received_at: Utc::now(),
                consents: Consents::default(),
            })
            .await
            .expect("submit application")
    }
}

pub fn command(case: &CaseAggregate, kind: CommandKind) -> Command {
    Command {
        command_id: Uuid::now_v7(),
        case_id: case.id,
        base_version: case.version,
        kind,
    }
}
