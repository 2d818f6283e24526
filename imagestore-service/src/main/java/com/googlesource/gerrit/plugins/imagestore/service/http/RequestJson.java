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

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;

/**
 * What every request's text passes before the domain sees it: JSON bodies read with {@link #gson}
 * and query strings checked by {@link #checkQuery} refuse a NUL character (a 400). No name, path or
 * metadata the service stores holds one, and PostgreSQL's text cannot: a NUL reached the database
 * as a 500 before.
 */
final class RequestJson {
  private RequestJson() {}

  private static final TypeAdapter<String> STRINGS_WITHOUT_NUL =
      new TypeAdapter<>() {
        private final TypeAdapter<String> plain = Json.gson().getAdapter(String.class);

        @Override
        public void write(JsonWriter out, String value) throws IOException {
          plain.write(out, value);
        }

        @Override
        public String read(JsonReader in) throws IOException {
          String value = plain.read(in);
          if (value != null && value.indexOf('\0') >= 0) {
            throw new JsonParseException("a string contains a NUL character at " + in.getPath());
          }
          return value;
        }
      };

  private static final Gson GSON =
      Json.gson().newBuilder().registerTypeAdapter(String.class, STRINGS_WITHOUT_NUL).create();

  /** The service's Gson for request bodies: {@link Json#gson}, refusing strings with a NUL. */
  static Gson gson() {
    return GSON;
  }

  /** Refuses a query string that decodes to a NUL character in any parameter. */
  static void checkQuery(HttpServletRequest req) {
    String query = req.getQueryString();
    if (query != null && query.contains("%00")) {
      throw RequestException.badRequest(
          "bad_request", "a query parameter contains a NUL character (%00)");
    }
  }
}
