//! The law of a service, as the catalog carries it: on what basis its cases are
//! decided, which outcomes it knows and what each costs under which fee law, how a
//! decision must be delivered, which remedy the citizen has, and what follows when a
//! request for items goes unanswered.
//!
//! The statutory rules that hold for every service of a kind (the surcharge of
//! §18 GebG NRW, the remedy a fee regime implies, the fiction of §41 VwVfG NRW) are
//! code; what a town decides or what could not be verified for a particular tenant
//! (tariff lines, bylaw paragraphs, the dog-tax rate) is tenant data in this
//! structure, and the demo tenant labels such values as demo values.

use serde::{Deserialize, Serialize};

use crate::catalog::FeeRule;
use crate::deadline::Period;
use crate::delivery::DeliveryChannel;
use crate::lifecycle::Outcome;

/// The remedy against a decision (Rechtsbehelf) in NRW.
///
/// §110(1) JustG NRW abolished the objection procedure for most matters, so the
/// citizen sues at the administrative court (Klage, §74 VwGO); acts under the KAG NRW
/// (local taxes such as the dog tax, fees under a municipal fee bylaw) need an
/// objection (Widerspruch, §70 VwGO) to the town again since 2016.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Remedy {
    Klage,
    Widerspruch,
}

impl Remedy {
    pub fn german(self) -> &'static str {
        match self {
            Remedy::Klage => "Klage",
            Remedy::Widerspruch => "Widerspruch",
        }
    }

    /// The name of the one-month period it must be lodged in ("Klagefrist").
    pub fn period_german(self) -> &'static str {
        match self {
            Remedy::Klage => "Klagefrist",
            Remedy::Widerspruch => "Widerspruchsfrist",
        }
    }
}

/// The procedural law a decision is announced under; it decides whether the day a
/// posted letter counts as announced moves off a weekend or holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// VwVfG NRW: the fiction day stays where it falls (OVG NRW, 27.03.2024 –
    /// 10 A 1356/21; Nds. OVG, 26.10.2006 – 7 PA 184/06).
    #[default]
    Verwaltungsverfahren,
    /// Local taxes and KAG levies, for which §12 KAG NRW applies the AO: §122(2) AO,
    /// where the fiction day moves to the next working day (BFH, 14.10.2003 –
    /// IX R 68/98).
    Abgaben,
}

/// How a service's decisions may reach the citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryRequirement {
    /// By post (§41(2) VwVfG NRW) or, with the applicant's consent, for retrieval
    /// from the portal mailbox (§41(2a) VwVfG NRW).
    PostOrPortal,
    /// By post only; the tax notices of the demo tenant, whose portal retrieval under
    /// the AO is not configured.
    Post,
    /// Formal Zustellung under the LZG NRW, where a statute demands it (the
    /// Baugenehmigung, §74(2) BauO NRW).
    Zustellung,
}

impl DeliveryRequirement {
    /// The channels a decision of such a service may be issued on.
    pub fn allows(self, channel: DeliveryChannel) -> bool {
        match self {
            DeliveryRequirement::PostOrPortal => {
                matches!(channel, DeliveryChannel::Post | DeliveryChannel::Portal)
            }
            DeliveryRequirement::Post => channel == DeliveryChannel::Post,
            DeliveryRequirement::Zustellung => channel == DeliveryChannel::Zustellung,
        }
    }
}

/// What follows when a request for items goes unanswered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum UnansweredRequest {
    /// The office decides on the file as it stands (§§24, 26(2) VwVfG NRW).
    DecideOnRecord,
    /// The application counts as withdrawn; `basis` names the statute
    /// ("§ 71 Abs. 1 Satz 3 BauO NRW").
    DeemedWithdrawn { basis: String },
}

/// The law a fee is charged under. It decides the remedy against the fee and the
/// surcharge for late payment that the fee notice states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FeeRegime {
    /// GebG NRW with the AVerwGebO NRW, for duties the town carries out on the
    /// state's instruction (building, registration, trade): Klage; surcharge under
    /// §18 GebG NRW.
    GebgNrw,
    /// A municipal fee bylaw under §§4, 5 KAG NRW (self-government matters):
    /// Widerspruch; surcharge under §240 AO via §12 KAG NRW.
    KagSatzung,
    /// A Sondernutzungsgebühr under §19a StrWG NRW and the town's bylaw, paid for
    /// using the road, not for processing: Klage.
    Sondernutzung,
    /// Road-traffic fees (GebOSt, §6a StVG), e.g. the resident parking permit: Klage.
    Gebost,
}

impl FeeRegime {
    pub fn remedy(self) -> Remedy {
        match self {
            FeeRegime::KagSatzung => Remedy::Widerspruch,
            FeeRegime::GebgNrw | FeeRegime::Sondernutzung | FeeRegime::Gebost => Remedy::Klage,
        }
    }
}

/// One fee a service charges, with the law it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeeLaw {
    pub regime: FeeRegime,
    /// What the fee is called in the fee table ("Verwaltungsgebühr").
    pub title: String,
    /// The legal basis as printed, tariff line included (tenant data:
    /// "AVerwGebO NRW, Tarifstelle 3.1.1.2").
    pub basis: String,
    pub rule: FeeRule,
}

/// One outcome a service's decisions may have, and what it costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutcomeLaw {
    pub outcome: Outcome,
    /// `None`: no fee is charged for this outcome at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<FeeLaw>,
}

/// A tax the service's registration leads to, assessed by a separate tax notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TaxLaw {
    /// "Hundesteuer".
    pub title: String,
    /// The bylaw paragraphs the tax rests on (tenant data).
    pub basis: String,
    /// The yearly rate in cents (tenant data).
    pub annual_cents: i64,
    /// When the liability begins, in the bylaw's words (tenant data), e.g. "mit dem
    /// ersten Tag des auf den Beginn der Hundehaltung folgenden Kalendermonats".
    pub liability_start: String,
}

/// The grammatical gender of a noun, which a letter needs to decline the
/// possessive before the matter ("Ihr Antrag", "Ihre Gewerbeanzeige").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Genus {
    Masculine,
    Feminine,
    Neuter,
}

/// The law of one service (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceLaw {
    /// How letters name what the citizen asked for, after "Ihr/Ihre …":
    /// "Antrag auf Erteilung einer Baugenehmigung", "Gewerbeanzeige".
    pub matter: String,
    /// The gender of the matter's head noun ("Antrag": masculine).
    pub matter_genus: Genus,
    /// The legal basis of the decision ("§ 74 Abs. 1 BauO NRW").
    pub basis: String,
    /// The remedy against the decision itself; a fee may have another
    /// ([`FeeRegime::remedy`]).
    pub remedy: Remedy,
    pub procedure: Procedure,
    pub delivery: DeliveryRequirement,
    /// A statutory approval fiction (§42a VwVfG NRW) and its period, where a statute
    /// orders one; only then may a letter cite §42a.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_fiction: Option<Period>,
    pub unanswered_request: UnansweredRequest,
    /// The default time a citizen gets to answer a request, ending on a working day.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2w"))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub answer_period: Period,
    /// The outcomes a decision may have, the one applied for first.
    pub outcomes: Vec<OutcomeLaw>,
    /// The fee for an application withdrawn after processing began (§15(2) GebG NRW).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal_fee: Option<FeeLaw>,
    /// The tax the registration leads to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<TaxLaw>,
}

impl ServiceLaw {
    /// The law of `outcome`, if the service's decisions may have it.
    pub fn outcome(&self, outcome: Outcome) -> Option<&OutcomeLaw> {
        self.outcomes.iter().find(|o| o.outcome == outcome)
    }

    /// The outcome the application asks for: the first listed.
    pub fn applied_for(&self) -> Option<&OutcomeLaw> {
        self.outcomes.first()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kag_fees_are_objected_to_and_the_others_sued_over() {
        assert_eq!(FeeRegime::KagSatzung.remedy(), Remedy::Widerspruch);
        for regime in [
            FeeRegime::GebgNrw,
            FeeRegime::Sondernutzung,
            FeeRegime::Gebost,
        ] {
            assert_eq!(regime.remedy(), Remedy::Klage, "{regime:?}");
        }
        assert_eq!(Remedy::Klage.period_german(), "Klagefrist");
        assert_eq!(Remedy::Widerspruch.period_german(), "Widerspruchsfrist");
    }

    #[test]
    fn the_delivery_requirement_decides_the_channels() {
        use DeliveryChannel::{Portal, Post, Zustellung};
        assert!(DeliveryRequirement::PostOrPortal.allows(Post));
        assert!(DeliveryRequirement::PostOrPortal.allows(Portal));
        assert!(!DeliveryRequirement::PostOrPortal.allows(Zustellung));
        assert!(!DeliveryRequirement::Post.allows(Portal));
        assert!(DeliveryRequirement::Zustellung.allows(Zustellung));
        assert!(!DeliveryRequirement::Zustellung.allows(Post));
    }
}
