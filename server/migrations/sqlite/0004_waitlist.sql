-- 延时预约 waitlist: people waiting for a place in a full slot. A freed place
-- is held for the first one waiting ('offered', still counted in
-- slots.booked, so nobody else can take it) until they take it ('booked')
-- or the hold runs out ('expired'; the place goes to the next one waiting).
CREATE TABLE waitlist (
    id INTEGER PRIMARY KEY,
    slot_id BIGINT NOT NULL REFERENCES slots (id),
    seq BIGINT NOT NULL REFERENCES catalog_items (seq),
    phone_key TEXT NOT NULL,
    phone_enc TEXT NOT NULL,
    name_enc TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    -- closed: the slot stopped taking bookings while they waited; left: they gave up.
    status TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'expired', 'closed', 'left')),
    created_at BIGINT NOT NULL,
    offered_at BIGINT,
    offer_expires_at BIGINT,
    booking_id BIGINT REFERENCES bookings (id),
    CHECK (status <> 'offered' OR offer_expires_at IS NOT NULL)
);
-- One place in the queue per phone per slot, whatever races.
CREATE UNIQUE INDEX waitlist_one_per_phone_slot ON waitlist (slot_id, phone_key) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_queue ON waitlist (slot_id, status, id);
CREATE INDEX waitlist_phone ON waitlist (phone_key, status);
CREATE INDEX waitlist_offers ON waitlist (status, offer_expires_at);

-- A slot no schedule rule covers any more (window removed, holiday, closure):
-- kept for the bookings it holds, but it takes no new booking or waitlist
-- place, and a place freed in it goes nowhere. Reopened when a rule covers it again.
ALTER TABLE slots ADD COLUMN withdrawn BIGINT NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1));

-- How often a booking was moved: reminders are keyed by it, so a moved
-- booking is reminded again for its new time.
ALTER TABLE bookings ADD COLUMN moves BIGINT NOT NULL DEFAULT 0;
