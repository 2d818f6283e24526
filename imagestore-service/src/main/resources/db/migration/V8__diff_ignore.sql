-- Ignore regions (issue 13): a stored comparison is also keyed by the regions it left out.
-- ignore_sha256 is the SHA-256 (hex) of the normalised regions (DiffOptions.ignoreKey: sorted, no
-- duplicates, "x,y,width,height" joined by ";"), or '' for none: fixed length, so the primary key
-- stays small however many regions a request names. ignored_pixels: the pixels they covered.
-- The primary key changes, which PostgreSQL and H2 name differently: the table is copied instead.
-- Rows stored before were computed without regions: they keep their figures and their picture
-- (diff_sha256 still names it, so fsck keeps counting the bytes as held) under ignore_sha256 ''.
CREATE TABLE diffs_v8 (
  sha256_a VARCHAR(64) NOT NULL,
  sha256_b VARCHAR(64) NOT NULL,
  threshold_millionths INTEGER NOT NULL,
  include_antialiasing BOOLEAN NOT NULL,
  ignore_sha256 VARCHAR(64) NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  mismatched_pixels BIGINT NOT NULL,
  antialiased_pixels BIGINT NOT NULL,
  ignored_pixels BIGINT NOT NULL,
  size_mismatch BOOLEAN NOT NULL,
  identical BOOLEAN NOT NULL,
  diff_sha256 VARCHAR(64) NOT NULL,
  diff_size BIGINT NOT NULL,
  computed_at BIGINT NOT NULL,
  CONSTRAINT diffs_v8_key PRIMARY KEY
    (sha256_a, sha256_b, threshold_millionths, include_antialiasing, ignore_sha256)
);
INSERT INTO diffs_v8 (sha256_a, sha256_b, threshold_millionths, include_antialiasing,
    ignore_sha256, width, height, mismatched_pixels, antialiased_pixels, ignored_pixels,
    size_mismatch, identical, diff_sha256, diff_size, computed_at)
  SELECT sha256_a, sha256_b, threshold_millionths, include_antialiasing,
    '', width, height, mismatched_pixels, antialiased_pixels, 0,
    size_mismatch, identical, diff_sha256, diff_size, computed_at
  FROM diffs;
DROP TABLE diffs;
ALTER TABLE diffs_v8 RENAME TO diffs;
