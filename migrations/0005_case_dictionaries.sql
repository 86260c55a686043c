-- The zstd dictionaries the aggregates in `case_json` are compressed with (see the
-- engine's `codec` module). `dict_id` is the id zstd writes into every frame made
-- with the dictionary; the newest (highest `position`) packs new frames.
CREATE TABLE case_dictionaries (
    position INTEGER PRIMARY KEY,
    dict_id INTEGER NOT NULL UNIQUE,
    dictionary BLOB NOT NULL
);
