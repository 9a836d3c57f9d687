-- Order outbox: one row per (source, upper-case PO). The entry itself is JSON; state and
-- sequence are columns so pending requests are found by index.
CREATE TABLE fulfillment_requests (
    source     TEXT    NOT NULL,
    po_key     TEXT    NOT NULL,
    sequence   INTEGER NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN
                   ('held', 'pending', 'submitting', 'submitted', 'rejected', 'outcome_unknown')),
    entry      TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (source, po_key)
) WITHOUT ROWID;

CREATE INDEX fulfillment_requests_by_state ON fulfillment_requests (source, state, sequence);

-- Shipment ledger: one row per (source, upper-case PO, tracking number).
CREATE TABLE shipments (
    source          TEXT    NOT NULL,
    po_key          TEXT    NOT NULL,
    tracking_number TEXT    NOT NULL,
    matched         INTEGER NOT NULL,
    shipment        TEXT    NOT NULL,
    first_seen_at   TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    PRIMARY KEY (source, po_key, tracking_number)
) WITHOUT ROWID;

-- Shipping state per order, derived from its shipments.
CREATE TABLE order_shipping (
    source     TEXT NOT NULL,
    po_key     TEXT NOT NULL,
    state      TEXT NOT NULL,
    shipping   TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source, po_key)
) WITHOUT ROWID;

-- Who holds an operation lock, for status output. The lock itself is a write
-- transaction on a lock file beside the database, which the operating system releases
-- when the holder dies.
CREATE TABLE operation_locks (
    name        TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,
    acquired_at TEXT NOT NULL
);
