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

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The one JSON configuration of the wire format, used by the service, the plugin and the CLI. */
public final class Json {
  private static final Gson GSON =
      new GsonBuilder()
          .registerTypeAdapter(Instant.class, new InstantAdapter().nullSafe())
          .disableHtmlEscaping()
          .create();

  public static Gson gson() {
    return GSON;
  }

  /** Instants travel as ISO-8601 strings in UTC, e.g. {@code 2026-11-23T21:51:38.123Z}. */
  private static final class InstantAdapter extends TypeAdapter<Instant> {
    @Override
    public void write(JsonWriter out, Instant value) throws IOException {
      out.value(value.toString());
    }

    @Override
    public Instant read(JsonReader in) throws IOException {
      if (in.peek() != JsonToken.STRING) {
        throw new JsonParseException("expected an ISO-8601 time string at " + in.getPath());
      }
      String text = in.nextString();
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new JsonParseException("not an ISO-8601 time: " + Abbreviate.forMessage(text), e);
      }
    }
  }

  private Json() {}
}
