package com.googlesource.gerrit.plugins.imagestore.index;

import com.google.common.flogger.FluentLogger;
import com.google.gerrit.extensions.annotations.PluginData;
import com.google.gson.JsonParseException;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable queue of {@link IndexJob}s in the plugin's data directory: one small JSON file per job,
 * written atomically and durably ({@link DurableFiles}), so a crash, a power loss or a restart
 * loses nothing and never leaves half a job. File names sort in the order the jobs were queued.
 */
@Singleton
public class Outbox {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();
  private static final String SUFFIX = ".json";

  private final Path dir;
  private final Path failed;
  private final AtomicLong sequence = new AtomicLong();

  @Inject
  Outbox(@PluginData Path data) throws IOException {
    this.dir = data.resolve("outbox");
    this.failed = dir.resolve("failed");
    Files.createDirectories(failed);
    // The directories themselves must survive a power loss, or the jobs in them would not.
    DurableFiles.syncDirectory(data);
    DurableFiles.syncDirectory(dir);
    DurableFiles.deleteStaleTemps(dir);
  }

  /** A queued job and the file that holds it. */
  public record Entry(Path file, IndexJob job) {}

  public void add(IndexJob job) throws IOException {
    // Time first so names sort by age across restarts; the sequence orders jobs of one millisecond.
    String name =
        String.format(
            "%013d-%06d-%s",
            System.currentTimeMillis(),
            sequence.incrementAndGet() % 1_000_000,
            Long.toHexString(Double.doubleToLongBits(Math.random())));
    DurableFiles.write(dir.resolve(name + SUFFIX), Json.gson().toJson(job));
  }

  /** The queued jobs, oldest first. Unreadable files are set aside in {@code outbox/failed}. */
  public List<Entry> pending() throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      s.forEach(files::add);
    }
    Collections.sort(files);
    List<Entry> out = new ArrayList<>(files.size());
    for (Path f : files) {
      try {
        IndexJob job =
            Json.gson().fromJson(Files.readString(f, StandardCharsets.UTF_8), IndexJob.class);
        if (job == null || job.kind == null) {
          throw new JsonParseException("no job kind");
        }
        out.add(new Entry(f, job));
      } catch (NoSuchFileException e) {
        // Done by another thread in the meantime.
      } catch (JsonParseException e) {
        logger.atWarning().log("unreadable outbox entry %s set aside: %s", f, e.getMessage());
        setAside(f);
      }
    }
    return out;
  }

  public void done(Entry entry) throws IOException {
    Files.deleteIfExists(entry.file());
  }

  /** Moves a job that can never succeed out of the way, keeping it for inspection. */
  public void setAside(Path file) throws IOException {
    Files.move(file, failed.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
  }

  public int depth() throws IOException {
    int n = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path ignored : s) {
        n++;
      }
    }
    return n;
  }
}
