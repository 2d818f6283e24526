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

package com.googlesource.gerrit.plugins.imagestore.review;

import static com.google.common.truth.Truth.assertThat;

import com.google.gerrit.acceptance.RestResponse;
import com.google.gerrit.acceptance.TestPlugin;
import com.google.gerrit.extensions.common.SubmitRequirementResultInfo;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.testing.ImagestoreTestBase;
import org.junit.Test;

/**
 * A dead image service: the previews answer at once with the images marked not verified, and the
 * merge gate says it cannot verify (not OK), until the service is back.
 */
@TestPlugin(name = "imagestore", sysModule = "com.googlesource.gerrit.plugins.imagestore.Module")
public class ServiceOutageIT extends ImagestoreTestBase {
  @Test
  public void aStoppedServiceGivesCannotVerifyNotAHang() throws Exception {
    ImageId image = upload(greyPng(6, 6, 0x33));
    // Stopped before the gate ever saw the image (it remembers images it found).
    service.stop();
    try {
      String changeId =
          createChange("link", LNK_DIR + "a.ref.lnk", LnkFile.format(image)).getChangeId();
      RestResponse r =
          adminRestSession.get("/changes/" + changeId + "/revisions/1/imagestore~previews");
      r.assertOK();
      JsonObject previews = JsonParser.parseReader(r.getReader()).getAsJsonObject();
      assertThat(previews.getAsJsonObject("counts").get("unverified").getAsInt()).isEqualTo(1);
      assertThat(previews.getAsJsonObject("counts").get("missing").getAsInt()).isEqualTo(0);
      assertThat(previews.get("service_problem").getAsString())
          .contains("cannot connect to the image service");

      SubmitRequirementResultInfo gate = gate(changeId);
      assertThat(gate.status).isNotEqualTo(SubmitRequirementResultInfo.Status.SATISFIED);
      assertThat(gate.submittabilityExpressionResult.errorMessage).contains("cannot verify");
      service.restart();
      waitFor(
          "the gate to pass with the service back",
          () -> gate(changeId).status == SubmitRequirementResultInfo.Status.SATISFIED);
    } finally {
      service.restart();
    }
  }
}
