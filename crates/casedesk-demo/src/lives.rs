//! The demo cases' lives: which fate each case meets (decided, waiting for the
//! citizen, withdrawn, …), planned over the last two months, and each one played
//! through as real commands by the right person. How a decision is made, written
//! and delivered is in [`decision`].

use std::collections::HashMap;

use anyhow::{Context, anyhow, bail};
use casedesk_domain::aggregate::{
    Consents, DocumentMeta, Priority, RequestStatus, RequestedItem, Verdict,
};
use casedesk_domain::command::{Command, CommandAnswer, CommandKind};
use casedesk_domain::deadline::{self, Period, local_date};
use casedesk_domain::holidays::next_working_day_on_or_after;
use casedesk_domain::law::DeliveryRequirement;
use casedesk_domain::lifecycle::{CaseStatus, Outcome};
use casedesk_domain::wire::{OfficeInfo, ServiceDefinition};
use casedesk_domain::{CaseAggregate, file_name};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use uuid::Uuid;

use crate::Stores;
use casedesk_portal_store::blobs::{Accepted, name_for_content};
use casedesk_portal_store::{Application, Citizen, Database, Principal, StaffUser};

use crate::attachments::{AttachmentSpec, Rendering, attachment_for};
use crate::names::Person;
use crate::tenant::Staff;
use crate::texts::pick;
use crate::timeline::{Timeline, morning_of};
use crate::{delivery, names, services, texts};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// How a withdrawn case got as far as it did.
pub(crate) enum Stage {
    Submitted,
    InReview,
    AwaitingCitizen,
}

/// Where a demo case ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
    Submitted,
    InReview,
    AwaitingCitizen,
    Decided(Outcome),
    Closed(Outcome),
    Withdrawn(Stage),
}

/// Rarer turns a case takes on its way, so the demo shows them too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Twist {
    None,
    /// A team lead hands the case to a branch office.
    Transfer,
    /// The first caseworker releases the case and a colleague takes it.
    Release,
    /// A team lead extends the processing deadline.
    DueDate,
    /// The citizen never answers; the system notes the passed answer deadline.
    Expire,
    /// The citizen is heard before a burdensome decision (Anhörung, §28 VwVfG NRW).
    Hearing,
    /// The fee is assessed by a separate fee notice after the decision.
    FeeNotice,
}

#[derive(Debug, Clone)]
pub(crate) struct PlannedCase {
    pub(crate) fate: Fate,
    pub(crate) twist: Twist,
    pub(crate) service_id: &'static str,
    pub(crate) citizen: Citizen,
    /// What the citizen agreed to when applying.
    pub(crate) consents: Consents,
    pub(crate) received_at: DateTime<Utc>,
}

/// How many cases end in each state, with the range of their age in days.
pub(crate) const FATES: &[(Fate, usize, f64, f64)] = &[
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

/// The turn a case's life takes, by its fate and its place among the cases of
/// that fate.
fn twist_of(fate: Fate, i: usize) -> Twist {
    match (fate, i) {
        (Fate::InReview, 0..=3) => Twist::Transfer,
        (Fate::InReview, 4..=6) => Twist::Release,
        (Fate::InReview, 7..=9) => Twist::DueDate,
        (Fate::Closed(Outcome::Rejected), 0..=3) => Twist::Expire,
        (Fate::Closed(Outcome::Rejected), 4..=5)
        | (Fate::Decided(Outcome::Rejected), 0..=2)
        | (Fate::Decided(Outcome::Partial), 0)
        | (Fate::AwaitingCitizen, 0..=1) => Twist::Hearing,
        (Fate::Decided(Outcome::Approved), 0..=1) => Twist::FeeNotice,
        _ => Twist::None,
    }
}

/// The fate a case of `service` can meet when the plan wants `fate`: a decision's
/// outcome must be one the service's law knows (a grant becomes the outcome
/// applied for, e.g. a receipt); a hearing or an unanswered request ends in a
/// rejection, which the service must allow, and not for a building application,
/// which counts as withdrawn when a request goes unanswered (§71 BauO NRW).
fn fate_for(fate: Fate, twist: Twist, service: &ServiceDefinition) -> Option<Fate> {
    if matches!(twist, Twist::Hearing | Twist::Expire) {
        let refusable = service.law.outcome(Outcome::Rejected).is_some();
        if !refusable || service.law.delivery == DeliveryRequirement::Zustellung {
            return None;
        }
    }
    match fate {
        Fate::Decided(outcome) => services::outcome_for(service, outcome).map(Fate::Decided),
        Fate::Closed(outcome) => services::outcome_for(service, outcome).map(Fate::Closed),
        other => Some(other),
    }
}

pub(crate) fn plan_cases(
    citizens: &[Citizen],
    catalog: &HashMap<String, ServiceDefinition>,
    end: DateTime<Utc>,
    rng: &mut StdRng,
) -> Vec<PlannedCase> {
    let main: Vec<&Citizen> = citizens
        .iter()
        .filter(|c| c.postal_code == names::POSTAL_MAIN)
        .collect();
    let mut plan = Vec::new();
    for &(wanted, count, min_age, max_age) in FATES {
        for i in 0..count {
            let twist = twist_of(wanted, i);
            let (min_age, max_age) = if twist == Twist::Expire {
                (45.0, 60.0)
            } else {
                (min_age, max_age)
            };
            // Draw services until one can meet the fate; the forced ones always can.
            let (service_id, fate) = loop {
                let service_id = match twist {
                    Twist::DueDate => "BA",
                    Twist::FeeNotice => "SN",
                    _ => services::draw_service(rng),
                };
                let fate = catalog
                    .get(service_id)
                    .and_then(|service| fate_for(wanted, twist, service));
                if let Some(fate) = fate {
                    break (service_id, fate);
                }
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
                consents: delivery::consents_of(&citizen.email),
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
pub(crate) struct Tenant<'a> {
    pub(crate) state: Stores<'a>,
    pub(crate) offices: Vec<OfficeInfo>,
    pub(crate) staff: Staff,
    pub(crate) services: HashMap<String, ServiceDefinition>,
    pub(crate) images: tokio::sync::Mutex<HashMap<Rendering, Accepted>>,
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
        self.state.db
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
        let applicant = citizen.applicant();
        let spec = attachment_for(kind, &applicant, form, local_date(at), seed);
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
    pub(crate) async fn run_case(
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
        let form = services::sample_form(service, &person, local_date(received), rng);
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
                consents: planned.consents,
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

impl<'t> CaseRun<'t> {
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

    /// Plays the case's life after filing, step by step, each step a real command by
    /// the right person. The order of the steps is also the order in which they draw
    /// from `rng`, which keeps the demo tenant the same on every run.
    async fn play(
        &mut self,
        planned: &PlannedCase,
        service: &ServiceDefinition,
        rng: &mut StdRng,
    ) -> anyhow::Result<()> {
        let fate = planned.fate;
        if self.play_first_days(fate, rng).await? {
            return Ok(());
        }
        if fate == Fate::Withdrawn(Stage::Submitted) {
            return self.withdraw(rng).await;
        }
        if planned.twist == Twist::Transfer {
            self.transfer(rng).await?;
        }
        let worker = self.take(planned.twist, rng).await?;
        let me = Principal::Staff(worker.clone());
        self.side_work(&me, planned.twist, rng).await?;

        let asks_citizen = match fate {
            Fate::AwaitingCitizen | Fate::Withdrawn(Stage::AwaitingCitizen) => true,
            Fate::Decided(_) | Fate::Closed(_) => {
                planned.twist == Twist::Expire || rng.gen_bool(0.35)
            }
            Fate::InReview => rng.gen_bool(0.2),
            _ => false,
        };
        let rejected_kind = self
            .review_documents(
                &me,
                fate == Fate::InReview && !asks_citizen,
                asks_citizen,
                rng,
            )
            .await?;
        if fate == Fate::AwaitingCitizen && planned.twist == Twist::Hearing {
            return self.await_statement(service, &me, rng).await;
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

    /// The first days: now and then a message from the citizen; a case still
    /// waiting to be taken may get a team lead's note and priority. Returns whether
    /// the case's life ends here (it is meant to stay submitted).
    async fn play_first_days(&mut self, fate: Fate, rng: &mut StdRng) -> anyhow::Result<bool> {
        let citizen = self.citizen.clone();
        if rng.gen_bool(0.12) {
            let at = self.clock.step(rng);
            let text = pick(rng, texts::CITIZEN_MESSAGES).to_owned();
            self.apply(&citizen, CommandKind::CitizenMessage { text }, at)
                .await?;
        }
        if fate != Fate::Submitted {
            return Ok(false);
        }
        if rng.gen_bool(0.25) {
            let lead = self.tenant.staff.team_lead(self.case.office_id, rng)?;
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
        Ok(true)
    }

    /// A team lead of both offices hands the case to another office, with a note.
    async fn transfer(&mut self, rng: &mut StdRng) -> anyhow::Result<()> {
        let tenant = self.tenant;
        let from = self.case.office_id;
        let branches: Vec<&OfficeInfo> = tenant.offices.iter().filter(|o| o.id != from).collect();
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
            .await
    }

    /// Someone takes the case: usually a caseworker claims it, sometimes the team
    /// lead assigns it; with the release twist the first one hands it on to a
    /// colleague. Returns who works on it.
    async fn take(&mut self, twist: Twist, rng: &mut StdRng) -> anyhow::Result<&'t StaffUser> {
        let tenant = self.tenant;
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
        if twist == Twist::Release {
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
        Ok(worker)
    }

    /// The everyday work around a case: a team lead's new due date (with the due
    /// date twist), and now and then a note, a priority or a message by `me`.
    async fn side_work(
        &mut self,
        me: &Principal,
        twist: Twist,
        rng: &mut StdRng,
    ) -> anyhow::Result<()> {
        if twist == Twist::DueDate {
            let office = self.case.office_id;
            let lead = Principal::Staff(self.tenant.staff.team_lead(office, rng)?.clone());
            let at = self.clock.step(rng);
            let due_date = self.case.due_date + Duration::days(21);
            let reason = pick(rng, texts::DUE_DATE_REASONS).to_owned();
            self.apply(&lead, CommandKind::SetDueDate { due_date, reason }, at)
                .await?;
        }
        if rng.gen_bool(0.5) {
            let at = self.clock.step(rng);
            let text = pick(rng, texts::NOTES).to_owned();
            self.apply(me, CommandKind::AddNote { text }, at).await?;
        }
        if rng.gen_bool(0.15) {
            let at = self.clock.step(rng);
            let priority = *[Priority::High, Priority::Urgent, Priority::Low]
                .choose(rng)
                .expect("the list is not empty");
            self.apply(me, CommandKind::SetPriority { priority }, at)
                .await?;
        }
        if rng.gen_bool(0.1) {
            let at = self.clock.step(rng);
            let text = pick(rng, texts::STAFF_MESSAGES).to_owned();
            self.apply(me, CommandKind::SendMessage { text }, at)
                .await?;
        }
        Ok(())
    }

    /// Reviews the documents not yet reviewed: work in progress (`partly`) has
    /// reviewed only some of them; a case that leads to a request (`reject_first`)
    /// has its first document rejected. Returns the kind of the rejected document.
    async fn review_documents(
        &mut self,
        me: &Principal,
        partly: bool,
        reject_first: bool,
        rng: &mut StdRng,
    ) -> anyhow::Result<Option<String>> {
        let pending: Vec<Uuid> = self
            .case
            .documents
            .iter()
            .filter(|d| d.review.is_none())
            .map(|d| d.id)
            .collect();
        let reviewed = if partly {
            rng.gen_range(0..=pending.len())
        } else {
            pending.len()
        };
        let mut rejected_kind = None;
        for (i, document_id) in pending.iter().take(reviewed).enumerate() {
            let at = self.clock.step_share(rng, 0.005, 0.03);
            let (verdict, reason) = if reject_first && i == 0 {
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
            self.apply(me, kind, at).await?;
        }
        Ok(rejected_kind)
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
        let answer_due = self.answer_due(at, service.law.answer_period, waiting, rng)?;
        let request = CommandKind::RequestItems {
            items: vec![RequestedItem {
                kind: kind.clone(),
                description,
                replaces: None,
            }],
            reason: pick(rng, texts::REQUEST_REASONS).to_owned(),
            answer_due,
            message: pick(rng, texts::REQUEST_MESSAGES).to_owned(),
            letter_sha256: None,
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
            items: Vec::new(),
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

    /// The answer deadline of a request made at `at`: the service's period, ending
    /// on a working day. A case still waiting must not have a deadline that already
    /// passed, or the portal's expiry job would move it on as soon as the demo starts.
    fn answer_due(
        &self,
        at: DateTime<Utc>,
        period: Period,
        waiting: bool,
        rng: &mut StdRng,
    ) -> anyhow::Result<NaiveDate> {
        let mut answer_due = deadline::period_end(local_date(at), period)?;
        if waiting {
            let earliest = local_date(self.clock.end()) + Duration::days(rng.gen_range(2..10));
            answer_due = answer_due.max(earliest);
        }
        Ok(next_working_day_on_or_after(answer_due))
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
}

mod decision;
