-- Casedesk portal schema, SQLite backend. Append-only: never edit a landed migration.
-- Timestamps are RFC 3339 UTC text with microseconds (sortable), dates YYYY-MM-DD,
-- ids UUID text. The case aggregate is stored as JSON next to the indexed columns
-- the API filters on; see ARCHITECTURE.md.

-- The single counter that gives every change its position in the total order.
CREATE TABLE seq_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO seq_counter (id, value) VALUES (1, 0);

CREATE TABLE tenant_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE offices (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    postal_codes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('caseworker', 'team_lead', 'admin')),
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL
);

CREATE TABLE memberships (
    user_id TEXT NOT NULL REFERENCES users (id),
    office_id TEXT NOT NULL REFERENCES offices (id),
    PRIMARY KEY (user_id, office_id)
);
CREATE INDEX memberships_office ON memberships (office_id);

CREATE TABLE citizens (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    street TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL,
    phone TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('staff', 'citizen')),
    subject_id TEXT NOT NULL,
    access_hash TEXT NOT NULL UNIQUE,
    access_expires_at TEXT NOT NULL,
    refresh_hash TEXT NOT NULL UNIQUE,
    refresh_expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX sessions_subject ON sessions (subject_kind, subject_id);

CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

CREATE TABLE services (
    id TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE aktenzeichen_series (
    office_code TEXT NOT NULL,
    service_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (office_code, service_id, year)
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    aktenzeichen TEXT NOT NULL UNIQUE,
    office_id TEXT NOT NULL REFERENCES offices (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    citizen_id TEXT NOT NULL REFERENCES citizens (id),
    status TEXT NOT NULL,
    assignee_id TEXT REFERENCES users (id),
    due_date TEXT NOT NULL,
    version BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    received_at TEXT NOT NULL,
    aggregate TEXT NOT NULL
);
CREATE INDEX cases_seq ON cases (seq);
CREATE INDEX cases_office_seq ON cases (office_id, seq);
CREATE INDEX cases_office_id ON cases (office_id, id);
CREATE INDEX cases_citizen ON cases (citizen_id);

-- The audit trail. Append-only, enforced by triggers.
CREATE TABLE events (
    case_id TEXT NOT NULL REFERENCES cases (id),
    version BIGINT NOT NULL,
    idx INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    command_id TEXT,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (case_id, version, idx)
);
CREATE INDEX events_seq ON events (seq);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    kind TEXT,
    from_citizen BOOLEAN NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX documents_case ON documents (case_id);
CREATE INDEX documents_sha256 ON documents (sha256);

CREATE TABLE decisions (
    case_id TEXT PRIMARY KEY REFERENCES cases (id),
    outcome TEXT NOT NULL,
    letter_sha256 TEXT,
    fee_cents BIGINT NOT NULL,
    decided_at TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    deemed_delivery TEXT NOT NULL,
    appeal_deadline TEXT NOT NULL
);
CREATE INDEX decisions_letter ON decisions (letter_sha256);

CREATE TABLE payments (
    case_id TEXT PRIMARY KEY REFERENCES cases (id),
    kassenzeichen TEXT NOT NULL UNIQUE,
    amount_cents BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'paid', 'failed')),
    updated_at TEXT NOT NULL
);

-- Stored answers to commands, keyed by the client's command id (idempotency).
CREATE TABLE command_results (
    command_id TEXT PRIMARY KEY,
    principal TEXT NOT NULL,
    case_id TEXT NOT NULL,
    answer TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Cases that left an office (tombstones for that office's clients).
CREATE TABLE scope_exits (
    seq BIGINT NOT NULL,
    case_id TEXT NOT NULL,
    office_id TEXT NOT NULL
);
CREATE INDEX scope_exits_office_seq ON scope_exits (office_id, seq);
