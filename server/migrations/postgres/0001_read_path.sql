-- The catalog, centers and guide versions: the read path.
-- Booleans are BIGINT 0/1: the Any driver reads no SQLite BOOLEAN.
CREATE TABLE catalog_items (
    seq BIGINT PRIMARY KEY,
    main_item TEXT NOT NULL,
    sub_item TEXT NOT NULL,
    business_item TEXT NOT NULL,
    item_type TEXT NOT NULL,
    level TEXT NOT NULL,
    department TEXT NOT NULL,
    provincial_catalog BIGINT NOT NULL CHECK (provincial_catalog IN (0, 1))
);

CREATE TABLE centers (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    center_name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    hours TEXT NOT NULL DEFAULT '',
    map_url TEXT NOT NULL DEFAULT '',
    sort_order BIGINT NOT NULL
);

-- Every published version of a guide is kept; citizens see the latest.
CREATE TABLE guide_versions (
    seq BIGINT NOT NULL REFERENCES catalog_items (seq),
    version BIGINT NOT NULL,
    content TEXT NOT NULL,
    sample BIGINT NOT NULL CHECK (sample IN (0, 1)),
    published_at BIGINT NOT NULL,
    published_by TEXT NOT NULL,
    PRIMARY KEY (seq, version)
);

-- Bumped whenever read-mostly content changes, so every instance reloads it.
CREATE TABLE content_version (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 0);
