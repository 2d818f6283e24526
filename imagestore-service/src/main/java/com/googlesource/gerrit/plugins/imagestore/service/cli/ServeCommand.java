package com.googlesource.gerrit.plugins.imagestore.service.cli;

import com.google.common.flogger.FluentLogger;
import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import com.googlesource.gerrit.plugins.imagestore.service.http.HttpServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code serve}: runs the service until it is stopped (SIGINT/SIGTERM). */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the image service.")
final class ServeCommand implements Callable<Integer> {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  @Mixin StoreOptions store;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "" + ServiceConfig.DEFAULT_PORT,
      description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      defaultValue = ServiceConfig.DEFAULT_BIND,
      description =
          "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--max-image-bytes",
      paramLabel = "N",
      defaultValue = "" + ServiceConfig.DEFAULT_MAX_IMAGE_BYTES,
      description = "Largest accepted upload in bytes (default: ${DEFAULT-VALUE}).")
  long maxImageBytes;

  @Option(
      names = "--max-pixels",
      paramLabel = "N",
      defaultValue = "" + ServiceConfig.DEFAULT_MAX_PIXELS,
      description = "Most pixels (width x height) an image may have (default: ${DEFAULT-VALUE}).")
  long maxPixels;

  @Override
  public Integer call() throws Exception {
    ServiceConfig config = store.toConfig(bind, port, maxImageBytes, maxPixels);
    Imagestore imagestore = Imagestore.open(config);
    HttpServer server = HttpServer.start(imagestore);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  logger.atInfo().log("stopping");
                  try {
                    server.close();
                  } catch (Exception e) {
                    logger.atWarning().withCause(e).log("stopping the HTTP server failed");
                  }
                  imagestore.close();
                  stopped.countDown();
                },
                "imagestore-shutdown"));
    // The line scripts and tests wait for; it names the real port when --port was 0.
    System.out.println("imagestore listening on " + server.url());
    System.out.flush();
    server.join();
    stopped.await();
    return 0;
  }
}
