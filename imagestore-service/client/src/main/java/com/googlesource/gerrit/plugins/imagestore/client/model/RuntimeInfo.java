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
 * A runtime a visual test runs in. The six dimension fields identify it; {@code id} is derived from
 * them by the service and is stable.
 */
public class RuntimeInfo {
  public String id;
  public String platform;
  public String resolution;
  public String browser;
  public String theme;
  public String direction;
  public String mode;

  /** Free text an administrator may change; not part of the identity. */
  public String description;
}
