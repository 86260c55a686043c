-- Delivery by channel (Bekanntgabe, §41 VwVfG NRW). When a decision counts as
-- announced is no longer fixed when it is recorded: it follows from the channel
-- (the post, the citizen's retrieval from the portal, Zustellung) and lives in the
-- aggregate with the dates that follow from it. The mirror keeps no dates, and the
-- tenant-wide delivery rule is gone (the fee's due period replaced it).
ALTER TABLE decisions DROP COLUMN deemed_delivery;
ALTER TABLE decisions DROP COLUMN appeal_deadline;
DELETE FROM tenant_settings WHERE key = 'delivery_rule';

-- Notices issued after the decision (fee and tax notices), mirrored like decisions
-- so that their letters are readable by the citizen and the office.
CREATE TABLE notices (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    letter_sha256 TEXT,
    amount_cents BIGINT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL
);
CREATE INDEX notices_case ON notices (case_id);
CREATE INDEX notices_letter ON notices (letter_sha256);

-- The last day the earliest pending portal retrieval of a case (its decision or a
-- notice, §41(2a) VwVfG NRW) may happen; NULL when none is pending. Written with
-- the aggregate, so the lapse job reads only the cases whose day has passed.
ALTER TABLE cases ADD COLUMN retrieval_open_until TEXT;
CREATE INDEX cases_retrieval_open_until ON cases (retrieval_open_until)
    WHERE retrieval_open_until IS NOT NULL;
