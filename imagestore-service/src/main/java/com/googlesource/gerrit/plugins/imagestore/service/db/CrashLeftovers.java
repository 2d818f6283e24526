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

package com.googlesource.gerrit.plugins.imagestore.service.db;

import com.google.common.flogger.FluentLogger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;
import org.h2.mvstore.tx.Transaction;
import org.h2.mvstore.tx.VersionedValueType;
import org.h2.value.VersionedValue;

/**
 * Clears what transactions cut by a crash left in the embedded database's file without a way back.
 *
 * <p>H2 (2.3) logs a change before it makes it, but writes a chunk map by map while other threads
 * go on writing, so a chunk can hold a change without its log entry. After the crash H2 rolls back
 * what the log holds and leaves such a change in place, marked as the dead transaction's. Readers
 * see through it to the value before, except a new transaction that gets the same number (H2 hands
 * out the lowest free one): it takes the change for its own, reads it and builds on it; a crash
 * suite run saw an image half moved to the trash, and {@code fsck --repair} then freed bytes a live
 * image held. Right after the database opens, before any transaction, no transaction is open, so
 * every value still marked as a transaction's is such a leftover: it is put back to the value
 * before. That reads every entry of every table and index once, so it runs only when the process
 * before did not close the database ({@link #marker}).
 */
final class CrashLeftovers {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private CrashLeftovers() {}

  /**
   * The file beside the database's that says it was closed: written once H2 has closed it, deleted
   * when it opens again. Missing at an open of an existing database, the process before ended
   * without closing it (or predates this file): then leftovers are cleared.
   */
  static Path marker(String url) {
    Path file = databaseFile(url);
    return file == null ? null : file.resolveSibling(file.getFileName() + ".closed");
  }

  /** The database's file for an H2 {@code jdbc:h2:file:} URL, else null. */
  private static Path databaseFile(String url) {
    String prefix = "jdbc:h2:file:";
    if (!url.startsWith(prefix)) {
      return null;
    }
    int end = url.indexOf(';');
    return Path.of(url.substring(prefix.length(), end < 0 ? url.length() : end));
  }

  /** Whether the database's file is there (call before H2 opens it: opening creates it). */
  static boolean exists(String url) {
    Path file = databaseFile(url);
    return file != null && Files.exists(file.resolveSibling(file.getFileName() + ".mv.db"));
  }

  /**
   * On an open of {@code url} (through {@code h2}, before any other work; {@code existed}: the file
   * was there before): clears leftovers unless the database was closed, then takes the mark away.
   */
  static void onOpen(String url, boolean existed, Connection h2) throws SQLException, IOException {
    Path marker = marker(url);
    if (marker == null) {
      return;
    }
    if (existed && !Files.exists(marker)) {
      // Reads every table and index: measured 80 s at a million images and ten million references.
      logger.atInfo().log(
          "the database was not closed (no %s): reading every table and index for what"
              + " transactions cut by a crash left (about a minute per million images)",
          marker.getFileName());
      long cleared = clear(h2);
      if (cleared > 0) {
        logger.atWarning().log(
            "put back %d values that transactions cut by a crash had changed without a log entry",
            cleared);
      }
    }
    Files.deleteIfExists(marker);
  }

  /** After the last connection closed: marks the database closed if H2 has closed it. */
  static void onClose(String url, MVStore store, boolean stoppedByH2) throws IOException {
    Path marker = marker(url);
    if (marker == null) {
      return;
    }
    if (stoppedByH2) {
      // H2 stopped it (a failed write): the file is as a kill leaves it.
      logger.atWarning().log(
          "the embedded database stopped after a failure; the next start reads it for leftovers");
    } else if (store.isClosed()) {
      Files.write(marker, new byte[0]);
    } else {
      // A connection is still in use: H2 closes the file later, or never if the process is killed.
      logger.atWarning().log(
          "the embedded database is still open at close; the next start reads it for leftovers");
    }
  }

  /** The values still marked as a transaction's: leftovers, when no transaction is open. */
  static long count(Connection h2) throws SQLException {
    long found = 0;
    for (MVMap<Object, VersionedValue<Object>> map : transactionalMaps(storeOf(h2).getMvStore())) {
      found += marked(map).size();
    }
    return found;
  }

  /** A key of a map whose value is still marked as a transaction's, and the value before it. */
  private record Marked(Object key, Object committed) {}

  private static List<Marked> marked(MVMap<Object, VersionedValue<Object>> map) {
    List<Marked> marked = new ArrayList<>();
    for (Cursor<Object, VersionedValue<Object>> c = map.cursor(null); c.hasNext(); ) {
      Object key = c.next();
      VersionedValue<Object> value = c.getValue();
      if (value != null && value.getOperationId() != 0) {
        marked.add(new Marked(key, value.getCommittedValue()));
      }
    }
    return marked;
  }

  private static Store storeOf(Connection h2) throws SQLException {
    return StoredCommits.h2Of(h2).getStore();
  }

  /**
   * Puts every value still marked as a transaction's back to the value before; how many (none when
   * a transaction is open).
   */
  static long clear(Connection h2) throws SQLException {
    Store store = storeOf(h2);
    long writing =
        store.getTransactionStore().getOpenTransactions().stream()
            .filter(Transaction::hasChanges)
            .count();
    if (writing > 0) {
      // H2 ended every transaction it found except these (prepared ones, say): their changes
      // cannot be told from leftovers. Start as H2 alone would.
      logger.atWarning().log(
          "%d transactions with changes are open after H2's recovery: leftovers of a crash not"
              + " cleared",
          writing);
      return 0;
    }
    MVStore mv = store.getMvStore();
    long cleared = 0;
    for (MVMap<Object, VersionedValue<Object>> map : transactionalMaps(mv)) {
      List<Marked> marked = marked(map);
      for (Marked m : marked) {
        if (m.committed() == null) {
          map.remove(m.key());
        } else {
          // H2 keeps a committed value as the value itself: its values are versioned values.
          @SuppressWarnings("unchecked")
          VersionedValue<Object> value = (VersionedValue<Object>) m.committed();
          map.put(m.key(), value);
        }
      }
      cleared += marked.size();
    }
    return cleared;
  }

  /** The open maps behind tables and indexes: those whose values carry a transaction's mark. */
  @SuppressWarnings("unchecked")
  private static List<MVMap<Object, VersionedValue<Object>>> transactionalMaps(MVStore mv) {
    List<MVMap<Object, VersionedValue<Object>>> maps = new ArrayList<>();
    for (Map.Entry<String, String> e : mv.getMetaMap().entrySet()) {
      if (!e.getKey().startsWith("name.")) {
        continue;
      }
      MVMap<?, ?> map = mv.getMap(Integer.parseInt(e.getValue(), 16));
      if (map != null && map.getValueType() instanceof VersionedValueType) {
        maps.add((MVMap<Object, VersionedValue<Object>>) map);
      }
    }
    return maps;
  }
}
