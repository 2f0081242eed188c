package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} on a port that is taken: one line naming the port and how to choose another. */
class ServePortInUseTest {
  @TempDir Path data;

  @Test
  void aTakenPortIsNamedWithHowToChooseAnother() throws Exception {
    try (var taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      CliRun.Result r =
          CliRun.run("serve", "--port", Integer.toString(port), "--data", data.toString());
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err())
          .startsWith("error: port " + port + " on 127.0.0.1 is already in use")
          .contains("--port N", "--port 0")
          .hasLineCount(1);
    }
  }
}
