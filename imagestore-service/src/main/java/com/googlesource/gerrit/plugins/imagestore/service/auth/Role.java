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

package com.googlesource.gerrit.plugins.imagestore.service.auth;

import java.util.Locale;

/** What an account may do. Reading (downloads, info, lists) needs no account at all. */
public enum Role {
  /** Uploads images. */
  UPLOADER,
  /** Reports references (the Gerrit plugin's account). */
  INDEXER,
  /** Deletes images, writes runtimes and orphans; may do everything the other roles may. */
  ADMIN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code uploader}, {@code indexer} or {@code admin}. */
  public static Role parse(String name) {
    for (Role r : values()) {
      if (r.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "unknown role '" + name + "': expected uploader, indexer or admin");
  }
}
