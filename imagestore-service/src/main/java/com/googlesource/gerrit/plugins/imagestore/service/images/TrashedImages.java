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

import com.googlesource.gerrit.plugins.imagestore.service.audit.Actor;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The trash as an upload sees it: bytes uploaded again under a trashed id bring the image back.
 * Defined here and implemented by the trash, which builds on this package, so the two do not import
 * each other.
 */
public interface TrashedImages {
  /** The trashed image {@code uuid}, its row locked; empty when it is not in the trash. */
  Optional<ImageRecord> findTrashedForUpdate(Connection c, String uuid) throws SQLException;

  /** Moves a trash entry back into {@code images}; false when it is not in the trash. */
  boolean restoreInTransaction(Connection c, String uuid, Actor actor, String detail)
      throws SQLException;
}
