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

// Writes small PNG screenshots with random pixels, so that every run produces new image ids.
// Used by bin/e2e:   java -Djava.awt.headless=true tools/devstack/MakePng.java A.png [B.png...]

import java.awt.image.BufferedImage;
import java.io.File;
import java.security.SecureRandom;
import javax.imageio.ImageIO;

public class MakePng {
  public static void main(String[] args) throws Exception {
    SecureRandom random = new SecureRandom();
    for (String path : args) {
      BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          image.setRGB(x, y, random.nextInt(0x1000000));
        }
      }
      if (!ImageIO.write(image, "png", new File(path))) {
        throw new IllegalStateException("no PNG writer");
      }
    }
  }
}
