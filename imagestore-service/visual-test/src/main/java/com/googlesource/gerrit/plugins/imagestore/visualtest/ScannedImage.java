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
