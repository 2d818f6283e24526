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

import java.nio.file.*;
import java.sql.*;
import java.util.*;

/**
 * Diagnostics for bench/README.md ("First import: where the tail goes"): variants of a first import
 * of N references into the embedded H2, with the service's URL settings and image_references as
 * migrated, taking turns in one process: each variant has a database of its own, and each repetition
 * imports a new project in one transaction. Prints insert, commit and CHECKPOINT ms per run and the
 * medians (the first repetition not counted).
 *
 * <p>Usage: java -cp h2.jar bench/H2ImportVariants.java N REPS 'name|url settings|order|batch|sql'...
 * with order random (a scan's: each batch sorted, as the service does), sorted (the whole set by
 * key) or uuid, and sql unnest (the service's INSERT … SELECT FROM UNNEST … ON CONFLICT DO NOTHING),
 * plain (the same without ON CONFLICT) or values (a JDBC batch of one INSERT per row); e.g.
 * 'base||random|2000|unnest' 'cache256|;CACHE_SIZE=262144|random|2000|unnest'.
 */
public class H2ImportVariants {
  record V(String name, String url, String order, int batch, String sql, Connection c, List<double[]> t) {}
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]); int reps = Integer.parseInt(a[1]);
    Path dir = Files.createTempDirectory("h2imp");
    List<V> vs = new ArrayList<>();
    for (int i = 2; i < a.length; i++) {
      String[] p = a[i].split("\\|", -1);
      String url = "jdbc:h2:file:" + dir.resolve("db" + i) + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=60000;WRITE_DELAY=500;QUERY_CACHE_SIZE=64" + p[1];
      Connection c = DriverManager.getConnection(url, "sa", "");
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE image_references (project VARCHAR(255) NOT NULL, branch VARCHAR(255) NOT NULL, path VARCHAR(1024) NOT NULL, uuid VARCHAR(32) NOT NULL, commit_id VARCHAR(64) NOT NULL, indexed_at BIGINT NOT NULL, PRIMARY KEY (project, branch, path, uuid))");
        s.execute("CREATE INDEX image_references_uuid ON image_references (uuid)");
      }
      vs.add(new V(p[0], url, p[2], Integer.parseInt(p[3]), p[4], c, new ArrayList<>()));
    }
    Random rnd = new Random(42);
    for (int r = 0; r < reps; r++) {
      for (V v : vs) {
        String project = "bench-" + r + "-" + Long.toHexString(rnd.nextLong());
        List<String[]> refs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
          String uuid = String.format("%016x%016x", rnd.nextLong(), rnd.nextLong());
          refs.add(new String[] {project, "refs/heads/master", "images/spec" + rnd.nextInt(100) + "/mac/1440x900/safari/sap_horizon/ltr/default/shot" + k + ".ref.lnk", uuid, String.format("%040x", k)});
        }
        if (v.order.equals("sorted")) refs.sort(Comparator.comparing((String[] x) -> x[2]).thenComparing(x -> x[3]));
        if (v.order.equals("uuid")) refs.sort(Comparator.comparing((String[] x) -> x[3]));
        Connection c = v.c;
        c.setAutoCommit(false);
        long t0 = System.nanoTime();
        for (int from = 0; from < n; from += v.batch) {
          List<String[]> b = new ArrayList<>(refs.subList(from, Math.min(n, from + v.batch)));
          if (!v.order.equals("uuid")) b.sort(Comparator.comparing((String[] x) -> x[2]).thenComparing(x -> x[3]));
          if (v.sql.equals("unnest") || v.sql.equals("plain")) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_references (project, branch, path, uuid, commit_id, indexed_at) SELECT t.project, t.branch, t.path, t.uuid, t.commit_id, ? FROM UNNEST(?, ?, ?, ?, ?) AS t(project, branch, path, uuid, commit_id)" + (v.sql.equals("unnest") ? " ON CONFLICT DO NOTHING" : ""))) {
              ps.setLong(1, 1L);
              for (int col = 0; col < 5; col++) {
                int cc = col; ps.setArray(col + 2, c.createArrayOf("varchar", b.stream().map(x -> x[cc]).toArray()));
              }
              ps.executeUpdate();
            }
          } else {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_references (project, branch, path, uuid, commit_id, indexed_at) VALUES (?, ?, ?, ?, ?, 1)")) {
              for (String[] x : b) { for (int col = 0; col < 5; col++) ps.setString(col + 1, x[col]); ps.addBatch(); }
              ps.executeBatch();
            }
          }
        }
        long t1 = System.nanoTime();
        c.commit();
        long t2 = System.nanoTime();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) { s.execute("CHECKPOINT"); }
        long t3 = System.nanoTime();
        v.t.add(new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t3 - t0) / 1e6});
        System.out.printf("rep %d %-12s insert %7.1f commit %7.1f checkpoint %7.1f total %7.1f%n", r, v.name, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t3 - t0) / 1e6);
      }
    }
    for (V v : vs) {
      double[] med = new double[4];
      for (int k = 0; k < 4; k++) { int kk = k; double[] x = v.t.stream().skip(1).mapToDouble(t -> t[kk]).sorted().toArray(); med[k] = x[x.length / 2]; }
      System.out.printf("MEDIAN %-12s insert %7.1f commit %7.1f checkpoint %7.1f total %7.1f%n", v.name, med[0], med[1], med[2], med[3]);
    }
  }
}
