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

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The filler of bench/scale.sh: writes a store of N images straight into the service's schema
 * (migrated by the service before), in bulk: PostgreSQL's COPY, or JDBC batches on H2. Run with the
 * service jar on the class path (its JDBC drivers).
 *
 * <p>What it makes, for N images (all 1x1 PNGs with a tEXt chunk that makes each distinct; the id is
 * the first 128 bits of the SHA-256, as the service gives it):
 *
 * <ul>
 *   <li>the first 90% referenced, the last 10% orphans (orphaned 30 days ago, past the grace);
 *   <li>N/10 trash entries past their retention, with contents of their own;
 *   <li>a blobs row (live) per content, and the bytes of those the bench reads (a random sample of
 *       100000 images; the purged trash entries) under BLOBS/ab/cd/sha (the local store's layout),
 *       written once per N into a cache the script hard-links from;
 *   <li>10·N references: BIG of them in project scale-big (branch master), the rest spread over
 *       max(2, N/1000) projects scale-pJ with branches master and stable;
 *   <li>a runtime (id 00000000000000a1: linux 1920x1080 chrome light ltr cozy) that a third of the
 *       images have, spec names spec-0..spec-999, libraries lib-0..lib-49.
 * </ul>
 *
 * <p>Usage: java -cp imagestore-service.jar ScaleFill.java JDBC_URL BLOB_CACHE N BIG PURGE OUT_DIR (user
 * and password in BENCH_DB_USER, BENCH_DB_PASSWORD). Writes to OUT_DIR: ids.txt (a random sample
 * of image ids), images-deep.txt, orphans-deep.txt, orphans-filtered-deep.txt (the paging token of
 * a page at 90%), put-a.json and put-b.json (the big project's whole set, 1% changed between them), purge.json
 * (a purge of PURGE trash entries).
 */
public class ScaleFill {
  static final String RUNTIME_ID = "00000000000000a1";
  static final String[] PLATFORMS = {"linux", "windows", "mac"};
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Path cache = Path.of(args[1]);
    int n = Integer.parseInt(args[2]);
    int big = Integer.parseInt(args[3]);
    int purge = Integer.parseInt(args[4]);
    Path out = Path.of(args[5]);
    int orphans = n / 10;
    int referenced = n - orphans;
    int trashed = n / 10;
    long now = System.currentTimeMillis();
    long day = 86_400_000L;

    long t0 = System.nanoTime();
    int contents = n + trashed;
    // Bytes on disk only for the contents the bench reads or purges (the GET sample, the purged
    // trash entries): writing a million small files took longer than the rest of the fill. Every
    // row is there; only a full fsck would miss the other bytes.
    Random random = new Random(42);
    int[] sample = new int[Math.min(n, 100_000)];
    boolean[] onDisk = new boolean[contents];
    for (int i = 0; i < sample.length; i++) {
      sample[i] = random.nextInt(n);
      onDisk[sample[i]] = true;
    }
    for (int i = n; i < n + Math.min(purge, trashed); i++) {
      onDisk[i] = true;
    }
    String[] sha = new String[contents];
    int[] size = new int[contents];
    boolean cached = Files.exists(cache.resolve("complete"));
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < contents; i++) {
      byte[] png = png(i);
      sha[i] = HexFormat.of().formatHex(sha256.digest(png));
      size[i] = png.length;
      if (!cached && onDisk[i]) {
        Path file = cache.resolve(sha[i].substring(0, 2)).resolve(sha[i].substring(2, 4));
        Files.createDirectories(file);
        Files.write(file.resolve(sha[i]), png);
      }
    }
    if (!cached) {
      Files.createFile(cache.resolve("complete"));
    }
    log("contents: %d (%s) in %.1f s", contents, cached ? "cached" : "written", secs(t0));

    boolean pg = url.startsWith("jdbc:postgresql:");
    if (!pg) {
      // H2's page cache (16 MB by default) for this connection only: the fill's indexes grow
      // past it, and each insert into a page that is not cached reads it from the file.
      url += ";CACHE_SIZE=1048576";
    }
    // Every table is written in the order of its key (the content's SHA-256, whose first 32 hex
    // digits are the image's id; references by project, branch, path): H2 then appends at the
    // right edge of each index instead of reading and splitting pages all over it.
    Integer[] bySha = new Integer[contents];
    for (int i = 0; i < contents; i++) {
      bySha[i] = i;
    }
    Arrays.sort(bySha, (a, b) -> sha[a].compareTo(sha[b]));
    try (Connection c =
        DriverManager.getConnection(
            url, System.getenv("BENCH_DB_USER"), System.getenv("BENCH_DB_PASSWORD"))) {
      c.setAutoCommit(false);
      t0 = System.nanoTime();
      try (Sink s = sink(c, pg, "blobs", "sha256, size, created_at, state, state_at", 5)) {
        for (int i : bySha) {
          s.row(sha[i], size[i], now - 40 * day, "live", now - 40 * day);
        }
      }
      String columns =
          "uuid, sha256, size, width, height, created_at, uploaded_by, spec_lib, spec_name,"
              + " spec_branch, platform, resolution, browser, theme, direction, mode, orphaned_at";
      try (Sink s = sink(c, pg, "images", columns, 17)) {
        for (int i : bySha) {
          if (i >= n) {
            continue; // a trash entry's content
          }
          Object[] r = imageRow(i, sha[i], size[i], now - 40 * day);
          r[16] = i >= referenced ? now - 30 * day : null;
          s.row(r);
        }
      }
      try (Sink s =
          sink(
              c,
              pg,
              "trash",
              columns + ", trashed_at, trashed_by, purge_after",
              20)) {
        for (int i : bySha) {
          if (i < n) {
            continue;
          }
          Object[] r = Arrays.copyOf(imageRow(i, sha[i], size[i], now - 80 * day), 20);
          r[16] = now - 70 * day;
          r[17] = now - 60 * day;
          r[18] = "bench";
          r[19] = now - 30 * day;
          s.row(r);
        }
      }
      try (Sink s =
          sink(
              c,
              pg,
              "runtimes",
              "id, platform, resolution, browser, theme, direction, mode, description, created_at",
              9)) {
        s.row(RUNTIME_ID, "linux", "1920x1080", "chrome", "light", "ltr", "cozy", "bench", now);
      }
      c.commit();
      log("images, trash, blobs rows in %.1f s", secs(t0));

      t0 = System.nanoTime();
      long total = 10L * n;
      long others = Math.max(0, total - big);
      int projects = Math.max(2, n / 1000);
      // H2 builds an index over existing rows by sorting them; kept up row by row, the id index
      // of 10,000,000 references in random order took longer than the rest of the fill.
      boolean rebuildUuidIndex = !pg && hasIndex(c, "image_references", "image_references_uuid");
      if (rebuildUuidIndex) {
        try (Statement st = c.createStatement()) {
          st.execute("DROP INDEX image_references_uuid");
        }
        c.commit();
      }
      try (Sink s =
          sink(
              c,
              pg,
              "image_references",
              "project, branch, path, uuid, commit_id, indexed_at",
              6)) {
        for (int k = 0; k < big; k++) {
          s.row("scale-big", "master", bigPath(k), uuid(sha[k % referenced]), COMMIT, now);
        }
        // Reference r belongs to project r % projects, branch master or stable by turns; its
        // path holds r zero-padded, so within a project and branch the paths follow r.
        Integer[] byName = new Integer[projects];
        for (int j = 0; j < projects; j++) {
          byName[j] = j;
        }
        Arrays.sort(byName, (a, b) -> ("scale-p" + a).compareTo("scale-p" + b));
        for (int j : byName) {
          for (int branch = 0; branch < 2; branch++) {
            for (long r = j + (long) branch * projects; r < others; r += 2L * projects) {
              s.row(
                  "scale-p" + j,
                  branch == 0 ? "master" : "stable",
                  String.format("tests/%09d.lnk", r),
                  uuid(sha[(int) (r % referenced)]),
                  COMMIT,
                  now);
            }
          }
        }
      }
      c.commit();
      if (rebuildUuidIndex) {
        try (Statement st = c.createStatement()) {
          st.execute("CREATE INDEX image_references_uuid ON image_references (uuid)");
        }
        c.commit();
      }
      log("%d references over %d projects in %.1f s", big + others, projects + 1, secs(t0));
      t0 = System.nanoTime();
      if (pg) {
        // VACUUM as autovacuum would after the inserts (since PostgreSQL 13 it runs on inserts
        // too): the visibility map it sets is what makes index-only scans cheap to the planner.
        // Without it the orphan listings of a freshly filled store took a sequential scan and a
        // sort (bench/README.md, "a stale visibility map"), which no store that has run shows.
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
          st.execute("VACUUM ANALYZE");
        }
      } else {
        try (Statement st = c.createStatement()) {
          st.execute("ANALYZE");
        }
        c.commit();
      }
      log("%s in %.1f s", pg ? "VACUUM ANALYZE" : "ANALYZE", secs(t0));
    }

    // What the measurements need.
    Files.createDirectories(out);
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("ids.txt")))) {
      for (int i : sample) {
        w.println(uuid(sha[i]));
      }
    }
    List<String> all = new ArrayList<>();
    List<String> orphanIds = new ArrayList<>();
    List<String> filtered = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(uuid(sha[i]));
      if (i >= referenced) {
        orphanIds.add(uuid(sha[i]));
        Object[] r = imageRow(i, sha[i], size[i], 0);
        if (r[10].equals("linux")
            && r[12].equals("chrome")
            && r[13].equals("light")
            && ((String) r[8]).contains("spec-1")) {
          filtered.add(uuid(sha[i]));
        }
      }
    }
    writeDeep(out.resolve("images-deep.txt"), all);
    writeDeep(out.resolve("orphans-deep.txt"), orphanIds);
    writeDeep(out.resolve("orphans-filtered-deep.txt"), filtered);
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("purge.json")))) {
      w.print("{\"uuids\":[");
      for (int i = 0; i < Math.min(purge, trashed); i++) {
        w.print((i == 0 ? "\"" : ",\"") + uuid(sha[n + i]) + "\"");
      }
      w.println("]}");
    }
    writeSet(out.resolve("put-a.json"), sha, big, referenced, 0);
    writeSet(out.resolve("put-b.json"), sha, big, referenced, 1);
  }

  static String bigPath(int k) {
    return String.format("tests/big/%06d.lnk", k);
  }

  /** Whether the schema the service migrated has this index (else the fill leaves it alone). */
  static boolean hasIndex(Connection c, String table, String index) throws Exception {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COUNT(*) FROM information_schema.indexes WHERE table_name = ? AND index_name = ?")) {
      ps.setString(1, table);
      ps.setString(2, index);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1) > 0;
      }
    }
  }

  /** The big project's set; variant 1 points 1% of its paths at other images. */
  static void writeSet(Path file, String[] sha, int big, int referenced, int variant)
      throws IOException {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
      w.print("{\"project\":\"scale-big\",\"branch\":\"master\",\"references\":[");
      for (int k = 0; k < big; k++) {
        int image = k % referenced;
        if (variant == 1 && k % 100 == 0) {
          image = (k + 1) % referenced;
        }
        w.printf(
            "%s{\"project\":\"scale-big\",\"branch\":\"master\",\"commit\":\"%s\",\"path\":\"%s\","
                + "\"uuid\":\"%s\"}",
            k == 0 ? "" : ",", COMMIT, bigPath(k), uuid(sha[image]));
      }
      w.println("]}");
    }
  }

  static void writeDeep(Path file, List<String> ids) throws IOException {
    ids.sort(null);
    Files.writeString(file, ids.isEmpty() ? "" : ids.get(ids.size() * 9 / 10));
  }

  static Object[] imageRow(int i, String sha, int size, long created) {
    int runtime = i % 6; // runtime 0 is the registered one
    return new Object[] {
      uuid(sha),
      sha,
      size,
      1,
      1,
      created + i,
      "bench",
      "lib-" + (i % 50),
      "spec-" + (i / 7 % 1000),
      "master",
      PLATFORMS[runtime % 3],
      "1920x1080",
      runtime < 3 ? "chrome" : "firefox",
      "light",
      "ltr",
      "cozy",
      null
    };
  }

  static String uuid(String sha) {
    return sha.substring(0, 32);
  }

  /** A valid 1x1 RGB PNG made distinct by a tEXt chunk holding {@code i}. */
  static byte[] png(int i) throws IOException {
    var out = new java.io.ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(out, "IHDR", new byte[] {0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0});
    chunk(out, "tEXt", ("scale\0" + i).getBytes(StandardCharsets.ISO_8859_1));
    chunk(out, "IDAT", IDAT);
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  static final byte[] IDAT = deflate(new byte[] {0, (byte) 200, 100, 50});

  static byte[] deflate(byte[] raw) {
    Deflater d = new Deflater();
    d.setInput(raw);
    d.finish();
    byte[] buf = new byte[64];
    int len = d.deflate(buf);
    return Arrays.copyOf(buf, len);
  }

  static void chunk(OutputStream out, String type, byte[] data) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.write(new byte[] {(byte) (data.length >>> 24), (byte) (data.length >>> 16), (byte) (data.length >>> 8), (byte) data.length});
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    long v = crc.getValue();
    out.write(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
  }

  interface Sink extends AutoCloseable {
    void row(Object... values) throws Exception;

    @Override
    void close() throws Exception;
  }

  static Sink sink(Connection c, boolean pg, String table, String columns, int count)
      throws Exception {
    if (pg) {
      CopyIn copy =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
      StringBuilder buf = new StringBuilder();
      return new Sink() {
        @Override
        public void row(Object... values) throws Exception {
          for (int i = 0; i < values.length; i++) {
            buf.append(i == 0 ? "" : "\t").append(values[i] == null ? "\\N" : values[i]);
          }
          buf.append('\n');
          if (buf.length() > 1 << 20) {
            flush();
          }
        }

        void flush() throws Exception {
          byte[] b = buf.toString().getBytes(StandardCharsets.UTF_8);
          copy.writeToCopy(b, 0, b.length);
          buf.setLength(0);
        }

        @Override
        public void close() throws Exception {
          flush();
          copy.endCopy();
        }
      };
    }
    PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + table
                + " ("
                + columns
                + ") VALUES ("
                + String.join(",", java.util.Collections.nCopies(count, "?"))
                + ")");
    return new Sink() {
      int pending;

      @Override
      public void row(Object... values) throws Exception {
        for (int i = 0; i < values.length; i++) {
          ps.setObject(i + 1, values[i]);
        }
        ps.addBatch();
        if (++pending == 10_000) {
          ps.executeBatch();
          c.commit();
          pending = 0;
        }
      }

      @Override
      public void close() throws Exception {
        ps.executeBatch();
        c.commit();
        ps.close();
      }
    };
  }

  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  static void log(String format, Object... args) {
    System.err.printf("fill: " + format + "%n", args);
  }
}
