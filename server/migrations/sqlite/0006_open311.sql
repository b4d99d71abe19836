-- Open311 GeoReport v2: one API key per integrating system (the 12345
-- hotline, …), created by a city admin. Only the key's SHA-256 is kept, so a
-- copy of the database holds no usable key. A revoked key stays for the
-- record of who filed what.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    key_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
);

-- Which key filed which case (written in the filing's transaction).
CREATE TABLE api_key_filings (
    complaint_id BIGINT PRIMARY KEY REFERENCES complaints (id),
    api_key_id BIGINT NOT NULL REFERENCES api_keys (id),
    filed_at BIGINT NOT NULL
);
CREATE INDEX api_key_filings_key ON api_key_filings (api_key_id, filed_at);
