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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code .lnk} file that stands in git for a screenshot: {@code uuid=<32 hex>}.
 *
 * <p>UIVeri5 writes exactly {@code "uuid=" + id} (no newline) and reads the first match of {@code
 * /(uuid=)(\w+)/}; we read the same way but insist on a well-formed id.
 */
public final class LnkFile {
  /** Upper bound for a file to be considered a link at all; real ones are 37 bytes. */
  public static final int MAX_SIZE = 4096;

  private static final Pattern UUID_ENTRY = Pattern.compile("(uuid=)(\\w+)");

  /** Returns the content UIVeri5 writes for this image. */
  public static String format(ImageId id) {
    return "uuid=" + id.value();
  }

  public static byte[] formatBytes(ImageId id) {
    return format(id).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads the image id from a {@code .lnk} file's content.
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
    Matcher m = UUID_ENTRY.matcher(content);
    if (!m.find()) {
      throw new MalformedLnkException("no 'uuid=<id>' entry");
    }
    String id = m.group(2);
    if (!ImageId.isValid(id)) {
      throw new MalformedLnkException(
          "'uuid=" + Abbreviate.forMessage(id) + "' is not 32 lowercase hex digits");
    }
    return ImageId.of(id);
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
