-- Orphan marks are rechecked after a change of images or references commits, in a transaction of
-- its own (see ImageRepository.recheckOrphanMarks). So that a crash between the two cannot leave a
-- mark out of step for good, the changing transaction records here which images it touched, under
-- a token of its own; the recheck deletes its token's rows when it commits. Rows left by a crash are
-- rechecked at the next start and by the periodic sweep. Portable between PostgreSQL and H2.
CREATE TABLE orphan_rechecks (
  token VARCHAR(32) NOT NULL,
  uuid VARCHAR(32) NOT NULL,
  since BIGINT NOT NULL,
  PRIMARY KEY (token, uuid)
);
CREATE INDEX orphan_rechecks_since ON orphan_rechecks (since);
