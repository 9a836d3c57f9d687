-- Quantities and the update time move to the narrow state table, and the stored fields
-- lose their "quantity" member. When only quantities change, the usual daily change of a
-- catalog, a re-import then rewrites state rows of about 70 bytes instead of whole items.
-- The state keeps the digest of the fields alone, and the item's content hash is computed
-- from it and the feed quantity. The digests are computed in Rust right after this
-- script, in the same transaction, from the fields as stored here.
--
-- Both tables are rebuilt, which migrations run with foreign-key checks off for, and a
-- foreign_key_check before the commit confirms every reference.

CREATE TABLE inventory_item_state_v7 (
    item_id         INTEGER PRIMARY KEY REFERENCES inventory_items (id),
    source_id       INTEGER NOT NULL,
    active          INTEGER NOT NULL CHECK (active IN (0, 1)),
    -- XXH3-64 of the SKU, so a run compares the SKUs it saw without reading them.
    sku_fingerprint INTEGER NOT NULL,
    -- Hash of the feed row an active item was last written from; NULL when none.
    row_hash        BLOB,
    -- XXH3-128 of the fields JSON.
    fields_hash     BLOB    NOT NULL,
    -- Quantity offered for sale: 0 while archived.
    quantity        INTEGER NOT NULL CHECK (quantity >= 0),
    -- Quantity of the latest retrieval, restored when an archived item returns.
    feed_quantity   INTEGER NOT NULL CHECK (feed_quantity >= 0),
    -- Last change of the quantity, fields or status, in milliseconds since the Unix epoch.
    updated_at      INTEGER NOT NULL
);

INSERT INTO inventory_item_state_v7
    (item_id, source_id, active, sku_fingerprint, row_hash, fields_hash, quantity,
     feed_quantity, updated_at)
SELECT s.item_id, s.source_id, s.active, s.sku_fingerprint, s.row_hash, s.content_hash,
       i.quantity, i.feed_quantity,
       CAST(round(unixepoch(i.updated_at, 'subsec') * 1000) AS INTEGER)
FROM inventory_item_state AS s JOIN inventory_items AS i ON i.id = s.item_id
ORDER BY s.item_id;

CREATE TABLE inventory_items_v7 (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES inventory_sources (id),
    sku         TEXT    NOT NULL,
    -- Mapped fields but the quantity, as a JSON object.
    fields      TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    archived_at TEXT
);

-- json_remove keeps the other members' text and order as they were written.
INSERT INTO inventory_items_v7 (id, source_id, sku, fields, created_at, archived_at)
SELECT id, source_id, sku, json_remove(fields, '$.quantity'), created_at, archived_at
FROM inventory_items
ORDER BY id;

DROP TABLE inventory_item_state;
DROP TABLE inventory_items;
ALTER TABLE inventory_items_v7 RENAME TO inventory_items;
ALTER TABLE inventory_item_state_v7 RENAME TO inventory_item_state;
CREATE UNIQUE INDEX inventory_items_by_sku ON inventory_items (source_id, sku);
