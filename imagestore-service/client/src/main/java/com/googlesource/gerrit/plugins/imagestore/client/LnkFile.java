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

package com.googlesource.gerrit.plugins.imagestore.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code .lnk} file that stands in git for a screenshot: {@code uuid=<32 hex>}, optionally
 * followed by accepted variants, one {@code alt=<32 hex>} line each.
 *
 * <p>UIVeri5 writes exactly {@code "uuid=" + id} (no newline) and reads the first match of {@code
 * /(uuid=)(\w+)/}; we read the same way but insist on a well-formed id. The {@code alt=} lines come
 * after that first {@code uuid=} line, so UIVeri5 keeps reading the reference from a link with
 * variants (it ignores the rest of the file; when it records a new reference it rewrites the file
 * as {@code uuid=<id>} alone, dropping the variants).
 */
public final class LnkFile {
  /** Upper bound for a file to be considered a link at all; real ones are 37 bytes. */
  public static final int MAX_SIZE = 4096;

  /** At most this many {@code alt=} lines: a link names a few accepted renderings, not a list. */
  public static final int MAX_VARIANTS = 16;

  private static final Pattern UUID_ENTRY = Pattern.compile("(uuid=)(\\w+)");

  /** Whatever looks like an {@code alt=} line, so that a misspelt one is refused, not skipped. */
  private static final Pattern ALT_LINE = Pattern.compile("(?is)\\s*alt\\s*=.*");

  private static final String ALT = "alt=";

  /**
   * The images a link names.
   *
   * @param reference the image of the first {@code uuid=} line: what UIVeri5 compares with
   * @param variants further accepted images, in the order of their {@code alt=} lines; distinct,
   *     none the reference, at most {@link #MAX_VARIANTS}
   */
  public record Links(ImageId reference, List<ImageId> variants) {
    public Links {
      if (reference == null) {
        throw new IllegalArgumentException("a link needs a reference");
      }
      variants = List.copyOf(variants);
      if (variants.size() > MAX_VARIANTS) {
        throw new IllegalArgumentException(
            "more than " + MAX_VARIANTS + " variants (" + variants.size() + ")");
      }
      if (variants.contains(reference) || Set.copyOf(variants).size() != variants.size()) {
        throw new IllegalArgumentException("variants must be distinct and not the reference");
      }
    }

    /** A link without variants, as UIVeri5 writes it. */
    public static Links of(ImageId reference) {
      return new Links(reference, List.of());
    }

    /** Every image the link names, the reference first. */
    public List<ImageId> all() {
      List<ImageId> all = new ArrayList<>(1 + variants.size());
      all.add(reference);
      all.addAll(variants);
      return all;
    }

    /** Whether {@code id} is the reference or a variant. */
    public boolean names(ImageId id) {
      return reference.equals(id) || variants.contains(id);
    }

    /** Whether another variant would exceed {@link #MAX_VARIANTS}. */
    public boolean isFull() {
      return variants.size() >= MAX_VARIANTS;
    }

    /**
     * This link with {@code variant} accepted too; the same link when it names it already.
     *
     * @throws IllegalStateException when the link holds {@link #MAX_VARIANTS} variants already
     */
    public Links withVariant(ImageId variant) {
      if (names(variant)) {
        return this;
      }
      if (isFull()) {
        throw new IllegalStateException(
            "a link holds at most " + MAX_VARIANTS + " variants (alt= lines)");
      }
      List<ImageId> more = new ArrayList<>(variants);
      more.add(variant);
      return new Links(reference, more);
    }

    /** This link with {@code id} as its reference, keeping the variants (less {@code id}). */
    public Links withReference(ImageId id) {
      return new Links(id, variants.stream().filter(v -> !v.equals(id)).toList());
    }
  }

  /** Returns the content UIVeri5 writes for this image. */
  public static String format(ImageId id) {
    return "uuid=" + id.value();
  }

  public static byte[] formatBytes(ImageId id) {
    return format(id).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The content of a link: the reference line exactly as UIVeri5 writes it (so a link without
   * variants is byte for byte UIVeri5's), then one {@code alt=} line per variant.
   */
  public static String format(Links links) {
    if (links.variants().isEmpty()) {
      return format(links.reference());
    }
    StringBuilder s = new StringBuilder(format(links.reference())).append('\n');
    for (ImageId v : links.variants()) {
      s.append(ALT).append(v.value()).append('\n');
    }
    return s.toString();
  }

  public static byte[] formatBytes(Links links) {
    return format(links).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads the image id from a {@code .lnk} file's content: the reference, as UIVeri5 reads it.
   *
   * @throws MalformedLnkException when there is no {@code uuid=} entry or it is not a valid id
   */
  public static ImageId parse(byte[] content) throws MalformedLnkException {
    if (content.length > MAX_SIZE) {
      throw new MalformedLnkException("too large for a .lnk file (" + content.length + " bytes)");
    }
    return parse(new String(content, StandardCharsets.UTF_8));
  }

  public static ImageId parse(String content) throws MalformedLnkException {
    return reference(content).id;
  }

  private record Entry(ImageId id, int end) {}

  private static Entry reference(String content) throws MalformedLnkException {
    Matcher m = UUID_ENTRY.matcher(content);
    if (!m.find()) {
      throw new MalformedLnkException("no 'uuid=<id>' entry");
    }
    String id = m.group(2);
    if (!ImageId.isValid(id)) {
      throw new MalformedLnkException(
          "'uuid=" + Abbreviate.forMessage(id) + "' is not 32 lowercase hex digits");
    }
    return new Entry(ImageId.of(id), m.end());
  }

  /**
   * Reads the reference and the variants from a {@code .lnk} file's content. The reference is what
   * {@link #parse(byte[])} reads; every line after its line that starts with {@code alt=} names a
   * variant. Other lines are skipped, as UIVeri5 skips them; a variant listed twice or equal to the
   * reference counts once.
   *
   * @throws MalformedLnkException as {@link #parse(byte[])}, and when a line that looks like an
   *     {@code alt=} line (any case, blanks around) is not exactly {@code alt=<32 lowercase hex>}
   *     or comes before the {@code uuid=} line, or when there are more than {@link #MAX_VARIANTS}
   */
  public static Links parseLinks(byte[] content) throws MalformedLnkException {
    if (content.length > MAX_SIZE) {
      throw new MalformedLnkException("too large for a .lnk file (" + content.length + " bytes)");
    }
    return parseLinks(new String(content, StandardCharsets.UTF_8));
  }

  public static Links parseLinks(String content) throws MalformedLnkException {
    Entry reference = reference(content);
    String[] lines = content.split("\n", -1);
    // The reference's line: the one its entry ends on.
    int referenceLine = 0;
    for (int i = 0, at = 0; i < lines.length; at += lines[i].length() + 1, i++) {
      if (reference.end() <= at + lines[i].length()) {
        referenceLine = i;
        break;
      }
    }
    Set<ImageId> variants = new LinkedHashSet<>();
    int count = 0;
    for (int i = 0; i < lines.length; i++) {
      if (i == referenceLine || !ALT_LINE.matcher(lines[i]).matches()) {
        continue;
      }
      if (i < referenceLine) {
        throw new MalformedLnkException("an alt= line before the uuid= line");
      }
      if (++count > MAX_VARIANTS) {
        throw new MalformedLnkException(
            "more than " + MAX_VARIANTS + " alt= lines (the most a link may hold)");
      }
      String entry = lines[i].strip();
      String id = entry.startsWith(ALT) ? entry.substring(ALT.length()) : "";
      if (!ImageId.isValid(id)) {
        throw new MalformedLnkException(
            "'" + Abbreviate.forMessage(entry) + "' is not 'alt=' and 32 lowercase hex digits");
      }
      if (!id.equals(reference.id().value())) {
        variants.add(ImageId.of(id));
      }
    }
    return new Links(reference.id(), List.copyOf(variants));
  }

  /** A {@code .lnk} file that does not name an image. */
  public static final class MalformedLnkException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedLnkException(String message) {
      super(message);
    }
  }

  private LnkFile() {}
}
