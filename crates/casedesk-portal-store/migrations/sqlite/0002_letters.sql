-- The tenant's letter templates and letterhead (issue 5). Templates override the
-- built-in defaults of casedesk-letters by name; the letterhead is one row. Every
-- change is also appended to letter_changes, so who changed what and when stays
-- on record after later edits.

CREATE TABLE letter_templates (
    name TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_by_name TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE letterhead (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    json TEXT NOT NULL,
    logo_png_base64 TEXT,
    updated_by TEXT NOT NULL,
    updated_by_name TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE letter_changes (
    id TEXT PRIMARY KEY,
    what TEXT NOT NULL,
    content TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

CREATE INDEX letter_changes_by_time ON letter_changes (changed_at);
