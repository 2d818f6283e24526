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

package com.googlesource.gerrit.plugins.imagestore.config;

import static com.google.common.truth.Truth.assertWithMessage;

import java.util.List;
import org.junit.Test;

/** The service's address appears in public links: no credentials, nothing but http(s). */
public class ServiceUrlTest {
  @Test
  public void plainAddressesAreAccepted() {
    for (String url :
        List.of(
            "http://127.0.0.1:8080/",
            "https://imagestore.example.com",
            "https://imagestore.example.com/base/path/")) {
      assertWithMessage(url).that(ImagestoreConfig.serviceUrlProblem(url)).isNull();
    }
  }

  @Test
  public void credentialsAndOddAddressesAreRefused() {
    for (String url :
        List.of(
            "http://user:pw@host/",
            "http://user@host:8080/",
            "https://gerrit-indexer:s%40cret@imagestore.example.com/",
            "ftp://host/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "imagestore.example.com",
            "http://host/?token=x",
            "http://host/#x",
            "http://host/ space")) {
      assertWithMessage(url).that(ImagestoreConfig.serviceUrlProblem(url)).isNotNull();
    }
    assertWithMessage("names secure.config")
        .that(ImagestoreConfig.serviceUrlProblem("http://u:p@host/"))
        .contains("secure.config");
  }
}
