// Copyright (C) 2026 The imagestore Authors
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
// http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.
package com.googlesource.gerrit.plugins.imagestore.service.images;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What images and the trash read of the {@code image_references} table. Defined here and
 * implemented by the references' repository, whose service builds on this package, so the two do
 * not import each other.
 */
public interface ReferenceLookup {
  /** Whether any branch references {@code uuid}. */
  boolean isReferenced(Connection c, String uuid) throws SQLException;

  /** Those of {@code uuids} that some branch references. */
  Set<String> referencedAmong(Connection c, Collection<String> uuids) throws SQLException;

  /** Up to {@code limit} references to {@code uuid}. */
  List<ImageReference> findByUuid(Connection c, String uuid, int limit) throws SQLException;
}
