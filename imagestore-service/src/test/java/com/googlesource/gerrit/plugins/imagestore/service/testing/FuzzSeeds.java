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

package com.googlesource.gerrit.plugins.imagestore.service.testing;

import com.googlesource.gerrit.plugins.imagestore.diff.testing.HandMadePng;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes the seed corpora of the service's fuzz tests (the {@code *FuzzTestInputs/} directories
 * below {@code src/test/resources} here and in {@code diff/}): small real PNGs of every colour
 * type, bit depth and row filter, damaged ones, and zlib streams. Run once from {@code
 * imagestore-service/} with the test class path; the files are checked in, and findings are added
 * beside them by hand.
 */
public final class FuzzSeeds {
  private static final String RESOURCES =
      "src/test/resources/com/googlesource/gerrit/plugins/imagestore/service/";
  private static final String DIFF_RESOURCES =
      "diff/src/test/resources/com/googlesource/gerrit/plugins/imagestore/diff/";

  public static void main(String[] args) throws IOException {
    Map<String, byte[]> pngs = new LinkedHashMap<>();
    pngs.put("imageio-argb-24x12", TestPngs.png(24, 12, 1));
    pngs.put("imageio-argb-1x1", TestPngs.png(1, 1, 2));
    pngs.put("screenshot-rgb-40x30", TestPngs.screenshot(40, 30, 3));
    BufferedImage indexed = new BufferedImage(9, 7, BufferedImage.TYPE_BYTE_INDEXED);
    indexed.setRGB(3, 3, 0xff00ff00);
    pngs.put("imageio-palette-9x7", TestPngs.encode(indexed));
    BufferedImage binary = new BufferedImage(13, 5, BufferedImage.TYPE_BYTE_BINARY);
    binary.setRGB(2, 2, 0xffffffff);
    pngs.put("imageio-1bit-13x5", TestPngs.encode(binary));
    BufferedImage grey = new BufferedImage(6, 6, BufferedImage.TYPE_USHORT_GRAY);
    grey.setRGB(1, 1, 0xff808080);
    pngs.put("imageio-grey16-6x6", TestPngs.encode(grey));
    Random random = new Random(11);
    int[] argb = new int[7 * 5];
    for (int i = 0; i < argb.length; i++) {
      argb[i] = random.nextInt();
    }
    int[] allFilters = {0, 1, 2, 3, 4};
    for (int colorType : new int[] {0, 2, 4, 6}) {
      for (int depth : new int[] {8, 16}) {
        pngs.put(
            "handmade-type" + colorType + "-depth" + depth + "-filters-7x5",
            HandMadePng.encode(7, 5, argb, colorType, depth, allFilters, -1));
      }
    }
    pngs.put("handmade-rgb-trns-7x5", HandMadePng.encode(7, 5, argb, 2, 8, allFilters, 0x123456));
    pngs.put("handmade-rgba-paeth-7x5", HandMadePng.encode(7, 5, argb, 6, 8, new int[] {4}, -1));
    pngs.put("blank-rgba-200x100", HandMadePng.blank(200, 100, 6, 8, 9));

    byte[] good = pngs.get("imageio-argb-24x12");
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("bad-undecodable-idat", TestPngs.undecodable(good));
    bad.put("bad-truncated", Arrays.copyOf(good, good.length - 20));
    bad.put("bad-trailing-data", concat(good, "garbage".getBytes(StandardCharsets.US_ASCII)));
    byte[] crc = good.clone();
    crc[29] ^= 1;
    bad.put("bad-ihdr-crc", crc);
    byte[] depth = pngs.get("handmade-type2-depth8-filters-7x5").clone();
    depth[24] = 3;
    bad.put("bad-depth", depth);
    byte[] filter = pngs.get("handmade-type6-depth8-filters-7x5").clone();
    bad.put("bad-no-idat", withoutChunk(filter, "IDAT"));
    bad.put("bad-signature-only", Arrays.copyOf(good, 8));
    bad.put("bad-zero-width", zeroWidth(good));
    bad.put("not-png", "GIF89a".getBytes(StandardCharsets.US_ASCII));

    Map<String, byte[]> all = new LinkedHashMap<>(pngs);
    all.putAll(bad);
    write(RESOURCES + "png/PngValidationFuzzTestInputs/acceptsOnlyWellFormedPngs", all);
    write(DIFF_RESOURCES + "PngCodecFuzzTestInputs/decodesToItsHeaderSizeOrRefuses", all);

    Map<String, byte[]> streams = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : pngs.entrySet()) {
      byte[] idat = firstIdat(e.getValue());
      if (idat != null && idat.length < 4096) {
        streams.put("idat-" + e.getKey(), idat);
      }
    }
    byte[] text =
        "the quick brown fox jumps over the lazy dog; the lazy dog sleeps"
            .repeat(5)
            .getBytes(StandardCharsets.US_ASCII);
    for (int level : new int[] {0, 1, 6, 9}) {
      streams.put("text-level" + level, deflate(text, level, Deflater.DEFAULT_STRATEGY));
    }
    streams.put("text-huffman-only", deflate(text, 6, Deflater.HUFFMAN_ONLY));
    streams.put("empty", deflate(new byte[0], 6, Deflater.DEFAULT_STRATEGY));
    byte[] adler = deflate(text, 6, Deflater.DEFAULT_STRATEGY);
    adler[adler.length - 1] ^= 1;
    streams.put("bad-adler", adler);
    byte[] window = deflate(text, 6, Deflater.DEFAULT_STRATEGY);
    window[0] = (byte) 0x88; // a window of 64 KiB: not zlib
    window[1] = (byte) (31 - (0x88 << 8) % 31);
    streams.put("bad-window-size", window);
    streams.put("bad-truncated", Arrays.copyOf(adler, adler.length / 2));
    write(DIFF_RESOURCES + "ZlibInflaterFuzzTestInputs/agreesWithZlib", streams);

    Map<String, byte[]> data = new LinkedHashMap<>();
    data.put("text", text);
    data.put("zeros", new byte[64]);
    byte[] noise = new byte[256];
    random.nextBytes(noise);
    data.put("noise", noise);
    write(DIFF_RESOURCES + "ZlibInflaterFuzzTestInputs/inflatesWhatDeflaterWrites", data);

    write(
        RESOURCES + "http/ReferenceImportFuzzTestInputs/handsOverOneArrayOrRefusesAsBadInput",
        importBodies());
  }

  /**
   * Bodies of {@code PUT /references/import}: valid arrays, and one way to break them each, a wrong
   * type for every field among them.
   */
  private static Map<String, byte[]> importBodies() {
    String ref =
        "{\"project\":\"ui/app\",\"branch\":\"refs/heads/master\",\"commit\":\""
            + "1".repeat(40)
            + "\",\"path\":\"images/a.ref.lnk\",\"uuid\":\""
            + "0".repeat(32)
            + "\"}";
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("valid-one", "[" + ref + "]");
    bodies.put("valid-four", "[" + String.join(",", List.of(ref, ref, ref, ref)) + "]");
    bodies.put("valid-pretty", "[\n  " + ref + " ,\n\n  null\n ]\n");
    bodies.put("empty", "[]");
    bodies.put("trailing-bytes", "[" + ref + "]x");
    bodies.put("trailing-array", "[] []");
    bodies.put("cut", "[" + ref + "," + ref.substring(0, 30));
    bodies.put("not-an-array", "{\"references\":[" + ref + "]}");
    for (String field : List.of("project", "branch", "commit", "path", "uuid")) {
      bodies.put(
          "wrong-type-" + field,
          "[" + ref.replace("\"" + field + "\":", "\"" + field + "\":{},\"x\":") + "]");
    }
    bodies.put("number-and-boolean", "[{\"project\":7,\"branch\":true,\"path\":null}]");
    bodies.put("unknown-member", "[{\"note\":[1,{\"a\":[]}]," + ref.substring(1) + "]");
    bodies.put("duplicate-member", "[{\"uuid\":{},\"uuid\":\"x\"}]");
    bodies.put("lenient", "[{project:'ui/app'}]");
    bodies.put("escapes", "[{\"path\":\"\\u00e9\\n\\ud83d\\ude00\"}]");
    bodies.put("long-path", "[{\"path\":\"" + "p".repeat(300) + "\"}]");
    bodies.put("nested", "[{\"note\":" + "[".repeat(300) + "]");
    Map<String, byte[]> out = new LinkedHashMap<>();
    bodies.forEach((name, body) -> out.put(name, body.getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  private static void write(String dir, Map<String, byte[]> files) throws IOException {
    Path d = Path.of(dir);
    Files.createDirectories(d);
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Files.write(d.resolve(e.getKey()), e.getValue());
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static List<int[]> chunks(byte[] png) {
    List<int[]> out = new ArrayList<>();
    int pos = 8;
    while (pos + 12 <= png.length) {
      int length = ByteBuffer.wrap(png, pos, 4).getInt();
      out.add(new int[] {pos, length});
      pos += 12 + length;
    }
    return out;
  }

  private static String type(byte[] png, int pos) {
    return new String(png, pos + 4, 4, StandardCharsets.US_ASCII);
  }

  private static byte[] firstIdat(byte[] png) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (int[] c : chunks(png)) {
      if (type(png, c[0]).equals("IDAT")) {
        data.write(png, c[0] + 8, c[1]);
      }
    }
    return data.size() == 0 ? null : data.toByteArray();
  }

  private static byte[] withoutChunk(byte[] png, String type) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(png, 0, 8);
    for (int[] c : chunks(png)) {
      if (!type(png, c[0]).equals(type)) {
        out.write(png, c[0], 12 + c[1]);
      }
    }
    return out.toByteArray();
  }

  private static byte[] zeroWidth(byte[] png) {
    byte[] out = png.clone();
    Arrays.fill(out, 16, 20, (byte) 0);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(out, 12, 17);
    ByteBuffer.wrap(out, 29, 4).putInt((int) crc.getValue());
    return out;
  }

  private static byte[] deflate(byte[] data, int level, int strategy) throws IOException {
    Deflater deflater = new Deflater(level);
    deflater.setStrategy(strategy);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out, deflater)) {
      z.write(data);
    } finally {
      deflater.end();
    }
    return out.toByteArray();
  }

  private FuzzSeeds() {}
}
