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
use casedesk_domain::aggregate::{
    AssigneeInfo, DecideContext, DocumentMeta, Fee, NewCase, PaymentStatus, Priority,
    RequestStatus, RequestedItem, Verdict,
};
use casedesk_domain::command::CommandKind;
use casedesk_domain::deadline::DeliveryRule;
use casedesk_domain::lifecycle::{ActorRef, CaseStatus, Outcome, Role};
use casedesk_domain::wire::{OfficeInfo, ServiceDefinition};
use casedesk_domain::{Aktenzeichen, CaseAggregate, file_name};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::Stores;
use crate::attachments::{AttachmentSpec, IMAGE_VARIANTS, Rendering, attachment_for};
use crate::names::{self, Person};
use crate::texts::{self, pick};
use crate::timeline::Timeline;
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
    delivery_rule: DeliveryRule,
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
        delivery_rule: db.delivery_rule().await?,
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

/// Where a seeded case ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Submitted,
    InReview,
    AwaitingCitizen,
    Decided(Outcome),
    Closed(Outcome),
    Withdrawn,
}

/// The state of a case received `age_days` ago: young cases are mostly open, old
/// ones mostly closed, as in a year of real work.
fn draw_fate(age_days: f64, rng: &mut StdRng) -> Fate {
    let weights: [u32; 6] = if age_days < 7.0 {
        [35, 40, 15, 5, 0, 5]
    } else if age_days < 30.0 {
        [3, 27, 15, 35, 10, 10]
    } else {
        [0, 3, 2, 12, 76, 7]
    };
    let mut roll = rng.gen_range(0..weights.iter().sum::<u32>());
    let mut index = 0;
    for (i, weight) in weights.iter().enumerate() {
        if roll < *weight {
            index = i;
            break;
        }
        roll -= weight;
    }
    let outcome = match rng.gen_range(0..100) {
        0..75 => Outcome::Approved,
        75..88 => Outcome::Partial,
        _ => Outcome::Rejected,
    };
    match index {
        0 => Fate::Submitted,
        1 => Fate::InReview,
        2 => Fate::AwaitingCitizen,
        3 => Fate::Decided(outcome),
        4 => Fate::Closed(outcome),
        _ => Fate::Withdrawn,
    }
}

fn build_batch(world: &World, plans: Vec<Plan>, seed: u64) -> anyhow::Result<Batch> {
    let mut rng = StdRng::seed_from_u64(seed);
    plans
        .iter()
        .map(|plan| build_case(world, plan, &mut rng))
        .collect()
}

/// A case being built in memory.
struct Builder<'w> {
    world: &'w World,
    case: CaseAggregate,
    clock: Timeline,
}

impl Builder<'_> {
    /// Decides and records one command, as the portal would.
    fn run(
        &mut self,
        actor: &ActorRef,
        kind: CommandKind,
        at: DateTime<Utc>,
        assignee: Option<AssigneeInfo>,
    ) -> anyhow::Result<()> {
        let mut ctx = DecideContext::at(at);
        ctx.delivery_rule = self.world.delivery_rule;
        ctx.assignee = assignee;
        // The only letter referenced is the pooled one, which is stored.
        ctx.letter_stored = true;
        let events = self
            .case
            .decide(actor, &kind, self.case.version, &ctx)
            .map_err(|rejection| {
                anyhow!(
                    "seed case {}: {} was refused: {rejection}",
                    self.case.aktenzeichen,
                    kind.name()
                )
            })?;
        self.case.record(events, actor, Some(Uuid::now_v7()), at, 0);
        Ok(())
    }
}

/// A document of the pool as uploaded to one case.
fn document_meta(blob: &PooledBlob, kind: Option<&str>, at: DateTime<Utc>) -> DocumentMeta {
    DocumentMeta {
        id: Uuid::now_v7(),
        sha256: blob.sha256.clone(),
        file_name: blob.file_name.clone(),
        media_type: blob.media_type.clone(),
        size: blob.size,
        kind: kind.map(str::to_owned),
        uploaded_at: at,
        from_citizen: true,
        review: None,
    }
}

fn build_case(
    world: &World,
    plan: &Plan,
    rng: &mut StdRng,
) -> anyhow::Result<(CaseAggregate, Uuid)> {
    let (citizen, office_index) = &world.citizens[plan.citizen];
    let office = &world.offices[*office_index];
    let service = &world.services[plan.service];
    let received = plan.received_at;
    let person = Person {
        given_name: citizen.given_name.clone(),
        family_name: citizen.family_name.clone(),
        street: citizen.street.clone(),
        postal_code: citizen.postal_code.clone(),
        phone: None,
    };
    let form = services::sample_form(&service.id, &person, received.date_naive(), rng);
    let aktenzeichen =
        Aktenzeichen::new(&office.info.code, &service.id, received.year(), plan.number)
            .map_err(|e| anyhow!("Aktenzeichen for office {}: {e}", office.info.code))?;

    // The required documents plus a few the citizen adds unasked, about four in all,
    // uploaded while the form was filled in.
    let uploaded = received - Duration::minutes(rng.gen_range(1..30));
    let mut documents: Vec<DocumentMeta> = service
        .required_documents_for(&form)
        .into_iter()
        .filter_map(|doc| {
            let blob = world.by_kind.get(&doc.key)?;
            Some(document_meta(blob, Some(&doc.key), uploaded))
        })
        .collect();
    let wanted = rng.gen_range(3..=5);
    while documents.len() < wanted {
        let blob = world.extras.choose(rng).expect("the pool has extras");
        documents.push(document_meta(blob, None, uploaded));
    }
    let fee_cents = service.fee_cents(&form);
    let citizen_actor = Principal::Citizen(citizen.clone()).actor();
    let new = NewCase {
        id: Uuid::now_v7(),
        aktenzeichen: aktenzeichen.to_string(),
        office_id: office.info.id,
        service_id: service.id.clone(),
        received_at: received,
        processing_period: service.processing_period,
        applicant: citizen.applicant(),
        form_data: form,
        documents,
        fee: (fee_cents > 0).then(|| Fee {
            amount_cents: fee_cents,
            kassenzeichen: casedesk_domain::kassenzeichen::of(&aktenzeichen),
            status: PaymentStatus::Open,
        }),
    };
    let mut b = Builder {
        world,
        case: CaseAggregate::submit(new, &citizen_actor, 0).0,
        clock: Timeline::new(received, world.end),
    };

    let age_days = (world.end - received).num_seconds() as f64 / 86_400.0;
    let fate = draw_fate(age_days, rng);
    play(&mut b, fate, service, office, &citizen_actor, rng)?;
    Ok((b.case, citizen.id))
}

fn play(
    b: &mut Builder<'_>,
    fate: Fate,
    service: &ServiceDefinition,
    office: &SeedOffice,
    citizen: &ActorRef,
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    if rng.gen_bool(0.08) {
        let at = b.clock.step(rng);
        let text = pick(rng, texts::CITIZEN_MESSAGES).to_owned();
        b.run(citizen, CommandKind::CitizenMessage { text }, at, None)?;
    }
    let withdraw = |b: &mut Builder<'_>, rng: &mut StdRng| {
        let at = b.clock.step(rng);
        let reason = Some(pick(rng, texts::WITHDRAW_REASONS).to_owned());
        b.run(citizen, CommandKind::Withdraw { reason }, at, None)
    };
    match fate {
        Fate::Submitted => {
            if rng.gen_bool(0.2) {
                let lead = office.leads.choose(rng).expect("offices have a team lead");
                let at = b.clock.step(rng);
                let text = pick(rng, texts::TEAM_LEAD_NOTES).to_owned();
                b.run(lead, CommandKind::AddNote { text }, at, None)?;
            }
            return Ok(());
        }
        Fate::Withdrawn if rng.gen_bool(0.5) => return withdraw(b, rng),
        _ => {}
    }

    let (worker, info) = office
        .caseworkers
        .choose(rng)
        .expect("offices have caseworkers");
    let at = b.clock.step(rng);
    if rng.gen_bool(0.25) {
        let lead = office.leads.choose(rng).expect("offices have a team lead");
        let kind = CommandKind::Assign {
            assignee: info.user_id,
        };
        b.run(lead, kind, at, Some(info.clone()))?;
    } else {
        b.run(worker, CommandKind::Claim, at, None)?;
    }
    if rng.gen_bool(0.45) {
        let at = b.clock.step(rng);
        let text = pick(rng, texts::NOTES).to_owned();
        b.run(worker, CommandKind::AddNote { text }, at, None)?;
    }
    if rng.gen_bool(0.08) {
        let at = b.clock.step(rng);
        let priority = *[Priority::High, Priority::Urgent, Priority::Low]
            .choose(rng)
            .expect("the list is not empty");
        b.run(worker, CommandKind::SetPriority { priority }, at, None)?;
    }

    let asks_citizen = match fate {
        Fate::AwaitingCitizen => true,
        Fate::Decided(_) | Fate::Closed(_) => rng.gen_bool(0.12),
        Fate::InReview => rng.gen_bool(0.1),
        _ => false,
    };
    let rejected_kind = review(
        b,
        worker,
        fate == Fate::InReview && !asks_citizen,
        asks_citizen,
        rng,
    )?;
    if asks_citizen && !request_and_answer(b, fate, service, worker, citizen, rejected_kind, rng)? {
        return Ok(());
    }
    let (outcome, closed) = match fate {
        Fate::Withdrawn => return withdraw(b, rng),
        Fate::Decided(outcome) => (outcome, false),
        Fate::Closed(outcome) => (outcome, true),
        _ => return Ok(()),
    };
    decide(b, worker, outcome, closed, rng)
}

/// Reviews the case's documents: every required one, and most extras the citizen
/// sent unasked. Work in progress (`partly`) has reviewed only some of them; a case
/// that leads to a request (`reject_first`) has its first document rejected. Returns
/// the kind of the rejected document.
fn review(
    b: &mut Builder<'_>,
    worker: &ActorRef,
    partly: bool,
    reject_first: bool,
    rng: &mut StdRng,
) -> anyhow::Result<Option<String>> {
    let to_review: Vec<(Uuid, Option<String>)> = b
        .case
        .documents
        .iter()
        .filter(|d| d.kind.is_some() || rng.gen_bool(0.7))
        .map(|d| (d.id, d.kind.clone()))
        .collect();
    let reviewed = if partly {
        rng.gen_range(0..=to_review.len())
    } else {
        to_review.len()
    };
    let mut rejected_kind = None;
    for (i, (document_id, kind)) in to_review.into_iter().take(reviewed).enumerate() {
        let at = b.clock.step_share(rng, 0.005, 0.03);
        let (verdict, reason) = if reject_first && i == 0 {
            rejected_kind = kind;
            (
                Verdict::Rejected,
                Some(pick(rng, texts::DOCUMENT_REJECTIONS).to_owned()),
            )
        } else {
            (Verdict::Accepted, None)
        };
        let kind = CommandKind::ReviewDocument {
            document_id,
            verdict,
            reason,
        };
        b.run(worker, kind, at, None)?;
    }

    Ok(rejected_kind)
}

/// Asks the citizen for the rejected document (or a power of attorney) and, unless
/// the case is to stay waiting, plays the answer and its review. Returns whether the
/// case goes on.
fn request_and_answer(
    b: &mut Builder<'_>,
    fate: Fate,
    service: &ServiceDefinition,
    worker: &ActorRef,
    citizen: &ActorRef,
    rejected_kind: Option<String>,
    rng: &mut StdRng,
) -> anyhow::Result<bool> {
    let at = b.clock.step(rng);
    let mut answer_due = at.date_naive() + Duration::weeks(2);
    if fate == Fate::AwaitingCitizen {
        // Keep waiting cases' deadlines ahead, or the expiry job would move them
        // all on the moment the portal starts.
        let earliest = b.clock.end().date_naive() + Duration::days(rng.gen_range(2..14));
        answer_due = answer_due.max(earliest);
    }
    let label = rejected_kind.as_deref().map(|kind| {
        service
            .required_documents
            .iter()
            .find(|d| d.key == kind)
            .map_or(kind, |d| d.label.as_str())
    });
    let description = match label {
        Some(label) => texts::request_item_description(label),
        None => "Vollmacht der vertretenen Person (unterschrieben)".to_owned(),
    };
    let kind = CommandKind::RequestItems {
        items: vec![RequestedItem {
            kind: rejected_kind.clone(),
            description,
        }],
        reason: pick(rng, texts::REQUEST_REASONS).to_owned(),
        answer_due,
        message: pick(rng, texts::REQUEST_MESSAGES).to_owned(),
    };
    b.run(worker, kind, at, None)?;
    if fate == Fate::AwaitingCitizen {
        return Ok(false);
    }
    let request_id = b
        .case
        .requests
        .iter()
        .find(|r| r.status == RequestStatus::Open)
        .map(|r| r.id)
        .ok_or_else(|| anyhow!("seed case {}: no open request", b.case.aktenzeichen))?;
    let at = b.clock.step(rng);
    let blob = match rejected_kind
        .as_deref()
        .and_then(|k| b.world.by_kind.get(k))
    {
        Some(blob) => blob,
        None => b.world.extras.choose(rng).expect("the pool has extras"),
    };
    let document = document_meta(blob, rejected_kind.as_deref(), at);
    let document_id = document.id;
    let message = rng
        .gen_bool(0.5)
        .then(|| pick(rng, texts::ANSWER_MESSAGES).to_owned());
    let kind = CommandKind::AnswerRequest {
        request_id,
        documents: vec![document],
        message,
    };
    b.run(citizen, kind, at, None)?;
    let at = b.clock.step(rng);
    let kind = CommandKind::ReviewDocument {
        document_id,
        verdict: Verdict::Accepted,
        reason: None,
    };
    b.run(worker, kind, at, None)?;
    Ok(true)
}

/// Records the decision (a rejection costs half the fee), sometimes the payment, and
/// closes the case if its fate says so.
fn decide(
    b: &mut Builder<'_>,
    worker: &ActorRef,
    outcome: Outcome,
    closed: bool,
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    let full_fee = b.case.fee.as_ref().map_or(0, |f| f.amount_cents);
    let fee_cents = match outcome {
        Outcome::Rejected => full_fee / 2,
        Outcome::Approved | Outcome::Partial => full_fee,
    };
    let at = b.clock.step(rng);
    let kind = CommandKind::RecordDecision {
        outcome,
        letter_sha256: Some(b.world.letter_sha256.clone()),
        fee_cents,
    };
    b.run(worker, kind, at, None)?;
    if fee_cents > 0 && rng.gen_bool(if closed { 0.6 } else { 0.3 }) {
        let at = b.clock.step(rng);
        let kind = CommandKind::RecordPayment {
            status: PaymentStatus::Paid,
        };
        b.run(&ActorRef::System, kind, at, None)?;
    }
    if closed {
        let at = b.clock.step(rng);
        let kind = CommandKind::SetStatus {
            status: CaseStatus::Closed,
            reason: Some(pick(rng, texts::CLOSE_REASONS).to_owned()),
        };
        b.run(worker, kind, at, None)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
