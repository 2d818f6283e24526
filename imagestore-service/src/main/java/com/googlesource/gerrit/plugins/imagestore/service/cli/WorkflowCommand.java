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

package com.googlesource.gerrit.plugins.imagestore.service.cli;

import com.googlesource.gerrit.plugins.imagestore.client.GerritReviewClient;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.visualtest.ReferenceCache;
import com.googlesource.gerrit.plugins.imagestore.visualtest.Workflow;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code workflow DIR}: the visual-test workflow over a UIVeri5 tree (compare, update, upload,
 * central review). The steps live in {@link Workflow}; this class checks the command line.
 */
@Command(
    name = "workflow",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Compare the fresh screenshots of a UIVeri5 tree with their references; then",
      "optionally update the .lnk files, upload what the service lacks and ask Gerrit",
      "for a review.",
      "Links: DIR/**/images/<spec>/<platform>/<resolution>/<browser>/<theme>/",
      "  <direction>/<mode>/<name>.ref.lnk. Screenshots: <name>.act.png (or <name>.png)",
      "  beside them, or in the same images/... layout below --actual.",
      "Exit code 0: everything passed (or its link was updated), 1: something failed",
      "or is new, 2: bad usage or input (a malformed .lnk, an unreadable PNG)."
    })
final class WorkflowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "DIR",
      description = "The tree with the .ref.lnk files (a repository, or a test directory).")
  Path dir;

  @Option(
      names = "--compare",
      description =
          "Compare each screenshot with its reference (always done; the other steps build on it).")
  boolean compare;

  @Option(
      names = "--update",
      description = "Point the .lnk of every image that fails or is new at the fresh screenshot.")
  boolean update;

  @Option(
      names = "--as-variant",
      description =
          "With --update: add the fresh screenshot of a failing image to its .lnk as an accepted"
              + " variant (an alt= line) instead of replacing the reference; at most "
              + LnkFile.MAX_VARIANTS
              + " a link.")
  boolean asVariant;

  @Option(
      names = "--upload",
      description =
          "Upload what the service lacks: new references, and the new image and diff of failures"
              + " (needs --user).")
  boolean upload;

  @Option(
      names = "--central",
      description =
          "With --update --upload: ask Gerrit for a review of the changed links, one per test and"
              + " runtime (needs --gerrit, --gerrit-user, --project, --branch).")
  boolean central;

  @Option(
      names = "--actual",
      paramLabel = "DIR",
      description =
          "Where the screenshots are (UIVeri5's actImagesRoot, e.g. target), when not beside the"
              + " links.")
  Path actual;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "target/imagestore",
      description =
          "Where the reference, new image and diff of failures go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "The HTML report (default: <out>/report.html).")
  Path report;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description =
          "Downloaded references, by id (default: $XDG_CACHE_HOME/imagestore or"
              + " ~/.cache/imagestore).")
  Path cache;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      description = "Images compared at once (default: the cores, at most 4).")
  Integer jobs;

  @Mixin DiffRuleOptions rule;

  @Mixin ClientOptions client;

  @Option(names = "--gerrit", paramLabel = "URL", description = "Gerrit's address, for --central.")
  URI gerrit;

  @Option(
      names = "--gerrit-user",
      paramLabel = "NAME",
      description =
          "The Gerrit account of --central. Its HTTP password comes from"
              + " IMAGESTORE_GERRIT_PASSWORD or gerrit-password in the config file; never a"
              + " flag.")
  String gerritUser;

  @Option(names = "--project", paramLabel = "NAME", description = "The Gerrit project.")
  String project;

  @Option(names = "--branch", paramLabel = "NAME", description = "The change's target branch.")
  String branch;

  @Option(
      names = "--responsible",
      paramLabel = "ACCOUNT",
      description = "Reviewer to add (default: the plugin picks the test's last author).")
  String responsible;

  @Option(names = "--message", paramLabel = "TEXT", description = "The commit message.")
  String message;

  @Option(
      names = "--repo-root",
      paramLabel = "DIR",
      description =
          "The repository's top, which the paths sent to Gerrit are relative to (default: the"
              + " nearest directory above DIR with a .git).")
  Path repoRoot;

  @Override
  public Integer call() {
    if (!Files.isDirectory(dir)) {
      System.err.println("imagestore: no such directory: " + dir);
      return Workflow.BAD_INPUT;
    }
    if (actual != null && !Files.isDirectory(actual)) {
      System.err.println("imagestore: no such directory: " + actual);
      return Workflow.BAD_INPUT;
    }
    if (upload && client.user == null) {
      throw usage("--upload needs --user (the service account that may upload)");
    }
    if (asVariant && !update) {
      throw usage("--as-variant goes with --update");
    }
    if (asVariant && central) {
      // The central review sets whole links to one id; it would drop the variants.
      throw usage("--as-variant does not go with --central");
    }
    if (jobs != null && jobs < 1) {
      throw usage("--jobs must be at least 1");
    }
    ConfigDefaults config =
        spec.commandLine().getDefaultValueProvider() instanceof ConfigDefaults d ? d : null;
    Map<String, String> env = config == null ? System.getenv() : config.environment();
    Workflow.Central centralSettings = null;
    GerritReviewClient gerritClient = null;
    if (central) {
      centralSettings = centralSettings(config);
      gerritClient = centralSettings.gerrit();
    }
    Path cacheDir = cache != null ? cache : ReferenceCache.defaultDir(env);
    Path reportFile = report != null ? report : out.resolve("report.html");
    Workflow.Settings settings =
        new Workflow.Settings(
            dir,
            actual,
            out,
            reportFile,
            rule.diffOptions(),
            rule.passRule(),
            jobs != null ? jobs : Math.min(4, Runtime.getRuntime().availableProcessors()),
            update,
            asVariant,
            upload,
            centralSettings);
    try (ImagestoreClient c = client.connect();
        GerritReviewClient g = gerritClient) {
      Workflow workflow =
          new Workflow(
              settings,
              c,
              new ReferenceCache(cacheDir, c),
              System.out,
              System.err,
              System.console() != null);
      return workflow.run().exitCode();
    } catch (IOException e) {
      System.err.println("imagestore: " + e.getMessage());
      return Workflow.BAD_INPUT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.err.println("imagestore: interrupted");
      return Workflow.FAILED;
    }
  }

  private Workflow.Central centralSettings(ConfigDefaults config) {
    if (!update || !upload) {
      throw usage("--central goes with --update --upload");
    }
    if (gerrit == null || gerritUser == null || project == null || branch == null) {
      throw usage("--central needs --gerrit, --gerrit-user, --project and --branch");
    }
    if (gerrit.getUserInfo() != null) {
      throw usage("--gerrit must not carry credentials; use IMAGESTORE_GERRIT_PASSWORD");
    }
    String password = config == null ? null : config.secret("gerrit-password");
    if (password == null) {
      throw usage(
          "no Gerrit HTTP password for "
              + gerritUser
              + ": set IMAGESTORE_GERRIT_PASSWORD or gerrit-password in the config file");
    }
    Path root = repoRoot != null ? repoRoot : findRepoRoot(dir);
    if (root == null) {
      throw usage(dir + " is not inside a git work tree; name its top with --repo-root");
    }
    return new Workflow.Central(
        new GerritReviewClient(gerrit, gerritUser, password),
        project,
        branch,
        responsible,
        message,
        root);
  }

  private static Path findRepoRoot(Path start) {
    for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve(".git"))) {
        return p;
      }
    }
    return null;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
