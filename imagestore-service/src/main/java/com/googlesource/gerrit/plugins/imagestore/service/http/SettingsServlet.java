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

import com.googlesource.gerrit.plugins.imagestore.client.model.SettingsInfo;
import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;
import com.googlesource.gerrit.plugins.imagestore.service.config.Durations;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /settings}: the admin's name and the orphan and trash settings. The admin page's login
 * check: it answers only an admin.
 */
final class SettingsServlet extends StoreServlet {
  private static final long serialVersionUID = 1L;

  SettingsServlet(Imagestore store, Authenticator auth) {
    super(store, auth);
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (segments(req).length != 0) {
      throw noSuchResource(req);
    }
    SettingsInfo info = new SettingsInfo();
    info.user = auth.require(req, Role.ADMIN).name();
    ServiceConfig config = store.config();
    info.orphanGracePeriod = Durations.format(config.orphanGracePeriod());
    info.orphanGracePeriodSeconds = config.orphanGracePeriod().toSeconds();
    info.trashRetention = Durations.format(config.trashRetention());
    info.trashRetentionSeconds = config.trashRetention().toSeconds();
    info.trashPurgeInterval = Durations.format(config.trashPurgeInterval());
    info.trashPurgeIntervalSeconds = config.trashPurgeInterval().toSeconds();
    resp.setHeader("Cache-Control", "no-store");
    sendJson(resp, 200, info);
  }
}
