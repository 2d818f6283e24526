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

import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;

/** Who may call a route; checked after the path parameters, before the endpoint runs. */
enum Access {
  /** Everybody: image bytes, diffs, runtimes, health. */
  ANYONE,
  /**
   * Any account, unless the service runs with {@code --public-metadata}: listings and reference
   * metadata name projects, branches, commits and paths, of private projects too.
   */
  METADATA_READER,
  /**
   * An uploader. Authenticated provisionally ({@link Authenticator#requireProvisionally}): the
   * upload confirms the account in the transaction that records it.
   */
  UPLOADER,
  /** Like {@link #UPLOADER}, or an admin with {@code ?import=true} (storing under any id). */
  UPLOADER_OR_ADMIN_TO_IMPORT,
  INDEXER,
  ADMIN;

  /**
   * Refuses the call without the access (401, 403, 429) and else names its caller in it.
   *
   * @throws RequestException when the caller lacks the access
   */
  void authorize(Call call, Authenticator auth) {
    switch (this) {
      case ANYONE -> {}
      case METADATA_READER -> auth.requireMetadataReader(call.req());
      case UPLOADER -> call.setCaller(auth.requireProvisionally(call.req(), Role.UPLOADER));
      case UPLOADER_OR_ADMIN_TO_IMPORT ->
          call.setCaller(
              auth.requireProvisionally(call.req(), call.importing() ? Role.ADMIN : Role.UPLOADER));
      case INDEXER -> call.setCaller(auth.require(call.req(), Role.INDEXER));
      case ADMIN -> call.setCaller(auth.require(call.req(), Role.ADMIN));
    }
  }
}
