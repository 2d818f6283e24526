package com.googlesource.gerrit.plugins.imagestore.service.http;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Adds {@code X-Content-Type-Options: nosniff} to every response. */
final class SecurityHeaders extends Handler.Wrapper {
  static final HttpField NOSNIFF = new PreEncodedHttpField("X-Content-Type-Options", "nosniff");

  SecurityHeaders(Handler handler) {
    super(handler);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    response.getHeaders().put(NOSNIFF);
    return super.handle(request, response, callback);
  }
}
