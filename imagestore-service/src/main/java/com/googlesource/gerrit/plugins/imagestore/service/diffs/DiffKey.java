package com.googlesource.gerrit.plugins.imagestore.service.diffs;

import com.googlesource.gerrit.plugins.imagestore.service.diff.DiffOptions;

/** What a stored comparison is found by: both contents and the options used. */
public record DiffKey(String sha256A, String sha256B, DiffOptions options) {}
