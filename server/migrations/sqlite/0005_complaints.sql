-- 有诉即办: complaints, their timeline, photos and deadlines. A case is handled
-- at one level at a time: a center (handling_center set) or the city (NULL).
-- Steps move it with conditional UPDATEs on its status; the CHECKs are the
-- backstop for what the service refuses first.

-- Promised working days per category (the city admin may change them).
CREATE TABLE complaint_terms (
    category TEXT PRIMARY KEY CHECK (category IN ('center', 'window', 'item', 'staff', 'undone')),
    accept_days BIGINT NOT NULL CHECK (accept_days BETWEEN 0 AND 30),
    answer_days BIGINT NOT NULL CHECK (answer_days BETWEEN 1 AND 60)
);
INSERT INTO complaint_terms (category, accept_days, answer_days) VALUES
    ('center', 1, 5), ('window', 1, 5), ('item', 1, 5), ('staff', 1, 5), ('undone', 1, 5);

CREATE TABLE complaints (
    id INTEGER PRIMARY KEY,
    tracking_no TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL CHECK (category IN ('center', 'window', 'item', 'staff', 'undone')),
    -- What it is about, as filed.
    center_code TEXT NOT NULL REFERENCES centers (code),
    seq BIGINT,
    booking_code TEXT,
    subject TEXT NOT NULL DEFAULT '',
    what TEXT NOT NULL,
    wants TEXT NOT NULL DEFAULT '',
    -- The contact phone (encrypted; keyed hash for 我的), NULL when anonymous.
    phone_key TEXT,
    phone_enc TEXT,
    -- Who handles it now.
    handling_center TEXT REFERENCES centers (code),
    assignee_id BIGINT REFERENCES staff_users (id),
    status TEXT NOT NULL CHECK (status IN ('received', 'accepted', 'answered', 'closed', 'merged')),
    accept_due_at BIGINT NOT NULL,
    answer_due_at BIGINT NOT NULL,
    -- The deadline stage the overdue job last reported ('' none, 'accept', 'answer').
    overdue_stage TEXT NOT NULL DEFAULT '',
    reopened BIGINT NOT NULL DEFAULT 0 CHECK (reopened IN (0, 1)),
    resolution TEXT CHECK (resolution IN ('resolved', 'partly', 'unresolved')),
    rating BIGINT CHECK (rating BETWEEN 1 AND 5),
    rating_comment TEXT NOT NULL DEFAULT '',
    merged_into BIGINT REFERENCES complaints (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT,
    CHECK ((phone_key IS NULL) = (phone_enc IS NULL)),
    CHECK ((status = 'merged') = (merged_into IS NOT NULL)),
    CHECK (rating IS NULL OR status = 'closed')
);
CREATE INDEX complaints_queue ON complaints (handling_center, status);
CREATE INDEX complaints_phone ON complaints (phone_key);

-- Every step of a case. public = 1: shown on the tracking page.
CREATE TABLE complaint_events (
    id INTEGER PRIMARY KEY,
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    public BIGINT NOT NULL CHECK (public IN (0, 1)),
    actor_id BIGINT REFERENCES staff_users (id),
    -- Role and center as the citizen may read it (never a name).
    actor_label TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_events_case ON complaint_events (complaint_id, at);

-- Photos, re-encoded (no EXIF), stored once by the SHA-256 of their bytes.
CREATE TABLE photos (
    sha256 TEXT PRIMARY KEY,
    mime TEXT NOT NULL,
    bytes BLOB NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE complaint_photos (
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    sha256 TEXT NOT NULL REFERENCES photos (sha256),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (complaint_id, sha256)
);

-- What the back office is told without SMS (staff have no phone on record):
-- one row per case and deadline, so a notice is written once.
CREATE TABLE staff_notices (
    id INTEGER PRIMARY KEY,
    center_code TEXT REFERENCES centers (code),
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (kind, target)
);
CREATE INDEX staff_notices_center ON staff_notices (center_code, created_at);
