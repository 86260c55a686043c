-- Letter templates and letterhead synced from the portal (issue 5), so letters
-- render offline. Only the tenant's overrides are kept; the built-in templates come
-- with casedesk-letters. One settings row holds the version the portal last sent
-- (sent back as If-None-Match) and the letterhead.

CREATE TABLE letter_templates (
    name TEXT PRIMARY KEY,
    source TEXT NOT NULL
);

CREATE TABLE letter_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version TEXT NOT NULL,
    letterhead_json TEXT,
    logo_png_base64 TEXT
);
