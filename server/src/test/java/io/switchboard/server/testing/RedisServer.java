package io.switchboard.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import redis.embedded.core.ExecutableProvider;

/**
 * A Redis server of the test's own, on a free loopback port, that the test may stop and start
 * again; never a Redis that happens to run on the machine. The {@code redis-server} binary comes
 * from the build ({@code com.github.codemonstur:embedded-redis} ships it, extracted once per JVM),
 * so nothing has to be installed; {@code SWITCHBOARD_TEST_REDIS_SERVER} names another binary to use
 * instead.
 */
public final class RedisServer implements AutoCloseable {
  private final int port;
  private Process process;

  private RedisServer(int port) {
    this.port = port;
  }

  public static RedisServer start() {
    var server = new RedisServer(freePort());
    server.startProcess();
    return server;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Kills the process (no shutdown courtesy: this is Redis going away). */
  public void kill() {
    if (process == null) return;
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Starts Redis again on the same port, empty. */
  public void restart() {
    kill();
    startProcess();
  }

  @Override
  public void close() {
    kill();
  }

  private void startProcess() {
    try {
      process =
          new ProcessBuilder(
                  Binary.PATH,
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + Binary.PATH, e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!ping()) {
      if (System.nanoTime() > deadline || !process.isAlive())
        throw new IllegalStateException("redis-server did not come up on port " + port);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private boolean ping() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[5];
      return in.readNBytes(buf, 0, 5) == 5
          && new String(buf, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /** The binary, resolved once per JVM on first use. */
  private static final class Binary {
    static final String PATH = resolve();

    private static String resolve() {
      String override = System.getenv("SWITCHBOARD_TEST_REDIS_SERVER");
      if (override != null && !override.isBlank()) return override;
      try {
        return ExecutableProvider.newJarResourceProvider().get().getAbsolutePath();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot extract the redis-server binary of embedded-redis", e);
      }
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
