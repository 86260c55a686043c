//! The German sentences demo cases are made of: internal notes (Vermerke), messages
//! between office and citizen, reasons for rejecting documents, requests for missing
//! items (Nachforderungen), hearings and what citizens answer, closings and
//! withdrawals. The reasons of decisions are written per case in [`crate::reasons`].
//!
//! They are written the way caseworkers write them, short and matter-of-fact, so the
//! desktop shows what real work looks like.

use rand::Rng;
use rand::seq::SliceRandom;

/// Picks one sentence of a constant list.
pub fn pick(rng: &mut impl Rng, list: &'static [&'static str]) -> &'static str {
    list.choose(rng).expect("text lists are not empty")
}

pub const NOTES: &[&str] = &[
    "Antragstellerin telefonisch erreicht, Unterlagen werden nachgereicht.",
    "Rückruf vereinbart für Donnerstagvormittag.",
    "Angaben mit dem Melderegister abgeglichen – stimmen überein.",
    "Vorgang mit Teamleitung besprochen, weiter wie beantragt.",
    "Antragsteller war persönlich im Bürgerbüro und hat Rückfragen geklärt.",
    "Zahlungseingang abwarten, dann Bescheid versenden.",
    "Ähnlicher Vorgang aus dem Vorjahr liegt vor, gleiche Bewertung.",
    "Bitte bei Rückfragen Frau Becker einbinden (Vertretung).",
    "Unterlagen vollständig und plausibel.",
    "Prüfung durch das Bauordnungsamt angefragt.",
];

pub const TEAM_LEAD_NOTES: &[&str] = &[
    "Bitte vorrangig bearbeiten – Beschwerde beim Bürgermeisterbüro eingegangen.",
    "Zur Kenntnis: Antragsteller ist Mitarbeiter der Verwaltung, Vier-Augen-Prinzip.",
    "Vertretung während des Urlaubs geregelt.",
    "Wegen Personalausfall umverteilt.",
];

pub const STAFF_MESSAGES: &[&str] = &[
    "Guten Tag, Ihr Antrag ist bei uns eingegangen und wird derzeit bearbeitet. Mit freundlichen Grüßen",
    "Guten Tag, wir benötigen voraussichtlich noch etwa eine Woche. Vielen Dank für Ihre Geduld.",
    "Guten Tag, Ihre Unterlagen sind vollständig. Sie erhalten den Bescheid in Kürze.",
    "Guten Tag, bitte beachten Sie, dass die Gebühr erst nach Erhalt des Bescheids fällig wird.",
];

pub const CITIZEN_MESSAGES: &[&str] = &[
    "Guten Tag, ich bin vormittags telefonisch am besten erreichbar. Viele Grüße",
    "Können Sie mir sagen, wie lange die Bearbeitung ungefähr dauert?",
    "Ich habe versehentlich die falsche Datei hochgeladen – ist das ein Problem?",
    "Vielen Dank für die schnelle Bearbeitung!",
    "Muss ich für die Abholung persönlich ins Bürgerbüro kommen?",
    "Bitte schicken Sie mir den Bescheid zusätzlich per Post, danke.",
];

pub const CITIZEN_AFTER_DECISION: &[&str] = &[
    "Vielen Dank, den Bescheid habe ich erhalten.",
    "Die Gebühr habe ich heute überwiesen.",
    "Danke! Wird der Ausweis zugeschickt oder muss ich ihn abholen?",
];

pub const DOCUMENT_REJECTIONS: &[&str] = &[
    "Das Dokument ist nicht lesbar (Scan zu dunkel).",
    "Die Bestätigung ist älter als drei Monate.",
    "Es fehlt die zweite Seite des Dokuments.",
    "Der Name auf dem Dokument stimmt nicht mit dem Antrag überein.",
    "Das Dokument ist nicht unterschrieben.",
];

pub const REQUEST_REASONS: &[&str] = &[
    "Die eingereichten Unterlagen reichen für eine Entscheidung nicht aus.",
    "Ein eingereichtes Dokument konnte nicht anerkannt werden.",
    "Für die Prüfung benötigen wir einen aktuellen Nachweis.",
];

pub const REQUEST_MESSAGES: &[&str] = &[
    "Guten Tag, bitte reichen Sie das unten genannte Dokument über das Serviceportal nach. Ohne den Nachweis können wir Ihren Antrag leider nicht abschließend bearbeiten.",
    "Guten Tag, leider ist ein Nachweis unvollständig. Bitte laden Sie ihn erneut hoch. Bei Fragen erreichen Sie uns telefonisch unter 0571 89-0.",
];

pub const ANSWER_MESSAGES: &[&str] = &[
    "Anbei das gewünschte Dokument. Viele Grüße",
    "Hier der aktuelle Nachweis, entschuldigen Sie die Verzögerung.",
    "Ich habe das Dokument neu eingescannt, jetzt sollte es lesbar sein.",
];

pub const WITHDRAW_REASONS: &[&str] = &[
    "Antrag versehentlich doppelt gestellt.",
    "Hat sich erledigt, ich ziehe den Antrag zurück.",
    "Umzug in eine andere Stadt.",
    "Das Vorhaben wird nicht mehr umgesetzt.",
];

pub const HEARING_MESSAGES: &[&str] = &[
    "Guten Tag, bevor wir über Ihren Antrag entscheiden, möchten wir Ihnen Gelegenheit geben, sich zu äußern. Sie können uns über das Serviceportal schreiben oder uns anrufen.",
    "Guten Tag, bitte lesen Sie unsere Begründung. Wenn Sie etwas ergänzen möchten oder Unterlagen haben, die wir nicht kennen, teilen Sie es uns bitte bis zum genannten Tag mit.",
];

pub const HEARING_STATEMENTS: &[&str] = &[
    "Ich bitte Sie, Ihre Entscheidung noch einmal zu überdenken. Mir ist nicht klar, welche Unterlagen noch fehlen.",
    "Danke für den Hinweis. Ich habe keine weiteren Unterlagen und bitte um eine Entscheidung.",
    "Ich bin mit der beabsichtigten Entscheidung nicht einverstanden, sehe aber ein, dass die Angaben nicht ausreichen.",
];

pub const CLOSE_REASONS: &[&str] = &[
    "Bescheid zugestellt, Gebühr bezahlt – Vorgang abgeschlossen.",
    "Rechtsbehelfsfrist abgelaufen, Vorgang abgeschlossen.",
    "Erledigt, zur Akte.",
];

pub const DUE_DATE_REASONS: &[&str] = &[
    "Fristverlängerung wegen Beteiligung der Unteren Naturschutzbehörde.",
    "Stellungnahme des Bauordnungsamts steht noch aus.",
];

/// The item a request for missing documents names for a required document `label`.
pub fn request_item_description(label: &str) -> String {
    format!("{label} (vollständig und gut lesbar)")
}
