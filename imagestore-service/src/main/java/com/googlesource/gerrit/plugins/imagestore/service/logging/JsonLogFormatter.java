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

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line ({@code IMAGESTORE_LOG_FORMAT=json}), for log collectors: {@code time},
 * {@code level}, {@code logger}, {@code thread}, {@code message}, and {@code exception} with the
 * stack trace when there is one.
 */
public final class JsonLogFormatter extends Formatter {
  @Override
  public String format(LogRecord record) {
    JsonObject line = new JsonObject();
    line.addProperty("time", Instant.ofEpochMilli(record.getMillis()).toString());
    line.addProperty("level", record.getLevel().getName());
    line.addProperty("logger", record.getLoggerName());
    line.addProperty("thread", Thread.currentThread().getName());
    line.addProperty("message", formatMessage(record));
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.addProperty("exception", trace.toString());
    }
    // Gson escapes newlines inside values, so a record is always exactly one line.
    return line + System.lineSeparator();
  }
}
