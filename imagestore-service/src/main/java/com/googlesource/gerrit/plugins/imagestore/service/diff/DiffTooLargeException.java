package com.googlesource.gerrit.plugins.imagestore.service.diff;

/**
 * Two images the engine refuses to compare because the comparison would take more pixels or memory
 * than its {@link DiffLimits} allow; found from the PNG headers before anything is decoded.
 *
 * <p>A kind of {@link UndecodableImageException}: whoever only knows that one still refuses the
 * input as bad rather than failing. It names no image ({@link #image()} is null) when the two
 * together are too much.
 */
public final class DiffTooLargeException extends UndecodableImageException {
  private static final long serialVersionUID = 1L;

  public DiffTooLargeException(String message) {
    super(message);
  }

  private DiffTooLargeException(String image, String message, Throwable cause) {
    super(image, message, cause);
  }

  @Override
  DiffTooLargeException of(String image) {
    return new DiffTooLargeException(image, getMessage(), this);
  }
}
