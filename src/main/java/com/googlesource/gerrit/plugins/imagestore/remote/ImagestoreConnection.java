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

package com.googlesource.gerrit.plugins.imagestore.remote;

import com.google.gerrit.extensions.events.LifecycleListener;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * The plugin's one connection pool to the image service, with the service account from
 * secure.config. Closed when the plugin stops.
 */
@Singleton
public class ImagestoreConnection implements LifecycleListener {
  private final ImagestoreConfig config;
  private final CloseableHttpClient http;
  private final RequestConfig background;
  private final RequestConfig interactive;

  @Inject
  ImagestoreConnection(ImagestoreConfig config) {
    this.config = config;
    int connect = millis(config.connectTimeout());
    this.background =
        RequestConfig.custom()
            .setConnectTimeout(connect)
            .setConnectionRequestTimeout(millis(config.indexTimeout()))
            .setSocketTimeout(millis(config.indexTimeout()))
            .build();
    this.interactive =
        RequestConfig.custom()
            .setConnectTimeout(connect)
            .setConnectionRequestTimeout(connect)
            .setSocketTimeout(millis(config.readTimeout()))
            .build();
    this.http =
        HttpClients.custom()
            .useSystemProperties()
            .disableCookieManagement()
            .disableRedirectHandling()
            .setMaxConnPerRoute(8 + config.reviewThreads())
            .setMaxConnTotal(2 * (8 + config.reviewThreads()))
            .build();
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }

  /**
   * A client for background work (indexing, comments): {@code indexTimeout} per answer.
   *
   * @throws IOException when {@code serviceUrl} is not set or refused (retried once it is fixed)
   */
  public ImagestoreClient client() throws IOException {
    return client(background);
  }

  /**
   * A client for work someone waits for (previews, the merge gate, central reviews): {@code
   * connectTimeout} and {@code readTimeout} per call.
   */
  public ImagestoreClient interactiveClient() throws IOException {
    return client(interactive);
  }

  private ImagestoreClient client(RequestConfig timeouts) throws IOException {
    if (config.serviceUrlRefusal().isPresent()) {
      // Without the reason: this ends up where any reader of a change sees it (the merge gate's
      // message); administrators read it in the status and the log.
      throw new IOException(ImagestoreConfig.SERVICE_URL_UNUSABLE);
    }
    if (config.serviceUrlError().isPresent()) {
      throw new IOException(config.serviceUrlError().get()); // not set: nothing to hide
    }
    String url = config.serviceUrl().orElseThrow();
    return new ImagestoreClient(
        URI.create(url),
        config.username().orElse(null),
        config.password().orElse(null),
        http,
        timeouts);
  }

  @Override
  public void start() {}

  @Override
  public void stop() {
    try {
      http.close();
    } catch (IOException e) {
      // Nothing to do on shutdown.
    }
  }
}
