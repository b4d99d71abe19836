-- 村（社区）便民服务站: the village and community stations of a center,
-- kept by its admins. A retired station stays (help requests made there
-- keep pointing at it) but is no longer offered.
CREATE TABLE stations (
    id INTEGER PRIMARY KEY,
    center_code TEXT NOT NULL REFERENCES centers (code),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    village TEXT NOT NULL CHECK (length(village) BETWEEN 1 AND 50),
    address TEXT NOT NULL DEFAULT '' CHECK (length(address) <= 100),
    phone TEXT NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    duty_hours TEXT NOT NULL DEFAULT '' CHECK (length(duty_hours) <= 200),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    retired_at BIGINT
);
-- One name per center among the stations in service.
CREATE UNIQUE INDEX stations_center_name ON stations (center_code, name) WHERE retired_at IS NULL;
