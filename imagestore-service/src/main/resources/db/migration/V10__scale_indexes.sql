-- Indexes for a store of millions of images (issue 14, bench/scale.sh; the query plans are in
-- bench/README.md, "Scaling"). Portable between PostgreSQL and H2 in PostgreSQL mode.

-- The consistency check reads the diff pictures one slice of keys at a time (diff_sha256 >= ? AND
-- diff_sha256 < ?) and drops the diffs whose picture is missing (diff_sha256 = ?): without an
-- index each of its 256 slices read the whole table.
CREATE INDEX diffs_diff_sha256 ON diffs (diff_sha256);
