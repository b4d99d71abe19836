-- 延时预约: the holiday calendar, each center's weekly after-hours windows, the
-- slots cut from them, and bookings. Capacity is enforced by the database:
-- a booking takes a place with one conditional UPDATE (booked < capacity),
-- and CHECK (booked <= capacity) refuses anything that would overfill a slot.

-- City-wide: public holidays (no slots) and 调休 working days (weekday slots).
CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL DEFAULT ''
);

-- A center's own closures.
CREATE TABLE center_closures (
    center_code TEXT NOT NULL REFERENCES centers (code),
    day TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (center_code, day)
);

-- Weekly recurring windows (ISO weekday 1 = Monday … 7 = Sunday), in minutes
-- after midnight Asia/Shanghai, cut into slots of slot_minutes.
CREATE TABLE schedule_windows (
    id INTEGER PRIMARY KEY,
    center_code TEXT NOT NULL REFERENCES centers (code),
    weekday BIGINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_min BIGINT NOT NULL,
    end_min BIGINT NOT NULL,
    slot_minutes BIGINT NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
    capacity BIGINT NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    -- '' = any window kind; otherwise 无差别综合受理, 公安, 人社, 医保, 市场监管, 退役军人
    window_kind TEXT NOT NULL DEFAULT '',
    CHECK (start_min >= 0 AND end_min <= 1440 AND start_min < end_min)
);
CREATE INDEX schedule_windows_center ON schedule_windows (center_code, weekday);

-- Slots for the coming days, materialised from the windows and the calendar.
CREATE TABLE slots (
    id INTEGER PRIMARY KEY,
    center_code TEXT NOT NULL REFERENCES centers (code),
    day TEXT NOT NULL,
    start_min BIGINT NOT NULL,
    end_min BIGINT NOT NULL,
    starts_at BIGINT NOT NULL,
    window_kind TEXT NOT NULL DEFAULT '',
    capacity BIGINT NOT NULL,
    booked BIGINT NOT NULL DEFAULT 0,
    -- 绿色通道 walk-ins are served beyond capacity and counted apart.
    walk_ins BIGINT NOT NULL DEFAULT 0,
    CHECK (booked >= 0 AND booked <= capacity),
    UNIQUE (center_code, day, start_min, window_kind)
);
CREATE INDEX slots_center_day ON slots (center_code, day);

CREATE TABLE bookings (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    slot_id BIGINT NOT NULL REFERENCES slots (id),
    seq BIGINT NOT NULL REFERENCES catalog_items (seq),
    phone_key TEXT NOT NULL,
    phone_enc TEXT NOT NULL,
    name_enc TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'checked_in', 'no_show')),
    walk_in BIGINT NOT NULL DEFAULT 0 CHECK (walk_in IN (0, 1)),
    starts_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    cancelled_at BIGINT,
    checked_in_at BIGINT,
    -- A helper or window staff member who filed it on the citizen's behalf.
    filed_by BIGINT REFERENCES staff_users (id)
);
-- One active booking per phone per slot, whatever races.
CREATE UNIQUE INDEX bookings_one_per_phone_slot ON bookings (slot_id, phone_key) WHERE status = 'active';
CREATE INDEX bookings_phone ON bookings (phone_key, status, starts_at);

-- Notifications sent once per event (reminders, schedule changes): the key
-- makes a second enqueue, from any instance, a no-op.
ALTER TABLE outbox ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX outbox_dedupe ON outbox (dedupe_key);
