package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import jakarta.servlet.http.HttpServletRequest;

/** A REST servlet over the store, with accounts for its write methods. */
abstract class StoreServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;

  protected final transient Imagestore store;
  protected final transient Authenticator auth;

  StoreServlet(Imagestore store, Authenticator auth) {
    this.store = store;
    this.auth = auth;
  }

  /**
   * A page of another site can send a form (urlencoded, multipart or text/plain) without asking,
   * but no JSON: so the JSON routes take {@code application/json} only, or no {@code Content-Type}
   * at all when they have no body.
   */
  @Override
  protected void checkContentType(HttpServletRequest req) {
    String type = mediaType(req);
    if (type != null && !type.equals(JSON)) {
      throw unsupportedMediaType(req, JSON);
    }
  }
}
