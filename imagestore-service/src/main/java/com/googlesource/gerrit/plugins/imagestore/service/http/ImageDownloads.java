package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The hottest request, {@code GET /images/{uuid}} of a stored image, answered in Jetty's core
 * without the servlet layer: a lookup, then the whole image from the blob cache in one write.
 * Everything else, and every error, falls through to {@link ImagesServlet}, which answers the same
 * request the same way (the servlet's download is the reference; tests compare both).
 */
final class ImageDownloads extends Handler.Wrapper {
  private static final String PREFIX = "/images/";
  private static final HttpField PNG =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "image/png");
  private static final HttpField IMMUTABLE =
      new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, JsonServlet.IMMUTABLE);

  private final ImageService images;

  ImageDownloads(Handler handler, ImageService images) {
    super(handler);
    this.images = images;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = request.getHttpURI().getPath();
    if (!HttpMethod.GET.is(request.getMethod())
        || path.length() != PREFIX.length() + 32
        || !path.startsWith(PREFIX)) {
      return super.handle(request, response, callback);
    }
    String id = path.substring(PREFIX.length());
    if (!ImageId.isValid(id)) {
      return super.handle(request, response, callback);
    }
    Optional<ImageRecord> found = images.findForDownload(ImageId.of(id));
    if (found.isEmpty() || found.get().size() > ImageService.MAX_HELD_BYTES) {
      return super.handle(request, response, callback);
    }
    ImageRecord image = found.get();
    String etag = '"' + image.sha256() + '"';
    if (JsonServlet.matches(request.getHeaders().get(HttpHeader.IF_NONE_MATCH), etag)) {
      response.setStatus(304);
      response.getHeaders().put(HttpHeader.ETAG, etag).put(IMMUTABLE);
      callback.succeeded();
      return true;
    }
    Optional<ByteBuffer> bytes = images.read(image);
    if (bytes.isEmpty()) {
      return super.handle(request, response, callback);
    }
    response.setStatus(200);
    response
        .getHeaders()
        .put(HttpHeader.ETAG, etag)
        .put(IMMUTABLE)
        .put(PNG)
        .put(HttpHeader.CONTENT_LENGTH, image.size());
    response.write(true, bytes.get(), callback);
    return true;
  }
}
