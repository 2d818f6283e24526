-- Copyright (C) 2026 The imagestore Authors
--
-- Licensed under the Apache License, Version 2.0 (the "License");
-- you may not use this file except in compliance with the License.
-- You may obtain a copy of the License at
--
-- http://www.apache.org/licenses/LICENSE-2.0
--
-- Unless required by applicable law or agreed to in writing, software
-- distributed under the License is distributed on an "AS IS" BASIS,
-- WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
-- See the License for the specific language governing permissions and
-- limitations under the License.

-- The query plans behind bench/README.md's "Scaling": the service's statements of the measured
-- calls, on a database bench/scale.sh filled and kept (BENCH_KEEP=1):
--   psql -d imagestore_scale_1000000 -f bench/scale-explain.sql
-- Nothing is changed: the writes run inside a transaction that is rolled back.
\set ON_ERROR_STOP 1
\pset pager off
SELECT uuid AS some_uuid FROM images ORDER BY uuid OFFSET (SELECT COUNT(*) / 2 FROM images) LIMIT 1 \gset
SELECT uuid AS deep_uuid FROM images ORDER BY uuid OFFSET (SELECT COUNT(*) * 9 / 10 FROM images) LIMIT 1 \gset
SELECT sha256 AS some_sha FROM images WHERE uuid = :'some_uuid' \gset

\echo '--- GET /images/{uuid}: ImageRepository.find'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM images WHERE uuid = :'some_uuid';
\echo '--- GET /images?after=: ImageRepository.listIds, a page at 90%'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT uuid FROM images WHERE uuid > :'deep_uuid' ORDER BY uuid LIMIT 1000;
SELECT uuid AS orphan_deep_uuid FROM images WHERE orphaned_at IS NOT NULL ORDER BY uuid
  OFFSET (SELECT COUNT(orphaned_at) * 9 / 10 FROM images) LIMIT 1 \gset
\set runtime 'AND platform = ''linux'' AND resolution = ''1920x1080'' AND browser = ''chrome'' AND theme = ''light'' AND direction = ''ltr'' AND mode = ''cozy'''
\set spec 'AND (LOWER(spec_name) LIKE ''%spec-1%'' ESCAPE ''\\'' OR LOWER(spec_lib) LIKE ''%spec-1%'' ESCAPE ''\\'')'
-- ImageRepository.listOrphans: the page's ids from the filter columns alone (on PostgreSQL an
-- index-only scan of images_orphans_runtime or images_orphans, V11), then only those rows.
\echo '--- GET /orphans?minAge&runtime&spec (the filters of bench/scale.sh), first page'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT i.* FROM images i JOIN (SELECT uuid AS page_uuid FROM images o
    WHERE orphaned_at IS NOT NULL AND orphaned_at <= 9999999999999 AND uuid > ''
    AND NOT EXISTS (SELECT 1 FROM image_references r WHERE r.uuid = o.uuid) :runtime :spec
    ORDER BY uuid LIMIT 1000) p ON i.uuid = p.page_uuid ORDER BY i.uuid;
\echo '--- GET /orphans?minAge&runtime&spec&after=: a page at 90% of the keys'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT i.* FROM images i JOIN (SELECT uuid AS page_uuid FROM images o
    WHERE orphaned_at IS NOT NULL AND orphaned_at <= 9999999999999 AND uuid > :'deep_uuid'
    AND NOT EXISTS (SELECT 1 FROM image_references r WHERE r.uuid = o.uuid) :runtime :spec
    ORDER BY uuid LIMIT 1000) p ON i.uuid = p.page_uuid ORDER BY i.uuid;
\echo '--- GET /orphans?spec (no runtime), first page'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT i.* FROM images i JOIN (SELECT uuid AS page_uuid FROM images o
    WHERE orphaned_at IS NOT NULL AND orphaned_at <= 9999999999999 AND uuid > ''
    AND NOT EXISTS (SELECT 1 FROM image_references r WHERE r.uuid = o.uuid) :spec
    ORDER BY uuid LIMIT 1000) p ON i.uuid = p.page_uuid ORDER BY i.uuid;
\echo '--- GET /orphans?after=: unfiltered, a page at 90% of the orphans'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT i.* FROM images i JOIN (SELECT uuid AS page_uuid FROM images o
    WHERE orphaned_at IS NOT NULL AND orphaned_at <= 9999999999999 AND uuid > :'orphan_deep_uuid'
    AND NOT EXISTS (SELECT 1 FROM image_references r WHERE r.uuid = o.uuid)
    ORDER BY uuid LIMIT 1000) p ON i.uuid = p.page_uuid ORDER BY i.uuid;
\echo '--- GET /orphans?limit=60 (the management page)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT i.* FROM images i JOIN (SELECT uuid AS page_uuid FROM images o
    WHERE orphaned_at IS NOT NULL AND orphaned_at <= 9999999999999 AND uuid > ''
    AND NOT EXISTS (SELECT 1 FROM image_references r WHERE r.uuid = o.uuid)
    ORDER BY uuid LIMIT 60) p ON i.uuid = p.page_uuid ORDER BY i.uuid;
\echo '--- GET /references/digest: ReferenceRepository.forEachKey (100000 references)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT branch, path, uuid FROM image_references WHERE project = 'scale-big'
    ORDER BY branch COLLATE "C", path COLLATE "C", uuid COLLATE "C";
\echo '--- image holders of a content (upload, purge): ContentRepository.holders'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT (SELECT COUNT(*) FROM images WHERE sha256 = :'some_sha')
    + (SELECT COUNT(*) FROM trash WHERE sha256 = :'some_sha');
\echo '--- is the image referenced: ReferenceRepository.isReferenced'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT 1 FROM image_references WHERE uuid = :'some_uuid' LIMIT 1;
\echo '--- POST /trash/purge {all}: TrashRepository.listExpired'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT * FROM trash WHERE purge_after <= 9999999999999 ORDER BY purge_after, uuid LIMIT 10000;

BEGIN;
\echo '--- POST /orphans: ImageRepository.clearReferenced, markUnreferenced (rolled back)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  UPDATE images SET orphaned_at = NULL WHERE orphaned_at IS NOT NULL AND EXISTS
    (SELECT 1 FROM image_references r WHERE r.uuid = images.uuid);
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  UPDATE images SET orphaned_at = 1 WHERE orphaned_at IS NULL AND NOT EXISTS
    (SELECT 1 FROM image_references r WHERE r.uuid = images.uuid);
\echo '--- fsck, one slice of diff pictures, with one diff per 10 images (rolled back)'
INSERT INTO diffs (sha256_a, sha256_b, threshold_millionths, include_antialiasing, ignore_sha256,
    width, height, mismatched_pixels, antialiased_pixels, ignored_pixels, size_mismatch, identical,
    diff_sha256, diff_size, computed_at)
  SELECT sha256, sha256, 100000, false, '', 1, 1, 0, 0, 0, false, true, md5(sha256) || md5(uuid),
    100, 0 FROM images WHERE right(uuid, 1) = '0';
ANALYZE diffs;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT DISTINCT diff_sha256 FROM diffs WHERE diff_sha256 >= '7f' AND diff_sha256 < '80';
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  DELETE FROM diffs WHERE diff_sha256 = 'ab';
ROLLBACK;
