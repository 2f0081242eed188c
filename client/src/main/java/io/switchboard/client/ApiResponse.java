package io.switchboard.client;

import java.net.http.HttpHeaders;
import java.util.Optional;

/** A successful (2xx or 304) answer: status, headers and the raw body. */
public record ApiResponse(int status, HttpHeaders headers, byte[] body) {
  public Optional<String> header(String name) {
    return headers.firstValue(name);
  }
}
