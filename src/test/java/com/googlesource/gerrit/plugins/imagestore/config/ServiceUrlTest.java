package com.googlesource.gerrit.plugins.imagestore.config;

import static com.google.common.truth.Truth.assertWithMessage;

import java.util.List;
import org.junit.Test;

/** The service's address appears in public links: no credentials, nothing but http(s). */
public class ServiceUrlTest {
  @Test
  public void plainAddressesAreAccepted() {
    for (String url :
        List.of(
            "http://127.0.0.1:8080/",
            "https://imagestore.example.com",
            "https://imagestore.example.com/base/path/")) {
      assertWithMessage(url).that(ImagestoreConfig.serviceUrlProblem(url)).isNull();
    }
  }

  @Test
  public void credentialsAndOddAddressesAreRefused() {
    for (String url :
        List.of(
            "http://user:pw@host/",
            "http://user@host:8080/",
            "https://gerrit-indexer:s%40cret@imagestore.example.com/",
            "ftp://host/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "imagestore.example.com",
            "http://host/?token=x",
            "http://host/#x",
            "http://host/ space")) {
      assertWithMessage(url).that(ImagestoreConfig.serviceUrlProblem(url)).isNotNull();
    }
    assertWithMessage("names secure.config")
        .that(ImagestoreConfig.serviceUrlProblem("http://u:p@host/"))
        .contains("secure.config");
  }
}
