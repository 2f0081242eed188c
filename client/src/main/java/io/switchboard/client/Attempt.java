package io.switchboard.client;

import java.time.Duration;

/**
 * One try of a call, as reported by {@link DeadlineExceededException#attempts()} and {@link
 * ApiException#attempts()}.
 *
 * @param status the HTTP status, or 0 when the connection failed
 * @param code the ErrorBody {@code code} ({@code connection.failed}, {@code timeout} or {@code
 *     http.<status>} when the server sent none)
 * @param waitAfter the wait that followed (or would have followed) this try
 */
public record Attempt(int status, String code, Duration waitAfter) {}
