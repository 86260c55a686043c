//! The demo tenant: a town hall with a main office and two branch offices, their
//! staff, six services, about 150 citizens and some 300 cases in every state.
//!
//! Everything goes through the same store functions the APIs use: applications are
//! filed with [`Database::submit_application`] and every later step is a real command
//! by the right person (the caseworker of the case's office, a team lead, the
//! citizen, or the system jobs) through [`Database::apply_command`]. Attachments and
//! decision letters are real files in the blob store. So the demo shows exactly what
//! the portal would hold after two months of use, and a command the domain refuses
//! stops the demo with an error instead of leaving quietly inconsistent data.
//!
//! Passwords are hashed once per kind (Argon2 is slow on purpose) and the scans and
//! photos come from a small pool, which keeps creating the tenant to a few seconds.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::Instant;

use anyhow::{Context, anyhow, bail, ensure};
use casedesk_domain::aggregate::{DocumentMeta, Priority, RequestStatus, RequestedItem, Verdict};
use casedesk_domain::command::{Command, CommandAnswer, CommandKind};
use casedesk_domain::lifecycle::{CaseStatus, Outcome, Role};
use casedesk_domain::wire::{OfficeInfo, ServiceDefinition};
use casedesk_domain::{CaseAggregate, file_name};
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::api::AppState;
use crate::blobs::{Accepted, name_for_content};
use crate::store::{
    Application, Citizen, Database, NewCitizen, NewOffice, NewUser, Principal, StaffUser,
};

pub mod attachments;
pub mod documents;
pub mod names;
pub mod services;
pub mod texts;
pub mod timeline;

pub use documents::{jpeg_photo, pdf_document, png_scan};
pub use services::demo_services;

use attachments::{AttachmentSpec, Rendering, attachment_for};
use names::Person;
use texts::pick;
use timeline::{Timeline, morning_of};

/// Every demo staff member's password.
pub const DEMO_PASSWORD: &str = "demo-casedesk";

/// Every demo citizen's password (for trying the citizen API).
pub const CITIZEN_PASSWORD: &str = "buerger-demo-2026";

/// The fixed seed that makes the demo tenant the same every time.
const DEMO_SEED: u64 = 0x00CA_5EDE_5C00_2026;

/// How many citizens and cases the demo tenant gets.
const DEMO_CITIZENS: usize = 150;

/// One staff login of the demo tenant, as printed on start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub user: String,
    pub password: String,
    pub role: Role,
    /// The name of the user's (first) office.
    pub office: String,
}

impl fmt::Display for DemoLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} / {}  ({}, {})",
            self.user,
            self.password,
            self.role.as_str(),
            self.office
        )
    }
}

/// An office of the demo tenant.
pub struct DemoOffice {
    pub code: &'static str,
    pub name: &'static str,
    pub postal_codes: &'static [&'static str],
}

/// The main office (fallback for every postal code) and two branch offices.
pub const DEMO_OFFICES: &[DemoOffice] = &[
    DemoOffice {
        code: "32",
        name: "Bürgerbüro Rathaus",
        postal_codes: &[],
    },
    DemoOffice {
        code: "321",
        name: "Bürgerbüro Dankersen",
        postal_codes: &[names::POSTAL_DANKERSEN],
    },
    DemoOffice {
        code: "322",
        name: "Bürgerbüro Todtenhausen",
        postal_codes: &[names::POSTAL_TODTENHAUSEN],
    },
];

/// A staff member of the demo tenant.
pub struct DemoStaff {
    pub login: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    /// Office codes; the first is the one printed with the login.
    pub offices: &'static [&'static str],
}

const fn staff(
    login: &'static str,
    display_name: &'static str,
    role: Role,
    offices: &'static [&'static str],
) -> DemoStaff {
    DemoStaff {
        login,
        display_name,
        role,
        offices,
    }
}

/// The demo staff, in the order the logins are printed. The desktop demo logs in as
/// the first one, a caseworker of the main office.
pub const DEMO_STAFF: &[DemoStaff] = &[
    staff("a.becker", "Anna Becker", Role::Caseworker, &["32"]),
    staff("m.schulz", "Markus Schulz", Role::Caseworker, &["32"]),
    staff("t.hoffmann", "Tobias Hoffmann", Role::Caseworker, &["32"]),
    staff("s.wagner", "Sabine Wagner", Role::Caseworker, &["32"]),
    staff("j.koch", "Julia Koch", Role::Caseworker, &["32"]),
    staff("l.richter", "Lena Richter", Role::Caseworker, &["32"]),
    staff("p.wolf", "Peter Wolf", Role::Caseworker, &["321"]),
    staff("n.schroeder", "Nina Schröder", Role::Caseworker, &["321"]),
    staff("f.neumann", "Frank Neumann", Role::Caseworker, &["322"]),
    staff("e.kaya", "Emine Kaya", Role::Caseworker, &["322"]),
    staff("k.schneider", "Katrin Schneider", Role::TeamLead, &["32"]),
    // Leads both branch offices and stands in for the main office's team lead.
    staff(
        "h.zimmermann",
        "Holger Zimmermann",
        Role::TeamLead,
        &["321", "322", "32"],
    ),
    staff("d.krueger", "Dirk Krüger", Role::Admin, &["32"]),
];

/// Hashes a password on the blocking pool.
async fn hash(password: &str) -> anyhow::Result<String> {
    crate::auth::hash_password_blocking(password.to_owned())
        .await
        .map_err(|e| anyhow!("hashing a demo password: {e}"))
}

/// The staff of the tenant, for finding the right actor for a case.
pub struct Staff {
    pub users: Vec<StaffUser>,
}

impl Staff {
    fn in_office(&self, office_id: Uuid, role: Role) -> Vec<&StaffUser> {
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
    fn colleague(
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
    fn team_lead_of_both(&self, a: Uuid, b: Uuid) -> anyhow::Result<&StaffUser> {
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
pub async fn create_demo_tenant(state: &AppState) -> anyhow::Result<Vec<DemoLogin>> {
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
    let citizens = create_citizens(db.as_ref(), &citizen_hash, DEMO_CITIZENS, &mut rng).await?;

    let tenant = Tenant {
        state,
        offices,
        staff: Staff { users },
        services: services.into_iter().map(|s| (s.id.clone(), s)).collect(),
        images: tokio::sync::Mutex::new(HashMap::new()),
    };
    let end = Utc::now() - Duration::minutes(10);
    let plan = plan_cases(&citizens, end, &mut rng);
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

/// How a withdrawn case got as far as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Submitted,
    InReview,
    AwaitingCitizen,
}

/// Where a demo case ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Submitted,
    InReview,
    AwaitingCitizen,
    Decided(Outcome),
    Closed(Outcome),
    Withdrawn(Stage),
}

/// Rarer turns a case takes on its way, so the demo shows them too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Twist {
    None,
    /// A team lead hands the case to a branch office.
    Transfer,
    /// The first caseworker releases the case and a colleague takes it.
    Release,
    /// A team lead extends the processing deadline.
    DueDate,
    /// The citizen never answers; the system notes the passed answer deadline.
    Expire,
}

#[derive(Debug, Clone)]
struct PlannedCase {
    fate: Fate,
    twist: Twist,
    service_id: &'static str,
    citizen: Citizen,
    received_at: DateTime<Utc>,
}

/// How many cases end in each state, with the range of their age in days.
const FATES: &[(Fate, usize, f64, f64)] = &[
    (Fate::Submitted, 34, 0.05, 4.0),
    // Older unclaimed cases, most of them past their processing deadline.
    (Fate::Submitted, 12, 4.0, 14.0),
    (Fate::InReview, 80, 1.0, 35.0),
    (Fate::AwaitingCitizen, 40, 4.0, 35.0),
    (Fate::Decided(Outcome::Approved), 28, 5.0, 40.0),
    (Fate::Decided(Outcome::Rejected), 10, 5.0, 40.0),
    (Fate::Decided(Outcome::Partial), 10, 5.0, 40.0),
    (Fate::Closed(Outcome::Approved), 40, 20.0, 60.0),
    (Fate::Closed(Outcome::Rejected), 12, 20.0, 60.0),
    (Fate::Closed(Outcome::Partial), 8, 20.0, 60.0),
    (Fate::Withdrawn(Stage::Submitted), 8, 1.0, 50.0),
    (Fate::Withdrawn(Stage::InReview), 10, 1.0, 50.0),
    (Fate::Withdrawn(Stage::AwaitingCitizen), 8, 5.0, 50.0),
];

fn plan_cases(citizens: &[Citizen], end: DateTime<Utc>, rng: &mut StdRng) -> Vec<PlannedCase> {
    let main: Vec<&Citizen> = citizens
        .iter()
        .filter(|c| c.postal_code == names::POSTAL_MAIN)
        .collect();
    let mut plan = Vec::new();
    for &(fate, count, min_age, max_age) in FATES {
        for i in 0..count {
            let twist = match (fate, i) {
                (Fate::InReview, 0..=3) => Twist::Transfer,
                (Fate::InReview, 4..=6) => Twist::Release,
                (Fate::InReview, 7..=9) => Twist::DueDate,
                (Fate::Closed(Outcome::Rejected), 0..=3) => Twist::Expire,
                _ => Twist::None,
            };
            let (min_age, max_age) = if twist == Twist::Expire {
                (45.0, 60.0)
            } else {
                (min_age, max_age)
            };
            let service_id = if twist == Twist::DueDate {
                "BA"
            } else {
                services::draw_service(rng)
            };
            let citizen = if twist == Twist::Transfer {
                main.choose(rng).copied()
            } else {
                citizens.choose(rng)
            };
            let Some(citizen) = citizen else { continue };
            let age_seconds = rng.gen_range(min_age..max_age) * 86_400.0;
            plan.push(PlannedCase {
                fate,
                twist,
                service_id,
                citizen: citizen.clone(),
                received_at: end - Duration::seconds(age_seconds as i64),
            });
        }
    }
    // Filing in order of receipt makes the Aktenzeichen numbers grow with the date,
    // as they would in real life.
    plan.sort_by_key(|p| p.received_at);
    plan
}

/// What the scenario runner needs: the store, the tenant's offices, staff and
/// services, and the pool of scans and photos already stored.
struct Tenant<'a> {
    state: &'a AppState,
    offices: Vec<OfficeInfo>,
    staff: Staff,
    services: HashMap<String, ServiceDefinition>,
    images: tokio::sync::Mutex<HashMap<Rendering, Accepted>>,
}

/// One case being played through.
struct CaseRun<'t> {
    tenant: &'t Tenant<'t>,
    case: CaseAggregate,
    citizen: Principal,
    clock: Timeline,
}

impl Tenant<'_> {
    fn db(&self) -> &dyn Database {
        self.state.db.as_ref()
    }

    fn office_name(&self, office_id: Uuid) -> &str {
        self.offices
            .iter()
            .find(|o| o.id == office_id)
            .map_or("Bürgerbüro", |o| o.name.as_str())
    }

    /// Stores generated bytes as `uploader` and returns what the blob store accepted.
    async fn store_bytes(&self, bytes: Vec<u8>, uploader: &Principal) -> anyhow::Result<Accepted> {
        self.state
            .accept_bytes(bytes, uploader)
            .await
            .context("storing a generated document")
    }

    /// Renders and stores an attachment; scans and photos are stored once per variant.
    async fn store_attachment(
        &self,
        spec: &AttachmentSpec,
        uploader: &Principal,
    ) -> anyhow::Result<Accepted> {
        if matches!(spec.rendering, Rendering::Pdf { .. }) {
            return self.store_bytes(spec.rendering.render(), uploader).await;
        }
        let mut images = self.images.lock().await;
        if let Some(accepted) = images.get(&spec.rendering) {
            return Ok(accepted.clone());
        }
        let rendering = spec.rendering.clone();
        let bytes = tokio::task::spawn_blocking(move || rendering.render())
            .await
            .context("rendering a demo image")?;
        let accepted = self.store_bytes(bytes, uploader).await?;
        images.insert(spec.rendering.clone(), accepted.clone());
        Ok(accepted)
    }

    /// A document as the citizen uploads it at `at`.
    async fn citizen_document(
        &self,
        kind: Option<&str>,
        citizen: &Citizen,
        form: &serde_json::Map<String, serde_json::Value>,
        at: DateTime<Utc>,
        seed: u64,
    ) -> anyhow::Result<DocumentMeta> {
        let applicant = crate::store::applicant_of(citizen);
        let spec = attachment_for(kind, &applicant, form, at.date_naive(), seed);
        let uploader = Principal::Citizen(citizen.clone());
        let accepted = self.store_attachment(&spec, &uploader).await?;
        let sanitized = file_name::sanitize(&spec.file_name);
        Ok(DocumentMeta {
            id: Uuid::now_v7(),
            sha256: accepted.sha256,
            file_name: name_for_content(&sanitized, accepted.media_type),
            media_type: accepted.media_type.to_owned(),
            size: i64::try_from(accepted.size).context("document size")?,
            kind: kind.map(str::to_owned),
            uploaded_at: at,
            from_citizen: true,
            review: None,
        })
    }

    /// Files the planned application and plays it to its fate; returns the final status.
    async fn run_case(
        &self,
        planned: &PlannedCase,
        end: DateTime<Utc>,
        rng: &mut StdRng,
    ) -> anyhow::Result<CaseStatus> {
        let service = self
            .services
            .get(planned.service_id)
            .ok_or_else(|| anyhow!("unknown service {}", planned.service_id))?;
        let person = Person {
            given_name: planned.citizen.given_name.clone(),
            family_name: planned.citizen.family_name.clone(),
            street: planned.citizen.street.clone(),
            postal_code: planned.citizen.postal_code.clone(),
            phone: planned.citizen.phone.clone(),
        };
        let received = planned.received_at;
        let form = services::sample_form(&service.id, &person, received.date_naive(), rng);
        service.validate_form(&form).map_err(|errors| {
            anyhow!("generated form for {} is invalid: {errors:?}", service.id)
        })?;
        let mut documents = Vec::new();
        for doc in service.required_documents_for(&form) {
            // Uploads happen while the citizen fills in the form, minutes before sending.
            let at = received - Duration::minutes(rng.gen_range(1..30));
            documents.push(
                self.citizen_document(Some(&doc.key), &planned.citizen, &form, at, rng.r#gen())
                    .await?,
            );
        }
        let case = self
            .db()
            .submit_application(Application {
                citizen_id: planned.citizen.id,
                service: service.clone(),
                form,
                documents,
                received_at: received,
            })
            .await
            .context("filing the application")?;
        let mut run = CaseRun {
            tenant: self,
            case,
            citizen: Principal::Citizen(planned.citizen.clone()),
            clock: Timeline::new(received, end),
        };
        run.play(planned, service, rng).await?;
        Ok(run.case.status)
    }
}

impl CaseRun<'_> {
    /// Applies one command as `who` at `at` and insists that it was applied.
    async fn apply(
        &mut self,
        who: &Principal,
        kind: CommandKind,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let name = kind.name();
        let command = Command {
            command_id: Uuid::now_v7(),
            case_id: self.case.id,
            base_version: self.case.version,
            kind,
        };
        let actor = match who {
            Principal::Staff(user) => user.name.clone(),
            Principal::Citizen(citizen) => citizen.email.clone(),
            Principal::System => "system".to_owned(),
        };
        let answer = self
            .tenant
            .db()
            .apply_command(who, &command, at)
            .await
            .with_context(|| format!("{}: {name} by {actor}", self.case.aktenzeichen))?;
        match answer {
            CommandAnswer::Applied { .. } => {}
            CommandAnswer::Rejected { rejection, .. } => bail!(
                "{}: command {name} by {actor} was rejected ({:?}): {}",
                self.case.aktenzeichen,
                rejection.code,
                rejection.message
            ),
            CommandAnswer::Duplicate { .. } => bail!(
                "{}: command {name} by {actor} was taken for a duplicate",
                self.case.aktenzeichen
            ),
        }
        self.case = self
            .tenant
            .db()
            .case(&Principal::System, self.case.id)
            .await?
            .ok_or_else(|| anyhow!("{} vanished", self.case.aktenzeichen))?;
        Ok(())
    }

    fn citizen(&self) -> anyhow::Result<&Citizen> {
        match &self.citizen {
            Principal::Citizen(citizen) => Ok(citizen),
            _ => bail!("the applicant principal is not a citizen"),
        }
    }

    async fn play(
        &mut self,
        planned: &PlannedCase,
        service: &ServiceDefinition,
        rng: &mut StdRng,
    ) -> anyhow::Result<()> {
        let tenant = self.tenant;
        let citizen = self.citizen.clone();
        let fate = planned.fate;

        if rng.gen_bool(0.12) {
            let at = self.clock.step(rng);
            let text = pick(rng, texts::CITIZEN_MESSAGES).to_owned();
            self.apply(&citizen, CommandKind::CitizenMessage { text }, at)
                .await?;
        }
        match fate {
            Fate::Withdrawn(Stage::Submitted) => return self.withdraw(rng).await,
            Fate::Submitted => {
                if rng.gen_bool(0.25) {
                    let lead = tenant.staff.team_lead(self.case.office_id, rng)?;
                    let lead = Principal::Staff(lead.clone());
                    let at = self.clock.step(rng);
                    let text = pick(rng, texts::TEAM_LEAD_NOTES).to_owned();
                    self.apply(&lead, CommandKind::AddNote { text }, at).await?;
                    if rng.gen_bool(0.5) {
                        let at = self.clock.step(rng);
                        let priority = Priority::High;
                        self.apply(&lead, CommandKind::SetPriority { priority }, at)
                            .await?;
                    }
                }
                return Ok(());
            }
            _ => {}
        }

        if planned.twist == Twist::Transfer {
            let from = self.case.office_id;
            let branches: Vec<&OfficeInfo> =
                tenant.offices.iter().filter(|o| o.id != from).collect();
            let to = branches
                .choose(rng)
                .ok_or_else(|| anyhow!("no other office to transfer to"))?
                .id;
            let lead = Principal::Staff(tenant.staff.team_lead_of_both(from, to)?.clone());
            let at = self.clock.step(rng);
            let text = format!(
                "Abgabe an das {} wegen Arbeitsüberlastung im Rathaus.",
                tenant.office_name(to)
            );
            self.apply(&lead, CommandKind::AddNote { text }, at).await?;
            let at = self.clock.step(rng);
            self.apply(&lead, CommandKind::TransferOffice { office_id: to }, at)
                .await?;
        }

        // Someone takes the case: usually the caseworker, sometimes the team lead
        // assigns it.
        let office = self.case.office_id;
        let mut worker = tenant.staff.caseworker(office, rng)?;
        let at = self.clock.step(rng);
        if rng.gen_bool(0.3) {
            let lead = Principal::Staff(tenant.staff.team_lead(office, rng)?.clone());
            let assignee = worker.id;
            self.apply(&lead, CommandKind::Assign { assignee }, at)
                .await?;
        } else {
            self.apply(&Principal::Staff(worker.clone()), CommandKind::Claim, at)
                .await?;
        }

        if planned.twist == Twist::Release {
            let me = Principal::Staff(worker.clone());
            let at = self.clock.step(rng);
            let text = "Urlaub ab Montag – Vorgang zur Übernahme freigegeben.".to_owned();
            self.apply(&me, CommandKind::AddNote { text }, at).await?;
            let at = self.clock.step(rng);
            self.apply(&me, CommandKind::Release, at).await?;
            worker = tenant.staff.colleague(office, worker.id, rng)?;
            let at = self.clock.step(rng);
            self.apply(&Principal::Staff(worker.clone()), CommandKind::Claim, at)
                .await?;
        }
        let me = Principal::Staff(worker.clone());

        if planned.twist == Twist::DueDate {
            let lead = Principal::Staff(tenant.staff.team_lead(office, rng)?.clone());
            let at = self.clock.step(rng);
            let due_date = self.case.due_date + Duration::days(21);
            let reason = pick(rng, texts::DUE_DATE_REASONS).to_owned();
            self.apply(&lead, CommandKind::SetDueDate { due_date, reason }, at)
                .await?;
        }
        if rng.gen_bool(0.5) {
            let at = self.clock.step(rng);
            let text = pick(rng, texts::NOTES).to_owned();
            self.apply(&me, CommandKind::AddNote { text }, at).await?;
        }
        if rng.gen_bool(0.15) {
            let at = self.clock.step(rng);
            let priority = *[Priority::High, Priority::Urgent, Priority::Low]
                .choose(rng)
                .expect("the list is not empty");
            self.apply(&me, CommandKind::SetPriority { priority }, at)
                .await?;
        }
        if rng.gen_bool(0.1) {
            let at = self.clock.step(rng);
            let text = pick(rng, texts::STAFF_MESSAGES).to_owned();
            self.apply(&me, CommandKind::SendMessage { text }, at)
                .await?;
        }

        let asks_citizen = match fate {
            Fate::AwaitingCitizen | Fate::Withdrawn(Stage::AwaitingCitizen) => true,
            Fate::Decided(_) | Fate::Closed(_) => {
                planned.twist == Twist::Expire || rng.gen_bool(0.35)
            }
            Fate::InReview => rng.gen_bool(0.2),
            _ => false,
        };

        // Review the documents. Work in progress has reviewed only some of them; a
        // case that leads to a request has its first document rejected.
        let pending: Vec<Uuid> = self
            .case
            .documents
            .iter()
            .filter(|d| d.review.is_none())
            .map(|d| d.id)
            .collect();
        let reviewed = if fate == Fate::InReview && !asks_citizen {
            rng.gen_range(0..=pending.len())
        } else {
            pending.len()
        };
        let mut rejected_kind = None;
        for (i, document_id) in pending.iter().take(reviewed).enumerate() {
            let at = self.clock.step_share(rng, 0.005, 0.03);
            let (verdict, reason) = if asks_citizen && i == 0 {
                rejected_kind = self
                    .case
                    .documents
                    .iter()
                    .find(|d| d.id == *document_id)
                    .and_then(|d| d.kind.clone());
                (
                    Verdict::Rejected,
                    Some(pick(rng, texts::DOCUMENT_REJECTIONS).to_owned()),
                )
            } else {
                (Verdict::Accepted, None)
            };
            let kind = CommandKind::ReviewDocument {
                document_id: *document_id,
                verdict,
                reason,
            };
            self.apply(&me, kind, at).await?;
        }

        if asks_citizen {
            let answered = self
                .request_items(planned, service, &me, rejected_kind, rng)
                .await?;
            if !answered {
                return Ok(());
            }
        }
        match fate {
            Fate::InReview | Fate::AwaitingCitizen => return Ok(()),
            Fate::Withdrawn(_) => return self.withdraw(rng).await,
            _ => {}
        }

        self.decide(planned, service, worker, rng).await
    }

    /// Asks the citizen for items and plays the answer (or its absence). Returns
    /// whether the case went on to review afterwards.
    async fn request_items(
        &mut self,
        planned: &PlannedCase,
        service: &ServiceDefinition,
        me: &Principal,
        rejected_kind: Option<String>,
        rng: &mut StdRng,
    ) -> anyhow::Result<bool> {
        let fate = planned.fate;
        let waiting = matches!(
            fate,
            Fate::AwaitingCitizen | Fate::Withdrawn(Stage::AwaitingCitizen)
        );
        let (kind, description) = match &rejected_kind {
            Some(kind) => {
                let label = service
                    .required_documents
                    .iter()
                    .find(|d| &d.key == kind)
                    .map_or(kind.as_str(), |d| d.label.as_str());
                (Some(kind.clone()), texts::request_item_description(label))
            }
            None => (
                None,
                "Vollmacht der vertretenen Person (unterschrieben)".to_owned(),
            ),
        };
        let at = self.clock.step(rng);
        let today = at.date_naive();
        let weeks = if service.id == "BA" { 4 } else { 2 };
        let mut answer_due = today + Duration::weeks(weeks);
        if waiting {
            // A case still waiting must not have a deadline that already passed, or
            // the portal's expiry job would move it on as soon as the demo starts.
            let earliest = self.clock.end().date_naive() + Duration::days(rng.gen_range(2..10));
            answer_due = answer_due.max(earliest);
        }
        let request = CommandKind::RequestItems {
            items: vec![RequestedItem {
                kind: kind.clone(),
                description,
            }],
            reason: pick(rng, texts::REQUEST_REASONS).to_owned(),
            answer_due,
            message: pick(rng, texts::REQUEST_MESSAGES).to_owned(),
        };
        self.apply(me, request, at).await?;
        let request_id = self
            .case
            .requests
            .iter()
            .rev()
            .find(|r| r.status == RequestStatus::Open)
            .map(|r| r.id)
            .ok_or_else(|| anyhow!("{}: the request is missing", self.case.aktenzeichen))?;

        if waiting {
            if rng.gen_bool(0.3) {
                let at = self.clock.step(rng);
                let text = pick(rng, texts::CITIZEN_MESSAGES).to_owned();
                let citizen = self.citizen.clone();
                self.apply(&citizen, CommandKind::CitizenMessage { text }, at)
                    .await?;
            }
            return Ok(fate != Fate::AwaitingCitizen);
        }

        if planned.twist == Twist::Expire {
            let expiry = morning_of(answer_due + Duration::days(1));
            if self.clock.jump_to(expiry) {
                let kind = CommandKind::ExpireRequest { request_id };
                self.apply(&Principal::System, kind, expiry).await?;
                return Ok(true);
            }
        }

        let at = self.clock.step(rng);
        let citizen = self.citizen()?.clone();
        let document = self
            .tenant
            .citizen_document(
                kind.as_deref(),
                &citizen,
                &self.case.form_data,
                at,
                rng.r#gen(),
            )
            .await?;
        let document_id = document.id;
        let message = rng
            .gen_bool(0.6)
            .then(|| pick(rng, texts::ANSWER_MESSAGES).to_owned());
        let answer = CommandKind::AnswerRequest {
            request_id,
            documents: vec![document],
            message,
        };
        let applicant = self.citizen.clone();
        self.apply(&applicant, answer, at).await?;
        let at = self.clock.step(rng);
        let review = CommandKind::ReviewDocument {
            document_id,
            verdict: Verdict::Accepted,
            reason: None,
        };
        self.apply(me, review, at).await?;
        Ok(true)
    }

    async fn withdraw(&mut self, rng: &mut StdRng) -> anyhow::Result<()> {
        let at = self.clock.step(rng);
        let reason = rng
            .gen_bool(0.8)
            .then(|| pick(rng, texts::WITHDRAW_REASONS).to_owned());
        let citizen = self.citizen.clone();
        self.apply(&citizen, CommandKind::Withdraw { reason }, at)
            .await
    }

    /// Writes the letter, records the decision and, for closed cases, closes them.
    async fn decide(
        &mut self,
        planned: &PlannedCase,
        service: &ServiceDefinition,
        worker: &StaffUser,
        rng: &mut StdRng,
    ) -> anyhow::Result<()> {
        let (outcome, closed) = match planned.fate {
            Fate::Decided(outcome) => (outcome, false),
            Fate::Closed(outcome) => (outcome, true),
            _ => return Ok(()),
        };
        let me = Principal::Staff(worker.clone());
        let full_fee = self.case.fee.as_ref().map_or(0, |f| f.amount_cents);
        // A rejection costs half the fee, as fee schedules commonly provide.
        let fee_cents = match outcome {
            Outcome::Rejected => full_fee / 2,
            Outcome::Approved | Outcome::Partial => full_fee,
        };
        let expired = self
            .case
            .requests
            .iter()
            .any(|r| r.status == RequestStatus::Expired);
        let reason = match outcome {
            Outcome::Approved => pick(rng, texts::APPROVAL_REASONS),
            Outcome::Partial => pick(rng, texts::PARTIAL_REASONS),
            Outcome::Rejected if expired => texts::REJECTION_REASONS[0],
            Outcome::Rejected => pick(rng, texts::REJECTION_REASONS),
        };
        let at = self.clock.step(rng);
        // A real Bescheid (DIN 5008, PDF/A-2b) from the built-in templates, as a
        // desktop would render and upload it.
        let (templates, letterhead) = demo_letters();
        let contact = casedesk_letters::Contact {
            name: worker.display_name.clone(),
            office: self.tenant.office_name(self.case.office_id).to_owned(),
            phone: letterhead.phone.clone(),
            email: letterhead.email.clone(),
        };
        let mut context = casedesk_letters::LetterContext::automated(at.date_naive(), contact);
        context.reasons = Some(reason.to_owned());
        let mut input = casedesk_letters::LetterInput::from_case(
            &self.case,
            service,
            casedesk_letters::LetterKind::Decision(outcome),
            &context,
        )?;
        // The letter assesses the fee the decision records (half for a rejection).
        if fee_cents == 0 {
            input.fee = None;
        } else if let Some(fee) = input.fee.as_mut() {
            fee.amount_cents = fee_cents;
        }
        let pdf = casedesk_letters::render(
            templates,
            letterhead,
            &input,
            &casedesk_letters::RenderOptions::at(at),
        )?;
        let letter = self.tenant.store_bytes(pdf, &me).await?;
        let decision = CommandKind::RecordDecision {
            outcome,
            letter_sha256: Some(letter.sha256),
            fee_cents,
        };
        self.apply(&me, decision, at).await?;

        let paid_share = if closed { 0.9 } else { 0.5 };
        if fee_cents > 0 && rng.gen_bool(paid_share) {
            let at = self.clock.step(rng);
            let status = casedesk_domain::aggregate::PaymentStatus::Paid;
            self.apply(
                &Principal::System,
                CommandKind::RecordPayment { status },
                at,
            )
            .await?;
        }
        if rng.gen_bool(0.15) {
            let at = self.clock.step(rng);
            let text = pick(rng, texts::CITIZEN_AFTER_DECISION).to_owned();
            let citizen = self.citizen.clone();
            self.apply(&citizen, CommandKind::CitizenMessage { text }, at)
                .await?;
        }
        if closed {
            let at = self.clock.step(rng);
            let kind = CommandKind::SetStatus {
                status: CaseStatus::Closed,
                reason: Some(pick(rng, texts::CLOSE_REASONS).to_owned()),
            };
            self.apply(&me, kind, at).await?;
        }
        Ok(())
    }
}

/// The built-in letter templates and letterhead, compiled once per process.
fn demo_letters() -> &'static (casedesk_letters::TemplateSet, casedesk_letters::Letterhead) {
    static LETTERS: std::sync::OnceLock<(
        casedesk_letters::TemplateSet,
        casedesk_letters::Letterhead,
    )> = std::sync::OnceLock::new();
    LETTERS.get_or_init(|| {
        (
            casedesk_letters::TemplateSet::defaults(),
            casedesk_letters::Letterhead::demo(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// Opens a fresh SQLite store in a temporary directory.
    pub(crate) async fn fresh_state() -> (tempfile::TempDir, AppState) {
        let dir = tempfile::tempdir().unwrap();
        let state = crate::server::open_state(Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        })
        .await
        .unwrap();
        (dir, state)
    }

    /// Every case visible to a team lead who belongs to all offices.
    pub(crate) async fn all_cases(state: &AppState, after: i64) -> Vec<CaseAggregate> {
        let (lead, _) = state
            .db
            .user_credentials("h.zimmermann")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(lead.offices.len(), DEMO_OFFICES.len());
        let mut cases = Vec::new();
        let mut cursor = after;
        loop {
            let page = state.db.changes(&lead, cursor, 5000).await.unwrap();
            cases.extend(
                page.changes
                    .iter()
                    .map(|raw| serde_json::from_str::<CaseAggregate>(raw).unwrap()),
            );
            cursor = page.next_cursor;
            if !page.has_more {
                break;
            }
        }
        cases
    }

    #[test]
    fn logins_print_user_password_role_and_office() {
        let login = DemoLogin {
            user: "k.schneider".into(),
            password: DEMO_PASSWORD.into(),
            role: Role::TeamLead,
            office: "Bürgerbüro Rathaus".into(),
        };
        assert_eq!(
            login.to_string(),
            "k.schneider / demo-casedesk  (team_lead, Bürgerbüro Rathaus)"
        );
    }

    #[test]
    fn the_roster_starts_with_a_main_office_caseworker_and_staffs_every_office() {
        assert_eq!(DEMO_STAFF[0].login, "a.becker");
        assert_eq!(DEMO_STAFF[0].role, Role::Caseworker);
        assert_eq!(DEMO_STAFF[0].offices, ["32"]);
        for office in DEMO_OFFICES {
            let caseworkers = DEMO_STAFF
                .iter()
                .filter(|s| s.role == Role::Caseworker && s.offices.contains(&office.code))
                .count();
            let leads = DEMO_STAFF
                .iter()
                .filter(|s| s.role == Role::TeamLead && s.offices.contains(&office.code))
                .count();
            assert!(caseworkers >= 2 && leads >= 1, "{}", office.code);
        }
        let fates: usize = FATES.iter().map(|f| f.1).sum();
        assert_eq!(fates, 300);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_tenant_has_cases_in_every_state() {
        let (_dir, state) = fresh_state().await;
        let started = Instant::now();
        let logins = create_demo_tenant(&state).await.unwrap();
        let elapsed = started.elapsed();
        eprintln!("create_demo_tenant took {elapsed:?}");

        assert_eq!(
            logins[0].to_string(),
            "a.becker / demo-casedesk  (caseworker, Bürgerbüro Rathaus)"
        );
        assert_eq!(logins.len(), DEMO_STAFF.len());
        assert!(logins.iter().any(|l| l.role == Role::Admin));

        let cases = all_cases(&state, 0).await;
        assert!(cases.len() >= 250, "{} cases", cases.len());
        for status in CaseStatus::ALL {
            let n = cases.iter().filter(|c| c.status == status).count();
            assert!(n > 0, "no case is {status:?}");
        }
        for outcome in [Outcome::Approved, Outcome::Rejected, Outcome::Partial] {
            assert!(
                cases
                    .iter()
                    .any(|c| c.decision.as_ref().is_some_and(|d| d.outcome == outcome)),
                "no decision {outcome:?}"
            );
        }
        // Decision letters are real Bescheide: valid PDF naming the case, the
        // applicant and the court.
        let decided = cases
            .iter()
            .find(|c| {
                c.decision
                    .as_ref()
                    .is_some_and(|d| d.letter_sha256.is_some())
            })
            .expect("a decided case with a letter");
        let sha = decided
            .decision
            .as_ref()
            .unwrap()
            .letter_sha256
            .clone()
            .unwrap();
        let mut reading = state.blobs.get(&sha, None).await.unwrap();
        let mut pdf = Vec::new();
        while let Some(chunk) = futures::StreamExt::next(&mut reading.body).await {
            pdf.extend_from_slice(&chunk.unwrap());
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bescheid.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let check = std::process::Command::new("qpdf")
            .arg("--check")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
        let text = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8(text.stdout).unwrap();
        assert!(text.contains(&decided.aktenzeichen), "{text}");
        assert!(text.contains(&decided.applicant.full_name()), "{text}");
        assert!(text.contains("Verwaltungsgericht Minden"), "{text}");

        // Every office has work, and some open cases are past their deadline.
        for office in state.db.offices().await.unwrap() {
            assert!(
                cases.iter().any(|c| c.office_id == office.id),
                "{} has no cases",
                office.name
            );
        }
        let today = Utc::now().date_naive();
        assert!(
            cases
                .iter()
                .any(|c| c.status.is_open() && c.computed_due_date(today) < today)
        );
        // Waiting cases keep a deadline in the future, so the expiry job leaves them.
        for case in cases
            .iter()
            .filter(|c| c.status == CaseStatus::AwaitingCitizen)
        {
            assert!(
                case.requests
                    .iter()
                    .any(|r| r.status == RequestStatus::Open && r.answer_due > today)
            );
        }
        assert!(state.db.expired_requests(today).await.unwrap().is_empty());
        assert!(cases.iter().any(|c| !c.notes.is_empty()));
        assert!(
            cases
                .iter()
                .any(|c| c.messages.iter().any(|m| m.from_citizen))
        );
        assert!(cases.iter().any(|c| {
            c.requests
                .iter()
                .any(|r| r.status == RequestStatus::Expired)
        }));
        assert!(cases.iter().any(|c| c.due_date_override.is_some()));
        assert!(cases.iter().any(|c| {
            c.documents.iter().any(|d| {
                d.review
                    .as_ref()
                    .is_some_and(|r| r.verdict == Verdict::Rejected && r.reason.is_some())
            })
        }));

        // Times lie between receipt and now, in order.
        let now = Utc::now();
        for case in &cases {
            let mut last = case.received_at;
            for entry in &case.history {
                assert!(entry.at >= last && entry.at <= now, "{}", case.aktenzeichen);
                last = entry.at;
            }
        }

        // Letters and attachments are real, readable files.
        let citizen_case = cases
            .iter()
            .find(|c| c.decision.is_some())
            .expect("decided cases exist");
        let sha = citizen_case
            .decision
            .as_ref()
            .unwrap()
            .letter_sha256
            .clone()
            .unwrap();
        let reading = state.blobs.get(&sha, Some(0..5)).await.unwrap();
        assert_eq!(reading.range, 0..5);
        let media = state
            .db
            .readable_blob(&Principal::System, &sha)
            .await
            .unwrap();
        assert_eq!(media.as_deref(), Some("application/pdf"));
        let media_types: HashSet<&str> = cases
            .iter()
            .flat_map(|c| c.documents.iter().map(|d| d.media_type.as_str()))
            .collect();
        for media_type in ["application/pdf", "image/png", "image/jpeg"] {
            assert!(media_types.contains(media_type), "no {media_type} document");
        }
        let (_, hash) = state
            .db
            .citizen_credentials(&citizen_case.applicant.email)
            .await
            .unwrap()
            .unwrap();
        assert!(crate::auth::verify_password(CITIZEN_PASSWORD, &hash));
    }
}
