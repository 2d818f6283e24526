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

/** Keeps untrusted input short and printable when it is echoed in an error message. */
public final class Abbreviate {
  private static final int MAX = 80;

  public static String forMessage(String input) {
    if (input == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(input.length(), MAX) + 3);
    for (int i = 0; i < input.length() && out.length() < MAX; i++) {
      char c = input.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    if (input.length() > MAX) {
      out.append("...");
    }
    return out.toString();
  }

  private Abbreviate() {}
}
