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

package com.googlesource.gerrit.plugins.imagestore.testing;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.gerrit.acceptance.testsuite.project.TestProjectUpdate.allow;

import com.google.gerrit.acceptance.LightweightPluginDaemonTest;
import com.google.gerrit.acceptance.PushOneCommit;
import com.google.gerrit.acceptance.RestResponse;
import com.google.gerrit.acceptance.testsuite.project.ProjectOperations;
import com.google.gerrit.entities.Permission;
import com.google.gerrit.extensions.client.ListChangesOption;
import com.google.gerrit.extensions.common.SubmitRequirementResultInfo;
import com.google.gerrit.extensions.restapi.IdString;
import com.google.gerrit.server.config.SitePaths;
import com.google.gerrit.server.securestore.SecureStore;
import com.google.gerrit.testing.ConfigSuite;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.inject.Inject;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.review.ImagesAvailableRule;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.imageio.ImageIO;
import org.eclipse.jgit.lib.Config;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;

/**
 * Acceptance tests of the plugin against a real image service process: one service per test class,
 * the plugin wired to it, and the test project enabled with push rights for admins.
 */
public abstract class ImagestoreTestBase extends LightweightPluginDaemonTest {
  /** A runtime directory as UIVeri5 lays it out. */
  protected static final String LNK_DIR =
      "images/login/linux/1600x1200/chrome/sap_fiori_3/ltr/default/";

  protected static ImageServiceProcess service;

  /**
   * The service's port for the whole run. The JUnit platform builds every class's runner, and so
   * reads every class's configuration, before it runs the first: all of them name this port, and
   * each class gets a fresh service on it.
   */
  private static int servicePort;

  @Inject private SecureStore secureStore;
  @Inject private SitePaths sitePaths;
  @Inject protected ProjectOperations projectOperations;

  /** Read before the test server starts: the service must be running to name its URL. */
  @ConfigSuite.Default
  public static Config defaultConfig() throws Exception {
    startService();
    Config cfg = new Config();
    cfg.setString("plugin", "imagestore", "serviceUrl", service.url().toString());
    return cfg;
  }

  @BeforeClass
  public static void startService() throws Exception {
    if (service == null) {
      service = ImageServiceProcess.start(servicePort);
      servicePort = service.url().getPort();
    }
  }

  @AfterClass
  public static void stopService() throws Exception {
    if (service != null) {
      service.close();
      service = null;
    }
  }

  @Before
  public void setUpImagestore() throws Exception {
    Files.createDirectories(sitePaths.etc_dir);
    secureStore.set("plugin", "imagestore", "username", ImageServiceProcess.INDEXER);
    secureStore.set("plugin", "imagestore", "password", ImageServiceProcess.PASSWORD);
    try (ProjectConfigUpdate u = updateProject(project)) {
      u.getConfig().updatePluginConfig("imagestore", c -> c.setBoolean("enabled", true));
      u.save();
    }
    projectOperations
        .project(project)
        .forUpdate()
        .add(allow(Permission.PUSH).ref("refs/heads/*").group(adminGroupUuid()))
        .add(allow(Permission.CREATE).ref("refs/heads/*").group(adminGroupUuid()))
        .add(allow(Permission.DELETE).ref("refs/heads/*").group(adminGroupUuid()))
        .update();
  }

  protected PushOneCommit.Result push(String ref, Map<String, String> files) throws Exception {
    PushOneCommit.Result r =
        pushFactory.create(admin.newIdent(), testRepo, "screenshots", files).to(ref);
    r.assertOkStatus();
    return r;
  }

  protected String statusUrl() {
    // Test project names carry the config suite's "[default]": encode them.
    return "/projects/" + IdString.fromDecoded(project.get()).encoded() + "/imagestore~status";
  }

  protected JsonObject status() throws Exception {
    RestResponse r = adminRestSession.get(statusUrl());
    assertWithMessage(r.getEntityContent()).that(r.getStatusCode()).isEqualTo(200);
    return JsonParser.parseString(r.getEntityContent()).getAsJsonObject();
  }

  /** Waits until the plugin's outbox is empty: every job queued so far has run. */
  protected void waitForOutbox() throws Exception {
    waitFor("an empty outbox", () -> status().get("outbox_depth").getAsInt() == 0);
  }

  protected void waitFor(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (condition.call()) {
        return;
      }
      Thread.sleep(100);
    }
    assertWithMessage("timed out waiting for %s; plugin status: %s", what, status()).fail();
  }

  /** The merge gate's requirement on a change. */
  protected SubmitRequirementResultInfo gate(String changeId) throws Exception {
    return gApi
        .changes()
        .id(changeId)
        .get(ListChangesOption.SUBMIT_REQUIREMENTS)
        .submitRequirements
        .stream()
        .filter(r -> r.name.equals(ImagesAvailableRule.NAME))
        .findFirst()
        .orElseThrow();
  }

  /**
   * GET as admin over HTTP from another thread, so that a hang fails the test (after a generous
   * guard) instead of blocking the build.
   */
  protected RestResponse getAnswered(String url) throws Exception {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      return caller.submit(() -> adminRestSession.get(url)).get(2, TimeUnit.MINUTES);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer to GET " + url, e);
    } finally {
      caller.shutdownNow();
    }
  }

  /** The merge gate's requirement on a change, as the REST API gives it (JSON). */
  protected JsonObject gateAnswer(String changeId) throws Exception {
    RestResponse r = getAnswered("/changes/" + changeId + "?o=SUBMIT_REQUIREMENTS");
    r.assertOK();
    for (JsonElement requirement :
        JsonParser.parseReader(r.getReader())
            .getAsJsonObject()
            .getAsJsonArray("submit_requirements")) {
      if (requirement
          .getAsJsonObject()
          .get("name")
          .getAsString()
          .equals(ImagesAvailableRule.NAME)) {
        return requirement.getAsJsonObject();
      }
    }
    throw new AssertionError("no " + ImagesAvailableRule.NAME + " requirement on " + changeId);
  }

  /** Uploads a PNG as the service's uploader; returns its id. */
  protected static ImageId upload(byte[] png) throws Exception {
    Path file = Files.createTempFile("upload", ".png");
    try (ImagestoreClient uploader = service.client(ImageServiceProcess.UPLOADER)) {
      Files.write(file, png);
      return uploader.upload(file, null).id();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** A real PNG of one grey level, encoded by the JDK. */
  protected static byte[] greyPng(int width, int height, int grey) throws Exception {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.getRaster().setSample(x, y, 0, grey);
      }
    }
    return encode(img);
  }

  protected static byte[] encode(BufferedImage img) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /** The previews of a patch set, as the change screen's panel asks for them. */
  protected JsonObject previews(String changeId, int patchSet) throws Exception {
    RestResponse r =
        adminRestSession.get(
            "/changes/" + changeId + "/revisions/" + patchSet + "/imagestore~previews");
    r.assertOK();
    return JsonParser.parseReader(r.getReader()).getAsJsonObject();
  }

  /** The entry of {@code previews} for the link at {@code path}. */
  protected static JsonObject image(JsonObject previews, String path) {
    JsonArray images = previews.getAsJsonArray("images");
    for (JsonElement e : images) {
      if (e.getAsJsonObject().get("path").getAsString().equals(path)) {
        return e.getAsJsonObject();
      }
    }
    throw new AssertionError(path + " not in " + images);
  }
}
