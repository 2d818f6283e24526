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

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference for the upload side of bench/serve.sh: how many new 100 KiB files per second this
 * machine's disk takes, with nothing else (no HTTP, no hashing, no database). Each upload stores one
 * such file, flushed to disk (fsync) before it is acknowledged, so this bounds the upload rate.
 * Prints "result files_per_s N" and "result synced_files_per_s N".
 *
 * <p>Usage: java FileWriteCeiling.java DIR THREADS SECONDS
 */
public class FileWriteCeiling {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    long seconds = Long.parseLong(args[2]);
    byte[] content = new byte[100 * 1024];
    new Random(1).nextBytes(content);
    System.out.printf("result files_per_s %.0f%n", rate(dir.resolve("plain"), threads, seconds, content, false));
    System.out.printf("result synced_files_per_s %.0f%n", rate(dir.resolve("synced"), threads, seconds, content, true));
  }

  private static double rate(Path dir, int threads, long seconds, byte[] content, boolean sync)
      throws Exception {
    Files.createDirectories(dir);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong written = new AtomicLong();
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int worker = t;
      workers[t] =
          new Thread(
              () -> {
                try {
                  for (long i = 0; System.nanoTime() < end; i++) {
                    Path f = dir.resolve(worker + "-" + i);
                    try (FileChannel ch =
                        FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                      ch.write(ByteBuffer.wrap(content));
                      if (sync) {
                        ch.force(true);
                      }
                    }
                    written.incrementAndGet();
                  }
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    return written.get() / (double) seconds;
  }
}
