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

import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.Links;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LnkFileTest {
  private static final String ID = "0123456789abcdef0123456789abcdef";
  private static final String ALT1 = "fedcba9876543210fedcba9876543210";
  private static final String ALT2 = "00112233445566778899aabbccddeeff";

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

  @Test
  void aLinkWithoutVariantsIsExactlyWhatUiVeri5Writes() throws Exception {
    Links links = LnkFile.parseLinks("uuid=" + ID);
    assertThat(links).isEqualTo(Links.of(ImageId.of(ID)));
    assertThat(LnkFile.format(links)).isEqualTo("uuid=" + ID);
  }

  @Test
  void variantsFollowTheReferenceLine() throws Exception {
    String content = "uuid=" + ID + "\nalt=" + ALT1 + "\nalt=" + ALT2 + "\n";
    Links links = LnkFile.parseLinks(content);
    assertThat(links.reference().value()).isEqualTo(ID);
    assertThat(links.variants()).containsExactly(ImageId.of(ALT1), ImageId.of(ALT2)).inOrder();
    assertThat(links.all())
        .containsExactly(ImageId.of(ID), ImageId.of(ALT1), ImageId.of(ALT2))
        .inOrder();
    assertThat(LnkFile.format(links)).isEqualTo(content);
    // The reference is what UIVeri5 and parse() read.
    assertThat(LnkFile.parse(content).value()).isEqualTo(ID);
    // Windows line ends, blanks, comments and other lines are tolerated as UIVeri5 tolerates them.
    assertThat(
            LnkFile.parseLinks(
                "# screenshot\r\nuuid=" + ID + "\r\n\r\n  alt=" + ALT1 + "  \r\nnote\r\n"))
        .isEqualTo(new Links(ImageId.of(ID), List.of(ImageId.of(ALT1))));
    // A variant listed twice, or the reference listed again, counts once.
    assertThat(
            LnkFile.parseLinks("uuid=" + ID + "\nalt=" + ALT1 + "\nalt=" + ALT1 + "\nalt=" + ID)
                .variants())
        .containsExactly(ImageId.of(ALT1));
  }

  @Test
  void aBadAltLineMakesTheLinkInvalid() {
    for (String bad :
        List.of(
            "uuid=" + ID + "\nalt=" + ALT1.toUpperCase(),
            "uuid=" + ID + "\nalt=xyz",
            "uuid=" + ID + "\nalt=",
            "uuid=" + ID + "\nALT=" + ALT1,
            "uuid=" + ID + "\nalt =" + ALT1,
            "uuid=" + ID + "\nalt=" + ALT1 + " " + ALT2,
            "alt=" + ALT1 + "\nuuid=" + ID)) {
      LnkFile.MalformedLnkException e =
          assertThrows(LnkFile.MalformedLnkException.class, () -> LnkFile.parseLinks(bad), bad);
      assertThat(e.getMessage()).contains("alt");
    }
    // A bad reference is refused as by parse().
    assertThrows(
        LnkFile.MalformedLnkException.class, () -> LnkFile.parseLinks("uuid=x\nalt=" + ALT1));
  }

  @Test
  void atMostSixteenVariants() throws Exception {
    List<ImageId> sixteen = new ArrayList<>();
    StringBuilder content = new StringBuilder("uuid=" + ID + "\n");
    for (int i = 0; i < LnkFile.MAX_VARIANTS; i++) {
      ImageId v = ImageId.forContent(new byte[] {(byte) i});
      sixteen.add(v);
      content.append("alt=").append(v.value()).append('\n');
    }
    Links full = LnkFile.parseLinks(content.toString());
    assertThat(full.variants()).isEqualTo(sixteen);
    assertThat(full.isFull()).isTrue();
    ImageId another = ImageId.forContent(new byte[] {99});
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> full.withVariant(another));
    assertThat(e).hasMessageThat().contains("16");
    // An id already listed is no new variant, even in a full link.
    assertThat(full.withVariant(sixteen.get(3))).isSameInstanceAs(full);
    assertThat(full.withVariant(full.reference())).isSameInstanceAs(full);

    content.append("alt=").append(another.value()).append('\n');
    LnkFile.MalformedLnkException tooMany =
        assertThrows(
            LnkFile.MalformedLnkException.class, () -> LnkFile.parseLinks(content.toString()));
    assertThat(tooMany).hasMessageThat().contains("more than 16");
    assertThrows(
        IllegalArgumentException.class,
        () -> new Links(ImageId.of(ID), List.of(ImageId.of(ALT1), ImageId.of(ALT1))));
    assertThrows(
        IllegalArgumentException.class, () -> new Links(ImageId.of(ID), List.of(ImageId.of(ID))));
  }

  @Test
  void addingAVariantOrReplacingTheReferenceKeepsTheRest() {
    Links links = Links.of(ImageId.of(ID)).withVariant(ImageId.of(ALT1));
    assertThat(links.withVariant(ImageId.of(ALT1))).isSameInstanceAs(links);
    Links replaced = links.withVariant(ImageId.of(ALT2)).withReference(ImageId.of(ALT1));
    assertThat(replaced).isEqualTo(new Links(ImageId.of(ALT1), List.of(ImageId.of(ALT2))));
    assertThat(replaced.names(ImageId.of(ID))).isFalse();
  }
}
