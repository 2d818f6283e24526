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

package com.googlesource.gerrit.plugins.imagestore.review;

import com.googlesource.gerrit.plugins.imagestore.client.compare.ComparisonConfig;
import com.googlesource.gerrit.plugins.imagestore.client.compare.FileSource;
import com.googlesource.gerrit.plugins.imagestore.client.compare.InvalidConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The {@code .imagestore.json} files of a commit's tree, read with JGit: at most {@link
 * ComparisonConfig#MAX_BYTES}{@code + 1} bytes of each, whatever size the blob claims.
 */
final class TreeFileSource implements FileSource {
  private final ObjectReader reader;
  private final RevTree tree;

  TreeFileSource(ObjectReader reader, RevTree tree) {
    this.reader = reader;
    this.tree = tree;
  }

  @Override
  public Optional<byte[]> read(String directory) throws IOException, InvalidConfigException {
    String path = ComparisonConfig.pathIn(directory);
    try (TreeWalk tw = TreeWalk.forPath(reader, path, tree)) {
      if (tw == null) {
        return Optional.empty();
      }
      int mode = tw.getRawMode(0);
      if (!FileMode.REGULAR_FILE.equals(mode) && !FileMode.EXECUTABLE_FILE.equals(mode)) {
        throw new InvalidConfigException(
            path,
            FileMode.SYMLINK.equals(mode)
                ? "a symbolic link, not a file"
                : FileMode.TREE.equals(mode) ? "a directory, not a file" : "not a file");
      }
      ObjectLoader loader = reader.open(tw.getObjectId(0), Constants.OBJ_BLOB);
      if (loader.getSize() <= ComparisonConfig.MAX_BYTES) {
        return Optional.of(loader.getCachedBytes(ComparisonConfig.MAX_BYTES));
      }
      try (InputStream in = loader.openStream()) {
        return Optional.of(in.readNBytes(ComparisonConfig.MAX_BYTES + 1));
      }
    }
  }
}
