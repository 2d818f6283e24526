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

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.Links;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.MalformedLnkException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code .lnk} parsing on any content: it reads what UIVeri5 reads (the first {@code
 * /(uuid=)(\w+)/}) or refuses with {@link MalformedLnkException}, and parse ∘ format is the
 * identity; reading the variants ({@code alt=} lines) never changes the reference UIVeri5 reads.
 * Every test run replays the corpus in {@code LnkFileFuzzTestInputs/}; {@code tools/fuzz/run.sh}
 * fuzzes.
 */
class LnkFileFuzzTest {
  /** UIVeri5's own regular expression (JavaScript's {@code \w} is ASCII, as Java's). */
  private static final Pattern UIVERI5 = Pattern.compile("(uuid=)(\\w+)");

  @FuzzTest
  void readsWhatUiveri5Reads(byte[] content) {
    ImageId id;
    try {
      id = LnkFile.parse(content);
    } catch (MalformedLnkException e) {
      assertThat(e.getMessage()).isNotEmpty();
      if (content.length <= LnkFile.MAX_SIZE) {
        Matcher m = UIVERI5.matcher(new String(content, StandardCharsets.UTF_8));
        // Refused: UIVeri5 finds no id either, or not one of ours.
        assertThat(m.find() && ImageId.isValid(m.group(2))).isFalse();
      }
      return;
    }
    assertThat(content.length).isAtMost(LnkFile.MAX_SIZE);
    Matcher m = UIVERI5.matcher(new String(content, StandardCharsets.UTF_8));
    assertThat(m.find()).isTrue();
    assertThat(m.group(2)).isEqualTo(id.value());
    assertThat(roundTrip(id)).isEqualTo(id);
  }

  @FuzzTest
  void formatThenParseIsTheIdentity(FuzzedDataProvider in) throws MalformedLnkException {
    ImageId id =
        ImageId.of(
            HexFormat.of().formatHex(in.consumeBytes(16)).concat("0".repeat(32)).substring(0, 32));
    assertThat(roundTrip(id)).isEqualTo(id);
    assertThat(LnkFile.parse(LnkFile.format(id))).isEqualTo(id);
    assertThat(new String(LnkFile.formatBytes(id), StandardCharsets.UTF_8))
        .isEqualTo("uuid=" + id.value());
  }

  @FuzzTest
  void variantsNeverChangeTheReference(byte[] content) throws MalformedLnkException {
    Links links;
    try {
      links = LnkFile.parseLinks(content);
    } catch (MalformedLnkException e) {
      assertThat(e.getMessage()).isNotEmpty();
      return;
    }
    // What parseLinks accepts, parse accepts, with the same reference: UIVeri5's.
    assertThat(links.reference()).isEqualTo(LnkFile.parse(content));
    assertThat(links.variants().size()).isAtMost(LnkFile.MAX_VARIANTS);
    assertThat(new HashSet<>(links.all())).hasSize(links.all().size());
    assertThat(LnkFile.parseLinks(LnkFile.formatBytes(links))).isEqualTo(links);
  }

  @FuzzTest
  void formattedVariantsReadBack(FuzzedDataProvider in) throws MalformedLnkException {
    ImageId reference = id(in);
    List<ImageId> variants = new ArrayList<>();
    int n = in.consumeInt(0, LnkFile.MAX_VARIANTS);
    for (int i = 0; i < n; i++) {
      ImageId v = id(in);
      if (!v.equals(reference) && !variants.contains(v)) {
        variants.add(v);
      }
    }
    Links links = new Links(reference, variants);
    String content = LnkFile.format(links);
    assertThat(LnkFile.parseLinks(content)).isEqualTo(links);
    // UIVeri5's own expression still finds the reference first.
    Matcher m = UIVERI5.matcher(content);
    assertThat(m.find()).isTrue();
    assertThat(m.group(2)).isEqualTo(reference.value());
    assertThat(content).startsWith(LnkFile.format(reference));
  }

  private static ImageId id(FuzzedDataProvider in) {
    return ImageId.of(
        HexFormat.of().formatHex(in.consumeBytes(16)).concat("0".repeat(32)).substring(0, 32));
  }

  private static ImageId roundTrip(ImageId id) {
    try {
      return LnkFile.parse(LnkFile.formatBytes(id));
    } catch (MalformedLnkException e) {
      throw new AssertionError("cannot read what it wrote: " + LnkFile.format(id), e);
    }
  }
}
