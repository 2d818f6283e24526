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

package com.googlesource.gerrit.plugins.imagestore.client.compare;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One {@value #FILE_NAME} file, parsed: every key optional (null when absent), so that the nearest
 * file wins key by key ({@link ComparisonConfigs}).
 *
 * <p>Parsing is strict: unknown keys, duplicate keys, wrong types, numbers out of range, regions
 * outside the image's quadrant, too many entries or regions, a file over {@link #MAX_BYTES} and
 * malformed JSON make the file invalid ({@link InvalidConfigException}, with the JSON path of the
 * value at fault). A configuration that is silently ignored would let a screenshot pass or fail for
 * a reason nobody can see.
 *
 * @param path the file's path relative to the tree's root, e.g. {@code images/.imagestore.json}
 * @param ignore null when the file does not set {@code ignore} (an empty list when it sets it to
 *     nothing: that replaces what files further up ignore)
 */
public record ComparisonConfig(
    String path,
    Double threshold,
    Boolean includeAntialiasing,
    Double maxMismatchPercentage,
    Long maxMismatchedPixels,
    List<IgnoreEntry> ignore) {
  public static final String FILE_NAME = ".imagestore.json";

  /** The largest file read (64 KiB); a real one is a few hundred bytes. */
  public static final int MAX_BYTES = 64 * 1024;

  public static final int MAX_IGNORE_ENTRIES = 100;
  public static final int MAX_REGIONS_PER_ENTRY = 100;

  /**
   * Bounds of an {@code images} glob. PathMatcher turns a glob into a backtracking regular
   * expression, whose time grows with the subject's length to the power of the number of {@code *}
   * runs (times the alternatives), so globs and what they are matched against are kept small: a
   * hostile change cannot make previews take hours.
   */
  public static final int MAX_GLOB_LENGTH = 128;

  public static final int MAX_GLOB_STARS = 2;
  public static final int MAX_GLOB_ALTERNATIVES = 8;

  /** Names and paths longer than these match no glob (file names are at most 255 bytes). */
  static final int MAX_MATCHED_NAME = 255;

  static final int MAX_MATCHED_PATH = 1024;

  /** Gson's advice for what strict JSON refuses, in words for the author of the file. */
  private static final Pattern LENIENCY_ADVICE =
      Pattern.compile("^Use JsonReader\\.set\\w+\\([^)]*\\) to accept malformed JSON");

  private static final List<String> KEYS =
      List.of(
          "threshold",
          "maxMismatchPercentage",
          "maxMismatchedPixels",
          "includeAntialiasing",
          "ignore");

  public ComparisonConfig {
    Objects.requireNonNull(path);
    ignore = ignore == null ? null : List.copyOf(ignore);
  }

  /** The directory the file is in, relative to the root ({@code ""} for the root). */
  public String directory() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /** The path of the configuration file in {@code directory} ({@code ""}: the root). */
  public static String pathIn(String directory) {
    return directory.isEmpty() ? FILE_NAME : directory + "/" + FILE_NAME;
  }

  /**
   * An entry of {@code ignore}: the regions to leave out of the images its glob matches.
   *
   * <p>A glob without {@code /} matches the image's name (its file name without {@code .ref.lnk},
   * {@code .act.png}, {@code .lnk}, {@code .png}, see {@link ComparisonConfigs#imageName}); with a
   * {@code /} it matches the image's path, so named, relative to the directory of the file. No
   * glob: every image below the file.
   */
  public static final class IgnoreEntry {
    private final String images;
    private final List<Region> regions;
    private final PathMatcher matcher;

    /**
     * @throws IllegalArgumentException when {@code images} is no glob within the bounds above
     */
    public IgnoreEntry(String images, List<Region> regions) {
      if (regions.isEmpty()) {
        throw new IllegalArgumentException("no regions");
      }
      this.images = images;
      this.regions = List.copyOf(regions);
      this.matcher = images == null ? null : compile(images);
    }

    /** The glob; null: every image. */
    public String images() {
      return images;
    }

    public List<Region> regions() {
      return regions;
    }

    /**
     * Whether this entry applies to the image {@code name} at {@code relativePath} (the image's
     * path without ending, relative to the directory of the file).
     */
    public boolean matches(String name, String relativePath) {
      if (matcher == null) {
        return true;
      }
      boolean byPath = images.indexOf('/') >= 0;
      String subject = byPath ? relativePath : name;
      if (subject.isEmpty() || subject.length() > (byPath ? MAX_MATCHED_PATH : MAX_MATCHED_NAME)) {
        return false;
      }
      try {
        return matcher.matches(Path.of(subject));
      } catch (InvalidPathException e) {
        return false;
      }
    }

    private static PathMatcher compile(String glob) {
      if (glob.isEmpty()) {
        throw new IllegalArgumentException("must not be empty (leave it out to match every image)");
      }
      if (glob.length() > MAX_GLOB_LENGTH) {
        throw new IllegalArgumentException("longer than " + MAX_GLOB_LENGTH + " characters");
      }
      if (glob.startsWith("/")) {
        throw new IllegalArgumentException(
            "starts with /: a path glob is relative to the directory of the file");
      }
      int stars = 0;
      int braces = 0;
      int commas = 0;
      for (int i = 0; i < glob.length(); i++) {
        char c = glob.charAt(i);
        if (c == '\\') {
          i++;
        } else if (c == '*' && (i == 0 || glob.charAt(i - 1) != '*')) {
          stars++;
        } else if (c == '*' && i >= 2 && glob.charAt(i - 2) == '*') {
          // Java compiles each ** of a longer run to its own .*, which backtracks without bound.
          throw new IllegalArgumentException("holds *** (use * within a name, ** across /)");
        } else if (c == '{') {
          braces++;
        } else if (c == ',') {
          commas++;
        } else if (c < 0x20 || c == 0x7f) {
          throw new IllegalArgumentException("holds a control character");
        }
      }
      if (stars > MAX_GLOB_STARS) {
        throw new IllegalArgumentException(
            "more than " + MAX_GLOB_STARS + " runs of * (each * or ** counts)");
      }
      if (braces > 1) {
        throw new IllegalArgumentException("more than one {…} group");
      }
      if (commas + 1 > MAX_GLOB_ALTERNATIVES) {
        throw new IllegalArgumentException(
            "more than " + MAX_GLOB_ALTERNATIVES + " alternatives in {…}");
      }
      try {
        return FileSystems.getDefault().getPathMatcher("glob:" + glob);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("not a valid glob: " + e.getDescription());
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IgnoreEntry e
          && Objects.equals(images, e.images)
          && regions.equals(e.regions);
    }

    @Override
    public int hashCode() {
      return Objects.hash(images, regions);
    }

    @Override
    public String toString() {
      return "IgnoreEntry[images=" + images + ", regions=" + regions + "]";
    }
  }

  /**
   * Parses the content of the file at {@code path}.
   *
   * @throws InvalidConfigException with the path and the reason when it cannot be used
   */
  public static ComparisonConfig parse(String path, byte[] content) throws InvalidConfigException {
    if (content.length > MAX_BYTES) {
      throw new InvalidConfigException(path, "larger than 64 KiB");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(content))
              .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidConfigException(path, "not UTF-8 text");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    if (text.isBlank()) {
      throw new InvalidConfigException(
          path, "empty: the file holds one JSON object ({} when it sets nothing)");
    }
    try {
      return new Parser(path, new JsonReader(new StringReader(text))).file();
    } catch (IOException e) {
      // Gson's MalformedJsonException and EOFException: the message says where, then a URL.
      String message = Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
      int newline = message.indexOf('\n');
      String where =
          LENIENCY_ADVICE
              .matcher(newline < 0 ? message : message.substring(0, newline))
              .replaceFirst("not strict JSON (no comments, single quotes, NaN or bare words)");
      throw new InvalidConfigException(path, "malformed JSON: " + where);
    }
  }

  /** A strict reader of the one schema; it checks each token's type before reading it. */
  private static final class Parser {
    private final String path;
    private final JsonReader in;

    Parser(String path, JsonReader in) {
      this.path = path;
      this.in = in;
      in.setLenient(false);
    }

    ComparisonConfig file() throws IOException, InvalidConfigException {
      expect("the file", JsonToken.BEGIN_OBJECT, "an object");
      Double threshold = null;
      Boolean includeAntialiasing = null;
      Double maxMismatchPercentage = null;
      Long maxMismatchedPixels = null;
      List<IgnoreEntry> ignore = null;
      Set<String> seen = new HashSet<>();
      in.beginObject();
      while (in.hasNext()) {
        String key = key(null, seen);
        switch (key) {
          case "threshold" -> threshold = decimal(key, 0, 1);
          case "maxMismatchPercentage" -> maxMismatchPercentage = decimal(key, 0, 100);
          case "maxMismatchedPixels" -> maxMismatchedPixels = whole(key, 0, Long.MAX_VALUE);
          case "includeAntialiasing" -> includeAntialiasing = bool(key);
          case "ignore" -> ignore = ignoreList(key);
          default -> throw unknownKey(null, key, KEYS);
        }
      }
      in.endObject();
      if (!atEnd()) {
        throw fail(null, "more after the JSON object");
      }
      return new ComparisonConfig(
          path, threshold, includeAntialiasing, maxMismatchPercentage, maxMismatchedPixels, ignore);
    }

    private boolean atEnd() {
      try {
        return in.peek() == JsonToken.END_DOCUMENT;
      } catch (IOException e) {
        return false; // a second value, which strict JSON refuses
      }
    }

    private List<IgnoreEntry> ignoreList(String at) throws IOException, InvalidConfigException {
      expect(at, JsonToken.BEGIN_ARRAY, "a list");
      List<IgnoreEntry> entries = new ArrayList<>();
      in.beginArray();
      while (in.hasNext()) {
        if (entries.size() == MAX_IGNORE_ENTRIES) {
          throw fail(at, "more than " + MAX_IGNORE_ENTRIES + " entries");
        }
        entries.add(ignoreEntry(at + "[" + entries.size() + "]"));
      }
      in.endArray();
      return entries;
    }

    private IgnoreEntry ignoreEntry(String at) throws IOException, InvalidConfigException {
      expect(at, JsonToken.BEGIN_OBJECT, "an object");
      String images = null;
      List<Region> regions = null;
      Set<String> seen = new HashSet<>();
      in.beginObject();
      while (in.hasNext()) {
        String key = key(at, seen);
        switch (key) {
          case "images" -> {
            expect(at + ".images", JsonToken.STRING, "a string (a glob)");
            images = in.nextString();
          }
          case "regions" -> regions = regions(at + ".regions");
          default -> throw unknownKey(at, key, List.of("images", "regions"));
        }
      }
      in.endObject();
      if (regions == null) {
        throw fail(at, "has no \"regions\"");
      }
      try {
        return new IgnoreEntry(images, regions);
      } catch (IllegalArgumentException e) {
        throw fail(at + ".images", e.getMessage());
      }
    }

    private List<Region> regions(String at) throws IOException, InvalidConfigException {
      expect(at, JsonToken.BEGIN_ARRAY, "a list");
      List<Region> regions = new ArrayList<>();
      in.beginArray();
      while (in.hasNext()) {
        if (regions.size() == MAX_REGIONS_PER_ENTRY) {
          throw fail(at, "more than " + MAX_REGIONS_PER_ENTRY + " regions");
        }
        regions.add(region(at + "[" + regions.size() + "]"));
      }
      in.endArray();
      if (regions.isEmpty()) {
        throw fail(at, "is empty (an entry ignores at least one region)");
      }
      return regions;
    }

    private Region region(String at) throws IOException, InvalidConfigException {
      expect(at, JsonToken.BEGIN_OBJECT, "an object {\"x\", \"y\", \"width\", \"height\"}");
      Long x = null;
      Long y = null;
      Long width = null;
      Long height = null;
      Set<String> seen = new HashSet<>();
      in.beginObject();
      while (in.hasNext()) {
        String key = key(at, seen);
        String where = at + "." + key;
        switch (key) {
          case "x" -> x = whole(where, 0, Integer.MAX_VALUE);
          case "y" -> y = whole(where, 0, Integer.MAX_VALUE);
          case "width" -> width = whole(where, 1, Integer.MAX_VALUE);
          case "height" -> height = whole(where, 1, Integer.MAX_VALUE);
          default -> throw unknownKey(at, key, List.of("x", "y", "width", "height"));
        }
      }
      in.endObject();
      if (x == null || y == null || width == null || height == null) {
        throw fail(at, "needs all of \"x\", \"y\", \"width\" and \"height\"");
      }
      try {
        return new Region(x.intValue(), y.intValue(), width.intValue(), height.intValue());
      } catch (IllegalArgumentException e) {
        throw fail(at, e.getMessage());
      }
    }

    private String key(String at, Set<String> seen) throws IOException, InvalidConfigException {
      String key = in.nextName();
      if (!seen.add(key)) {
        throw fail(at, "the key \"" + abbreviate(key) + "\" appears twice");
      }
      return key;
    }

    private double decimal(String at, double min, double max)
        throws IOException, InvalidConfigException {
      expect(at, JsonToken.NUMBER, "a number");
      String literal = in.nextString();
      double value = Double.parseDouble(literal);
      if (!(value >= min && value <= max)) {
        throw fail(
            at, "must be from " + plain(min) + " to " + plain(max) + ", not " + number(literal));
      }
      return value + 0.0; // -0 is 0 (plain 0 in messages and equal to it)
    }

    private long whole(String at, long min, long max) throws IOException, InvalidConfigException {
      expect(at, JsonToken.NUMBER, "a whole number");
      String literal = in.nextString();
      String range = "must be a whole number from " + min + " to " + max + ", not ";
      if (!literal.matches("-?[0-9]+")) {
        throw fail(at, range + number(literal));
      }
      long value;
      try {
        value = Long.parseLong(literal);
      } catch (NumberFormatException e) {
        throw fail(at, range + number(literal));
      }
      if (value < min || value > max) {
        throw fail(at, range + number(literal));
      }
      return value;
    }

    private boolean bool(String at) throws IOException, InvalidConfigException {
      expect(at, JsonToken.BOOLEAN, "true or false");
      return in.nextBoolean();
    }

    private void expect(String at, JsonToken token, String what)
        throws IOException, InvalidConfigException {
      JsonToken actual = in.peek();
      if (actual != token) {
        throw fail(at, "must be " + what + ", not " + describe(actual));
      }
    }

    private InvalidConfigException unknownKey(String at, String key, List<String> known) {
      return fail(
          at, "unknown key \"" + abbreviate(key) + "\" (known: " + String.join(", ", known) + ")");
    }

    private InvalidConfigException fail(String at, String reason) {
      return new InvalidConfigException(path, at == null ? reason : at + ": " + reason);
    }

    private static String describe(JsonToken token) {
      return switch (token) {
        case BEGIN_OBJECT -> "an object";
        case BEGIN_ARRAY -> "a list";
        case STRING -> "a string";
        case NUMBER -> "a number";
        case BOOLEAN -> "true/false";
        case NULL -> "null";
        default -> "the end";
      };
    }

    private static String number(String literal) {
      return abbreviate(literal);
    }

    private static String plain(double value) {
      return value == Math.rint(value) ? "" + (long) value : "" + value;
    }
  }

  /** Untrusted text echoed in a reason: at most 80 characters, control characters as {@code ?}. */
  static String abbreviate(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 80) + 3);
    for (int i = 0; i < text.length() && out.length() < 80; i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return text.length() > 80 ? out.append("...").toString() : out.toString();
  }
}
