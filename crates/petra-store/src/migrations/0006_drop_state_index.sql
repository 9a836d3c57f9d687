-- Every item written also went into this index, about a sixth of a first import's
-- writing time. The queries it served list or count most of a source's rows, so a scan
-- of the narrow state table costs about the same.
DROP INDEX inventory_item_state_by_source;
