//! Bulk seeding for load tests and benchmarks: many synthetic cases, fast.
//!
//! The demo tenant plays every command through the store, which is right for a few
//! hundred cases and far too slow for a hundred thousand. Here each case is built in
//! memory by the domain itself — [`CaseAggregate::submit`], then real commands through
//! [`CaseAggregate::decide`] and [`CaseAggregate::record`] — so its history is exactly
//! what the portal would have written, and whole batches are filed with
//! [`Database::import_cases`]. Aktenzeichen numbers are reserved in blocks per
//! series; a small pool of real files is stored once and shared by every case, as a
//! content-addressed store would share identical uploads.
//!
//! Cases arrive evenly over the last year and their state follows their age: most old
//! cases are closed, recent ones are still open. Building the next batch runs on the
//! blocking pool while the previous one is written, and a fixed random seed makes two
//! runs produce the same cases (apart from ids and e-mail addresses, which must be new).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use anyhow::{Context, anyhow, bail, ensure};
use casedesk_domain::aggregate::AssigneeInfo;
use casedesk_domain::deadline::Period;
use casedesk_domain::lifecycle::{ActorRef, Role};
use casedesk_domain::wire::{OfficeInfo, ServiceDefinition};
use casedesk_domain::{CaseAggregate, file_name};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::Stores;
use crate::attachments::{AttachmentSpec, IMAGE_VARIANTS, Rendering, attachment_for};
use crate::names::{self, Person};
use crate::{CITIZEN_PASSWORD, DEMO_OFFICES, DEMO_STAFF, pdf_document, services};
use casedesk_portal_store::blobs::{Accepted, name_for_content};
use casedesk_portal_store::{Citizen, Database, NewCitizen, Principal, StaffUser};

/// The fixed seed of the case generator.
const SEED: u64 = 0x5EED_0000_CA5E_2026;
/// Cases per `import_cases` call.
const BATCH: u32 = 1_000;
/// Cases arrive over this many days before now.
const WINDOW_DAYS: i64 = 365;

/// What a seeding run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub cases: u32,
    /// History entries written, the `submitted` events included.
    pub events: u64,
    pub documents: u64,
    pub elapsed: StdDuration,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "seeded {} cases ({} events, {} documents) in {:.1} s",
            self.cases,
            self.events,
            self.documents,
            self.elapsed.as_secs_f64()
        )
    }
}

/// An office with the actors that work its cases.
struct SeedOffice {
    info: OfficeInfo,
    caseworkers: Vec<(ActorRef, AssigneeInfo)>,
    leads: Vec<ActorRef>,
}

/// A stored file that documents point to.
#[derive(Debug, Clone)]
struct PooledBlob {
    sha256: String,
    size: i64,
    media_type: String,
    file_name: String,
}

/// Everything a batch builder reads; shared with the blocking pool.
struct World {
    offices: Vec<SeedOffice>,
    services: Vec<ServiceDefinition>,
    /// Each citizen with the index of the office their postal code belongs to.
    citizens: Vec<(Citizen, usize)>,
    /// Files for each required-document key.
    by_kind: HashMap<String, PooledBlob>,
    /// Files citizens add without being asked (a power of attorney, a photo, a scan).
    extras: Vec<PooledBlob>,
    letter_sha256: String,
    /// How long after its announcement a fee falls due (the tenant's setting).
    fee_due_after: Period,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

/// Cases ready for [`Database::import_cases`], with their applicants' ids.
type Batch = Vec<(CaseAggregate, Uuid)>;

/// One case to build, decided before its Aktenzeichen is reserved.
struct Plan {
    citizen: usize,
    service: usize,
    received_at: DateTime<Utc>,
    number: u32,
}

/// Adds `count` synthetic cases to a database that holds the demo tenant.
pub async fn seed_cases(state: &Stores<'_>, count: u32) -> anyhow::Result<SeedReport> {
    let started = Instant::now();
    let db = state.db;
    let world = Arc::new(prepare_world(state, count).await?);
    let mut plan_rng = StdRng::seed_from_u64(SEED);
    let mut report = SeedReport {
        cases: 0,
        events: 0,
        documents: 0,
        elapsed: StdDuration::ZERO,
    };

    // A two-stage pipeline: while one batch is written, the next is built on the
    // blocking pool.
    let mut pending: Option<tokio::task::JoinHandle<anyhow::Result<Batch>>> = None;
    let mut planned: u32 = 0;
    let mut batch_no: u64 = 0;
    while planned < count || pending.is_some() {
        let next = if planned < count {
            let n = BATCH.min(count - planned);
            let plans = plan_batch(&world, planned, n, count, &mut plan_rng);
            let plans = reserve_numbers(db, &world, plans).await?;
            let shared = Arc::clone(&world);
            let seed = SEED ^ (batch_no + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            planned += n;
            batch_no += 1;
            Some(tokio::task::spawn_blocking(move || {
                build_batch(&shared, plans, seed)
            }))
        } else {
            None
        };
        if let Some(handle) = pending.take() {
            let batch = handle.await.context("building a batch of cases")??;
            let before = report.cases;
            report.cases += u32::try_from(batch.len()).context("batch size")?;
            report.events += batch
                .iter()
                .map(|(c, _)| c.history.len() as u64)
                .sum::<u64>();
            report.documents += batch
                .iter()
                .map(|(c, _)| c.documents.len() as u64)
                .sum::<u64>();
            db.import_cases(batch).await.context("importing cases")?;
            if report.cases / 10_000 > before / 10_000 {
                tracing::info!(
                    cases = report.cases,
                    of = count,
                    events = report.events,
                    elapsed_s = started.elapsed().as_secs(),
                    "seeding"
                );
            }
        }
        pending = next;
    }
    // The seeded offices get their dictionaries and every case its frame now, so the
    // first bootstrap does not wait for the portal's hourly maintenance.
    db.maintain_frames()
        .await
        .context("training dictionaries and writing case frames")?;
    db.refresh_statistics()
        .await
        .context("refreshing the planner's statistics")?;
    report.elapsed = started.elapsed();
    tracing::info!(%report, "seeding finished");
    Ok(report)
}

/// Looks up the demo tenant, registers the citizen pool and stores the shared files.
async fn prepare_world(state: &Stores<'_>, count: u32) -> anyhow::Result<World> {
    let db = state.db;
    let all_offices = db.offices().await?;
    let mut users: Vec<StaffUser> = Vec::new();
    for member in DEMO_STAFF {
        match db.user_credentials(member.login).await? {
            Some((user, _)) => users.push(user),
            None => bail!(
                "seeding needs the demo tenant, but its user {} is missing",
                member.login
            ),
        }
    }
    let mut offices = Vec::new();
    for demo in DEMO_OFFICES {
        let info = all_offices
            .iter()
            .find(|o| o.code == demo.code)
            .ok_or_else(|| anyhow!("seeding needs the demo tenant's office {}", demo.code))?;
        let member =
            |u: &&StaffUser, role| u.role == role && u.offices.iter().any(|o| o.id == info.id);
        let caseworkers: Vec<(ActorRef, AssigneeInfo)> = users
            .iter()
            .filter(|u| member(u, Role::Caseworker))
            .map(|u| {
                (
                    Principal::Staff(u.clone()).actor(),
                    AssigneeInfo {
                        user_id: u.id,
                        name: u.display_name.clone(),
                    },
                )
            })
            .collect();
        let leads: Vec<ActorRef> = users
            .iter()
            .filter(|u| member(u, Role::TeamLead))
            .map(|u| Principal::Staff(u.clone()).actor())
            .collect();
        ensure!(
            !caseworkers.is_empty() && !leads.is_empty(),
            "office {} needs caseworkers and a team lead",
            demo.code
        );
        offices.push(SeedOffice {
            info: info.clone(),
            caseworkers,
            leads,
        });
    }

    let stored = db.services().await?;
    let mut services = Vec::new();
    for (id, _) in services::SERVICE_WEIGHTS {
        let service = stored
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| anyhow!("seeding needs the demo service {id}"))?;
        services.push(service.clone());
    }

    let citizens = create_citizen_pool(db, (count / 10).clamp(100, 1_000)).await?;
    let citizens = citizens
        .into_iter()
        .map(|c| {
            let office = DEMO_OFFICES
                .iter()
                .position(|o| o.postal_codes.contains(&c.postal_code.as_str()))
                .unwrap_or(0);
            (c, office)
        })
        .collect();

    let staff_uploader = Principal::Staff(
        users
            .iter()
            .find(|u| u.role == Role::Caseworker)
            .cloned()
            .ok_or_else(|| anyhow!("the demo tenant has no caseworker"))?,
    );
    let (by_kind, extras) = store_pool(state, &services).await?;
    let letter = pdf_document(
        "Bescheid (synthetischer Lasttest-Vorgang)",
        &[
            "Dieser Bescheid gehört zu einem synthetisch erzeugten Vorgang.".to_owned(),
            "Er dient Last- und Leistungstests von Casedesk und hat keine Rechtswirkung."
                .to_owned(),
            String::new(),
            "Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig."
                .to_owned(),
        ],
    );
    let letter = store(state, letter, &staff_uploader).await?;

    let end = Utc::now() - Duration::hours(1);
    Ok(World {
        offices,
        services,
        citizens,
        by_kind,
        extras,
        letter_sha256: letter.sha256,
        fee_due_after: db.fee_due_after().await?,
        start: end - Duration::days(WINDOW_DAYS),
        end,
    })
}

/// Registers `size` citizens sharing one password hash. The addresses carry a tag
/// unique to this run, so seeding twice never collides.
async fn create_citizen_pool(db: &dyn Database, size: u32) -> anyhow::Result<Vec<Citizen>> {
    let password_hash =
        casedesk_portal_store::passwords::hash_password_blocking(CITIZEN_PASSWORD.to_owned())
            .await
            .map_err(|e| anyhow!("hashing the citizen password: {e}"))?;
    let run_tag = Uuid::new_v4().simple().to_string();
    let run_tag = &run_tag[..8];
    let mut rng = StdRng::seed_from_u64(SEED ^ 0xC171_2E45);
    let mut citizens = Vec::with_capacity(size as usize);
    for i in 0..size {
        let postal_code = names::postal_code(&mut rng);
        let person = Person::draw(&mut rng, postal_code);
        citizens.push(
            db.create_citizen(NewCitizen {
                email: format!("{}.{run_tag}.{i}@example.org", person.email_local_part()),
                password_hash: password_hash.clone(),
                given_name: person.given_name,
                family_name: person.family_name,
                street: person.street,
                postal_code: person.postal_code,
                city: names::CITY.to_owned(),
                phone: person.phone,
            })
            .await
            .context("creating a seed citizen")?,
        );
    }
    Ok(citizens)
}

async fn store(
    state: &Stores<'_>,
    bytes: Vec<u8>,
    uploader: &Principal,
) -> anyhow::Result<Accepted> {
    state
        .accept_bytes(bytes, uploader)
        .await
        .context("storing a seed file")
}

/// Stores one file per required-document key and three extras. The files show the
/// sample person Erika Mustermann, as printed samples of German documents do, and
/// their content is fixed, so a second run stores nothing new.
async fn store_pool(
    state: &Stores<'_>,
    services: &[ServiceDefinition],
) -> anyhow::Result<(HashMap<String, PooledBlob>, Vec<PooledBlob>)> {
    let sample = casedesk_domain::aggregate::Applicant {
        citizen_id: Uuid::nil(),
        given_name: "Erika".into(),
        family_name: "Mustermann".into(),
        street: "Heidestraße 17".into(),
        postal_code: names::POSTAL_MAIN.into(),
        city: names::CITY.into(),
        email: "erika.mustermann@example.org".into(),
        phone: None,
    };
    let day = NaiveDate::from_ymd_opt(2026, 1, 15).expect("a valid date");
    let form = serde_json::Map::new();
    // The same seed for every kind makes all scans one file and all photos another.
    let mut rendered = HashMap::new();
    let mut by_kind = HashMap::new();
    for service in services {
        for doc in &service.required_documents {
            if by_kind.contains_key(&doc.key) {
                continue;
            }
            let spec = attachment_for(Some(&doc.key), &sample, &form, day, IMAGE_VARIANTS);
            let blob = pooled(state, spec, &mut rendered).await?;
            by_kind.insert(doc.key.clone(), blob);
        }
    }
    let mut extras = Vec::new();
    for seed in 0..3 {
        let spec = attachment_for(None, &sample, &form, day, IMAGE_VARIANTS * 3 + seed);
        extras.push(pooled(state, spec, &mut rendered).await?);
    }
    Ok((by_kind, extras))
}

/// Stores an attachment of the pool, rendering each image only once.
async fn pooled(
    state: &Stores<'_>,
    spec: AttachmentSpec,
    rendered: &mut HashMap<Rendering, Accepted>,
) -> anyhow::Result<PooledBlob> {
    let accepted = match rendered.get(&spec.rendering) {
        Some(accepted) => accepted.clone(),
        None => {
            let accepted = store(state, spec.rendering.render(), &Principal::System).await?;
            rendered.insert(spec.rendering.clone(), accepted.clone());
            accepted
        }
    };
    let sanitized = file_name::sanitize(&spec.file_name);
    Ok(PooledBlob {
        file_name: name_for_content(&sanitized, accepted.media_type),
        sha256: accepted.sha256,
        size: i64::try_from(accepted.size).context("blob size")?,
        media_type: accepted.media_type.to_owned(),
    })
}

/// Draws citizens and services for cases `first..first + n` of `total`; arrival
/// times are spread evenly over the window, so they grow with the case index.
fn plan_batch(world: &World, first: u32, n: u32, total: u32, rng: &mut StdRng) -> Vec<Plan> {
    let span = (world.end - world.start).num_seconds() as f64;
    (first..first + n)
        .map(|i| {
            let slot = (f64::from(i) + rng.gen_range(0.0..1.0)) / f64::from(total.max(1));
            let service_id = services::draw_service(rng);
            Plan {
                citizen: rng.gen_range(0..world.citizens.len()),
                service: world
                    .services
                    .iter()
                    .position(|s| s.id == service_id)
                    .unwrap_or(0),
                received_at: world.start + Duration::seconds((slot * span) as i64),
                number: 0,
            }
        })
        .collect()
}

/// Reserves the batch's Aktenzeichen numbers: one block per series (office, service,
/// year), handed out in order of arrival.
async fn reserve_numbers(
    db: &dyn Database,
    world: &World,
    mut plans: Vec<Plan>,
) -> anyhow::Result<Vec<Plan>> {
    let series = |plan: &Plan| {
        let office = world.citizens[plan.citizen].1;
        (office, plan.service, plan.received_at.year())
    };
    let mut counts: HashMap<(usize, usize, i32), u32> = HashMap::new();
    for plan in &plans {
        *counts.entry(series(plan)).or_default() += 1;
    }
    let mut next: HashMap<(usize, usize, i32), u32> = HashMap::new();
    for (&(office, service, year), &n) in &counts {
        let first = db
            .reserve_case_numbers(
                &world.offices[office].info.code,
                &world.services[service].id,
                year,
                n,
            )
            .await
            .context("reserving case numbers")?;
        next.insert((office, service, year), first);
    }
    for plan in &mut plans {
        let number = next
            .get_mut(&series(plan))
            .ok_or_else(|| anyhow!("no numbers reserved for a series"))?;
        plan.number = *number;
        *number += 1;
    }
    Ok(plans)
}

mod story;

use story::build_batch;

#[cfg(test)]
mod tests;
