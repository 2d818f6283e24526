package com.googlesource.gerrit.plugins.imagestore.remote;

import com.google.gerrit.extensions.events.LifecycleListener;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import java.io.IOException;
import java.net.URI;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * The plugin's one connection pool to the image service, with the service account from
 * secure.config. Closed when the plugin stops.
 */
@Singleton
public class ImagestoreConnection implements LifecycleListener {
  private static final int TIMEOUT_MILLIS = 60_000;

  private final ImagestoreConfig config;
  private final CloseableHttpClient http;

  @Inject
  ImagestoreConnection(ImagestoreConfig config) {
    this.config = config;
    RequestConfig timeouts =
        RequestConfig.custom()
            .setConnectTimeout(10_000)
            .setConnectionRequestTimeout(TIMEOUT_MILLIS)
            .setSocketTimeout(TIMEOUT_MILLIS)
            .build();
    this.http =
        HttpClients.custom()
            .useSystemProperties()
            .disableCookieManagement()
            .setDefaultRequestConfig(timeouts)
            .setMaxConnPerRoute(8)
            .build();
  }

  /**
   * A client for the configured service.
   *
   * @throws IOException when no {@code serviceUrl} is configured (retried once it is)
   */
  public ImagestoreClient client() throws IOException {
    String url =
        config
            .serviceUrl()
            .orElseThrow(
                () ->
                    new IOException(
                        "plugin." + config.pluginName() + ".serviceUrl is not configured"));
    return new ImagestoreClient(
        URI.create(url), config.username().orElse(null), config.password().orElse(null), http);
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
