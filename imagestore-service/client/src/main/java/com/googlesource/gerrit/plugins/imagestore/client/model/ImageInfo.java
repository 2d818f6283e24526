package com.googlesource.gerrit.plugins.imagestore.client.model;

import java.time.Instant;
import java.util.List;

/** Everything the service knows about one image ({@code GET /images/{uuid}/info}). */
public class ImageInfo {
  public String uuid;
  public String sha256;
  public long size;
  public int width;
  public int height;
  public Instant createdAt;
  public String uploadedBy;
  public SpecInfo spec;
  public RuntimeInfo runtime;
  public boolean referenced;
  public List<ReferenceInfo> references;

  /** Since when no tracked commit references the image; null while one does. */
  public Instant orphanedAt;
}
