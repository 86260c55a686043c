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
//!
//! The crate also holds [`seed`], the bulk generator of synthetic cases for load
//! tests and benchmarks. Both write through the portal's storage crate only
//! (`casedesk-portal-store`), so the portal's server library carries neither them
//! nor the PDF and image encoders their documents need.

use std::fmt;

use casedesk_domain::lifecycle::Role;
use casedesk_portal_store::blobs::{Accepted, BlobStore};
use casedesk_portal_store::{BlobRecord, Database, Principal};

pub mod attachments;
mod delivery;
pub mod documents;
mod lives;
pub mod names;
mod reasons;
pub mod seed;
pub mod services;
mod tenant;
pub mod texts;
pub mod timeline;

pub use documents::{jpeg_photo, pdf_document, png_scan};
pub use seed::{SeedReport, seed_cases};
pub use services::demo_services;
pub use tenant::{Staff, create_demo_tenant};

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

/// Where the demo writes: the portal's database and blob store.
#[derive(Clone, Copy)]
pub struct Stores<'a> {
    pub db: &'a dyn Database,
    pub blobs: &'a BlobStore,
}

impl Stores<'_> {
    /// Stores generated bytes as `uploader` would upload them (type checked by
    /// content, kept by hash) and records who uploaded them.
    pub async fn accept_bytes(
        &self,
        bytes: Vec<u8>,
        uploader: &Principal,
    ) -> anyhow::Result<Accepted> {
        let size = bytes.len() as u64;
        let body = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(bytes))]);
        let accepted = self.blobs.put_stream(body, size, None).await?;
        let record = BlobRecord {
            sha256: accepted.sha256.clone(),
            size: i64::try_from(accepted.size)?,
            media_type: accepted.media_type.to_owned(),
        };
        self.db.record_blob(&record, uploader).await?;
        Ok(accepted)
    }
}

#[cfg(test)]
mod tests;
