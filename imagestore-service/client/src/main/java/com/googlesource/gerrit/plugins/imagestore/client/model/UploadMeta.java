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

package com.googlesource.gerrit.plugins.imagestore.client.model;

/**
 * The metadata UIVeri5 sends with an upload (the multipart part {@code json}): {@code
 * {"_meta":{"spec":{...},"runtime":{"platformName",...,"ui5":{...}}}}}.
 */
public class UploadMeta {
  public Meta _meta;

  public static class Meta {
    public SpecInfo spec;
    public Uiveri5Runtime runtime;
  }

  /** UIVeri5's runtime object; it carries more fields, which are ignored. */
  public static class Uiveri5Runtime {
    public String platformName;
    public String platformResolution;
    public String browserName;
    public Ui5 ui5;
  }

  public static class Ui5 {
    public String theme;
    public String direction;
    public String mode;
  }

  /** The flat runtime of this metadata, or null when it names none. */
  public RuntimeInfo toRuntime() {
    if (_meta == null || _meta.runtime == null) {
      return null;
    }
    RuntimeInfo r = new RuntimeInfo();
    r.platform = _meta.runtime.platformName;
    r.resolution = _meta.runtime.platformResolution;
    r.browser = _meta.runtime.browserName;
    if (_meta.runtime.ui5 != null) {
      r.theme = _meta.runtime.ui5.theme;
      r.direction = _meta.runtime.ui5.direction;
      r.mode = _meta.runtime.ui5.mode;
    }
    return r;
  }

  public SpecInfo spec() {
    return _meta == null ? null : _meta.spec;
  }
}
