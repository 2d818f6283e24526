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

import com.google.common.collect.Lists;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The one way the repositories run SQL: one statement on a connection the caller owns (so
 * transactions stay where they are), parameters bound in order with a type each, rows read by a
 * {@link RowMapper}.
 *
 * <pre>{@code
 * Sql.on(c, "SELECT uuid FROM images WHERE uuid > ? ORDER BY uuid LIMIT ?")
 *     .bind(after)
 *     .bind(limit)
 *     .list(rs -> rs.getString(1));
 * }</pre>
 *
 * <p>Why our own and not JDBI: these few dozen statements bind and map in a line each with it, and
 * the service jar and its start-up carry no reflection-based mapping layer; a JDBI variant was not
 * built. Statements and their order are unchanged; only boilerplate went. Measured on the upload
 * path (2026-12-06, bench/upload-ab.sh: UploadBench at 32 connections against two services side by
 * side, warmed up 60 s each, then 15 s turns A, B, A, B…; the service's own CPU time per upload
 * from /proc, since the shared 2-core machine ran at load 21-30): this helper's commit (3e8d69c)
 * against the build before it (9684f2d), 6 pairs each way round, per-pair ratios 0.80-1.35, median
 * 1.09 (1.03 without the JIT compiler threads); current main against 9684f2d, 11 pairs, ratios
 * 0.56-1.89, median 0.90. So no cost above the noise of such a machine (±20 % and more per pair);
 * the helper adds a lambda per parameter to a path of one PNG check, one hash, one fsynced file and
 * a few statements, i.e. nothing a profile could find at this noise. Details in bench/README.md
 * ("Data access: db/Sql on the upload path").
 */
public final class Sql {
  /** Reads one row (the cursor is on it) into a value. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  @FunctionalInterface
  private interface Param {
    void set(PreparedStatement ps, int index) throws SQLException;
  }

  /**
   * Most parameters in one {@code IN (…)} list ({@link #inList}): well below every driver's limit,
   * and few enough that a database plans the statement quickly.
   */
  public static final int IN_LIST_MAX = 500;

  /**
   * Most values in one array parameter ({@link #bindArray}): a set of any size goes in pieces of
   * this many ({@link #arrayChunks}), so no statement carries a parameter of unbounded size.
   */
  public static final int ARRAY_MAX = 10_000;

  /**
   * Most values in one array that rows are matched against with {@code = ANY(?)} on H2 ({@link
   * #matchChunks}). H2 finds the rows by the primary key but then checks each of them against the
   * whole array, value by value: such a statement costs rows found × array length there, which in
   * arrays of {@link #ARRAY_MAX} made a first import quadratic (bench/README.md). PostgreSQL hashes
   * the array.
   */
  public static final int H2_MATCH_MAX = 1_000;

  private final Connection connection;
  private final String sql;
  private List<Param> params = new ArrayList<>();
  private List<List<Param>> batch;

  private Sql(Connection connection, String sql) {
    this.connection = connection;
    this.sql = sql;
  }

  /** A statement to bind and run on {@code c}. */
  public static Sql on(Connection c, String sql) {
    return new Sql(c, sql);
  }

  /** {@code n} comma-separated placeholders, for {@code IN (…)}; see {@link #inListChunks}. */
  public static String inList(int n) {
    return String.join(",", Collections.nCopies(n, "?"));
  }

  /** {@code values} in pieces of at most {@link #IN_LIST_MAX}, one {@code IN (…)} list each. */
  public static <T> List<List<T>> inListChunks(Collection<T> values) {
    return Lists.partition(List.copyOf(values), IN_LIST_MAX);
  }

  /**
   * The rows of {@code select} (a {@code SELECT … FROM table}) whose {@code uuid} is one of {@code
   * uuids}, in uuid order, read an {@code IN} list at a time: both databases probe the primary key
   * once per listed id (H2 would test every row against an {@code = ANY(?)} array). {@code lock} is
   * {@code ""} or {@code " FOR UPDATE"}: rows are then locked in uuid order, as every writer locks
   * them.
   */
  public static <T> List<T> byUuids(
      Connection c, String select, Collection<String> uuids, String lock, RowMapper<T> mapper)
      throws SQLException {
    List<T> out = new ArrayList<>();
    for (List<String> chunk : inListChunks(new TreeSet<>(uuids))) {
      out.addAll(
          on(c, select + " WHERE uuid IN (" + inList(chunk.size()) + ") ORDER BY uuid" + lock)
              .bindAll(chunk)
              .list(mapper));
    }
    return out;
  }

  public Sql bind(String value) {
    params.add((ps, i) -> ps.setString(i, value));
    return this;
  }

  public Sql bind(long value) {
    params.add((ps, i) -> ps.setLong(i, value));
    return this;
  }

  /** A nullable number: null binds as SQL {@code NULL} of type {@code BIGINT}. */
  public Sql bind(Long value) {
    params.add(
        (ps, i) -> {
          if (value == null) {
            ps.setNull(i, Types.BIGINT);
          } else {
            ps.setLong(i, value);
          }
        });
    return this;
  }

  public Sql bind(int value) {
    params.add((ps, i) -> ps.setInt(i, value));
    return this;
  }

  public Sql bind(boolean value) {
    params.add((ps, i) -> ps.setBoolean(i, value));
    return this;
  }

  /** Binds each of {@code values} in order, for an {@link #inList}. */
  public Sql bindAll(Collection<String> values) {
    for (String v : values) {
      bind(v);
    }
    return this;
  }

  /**
   * Binds {@code values} as one SQL array of {@code VARCHAR}, in order: a whole set in one
   * parameter, for {@code = ANY(?)} and {@code UNNEST(?)}, so one statement does what a batch of
   * one statement per value did (one round trip; on H2 and PostgreSQL alike). At most {@link
   * #ARRAY_MAX} values; see {@link #arrayChunks}.
   */
  public Sql bindArray(Collection<String> values) {
    Object[] array = values.toArray();
    params.add((ps, i) -> ps.setArray(i, ps.getConnection().createArrayOf("varchar", array)));
    return this;
  }

  /** {@code values} in pieces of at most {@link #ARRAY_MAX}, in order, one array parameter each. */
  public static <T> List<List<T>> arrayChunks(Collection<T> values) {
    return Lists.partition(List.copyOf(values), ARRAY_MAX);
  }

  /** Whether {@code c} is a PostgreSQL connection (else the embedded H2). */
  public static boolean isPostgres(Connection c) throws SQLException {
    return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
  }

  /**
   * {@code values} in pieces for statements that match rows with {@code = ANY(?)}: of {@link
   * #H2_MATCH_MAX} on H2, of {@link #ARRAY_MAX} elsewhere; in order, one array parameter each.
   */
  public static <T> List<List<T>> matchChunks(Connection c, Collection<T> values)
      throws SQLException {
    boolean h2 = "H2".equals(c.getMetaData().getDatabaseProductName());
    return Lists.partition(List.copyOf(values), h2 ? H2_MATCH_MAX : ARRAY_MAX);
  }

  /** Every row, mapped. */
  public <T> List<T> list(RowMapper<T> mapper) throws SQLException {
    List<T> out = new ArrayList<>();
    forEach(rs -> out.add(mapper.map(rs)));
    return out;
  }

  /** Runs the query and hands each row to {@code consumer}. */
  public void forEach(RowConsumer consumer) throws SQLException {
    try (PreparedStatement ps = prepare();
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        consumer.accept(rs);
      }
    }
  }

  /** Rows a {@link #stream} fetches at a time. */
  public static final int STREAM_FETCH_SIZE = 1000;

  /**
   * Like {@link #forEach}, but the driver fetches {@link #STREAM_FETCH_SIZE} rows at a time instead
   * of the whole result: PostgreSQL's driver then reads through a cursor, which needs the
   * connection in a transaction (auto-commit off). For results as large as the store.
   */
  public void stream(RowConsumer consumer) throws SQLException {
    if (connection.getAutoCommit()) {
      throw new IllegalStateException("a streamed query runs in a transaction");
    }
    try (PreparedStatement ps = prepare()) {
      ps.setFetchSize(STREAM_FETCH_SIZE);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          consumer.accept(rs);
        }
      }
    }
  }

  /** Takes one row (the cursor is on it). */
  @FunctionalInterface
  public interface RowConsumer {
    void accept(ResultSet rs) throws SQLException;
  }

  /** The first row, mapped; empty without one. */
  public <T> Optional<T> one(RowMapper<T> mapper) throws SQLException {
    try (PreparedStatement ps = prepare();
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
    }
  }

  /** The first column of the first row as a number, for {@code COUNT(*)} and the like. */
  public long number() throws SQLException {
    return one(rs -> rs.getLong(1)).orElseThrow();
  }

  /** Whether the query has a row. */
  public boolean exists() throws SQLException {
    return one(rs -> true).isPresent();
  }

  /** Runs an insert, update or delete; how many rows it changed. */
  public int update() throws SQLException {
    try (PreparedStatement ps = prepare()) {
      return ps.executeUpdate();
    }
  }

  /** Ends the parameters of one row of a batch; the next {@code bind} starts the next row. */
  public Sql add() {
    if (batch == null) {
      batch = new ArrayList<>();
    }
    batch.add(params);
    params = new ArrayList<>();
    return this;
  }

  /**
   * Runs the rows {@link #add added} as one batch; how many rows they changed (nothing runs without
   * a row).
   */
  public int batch() throws SQLException {
    if (batch == null || batch.isEmpty()) {
      return 0;
    }
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (List<Param> row : batch) {
        set(ps, row);
        ps.addBatch();
      }
      int n = 0;
      for (int k : ps.executeBatch()) {
        // Drivers may answer SUCCESS_NO_INFO (-2) for a batched row; count it as changed.
        n += k == PreparedStatement.SUCCESS_NO_INFO ? 1 : Math.max(k, 0);
      }
      return n;
    }
  }

  private PreparedStatement prepare() throws SQLException {
    PreparedStatement ps = connection.prepareStatement(sql);
    try {
      set(ps, params);
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  private static void set(PreparedStatement ps, List<Param> row) throws SQLException {
    for (int i = 0; i < row.size(); i++) {
      row.get(i).set(ps, i + 1);
    }
  }
}
