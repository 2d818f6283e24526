package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;

/** A REST servlet over the store, with accounts for its write methods. */
abstract class StoreServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;

  protected final transient Imagestore store;
  protected final transient Authenticator auth;

  StoreServlet(Imagestore store, Authenticator auth) {
    this.store = store;
    this.auth = auth;
  }
}
