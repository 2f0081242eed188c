package io.switchboard.cli.bench;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.util.ConcurrencyUtil;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

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
              cfg.jetty.modifyHttpConfiguration(BareHandler::asTheServer);
              cfg.jetty.host = "127.0.0.1";
              cfg.jetty.port = port;
              paths.forEach((path, bytes) ->
                  cfg.routes.get(path, ctx -> ctx.contentType("application/json").result(bytes)));
            })
        .start();
  }

  /**
   * The same answers from a Jetty 12 handler alone, with no servlet layer and no Javalin: Jetty on
   * the virtual threads Javalin gives it and the same HTTP settings. What a request costs on this
   * stack below any framework (the peer benchmark's {@code bare-jetty}).
   */
  /**
   * As the server: no Server header, and no per-connection cache of header lines (with it, Jetty
   * matched the repeated Authorization line in a trie, byte by byte, at a higher cost than parsing
   * it: the same-request baseline ran 5% slower).
   */
  private static void asTheServer(HttpConfiguration http) {
    http.setSendServerVersion(false);
    http.setHeaderCacheSize(0);
  }

  static Server startJetty(int port, Map<String, byte[]> paths) throws Exception {
    var server = new Server(ConcurrencyUtil.jettyThreadPool("bare-jetty", 8, 250, true));
    var http = new HttpConfiguration();
    asTheServer(http);
    // What Javalin's responseBufferSize sets for the servlet response.
    http.setOutputBufferSize(8192);
    var connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            byte[] bytes = paths.get(request.getHttpURI().getPath());
            if (bytes == null) return false;
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            response.write(true, ByteBuffer.wrap(bytes), callback);
            return true;
          }
        });
    server.start();
    return server;
  }
}
