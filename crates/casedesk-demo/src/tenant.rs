//! Creating the demo tenant: offices, staff with their logins and citizens, through
//! the same store operations an operator's `user add` and the citizen API use; then
//! the cases, played through their lives by [`crate::lives`].

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use anyhow::{Context, anyhow, ensure};
use casedesk_domain::lifecycle::{CaseStatus, Role};
use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::Stores;
use casedesk_portal_store::{Citizen, Database, NewCitizen, NewOffice, NewUser, StaffUser};

use crate::lives::{Tenant, plan_cases};
use crate::names::{self, Person};
use crate::{
    CITIZEN_PASSWORD, DEMO_CITIZENS, DEMO_OFFICES, DEMO_PASSWORD, DEMO_SEED, DEMO_STAFF, DemoLogin,
    demo_services,
};

/// Hashes a password on the blocking pool.
async fn hash(password: &str) -> anyhow::Result<String> {
    casedesk_portal_store::passwords::hash_password_blocking(password.to_owned())
        .await
        .map_err(|e| anyhow!("hashing a demo password: {e}"))
}

/// The staff of the tenant, for finding the right actor for a case.
pub struct Staff {
    pub users: Vec<StaffUser>,
}

impl Staff {
    pub(crate) fn in_office(&self, office_id: Uuid, role: Role) -> Vec<&StaffUser> {
        self.users
            .iter()
            .filter(|u| u.role == role && u.offices.iter().any(|o| o.id == office_id))
            .collect()
    }

    /// A caseworker of the office.
    pub fn caseworker(&self, office_id: Uuid, rng: &mut impl Rng) -> anyhow::Result<&StaffUser> {
        self.in_office(office_id, Role::Caseworker)
            .choose(rng)
            .copied()
            .ok_or_else(|| anyhow!("office {office_id} has no caseworker"))
    }

    /// A caseworker of the office other than `not`.
    pub(crate) fn colleague(
        &self,
        office_id: Uuid,
        not: Uuid,
        rng: &mut impl Rng,
    ) -> anyhow::Result<&StaffUser> {
        let others: Vec<_> = self
            .in_office(office_id, Role::Caseworker)
            .into_iter()
            .filter(|u| u.id != not)
            .collect();
        others
            .choose(rng)
            .copied()
            .ok_or_else(|| anyhow!("office {office_id} has only one caseworker"))
    }

    /// A team lead of the office.
    pub fn team_lead(&self, office_id: Uuid, rng: &mut impl Rng) -> anyhow::Result<&StaffUser> {
        self.in_office(office_id, Role::TeamLead)
            .choose(rng)
            .copied()
            .ok_or_else(|| anyhow!("office {office_id} has no team lead"))
    }

    /// A team lead who belongs to both offices (to hand a case over).
    pub(crate) fn team_lead_of_both(&self, a: Uuid, b: Uuid) -> anyhow::Result<&StaffUser> {
        self.users
            .iter()
            .find(|u| {
                u.role == Role::TeamLead
                    && u.offices.iter().any(|o| o.id == a)
                    && u.offices.iter().any(|o| o.id == b)
            })
            .ok_or_else(|| anyhow!("no team lead belongs to offices {a} and {b}"))
    }
}

/// Creates the demo tenant on an empty database and returns the staff logins, the
/// main office's caseworker `a.becker` first.
pub async fn create_demo_tenant(state: &Stores<'_>) -> anyhow::Result<Vec<DemoLogin>> {
    let started = Instant::now();
    let db = &state.db;
    ensure!(
        db.is_empty().await?,
        "the demo tenant can only be created in an empty database"
    );
    let mut offices = Vec::new();
    for office in DEMO_OFFICES {
        offices.push(
            db.create_office(NewOffice {
                code: office.code.to_owned(),
                name: office.name.to_owned(),
                postal_codes: office
                    .postal_codes
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect(),
            })
            .await
            .with_context(|| format!("creating office {}", office.code))?,
        );
    }

    // Argon2 is deliberately slow: hash each password once, both at the same time.
    let (staff_hash, citizen_hash) = tokio::try_join!(hash(DEMO_PASSWORD), hash(CITIZEN_PASSWORD))?;

    let mut users = Vec::new();
    let mut logins = Vec::new();
    for member in DEMO_STAFF {
        let user = db
            .create_user(NewUser {
                name: member.login.to_owned(),
                display_name: member.display_name.to_owned(),
                role: member.role,
                password_hash: staff_hash.clone(),
                office_codes: member.offices.iter().map(|c| (*c).to_owned()).collect(),
            })
            .await
            .with_context(|| format!("creating user {}", member.login))?;
        logins.push(DemoLogin {
            user: user.name.clone(),
            password: DEMO_PASSWORD.to_owned(),
            role: user.role,
            office: user
                .offices
                .first()
                .map(|o| o.name.clone())
                .unwrap_or_default(),
        });
        users.push(user);
    }

    let services = demo_services();
    for service in &services {
        db.upsert_service(service)
            .await
            .with_context(|| format!("creating service {}", service.id))?;
    }

    let mut rng = StdRng::seed_from_u64(DEMO_SEED);
    let citizens = create_citizens(*db, &citizen_hash, DEMO_CITIZENS, &mut rng).await?;

    let tenant = Tenant {
        state: *state,
        offices,
        staff: Staff { users },
        services: services.into_iter().map(|s| (s.id.clone(), s)).collect(),
        images: tokio::sync::Mutex::new(HashMap::new()),
    };
    let end = Utc::now() - Duration::minutes(10);
    let plan = plan_cases(&citizens, &tenant.services, end, &mut rng);
    let mut statuses: HashMap<CaseStatus, u32> = HashMap::new();
    for (i, planned) in plan.iter().enumerate() {
        let mut case_rng =
            StdRng::seed_from_u64(DEMO_SEED ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9));
        let status = tenant
            .run_case(planned, end, &mut case_rng)
            .await
            .with_context(|| format!("demo case {} ({:?})", i + 1, planned.fate))?;
        *statuses.entry(status).or_default() += 1;
    }
    // Every demo office has enough cases for its dictionary: train them now, so the
    // first bootstrap gets every case as a stored frame.
    db.maintain_frames()
        .await
        .context("training dictionaries and writing case frames")?;
    tracing::info!(
        cases = plan.len(),
        citizens = citizens.len(),
        ?statuses,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo tenant created"
    );
    Ok(logins)
}

/// Registers `count` citizens with unique `vorname.nachname@example.org` addresses.
async fn create_citizens(
    db: &dyn Database,
    password_hash: &str,
    count: usize,
    rng: &mut StdRng,
) -> anyhow::Result<Vec<Citizen>> {
    let mut taken = HashSet::new();
    let mut citizens = Vec::with_capacity(count);
    for _ in 0..count {
        let postal_code = names::postal_code(rng);
        let person = Person::draw(rng, postal_code);
        let local = person.email_local_part();
        let mut email = format!("{local}@example.org");
        let mut n = 2;
        while !taken.insert(email.clone()) {
            email = format!("{local}{n}@example.org");
            n += 1;
        }
        citizens.push(
            db.create_citizen(NewCitizen {
                email,
                password_hash: password_hash.to_owned(),
                given_name: person.given_name,
                family_name: person.family_name,
                street: person.street,
                postal_code: person.postal_code,
                city: names::CITY.to_owned(),
                phone: person.phone,
            })
            .await
            .context("creating a demo citizen")?,
        );
    }
    Ok(citizens)
}
