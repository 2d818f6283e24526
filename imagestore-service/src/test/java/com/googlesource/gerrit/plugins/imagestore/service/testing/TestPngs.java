package com.googlesource.gerrit.plugins.imagestore.service.testing;

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
