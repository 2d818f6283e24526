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

package com.googlesource.gerrit.plugins.imagestore.service.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Durations as people type them: {@code 14d}, {@code 12h}, {@code 30m}, {@code 45s}, {@code P7D}.
 */
public final class Durations {
  public static final String FORMS = "7d, 12h, 30m, 45s, 3600 (seconds) or P7D";

  private Durations() {}

  /**
   * Parses {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}, plain seconds, or ISO-8601 {@code
   * P7D}; never negative, always within epoch milliseconds.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a duration is missing: expected " + FORMS);
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } else {
        char unit = t.charAt(t.length() - 1);
        long n = Long.parseLong(Character.isDigit(unit) ? t : t.substring(0, t.length() - 1));
        d =
            switch (unit) {
              case 'd' -> Duration.ofDays(n);
              case 'h' -> Duration.ofHours(n);
              case 'm' -> Duration.ofMinutes(n);
              case 's' -> Duration.ofSeconds(n);
              default -> {
                if (!Character.isDigit(unit)) {
                  throw new NumberFormatException();
                }
                yield Duration.ofSeconds(n);
              }
            };
      }
      if (d.isNegative()) {
        throw new NumberFormatException();
      }
      d.toMillis(); // ArithmeticException unless it fits in epoch milliseconds
      return d;
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration: expected " + FORMS);
    }
  }

  /** The short form {@link #parse} reads back: {@code 14d}, {@code 90m}, {@code 0s}. */
  public static String format(Duration d) {
    long s = d.toSeconds();
    if (s != 0 && s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s != 0 && s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
