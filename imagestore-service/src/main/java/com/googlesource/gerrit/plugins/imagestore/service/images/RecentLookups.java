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

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Images that downloads looked up in the last {@link #TTL}, so a burst of downloads of one image
 * asks the database once. Only found images are remembered: an upload through another replica is
 * visible at once. A delete through this replica forgets the image at once; through another one it
 * shows here within {@link #TTL}, far less than the year the downloads' {@code Cache-Control}
 * already lets any HTTP cache keep an image.
 */
public final class RecentLookups {
  public static final Duration TTL = Duration.ofSeconds(1);

  private final Cache<String, ImageContent> records;

  public RecentLookups() {
    this(Ticker.systemTicker());
  }

  RecentLookups(Ticker ticker) {
    records =
        CacheBuilder.newBuilder().expireAfterWrite(TTL).maximumSize(10_000).ticker(ticker).build();
  }

  Optional<ImageContent> find(String id, Supplier<Optional<ImageContent>> lookup) {
    ImageContent known = records.getIfPresent(id);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<ImageContent> found = lookup.get();
    found.ifPresent(r -> records.put(id, r));
    return found;
  }

  /** Called once a delete of {@code id} committed. */
  public void forget(String id) {
    records.invalidate(id);
  }
}
