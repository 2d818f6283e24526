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

import static com.google.common.truth.Truth.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertThrows;

import com.google.gerrit.common.Die;
import com.google.gerrit.extensions.annotations.PluginName;
import com.google.gerrit.pgm.init.api.ConsoleUI;
import com.google.gerrit.pgm.init.api.InitFlags;
import com.google.gerrit.pgm.init.api.InstallAllPlugins;
import com.google.gerrit.pgm.init.api.InstallPlugins;
import com.google.gerrit.pgm.init.api.Section;
import com.google.gerrit.server.config.SitePaths;
import com.google.gerrit.server.securestore.DefaultSecureStore;
import com.google.gerrit.server.securestore.SecureStore;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.TypeLiteral;
import com.google.inject.assistedinject.FactoryModuleBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.lib.Config;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The init step on a real site directory, with Gerrit's own init API (InitFlags, Section, the
 * default secure store) wired by Guice as {@code gerrit init} wires a plugin's step; only the
 * console is scripted.
 */
public class ImagestoreInitStepTest {
  private static final String PASSWORD = "s3cr3t-Pa55word";

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private Path site;

  /** Answers prompts in order, as a user typing at the console would; records what was asked. */
  private static class ScriptedConsole extends ConsoleUI {
    final Deque<String> answers = new ArrayDeque<>();
    final List<String> asked = new ArrayList<>();
    final boolean batch;

    ScriptedConsole(boolean batch, String... answers) {
      this.batch = batch;
      this.answers.addAll(List.of(answers));
    }

    private String answer(String def, String fmt, Object... args) {
      asked.add(String.format(fmt, args));
      if (batch) {
        return def;
      }
      String a = answers.removeFirst();
      return a.isEmpty() ? def : a;
    }

    @Override
    public boolean isBatch() {
      return batch;
    }

    @Override
    public void header(String fmt, Object... args) {}

    @Override
    public void message(String fmt, Object... args) {
      asked.add(String.format(fmt, args));
    }

    @Override
    public boolean yesno(Boolean def, String fmt, Object... args) {
      return Boolean.parseBoolean(answer(String.valueOf(def), fmt, args));
    }

    @Override
    public void waitForUser() {}

    @Override
    public String readString(String def, String fmt, Object... args) {
      return answer(def, fmt, args);
    }

    @Override
    public String readString(String def, Set<String> allowed, String fmt, Object... args) {
      return answer(def, fmt, args);
    }

    @Override
    public String password(String fmt, Object... args) {
      return batch ? null : answer(null, fmt, args);
    }

    @Override
    public <T extends Enum<?>, A extends EnumSet<? extends T>> T readEnum(
        T def, A allowed, String fmt, Object... args) {
      return def;
    }
  }

  @Before
  public void setUp() throws Exception {
    site = tmp.getRoot().toPath();
    Files.createDirectories(site.resolve("etc"));
  }

  /**
   * Runs the step as {@code gerrit init} does, then saves gerrit.config as init does at its end.
   */
  private void init(ConsoleUI console) throws Exception {
    SitePaths sitePaths = new SitePaths(site);
    Injector injector =
        Guice.createInjector(
            new AbstractModule() {
              @Override
              protected void configure() {
                bind(SitePaths.class).toInstance(sitePaths);
                bind(ConsoleUI.class).toInstance(console);
                bind(SecureStore.class).to(DefaultSecureStore.class);
                bind(new TypeLiteral<List<String>>() {})
                    .annotatedWith(InstallPlugins.class)
                    .toInstance(List.of());
                bind(Boolean.class).annotatedWith(InstallAllPlugins.class).toInstance(false);
                bind(InitFlags.class);
                install(new FactoryModuleBuilder().build(Section.Factory.class));
                bind(String.class).annotatedWith(PluginName.class).toInstance("imagestore");
              }
            });
    injector.getInstance(ImagestoreInitStep.class).run();
    injector.getInstance(InitFlags.class).cfg.save();
  }

  private Config file(String name) throws Exception {
    Config c = new Config();
    Path f = site.resolve("etc").resolve(name);
    if (Files.exists(f)) {
      c.fromText(Files.readString(f, UTF_8));
    }
    return c;
  }

  @Test
  public void urlGoesToGerritConfigAccountAndPasswordToSecureConfigOnly() throws Exception {
    ScriptedConsole console =
        new ScriptedConsole(
            false,
            // A URL with credentials in it is refused and asked again.
            "https://bot:pw@images.example.com/",
            "https://images.example.com/",
            "gerrit-indexer",
            PASSWORD);
    init(console);

    Config gerrit = file("gerrit.config");
    assertThat(gerrit.getString("plugin", "imagestore", "serviceUrl"))
        .isEqualTo("https://images.example.com/");
    assertThat(gerrit.getNames("plugin", "imagestore")).containsExactly("serviceUrl");
    assertThat(Files.readString(site.resolve("etc/gerrit.config"), UTF_8)).doesNotContain(PASSWORD);
    Config secure = file("secure.config");
    assertThat(secure.getString("plugin", "imagestore", "username")).isEqualTo("gerrit-indexer");
    assertThat(secure.getString("plugin", "imagestore", "password")).isEqualTo(PASSWORD);
    assertThat(console.asked).contains("gerrit-indexer's password");
    assertThat(String.join("\n", console.asked)).contains("must not contain a user name");
  }

  @Test
  public void aBatchInitKeepsWhatIsConfigured() throws Exception {
    init(new ScriptedConsole(false, "http://127.0.0.1:8080/", "gerrit-indexer", PASSWORD));
    init(new ScriptedConsole(true));

    assertThat(file("gerrit.config").getString("plugin", "imagestore", "serviceUrl"))
        .isEqualTo("http://127.0.0.1:8080/");
    Config secure = file("secure.config");
    assertThat(secure.getString("plugin", "imagestore", "username")).isEqualTo("gerrit-indexer");
    assertThat(secure.getString("plugin", "imagestore", "password")).isEqualTo(PASSWORD);
  }

  @Test
  public void aStoredPasswordIsKeptUnlessTheAdminAsksToChangeIt() throws Exception {
    init(new ScriptedConsole(false, "http://127.0.0.1:8080/", "gerrit-indexer", PASSWORD));
    // Enter keeps URL and account; "false" keeps the password; then once more changing it.
    init(new ScriptedConsole(false, "", "", "false"));
    assertThat(file("secure.config").getString("plugin", "imagestore", "password"))
        .isEqualTo(PASSWORD);
    init(new ScriptedConsole(false, "", "", "true", "n3w-Pa55word"));
    assertThat(file("secure.config").getString("plugin", "imagestore", "password"))
        .isEqualTo("n3w-Pa55word");

    // Another account: its password is asked at once, the old one's is not kept.
    ScriptedConsole console = new ScriptedConsole(false, "", "other-bot", "0ther-Pa55word");
    init(console);
    Config secure = file("secure.config");
    assertThat(secure.getString("plugin", "imagestore", "username")).isEqualTo("other-bot");
    assertThat(secure.getString("plugin", "imagestore", "password")).isEqualTo("0ther-Pa55word");
    assertThat(console.asked).doesNotContain("Change other-bot's password");
  }

  @Test
  public void aBatchInitFailsOnAUrlThePluginWouldRefuse() throws Exception {
    Files.writeString(
        site.resolve("etc/gerrit.config"),
        "[plugin \"imagestore\"]\n\tserviceUrl = https://bot:pw@images.example.com/\n");
    Die e = assertThrows(Die.class, () -> init(new ScriptedConsole(true)));
    assertThat(e).hasMessageThat().contains("must not contain a user name");
  }

  @Test
  public void withoutAnAccountNoPasswordIsAskedOrKept() throws Exception {
    ScriptedConsole console = new ScriptedConsole(false, "http://127.0.0.1:8080/", "");
    init(console);
    Config secure = file("secure.config");
    assertThat(secure.getNames("plugin", "imagestore")).isEmpty();
    assertThat(String.join("\n", console.asked)).doesNotContain("password");
  }
}
