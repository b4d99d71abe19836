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

-- 差评整改: every 不满意 / 非常不满意 opens one. A named staff member calls
-- the rater back (回访) within 1 working day, then rectifies at once or
-- records a plan with a deadline (5 working days unless set), and the rater
-- is told. A center that believes a review false appeals (申诉复核); a city
-- admin decides, and both the appeal and the decision are kept.
CREATE TABLE rectifications (
    id INTEGER PRIMARY KEY,
    rating_id BIGINT NOT NULL UNIQUE REFERENCES ratings (id),
    center_code TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'called_back', 'planned', 'rectified', 'appealed', 'overturned')),
    callback_due_at BIGINT NOT NULL,
    called_back_by BIGINT REFERENCES staff_users (id),
    called_back_at BIGINT,
    callback_note TEXT NOT NULL DEFAULT '',
    plan TEXT NOT NULL DEFAULT '',
    plan_due_at BIGINT,
    planned_by BIGINT REFERENCES staff_users (id),
    planned_at BIGINT,
    rectified_by BIGINT REFERENCES staff_users (id),
    rectified_at BIGINT,
    result TEXT NOT NULL DEFAULT '',
    appeal_reason TEXT NOT NULL DEFAULT '',
    appealed_by BIGINT REFERENCES staff_users (id),
    appealed_at BIGINT,
    -- Where the case stood when appealed: an upheld review goes back there.
    appeal_from TEXT,
    decision TEXT CHECK (decision IN ('upheld', 'overturned')),
    decided_by BIGINT REFERENCES staff_users (id),
    decided_at BIGINT,
    decision_note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX rectifications_center_status ON rectifications (center_code, status);
