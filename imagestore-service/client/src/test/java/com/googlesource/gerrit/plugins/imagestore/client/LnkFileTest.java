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

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LnkFileTest {
  private static final String ID = "0123456789abcdef0123456789abcdef";

  @Test
  void formatsExactlyWhatUiVeri5Writes() {
    assertThat(LnkFile.format(ImageId.of(ID))).isEqualTo("uuid=" + ID);
  }

  @Test
  void parsesLikeUiVeri5() throws Exception {
    assertThat(LnkFile.parse("uuid=" + ID).value()).isEqualTo(ID);
    assertThat(LnkFile.parse("uuid=" + ID + "\n").value()).isEqualTo(ID);
    assertThat(
            LnkFile.parse(("# ref\nuuid=" + ID + "\r\n").getBytes(StandardCharsets.UTF_8)).value())
        .isEqualTo(ID);
  }

  @Test
  void refusesLinksThatNameNoValidImage() {
    assertThrows(LnkFile.MalformedLnkException.class, () -> LnkFile.parse(""));
    assertThrows(LnkFile.MalformedLnkException.class, () -> LnkFile.parse("id=" + ID));
    assertThrows(
        LnkFile.MalformedLnkException.class, () -> LnkFile.parse("uuid=" + ID.toUpperCase()));
    // UIVeri5's \w+ would stop at the first dash: a dashed UUID is not ours.
    assertThrows(
        LnkFile.MalformedLnkException.class,
        () -> LnkFile.parse("uuid=123e4567-e89b-12d3-a456-426614174000"));
    assertThrows(
        LnkFile.MalformedLnkException.class, () -> LnkFile.parse(new byte[LnkFile.MAX_SIZE + 1]));
  }

  @Test
  void idsAreDerivedFromContent() {
    byte[] content = "png bytes".getBytes(StandardCharsets.UTF_8);
    ImageId id = ImageId.forContent(content);
    assertThat(id.value()).isEqualTo(ImageId.sha256Hex(content).substring(0, 32));
    assertThat(ImageId.isValid(id.value())).isTrue();
    assertThrows(IllegalArgumentException.class, () -> ImageId.of("xyz"));
  }
}
