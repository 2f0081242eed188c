package io.switchboard.server.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A result held as bytes that {@link RequestSteps}' writer can hand to the servlet output as it is:
 * {@code ByteArrayInputStream.transferTo} copies its array first (JDK 22 and later) for any output
 * stream but a few of the JDK's own.
 */
final class ResultBytes extends ByteArrayInputStream {
  ResultBytes(byte[] bytes) {
    super(bytes);
  }

  /** Writes what is left to read, in one call, and leaves nothing to read. */
  void writeTo(OutputStream out) throws IOException {
    int from = pos;
    int length = count - pos;
    pos = count;
    out.write(buf, from, length);
  }
}
