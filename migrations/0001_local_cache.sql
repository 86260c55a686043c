-- The desktop's local cache. Append-only: a change is a new numbered file.
--
-- `cases` holds one slim row per case of the user's scope: the columns the inbox
-- filters and sorts on, describing what the caseworker sees (the local state). The
-- aggregates themselves are in `case_json`, twice: `server` exactly as the portal last
-- sent it, `local` the same with the user's unconfirmed commands applied (NULL when
-- there are none). Keeping the JSON out of `cases` keeps scans and counts cheap.

CREATE TABLE cases (
    -- An explicit rowid, so VACUUM never renumbers what the search index points to.
    row INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    aktenzeichen TEXT NOT NULL,
    office_id TEXT NOT NULL,
    service_id TEXT NOT NULL,
    status TEXT NOT NULL,
    -- 1 while the status is submitted, in_review or awaiting_citizen.
    open INTEGER NOT NULL,
    assignee TEXT,
    assignee_name TEXT,
    priority TEXT NOT NULL,
    version INTEGER NOT NULL,
    -- The version and `seq` of the portal's state.
    server_version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    due_date TEXT NOT NULL,
    applicant_sort TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    answered INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0
);

-- The aggregates' JSON, LZ4-compressed (a third of the size: less to write during a
-- bootstrap, more of the store in the page cache).
CREATE TABLE case_json (
    row INTEGER PRIMARY KEY,
    server BLOB NOT NULL,
    local BLOB
);

CREATE INDEX cases_due ON cases (due_date, id);
CREATE INDEX cases_received ON cases (received_at, id);
CREATE INDEX cases_aktenzeichen ON cases (aktenzeichen, id);
CREATE INDEX cases_applicant ON cases (applicant_sort, id);
CREATE INDEX cases_open_due ON cases (open, due_date, id);
CREATE INDEX cases_open_received ON cases (open, received_at, id);
CREATE INDEX cases_open_applicant ON cases (open, applicant_sort, id);
CREATE INDEX cases_status_due ON cases (status, due_date);
CREATE INDEX cases_assignee_due ON cases (assignee, due_date);
CREATE INDEX cases_flags ON cases (pending, rejected) WHERE pending > 0 OR rejected > 0;

-- Full-text index over what caseworkers search by. Contentless: the text lives in
-- `cases`; the index's rowid is `cases.row`.
CREATE VIRTUAL TABLE case_search USING fts5 (
    aktenzeichen, applicant, address, form, notes,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The user's commands not yet confirmed by the portal, in the order they were made.
-- `state`: pending (not yet answered), applied (the portal applied it at `answer_seq`;
-- kept until the local copy of the case has caught up, so the effect never flickers
-- away) or rejected (kept with the portal's reason until the user retries or
-- discards it).
CREATE TABLE outbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    command_id TEXT NOT NULL UNIQUE,
    case_id TEXT NOT NULL,
    aktenzeichen TEXT NOT NULL,
    kind TEXT NOT NULL,
    command TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'applied', 'rejected')),
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    answer_seq INTEGER,
    rejection_code TEXT,
    rejection_message TEXT,
    blob_sha256 TEXT
);

CREATE INDEX outbox_case ON outbox (case_id, position);
CREATE INDEX outbox_state ON outbox (state, position);

-- Sync progress and session facts (never secrets), as key/value pairs.
CREATE TABLE sync_state (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- The service catalog, for rendering form data by its field definitions.
CREATE TABLE services (
    id TEXT PRIMARY KEY NOT NULL,
    definition TEXT NOT NULL
);

-- The document cache index. `state`: complete (verified against its hash), partial
-- (a download in progress, resumable), outgoing (made here, not yet uploaded).
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY NOT NULL,
    size INTEGER NOT NULL,
    media_type TEXT,
    state TEXT NOT NULL CHECK (state IN ('complete', 'partial', 'outgoing')),
    last_used TEXT NOT NULL
);

CREATE INDEX blobs_lru ON blobs (state, last_used);

-- Staff of the user's offices who can take cases, for assigning and for names.
CREATE TABLE staff (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    offices TEXT NOT NULL
);
