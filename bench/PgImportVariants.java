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

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.*;
import java.util.*;
import org.postgresql.PGConnection;

/**
 * Diagnostics for bench/README.md ("First import: COPY on PostgreSQL"): a first import of N
 * references into PostgreSQL's image_references (its schema as the service migrates it), batches of
 * 2,000 sorted by key in one transaction, two ways taking turns: "unnest" (the columns as arrays,
 * INSERT … SELECT FROM UNNEST … ON CONFLICT DO NOTHING, as ReferenceRepository.insertIfAbsent) and
 * "copy" (COPY … FROM STDIN in text format, as ReferenceRepository.insertNew). The server runs on
 * this machine: its CPU per import is read from /proc of the connection's backend process. Prints
 * wall and server CPU ms per import and the medians (the first repetition not counted).
 *
 * <p>Usage: java -cp imagestore-service.jar bench/PgImportVariants.java URL USER PASSWORD N REPS
 */
public class PgImportVariants {
  public static void main(String[] a) throws Exception {
    String url = a[0];
    int n = Integer.parseInt(a[3]);
    int reps = Integer.parseInt(a[4]);
    try (Connection c = DriverManager.getConnection(url, a[1], a[2])) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS image_references (project VARCHAR(255) NOT NULL, branch VARCHAR(255) NOT NULL, path VARCHAR(1024) NOT NULL, uuid VARCHAR(32) NOT NULL, commit_id VARCHAR(64) NOT NULL, indexed_at BIGINT NOT NULL, PRIMARY KEY (project, branch, path, uuid))");
        s.execute("CREATE INDEX IF NOT EXISTS image_references_uuid ON image_references (uuid)");
      }
      int pid;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        pid = rs.getInt(1);
      }
      Map<String, List<double[]>> times = new LinkedHashMap<>();
      Random rnd = new Random(42);
      for (int r = 0; r < reps; r++) {
        for (String way : List.of("unnest", "copy")) {
          String project = "bench-" + way + "-" + r + "-" + Long.toHexString(rnd.nextLong());
          List<String[]> refs = new ArrayList<>();
          for (int k = 0; k < n; k++) {
            refs.add(new String[] {project, "refs/heads/master",
                "images/spec" + rnd.nextInt(100) + "/mac/1440x900/safari/sap_horizon/ltr/default/shot" + k + ".ref.lnk",
                String.format("%016x%016x", rnd.nextLong(), rnd.nextLong()), String.format("%040x", rnd.nextLong())});
          }
          c.setAutoCommit(false);
          long cpu0 = cpuTicks(pid);
          long t0 = System.nanoTime();
          for (int from = 0; from < n; from += 2000) {
            List<String[]> b = new ArrayList<>(refs.subList(from, Math.min(n, from + 2000)));
            b.sort(Comparator.comparing((String[] x) -> x[2]).thenComparing(x -> x[3]));
            if (way.equals("unnest")) {
              try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_references (project, branch, path, uuid, commit_id, indexed_at) SELECT t.project, t.branch, t.path, t.uuid, t.commit_id, ? FROM UNNEST(?, ?, ?, ?, ?) AS t(project, branch, path, uuid, commit_id) ON CONFLICT DO NOTHING")) {
                ps.setLong(1, 1L);
                for (int col = 0; col < 5; col++) {
                  int cc = col;
                  ps.setArray(col + 2, c.createArrayOf("varchar", b.stream().map(x -> x[cc]).toArray()));
                }
                ps.executeUpdate();
              }
            } else {
              StringBuilder text = new StringBuilder(b.size() * 200);
              for (String[] x : b) {
                text.append(String.join("\t", x)).append("\t1\n");
              }
              Savepoint sp = c.setSavepoint();
              c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                  "COPY image_references (project, branch, path, uuid, commit_id, indexed_at) FROM STDIN",
                  new StringReader(text.toString()));
              c.releaseSavepoint(sp);
            }
          }
          c.commit();
          long t1 = System.nanoTime();
          long cpu1 = cpuTicks(pid);
          double[] t = {(t1 - t0) / 1e6, (cpu1 - cpu0) * 10.0};
          System.out.printf("%s rep %d: wall %.0f ms, server CPU %.0f ms%n", way, r, t[0], t[1]);
          if (r > 0) {
            times.computeIfAbsent(way, k -> new ArrayList<>()).add(t);
          }
        }
      }
      times.forEach((way, ts) -> System.out.printf("%s median: wall %.0f ms, server CPU %.0f ms%n",
          way, median(ts, 0), median(ts, 1)));
    }
  }

  static double median(List<double[]> ts, int i) {
    double[] v = ts.stream().mapToDouble(t -> t[i]).sorted().toArray();
    return v[v.length / 2];
  }

  static long cpuTicks(int pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
