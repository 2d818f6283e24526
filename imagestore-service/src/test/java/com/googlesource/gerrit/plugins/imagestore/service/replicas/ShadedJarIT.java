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
