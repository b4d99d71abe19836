-- Identity, roles and the back office. Times are UTC milliseconds; booleans
-- are BIGINT 0/1 (the Any driver reads no SQLite BOOLEAN). Phone numbers, names
-- and ID numbers are stored encrypted (*_enc); *_key columns hold a keyed hash
-- of the phone for lookups, never the number.

CREATE TABLE staff_users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('helper', 'window', 'center_admin', 'city_admin')),
    center_code TEXT REFERENCES centers (code),
    password_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK ((role = 'city_admin' AND center_code IS NULL) OR (role <> 'city_admin' AND center_code IS NOT NULL))
);

-- Staff and citizen sessions; the cookie holds a random token, we keep its hash.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('staff', 'citizen')),
    staff_id BIGINT REFERENCES staff_users (id),
    phone_key TEXT,
    phone_enc TEXT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_staff ON sessions (staff_id);

-- One-time codes; the browser holds the challenge token in a short-lived cookie.
CREATE TABLE otp_challenges (
    token_hash TEXT PRIMARY KEY,
    phone_key TEXT NOT NULL,
    phone_enc TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    consumed_at BIGINT
);
CREATE INDEX otp_challenges_phone ON otp_challenges (phone_key, created_at);

-- Fixed-window counters, shared by every instance: updated atomically in one statement.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL
);

-- What a citizen chose to tell us about themselves, keyed by phone.
CREATE TABLE citizens (
    phone_key TEXT PRIMARY KEY,
    phone_enc TEXT NOT NULL,
    name_enc TEXT,
    id_enc TEXT,
    updated_at BIGINT NOT NULL
);

-- The notification outbox: written in the same transaction as what caused it
-- (recipient and text encrypted: a text may hold a live one-time code),
-- delivered by a sender that claims rows so two instances never send one twice.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT 'sms',
    recipient_enc TEXT NOT NULL,
    recipient_masked TEXT NOT NULL,
    body_enc TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    claimed_by TEXT,
    claimed_until BIGINT,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (status, due_at);

-- Guide drafts: the raw form, saved as typed (a draft may be incomplete).
CREATE TABLE guide_drafts (
    seq BIGINT PRIMARY KEY REFERENCES catalog_items (seq),
    form TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);

-- Where a center departs from the catalog: an item it cannot handle for now
-- (with the nearest center that can), or whether its village stations take it.
CREATE TABLE center_items (
    center_code TEXT NOT NULL REFERENCES centers (code),
    seq BIGINT NOT NULL REFERENCES catalog_items (seq),
    at_center BIGINT NOT NULL CHECK (at_center IN (0, 1)),
    at_stations BIGINT NOT NULL CHECK (at_stations IN (0, 1)),
    alternative_center TEXT REFERENCES centers (code),
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (center_code, seq)
);

-- Append-only: triggers refuse UPDATE and DELETE. No code path purges it, so
-- it keeps far more than the 180 days required.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor_username TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    center_code TEXT,
    detail TEXT NOT NULL DEFAULT '',
    client_addr TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
