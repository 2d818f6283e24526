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

package com.googlesource.gerrit.plugins.imagestore;

import com.google.common.base.Strings;
import com.google.gerrit.common.Die;
import com.google.gerrit.extensions.annotations.PluginName;
import com.google.gerrit.pgm.init.api.ConsoleUI;
import com.google.gerrit.pgm.init.api.InitStep;
import com.google.gerrit.pgm.init.api.Section;
import com.google.inject.Inject;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import java.util.Objects;

/**
 * The plugin's step in {@code gerrit init} (manifest entry {@code Gerrit-InitStep}): asks for the
 * image service's URL ({@code gerrit.config}) and for the service account and its password, which
 * go to {@code secure.config} only, where the plugin reads them. Existing values are offered as
 * defaults; {@code --batch} keeps them. A URL the plugin would refuse ({@link
 * ImagestoreConfig#serviceUrlProblem}) is asked again, or fails a batch init.
 */
public class ImagestoreInitStep implements InitStep {
  private final ConsoleUI ui;
  private final Section section;

  @Inject
  ImagestoreInitStep(@PluginName String pluginName, ConsoleUI ui, Section.Factory sections) {
    this.ui = ui;
    this.section = sections.get(ImagestoreConfig.SECTION, pluginName);
  }

  @Override
  public void run() {
    ui.header("Imagestore: the image service for visual-test screenshots");
    askServiceUrl();
    String current = section.getSecure(ImagestoreConfig.KEY_USERNAME);
    String user =
        Strings.emptyToNull(
            Strings.nullToEmpty(
                    ui.readString(current, "Service account on the image service (role indexer)"))
                .trim());
    if (!Objects.equals(current, user)) {
      section.setSecure(ImagestoreConfig.KEY_USERNAME, user);
      // The stored password was another account's: ask for this one's.
      section.setSecure(ImagestoreConfig.KEY_PASSWORD, null);
    }
    // Asks for the password of that account (keeps a stored one unless told to change it); without
    // an account, removes it.
    section.password(ImagestoreConfig.KEY_USERNAME, ImagestoreConfig.KEY_PASSWORD);
  }

  private void askServiceUrl() {
    while (true) {
      String url =
          Strings.emptyToNull(
              Strings.nullToEmpty(
                      section.string(
                          "Image service URL (e.g. https://imagestore.example.com/)",
                          ImagestoreConfig.KEY_SERVICE_URL,
                          null))
                  .trim());
      String problem = url == null ? null : ImagestoreConfig.serviceUrlProblem(url);
      if (problem == null) {
        section.set(ImagestoreConfig.KEY_SERVICE_URL, url);
        return;
      }
      if (ui.isBatch()) {
        throw new Die(ImagestoreConfig.KEY_SERVICE_URL + " " + url + " " + problem);
      }
      ui.message("%s %s\n", ImagestoreConfig.KEY_SERVICE_URL, problem);
      section.unset(ImagestoreConfig.KEY_SERVICE_URL);
    }
  }
}
