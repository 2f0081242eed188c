package io.switchboard.server.faults;

import java.util.Map;

/**
 * An answer a fault rule gives instead of the real one: an ErrorBody with {@code status} and {@code
 * code}, or ({@code drop}) no answer at all because the connection was reset. Thrown by the gate;
 * {@link FaultRoutes} writes it.
 */
final class InjectedFault extends RuntimeException {
  final int status;
  final String code;
  final Map<String, Object> params;
  final boolean drop;

  InjectedFault(int status, String code, String message, Map<String, Object> params) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.params = params;
    this.drop = false;
  }

  private InjectedFault() {
    super("connection dropped by a fault rule", null, false, false);
    this.status = 0;
    this.code = null;
    this.params = Map.of();
    this.drop = true;
  }

  static InjectedFault dropped() {
    return new InjectedFault();
  }
}
