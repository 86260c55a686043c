-- Case aggregates for sync, as zstd frames (see `casedesk_domain::frames`).
--
-- One dictionary per office, trained on that office's cases once it has enough of
-- them, and never changed afterwards: frames name it by `dict_id`, the id zstd
-- writes into them, and desktop caches keep it. It holds fragments of the office's
-- cases, so only members of the office ever receive it.
CREATE TABLE office_dictionaries (
    office_id TEXT PRIMARY KEY REFERENCES offices (id),
    dict_id BIGINT NOT NULL UNIQUE,
    dictionary BYTEA NOT NULL,
    trained_at TEXT NOT NULL
);

-- Each case's aggregate compressed with its office's dictionary, written with every
-- change of the aggregate (`cases.aggregate` stays the record). A bootstrap sends
-- these as they are instead of compressing every aggregate for every request. A case
-- without a row here (its office had no dictionary yet when it was written) is
-- compressed when it is sent, until the portal's maintenance fills it in.
CREATE TABLE case_frames (
    case_id TEXT PRIMARY KEY REFERENCES cases (id),
    frame BYTEA NOT NULL
);
