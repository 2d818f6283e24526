import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upload side of bench/serve.sh: CONNECTIONS threads PUT distinct PNGs (each new content, so
 * every request really stores bytes) for SECONDS; prints "result uploads_per_s N", the count of
 * created images and of errors (any status other than 201).
 *
 * <p>Usage: java UploadBench.java URL USER DIR CONNECTIONS SECONDS (password in
 * BENCH_SERVICE_PASSWORD; DIR holds name=uuid.png files made by MakeNoisePngs.java).
 */
public class UploadBench {
  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    String auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((args[1] + ":" + System.getenv("BENCH_SERVICE_PASSWORD")).getBytes());
    List<Path> files;
    try (var s = Files.list(Path.of(args[2]))) {
      files = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    }
    int connections = Integer.parseInt(args[3]);
    long deadline = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    AtomicInteger next = new AtomicInteger();
    AtomicLong created = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    long start = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < connections; t++) {
      running.add(
          pool.submit(
              () -> {
                while (System.nanoTime() < deadline) {
                  int i = next.getAndIncrement();
                  if (i >= files.size()) {
                    return null;
                  }
                  Path f = files.get(i);
                  String uuid = f.getFileName().toString().replace(".png", "");
                  byte[] body = Files.readAllBytes(f);
                  HttpRequest put =
                      HttpRequest.newBuilder(base.resolve("images/" + uuid))
                          .header("Authorization", auth)
                          .header("Content-Type", "image/png")
                          .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                          .build();
                  try {
                    int status = http.send(put, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 201) {
                      created.incrementAndGet();
                      bytes.addAndGet(body.length);
                    } else {
                      errors.incrementAndGet();
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    System.out.printf("result uploads_per_s %.1f%n", created.get() / seconds);
    System.out.printf("result uploads_created %d%n", created.get());
    System.out.printf("result uploads_errors %d%n", errors.get());
    System.out.printf("result uploads_mb_per_s %.1f%n", bytes.get() / seconds / 1e6);
    if (next.get() >= files.size()) {
      System.out.println("result uploads_ran_out_of_files 1");
    }
  }
}
