-- Hash of the feed row each active item was last written from. A re-import skips rows
-- whose hash is here. Kept apart from inventory_items so loading every hash of a source
-- reads a small table, not every item's fields.
CREATE TABLE inventory_row_hashes (
    source   TEXT NOT NULL,
    sku      TEXT NOT NULL,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (source, sku)
) WITHOUT ROWID;

-- Counting a source's active items and listing their SKUs for archiving read this small
-- index instead of every item's fields.
CREATE INDEX inventory_items_by_status ON inventory_items (source, status, sku);
