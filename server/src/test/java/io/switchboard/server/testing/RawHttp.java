package io.switchboard.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP/1.1 exchange on a plain socket, so a test sees header names exactly as sent: Java's
 * client and most libraries normalise their case, which would hide the very bug we check for.
 */
public final class RawHttp {
  private RawHttp() {}

  public record RawResponse(String statusLine, List<String> headerLines, String body) {
    /** The header line whose name matches exactly (case-sensitive), or null. */
    public String exactHeader(String name) {
      for (String line : headerLines) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equals(name))
          return line.substring(colon + 1).trim();
      }
      return null;
    }
  }

  public static RawResponse exchange(
      int port, String method, String path, List<String> headers, String body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      byte[] bodyBytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      var sb = new StringBuilder();
      sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
      sb.append("Host: 127.0.0.1:").append(port).append("\r\n");
      sb.append("Connection: close\r\n");
      for (String h : headers) sb.append(h).append("\r\n");
      if (body != null) sb.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
      sb.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(bodyBytes);
      out.flush();
      return read(socket);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Exactly these bytes as the request (line, headers, body: nothing added), for requests no client
   * would send.
   */
  public static RawResponse exchange(int port, byte[] request) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return read(socket);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static RawResponse read(Socket socket) {
    try {
      InputStream in = socket.getInputStream();
      var all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      int split = text.indexOf("\r\n\r\n");
      String head = split < 0 ? text : text.substring(0, split);
      String rest = split < 0 ? "" : text.substring(split + 4);
      String[] lines = head.split("\r\n");
      var headerLines = new ArrayList<String>();
      for (int i = 1; i < lines.length; i++) headerLines.add(lines[i]);
      return new RawResponse(lines[0], headerLines, rest);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
