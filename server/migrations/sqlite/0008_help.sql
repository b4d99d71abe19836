-- 帮办代办: help requests, their timeline, the papers' hand-offs, and the
-- consents under which a helper files on a citizen's behalf.

-- A citizen's consent for a helper to file in their name: proven by a
-- one-time code sent to their phone (read back to the helper), or by a
-- signed paper form. Scope: which kinds of filing, optionally one item.
CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    phone_key TEXT NOT NULL,
    phone_enc TEXT NOT NULL,
    -- 'code' (waiting for the code until proven_at) or 'paper'.
    method TEXT NOT NULL CHECK (method IN ('code', 'paper')),
    paper_form_no TEXT,
    code_hash TEXT,
    code_expires_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    -- Comma-separated: help, booking, complaint.
    scope_kinds TEXT NOT NULL,
    scope_seq BIGINT REFERENCES catalog_items (seq),
    helper_id BIGINT NOT NULL REFERENCES staff_users (id),
    center_code TEXT NOT NULL REFERENCES centers (code),
    hours BIGINT NOT NULL CHECK (hours BETWEEN 1 AND 72),
    created_at BIGINT NOT NULL,
    proven_at BIGINT,
    expires_at BIGINT,
    withdrawn_at BIGINT
);
CREATE INDEX consents_phone ON consents (phone_key, created_at);
CREATE INDEX consents_helper ON consents (helper_id, created_at);

CREATE TABLE help_requests (
    id INTEGER PRIMARY KEY,
    tracking_no TEXT NOT NULL UNIQUE,
    -- guide 帮办, proxy 代办, visit 上门.
    mode TEXT NOT NULL CHECK (mode IN ('guide', 'proxy', 'visit')),
    visit_reason TEXT,
    seq BIGINT REFERENCES catalog_items (seq),
    situation TEXT NOT NULL DEFAULT '',
    center_code TEXT NOT NULL REFERENCES centers (code),
    station_id BIGINT REFERENCES stations (id),
    when_suits TEXT NOT NULL,
    phone_key TEXT NOT NULL,
    phone_enc TEXT NOT NULL,
    -- The materials the citizen already has, one per line.
    materials TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('submitted', 'assigned', 'contacted', 'in_progress', 'result_ready', 'done', 'cancelled')),
    assignee_id BIGINT REFERENCES staff_users (id),
    -- Unassigned past this (one working day) is overdue.
    assign_due_at BIGINT NOT NULL,
    -- Who holds the papers now, as the citizen reads it.
    holder TEXT,
    rating BIGINT CHECK (rating BETWEEN 1 AND 5),
    rating_comment TEXT,
    filed_by BIGINT REFERENCES staff_users (id),
    consent_id BIGINT REFERENCES consents (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX help_requests_center ON help_requests (center_code, status);
CREATE INDEX help_requests_assignee ON help_requests (assignee_id, status);
CREATE INDEX help_requests_phone ON help_requests (phone_key, created_at);

CREATE TABLE help_events (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES help_requests (id),
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    public BIGINT NOT NULL CHECK (public IN (0, 1)),
    actor_id BIGINT REFERENCES staff_users (id),
    actor_label TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT ''
);
CREATE INDEX help_events_request ON help_events (request_id, at);

-- Each hand-over of the citizen's papers, with both names.
CREATE TABLE help_handoffs (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES help_requests (id),
    at BIGINT NOT NULL,
    from_place TEXT NOT NULL,
    to_place TEXT NOT NULL,
    from_name TEXT NOT NULL,
    to_name TEXT NOT NULL,
    staff_id BIGINT NOT NULL REFERENCES staff_users (id),
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX help_handoffs_request ON help_handoffs (request_id, at);

-- Round robin: one row per center, whose UPDATE serialises auto-assigns.
CREATE TABLE help_turns (
    center_code TEXT PRIMARY KEY REFERENCES centers (code),
    turn BIGINT NOT NULL
);

-- A helper's work phone, told to the citizens they help.
ALTER TABLE staff_users ADD COLUMN work_phone TEXT;
-- Bookings filed under a consent.
ALTER TABLE bookings ADD COLUMN consent_id BIGINT REFERENCES consents (id);
-- Complaints filed under a consent.
ALTER TABLE complaints ADD COLUMN filed_by BIGINT REFERENCES staff_users (id);
ALTER TABLE complaints ADD COLUMN consent_id BIGINT REFERENCES consents (id);
