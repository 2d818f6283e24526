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

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.PASSWORD;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import com.googlesource.gerrit.plugins.imagestore.service.testing.Multipart;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.LogManager;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The command line, run in-process through {@link ImagestoreCommand#execute} with standard input,
 * output and error redirected, against a real service where it talks to one.
 */
class CliTest {
  @TempDir static Path serviceDir;
  static TestService service;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(serviceDir);
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
    // execute() pointed java.util.logging at the redirected standard error; point it back.
    LogManager.getLogManager().readConfiguration();
  }

  // ---------------------------------------------------------------------------------------------
  // user

  @Test
  void userAddCreatesAnAccountThatWorksOverHttp() throws Exception {
    Path data = tmp.resolve("data");
    String password = "alice's long password";

    Result add =
        run(password + "\n", "user", "add", "alice", "--role", "uploader", "--data", "" + data);
    assertWithMessage(add.err()).that(add.exit()).isEqualTo(0);
    assertThat(add.out()).contains("user alice saved with roles uploader");
    assertThat(add.out()).doesNotContain(password);

    try (TestService s = TestService.start(data)) {
      byte[] png = TestPngs.png(7001);
      String id = ImageId.forContent(png).value();
      Multipart form = new Multipart().image(png);
      assertThat(
              s.send(
                      s.request("/images", null)
                          .header("Authorization", TestService.basic("alice", password))
                          .header("Content-Type", form.contentType())
                          .POST(BodyPublishers.ofByteArray(form.build()))
                          .build())
                  .statusCode())
          .isEqualTo(201);
      // An uploader may not delete, and a wrong password is no password.
      assertThat(
              s.send(
                      s.request("/images/" + id, null)
                          .header("Authorization", TestService.basic("alice", password))
                          .DELETE()
                          .build())
                  .statusCode())
          .isEqualTo(403);
      assertThat(
              s.send(
                      s.request("/images/" + id, null)
                          .header("Authorization", TestService.basic("alice", password + "x"))
                          .DELETE()
                          .build())
                  .statusCode())
          .isEqualTo(401);
      assertThat(s.send(s.request("/images/" + id, null).build()).body()).isEqualTo(png);
    }
  }

  @Test
  void userAddReplacesPasswordAndRoles() throws Exception {
    Path data = tmp.resolve("data");
    assertThat(
            run("first password\n", "user", "add", "bob", "--role", "uploader", "--data", "" + data)
                .exit())
        .isEqualTo(0);
    assertThat(
            run(
                    "second password\n",
                    "user",
                    "add",
                    "bob",
                    "--role",
                    "indexer,admin",
                    "--data",
                    "" + data)
                .exit())
        .isEqualTo(0);
    Result list = run("", "user", "list", "--data", "" + data);
    assertThat(list.exit()).isEqualTo(0);
    assertThat(list.out()).isEqualTo("bob\tindexer,admin\n");
  }

  @Test
  void userListPrintsNamesAndRolesButNeverHashes() throws Exception {
    Path data = tmp.resolve("data");
    assertThat(
            run("password one\n", "user", "add", "carol", "--role", "uploader", "--data", "" + data)
                .exit())
        .isEqualTo(0);
    assertThat(
            run(
                    "password two\n",
                    "user",
                    "add",
                    "dave",
                    "--role",
                    "indexer",
                    "--role",
                    "admin",
                    "--data",
                    "" + data)
                .exit())
        .isEqualTo(0);

    Result list = run("", "user", "list", "--data", "" + data);
    assertWithMessage(list.err()).that(list.exit()).isEqualTo(0);
    assertThat(list.out()).isEqualTo("carol\tuploader\ndave\tindexer,admin\n");
    // bcrypt hashes start with $2; neither they nor the passwords may show.
    assertThat(list.out() + list.err()).doesNotContain("$2");
    assertThat(list.out() + list.err()).doesNotContain("password");
  }

  @Test
  void storageSettingsAreCheckedWithClearMessages() throws Exception {
    Path data = tmp.resolve("data");
    Result withPassword =
        run(
            "",
            "user",
            "list",
            "--data",
            "" + data,
            "--db-url",
            "jdbc:postgresql://h/db?password=x");
    assertThat(withPassword.exit()).isEqualTo(2);
    assertThat(withPassword.err()).contains("--db-url must not carry a password");
    assertThat(withPassword.err()).contains("IMAGESTORE_DB_PASSWORD");

    Result userInfo =
        run("", "user", "list", "--data", "" + data, "--db-url", "jdbc:postgresql://u:pw@h/db");
    assertThat(userInfo.exit()).isEqualTo(2);

    Result badKind = run("", "user", "list", "--data", "" + data, "--blob-store", "s3");
    assertThat(badKind.exit()).isEqualTo(2);
    assertThat(badKind.err()).contains("blob store must be 'local' or 'gcs', not 's3'");

    Result noBucket = run("", "user", "list", "--data", "" + data, "--blob-store", "gcs");
    assertThat(noBucket.exit()).isEqualTo(2);
    assertThat(noBucket.err()).contains("needs a bucket (--gcs-bucket)");

    Result badHost =
        run(
            "",
            "user",
            "list",
            "--data",
            "" + data,
            "--blob-store",
            "gcs",
            "--gcs-bucket",
            "some-bucket",
            "--gcs-host",
            "ftp://127.0.0.1:1");
    assertThat(badHost.exit()).isEqualTo(2);
    assertThat(badHost.err()).contains("the GCS host must be http(s)://HOST[:PORT]");

    // An emulator's endpoint needs no credentials: none are looked for (there are none here).
    Result emulator =
        run(
            Map.of("IMAGESTORE_GCS_HOST", "http://127.0.0.1:1"),
            "",
            "user",
            "list",
            "--data",
            "" + data,
            "--blob-store",
            "gcs",
            "--gcs-bucket",
            "some-bucket");
    assertWithMessage(emulator.err()).that(emulator.exit()).isEqualTo(0);

    Result fromEnv =
        run(
            Map.of("IMAGESTORE_BLOB_STORE", "gcs", "IMAGESTORE_GCS_BUCKET", "Not_A_Bucket"),
            "",
            "user",
            "list",
            "--data",
            "" + data);
    assertThat(fromEnv.exit()).isEqualTo(2);
    assertThat(fromEnv.err()).contains("'Not_A_Bucket' is not a valid GCS bucket name");

    Result negativeCache =
        run("", "serve", "--port", "0", "--data", "" + data, "--blob-cache-bytes", "-1");
    assertThat(negativeCache.exit()).isEqualTo(2);
    assertThat(negativeCache.err()).contains("--blob-cache-bytes must not be negative");
  }

  @Test
  void userAddWithAnUnknownRoleFails() throws Exception {
    Path data = tmp.resolve("data");
    Result r =
        run("a fine password\n", "user", "add", "eve", "--role", "superuser", "--data", "" + data);
    assertThat(r.exit()).isNotEqualTo(0);
    assertThat(r.err()).contains("unknown role 'superuser'");
    assertThat(r.err()).contains("uploader, indexer or admin");
    assertThat(run("", "user", "list", "--data", "" + data).out()).doesNotContain("eve");
  }

  @Test
  void userAddWithoutAPasswordOnStdinFails() throws Exception {
    Path data = tmp.resolve("data");
    for (String stdin : new String[] {"", "\n"}) {
      Result r = run(stdin, "user", "add", "frank", "--role", "uploader", "--data", "" + data);
      assertThat(r.exit()).isNotEqualTo(0);
      assertThat(r.err()).contains("no password on standard input");
    }
    assertThat(run("", "user", "list", "--data", "" + data).out()).doesNotContain("frank");
  }

  @Test
  void userAddRefusesAShortPasswordAndABadName() throws Exception {
    Path data = tmp.resolve("data");
    Result shortPassword =
        run("short\n", "user", "add", "gina", "--role", "uploader", "--data", "" + data);
    assertThat(shortPassword.exit()).isNotEqualTo(0);
    assertThat(shortPassword.err()).contains("at least 8 characters");

    Result badName =
        run(
            "a fine password\n",
            "user",
            "add",
            "no/name",
            "--role",
            "uploader",
            "--data",
            "" + data);
    assertThat(badName.exit()).isNotEqualTo(0);
    assertThat(badName.err()).contains("user name");

    Result noRole = run("a fine password\n", "user", "add", "gina", "--data", "" + data);
    assertThat(noRole.exit()).isNotEqualTo(0);
    assertThat(noRole.err()).contains("--role");

    assertThat(run("", "user", "list", "--data", "" + data).out()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // upload and download

  @Test
  void uploadPrintsTheContentIdAndWritesLnkFiles() throws Exception {
    byte[] png = TestPngs.png(7101);
    String id = ImageId.forContent(png).value();
    Path file = Files.write(tmp.resolve("login.png"), png);

    Result up = upload(file, "--write-lnk");
    assertWithMessage(up.err()).that(up.exit()).isEqualTo(0);
    assertThat(up.out()).isEqualTo(id + " " + file + "\n");
    assertThat(Files.readString(tmp.resolve("login.png.lnk"), UTF_8)).isEqualTo("uuid=" + id);

    // The same bytes again: the same id, and nothing new stored.
    Result again = upload(file);
    assertThat(again.exit()).isEqualTo(0);
    assertThat(again.out()).isEqualTo(id + " " + file + " (already stored)\n");

    assertThat(service.send(service.request("/images/" + id, null).build()).body()).isEqualTo(png);
  }

  @Test
  void uploadOfSeveralFilesReportsEachAndFailsForTheBadOne() throws Exception {
    byte[] a = TestPngs.png(7201);
    byte[] b = TestPngs.png(7202);
    Path fa = Files.write(tmp.resolve("a.png"), a);
    Path notPng = Files.writeString(tmp.resolve("b.png"), "not a png");
    Path fb = Files.write(tmp.resolve("c.png"), b);

    Result r = upload(fa, notPng, fb);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .isEqualTo(
            ImageId.forContent(a) + " " + fa + "\n" + ImageId.forContent(b) + " " + fb + "\n");
    assertThat(r.err()).contains(notPng.toString());
    assertThat(r.err()).contains("not a PNG");
  }

  @Test
  void uploadWithAWrongPasswordFails() throws Exception {
    Path file = Files.write(tmp.resolve("x.png"), TestPngs.png(7301));
    Result r =
        run(
            "wrong password\n",
            "upload",
            "" + file,
            "--url",
            "" + service.url(),
            "--user",
            UPLOADER,
            "--password-stdin");
    assertThat(r.exit()).isNotEqualTo(0);
    assertThat(r.err()).contains("valid credentials are required");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void uploadWithoutAPasswordSourceFailsBeforeSending() throws Exception {
    byte[] png = TestPngs.png(7351);
    Path file = Files.write(tmp.resolve("y.png"), png);
    Result r = run("", "upload", "" + file, "--url", "" + service.url(), "--user", UPLOADER);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("no password for uploader");
    assertThat(
            service
                .send(service.request("/images/" + ImageId.forContent(png), null).build())
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void downloadByIdAndByLnkWriteTheSameBytes() throws Exception {
    byte[] png = TestPngs.png(7401);
    String id = ImageId.forContent(png).value();
    Path file = Files.write(tmp.resolve("shot.png"), png);
    assertThat(upload(file, "--write-lnk").exit()).isEqualTo(0);

    Path byId = tmp.resolve("out/by-id.png");
    Result get = run("", "download", id, "-o", "" + byId, "--url", "" + service.url());
    assertWithMessage(get.err()).that(get.exit()).isEqualTo(0);
    assertThat(get.out()).isEqualTo(id + " " + byId + "\n");
    assertThat(Files.readAllBytes(byId)).isEqualTo(png);

    // A .lnk elsewhere: the image lands beside it, named without the .lnk.
    Path checkout = Files.createDirectories(tmp.resolve("checkout"));
    Path lnk = Files.copy(tmp.resolve("shot.png.lnk"), checkout.resolve("copy.png.lnk"));
    Result byLnk = run("", "download", "" + lnk, "--url", "" + service.url());
    assertWithMessage(byLnk.err()).that(byLnk.exit()).isEqualTo(0);
    assertThat(Files.readAllBytes(checkout.resolve("copy.png"))).isEqualTo(png);
    assertThat(Files.readAllBytes(checkout.resolve("copy.png")))
        .isEqualTo(Files.readAllBytes(byId));
  }

  @Test
  void downloadOfAnUnknownIdExits1AndWritesNothing() throws Exception {
    Path target = tmp.resolve("missing.png");
    Result r = run("", "download", "0".repeat(32), "-o", "" + target, "--url", "" + service.url());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("has no image " + "0".repeat(32));
    assertThat(Files.exists(target)).isFalse();
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left.toList()).isEmpty(); // no temporary file either
    }
  }

  @Test
  void downloadOfSomethingThatIsNoImageFails() throws Exception {
    Result neither = run("", "download", "no-such-file.lnk", "--url", "" + service.url());
    assertThat(neither.exit()).isEqualTo(2);
    assertThat(neither.err()).contains("neither an image id nor a .lnk file");

    Path bad = Files.writeString(tmp.resolve("bad.png.lnk"), "uuid=NOT-AN-ID");
    Result malformed = run("", "download", "" + bad, "--url", "" + service.url());
    assertThat(malformed.exit()).isEqualTo(2);
    assertThat(malformed.err()).contains("not 32 lowercase hex digits");
    assertThat(Files.exists(tmp.resolve("bad.png"))).isFalse();
  }

  // ---------------------------------------------------------------------------------------------
  // Defaults from the environment and the config file

  @Test
  void aFlagWinsOverTheEnvironmentWhichWinsOverTheFile() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("IMAGESTORE_PORT", "2222");
    env.put("IMAGESTORE_MAX_IMAGE_BYTES", "5000");
    env.put("IMAGESTORE_BIND", ""); // empty: as if unset
    Properties file = new Properties();
    file.setProperty("port", "3333");
    file.setProperty("bind", "0.0.0.0");
    file.setProperty("max-image-bytes", "6000");
    file.setProperty("data", "" + tmp.resolve("from-file"));
    ConfigDefaults defaults = new ConfigDefaults(env, file);

    ServeCommand fromDefaults = serve(defaults);
    assertThat(fromDefaults.port).isEqualTo(2222); // environment over file
    assertThat(fromDefaults.maxImageBytes).isEqualTo(5000);
    assertThat(fromDefaults.bind).isEqualTo("0.0.0.0"); // file, the environment's is empty
    assertThat(fromDefaults.store.dataDir).isEqualTo(tmp.resolve("from-file"));
    assertThat(fromDefaults.maxPixels).isEqualTo(ServiceConfig.DEFAULT_MAX_PIXELS); // built in

    ServeCommand fromFlags =
        serve(defaults, "--port", "4444", "--bind", "127.0.0.2", "--max-image-bytes", "7000");
    assertThat(fromFlags.port).isEqualTo(4444);
    assertThat(fromFlags.bind).isEqualTo("127.0.0.2");
    assertThat(fromFlags.maxImageBytes).isEqualTo(7000);

    ServeCommand builtIn = serve(new ConfigDefaults(Map.of(), new Properties()));
    assertThat(builtIn.port).isEqualTo(ServiceConfig.DEFAULT_PORT);
    assertThat(builtIn.bind).isEqualTo(ServiceConfig.DEFAULT_BIND);
    assertThat(builtIn.store.dataDir).isEqualTo(Path.of(ServiceConfig.DEFAULT_DATA_DIR));
  }

  @Test
  void publicMetadataIsOffUnlessAFlagTheEnvironmentOrTheFileTurnsItOn() {
    ConfigDefaults none = new ConfigDefaults(Map.of(), new Properties());
    assertThat(serve(none).publicMetadata).isFalse();
    assertThat(serve(none, "--public-metadata").publicMetadata).isTrue();
    assertThat(serve(none, "--public-metadata=false").publicMetadata).isFalse();
    assertThat(
            serve(
                    new ConfigDefaults(
                        Map.of("IMAGESTORE_PUBLIC_METADATA", "true"), new Properties()))
                .publicMetadata)
        .isTrue();
    Properties file = new Properties();
    file.setProperty("public-metadata", "true");
    assertThat(serve(new ConfigDefaults(Map.of(), file)).publicMetadata).isTrue();
  }

  @Test
  void theAccessLogIsOffUnlessAFlagTheEnvironmentOrTheFileNamesIt() {
    ConfigDefaults none = new ConfigDefaults(Map.of(), new Properties());
    assertThat(serve(none).accessLog).isNull();
    assertThat(serve(none, "--access-log", "/var/log/imagestore/access.log").accessLog)
        .isEqualTo(Path.of("/var/log/imagestore/access.log"));
    assertThat(
            serve(new ConfigDefaults(Map.of("IMAGESTORE_ACCESS_LOG", "env.log"), new Properties()))
                .accessLog)
        .isEqualTo(Path.of("env.log"));
    Properties file = new Properties();
    file.setProperty("access-log", "/logs/yyyy_mm_dd.access.log");
    assertThat(serve(new ConfigDefaults(Map.of(), file)).accessLog)
        .isEqualTo(Path.of("/logs/yyyy_mm_dd.access.log"));
  }

  @Test
  void loginLimitsComeFromFlagsTheEnvironmentOrTheFile() {
    ConfigDefaults none = new ConfigDefaults(Map.of(), new Properties());
    ServeCommand builtIn = serve(none);
    assertThat(builtIn.loginFailuresPerAddress)
        .isEqualTo(ServiceConfig.LoginLimits.DEFAULT.perAddress());
    assertThat(builtIn.loginFailuresPerAccount)
        .isEqualTo(ServiceConfig.LoginLimits.DEFAULT.perAccount());
    assertThat(builtIn.loginFailureWindow).isEqualTo(ServiceConfig.LoginLimits.DEFAULT.window());
    assertThat(serve(none, "--login-failures-per-address", "3").loginFailuresPerAddress)
        .isEqualTo(3);
    Properties file = new Properties();
    file.setProperty("login-failures-per-account", "7");
    file.setProperty("login-failure-window", "5m");
    ServeCommand fromFile =
        serve(new ConfigDefaults(Map.of("IMAGESTORE_LOGIN_FAILURES_PER_ADDRESS", "4"), file));
    assertThat(fromFile.loginFailuresPerAddress).isEqualTo(4);
    assertThat(fromFile.loginFailuresPerAccount).isEqualTo(7);
    assertThat(fromFile.loginFailureWindow).isEqualTo(Duration.ofMinutes(5));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ServiceConfig.LoginLimits(0, 50, Duration.ofMinutes(1)));
  }

  @Test
  void secretsComeFromTheEnvironmentThenTheFile() {
    Properties file = new Properties();
    file.setProperty("password", "from file");
    file.setProperty("db-password", "db from file");
    ConfigDefaults defaults = new ConfigDefaults(Map.of("IMAGESTORE_PASSWORD", "from env"), file);
    assertThat(defaults.secret("password")).isEqualTo("from env");
    assertThat(defaults.secret("db-password")).isEqualTo("db from file");
    assertThat(new ConfigDefaults(Map.of(), new Properties()).secret("password")).isNull();
    assertThat(ConfigDefaults.envName("db-pool-size")).isEqualTo("IMAGESTORE_DB_POOL_SIZE");
  }

  @Test
  void theConfigFileComesFromTheFlagOrTheEnvironment() throws Exception {
    Path flagged = writeProperties("flagged.properties", "port=5555\nbind=10.0.0.1\n");
    Path fromEnv = writeProperties("env.properties", "port=6666\n");
    Map<String, String> env = Map.of("IMAGESTORE_CONFIG", "" + fromEnv);

    assertThat(
            serve(ConfigDefaults.load(new String[] {"serve", "--config", "" + flagged}, Map.of()))
                .port)
        .isEqualTo(5555);
    assertThat(
            serve(ConfigDefaults.load(new String[] {"serve", "--config=" + flagged}, Map.of()))
                .bind)
        .isEqualTo("10.0.0.1");
    assertThat(serve(ConfigDefaults.load(new String[] {"serve"}, env)).port).isEqualTo(6666);
    // The flag names the file even when the environment names another.
    assertThat(
            serve(ConfigDefaults.load(new String[] {"serve", "--config", "" + flagged}, env)).port)
        .isEqualTo(5555);
    // And the environment's values still win over the file's.
    Map<String, String> envWithPort =
        Map.of("IMAGESTORE_CONFIG", "" + fromEnv, "IMAGESTORE_PORT", "7777");
    assertThat(serve(ConfigDefaults.load(new String[] {"serve"}, envWithPort)).port)
        .isEqualTo(7777);
  }

  @Test
  void aMissingConfigFileIsAnError() throws Exception {
    Path missing = tmp.resolve("missing.properties");
    IOException e =
        assertThrows(
            IOException.class,
            () -> ConfigDefaults.load(new String[] {"serve", "--config", "" + missing}, Map.of()));
    assertThat(e).hasMessageThat().contains("cannot read the config file");

    // The command line says so instead of starting anything.
    Result r = run("", "serve", "--config", "" + missing);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("cannot read the config file " + missing);
  }

  @Test
  void theConfigFileReachesUserCommands() throws Exception {
    Path data = tmp.resolve("configured-data");
    Path config = writeProperties("imagestore.properties", "data=" + data + "\n");
    assertThat(
            run(
                    "a fine password\n",
                    "user",
                    "add",
                    "hank",
                    "--role",
                    "admin",
                    "--config",
                    "" + config)
                .exit())
        .isEqualTo(0);
    assertThat(run("", "user", "list", "--data", "" + data).out()).isEqualTo("hank\tadmin\n");
  }

  // ---------------------------------------------------------------------------------------------
  // Help

  @Test
  void serveHelpNamesItsOptions() throws Exception {
    Result r = run("", "serve", "--help");
    assertThat(r.exit()).isEqualTo(0);
    assertThat(r.out()).contains("--port");
    assertThat(r.out()).contains("--bind");
    assertThat(r.out()).contains("--data");
    assertThat(r.out()).contains("--max-image-bytes");
    assertThat(r.out()).contains("--blob-cache-bytes");
    assertThat(r.out()).contains("--config");
  }

  @Test
  void topLevelHelpExplainsTheDefaultsAndBadCommandsFail() throws Exception {
    Result help = run("", "--help");
    assertThat(help.exit()).isEqualTo(0);
    assertThat(help.out()).contains("serve");
    assertThat(help.out()).contains("IMAGESTORE_");

    Result unknown = run("", "frobnicate");
    assertThat(unknown.exit()).isNotEqualTo(0);
    assertThat(unknown.err()).contains("frobnicate");

    Result badOption = run("", "serve", "--port", "eighty");
    assertThat(badOption.exit()).isNotEqualTo(0);
    assertThat(badOption.err()).contains("eighty");
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  record Result(int exit, String out, String err) {}

  /**
   * Runs the command line with {@code stdin} as standard input and an empty environment (so an
   * IMAGESTORE_PASSWORD in the developer's shell changes nothing), capturing its output.
   */
  static Result run(String stdin, String... args) {
    return run(Map.of(), stdin, args);
  }

  /** Runs the command line with {@code env} standing for the environment. */
  static synchronized Result run(Map<String, String> env, String stdin, String... args) {
    InputStream in = System.in;
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(UTF_8)));
      System.setOut(new PrintStream(o, true, UTF_8));
      System.setErr(new PrintStream(e, true, UTF_8));
      int exit = ImagestoreCommand.execute(env, args);
      System.out.flush();
      System.err.flush();
      return new Result(exit, o.toString(UTF_8), e.toString(UTF_8));
    } finally {
      System.setIn(in);
      System.setOut(out);
      System.setErr(err);
    }
  }

  private Result upload(Path... files) {
    return upload(files, new String[0]);
  }

  private Result upload(Path file, String flag) {
    return upload(new Path[] {file}, new String[] {flag});
  }

  private Result upload(Path[] files, String[] flags) {
    List<String> args = new ArrayList<>();
    args.add("upload");
    for (Path f : files) {
      args.add("" + f);
    }
    args.addAll(List.of(flags));
    args.addAll(List.of("--url", "" + service.url(), "--user", UPLOADER, "--password-stdin"));
    return run(PASSWORD + "\n", args.toArray(String[]::new));
  }

  /** Parses {@code serve ARGS} with these defaults, as execute() would, without running it. */
  private static ServeCommand serve(ConfigDefaults defaults, String... args) {
    CommandLine cl = new CommandLine(new ImagestoreCommand()).setDefaultValueProvider(defaults);
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    ParseResult parsed = cl.parseArgs(all);
    return (ServeCommand) parsed.subcommand().commandSpec().userObject();
  }

  private Path writeProperties(String name, String content) throws IOException {
    return Files.writeString(tmp.resolve(name), content, UTF_8);
  }
}
