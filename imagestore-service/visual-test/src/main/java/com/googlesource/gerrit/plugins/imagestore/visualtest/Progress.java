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

package com.googlesource.gerrit.plugins.imagestore.visualtest;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long run on standard error: on a terminal one line redrawn at most once a second,
 * otherwise (a CI log) a plain line every {@link #LOG_INTERVAL_NANOS}. Short runs print nothing.
 */
final class Progress {
  private static final long TERMINAL_INTERVAL_NANOS = 1_000_000_000L;
  static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  private final PrintStream err;
  private final boolean terminal;
  private final long total;
  private final long start = System.nanoTime();
  private long done;
  private long lastPrint = start;
  private boolean printed;

  Progress(PrintStream err, boolean terminal, long total) {
    this.err = err;
    this.terminal = terminal;
    this.total = total;
  }

  synchronized void step(int failed) {
    done++;
    long now = System.nanoTime();
    if (now - lastPrint < (terminal ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
      return;
    }
    lastPrint = now;
    printed = true;
    String text =
        String.format(
            Locale.ROOT,
            "compared %d of %d images (%d not passed), %d s",
            done,
            total,
            failed,
            (now - start) / 1_000_000_000L);
    if (terminal) {
      err.print("\r" + text + "\u001b[K");
    } else {
      err.println(text);
    }
    err.flush();
  }

  synchronized void done() {
    if (printed && terminal) {
      err.print("\r\u001b[K");
      err.flush();
    }
  }
}
