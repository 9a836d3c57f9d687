-- Inventory pool: one row per (source, SKU). WITHOUT ROWID keeps the primary key as the
-- table's only B-tree, so a lookup or an insert touches one tree.
CREATE TABLE inventory_items (
    source        TEXT    NOT NULL,
    sku           TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('active', 'archived')),
    -- Quantity offered for sale: 0 while archived.
    quantity      INTEGER NOT NULL CHECK (quantity >= 0),
    -- Quantity of the latest retrieval, restored when an archived item returns.
    feed_quantity INTEGER NOT NULL CHECK (feed_quantity >= 0),
    content_hash  BLOB    NOT NULL,
    -- Mapped fields as a JSON object.
    fields        TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    archived_at   TEXT,
    PRIMARY KEY (source, sku)
) WITHOUT ROWID;

CREATE TABLE runs (
    run_id      TEXT    PRIMARY KEY,
    operation   TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    dry_run     INTEGER NOT NULL,
    started_at  TEXT    NOT NULL,
    finished_at TEXT,
    status      TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    report      TEXT
);

CREATE INDEX runs_by_operation ON runs (operation, source, started_at);

-- Latest Test Connection outcome per connection.
CREATE TABLE connection_tests (
    connection TEXT    PRIMARY KEY,
    tested_at  TEXT    NOT NULL,
    passed     INTEGER NOT NULL,
    message    TEXT    NOT NULL
);
