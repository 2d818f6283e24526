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

package com.googlesource.gerrit.plugins.imagestore.diff.testing;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Real PNG files, encoded by the JDK's ImageIO. */
public final class TestPngs {
  /** A {@code width}x{@code height} PNG filled with a colour derived from {@code seed}. */
  public static byte[] png(int width, int height, int seed) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(0xff000000 | (seed * 0x9e3779b1 & 0xffffff), true));
    g.fillRect(0, 0, width, height);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, height / 4)));
    g.drawString("#" + seed, 2, Math.max(10, height / 2));
    g.dispose();
    return encode(img);
  }

  public static byte[] png(int seed) {
    return png(64, 32, seed);
  }

  /**
   * A {@code width}x{@code height} PNG that looks like a screenshot of a business web app (a shell
   * bar, a side navigation, a toolbar with buttons and a table of text rows), with antialiased
   * text; {@code seed} chooses the texts, the accent colour and the selected row.
   */
  public static byte[] screenshot(int width, int height, int seed) {
    Random random = new Random(seed);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    Color accent = Color.getHSBColor(random.nextFloat(), 0.7f, 0.75f);
    g.setColor(new Color(0xf7f7f7));
    g.fillRect(0, 0, width, height);
    int bar = Math.max(16, height / 12);
    g.setColor(new Color(0x354a5f));
    g.fillRect(0, 0, width, bar);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, bar / 2));
    g.setColor(Color.WHITE);
    g.drawString(WORDS[random.nextInt(WORDS.length)] + " Manager", bar, bar * 2 / 3);
    g.fillOval(width - bar, bar / 6, bar * 2 / 3, bar * 2 / 3);
    int nav = width / 5;
    g.setColor(Color.WHITE);
    g.fillRect(0, bar, nav, height - bar);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, bar / 2)));
    int row = Math.max(12, bar * 3 / 4);
    for (int i = 0, y = bar + row; y < height; i++, y += row) {
      if (i == seed % 5) {
        g.setColor(accent);
        g.fillRect(0, y - row * 3 / 4, 3, row);
      }
      g.setColor(new Color(0x32363a));
      g.drawString(WORDS[(seed + i) % WORDS.length], 8, y);
    }
    int toolbar = bar + row / 2;
    for (int b = 0; b < 3; b++) {
      int x = width - (b + 1) * (width / 8 + 6);
      g.setColor(b == 0 ? accent : Color.WHITE);
      g.fillRoundRect(x, toolbar, width / 8, row, 6, 6);
      g.setColor(b == 0 ? Color.WHITE : accent);
      g.drawRoundRect(x, toolbar, width / 8, row, 6, 6);
      g.drawString(BUTTONS[b], x + 4, toolbar + row * 3 / 4);
    }
    int selected = random.nextInt(8);
    for (int r = 0, y = toolbar + row * 2; y + row < height; r++, y += row) {
      g.setColor(
          r == selected ? new Color(0xe5f0fa) : r % 2 == 0 ? Color.WHITE : new Color(0xfafafa));
      g.fillRect(nav + 8, y, width - nav - 16, row);
      g.setColor(new Color(0x6a6d70));
      g.drawString(
          WORDS[random.nextInt(WORDS.length)] + " " + (1000 + random.nextInt(9000)),
          nav + 12,
          y + row * 3 / 4);
      g.drawString(
          String.format("%,d.%02d EUR", random.nextInt(100_000), random.nextInt(100)),
          nav + (width - nav) / 2,
          y + row * 3 / 4);
    }
    g.dispose();
    return encode(img);
  }

  private static final String[] WORDS = {
    "Orders", "Invoices", "Suppliers", "Products", "Shipments", "Contracts", "Warehouse", "Returns"
  };
  private static final String[] BUTTONS = {"Create", "Edit", "Export"};

  /**
   * {@code png} with a {@code tEXt} chunk ({@code keyword}, {@code text}) right after its IHDR: the
   * same pixels, other bytes. A cheap way to make many distinct, valid images from one.
   */
  public static byte[] withText(byte[] png, String keyword, String text) {
    byte[] data = (keyword + "\0" + text).getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
    chunk.putInt(data.length).put("tEXt".getBytes(StandardCharsets.US_ASCII)).put(data);
    CRC32 crc = new CRC32();
    crc.update(chunk.array(), 4, 4 + data.length);
    chunk.putInt((int) crc.getValue());
    int ihdrEnd = 8 + 4 + 4 + 13 + 4; // signature, IHDR chunk
    ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + chunk.capacity());
    out.write(png, 0, ihdrEnd);
    out.writeBytes(chunk.array());
    out.write(png, ihdrEnd, png.length - ihdrEnd);
    return out.toByteArray();
  }

  public static byte[] encode(BufferedImage img) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, "png", out)) {
        throw new IllegalStateException("no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * {@code png} with the data of its IDAT chunks overwritten: the chunk structure (what an upload
   * checks) stays valid, but there are no pixels to decode.
   */
  public static byte[] undecodable(byte[] png) {
    byte[] out = png.clone();
    int pos = 8;
    while (pos + 8 <= out.length) {
      int length = ByteBuffer.wrap(out, pos, 4).getInt();
      String type = new String(out, pos + 4, 4, StandardCharsets.US_ASCII);
      if (type.equals("IDAT")) {
        Arrays.fill(out, pos + 8, pos + 8 + length, (byte) 0x5a);
      }
      pos += 12 + length;
    }
    return out;
  }

  private TestPngs() {}
}
