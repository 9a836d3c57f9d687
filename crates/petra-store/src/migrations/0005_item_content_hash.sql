-- Content hashes become XXH3-128 of the quantity and the fields instead of the first 16
-- bytes of BLAKE3. The new hashes are computed in Rust right after this script, in the
-- same transaction, from each item's feed_quantity and fields, which are exactly what the
-- hash covers. Without them every stored item would read as updated once.
SELECT 1;
