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
 * A {@code .lnk} file in a commit of a tracked branch that names an image. Defined here, where
 * images and the trash read references ({@link ReferenceLookup}); the references' service stores
 * them.
 */
public record ImageReference(
    String project, String branch, String commit, String path, String uuid) {}
