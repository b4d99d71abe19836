-- The service hall: its windows, and the short links printed on its posters
-- and stickers (QR codes), with scans counted per link and week.

-- A center's service windows (综合受理窗口 3 …), kept by its admins. A
-- retired window stays (its sticker and ratings keep pointing at it) but is
-- no longer listed.
CREATE TABLE service_windows (
    id INTEGER PRIMARY KEY,
    center_code TEXT NOT NULL REFERENCES centers (code),
    number TEXT NOT NULL CHECK (length(number) BETWEEN 1 AND 10),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 30),
    kind TEXT NOT NULL CHECK (kind IN ('general', 'special', 'help', 'consult', 'other')),
    -- Who is on duty at the window, if anyone is named (a staff account of the center).
    staff_user_id BIGINT REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    retired_at BIGINT
);
-- One number per center among the windows in service.
CREATE UNIQUE INDEX service_windows_number ON service_windows (center_code, number) WHERE retired_at IS NULL;

-- /q/{code}: one per poster (what it points at, where it hangs). Codes never
-- change once printed.
CREATE TABLE short_links (
    code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 4 AND 8),
    -- booking, complaint, help, track, item, window.
    kind TEXT NOT NULL CHECK (kind IN ('booking', 'complaint', 'help', 'track', 'item', 'window')),
    -- The item's seq or the window's id; '' for a center's own pages.
    subject TEXT NOT NULL DEFAULT '',
    -- The center whose hall the poster hangs in; '' when none.
    center_code TEXT NOT NULL DEFAULT '',
    -- Path and query of the page, on this portal.
    target TEXT NOT NULL CHECK (substr(target, 1, 1) = '/'),
    created_at BIGINT NOT NULL,
    UNIQUE (kind, subject, center_code)
);

-- Scans of a short link, per week (the Monday that starts it, Asia/Shanghai).
-- No cookie, address or anything else about who scanned.
CREATE TABLE link_scans (
    code TEXT NOT NULL REFERENCES short_links (code),
    week TEXT NOT NULL,
    scans BIGINT NOT NULL DEFAULT 0 CHECK (scans >= 0),
    PRIMARY KEY (code, week)
);
