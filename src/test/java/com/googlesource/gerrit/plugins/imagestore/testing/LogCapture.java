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

package com.googlesource.gerrit.plugins.imagestore.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.log4j.AppenderSkeleton;
import org.apache.log4j.Logger;
import org.apache.log4j.spi.LoggingEvent;
import org.junit.rules.ExternalResource;

/**
 * A rule that keeps everything logged through log4j (Flogger's backend in Gerrit) while the test
 * runs: messages and the text of their exceptions.
 */
public final class LogCapture extends ExternalResource {
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private final AppenderSkeleton appender =
      new AppenderSkeleton() {
        @Override
        protected void append(LoggingEvent event) {
          lines.add(event.getLoggerName() + ": " + event.getRenderedMessage());
          String[] thrown = event.getThrowableStrRep();
          if (thrown != null) {
            lines.addAll(List.of(thrown));
          }
        }

        @Override
        public void close() {}

        @Override
        public boolean requiresLayout() {
          return false;
        }
      };

  @Override
  protected void before() {
    Logger.getRootLogger().addAppender(appender);
  }

  @Override
  protected void after() {
    Logger.getRootLogger().removeAppender(appender);
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }
}
