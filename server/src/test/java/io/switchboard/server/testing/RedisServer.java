package io.switchboard.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A Redis server of the test's own, on a free loopback port, that the test may stop and start again. Never the
 * machine's shared Redis on 6379: other tests use that one.
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
          new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server (is it installed?)", e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!ping()) {
      if (System.nanoTime() > deadline || !process.isAlive()) throw new IllegalStateException("redis-server did not come up on port " + port);
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
      return in.readNBytes(buf, 0, 5) == 5 && new String(buf, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
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
