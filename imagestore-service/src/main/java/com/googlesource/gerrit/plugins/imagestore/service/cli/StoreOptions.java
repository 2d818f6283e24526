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

package com.googlesource.gerrit.plugins.imagestore.service.cli;

import com.googlesource.gerrit.plugins.imagestore.service.config.BlobStoreConfig;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import java.nio.file.Path;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the service keeps its data: shared by {@code serve} and {@code user}. */
final class StoreOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = ServiceConfig.DEFAULT_DATA_DIR,
      description = "Data directory: images, embedded database (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file with option values (key = option name without dashes).")
  Path config;

  @Option(
      names = "--db-url",
      paramLabel = "JDBC_URL",
      description =
          "Metadata database (default: embedded H2 under --data). The password comes from"
              + " IMAGESTORE_DB_PASSWORD or db-password in the config file, never a flag.")
  String dbUrl;

  @Option(names = "--db-user", paramLabel = "NAME", description = "Database user.")
  String dbUser;

  @Option(
      names = "--db-pool-size",
      paramLabel = "N",
      defaultValue = "" + ServiceConfig.DEFAULT_DATABASE_POOL_SIZE,
      description = "Database connections (default: ${DEFAULT-VALUE}).")
  int dbPoolSize;

  @Option(
      names = "--blob-store",
      paramLabel = "local|gcs",
      defaultValue = "local",
      description =
          "Where image bytes live: local (under --data) or gcs (a Google Cloud Storage bucket)"
              + " (default: ${DEFAULT-VALUE}).")
  String blobStore;

  @Option(
      names = "--gcs-bucket",
      paramLabel = "NAME",
      description = "GCS bucket (--blob-store gcs).")
  String gcsBucket;

  @Option(
      names = "--gcs-prefix",
      paramLabel = "PREFIX",
      description = "Object name prefix in the bucket, e.g. imagestore/ (default: none).")
  String gcsPrefix;

  @Option(
      names = "--gcs-credentials",
      paramLabel = "KEY_FILE",
      description =
          "Service account key file (JSON). Default: Application Default Credentials"
              + " (GOOGLE_APPLICATION_CREDENTIALS, gcloud's login, or the metadata server).")
  Path gcsCredentials;

  @Option(
      names = "--gcs-host",
      paramLabel = "URL",
      description =
          "The GCS JSON API endpoint, for an emulator or a test double, e.g."
              + " http://127.0.0.1:4443 (default: Google's). Without --gcs-credentials no"
              + " credentials are sent.")
  String gcsHost;

  private static final Pattern PASSWORD_IN_URL =
      Pattern.compile("(?i)([?&;]password=)|(//[^/@]*:[^/@]*@)");

  ServiceConfig toConfig(String bind, int port, long maxImageBytes, long maxPixels) {
    String password = null;
    if (spec.commandLine().getDefaultValueProvider() instanceof ConfigDefaults defaults) {
      password = defaults.secret("db-password");
    }
    if (dbUrl != null && PASSWORD_IN_URL.matcher(dbUrl).find()) {
      // A flag shows in ps and shell history: the password has its own channels.
      throw new ParameterException(
          spec.commandLine(),
          "--db-url must not carry a password; use IMAGESTORE_DB_PASSWORD or db-password in the"
              + " config file");
    }
    BlobStoreConfig blobs;
    try {
      blobs =
          BlobStoreConfig.Kind.parse(blobStore) == BlobStoreConfig.Kind.GCS
              ? BlobStoreConfig.gcs(gcsBucket, gcsPrefix, gcsCredentials).withGcsHost(gcsHost)
              : BlobStoreConfig.local();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return new ServiceConfig(
        bind,
        port,
        dataDir,
        maxImageBytes,
        maxPixels,
        dbUrl,
        dbUser,
        password,
        dbPoolSize,
        ServiceConfig.DEFAULT_ORPHAN_GRACE_PERIOD,
        ServiceConfig.DEFAULT_TRASH_RETENTION,
        ServiceConfig.DEFAULT_TRASH_PURGE_INTERVAL,
        blobs,
        ServiceConfig.DEFAULT_BLOB_CACHE_BYTES,
        0,
        0,
        ServiceConfig.DEFAULT_DIFF_QUEUE_TIMEOUT,
        false,
        ServiceConfig.LoginLimits.DEFAULT,
        null);
  }

  ServiceConfig toConfig() {
    return toConfig(
        ServiceConfig.DEFAULT_BIND,
        ServiceConfig.DEFAULT_PORT,
        ServiceConfig.DEFAULT_MAX_IMAGE_BYTES,
        ServiceConfig.DEFAULT_MAX_PIXELS);
  }
}
