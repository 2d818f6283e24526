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

package com.googlesource.gerrit.plugins.imagestore.central;

import static com.google.common.truth.Truth.assertWithMessage;

import java.util.List;
import org.junit.Test;

/** Central reviews write link files of the call's test and runtime only. */
public class LinkPathTest {
  private static final String TEST = "login";
  private static final String RUNTIME = "linux/1600x1200/chrome/light/ltr/cozy";
  private static final String DIR = "images/" + TEST + "/" + RUNTIME + "/";

  @Test
  public void linkFilesOfTheTestAndRuntimeAreAccepted() {
    for (String path :
        List.of(
            DIR + "form.ref.lnk",
            DIR + "form.lnk",
            "ui/test/" + DIR + "form.ref.lnk",
            "a b/" + DIR + "ü form (1).ref.lnk")) {
      assertWithMessage(path).that(problem(path)).isNull();
    }
  }

  @Test
  public void everythingElseIsRefused() {
    for (String path :
        List.of(
            "",
            "src/app.js",
            "app.lnk",
            "images/app.lnk",
            DIR + "form.ref.png",
            DIR + ".lnk",
            DIR + "form.ref.lnk/",
            "images/other/" + RUNTIME + "/form.ref.lnk",
            "images/login/linux/1600x1200/firefox/light/ltr/cozy/form.ref.lnk",
            "/" + DIR + "form.ref.lnk",
            "../" + DIR + "form.ref.lnk",
            DIR + "../../../../../../../../../src/app.lnk",
            "a/../" + DIR + "form.ref.lnk",
            "./" + DIR + "form.ref.lnk",
            "a//" + DIR + "form.ref.lnk",
            ".git/" + DIR + "form.ref.lnk",
            ".GIT/" + DIR + "form.ref.lnk",
            ".git./" + DIR + "form.ref.lnk",
            "git~1/" + DIR + "form.ref.lnk",
            ".git\u200C/" + DIR + "form.ref.lnk",
            ".gitmodules/" + DIR + "form.ref.lnk",
            "x\\..\\" + DIR + "form.ref.lnk",
            "C:/" + DIR + "form.ref.lnk",
            DIR + "form\n.ref.lnk",
            DIR + "form\r.ref.lnk",
            DIR + "form\u0000.ref.lnk",
            DIR + "form\u202E.ref.lnk",
            DIR + "form\u2028.ref.lnk",
            "a".repeat(5000) + "/" + DIR + "form.ref.lnk")) {
      assertWithMessage("'%s'", path).that(problem(path)).isNotNull();
    }
    assertWithMessage("null").that(problem(null)).isNotNull();
  }

  private static String problem(String path) {
    return CentralReviews.linkPathProblem(path, ".lnk", TEST, RUNTIME);
  }
}
