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

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes COUNT distinct PNGs of about KIB KiB each into DIR, named by their content-derived image id
 * (the first 32 hex digits of the SHA-256) so that PUT /images/{id} stores them as they are.
 *
 * <p>Usage: java -Djava.awt.headless=true MakeNoisePngs.java DIR COUNT KIB SEED
 */
public class MakeNoisePngs {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    int kib = Integer.parseInt(args[2]);
    Random random = new Random(Long.parseLong(args[3]));
    Files.createDirectories(dir);
    // Random RGB does not compress: about 3 bytes a pixel.
    int side = (int) Math.sqrt(kib * 1024 / 3.0);
    for (int n = 0; n < count; n++) {
      BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          img.setRGB(x, y, random.nextInt(0x1000000));
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      byte[] png = out.toByteArray();
      String id =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png)).substring(0, 32);
      Files.write(dir.resolve(id + ".png"), png);
    }
  }
}
