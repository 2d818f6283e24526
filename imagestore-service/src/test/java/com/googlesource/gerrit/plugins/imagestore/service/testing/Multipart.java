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

package com.googlesource.gerrit.plugins.imagestore.service.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A multipart/form-data body shaped like the one UIVeri5's {@code request} library sends: a file
 * part {@code image} and a part {@code json} without filename, typed application/octet-stream.
 */
public final class Multipart {
  private final String boundary = "--------------------------" + System.nanoTime();
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();

  public Multipart file(String name, String filename, String contentType, byte[] content) {
    header(
        "Content-Disposition: form-data; name=\""
            + name
            + "\"; filename=\""
            + filename
            + "\"\r\nContent-Type: "
            + contentType);
    body.writeBytes(content);
    body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  public Multipart field(String name, byte[] content) {
    header(
        "Content-Disposition: form-data; name=\""
            + name
            + "\"\r\nContent-Type: application/octet-stream");
    body.writeBytes(content);
    body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  public Multipart image(byte[] png) {
    return file("image", "shot.png", "image/png", png);
  }

  public Multipart json(String json) {
    return field("json", json.getBytes(StandardCharsets.UTF_8));
  }

  private void header(String lines) {
    body.writeBytes(
        ("--" + boundary + "\r\n" + lines + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
  }

  public String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  public byte[] build() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(body.toByteArray());
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /** A UIVeri5 metadata part for a spec and runtime. */
  public static String uiveri5Meta(String specName) {
    return "{\"_meta\":{\"spec\":{\"lib\":\"sap.m\",\"name\":\""
        + specName
        + "\",\"branch\":\"master\"},\"runtime\":{\"platformName\":\"linux\","
        + "\"platformResolution\":\"1600x1200\",\"browserName\":\"chrome\",\"browserVersion\":\"*\","
        + "\"ui5\":{\"theme\":\"sap_fiori_3\",\"direction\":\"ltr\",\"mode\":\"default\"}}}}";
  }
}
