-- Moved blocks found by the diff engine, stored with the figures. shifts lists them as
-- "x,y,width,height,dx,dy,mismatchedPixels" separated by ";" (empty: none; at most 64 of them);
-- shifted_pixels is their sum. Both are NULL in rows stored before the detection existed: the
-- service computes such a diff again on its next read and fills them in (nothing else changes:
-- the detection does not change the other figures or the picture).
ALTER TABLE diffs ADD COLUMN shifts VARCHAR(8192);
ALTER TABLE diffs ADD COLUMN shifted_pixels BIGINT;
