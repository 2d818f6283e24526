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

package com.googlesource.gerrit.plugins.imagestore.service.crash;

import com.google.gson.reflect.TypeToken;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.model.CleanupResult;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesInput;
import com.googlesource.gerrit.plugins.imagestore.client.model.TrashInfo;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.crash.CrashRun.Ack;
import com.googlesource.gerrit.plugins.imagestore.service.testing.Multipart;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One client of the crash suite: a sequence of writes on ids only it touches, and the model of what
 * the service acknowledged. Since a worker waits for each answer before its next request, the state
 * of each of its ids (and of its project's references) is known exactly, except for the one request
 * in flight when the service was killed: that one may or may not have happened, and the first look
 * after the restart decides (never half: both sides are checked in full).
 *
 * <p>Images: uploads (UIVeri5's multipart POST with metadata, raw PUT with or without the metadata
 * header, PUT of another id's bytes under a new id), uploads of the same bytes again (200, or 201
 * restoring a trashed id), forced deletes to the trash, restores, purges (one, or some by {@code
 * POST /trash/purge}). References: adds and replaces of the worker's project, naming its pinned
 * images (never deleted, so a reference never restores one from the trash) and ids never uploaded.
 */
final class CrashWorker {
  enum State {
    ABSENT,
    LIVE,
    TRASHED,
    PURGED
  }

  /** What the service shows for an id. */
  enum Seen {
    LIVE,
    TRASHED,
    GONE
  }

  static Seen seen(State s) {
    return switch (s) {
      case LIVE -> Seen.LIVE;
      case TRASHED -> Seen.TRASHED;
      case ABSENT, PURGED -> Seen.GONE;
    };
  }

  static final class Image {
    final String uuid;
    final byte[] bytes;
    final String sha256;
    final int width;
    final int height;

    /** The UIVeri5 spec name sent with it, or null when it was uploaded without metadata. */
    final String spec;

    /** Pinned images are never deleted; only they are named by references. */
    final boolean pinned;

    State state = State.ABSENT;
    Ack ack;

    /** Its state changed by an acknowledgement in the current epoch: checked after the kill. */
    boolean dirty;

    /** Found lost or half there (reported once), or answered unexpectedly: no longer used. */
    boolean retired;

    Image(String uuid, byte[] bytes, int width, int height, String spec, boolean pinned) {
      this.uuid = uuid;
      this.bytes = bytes;
      this.sha256 = ImageId.sha256Hex(bytes);
      this.width = width;
      this.height = height;
      this.spec = spec;
      this.pinned = pinned;
    }
  }

  record Ref(String branch, String path, String uuid, String commit) {
    static Ref of(ReferenceInfo r) {
      return new Ref(r.branch, r.path, r.uuid, r.commit);
    }

    ReferenceInfo toInfo(String project) {
      return new ReferenceInfo(project, branch, commit, path, uuid);
    }
  }

  /** The request in flight: its images' states before and after, or its reference sets. */
  private record InFlight(
      String op,
      List<Image> images,
      State before,
      State after,
      Set<Ref> refsBefore,
      Set<Ref> refsAfter) {}

  private static final String[] SIZES = {"480x300", "360x240", "640x400"};

  private final CrashRun run;
  private final int index;
  private final int tag;
  private final String project;
  private final Random random;
  private final List<byte[]> bases = new ArrayList<>();
  private final List<int[]> baseSizes = new ArrayList<>();
  final List<Image> images = new ArrayList<>();
  private final List<String> dangling = new ArrayList<>();
  private long counter;

  private Set<Ref> refs = new HashSet<>();
  private Ack refsAck;
  private boolean refsUnknown;
  private InFlight inFlight;

  CrashWorker(CrashRun run, int index, int tag, long seed) {
    this.run = run;
    this.index = index;
    this.tag = tag;
    this.project = "ui/app-" + index;
    this.random = new Random(seed);
    for (int i = 0; i < SIZES.length; i++) {
      String[] wh = SIZES[i].split("x");
      int w = Integer.parseInt(wh[0]);
      int h = Integer.parseInt(wh[1]);
      bases.add(TestPngs.screenshot(w, h, index * 31 + i));
      baseSizes.add(new int[] {w, h});
    }
    for (int i = 0; i < 4; i++) {
      dangling.add(String.format("%08x%02xd%021x", tag, index, i));
    }
  }

  String name() {
    return "worker " + index;
  }

  Set<Ref> refs() {
    return refs;
  }

  // ---------------------------------------------------------------------------------------------
  // Load

  /** Writes until the epoch's kill; a request the kill cut stays in flight for {@link #settle}. */
  void work() throws InterruptedException {
    while (!run.killed()) {
      try {
        step();
      } catch (IOException e) {
        if (!run.killed()) {
          run.problem(
              name()
                  + ": "
                  + (inFlight == null ? "a request" : inFlight.op())
                  + " failed with no"
                  + " kill: "
                  + e);
        }
        if (inFlight != null) {
          run.inFlightAtKills.incrementAndGet();
        }
        return;
      }
    }
  }

  private void step() throws IOException, InterruptedException {
    int roll = random.nextInt(100);
    if (roll < 14) {
      uploadPost();
    } else if (roll < 30) {
      uploadPut(newImage(random.nextBoolean()));
    } else if (roll < 35) {
      uploadSharedContent();
    } else if (roll < 39) {
      uploadAgain(pick(State.LIVE, false), 200);
    } else if (roll < 54) {
      move(pick(State.LIVE, true), State.TRASHED, 204, "DELETE", "images/{id}?force=true");
    } else if (roll < 61) {
      move(pick(State.TRASHED, true), State.LIVE, 200, "POST", "trash/{id}/restore");
    } else if (roll < 65) {
      uploadAgain(pick(State.TRASHED, true), 201);
    } else if (roll < 72) {
      move(pick(State.TRASHED, true), State.PURGED, 204, "DELETE", "trash/{id}");
    } else if (roll < 76) {
      purgeSome();
    } else if (roll < 88) {
      addReferences();
    } else {
      replaceReferences();
    }
  }

  private Image newImage(boolean withMeta) {
    long n = counter++;
    int b = random.nextInt(bases.size());
    byte[] bytes =
        TestPngs.withText(bases.get(b), "imagestore-crash", run.database + "/" + index + "/" + n);
    String spec = withMeta ? "crash.app" + index + ".view" + (n % 7) : null;
    String uuid = String.format("%08x%02x0%021x", tag, index, n);
    return new Image(
        uuid, bytes, baseSizes.get(b)[0], baseSizes.get(b)[1], spec, random.nextInt(4) == 0);
  }

  /** A random non-retired image in {@code state} (pinned ones too unless {@code unpinned}). */
  private Image pick(State state, boolean unpinned) {
    List<Image> candidates =
        images.stream()
            .filter(i -> i.state == state && !i.retired && !(unpinned && i.pinned))
            .toList();
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  /** UIVeri5's upload: multipart with metadata, the id derived from the content. */
  private void uploadPost() throws IOException, InterruptedException {
    Image proto = newImage(true);
    Image image =
        new Image(
            ImageId.forContent(proto.bytes).value(),
            proto.bytes,
            proto.width,
            proto.height,
            proto.spec,
            proto.pinned);
    images.add(image);
    Multipart form = new Multipart().image(image.bytes).json(Multipart.uiveri5Meta(image.spec));
    change(
        "POST /images",
        List.of(image),
        State.LIVE,
        201,
        "POST",
        "images",
        form.build(),
        "Content-Type",
        form.contentType());
  }

  private void uploadPut(Image image) throws IOException, InterruptedException {
    images.add(image);
    List<String> headers = new ArrayList<>(List.of("Content-Type", "image/png"));
    if (image.spec != null) {
      headers.addAll(List.of(ImagestoreClient.META_HEADER, Multipart.uiveri5Meta(image.spec)));
    }
    change(
        image.spec == null ? "PUT /images/{id}" : "PUT /images/{id} with metadata",
        List.of(image),
        State.LIVE,
        201,
        "PUT",
        "images/" + image.uuid + IMPORT,
        image.bytes,
        headers.toArray(String[]::new));
  }

  /** This worker's ids are chosen, not content-derived: an admin's import stores under them. */
  private static final String IMPORT = "?import=true";

  /** The bytes of one of this worker's images (in any state) under a new id. */
  private void uploadSharedContent() throws IOException, InterruptedException {
    List<Image> sources = images.stream().filter(i -> !i.retired).toList();
    if (sources.isEmpty()) {
      uploadPut(newImage(false));
      return;
    }
    Image source = sources.get(random.nextInt(sources.size()));
    String uuid = String.format("%08x%02x0%021x", tag, index, counter++);
    Image image =
        new Image(uuid, source.bytes, source.width, source.height, null, random.nextInt(4) == 0);
    images.add(image);
    change(
        "PUT /images/{id} with another id's bytes",
        List.of(image),
        State.LIVE,
        201,
        "PUT",
        "images/" + uuid + IMPORT,
        image.bytes,
        "Content-Type",
        "image/png");
  }

  /** The same bytes under the same id again: 200 when live, 201 (restored) when trashed. */
  private void uploadAgain(Image image, int expected) throws IOException, InterruptedException {
    if (image == null) {
      uploadPut(newImage(random.nextBoolean()));
      return;
    }
    change(
        expected == 200 ? "PUT /images/{id} again" : "PUT /images/{id} of a trashed id",
        List.of(image),
        State.LIVE,
        expected,
        "PUT",
        "images/" + image.uuid + IMPORT,
        image.bytes,
        "Content-Type",
        "image/png");
  }

  /**
   * A body-less request on one image ({@code path} with its id for {@code {id}}) that moves it to
   * {@code after}; with no image to take, a new upload instead.
   */
  private void move(Image image, State after, int expected, String method, String path)
      throws IOException, InterruptedException {
    if (image == null) {
      uploadPut(newImage(random.nextBoolean()));
      return;
    }
    String op = method + " /" + path;
    change(op, List.of(image), after, expected, method, path.replace("{id}", image.uuid), null);
  }

  /** {@code POST /trash/purge {"uuids": […]}} of two or three trashed images. */
  private void purgeSome() throws IOException, InterruptedException {
    List<Image> trashed =
        new ArrayList<>(
            images.stream()
                .filter(i -> i.state == State.TRASHED && !i.retired && !i.pinned)
                .toList());
    if (trashed.size() < 2) {
      move(pick(State.TRASHED, true), State.PURGED, 204, "DELETE", "trash/{id}");
      return;
    }
    java.util.Collections.shuffle(trashed, random);
    List<Image> some = trashed.subList(0, Math.min(trashed.size(), 2 + random.nextInt(2)));
    String op = "POST /trash/purge {uuids}";
    inFlight = new InFlight(op, some, State.TRASHED, State.PURGED, null, null);
    String body =
        "{\"uuids\":["
            + some.stream().map(i -> '"' + i.uuid + '"').collect(Collectors.joining(","))
            + "]}";
    HttpResponse<byte[]> r =
        run.send(
            "POST",
            "trash/purge",
            body.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/json");
    inFlight = null;
    if (r.statusCode() != 200) {
      unexpected(op, some, r);
      return;
    }
    CleanupResult result = Json.gson().fromJson(json(r), CleanupResult.class);
    Set<String> purged = result.images.stream().map(i -> i.uuid).collect(Collectors.toSet());
    Ack ack = new Ack(op, 200, run.epoch(), System.nanoTime());
    for (Image i : some) {
      if (purged.contains(i.uuid)) {
        i.state = State.PURGED;
        i.ack = ack;
        i.dirty = true;
      } else {
        run.problem(
            name()
                + ": "
                + op
                + " skipped "
                + i.uuid
                + " ("
                + text(r)
                + ") though it is in the"
                + " trash since "
                + run.describe(i.ack));
        i.retired = true;
      }
    }
    run.acknowledged(op);
  }

  /**
   * One request that moves {@code targets} (all in one state) to {@code after}: acknowledged when
   * it answers {@code expected}.
   */
  private void change(
      String op,
      List<Image> targets,
      State after,
      int expected,
      String method,
      String path,
      byte[] body,
      String... headers)
      throws IOException, InterruptedException {
    inFlight = new InFlight(op, targets, targets.get(0).state, after, null, null);
    HttpResponse<byte[]> r = run.send(method, path, body, headers);
    inFlight = null;
    if (r.statusCode() != expected) {
      unexpected(op, targets, r);
      return;
    }
    Ack ack = new Ack(op, expected, run.epoch(), System.nanoTime());
    for (Image i : targets) {
      i.state = after;
      i.ack = ack;
      i.dirty = true;
    }
    run.acknowledged(op);
  }

  /** An answer other than the expected one: reported; the images take no further part. */
  private void unexpected(String op, List<Image> targets, HttpResponse<byte[]> r) {
    for (Image i : targets) {
      run.problem(
          name()
              + ": "
              + op
              + " of "
              + i.uuid
              + " answered "
              + r.statusCode()
              + " "
              + text(r)
              + "; it was "
              + i.state
              + " since "
              + run.describe(i.ack));
      i.retired = true;
    }
  }

  private String commitOf(String branch, String path, String uuid) {
    return ImageId.sha256Hex((branch + path + uuid).getBytes(StandardCharsets.UTF_8))
        .substring(0, 40);
  }

  /** A reference to a pinned image of this worker (uploaded or not yet) or to a dangling id. */
  private Ref newRef() {
    List<Image> pinned =
        images.stream().filter(i -> i.pinned && !i.retired && i.state != State.PURGED).toList();
    String uuid =
        !pinned.isEmpty() && random.nextInt(3) > 0
            ? pinned.get(random.nextInt(pinned.size())).uuid
            : dangling.get(random.nextInt(dangling.size()));
    String branch = random.nextBoolean() ? "master" : "rel-2.0";
    String path =
        "test/visual/images/app"
            + index
            + "/linux/1600x1200/chrome/sap_fiori_3/ltr/default/view"
            + random.nextInt(6)
            + ".ref.lnk";
    return new Ref(branch, path, uuid, commitOf(branch, path, uuid));
  }

  private void addReferences() throws IOException, InterruptedException {
    Set<Ref> add = new HashSet<>();
    for (int k = 1 + random.nextInt(3); k > 0; k--) {
      add.add(newRef());
    }
    Set<Ref> after = new HashSet<>(refs);
    after.addAll(add);
    ReferencesInput in = new ReferencesInput();
    in.references = add.stream().map(r -> r.toInfo(project)).toList();
    writeReferences("POST /references", "POST", in, after);
  }

  private void replaceReferences() throws IOException, InterruptedException {
    Set<Ref> after = new HashSet<>();
    for (int k = random.nextInt(6); k > 0; k--) {
      after.add(newRef());
    }
    ReferencesInput in = new ReferencesInput();
    in.project = project;
    in.references = after.stream().map(r -> r.toInfo(project)).toList();
    writeReferences("PUT /references", "PUT", in, after);
  }

  private void writeReferences(String op, String method, ReferencesInput in, Set<Ref> after)
      throws IOException, InterruptedException {
    inFlight = new InFlight(op, List.of(), null, null, refs, after);
    HttpResponse<byte[]> r =
        run.send(
            method,
            "references",
            Json.gson().toJson(in).getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/json");
    inFlight = null;
    if (r.statusCode() != 200) {
      run.problem(name() + ": " + op + " answered " + r.statusCode() + " " + text(r));
      refsUnknown = true;
      return;
    }
    refs = after;
    refsAck = new Ack(op, 200, run.epoch(), System.nanoTime());
    run.acknowledged(op);
  }

  // ---------------------------------------------------------------------------------------------
  // Checks

  /**
   * After the restart that followed kill #{@code kill}: the request in flight at the kill either
   * happened in full or not at all, and everything acknowledged since the previous kill is there.
   * Problems read "KIND at kill #N: …" (KIND: LOST, HALF).
   */
  void settle(int kill) throws IOException, InterruptedException {
    String at = "at kill #" + kill;
    InFlight cut = inFlight;
    inFlight = null;
    // Whatever else is wrong with this worker's state is told with the request the kill cut.
    String note = cut == null ? "" : " [" + name() + "'s " + cut.op() + " was cut by the kill]";
    Set<Ref> seenRefs = observeRefs();
    if (cut != null && cut.refsBefore() != null) {
      if (!seenRefs.equals(cut.refsBefore()) && !seenRefs.equals(cut.refsAfter())) {
        run.problem(
            neitherKind(refsAck, kill)
                + name()
                + "'s "
                + cut.op()
                + " was in flight; project "
                + project
                + "'s references are neither the set before it ("
                + run.describe(refsAck)
                + "; "
                + diff(cut.refsBefore(), seenRefs)
                + ") nor the one it sent ("
                + diff(cut.refsAfter(), seenRefs)
                + ")");
      }
      refs = seenRefs;
      refsAck = null;
      // The orphan marks of the images it added or removed references to are in step too.
      Set<String> touched = new HashSet<>();
      for (Set<Ref> side : List.of(cut.refsBefore(), cut.refsAfter())) {
        side.forEach(r -> touched.add(r.uuid()));
      }
      for (Image image : images) {
        if (touched.contains(image.uuid) && !image.retired) {
          image.dirty = true;
        }
      }
    } else {
      checkRefs(seenRefs, "LOST " + at, note);
    }
    if (cut != null && cut.refsBefore() == null) {
      for (Image image : cut.images()) {
        Seen seen = observe(image, "HALF " + at, " [" + cut.op() + " of it was cut by the kill]");
        if (seen == null) {
          image.retired = true;
          continue;
        }
        Seen before = seen(cut.before());
        Seen after = seen(cut.after());
        if (seen != before && seen != after) {
          run.problem(
              neitherKind(image.ack, kill)
                  + name()
                  + "'s "
                  + cut.op()
                  + " of "
                  + image.uuid
                  + " was in flight; the image is "
                  + seen
                  + ", neither "
                  + before
                  + " (before; "
                  + run.describe(image.ack)
                  + ") nor "
                  + after
                  + " (after)");
          image.retired = true;
          continue;
        }
        State now = seen == after ? cut.after() : cut.before();
        if (now != image.state) {
          image.state = now;
          image.ack = null;
        }
      }
    }
    for (Image image : images) {
      if (image.dirty && !image.retired) {
        image.dirty = false;
        expect(image, at, note);
      }
    }
  }

  /**
   * How a cut request that left neither the state before it nor the one after it is reported: when
   * the state before it was itself acknowledged since the previous kill, that acknowledgement is
   * the likelier loss.
   */
  private static String neitherKind(Ack before, int kill) {
    return before != null && before.epoch() == kill
        ? "LOST at kill #" + kill + " (or HALF): "
        : "HALF at kill #" + kill + ": ";
  }

  /**
   * Everything this worker was answered is there as answered: every image, the references; {@code
   * at} says when ("by the end").
   */
  void verifyAll(String at) throws IOException, InterruptedException {
    checkRefs(observeRefs(), "LOST " + at, "");
    for (Image image : images) {
      if (!image.retired) {
        image.dirty = false;
        expect(image, at, "");
      }
    }
  }

  private void checkRefs(Set<Ref> seenRefs, String what, String note) {
    if (refsUnknown) {
      refsUnknown = false;
      refs = seenRefs;
      return;
    }
    if (!seenRefs.equals(refs)) {
      run.problem(
          what
              + ": "
              + name()
              + "'s project "
              + project
              + " does not hold the references last acknowledged ("
              + run.describe(refsAck)
              + "): "
              + diff(refs, seenRefs)
              + note);
      refs = seenRefs;
    }
  }

  private void expect(Image image, String at, String note)
      throws IOException, InterruptedException {
    Seen seen = observe(image, "HALF " + at, note);
    if (seen == null) {
      image.retired = true;
    } else if (seen != seen(image.state)) {
      run.problem(
          "LOST "
              + at
              + ": "
              + name()
              + "'s "
              + image.uuid
              + " should be "
              + image.state
              + " after "
              + run.describe(image.ack)
              + ", but it is "
              + seen
              + (seen == Seen.GONE ? " (GET /images/{id} and GET /trash/{id} answer 404)" : "")
              + note);
      image.retired = true;
    }
  }

  private static String diff(Set<Ref> expected, Set<Ref> seen) {
    Set<Ref> missing = new HashSet<>(expected);
    missing.removeAll(seen);
    Set<Ref> extra = new HashSet<>(seen);
    extra.removeAll(expected);
    return "missing " + missing + ", unexpected " + extra;
  }

  private Set<Ref> observeRefs() throws IOException, InterruptedException {
    HttpResponse<byte[]> r = run.get("references?project=" + project);
    if (r.statusCode() != 200) {
      throw new IOException("GET references of " + project + ": " + r.statusCode() + " " + text(r));
    }
    List<ReferenceInfo> list =
        Json.gson().fromJson(json(r), new TypeToken<List<ReferenceInfo>>() {}.getType());
    return list.stream().map(Ref::of).collect(Collectors.toSet());
  }

  /**
   * Where the image is, checked in full: live means its download is its exact bytes and its info
   * its metadata; trashed means the trash entry names its content and serves its bytes; never both.
   * Null (and a problem reported) when it is half there.
   */
  private Seen observe(Image image, String what, String note)
      throws IOException, InterruptedException {
    String id = image.uuid;
    List<String> wrong = new ArrayList<>();
    HttpResponse<byte[]> live = run.get("images/" + id);
    boolean isLive = live.statusCode() == 200;
    if (isLive && !Arrays.equals(live.body(), image.bytes)) {
      wrong.add(
          "GET /images/{id} served "
              + live.body().length
              + " other bytes (sha256 "
              + ImageId.sha256Hex(live.body())
              + ", want "
              + image.sha256
              + ")");
    } else if (!isLive && live.statusCode() != 404) {
      wrong.add("GET /images/{id} answered " + live.statusCode() + " " + text(live));
    }
    if (isLive) {
      HttpResponse<byte[]> r = run.get("images/" + id + "/info");
      if (r.statusCode() != 200) {
        wrong.add("GET /images/{id}/info answered " + r.statusCode() + " " + text(r));
      } else {
        checkInfo(image, Json.gson().fromJson(json(r), ImageInfo.class), wrong);
      }
    }
    HttpResponse<byte[]> trash = run.get("trash/" + id);
    boolean inTrash = trash.statusCode() == 200;
    if (inTrash) {
      TrashInfo info = Json.gson().fromJson(json(trash), TrashInfo.class);
      if (!image.sha256.equals(info.sha256) || info.size != image.bytes.length) {
        wrong.add("the trash entry names sha256 " + info.sha256 + ", size " + info.size);
      }
      HttpResponse<byte[]> bytes = run.get("trash/" + id + "/image");
      if (bytes.statusCode() != 200 || !Arrays.equals(bytes.body(), image.bytes)) {
        wrong.add(
            "GET /trash/{id}/image answered "
                + bytes.statusCode()
                + " with "
                + (bytes.statusCode() == 200
                    ? "other bytes (sha256 " + ImageId.sha256Hex(bytes.body()) + ")"
                    : text(bytes)));
      }
    } else if (trash.statusCode() != 404) {
      wrong.add("GET /trash/{id} answered " + trash.statusCode() + " " + text(trash));
    }
    if (isLive && inTrash) {
      wrong.add("it is live and in the trash at once");
    }
    if (!wrong.isEmpty()) {
      run.problem(
          what
              + ": "
              + name()
              + "'s "
              + id
              + " ("
              + image.state
              + " after "
              + run.describe(image.ack)
              + "): "
              + String.join("; ", wrong)
              + note);
      return null;
    }
    return isLive ? Seen.LIVE : inTrash ? Seen.TRASHED : Seen.GONE;
  }

  private void checkInfo(Image image, ImageInfo info, List<String> wrong) {
    if (!image.sha256.equals(info.sha256)) {
      wrong.add("info.sha256 " + info.sha256 + ", want " + image.sha256);
    }
    if (info.size != image.bytes.length) {
      wrong.add("info.size " + info.size + ", want " + image.bytes.length);
    }
    if (info.width != image.width || info.height != image.height) {
      wrong.add("info is " + info.width + "x" + info.height);
    }
    if (!CrashRun.ADMIN.equals(info.uploadedBy)) {
      wrong.add("info.uploadedBy " + info.uploadedBy);
    }
    String spec = info.spec == null ? null : info.spec.lib + "/" + info.spec.name;
    String want = image.spec == null ? null : "sap.m/" + image.spec;
    if (!Objects.equals(spec, want)) {
      wrong.add("info.spec " + spec + ", want " + want);
    }
    String runtime =
        info.runtime == null
            ? null
            : String.join(
                "/",
                info.runtime.platform,
                info.runtime.resolution,
                info.runtime.browser,
                info.runtime.theme,
                info.runtime.direction,
                info.runtime.mode);
    String wantRuntime =
        image.spec == null ? null : "linux/1600x1200/chrome/sap_fiori_3/ltr/default";
    if (!Objects.equals(runtime, wantRuntime)) {
      wrong.add("info.runtime " + runtime + ", want " + wantRuntime);
    }
    boolean referenced = refs.stream().anyMatch(r -> r.uuid().equals(image.uuid));
    if (info.referenced != referenced) {
      wrong.add(
          "info.referenced "
              + info.referenced
              + " but the project's references "
              + refsNaming(image));
    }
    if ((info.orphanedAt == null) != info.referenced) {
      wrong.add(
          "orphan mark out of step: orphanedAt "
              + info.orphanedAt
              + " while its references are "
              + info.references.size());
    }
  }

  private String refsNaming(Image image) {
    Set<String> paths = new TreeSet<>();
    refs.stream().filter(r -> r.uuid().equals(image.uuid)).forEach(r -> paths.add(r.path()));
    return paths.isEmpty() ? "name none" : "name it at " + paths;
  }

  private static String json(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** The body for a message, cut short. */
  private static String text(HttpResponse<byte[]> r) {
    String s = new String(r.body(), StandardCharsets.UTF_8);
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  /** Counts of this worker's images by state, for the final listing checks. */
  Map<State, Set<String>> byState() {
    Map<State, Set<String>> out = new java.util.EnumMap<>(State.class);
    for (State s : State.values()) {
      out.put(s, new TreeSet<>());
    }
    images.stream().filter(i -> !i.retired).forEach(i -> out.get(i.state).add(i.uuid));
    return out;
  }

  Set<String> retired() {
    return images.stream().filter(i -> i.retired).map(i -> i.uuid).collect(Collectors.toSet());
  }
}
