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

package com.googlesource.gerrit.plugins.imagestore.client;

import com.google.gson.JsonParseException;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInput;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.http.HttpEntity;
import org.apache.http.HttpHeaders;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.util.EntityUtils;

/**
 * Calls the Gerrit plugin's central review endpoint, {@code POST
 * /a/projects/{project}/imagestore~reviews}: the central job asks for a change that sets a test's
 * {@code .lnk} files of one runtime. The body is a {@link CentralReviewInput}, the answer a {@link
 * CentralReviewInfo} behind Gerrit's {@code )]}'} prefix. Authenticated with HTTP Basic and the
 * account's Gerrit HTTP password. Thread-safe.
 */
public class GerritReviewClient implements Closeable {
  /** What Gerrit puts before every JSON answer, against cross-site script inclusion. */
  public static final String XSSI_PREFIX = ")]}'";

  private final URI gerritUrl;
  private final String authorization;
  private final CloseableHttpClient http;
  private final RequestConfig requestConfig;
  private final boolean ownsHttp;

  /**
   * @param gerritUrl Gerrit's root, e.g. {@code https://gerrit.example.com/}
   * @param username the account the change is created as
   * @param httpPassword its Gerrit HTTP password (never its login password)
   */
  public GerritReviewClient(URI gerritUrl, String username, String httpPassword) {
    this(
        gerritUrl,
        username,
        httpPassword,
        ImagestoreClient.newHttpClient(),
        RequestConfig.DEFAULT,
        true);
  }

  /**
   * A client on an HTTP client the caller owns; {@link #close()} leaves it open. Requests carry
   * {@code requestConfig}'s timeouts and never follow redirects, as {@link ImagestoreClient}'s.
   */
  public GerritReviewClient(
      URI gerritUrl,
      String username,
      String httpPassword,
      CloseableHttpClient http,
      RequestConfig requestConfig) {
    this(gerritUrl, username, httpPassword, http, requestConfig, false);
  }

  private GerritReviewClient(
      URI gerritUrl,
      String username,
      String httpPassword,
      CloseableHttpClient http,
      RequestConfig requestConfig,
      boolean ownsHttp) {
    if (username == null || username.isEmpty()) {
      throw new IllegalArgumentException("the central review call needs a Gerrit account");
    }
    String base = gerritUrl.toString();
    this.gerritUrl = URI.create(base.endsWith("/") ? base : base + "/");
    this.authorization = ImagestoreClient.basicAuthorization(username, httpPassword);
    this.http = http;
    this.requestConfig = requestConfig;
    this.ownsHttp = ownsHttp;
  }

  /** The address of the endpoint for {@code project}: the name URL-encoded, slashes included. */
  public URI reviewsUrl(String project) {
    return gerritUrl.resolve("a/projects/" + encodeProject(project) + "/imagestore~reviews");
  }

  /** Gerrit's encoding of a project name in a path: every reserved character escaped. */
  static String encodeProject(String project) {
    return URLEncoder.encode(project, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Asks the plugin for a change (or a new patch set of the open one) that sets the links of {@code
   * input}.
   *
   * @throws ImagestoreException when Gerrit answers with an error status (its text in the message)
   */
  public CentralReviewInfo createReview(String project, CentralReviewInput input)
      throws IOException {
    HttpPost post = new HttpPost(reviewsUrl(project));
    post.setConfig(ImagestoreClient.requestConfig(requestConfig, true));
    post.setHeader(HttpHeaders.AUTHORIZATION, authorization);
    post.setHeader(HttpHeaders.ACCEPT, "application/json");
    post.setEntity(
        new StringEntity(
            Json.gson().toJson(input), ContentType.APPLICATION_JSON.withCharset("UTF-8")));
    try (CloseableHttpResponse response = http.execute(post)) {
      int status = response.getStatusLine().getStatusCode();
      if (status >= 300 && status < 400) {
        throw ImagestoreClient.toException(post, response, status);
      }
      HttpEntity entity = response.getEntity();
      String body = entity == null ? "" : EntityUtils.toString(entity, StandardCharsets.UTF_8);
      if (status >= 400) {
        // Gerrit's errors are plain text.
        throw new ImagestoreException(
            status,
            null,
            "POST "
                + post.getURI().getRawPath()
                + " failed"
                + (body.isBlank() ? "" : ": " + Abbreviate.forMessage(body.strip())));
      }
      return parse(body);
    }
  }

  /** Reads Gerrit's answer: {@code )]}'}, a line break, then the JSON. */
  public static CentralReviewInfo parse(String body) throws IOException {
    String json = body.startsWith(XSSI_PREFIX) ? body.substring(XSSI_PREFIX.length()) : body;
    try {
      CentralReviewInfo info = Json.gson().fromJson(json, CentralReviewInfo.class);
      if (info == null) {
        throw new IOException("Gerrit answered the review call with an empty body");
      }
      return info;
    } catch (JsonParseException e) {
      throw new IOException("Gerrit answered with malformed JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    if (ownsHttp) {
      http.close();
    }
  }
}
