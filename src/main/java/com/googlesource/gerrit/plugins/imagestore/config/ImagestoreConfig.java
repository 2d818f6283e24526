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

package com.googlesource.gerrit.plugins.imagestore.config;

import static com.google.common.collect.ImmutableList.toImmutableList;

import com.google.common.base.Strings;
import com.google.common.collect.ImmutableList;
import com.google.common.flogger.FluentLogger;
import com.google.gerrit.entities.Project;
import com.google.gerrit.extensions.annotations.PluginName;
import com.google.gerrit.server.config.ConfigUtil;
import com.google.gerrit.server.config.GerritServerConfig;
import com.google.gerrit.server.config.PluginConfig;
import com.google.gerrit.server.config.PluginConfigFactory;
import com.google.gerrit.server.config.ScheduleConfig;
import com.google.gerrit.server.project.NoSuchProjectException;
import com.google.gerrit.server.securestore.SecureStore;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.eclipse.jgit.lib.Config;

/**
 * The plugin's server configuration: {@code [plugin "imagestore"]} in {@code gerrit.config}, and
 * the credentials for the image service from the same section of {@code secure.config}.
 *
 * <p>Values are read on every call from the configuration Gerrit holds: both files are read when
 * Gerrit starts.
 */
@Singleton
public class ImagestoreConfig {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  public static final String SECTION = "plugin";

  public static final String KEY_SERVICE_URL = "serviceUrl";
  public static final String KEY_BRANCH = "branch";
  public static final String KEY_LNK_SUFFIX = "lnkSuffix";
  public static final String KEY_SCAN_INTERVAL = "scanInterval";
  public static final String KEY_SCAN_START_TIME = "scanStartTime";
  public static final String KEY_ORPHAN_GRACE_PERIOD = "orphanGracePeriod";
  public static final String KEY_SCAN_THREADS = "scanThreads";
  public static final String KEY_ORPHAN_AUTO_DELETE = "orphanAutoDelete";
  public static final String KEY_CONNECT_TIMEOUT = "connectTimeout";
  public static final String KEY_READ_TIMEOUT = "readTimeout";
  public static final String KEY_INDEX_TIMEOUT = "indexTimeout";
  public static final String KEY_REVIEW_DEADLINE = "reviewDeadline";
  public static final String KEY_MAX_PREVIEW_IMAGES = "maxPreviewImages";
  public static final String KEY_REVIEW_THREADS = "reviewThreads";

  /** In project.config: whether the project's tracked branches are indexed (inherited). */
  public static final String KEY_ENABLED = "enabled";

  /** In project.config: whether the merge gate applies (inherited, default true). */
  public static final String KEY_MERGE_GATE = "mergeGate";

  public static final String KEY_USERNAME = "username";
  public static final String KEY_PASSWORD = "password";

  public static final ImmutableList<String> DEFAULT_BRANCHES =
      ImmutableList.of("refs/heads/master", "refs/heads/rel-*");
  public static final String DEFAULT_LNK_SUFFIX = ".lnk";
  public static final Duration DEFAULT_ORPHAN_GRACE_PERIOD = Duration.ofDays(14);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_INDEX_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_REVIEW_DEADLINE = Duration.ofSeconds(8);
  public static final int DEFAULT_MAX_PREVIEW_IMAGES = 100;
  public static final int DEFAULT_REVIEW_THREADS = 4;
  public static final int DEFAULT_SCAN_THREADS = 2;
  public static final boolean DEFAULT_ENABLED = false;
  public static final boolean DEFAULT_MERGE_GATE = true;

  private final String pluginName;
  private final PluginConfigFactory configFactory;
  private final SecureStore secureStore;
  private final Config gerritConfig;

  @Inject
  ImagestoreConfig(
      @PluginName String pluginName,
      PluginConfigFactory configFactory,
      SecureStore secureStore,
      @GerritServerConfig Config gerritConfig) {
    this.pluginName = pluginName;
    this.configFactory = configFactory;
    this.secureStore = secureStore;
    this.gerritConfig = gerritConfig;

    // A refused address is never used, shown or logged (it may carry a password). The plugin
    // still loads: the merge gate then blocks ("cannot verify") instead of vanishing with it,
    // and the status, the configuration and the previews say why.
    serviceUrlError()
        .ifPresent(
            e ->
                logger.at(configuredServiceUrl().isEmpty() ? Level.WARNING : Level.SEVERE).log(
                    "%s: the plugin does not talk to the image service until it is fixed", e));
    logger.atInfo().log(
        "%s: %s = %s, %s = %s, %s = %s; in secure.config: %s %s, %s %s",
        pluginName,
        KEY_SERVICE_URL,
        serviceUrl().orElse("(not set or refused)"),
        KEY_BRANCH,
        branches(),
        KEY_LNK_SUFFIX,
        lnkSuffix(),
        KEY_USERNAME,
        hasUsername() ? "set" : "not set",
        KEY_PASSWORD,
        hasPassword() ? "set" : "not set");
  }

  /**
   * The base URL of the image service; empty when it is not set or refused ({@link
   * #serviceUrlError}).
   */
  public Optional<String> serviceUrl() {
    return configuredServiceUrl().filter(url -> serviceUrlProblem(url) == null);
  }

  /**
   * Why the plugin cannot talk to the image service, when it cannot: {@code serviceUrl} is not set
   * or is refused. Names the setting, never its value.
   */
  public Optional<String> serviceUrlError() {
    if (configuredServiceUrl().isEmpty()) {
      return Optional.of(
          String.format(
              "%s.%s.%s is not set in gerrit.config", SECTION, pluginName, KEY_SERVICE_URL));
    }
    return serviceUrlRefusal();
  }

  /**
   * What anyone but an administrator is told, wherever the plugin cannot talk to the image service
   * because of its {@code serviceUrl}: why is for administrators only ({@link #serviceUrlError},
   * {@link #serviceUrlRefusal}: the configuration and status views, the log), since it says how the
   * site is set up (a password in gerrit.config, say). Also what the merge gate and every other
   * answer that any reader of a change sees say.
   */
  public static final String SERVICE_URL_UNUSABLE =
      "the plugin's service address (serviceUrl) is not usable;"
          + " administrators see why in imagestore~status";

  /**
   * {@link #serviceUrlError} as {@code administrator} or someone else may see it: the reason, or
   * {@link #SERVICE_URL_UNUSABLE}.
   */
  public Optional<String> serviceUrlErrorFor(boolean administrator) {
    return serviceUrlError().map(e -> administrator ? e : SERVICE_URL_UNUSABLE);
  }

  /** Why the {@code serviceUrl} that is set is refused; empty when it is usable or not set. */
  public Optional<String> serviceUrlRefusal() {
    return configuredServiceUrl()
        .map(ImagestoreConfig::serviceUrlProblem)
        .map(p -> String.format("%s.%s.%s %s", SECTION, pluginName, KEY_SERVICE_URL, p));
  }

  private Optional<String> configuredServiceUrl() {
    return Optional.ofNullable(Strings.emptyToNull(trimmed(cfg().getString(KEY_SERVICE_URL))));
  }

  /**
   * Why {@code url} cannot be the service's address, or null when it can: it must be an absolute
   * {@code http} or {@code https} URL with a host and without user info (credentials belong in
   * secure.config: the address appears in public links), query or fragment.
   */
  public static String serviceUrlProblem(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // Not getMessage(): it quotes the input, which may hold a password.
      return "is not a URL: " + e.getReason() + " at index " + e.getIndex();
    }
    if (uri.getRawUserInfo() != null
        || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
      return "must not contain a user name or password (it appears in public links):"
          + " put the credentials in secure.config, [plugin \"imagestore\"] username and password";
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
      return "must be an http or https URL";
    }
    if (uri.getHost() == null) {
      return "has no host";
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return "must not have a query or fragment";
    }
    return null;
  }

  /** How long connecting to the service may take. */
  public Duration connectTimeout() {
    return duration(KEY_CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
  }

  /** How long one answer of the service may take in reviews (previews, merge gate, central). */
  public Duration readTimeout() {
    return duration(KEY_READ_TIMEOUT, DEFAULT_READ_TIMEOUT);
  }

  /** How long one answer of the service may take in background indexing. */
  public Duration indexTimeout() {
    return duration(KEY_INDEX_TIMEOUT, DEFAULT_INDEX_TIMEOUT);
  }

  /** How long one previews request or one merge-gate evaluation may spend asking the service. */
  public Duration reviewDeadline() {
    return duration(KEY_REVIEW_DEADLINE, DEFAULT_REVIEW_DEADLINE);
  }

  /** How many images of a patch set the previews and the merge gate ask the service about. */
  public int maxPreviewImages() {
    return Math.max(1, cfg().getInt(KEY_MAX_PREVIEW_IMAGES, DEFAULT_MAX_PREVIEW_IMAGES));
  }

  /** Threads shared by all reviews for their calls to the service. */
  public int reviewThreads() {
    return Math.max(1, cfg().getInt(KEY_REVIEW_THREADS, DEFAULT_REVIEW_THREADS));
  }

  private Duration duration(String key, Duration byDefault) {
    long millis =
        ConfigUtil.getTimeUnit(
            gerritConfig, SECTION, pluginName, key, byDefault.toMillis(), TimeUnit.MILLISECONDS);
    return Duration.ofMillis(Math.max(1, millis));
  }

  /** The ref patterns of the branches the plugin handles; {@link #DEFAULT_BRANCHES} if unset. */
  public ImmutableList<String> branches() {
    ImmutableList<String> branches =
        Arrays.stream(cfg().getStringList(KEY_BRANCH))
            .map(ImagestoreConfig::trimmed)
            .filter(b -> !b.isEmpty())
            .distinct()
            .collect(toImmutableList());
    return branches.isEmpty() ? DEFAULT_BRANCHES : branches;
  }

  /** The file name suffix of link files; {@link #DEFAULT_LNK_SUFFIX} if unset. */
  public String lnkSuffix() {
    String suffix = trimmed(cfg().getString(KEY_LNK_SUFFIX));
    return suffix.isEmpty() ? DEFAULT_LNK_SUFFIX : suffix;
  }

  /** Whether {@code ref} is a tracked branch: it matches one of {@link #branches()}. */
  public boolean isTracked(String ref) {
    for (String pattern : branches()) {
      if (pattern.endsWith("*")
          ? ref.startsWith(pattern.substring(0, pattern.length() - 1))
          : ref.equals(pattern)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the project is indexed: {@code [plugin "imagestore"] enabled} in its project.config or
   * a parent's. Off unless set, so that installing the plugin does not walk every repository.
   */
  public boolean isEnabled(Project.NameKey project) {
    try {
      return configFactory
          .getFromProjectConfigWithInheritance(project, pluginName)
          .getBoolean(KEY_ENABLED, DEFAULT_ENABLED);
    } catch (NoSuchProjectException e) {
      return false;
    }
  }

  /**
   * Whether changes to tracked branches of an enabled project need every image their links name to
   * be in the image service before they can be submitted: {@code [plugin "imagestore"] mergeGate}
   * in project.config (inherited), on unless set to false.
   */
  public boolean isMergeGateOn(Project.NameKey project) {
    try {
      PluginConfig cfg = configFactory.getFromProjectConfigWithInheritance(project, pluginName);
      return cfg.getBoolean(KEY_ENABLED, DEFAULT_ENABLED)
          && cfg.getBoolean(KEY_MERGE_GATE, DEFAULT_MERGE_GATE);
    } catch (NoSuchProjectException e) {
      return false;
    }
  }

  /** When and how often every enabled project is reconciled; empty when not scheduled. */
  public Optional<ScheduleConfig.Schedule> scanSchedule() {
    return ScheduleConfig.builder(gerritConfig, SECTION)
        .setSubsection(pluginName)
        .setKeyInterval(KEY_SCAN_INTERVAL)
        .setKeyStartTime(KEY_SCAN_START_TIME)
        .buildSchedule();
  }

  /** How long an unreferenced image waits before it counts as an orphan that may be deleted. */
  public Duration orphanGracePeriod() {
    long seconds =
        ConfigUtil.getTimeUnit(
            gerritConfig,
            SECTION,
            pluginName,
            KEY_ORPHAN_GRACE_PERIOD,
            DEFAULT_ORPHAN_GRACE_PERIOD.toSeconds(),
            TimeUnit.SECONDS);
    return Duration.ofSeconds(Math.max(0, seconds));
  }

  /** How many threads one scan of a long history uses (at least 1). */
  public int scanThreads() {
    return Math.max(1, cfg().getInt(KEY_SCAN_THREADS, DEFAULT_SCAN_THREADS));
  }

  /** Whether orphans past the grace period are deleted after each reconcile. */
  public boolean orphanAutoDelete() {
    return cfg().getBoolean(KEY_ORPHAN_AUTO_DELETE, false);
  }

  public String pluginName() {
    return pluginName;
  }

  /** The user name for the image service, from {@code secure.config}. */
  public Optional<String> username() {
    return secure(KEY_USERNAME);
  }

  /** The password for the image service, from {@code secure.config}. Never log or expose it. */
  public Optional<String> password() {
    return secure(KEY_PASSWORD);
  }

  public boolean hasUsername() {
    return username().isPresent();
  }

  public boolean hasPassword() {
    return password().isPresent();
  }

  private PluginConfig cfg() {
    return configFactory.getFromGerritConfig(pluginName);
  }

  private Optional<String> secure(String key) {
    // Only the secure store: credentials must not be taken from gerrit.config.
    return Optional.ofNullable(Strings.emptyToNull(secureStore.get(SECTION, pluginName, key)));
  }

  private static String trimmed(String value) {
    return Strings.nullToEmpty(value).trim();
  }
}
