-- Comparisons of two images, computed once. Keyed by the contents (SHA-256) rather than the ids,
-- so a diff is never stale and is shared by every id with the same bytes, and by the options
-- used. The diff picture is in the blob store under diff_sha256. Two replicas computing the same
-- pair insert the same row; the second insert does nothing (ON CONFLICT DO NOTHING).
CREATE TABLE diffs (
  sha256_a VARCHAR(64) NOT NULL,
  sha256_b VARCHAR(64) NOT NULL,
  threshold_millionths INTEGER NOT NULL,
  include_antialiasing BOOLEAN NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  mismatched_pixels BIGINT NOT NULL,
  antialiased_pixels BIGINT NOT NULL,
  size_mismatch BOOLEAN NOT NULL,
  identical BOOLEAN NOT NULL,
  diff_sha256 VARCHAR(64) NOT NULL,
  diff_size BIGINT NOT NULL,
  computed_at BIGINT NOT NULL,
  PRIMARY KEY (sha256_a, sha256_b, threshold_millionths, include_antialiasing)
);
