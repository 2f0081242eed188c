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

  /** An earlier answer served again (a lagging read's previous version), or null. */
  final WriteMarks.Snapshot replay;

  InjectedFault(int status, String code, String message, Map<String, Object> params) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.params = params;
    this.drop = false;
    this.replay = null;
  }

  private InjectedFault(WriteMarks.Snapshot replay) {
    super("previous version served by a fault rule", null, false, false);
    this.status = 200;
    this.code = null;
    this.params = Map.of();
    this.drop = false;
    this.replay = replay;
  }

  static InjectedFault replay(WriteMarks.Snapshot snapshot) {
    return new InjectedFault(snapshot);
  }

  private InjectedFault() {
    super("connection dropped by a fault rule", null, false, false);
    this.status = 0;
    this.code = null;
    this.params = Map.of();
    this.drop = true;
    this.replay = null;
  }

  static InjectedFault dropped() {
    return new InjectedFault();
  }
}
