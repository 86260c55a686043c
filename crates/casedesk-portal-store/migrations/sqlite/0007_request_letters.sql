-- Letters that go out with a request to the citizen (the items-request letter, the
-- hearing letter), mirrored like decisions and notices so that the citizen and the
-- office may read them.
CREATE TABLE request_letters (
    request_id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    letter_sha256 TEXT NOT NULL
);
CREATE INDEX request_letters_case ON request_letters (case_id);
CREATE INDEX request_letters_letter ON request_letters (letter_sha256);
