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
