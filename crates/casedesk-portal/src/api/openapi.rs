//! The OpenAPI document of both APIs, generated from the handlers' annotations and
//! the wire types' derives (utoipa), served at `/api/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{citizen, letters, office};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Casedesk portal", description = "Office sync API and citizen API of the Casedesk portal."),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    paths(
        super::healthz,
        office::login, office::refresh, office::logout, office::me, office::services,
        office::staff, office::tenant,
        office::sync::bootstrap, office::sync::changes, office::sync::live, office::commands,
        office::blobs::get_blob, office::blobs::put_blob,
        letters::letters, letters::put_template, letters::put_letterhead,
        citizen::register, citizen::login, citizen::refresh, citizen::logout, citizen::services,
        citizen::applications::submit, citizen::applications::list_applications,
        citizen::applications::application, citizen::applications::withdraw,
        citizen::applications::message, citizen::applications::answer,
        citizen::letters::decision_letter, citizen::letters::notice_letter,
        citizen::letters::request_letter,
    ),
    components(schemas(
        casedesk_domain::CaseAggregate,
        casedesk_domain::wire::ChangesPage<casedesk_domain::CaseAggregate>,
        casedesk_domain::wire::BootstrapMarker,
        casedesk_domain::wire::Tombstone,
        citizen::view::ApplicationForm,
    ))
)]
pub struct ApiDoc;

/// The document, built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

pub async fn serve() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(document())
}
