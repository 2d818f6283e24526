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

package com.googlesource.gerrit.plugins.imagestore.service.http;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.ADMIN;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.INDEXER;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, reads: listings and reference metadata (project, branch, commit, path, of private
 * projects too) need an account of any role by default; {@code --public-metadata} opens them. Image
 * bytes and diffs stay public either way (UIVeri5 and reviewers' browsers load them).
 */
class MetadataAccessTest {
  @TempDir Path dir;

  private static List<String> metadata(ImageId a) {
    return List.of(
        "/images/",
        "/images?limit=1",
        "/images/" + a + "/info",
        "/orphans",
        "/orphans/" + a,
        "/references?project=secret/app",
        "/references/digest?project=secret/app");
  }

  private static List<String> publicReads(ImageId a, ImageId b) {
    return List.of(
        "/images/" + a,
        "/diff/" + a + "/" + b,
        "/diff/" + a + "/" + b + "/info",
        "/runtimes",
        "/health/live",
        "/openapi.yaml",
        "/admin/");
  }

  private static int status(TestService service, String method, String path, String user)
      throws Exception {
    HttpResponse<String> r =
        service.sendForString(
            service.request(path, user).method(method, BodyPublishers.noBody()).build());
    return r.statusCode();
  }

  /** Two images, one referenced from a private project's branch. */
  private static ImageId[] seed(TestService service) throws Exception {
    ImageId a = service.upload(TestPngs.png(41));
    ImageId b = service.upload(TestPngs.png(42));
    try (ImagestoreClient indexer = service.client(INDEXER)) {
      indexer.addReferences(
          List.of(
              new ReferenceInfo(
                  "secret/app",
                  "refs/heads/main",
                  "0123456789abcdef0123456789abcdef01234567",
                  "ui/a.ref.lnk",
                  b.value())));
    }
    return new ImageId[] {a, b};
  }

  @Test
  void metadataNeedsAnAccountByDefault() throws Exception {
    try (TestService service = TestService.start(dir)) {
      ImageId[] ids = seed(service);
      List<String> wrong = new ArrayList<>();
      for (String path : metadata(ids[0])) {
        if (status(service, "GET", path, null) != 401) {
          wrong.add("anonymous GET " + path);
        }
        for (String user : List.of(UPLOADER, INDEXER, ADMIN)) {
          if (status(service, "GET", path, user) != 200) {
            wrong.add(user + " GET " + path);
          }
        }
      }
      for (String path : publicReads(ids[0], ids[1])) {
        if (status(service, "GET", path, null) != 200) {
          wrong.add("anonymous GET " + path + " (public)");
        }
      }
      if (status(service, "HEAD", "/images/" + ids[0], null) != 200) {
        wrong.add("anonymous HEAD /images/{uuid} (public)");
      }
      assertWithMessage("answers not as expected").that(wrong).isEmpty();

      // Nothing of the private project leaks through the anonymous answer.
      HttpResponse<String> refused =
          service.sendForString(service.request("/images/" + ids[1] + "/info", null).build());
      assertThat(refused.body()).doesNotContain("secret/app");
      assertThat(refused.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
    }
  }

  @Test
  void publicMetadataOpensThem() throws Exception {
    try (TestService service = TestService.start(dir, c -> c.withPublicMetadata(true))) {
      ImageId[] ids = seed(service);
      for (String path : metadata(ids[0])) {
        assertWithMessage("anonymous GET %s", path)
            .that(status(service, "GET", path, null))
            .isEqualTo(200);
      }
      // Writes are not opened by it.
      assertThat(status(service, "POST", "/orphans", null)).isEqualTo(401);
    }
  }
}
