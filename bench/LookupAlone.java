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

import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The database alone, for bench/scale.sh: the downloads' lookup of an image by id through the
 * service's own data access ({@code Database.open}: its pool size, driver settings and URL;
 * {@code ImageRepository.findContent}, the download's statement), of random ids from a file, from
 * as many threads as wrk has connections, for SECONDS after a warm-up as long. No HTTP, routing,
 * caches or blob reads: what the database itself does with the store's size, on the same ids as the
 * service's GETs. The service must be stopped (the embedded database is one process's).
 *
 * <p>Usage: {@code java -cp imagestore-service.jar bench/LookupAlone.java URL IDS THREADS SECONDS},
 * user and password in BENCH_DB_USER and BENCH_DB_PASSWORD; URL {@code h2:DATA_DIR} opens the
 * embedded database under DATA_DIR with the URL the service uses. Prints {@code result
 * lookups_per_s}, {@code result p50_ms} and {@code result p99_ms}.
 */
public final class LookupAlone {
  public static void main(String[] args) throws Exception {
    String url =
        args[0].startsWith("h2:")
            ? Database.embeddedUrl(Path.of(args[0].substring(3)))
            : args[0];
    List<String> ids = Files.readAllLines(Path.of(args[1]));
    int threads = Integer.parseInt(args[2]);
    long nanos = Long.parseLong(args[3]) * 1_000_000_000L;
    Database db =
        Database.open(
            url,
            System.getenv("BENCH_DB_USER"),
            System.getenv("BENCH_DB_PASSWORD"),
            ServiceConfig.DEFAULT_DATABASE_POOL_SIZE);
    try {
      run(db, ids, threads, nanos); // warm-up: the JIT, the pool, the database's caches
      long[] latencies = run(db, ids, threads, nanos);
      Arrays.sort(latencies);
      System.out.printf("result lookups_per_s %.2f%n", latencies.length * 1e9 / nanos);
      System.out.printf("result p50_ms %.2f%n", quantile(latencies, 0.50) / 1e6);
      System.out.printf("result p99_ms %.2f%n", quantile(latencies, 0.99) / 1e6);
    } finally {
      db.close();
    }
  }

  /** Every lookup's time in ns, from {@code threads} threads looking up until the time is up. */
  private static long[] run(Database db, List<String> ids, int threads, long nanos)
      throws InterruptedException {
    ImageRepository images = new ImageRepository();
    long end = System.nanoTime() + nanos;
    List<long[]> perThread = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long[][] mine = {new long[1 << 16]};
      int[] count = {0};
      Thread thread =
          new Thread(
              () -> {
                try {
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  long now;
                  while ((now = System.nanoTime()) < end) {
                    String id = ids.get(random.nextInt(ids.size()));
                    if (db.read(c -> images.findContent(c, id)).isEmpty()) {
                      throw new IllegalStateException("no image " + id);
                    }
                    if (count[0] == mine[0].length) {
                      mine[0] = Arrays.copyOf(mine[0], count[0] * 2);
                    }
                    mine[0][count[0]++] = System.nanoTime() - now;
                  }
                  synchronized (perThread) {
                    perThread.add(Arrays.copyOf(mine[0], count[0]));
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              });
      thread.start();
      running.add(thread);
    }
    for (Thread thread : running) {
      thread.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("lookups failed", failure.get());
    }
    return perThread.stream().flatMapToLong(Arrays::stream).toArray();
  }

  private static long quantile(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))];
  }
}
