package com.googlesource.gerrit.plugins.imagestore.client;

/** Keeps untrusted input short and printable when it is echoed in an error message. */
final class Abbreviate {
  private static final int MAX = 80;

  static String forMessage(String input) {
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
