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

package com.googlesource.gerrit.plugins.imagestore.rest;

import static com.google.common.truth.Truth.assertThat;
import static com.google.gerrit.acceptance.testsuite.project.TestProjectUpdate.allow;
import static com.google.gerrit.acceptance.testsuite.project.TestProjectUpdate.permissionKey;

import com.google.common.collect.ImmutableMap;
import com.google.gerrit.acceptance.RestResponse;
import com.google.gerrit.acceptance.TestPlugin;
import com.google.gerrit.entities.Permission;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.testing.ImagestoreTestBase;
import org.junit.Test;

/** The status tells callers only about the project they asked for and branches they can read. */
@TestPlugin(name = "imagestore", sysModule = "com.googlesource.gerrit.plugins.imagestore.Module")
public class StatusIT extends ImagestoreTestBase {
  @Test
  public void othersSeeOnlyReadableBranchesAndNoSiteWideFigures() throws Exception {
    String lnk = LnkFile.format(upload(greyPng(4, 4, 0x50)));
    push("refs/heads/master", ImmutableMap.of(LNK_DIR + "a.ref.lnk", lnk));
    push("refs/heads/rel-secret", ImmutableMap.of(LNK_DIR + "b.ref.lnk", lnk));
    waitFor(
        "both branches indexed", () -> status().getAsJsonObject("branches").keySet().size() == 2);
    // Readable by administrators only. Not a block for everyone: on Gerrit 3.11 that hides the
    // branch from administrators too.
    projectOperations
        .project(project)
        .forUpdate()
        .add(allow(Permission.READ).ref("refs/heads/rel-secret").group(adminGroupUuid()))
        .setExclusiveGroup(permissionKey(Permission.READ).ref("refs/heads/rel-secret"), true)
        .update();

    JsonObject admin = status();
    assertThat(admin.getAsJsonObject("branches").keySet())
        .containsExactly("refs/heads/master", "refs/heads/rel-secret");
    assertThat(admin.has("outbox_depth")).isTrue();
    assertThat(admin.has("unreadable_jobs")).isTrue();

    // Gerrit itself hides the branch from the user.
    RestResponse branches =
        userRestSession.get(statusUrl().replace("/imagestore~status", "/branches/"));
    branches.assertOK();
    assertThat(branches.getEntityContent()).doesNotContain("rel-secret");
    RestResponse r = userRestSession.get(statusUrl());
    r.assertOK();
    JsonObject other = JsonParser.parseReader(r.getReader()).getAsJsonObject();
    assertThat(other.getAsJsonObject("branches").keySet()).containsExactly("refs/heads/master");
    assertThat(other.has("outbox_depth")).isFalse();
    assertThat(other.has("unreadable_jobs")).isFalse();
    assertThat(other.has("last_unreadable_job")).isFalse();
  }
}
