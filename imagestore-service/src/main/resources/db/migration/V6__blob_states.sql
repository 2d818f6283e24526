-- Crash safety of stored content. Bytes are written before the transaction that records them and
-- deleted only after the transaction that frees them has committed, so a blobs row now says how far
-- its content has come. Portable between PostgreSQL and H2 in PostgreSQL mode.
--   pending:  the row exists, its bytes have not been confirmed under its lock yet (a new upload);
--   live:     its bytes were confirmed present under the row lock; nothing deletes them in this state;
--   deleting: no image or trash entry holds the content any more; the bytes may be deleted (under the
--             row lock, with the row in the same transaction), by the purge that freed them or later
--             by the sweeper if that purge did not get to it.
-- Rows written before this migration had their bytes stored inside their transaction: live.
ALTER TABLE blobs ADD COLUMN state VARCHAR(8) DEFAULT 'live' NOT NULL;
-- When the row entered its state (epoch milliseconds): the sweeper's grace period counts from it.
ALTER TABLE blobs ADD COLUMN state_at BIGINT;
UPDATE blobs SET state_at = created_at;
CREATE INDEX blobs_state ON blobs (state, state_at);
