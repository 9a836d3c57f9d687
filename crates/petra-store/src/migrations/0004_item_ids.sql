-- Items get integer ids. New items append to the end of inventory_items instead of
-- landing at random places in a table keyed by text, and the state that change
-- detection reads (status, hashes, SKU fingerprint) moves to a narrow table keyed by
-- item id, so reading it for a whole source reads integers and short blobs.

CREATE TABLE inventory_sources (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL UNIQUE
);

ALTER TABLE inventory_items RENAME TO inventory_items_v3;

CREATE TABLE inventory_items (
    id            INTEGER PRIMARY KEY,
    source_id     INTEGER NOT NULL REFERENCES inventory_sources (id),
    sku           TEXT    NOT NULL,
    -- Quantity offered for sale: 0 while archived.
    quantity      INTEGER NOT NULL CHECK (quantity >= 0),
    -- Quantity of the latest retrieval, restored when an archived item returns.
    feed_quantity INTEGER NOT NULL CHECK (feed_quantity >= 0),
    -- Mapped fields as a JSON object.
    fields        TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    archived_at   TEXT
);

CREATE UNIQUE INDEX inventory_items_by_sku ON inventory_items (source_id, sku);

CREATE TABLE inventory_item_state (
    item_id         INTEGER PRIMARY KEY REFERENCES inventory_items (id),
    source_id       INTEGER NOT NULL,
    active          INTEGER NOT NULL CHECK (active IN (0, 1)),
    -- XXH3-64 of the SKU, so a run compares the SKUs it saw without reading them.
    sku_fingerprint INTEGER NOT NULL,
    -- BLAKE3 of the quantity and fields, first 16 bytes.
    content_hash    BLOB    NOT NULL,
    -- Hash of the feed row an active item was last written from; NULL when none.
    row_hash        BLOB
);

CREATE INDEX inventory_item_state_by_source ON inventory_item_state (source_id, active);

INSERT INTO inventory_sources (name)
SELECT DISTINCT source FROM inventory_items_v3 ORDER BY source;

INSERT INTO inventory_items
    (source_id, sku, quantity, feed_quantity, fields, created_at, updated_at, archived_at)
SELECT s.id, o.sku, o.quantity, o.feed_quantity, o.fields, o.created_at, o.updated_at,
       o.archived_at
FROM inventory_items_v3 AS o JOIN inventory_sources AS s ON s.name = o.source
ORDER BY o.source, o.sku;

-- The fingerprints are computed in Rust right after this script, in the same
-- transaction. Old row hashes are dropped because the row hash changed, so the first
-- run after the upgrade maps every row once.
INSERT INTO inventory_item_state (item_id, source_id, active, sku_fingerprint, content_hash)
SELECT i.id, i.source_id, o.status = 'active', 0, o.content_hash
FROM inventory_items AS i
JOIN inventory_sources AS s ON s.id = i.source_id
JOIN inventory_items_v3 AS o ON o.source = s.name AND o.sku = i.sku;

DROP TABLE inventory_items_v3;
DROP TABLE inventory_row_hashes;
