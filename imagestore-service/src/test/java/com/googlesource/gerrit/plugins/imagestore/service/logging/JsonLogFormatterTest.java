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

package com.googlesource.gerrit.plugins.imagestore.service.logging;

import static com.google.common.truth.Truth.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class JsonLogFormatterTest {
  @Test
  void aRecordIsOneLineOfJsonWithItsException() {
    LogRecord record = new LogRecord(Level.WARNING, "stored {0} bytes\nin two lines");
    record.setParameters(new Object[] {42});
    record.setLoggerName("imagestore.test");
    record.setThrown(new IOException("disk full"));
    String text = new JsonLogFormatter().format(record);
    assertThat(text.strip()).doesNotContain("\n");
    JsonObject line = JsonParser.parseString(text).getAsJsonObject();
    assertThat(line.get("level").getAsString()).isEqualTo("WARNING");
    assertThat(line.get("logger").getAsString()).isEqualTo("imagestore.test");
    assertThat(line.get("message").getAsString()).isEqualTo("stored 42 bytes\nin two lines");
    assertThat(line.get("exception").getAsString()).contains("java.io.IOException: disk full");
    assertThat(line.get("time").getAsString()).endsWith("Z");
  }
}
