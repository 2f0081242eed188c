package io.switchboard.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secrets kept in the data directory (demo credentials, the credentials key file), and the
 * directory itself: owner-only, since it also holds the database files.
 */
public final class OwnerOnlyFile {
  private OwnerOnlyFile() {}

  /**
   * Written to a temporary file created with 0600 first, then moved into place, so the content is
   * never readable by anyone else, not even for a moment, and a reader never sees half a file.
   */
  public static void write(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    }
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static final Logger log = LoggerFactory.getLogger(OwnerOnlyFile.class);
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  /**
   * Creates {@code dir} (and missing parents) as 0700, or makes an existing one 0700, and makes
   * every entry directly in it owner-only (files 0600, directories 0700). Run before the database
   * opens and again after, for the files H2 created: whatever the umask gave them, no other user
   * can reach them, because the directory admits no one else (so files H2 adds later are safe too).
   * Not a POSIX file system: nothing to do.
   */
  public static void secureDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(dir);
        return;
      }
    }
    if (!restrict(dir, DIRECTORY)) return;
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        if (Files.isSymbolicLink(p)) continue;
        restrict(p, Files.isDirectory(p) ? DIRECTORY : FILE);
      }
    }
  }

  private static boolean restrict(Path p, Set<PosixFilePermission> perms) {
    try {
      if (!Files.getPosixFilePermissions(p).equals(perms)) Files.setPosixFilePermissions(p, perms);
      return true;
    } catch (UnsupportedOperationException e) {
      return false;
    } catch (IOException e) {
      // Not ours (a shared directory): say so rather than fail the start.
      log.warn("cannot make {} owner-only: {}", p.toAbsolutePath(), e.getMessage());
      return true;
    }
  }
}
