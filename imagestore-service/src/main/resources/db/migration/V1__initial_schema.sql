-- Portable between PostgreSQL and H2 in PostgreSQL mode. Times are epoch milliseconds.

-- Stored content, one row per SHA-256. Its row lock serialises storing and deleting the bytes.
CREATE TABLE blobs (
  sha256 VARCHAR(64) PRIMARY KEY,
  size BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE images (
  uuid VARCHAR(32) PRIMARY KEY,
  sha256 VARCHAR(64) NOT NULL,
  size BIGINT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  uploaded_by VARCHAR(64) NOT NULL,
  spec_lib VARCHAR(255),
  spec_name VARCHAR(255),
  spec_branch VARCHAR(255),
  platform VARCHAR(64),
  resolution VARCHAR(64),
  browser VARCHAR(64),
  theme VARCHAR(64),
  direction VARCHAR(64),
  mode VARCHAR(64),
  -- Since when no reference names the image; NULL while one does.
  orphaned_at BIGINT
);
CREATE INDEX images_sha256 ON images (sha256);
CREATE INDEX images_orphaned_at ON images (orphaned_at);

-- A .lnk file at path in a commit of a tracked branch names uuid. No foreign key: a reference may
-- arrive before its image is uploaded.
CREATE TABLE image_references (
  project VARCHAR(255) NOT NULL,
  branch VARCHAR(255) NOT NULL,
  path VARCHAR(1024) NOT NULL,
  uuid VARCHAR(32) NOT NULL,
  commit_id VARCHAR(64) NOT NULL,
  indexed_at BIGINT NOT NULL,
  PRIMARY KEY (project, branch, path, uuid)
);
CREATE INDEX image_references_uuid ON image_references (uuid);

CREATE TABLE runtimes (
  id VARCHAR(16) PRIMARY KEY,
  platform VARCHAR(64) NOT NULL,
  resolution VARCHAR(64) NOT NULL,
  browser VARCHAR(64) NOT NULL,
  theme VARCHAR(64) NOT NULL,
  direction VARCHAR(64) NOT NULL,
  mode VARCHAR(64) NOT NULL,
  description VARCHAR(1024),
  created_at BIGINT NOT NULL
);

CREATE TABLE users (
  name VARCHAR(64) PRIMARY KEY,
  password_hash VARCHAR(128) NOT NULL,
  -- Comma-separated role names.
  roles VARCHAR(128) NOT NULL,
  created_at BIGINT NOT NULL
);
