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

package com.googlesource.gerrit.plugins.imagestore.queue;

import com.google.common.base.Enums;
import com.google.common.base.Strings;
import com.google.common.flogger.FluentLogger;
import com.google.gerrit.extensions.annotations.PluginData;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable queue of {@link Job}s in the plugin's data directory: one small JSON file per job,
 * written atomically and durably ({@link DurableFiles}), so a crash, a power loss or a restart
 * loses nothing and never leaves half a job. A file holds the job's {@code kind} and the fields of
 * its record, e.g. {@code {"kind":"RESCAN_BRANCH","project":"p","branch":"refs/heads/master"}}: the
 * same shape as the single job class of earlier versions wrote, so their files still read.
 *
 * <p>File names sort in the order the jobs were queued, and name what the job is about: {@code
 * <time>-<sequence>-<random>_<kind>_<project>_<branch>.json}, the last three percent-encoded. A
 * file whose content cannot be read (which a crash should not leave, but a disk may) is set aside
 * in {@code outbox/unreadable} and replaced by the job its name asks for: a rescan of its branch or
 * project, or a full reconcile when the name says nothing (files of older versions).
 */
@Singleton
public class Outbox {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();
  private static final String SUFFIX = ".json";
  private static final String KIND = "kind";
  private static final char SEPARATOR = '_';

  /** Longest name written, below every common file system's limit with the temporary prefix. */
  private static final int MAX_NAME = 200;

  private final Path dir;
  private final Path failed;
  private final Path unreadable;
  private final AtomicLong sequence = new AtomicLong();
  private volatile String lastUnreadable;

  @Inject
  Outbox(@PluginData Path data) throws IOException {
    this.dir = data.resolve("outbox");
    this.failed = dir.resolve("failed");
    this.unreadable = dir.resolve("unreadable");
    Files.createDirectories(failed);
    Files.createDirectories(unreadable);
    // The directories themselves must survive a power loss, or the jobs in them would not.
    DurableFiles.syncDirectory(data);
    DurableFiles.syncDirectory(dir);
    DurableFiles.deleteStaleTemps(dir);
  }

  /** A queued job and the file that holds it. */
  public record Entry(Path file, Job job) {}

  /** Queues a job; returns its file. */
  public Path add(Job job) throws IOException {
    Path file = dir.resolve(fileName(job) + SUFFIX);
    DurableFiles.write(file, content(job));
    return file;
  }

  /**
   * Replaces a queued job by the one that goes on with it, at the back of the queue: behind every
   * job queued while it ran. The file is rewritten in place, then renamed to the new job's name
   * (both atomic and durable), so a crash in between leaves the next step queued early, never both
   * steps (which would do the rest twice). Returns the new file.
   */
  public Path requeue(Entry entry, Job next) throws IOException {
    DurableFiles.write(entry.file(), content(next));
    Path file = dir.resolve(fileName(next) + SUFFIX);
    Files.move(entry.file(), file, StandardCopyOption.ATOMIC_MOVE);
    DurableFiles.syncDirectory(dir);
    return file;
  }

  private static String content(Job job) {
    JsonObject json = new JsonObject();
    json.addProperty(KIND, job.kind().name());
    for (Map.Entry<String, JsonElement> field :
        Json.gson().toJsonTree(job).getAsJsonObject().entrySet()) {
      json.add(field.getKey(), field.getValue());
    }
    return Json.gson().toJson(json);
  }

  /**
   * The job a file holds; null when it holds none ({@code why} says so), e.g. empty, not an object,
   * an unknown kind or a field missing.
   */
  private static Job read(String content, StringBuilder why) {
    JsonElement tree = JsonParser.parseString(content);
    if (!tree.isJsonObject()) {
      why.append(tree.isJsonNull() ? "empty" : "not a job");
      return null;
    }
    JsonElement kindName = tree.getAsJsonObject().get(KIND);
    Job.Kind kind = null;
    if (kindName != null && kindName.isJsonPrimitive()) {
      kind = Enums.getIfPresent(Job.Kind.class, kindName.getAsString()).orNull();
    }
    Job job = kind == null ? null : Json.gson().fromJson(tree, kind.type());
    if (job == null || !job.isComplete()) {
      why.append("incomplete job");
      return null;
    }
    return job;
  }

  /**
   * The name of a new job's file, without the suffix. Time first so names sort by age across
   * restarts; the sequence orders jobs of one millisecond. What the job is about follows, as far as
   * it fits: the kind, the project, the branch.
   */
  String fileName(Job job) {
    String name =
        String.format(
            "%013d-%06d-%s",
            System.currentTimeMillis(),
            sequence.incrementAndGet() % 1_000_000,
            Long.toHexString(Double.doubleToLongBits(Math.random())));
    for (String field : new String[] {job.kind().name(), job.project(), job.branch()}) {
      if (field == null) {
        break;
      }
      String more = name + SEPARATOR + encode(field);
      if (more.length() + SUFFIX.length() > MAX_NAME) {
        break;
      }
      name = more;
    }
    return name;
  }

  /**
   * The queued jobs, oldest first. Unreadable files are set aside, see the class comment; the jobs
   * queued instead come last. Synchronized: the worker's lanes read the queue at the same time, and
   * an unreadable file must be replaced once.
   */
  public synchronized List<Entry> pending() throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      s.forEach(files::add);
    }
    Collections.sort(files);
    List<Entry> out = new ArrayList<>(files.size());
    List<Entry> instead = new ArrayList<>();
    for (Path f : files) {
      try {
        StringBuilder why = new StringBuilder();
        Job job = read(Files.readString(f, StandardCharsets.UTF_8), why);
        if (job == null) {
          unreadable(f, why.toString(), instead);
        } else {
          out.add(new Entry(f, job));
        }
      } catch (NoSuchFileException e) {
        // Done by another thread in the meantime.
      } catch (JsonParseException | CharacterCodingException e) {
        unreadable(f, e.toString(), instead);
      }
    }
    out.addAll(instead);
    return out;
  }

  /**
   * Queues the job the file's name asks for (adding it to {@code queued}), then sets the file aside
   * for inspection.
   */
  private void unreadable(Path file, String why, List<Entry> queued) throws IOException {
    String name = file.getFileName().toString();
    Job instead = replacementFor(name);
    // Queued first: a crash in between leaves the file here, to be handled again.
    if (instead != null) {
      queued.add(new Entry(add(instead), instead));
    }
    Files.move(file, unreadable.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    String what =
        name
            + " ("
            + why
            + ") set aside in "
            + dir.relativize(unreadable)
            + "; "
            + (instead == null ? "nothing to rescan for it" : "queued " + instead + " instead");
    logger.atSevere().log("unreadable outbox job %s", what);
    lastUnreadable = what;
  }

  /**
   * The job that makes up for a lost job whose file has this name: a rescan of what the name says
   * it was about (a rescan replaces a whole set, so it also covers whatever an incremental job
   * would have added), a full reconcile when the name says nothing, null for previews (a comment
   * only).
   */
  static Job replacementFor(String fileName) {
    String[] fields =
        fileName
            .substring(0, fileName.length() - SUFFIX.length())
            .split(String.valueOf(SEPARATOR), -1);
    Job.Kind kind = null;
    String project = null;
    String branch = null;
    try {
      if (fields.length > 1) {
        kind = Job.Kind.valueOf(decode(fields[1]));
      }
      project = fields.length > 2 ? Strings.emptyToNull(decode(fields[2])) : null;
      branch = fields.length > 3 ? Strings.emptyToNull(decode(fields[3])) : null;
    } catch (IllegalArgumentException e) {
      kind = null; // not a name this version wrote
    }
    if (kind == null) {
      return new Job.ReconcileAll();
    }
    return switch (kind) {
      case POST_PREVIEWS -> null;
      case DELETE_ORPHANS -> new Job.DeleteOrphans();
      case RECONCILE_ALL -> new Job.ReconcileAll();
      case INDEX_COMMITS, RESCAN_BRANCH, RESCAN_PROJECT ->
          project == null
              ? new Job.ReconcileAll()
              : branch == null
                  ? new Job.RescanProject(project)
                  : new Job.RescanBranch(project, branch);
    };
  }

  /** Letters, digits, '.' and '-' stay; every other byte of the UTF-8 form becomes %XX. */
  public static String encode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '-') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return out.toString();
  }

  /** The inverse of {@link #encode}; IllegalArgumentException for a malformed escape. */
  static String decode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("truncated escape in " + s);
        }
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  public void done(Entry entry) throws IOException {
    Files.deleteIfExists(entry.file());
  }

  /** Moves a job that can never succeed out of the way, keeping it for inspection. */
  public void setAside(Path file) throws IOException {
    Files.move(file, failed.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
  }

  public int depth() throws IOException {
    return count(dir);
  }

  /** How many job files were unreadable and are kept in {@code outbox/unreadable}. */
  public int unreadableCount() throws IOException {
    return count(unreadable);
  }

  /** What happened to the last unreadable job file since the plugin started; null if none. */
  public String lastUnreadable() {
    return lastUnreadable;
  }

  private static int count(Path dir) throws IOException {
    int n = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path ignored : s) {
        n++;
      }
    }
    return n;
  }
}
