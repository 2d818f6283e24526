package com.googlesource.gerrit.plugins.imagestore.service.replicas;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** What the runnable jar the replicas run carries. */
class ShadedJarIT {
  /** The JSON transport only: the jar has no gRPC channel, transport or generated stub. */
  @Test
  void theJarCarriesNoGrpcTransport() throws Exception {
    try (ZipFile zip = new ZipFile(System.getProperty("imagestore.service.jar"))) {
      List<String> grpc =
          zip.stream()
              .map(e -> e.getName())
              .filter(
                  n ->
                      n.startsWith("io/grpc/netty")
                          || n.equals("io/grpc/ManagedChannel.class")
                          || n.startsWith("io/grpc/internal/")
                          || n.startsWith("com/google/api/gax/grpc/")
                          || n.startsWith("com/google/storage/v2/StorageGrpc"))
              .toList();
      assertThat(grpc).isEmpty();
    }
  }
}
