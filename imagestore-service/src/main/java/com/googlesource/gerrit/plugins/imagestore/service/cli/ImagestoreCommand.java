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

import com.googlesource.gerrit.plugins.imagestore.service.db.EmbeddedDatabase;
import com.googlesource.gerrit.plugins.imagestore.service.logging.JsonLogFormatter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.logging.LogManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar imagestore-service.jar <command>}: the service and its tools. */
@Command(
    name = "imagestore",
    mixinStandardHelpOptions = true,
    versionProvider = ImagestoreCommand.Version.class,
    description = "Reference screenshots of visual UI tests, kept out of git.",
    subcommands = {
      ServeCommand.class,
      UserCommand.class,
      FsckCommand.class,
      UploadCommand.class,
      DownloadCommand.class,
      DiffCommand.class,
      WorkflowCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Every option can also be set as an environment variable IMAGESTORE_<OPTION>",
      "(--max-image-bytes: IMAGESTORE_MAX_IMAGE_BYTES) or in a properties file given by",
      "--config FILE or IMAGESTORE_CONFIG (max-image-bytes=...). Flags win over the",
      "environment, which wins over the file."
    })
public final class ImagestoreCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code. */
  public static int execute(String... args) {
    return execute(System.getenv(), args);
  }

  /**
   * Runs a command line with {@code env} standing for the environment ({@code IMAGESTORE_*}
   * defaults); tests pass their own so the caller's shell cannot change the outcome.
   */
  public static int execute(Map<String, String> env, String... args) {
    configureLogging("json".equalsIgnoreCase(env.get("IMAGESTORE_LOG_FORMAT")));
    CommandLine cl;
    try {
      cl =
          new CommandLine(new ImagestoreCommand())
              .setDefaultValueProvider(ConfigDefaults.load(args, env));
    } catch (IOException e) {
      System.err.println("imagestore: " + e.getMessage());
      return 2;
    }
    return run(cl.setCaseInsensitiveEnumValuesAllowed(true), args);
  }

  /** Exit code: the embedded database is open in another process (a running service). */
  static final int EXIT_DATABASE_IN_USE = 3;

  /**
   * Exit code of {@code serve}: H2 stopped the embedded database for good (a write to its file
   * failed: a full disk), as sysexits' EX_TEMPFAIL; a restart brings it back once there is space.
   */
  static final int EXIT_DATABASE_STOPPED = 75;

  /**
   * Exit code: the command crashed (a bug, or out of memory), as sysexits' EX_SOFTWARE; never 1,
   * which {@code diff} and {@code workflow} use for images that differ.
   */
  static final int EXIT_CRASH = 70;

  /** Executes {@code cl}: a failure the command does not handle exits with a code of its own. */
  static int run(CommandLine cl, String... args) {
    cl.setExecutionExceptionHandler(ImagestoreCommand::handleFailure);
    try {
      return cl.execute(args);
    } catch (Error e) {
      // picocli lets Errors (OutOfMemoryError, StackOverflowError) through.
      return crashed(e, cl.getCommandSpec().qualifiedName());
    }
  }

  private static int crashed(Throwable e, String command) {
    System.err.println("imagestore: '" + command + "' crashed (a bug, please report it):");
    e.printStackTrace();
    return EXIT_CRASH;
  }

  private static int handleFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    if (EmbeddedDatabase.inUseByAnotherProcess(e)) {
      System.err.println(
          "imagestore: the embedded database of this data directory is in use by another process"
              + " (a running service?). It opens no network port, so one process at a time has"
              + " it: stop the service, run '"
              + cl.getCommandSpec().qualifiedName()
              + "' again, then start the service; or run the service on PostgreSQL (--db-url),"
              + " which any number of processes may use at once.");
      return EXIT_DATABASE_IN_USE;
    }
    return crashed(e, cl.getCommandSpec().qualifiedName());
  }

  /**
   * One line per record, to standard error; Flogger, Jetty and HikariCP all end up here. With
   * {@code IMAGESTORE_LOG_FORMAT=json}, each line is a JSON object (structured logs).
   */
  private static void configureLogging(boolean json) {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    String config =
        "handlers=java.util.logging.ConsoleHandler\n"
            + ".level=INFO\n"
            + "java.util.logging.ConsoleHandler.level=ALL\n"
            + (json
                ? "java.util.logging.ConsoleHandler.formatter="
                    + JsonLogFormatter.class.getName()
                    + "\n"
                : "")
            + "java.util.logging.SimpleFormatter.format="
            + "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n\n"
            + "org.eclipse.jetty.level=WARNING\n"
            + "com.zaxxer.hikari.level=WARNING\n"
            + "org.flywaydb.level=WARNING\n";
    try {
      LogManager.getLogManager()
          .readConfiguration(
              new java.io.ByteArrayInputStream(
                  config.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (IOException e) {
      // Keep the JDK's default logging.
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ImagestoreCommand.class.getPackage().getImplementationVersion();
      return new String[] {"imagestore " + (v == null ? "(development)" : v)};
    }
  }

  static Properties readProperties(Path file) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }
}
