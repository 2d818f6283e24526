package com.googlesource.gerrit.plugins.imagestore.service.workflow;

import java.nio.file.Path;

/**
 * What the tree holds of one image.
 *
 * @param key its name
 * @param lnk where its {@code .ref.lnk} is, or is to be written when {@code lnkExists} is false
 * @param lnkExists whether there is a reference link
 * @param actual the fresh screenshot, or null when the test did not take one
 */
public record ScannedImage(ImageKey key, Path lnk, boolean lnkExists, Path actual) {}
