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

import com.google.common.collect.Lists;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesResult;
import com.googlesource.gerrit.plugins.imagestore.index.LnkScanner;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.db.EmbeddedDatabase;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.storage.file.WindowCacheConfig;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The JVM side of bench/reconcile.sh: runs the plugin's own LnkScanner (and, with --service, the
 * client library's calls as Indexer makes them) over the synthetic repository, several times in one
 * JVM, and prints "result KEY VALUE" lines for the script plus a human-readable log on stderr.
 *
 * <pre>
 * java -cp CLASSPATH bench/ReconcileBench.java --git-dir DIR [--reps N] [--warmup N]
 *     [--git-cmd SHELL-COMMAND] [--git-log-cmd SHELL-COMMAND] [--pairs-out FILE]
 *     [--service LABEL=URL ... --user NAME] [--database LABEL=URL ... [--database-ways WAY,...]]
 *     [--push-ref REF]
 * </pre>
 *
 * The password of the k-th service (from 0) comes from the environment variable
 * BENCH_SERVICE_PASSWORD_k; the user and password of the j-th --database from
 * BENCH_DATABASE_USER_j and BENCH_DATABASE_PASSWORD_j. --database needs the service jar on the
 * class path (after the others).
 * BENCH_PACKED_GIT_LIMIT and BENCH_DELTA_BASE_CACHE_LIMIT (bytes) override JGit's window cache and
 * delta base cache sizes (default 10 MiB each, as Gerrit's core.packedGitLimit and
 * core.deltaBaseCacheLimit).
 *
 * <ul>
 *   <li>scan: {@code new LnkScanner(repo, project, ".lnk").scan("refs/heads/master", tip, [])}, a
 *       new scanner each time (rescanProject makes one per project), the repository kept open (as
 *       Gerrit's repository cache does). Run 1 is cold (class loading, JIT, empty caches); then
 *       --warmup runs that are not counted; then --reps measured runs, each right after a run of
 *       --git-cmd (the C git pipeline, timed here too, so both see the same load) and
 *       --git-log-cmd.
 *   <li>reconcile (--service, once per service, e.g. one on H2 and one on PostgreSQL): the same
 *       scan plus {@code replaceReferences(project, null, all)}, each run right after a C git run:
 *       --warmup uncounted first imports per service (the service's and the client's import path
 *       compiled, as in a service and a Gerrit that have run for a while; the scan is warm
 *       already), then --reps first imports, each into a new empty project (everything
 *       inserted); --reps runs
 *       with the set unchanged (the steady state of a scheduled reconcile); --reps runs after a
 *       stray reference was added (the stray one's bucket sent and repaired; the whole set to a
 *       service without buckets, e.g. main's build before them).
 *   <li>database alone (--database, once per database and way, taking turns with the services'
 *       first imports): the same scan streaming each reference straight into that database's
 *       image_references from this JVM, one transaction per import ({@link DatabaseAlone}), after
 *       --warmup uncounted imports --reps first imports, each right after a C git run.
 *   <li>push (--push-ref): for each commit C on the push ref above master, what indexCommits does
 *       for a fast-forward to C: scan C excluding its parent, then addReferences in batches of
 *       5000.
 * </ul>
 */
public class ReconcileBench {
  static final String BRANCH = "refs/heads/master";
  static final String SUFFIX = ".lnk";
  static final int BATCH = 5000; // Indexer.BATCH

  static void log(String format, Object... args) {
    System.err.printf("bench: " + format + "%n", args);
  }

  static void result(String key, Object value) {
    System.out.println("result " + key + " " + value);
  }

  /**
   * One reconcile as Indexer.rescanProject does it; returns {total ms, replace ms}. With {@code
   * expectRemoved} >= 0, fails unless the replace was sent and removed that many references.
   */
  static double[] reconcile(ImagestoreClient client, Repository repo, String project,
      ObjectId tip, String label, int expectRemoved) throws IOException {
    long t0 = System.nanoTime();
    long[] t1 = {0};
    ReferencesResult res;
    // As Indexer.rescanProject: a first import streams the references while the scan goes on;
    // otherwise the scan runs first. "replace" is what the call takes after the scan ended.
    try (LnkScanner scanner = new LnkScanner(repo, project, SUFFIX)) {
      res =
          client.replaceReferences(
              project,
              sink -> {
                scanner.scan(BRANCH, tip, List.of(), sink);
                t1[0] = System.nanoTime();
              });
    }
    long t2 = System.nanoTime();
    if (expectRemoved >= 0 && (res.unchanged || res.removed != expectRemoved)) {
      throw new IllegalStateException(label + ": the drifted set was not repaired");
    }
    log("%s: %s ms (scan %s + replace %s), added %d, removed %d%s", label, fmt(ms(t2 - t0)),
        fmt(ms(t1[0] - t0)), fmt(ms(t2 - t1[0])), res.added, res.removed,
        res.unchanged
            ? ", unchanged (digest matched, nothing sent)"
            : res.imported
                ? ", imported while scanning (streamed)"
                : res.replacedBuckets != null
                ? ", only buckets " + res.replacedBuckets + " sent"
                : ", whole set sent");
    return new double[] {ms(t2 - t0), ms(t2 - t1[0])};
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  static String fmt(double v) {
    return String.format("%.1f", v);
  }

  /**
   * The reconcile runs against each service (results prefixed with its label), taking turns so
   * that all see the same load: first imports (each into a new, empty project: all its references
   * inserted), then the steady state (the set unchanged: the digests match, nothing is sent), then
   * after drift (a stray reference added, so the whole set is sent and the stray one removed).
   * Each run follows a C git run.
   */
  static void reconcileRuns(List<ImagestoreClient> clients, List<String> labels, Repository repo,
      String project, ObjectId tip, int reps, int warmup, String gitCmd, ImagesExist imagesExist,
      List<DatabaseAlone> alone)
      throws Exception {
    int n = clients.size();
    List<Runs> initial = new ArrayList<>();
    List<Runs> steady = new ArrayList<>();
    List<Runs> drifted = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      initial.add(new Runs());
      steady.add(new Runs());
      drifted.add(new Runs());
    }
    // The database alone (--database): its first imports, one Runs per database and way, taking
    // turns with the services' first imports.
    List<List<Runs>> floors = new ArrayList<>();
    for (DatabaseAlone a : alone) {
      List<Runs> perWay = new ArrayList<>();
      for (int w = 0; w < a.ways.size(); w++) {
        perWay.add(new Runs());
      }
      floors.add(perWay);
    }
    // The last import's project stays: the unchanged and drift runs reconcile it.
    String first = project + "-first-" + (reps - 1);
    if (imagesExist != null) {
      for (int k = 0; k < n; k++) {
        imagesExist.store(k);
      }
    }
    // Uncounted: a long-running service and Gerrit have compiled the import path long ago; a
    // fresh JVM's first imports would measure the JIT (the first of three took twice the third).
    for (int r = 0; r < warmup; r++) {
      for (int k = 0; k < n; k++) {
        String label = labels.get(k) + " import warm-up " + (r + 1);
        reconcile(clients.get(k), repo, project + "-warm-" + r, tip, label, -1);
        if (imagesExist != null) {
          clients.get(k).replaceReferences(project + "-warm-" + r, null, List.of());
        }
      }
      for (DatabaseAlone a : alone) {
        for (String way : a.ways) {
          a.importAll(way, repo, project + "-alone-" + way + "-warm-" + r, tip,
              a.label + " alone (" + way + ") import warm-up " + (r + 1));
        }
      }
    }
    for (int r = 0; r < reps; r++) {
      for (int k = 0; k < n; k++) {
        String into = project + "-first-" + r;
        String label = labels.get(k) + " first import " + (r + 1);
        ImagestoreClient client = clients.get(k);
        if (imagesExist != null && r > 0) {
          // Untimed: the previous import's references go, so its images are orphans again (as
          // the uploads left them) when this one names them.
          client.replaceReferences(project + "-first-" + (r - 1), null, List.of());
        }
        initial.get(k).add(gitCmd, () -> reconcile(client, repo, into, tip, label, -1));
      }
      for (int j = 0; j < alone.size(); j++) {
        DatabaseAlone a = alone.get(j);
        for (int w = 0; w < a.ways.size(); w++) {
          String way = a.ways.get(w);
          String into = project + "-alone-" + way + "-first-" + r;
          String label = a.label + " alone (" + way + ") first import " + (r + 1);
          floors.get(j).get(w).add(gitCmd, () -> a.importAll(way, repo, into, tip, label));
        }
      }
    }
    for (int r = 0; r < reps; r++) {
      for (int k = 0; k < n; k++) {
        String label = labels.get(k) + " unchanged " + (r + 1);
        ImagestoreClient client = clients.get(k);
        steady.get(k).add(gitCmd, () -> reconcile(client, repo, first, tip, label, -1));
      }
    }
    for (int r = 0; r < reps; r++) {
      for (int k = 0; k < n; k++) {
        String label = labels.get(k) + " after drift " + (r + 1);
        ImagestoreClient client = clients.get(k);
        // A stray reference, as if a push was indexed since: the digest differs, so its bucket
        // (an older service: the whole set) is sent and the stray one removed.
        client.addReferences(List.of(new ReferenceInfo(first, BRANCH, tip.name(),
            "stray/" + r + SUFFIX, String.format("%032x", r + 1))));
        drifted.get(k).add(gitCmd, () -> reconcile(client, repo, first, tip, label, 1));
      }
    }
    for (int k = 0; k < n; k++) {
      initial.get(k).report(labels.get(k) + ".initial");
      steady.get(k).report(labels.get(k) + ".steady");
      drifted.get(k).report(labels.get(k) + ".changed");
    }
    for (int j = 0; j < alone.size(); j++) {
      DatabaseAlone a = alone.get(j);
      result(a.label + ".alone_ways", String.join(" ", a.ways));
      for (int w = 0; w < a.ways.size(); w++) {
        String key = a.label + ".alone." + a.ways.get(w);
        result(key + "_title", DatabaseAlone.title(a.ways.get(w)));
        floors.get(j).get(w).report(key);
      }
    }
  }

  /**
   * BENCH_CEILING=1 ({@code --database LABEL=URL}): the database alone, the floor any service on
   * that database can reach for a first import. The same scan as {@link #reconcile} ({@code
   * LnkScanner.scan(..., found)}, each reference handed over as it is found, as the client's
   * import streams it), each reference going straight into that database's {@code
   * image_references} from this JVM: no HTTP, no JSON, no service. The database is opened with the
   * service's own {@code Database.open} (its Flyway migrations, pool and driver settings) on an
   * empty database of its own: URL {@code h2:DIR} is the embedded one under DIR ({@code
   * Database.embeddedUrl}, the credentials {@code EmbeddedDatabase.prepare} makes, as the service
   * does), else a JDBC URL (PostgreSQL) whose user and password come from BENCH_DATABASE_USER_j
   * and BENCH_DATABASE_PASSWORD_j (j counting the --database options from 0).
   *
   * <p>All of an import in ONE transaction committed at the end (all or nothing, like the
   * service's), on the embedded database followed by {@code Database.awaitCommitted()} (the service
   * answers once its commit is in the file; so does the floor). The ways ({@code --database-ways};
   * by default the fastest measured: {@link #DEFAULT_POSTGRES_WAY}, {@link #DEFAULT_H2_WAY}):
   *
   * <ul>
   *   <li>{@code copy} (PostgreSQL only): {@code COPY image_references (...) FROM STDIN} through
   *       pgjdbc's {@code CopyManager.copyIn}, rows written as they come ({@code writeToCopy} every
   *       32 KiB of text);
   *   <li>{@code inserts}: a {@code PreparedStatement} of plain {@code INSERT ... VALUES}, {@code
   *       addBatch} per reference, {@code executeBatch} every 2,000;
   *   <li>{@code unnest}: the service's statement ({@code INSERT ... SELECT FROM UNNEST}, without
   *       its {@code ON CONFLICT DO NOTHING}: a first import has nothing to conflict with) per
   *       2,000 references.
   * </ul>
   *
   * Each written from the scan's callback (under the scanner's lock), or with {@code -thread}
   * ({@code copy-thread}, ...) by a writer thread fed through a bounded queue in chunks of 256. A
   * first import's keys are distinct (COPY and the plain inserts fail on a duplicate; the service
   * would skip it): the count of rows is checked after each import, untimed.
   */
  static final class DatabaseAlone implements AutoCloseable {
    static final int INSERT_BATCH = 2_000; // the service's IMPORT_BATCH
    static final int CHUNK = 256;
    static final String COLUMNS = "project, branch, path, uuid, commit_id, indexed_at";
    /** The fastest way measured on each (see bench/README.md, "What reconcile.sh does"). */
    static final String DEFAULT_POSTGRES_WAY = "copy-thread";

    static final String DEFAULT_H2_WAY = "inserts-thread";

    final String label;
    final boolean postgres;
    final Database db;
    final List<String> ways;

    DatabaseAlone(String label, String url, String user, String password, List<String> ways)
        throws IOException {
      this.label = label;
      if (url.startsWith("h2:")) {
        // As the service opens its embedded database: a private directory, its own credentials.
        Path dir = Path.of(url.substring(3));
        EmbeddedDatabase.Credentials credentials = EmbeddedDatabase.prepare(dir);
        url = Database.embeddedUrl(dir);
        user = credentials.user();
        password = credentials.password();
      }
      this.postgres = url.startsWith("jdbc:postgresql:");
      if (ways == null) {
        ways = List.of(postgres ? DEFAULT_POSTGRES_WAY : DEFAULT_H2_WAY);
      }
      List<String> chosen = new ArrayList<>();
      for (String way : ways) {
        if (postgres || !way.startsWith("copy")) {
          chosen.add(way); // COPY is PostgreSQL's
        }
      }
      if (chosen.isEmpty()) {
        throw new IllegalArgumentException("no way to write to " + label + " among " + ways);
      }
      this.ways = chosen;
      this.db = Database.open(url, user, password, ServiceConfig.DEFAULT_DATABASE_POOL_SIZE);
    }

    /** Where references go: one way's statement on one connection, in one transaction. */
    interface Writer {
      void add(ReferenceInfo r) throws SQLException, IOException;

      /** Writes what is left; the caller commits. */
      void finish() throws SQLException, IOException;
    }

    Writer writer(String way, Connection c, long now) throws SQLException {
      return switch (way.replace("-thread", "")) {
        case "copy" -> new CopyWriter(c, now);
        case "inserts" -> new InsertWriter(c, now);
        case "unnest" -> new UnnestWriter(c, now);
        default -> throw new IllegalArgumentException("unknown way " + way);
      };
    }

    static String title(String way) {
      String base =
          switch (way.replace("-thread", "")) {
            case "copy" -> "COPY";
            case "inserts" -> "INSERT batches";
            case "unnest" -> "UNNEST";
            default -> way;
          };
      return way.endsWith("-thread") ? base + ", writer thread" : base;
    }

    /** COPY ... FROM STDIN in PostgreSQL's text format, sent 32 KiB at a time. */
    static final class CopyWriter implements Writer {
      final CopyIn in;
      final String now;
      final StringBuilder text = new StringBuilder(40 * 1024);

      CopyWriter(Connection c, long now) throws SQLException {
        this.in =
            c.unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn("COPY image_references (" + COLUMNS + ") FROM STDIN");
        this.now = Long.toString(now);
      }

      @Override
      public void add(ReferenceInfo r) throws SQLException {
        field(r.project).append('\t');
        field(r.branch).append('\t');
        field(r.path).append('\t');
        field(r.uuid).append('\t');
        field(r.commit).append('\t').append(now).append('\n');
        if (text.length() >= 32 * 1024) {
          flush();
        }
      }

      StringBuilder field(String s) {
        for (int i = 0; i < s.length(); i++) {
          char ch = s.charAt(i);
          switch (ch) {
            case '\\' -> text.append("\\\\");
            case '\t' -> text.append("\\t");
            case '\n' -> text.append("\\n");
            case '\r' -> text.append("\\r");
            default -> text.append(ch);
          }
        }
        return text;
      }

      void flush() throws SQLException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
        text.setLength(0);
      }

      @Override
      public void finish() throws SQLException {
        if (!text.isEmpty()) {
          flush();
        }
        in.endCopy();
      }
    }

    /** One INSERT ... VALUES per reference, executed as a JDBC batch every 2,000. */
    static final class InsertWriter implements Writer {
      final PreparedStatement ps;
      final long now;
      int pending;

      InsertWriter(Connection c, long now) throws SQLException {
        this.ps =
            c.prepareStatement(
                "INSERT INTO image_references (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)");
        this.now = now;
      }

      @Override
      public void add(ReferenceInfo r) throws SQLException {
        ps.setString(1, r.project);
        ps.setString(2, r.branch);
        ps.setString(3, r.path);
        ps.setString(4, r.uuid);
        ps.setString(5, r.commit);
        ps.setLong(6, now);
        ps.addBatch();
        if (++pending == INSERT_BATCH) {
          ps.executeBatch();
          pending = 0;
        }
      }

      @Override
      public void finish() throws SQLException {
        if (pending > 0) {
          ps.executeBatch();
        }
        ps.close();
      }
    }

    /** The service's INSERT ... SELECT FROM UNNEST of five arrays, per 2,000 references. */
    static final class UnnestWriter implements Writer {
      final Connection c;
      final PreparedStatement ps;
      final List<ReferenceInfo> batch = new ArrayList<>(INSERT_BATCH);

      UnnestWriter(Connection c, long now) throws SQLException {
        this.c = c;
        this.ps =
            c.prepareStatement(
                "INSERT INTO image_references (" + COLUMNS + ")"
                    + " SELECT t.project, t.branch, t.path, t.uuid, t.commit_id, ?"
                    + " FROM UNNEST(?, ?, ?, ?, ?) AS t(project, branch, path, uuid, commit_id)");
        ps.setLong(1, now);
      }

      @Override
      public void add(ReferenceInfo r) throws SQLException {
        batch.add(r);
        if (batch.size() == INSERT_BATCH) {
          flush();
        }
      }

      void flush() throws SQLException {
        ps.setArray(2, column(r -> r.project));
        ps.setArray(3, column(r -> r.branch));
        ps.setArray(4, column(r -> r.path));
        ps.setArray(5, column(r -> r.uuid));
        ps.setArray(6, column(r -> r.commit));
        ps.executeUpdate();
        batch.clear();
      }

      java.sql.Array column(java.util.function.Function<ReferenceInfo, String> field)
          throws SQLException {
        return c.createArrayOf("varchar", batch.stream().map(field).toArray());
      }

      @Override
      public void finish() throws SQLException {
        if (!batch.isEmpty()) {
          flush();
        }
        ps.close();
      }
    }

    /**
     * One first import of {@code project}: the scan streaming each reference into {@code way}'s
     * writer, one transaction committed when the scan ended. Returns {total ms, ms after the
     * scan ended (the rest of the writes, the commit)}.
     */
    double[] importAll(String way, Repository repo, String project, ObjectId tip, String label)
        throws Exception {
      int[] found = {0};
      long t0 = System.nanoTime();
      long t1;
      try (Connection c = db.dataSource().getConnection()) {
        c.setAutoCommit(false);
        try {
          Writer writer = writer(way, c, System.currentTimeMillis());
          try (LnkScanner scanner = new LnkScanner(repo, project, SUFFIX)) {
            if (way.endsWith("-thread")) {
              t1 = throughThread(writer, scanner, tip, found);
            } else {
              scanner.scan(
                  BRANCH,
                  tip,
                  List.of(),
                  r -> {
                    found[0]++;
                    try {
                      writer.add(r);
                    } catch (SQLException | IOException e) {
                      throw new IllegalStateException(e);
                    }
                  });
              t1 = System.nanoTime();
              writer.finish();
            }
          }
          c.commit();
        } catch (Exception e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      }
      db.awaitCommitted(); // H2: the commit in the file, as the service's transactions wait for it
      long t2 = System.nanoTime();
      // Untimed: every reference is there.
      int rows =
          db.read(
              c -> {
                try (PreparedStatement ps =
                    c.prepareStatement("SELECT COUNT(*) FROM image_references WHERE project = ?")) {
                  ps.setString(1, project);
                  try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                  }
                }
              });
      if (rows != found[0]) {
        throw new IllegalStateException(
            label + ": " + rows + " rows for " + found[0] + " references found");
      }
      log("%s: %s ms (scan %s + after it %s), %d rows", label, fmt(ms(t2 - t0)),
          fmt(ms(t1 - t0)), fmt(ms(t2 - t1)), rows);
      return new double[] {ms(t2 - t0), ms(t2 - t1)};
    }

    /**
     * The scan's callback hands chunks of references to a writer thread through a bounded queue;
     * returns when the scan ended (nanoTime) once the writer has written everything.
     */
    static long throughThread(Writer writer, LnkScanner scanner, ObjectId tip, int[] found)
        throws Exception {
      List<ReferenceInfo> end = new ArrayList<>();
      java.util.concurrent.BlockingQueue<List<ReferenceInfo>> queue =
          new java.util.concurrent.ArrayBlockingQueue<>(64);
      java.util.concurrent.atomic.AtomicReference<Exception> failed =
          new java.util.concurrent.atomic.AtomicReference<>();
      Thread consumer =
          new Thread(
              () -> {
                try {
                  for (List<ReferenceInfo> chunk = queue.take(); chunk != end; chunk = queue.take()) {
                    if (failed.get() == null) {
                      try {
                        for (ReferenceInfo r : chunk) {
                          writer.add(r);
                        }
                      } catch (Exception e) {
                        failed.set(e); // keep taking, so that the scan never waits for room
                      }
                    }
                  }
                  if (failed.get() == null) {
                    writer.finish();
                  }
                } catch (Exception e) {
                  failed.compareAndSet(null, e);
                }
              },
              "database-alone-writer");
      consumer.start();
      var pending =
          new Object() {
            List<ReferenceInfo> refs = new ArrayList<>(CHUNK);
          };
      try {
        scanner.scan(
            BRANCH,
            tip,
            List.of(),
            r -> {
              found[0]++;
              pending.refs.add(r);
              if (pending.refs.size() == CHUNK) {
                try {
                  queue.put(pending.refs);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException(e);
                }
                pending.refs = new ArrayList<>(CHUNK);
              }
            });
      } finally {
        if (!pending.refs.isEmpty()) {
          queue.put(pending.refs);
        }
        queue.put(end);
      }
      long t1 = System.nanoTime();
      consumer.join();
      if (failed.get() != null) {
        throw failed.get();
      }
      return t1;
    }

    @Override
    public void close() {
      db.close();
    }
  }

  /**
   * --images-exist: before the first imports, every image the references name is stored in each
   * service (one 1x1 PNG under each id, {@code PUT /images/{uuid}?import=true} as an admin, 8 at a
   * time), so the import finds existing images marked as orphans and clears their marks, as the
   * first import of a project whose screenshots were uploaded first does.
   */
  static final class ImagesExist {
    final List<String> services;
    final String user;
    final List<String> uuids;
    final byte[] png;

    ImagesExist(List<String> services, String user, List<ReferenceInfo> refs) throws IOException {
      this.services = services;
      this.user = user;
      this.uuids = refs.stream().map(r -> r.uuid).distinct().toList();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageIO.write(
          new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
          out);
      this.png = out.toByteArray();
    }

    void store(int k) throws Exception {
      String auth = "Basic " + java.util.Base64.getEncoder().encodeToString(
          (user + ":" + System.getenv("BENCH_SERVICE_PASSWORD_" + k))
              .getBytes(StandardCharsets.UTF_8));
      URI base = URI.create(services.get(k).endsWith("/") ? services.get(k) : services.get(k) + "/");
      long t0 = System.nanoTime();
      try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
          java.util.concurrent.ExecutorService pool =
              java.util.concurrent.Executors.newFixedThreadPool(8)) {
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (List<String> part : Lists.partition(uuids, (uuids.size() + 7) / 8)) {
          done.add(pool.submit(() -> {
            for (String uuid : part) {
              java.net.http.HttpResponse<String> res = http.send(
                  java.net.http.HttpRequest.newBuilder(base.resolve("images/" + uuid + "?import=true"))
                      .header("Authorization", auth)
                      .header("Content-Type", "image/png")
                      .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(png))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
              if (res.statusCode() / 100 != 2) {
                throw new IOException("PUT image " + uuid + ": " + res.statusCode() + " " + res.body());
              }
            }
            return null;
          }));
        }
        for (java.util.concurrent.Future<?> f : done) {
          f.get();
        }
      }
      log("stored the %d images the references name in service %d: %s ms", uuids.size(), k,
          fmt(ms(System.nanoTime() - t0)));
    }
  }

  /** Timed reconciles, each with the C git run before it. */
  static final class Runs {
    final List<Double> totals = new ArrayList<>();
    final List<Double> replaces = new ArrayList<>();
    final List<Double> gits = new ArrayList<>();
    final List<Double> ratios = new ArrayList<>();

    interface Reconcile {
      double[] run() throws Exception;
    }

    void add(String gitCmd, Reconcile reconcile) throws Exception {
      double git = gitCmd == null ? Double.NaN : shell(gitCmd);
      double[] t = reconcile.run();
      totals.add(t[0]);
      replaces.add(t[1]);
      gits.add(git);
      ratios.add(t[0] / git);
    }

    void report(String key) {
      result(key + "_median_ms", fmt(median(totals)));
      result(key + "_replace_median_ms", fmt(median(replaces)));
      result(key + "_git_median_ms", fmt(median(gits)));
      result(key + "_ratio_median", String.format("%.2f", median(ratios)));
      result(key + "_runs", join(totals));
    }
  }

  public static void main(String[] argv) throws Exception {
    String gitDir = null;
    String pairsOut = null;
    List<String> services = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    String user = null;
    String pushRef = null;
    String project = "bench-" + Long.toHexString(System.nanoTime());
    String gitCmd = null;
    String gitLogCmd = null;
    int reps = 7;
    int warmup = 3;
    boolean imagesExist = false;
    List<String> databases = new ArrayList<>();
    List<String> databaseLabels = new ArrayList<>();
    List<String> ways = null; // the fastest per database
    for (int i = 0; i < argv.length; i++) {
      switch (argv[i]) {
        case "--git-dir" -> gitDir = argv[++i];
        case "--reps" -> reps = Integer.parseInt(argv[++i]);
        case "--pairs-out" -> pairsOut = argv[++i];
        case "--service" -> {
          // LABEL=URL (the label names the database in the results)
          String[] lu = argv[++i].split("=", 2);
          labels.add(lu[0]);
          services.add(lu[1]);
        }
        case "--user" -> user = argv[++i];
        case "--push-ref" -> pushRef = argv[++i];
        case "--project" -> project = argv[++i];
        case "--warmup" -> warmup = Integer.parseInt(argv[++i]);
        case "--git-cmd" -> gitCmd = argv[++i];
        case "--git-log-cmd" -> gitLogCmd = argv[++i];
        case "--images-exist" -> imagesExist = true;
        case "--database" -> {
          // LABEL=URL: h2:DIR (the embedded database under DIR) or a JDBC URL
          String[] lu = argv[++i].split("=", 2);
          databaseLabels.add(lu[0]);
          databases.add(lu[1]);
        }
        case "--database-ways" -> ways = List.of(argv[++i].split(","));
        default -> throw new IllegalArgumentException("unknown argument " + argv[i]);
      }
    }
    if (gitDir == null) {
      throw new IllegalArgumentException("--git-dir is required");
    }
    String limit = System.getenv("BENCH_PACKED_GIT_LIMIT");
    String deltaLimit = System.getenv("BENCH_DELTA_BASE_CACHE_LIMIT");
    WindowCacheConfig wc = new WindowCacheConfig();
    if (limit != null && !limit.isEmpty()) {
      wc.setPackedGitLimit(Long.parseLong(limit));
    }
    if (deltaLimit != null && !deltaLimit.isEmpty()) {
      wc.setDeltaBaseCacheLimit(Integer.parseInt(deltaLimit));
    }
    wc.install();

    try (Repository repo =
        new FileRepositoryBuilder().setGitDir(new File(gitDir)).setMustExist(true).build()) {
      Ref master = repo.exactRef(BRANCH);
      if (master == null) {
        throw new IOException(gitDir + " has no " + BRANCH);
      }
      ObjectId tip = master.getObjectId();
      result("jgit_packed_git_limit", wc.getPackedGitLimit());
      result("jgit_delta_base_cache_limit", wc.getDeltaBaseCacheLimit());

      // (b) the scanner alone: run 1 is cold; then warm-up runs; then the measured runs, each
      // right after a run of the C git pipeline (and of git log alone) when given, so that both
      // sides see the same machine load.
      List<ReferenceInfo> refs = null;
      long st = System.nanoTime();
      try (LnkScanner scanner = new LnkScanner(repo, project, SUFFIX)) {
        refs = scanner.scan(BRANCH, tip, List.of());
      }
      double cold = ms(System.nanoTime() - st);
      log("scan run 1 (cold): %s ms, %d references", fmt(cold), refs.size());
      for (int r = 0; r < warmup; r++) {
        st = System.nanoTime();
        try (LnkScanner scanner = new LnkScanner(repo, project, SUFFIX)) {
          scanner.scan(BRANCH, tip, List.of());
        }
        log("scan warm-up run %d: %s ms", r + 1, fmt(ms(System.nanoTime() - st)));
      }
      if (gitCmd != null) {
        shell(gitCmd); // the pipeline's own warm-up
      }
      List<Double> scans = new ArrayList<>();
      List<Double> gits = new ArrayList<>();
      List<Double> gitLogs = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      for (int r = 0; r < reps; r++) {
        double git = Double.NaN;
        if (gitCmd != null) {
          git = shell(gitCmd);
          gits.add(git);
        }
        if (gitLogCmd != null) {
          gitLogs.add(shell(gitLogCmd));
        }
        st = System.nanoTime();
        try (LnkScanner scanner = new LnkScanner(repo, project, SUFFIX)) {
          refs = scanner.scan(BRANCH, tip, List.of());
        }
        double t = ms(System.nanoTime() - st);
        scans.add(t);
        if (gitCmd != null) {
          ratios.add(t / git);
          log("run %d: C git %s ms, scan %s ms (%.2fx)", r + 1, fmt(git), fmt(t), t / git);
        } else {
          log("run %d: scan %s ms", r + 1, fmt(t));
        }
      }
      result("refs", refs.size());
      result("scan_cold_ms", fmt(cold));
      result("scan_warm_median_ms", fmt(median(scans)));
      result("scan_warm_min_ms", fmt(Collections.min(scans)));
      result("scan_runs", join(scans));
      if (gitCmd != null) {
        result("git_median_ms", fmt(median(gits)));
        result("git_min_ms", fmt(Collections.min(gits)));
        result("git_runs", join(gits));
        result("paired_ratio_median", String.format("%.2f", median(ratios)));
      }
      if (gitLogCmd != null) {
        result("git_log_median_ms", fmt(median(gitLogs)));
      }

      if (pairsOut != null) {
        TreeSet<String> pairs = new TreeSet<>();
        for (ReferenceInfo ri : refs) {
          pairs.add(ri.path + "\t" + ri.uuid);
        }
        Files.write(Path.of(pairsOut), pairs, StandardCharsets.UTF_8);
        result("pairs", pairs.size());
      }

      // (c) scan + replaceReferences, as Indexer.rescanProject, against each service (one per
      // database), each run right after a run of the C git pipeline: the ratios are per pair.
      List<ImagestoreClient> clients = new ArrayList<>();
      for (int k = 0; k < services.size(); k++) {
        clients.add(new ImagestoreClient(
            URI.create(services.get(k)), user, System.getenv("BENCH_SERVICE_PASSWORD_" + k)));
      }
      List<DatabaseAlone> alone = new ArrayList<>();
      try {
        for (int j = 0; j < databases.size(); j++) {
          alone.add(new DatabaseAlone(databaseLabels.get(j), databases.get(j),
              System.getenv("BENCH_DATABASE_USER_" + j),
              System.getenv("BENCH_DATABASE_PASSWORD_" + j), ways));
        }
        if (!clients.isEmpty() || !alone.isEmpty()) {
          reconcileRuns(clients, labels, repo, project, tip, reps, warmup, gitCmd,
              imagesExist ? new ImagesExist(services, user, refs) : null, alone);
        }
      } finally {
        for (DatabaseAlone a : alone) {
          a.close();
        }
      }
      // The push below goes to the last service (this build's, with BENCH_BEFORE_JAR).
      ImagestoreClient client = clients.isEmpty() ? null : clients.get(clients.size() - 1);
      for (int k = 0; k < clients.size() - 1; k++) {
        clients.get(k).close();
      }

      if (pushRef != null) {
        // The commits above master, oldest first.
        List<RevCommit> pushes = new ArrayList<>();
        try (RevWalk rw = new RevWalk(repo)) {
          Ref ref = repo.exactRef(pushRef);
          if (ref == null) {
            throw new IOException(gitDir + " has no " + pushRef);
          }
          rw.markStart(rw.parseCommit(ref.getObjectId()));
          rw.markUninteresting(rw.parseCommit(tip));
          for (RevCommit c : rw) {
            pushes.add(c);
          }
        }
        Collections.reverse(pushes);
        List<Double> scanTimes = new ArrayList<>();
        List<Double> sendTimes = new ArrayList<>();
        List<Double> totalTimes = new ArrayList<>();
        int perPush = -1;
        for (RevCommit c : pushes) {
          long t0 = System.nanoTime();
          List<ReferenceInfo> found;
          try (LnkScanner scanner = new LnkScanner(repo, project, SUFFIX)) {
            found = scanner.scan(BRANCH, c, List.of(c.getParent(0)));
          }
          long t1 = System.nanoTime();
          if (client != null) {
            for (List<ReferenceInfo> batch : Lists.partition(found, BATCH)) {
              client.addReferences(batch);
            }
          }
          long t2 = System.nanoTime();
          perPush = found.size();
          scanTimes.add(ms(t1 - t0));
          sendTimes.add(ms(t2 - t1));
          totalTimes.add(ms(t2 - t0));
          log(
              "push %s: %d references, scan %s ms, add %s ms",
              c.abbreviate(8).name(), found.size(), fmt(ms(t1 - t0)), fmt(ms(t2 - t1)));
        }
        if (!pushes.isEmpty()) {
          result("push_commits", pushes.size());
          result("push_refs", perPush);
          result("push_first_total_ms", fmt(totalTimes.get(0)));
          List<Double> later = pushes.size() > 1 ? totalTimes.subList(1, pushes.size()) : totalTimes;
          result("push_scan_median_ms", fmt(median(pushes.size() > 1 ? scanTimes.subList(1, pushes.size()) : scanTimes)));
          if (client != null) {
            result("push_add_median_ms", fmt(median(pushes.size() > 1 ? sendTimes.subList(1, pushes.size()) : sendTimes)));
          }
          result("push_total_median_ms", fmt(median(later)));
        }
      }
      if (client != null) {
        client.close();
      }
    }
  }

  static String join(List<Double> values) {
    return String.join(" ", values.stream().map(ReconcileBench::fmt).toList());
  }

  /** Runs a shell command (its output discarded) and returns its wall time in milliseconds. */
  static double shell(String command) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-o", "pipefail", "-c", command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    long t0 = System.nanoTime();
    int rc = pb.start().waitFor();
    double t = ms(System.nanoTime() - t0);
    if (rc != 0) {
      throw new IOException("exit status " + rc + ": " + command);
    }
    return t;
  }
}
