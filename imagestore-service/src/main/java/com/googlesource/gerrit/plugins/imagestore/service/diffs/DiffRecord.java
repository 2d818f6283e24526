package com.googlesource.gerrit.plugins.imagestore.service.diffs;

import com.googlesource.gerrit.plugins.imagestore.service.diff.DiffResult;

/**
 * One row of the {@code diffs} table: a stored comparison. The figures carry no picture; it is in
 * the blob store under {@code diffSha256}. Times are epoch milliseconds.
 */
public record DiffRecord(
    DiffKey key, DiffResult figures, String diffSha256, long diffSize, long computedAt) {}
