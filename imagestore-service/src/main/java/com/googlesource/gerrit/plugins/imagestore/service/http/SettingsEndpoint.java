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

import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import java.io.IOException;

/**
 * {@code GET /settings}: the admin's name and the orphan and trash settings. The admin page's login
 * check: it answers only an admin.
 */
final class SettingsEndpoint implements Route.Endpoint {
  private final ServiceConfig config;

  SettingsEndpoint(ServiceConfig config) {
    this.config = config;
  }

  @Override
  public void handle(Call call) throws IOException {
    call.noStore();
    call.sendJson(200, WireTypes.settingsInfo(call.caller().name(), config));
  }
}
