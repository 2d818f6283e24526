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

import com.google.gerrit.extensions.restapi.AuthException;
import com.google.gerrit.extensions.restapi.Response;
import com.google.gerrit.extensions.restapi.RestReadView;
import com.google.gerrit.server.config.ConfigResource;
import com.google.gerrit.server.permissions.GlobalPermission;
import com.google.gerrit.server.permissions.PermissionBackend;
import com.google.gerrit.server.permissions.PermissionBackendException;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;

/**
 * {@code GET /config/server/imagestore~config}: the plugin's effective configuration, for users
 * with the {@code Administrate Server} capability.
 */
@Singleton
public class GetConfig implements RestReadView<ConfigResource> {
  private final ImagestoreConfig config;
  private final PermissionBackend permissionBackend;

  @Inject
  GetConfig(ImagestoreConfig config, PermissionBackend permissionBackend) {
    this.config = config;
    this.permissionBackend = permissionBackend;
  }

  @Override
  public Response<ConfigInfo> apply(ConfigResource resource)
      throws AuthException, PermissionBackendException {
    permissionBackend.currentUser().check(GlobalPermission.ADMINISTRATE_SERVER);

    ConfigInfo info = new ConfigInfo();
    info.serviceUrl = config.serviceUrl().orElse(null);
    info.serviceUrlError = config.serviceUrlRefusal().orElse(null);
    info.branches = config.branches();
    info.lnkSuffix = config.lnkSuffix();
    info.usernameSet = config.hasUsername();
    info.passwordSet = config.hasPassword();
    return Response.ok(info);
  }
}
