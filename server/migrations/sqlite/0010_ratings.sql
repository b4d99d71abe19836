-- 好差评: ratings of a window visit, an appointment, a help request, a
-- complaint's handling or an item's guide. One per subject per handling,
-- held by the unique key (a window visit: one per phone per window per day).
CREATE TABLE ratings (
    id INTEGER PRIMARY KEY,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('window', 'booking', 'help', 'complaint', 'item')),
    -- The window's id, the booking's code, and so on.
    subject_id TEXT NOT NULL,
    -- What makes a handling one: for a window, the phone's lookup key and the day.
    handling TEXT NOT NULL,
    -- For the statistics: where, and who was on duty then (if anyone was named).
    center_code TEXT NOT NULL DEFAULT '',
    staff_user_id BIGINT REFERENCES staff_users (id),
    -- 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意.
    level BIGINT NOT NULL CHECK (level BETWEEN 1 AND 5),
    -- Comma-separated: overall, efficiency, skill, attitude.
    reasons TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 300),
    phone_key TEXT,
    phone_enc TEXT,
    -- Asia/Shanghai day of the rating.
    rated_day TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (subject_kind, subject_id, handling)
);
CREATE INDEX ratings_center_day ON ratings (center_code, rated_day);
