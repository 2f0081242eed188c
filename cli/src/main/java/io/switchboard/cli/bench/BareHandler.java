package io.switchboard.cli.bench;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import java.util.Map;

/**
 * The baseline of the HTTP benchmarks: Javalin 7 on virtual threads with the server's HTTP settings
 * (no compression, 8 KiB response buffer, no {@code Server} header, no header-line cache), each
 * path answering fixed bytes as JSON. What any handler on this stack costs at the least.
 */
final class BareHandler {
  private BareHandler() {}

  static Javalin start(Map<String, byte[]> paths) {
    return start(0, paths);
  }

  /** On {@code port} (0: any free one) of the loopback address. */
  static Javalin start(int port, Map<String, byte[]> paths) {
    return Javalin.create(
            cfg -> {
              cfg.concurrency.useVirtualThreads = true;
              cfg.startup.showJavalinBanner = false;
              // The same HTTP settings as the server, so the comparison is of the request path
              // alone.
              cfg.http.compressionStrategy = CompressionStrategy.NONE;
              cfg.http.responseBufferSize = 8192;
              cfg.jetty.modifyHttpConfiguration(http -> {
                // As the server: no Server header, and no per-connection cache of header lines
                // (with it, Jetty matched the repeated Authorization line in a trie, byte by byte,
                // at a higher cost than parsing it: the same-request baseline ran 5% slower).
                http.setSendServerVersion(false);
                http.setHeaderCacheSize(0);
              });
              cfg.jetty.host = "127.0.0.1";
              cfg.jetty.port = port;
              paths.forEach((path, bytes) ->
                  cfg.routes.get(path, ctx -> ctx.contentType("application/json").result(bytes)));
            })
        .start();
  }
}
