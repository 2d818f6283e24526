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

package com.googlesource.gerrit.plugins.imagestore.service.images;

/**
 * The bytes an image's id names: their SHA-256 (the blob store's key) and size. All a download
 * needs of the image, so that is all {@link RecentLookups} keeps: a fifth of an {@link
 * ImageRecord}'s memory, which matters because those entries live a second, long enough for the
 * young collections to copy them (bench/README.md, "Scaling").
 */
public record ImageContent(String sha256, long size) {}
