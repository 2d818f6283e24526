-- A replace that inserts thousands of references (a project's first import) owes the recheck of
-- the images they name. One orphan_rechecks row per image doubled the rows the import writes, and
-- its recheck deleted them again; here the debt is one row: the images that the references of
-- `project` indexed at `indexed_at` name (those the change inserted; a few more when another change
-- indexed references of the project in the same millisecond, rechecked harmlessly). A crash before
-- the recheck leaves the row, and the start-up check and the sweep find the images through the
-- references (ImageRepository.recheckOwed). The images whose references a change removed are
-- still owed one orphan_rechecks row each: no reference names them any more. Portable between
-- PostgreSQL and H2.
CREATE TABLE orphan_recheck_imports (
  token VARCHAR(32) NOT NULL PRIMARY KEY,
  project VARCHAR(255) NOT NULL,
  indexed_at BIGINT NOT NULL,
  since BIGINT NOT NULL
);
CREATE INDEX orphan_recheck_imports_since ON orphan_recheck_imports (since);
