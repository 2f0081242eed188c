package io.switchboard.server.storage;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

/**
 * Row ids for tables written in bursts. A version 7 UUID starts with its creation time in
 * milliseconds (then 74 random bits), so a burst of new rows lands at the end of the primary-key
 * index instead of on every page of it: H2 rewrites each page a commit touched, and 500 random keys
 * in one commit touched most of a large table (issue 11, JFR: the launch writer's commits). Still a
 * UUID on the wire, unguessable in its random part; not for ids that must not reveal when they were
 * made.
 */
public final class Ids {
  private static final TimeBasedEpochGenerator TIME_ORDERED = Generators.timeBasedEpochGenerator();

  private Ids() {}

  /** A new version 7 (time-ordered) UUID as text. */
  public static String timeOrdered() {
    return TIME_ORDERED.generate().toString();
  }
}
