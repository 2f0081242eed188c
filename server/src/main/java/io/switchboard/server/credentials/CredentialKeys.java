package io.switchboard.server.credentials;

import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.storage.OwnerOnlyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the credentials key comes from, decided once at start-up:
 *
 * <ol>
 *   <li>{@code crypto.key} ({@code SWITCHBOARD_CRYPTO_KEY}) when set;
 *   <li>else the key file ({@code crypto.key-file}, default {@code DATA_DIR/crypto.key}) when it
 *       exists;
 *   <li>else, only while no credential is stored yet, a new random key written to the key file with
 *       owner-only permissions (logged with its path, so a first {@code serve --demo} just works);
 *   <li>else start-up fails: stored secrets exist and nothing can open them.
 * </ol>
 *
 * Start-up also fails when stored credentials were sealed with a different key than the one found,
 * naming both key ids, instead of failing later on the first call that needs a secret.
 */
public final class CredentialKeys {
  private static final Logger log = LoggerFactory.getLogger(CredentialKeys.class);
  public static final String DEFAULT_KEY_FILE = "crypto.key";
  public static final String ENV = "SWITCHBOARD_CRYPTO_KEY";

  private CredentialKeys() {}

  /** A key and where it came from (for messages; never the key itself). */
  public record Source(SecretBox box, String description, Path file) {}

  /** The key the server runs with; see the class comment for the order. */
  public static SecretBox forServer(Settings settings, CredentialStore store) {
    return forServer(settings, store, Map.of());
  }

  /**
   * As above, also checking the key ids of the sealed server secrets ({@link
   * ServerSecrets#countByKeyId}).
   */
  public static SecretBox forServer(
      Settings settings, CredentialStore store, Map<String, Long> sealedServerSecrets) {
    Map<String, Long> credentials = store.countByKeyId();
    Map<String, Long> sealed = new java.util.LinkedHashMap<>(credentials);
    sealedServerSecrets.forEach((k, n) -> sealed.merge(k, n, Long::sum));
    long stored = sealed.values().stream().mapToLong(Long::longValue).sum();
    long storedCredentials = credentials.values().stream().mapToLong(Long::longValue).sum();
    String what = what(storedCredentials, stored - storedCredentials);
    Path file = keyFile(settings);
    Source source =
        configured(settings)
            .orElseGet(() -> {
              if (stored > 0) {
                throw new ConfigException(
                    what
                        + " are encrypted, but no credentials key is configured: set "
                        + ENV
                        + " (config "
                        + SettingKeys.CRYPTO_KEY
                        + ") to the key they were sealed with (key id "
                        + String.join(", ", sealed.keySet())
                        + "), or restore the key file "
                        + file.toAbsolutePath());
              }
              return generate(file, settings.optional(SettingKeys.JDBC_URL).isPresent());
            });
    for (var e : sealed.entrySet()) {
      if (!e.getKey().equals(source.box().keyId())) {
        throw new ConfigException(
            e.getValue()
                + " stored credential(s) or server secret(s) are sealed with key id "
                + e.getKey()
                + ", but the configured credentials key ("
                + source.description()
                + ") has key id "
                + source.box().keyId()
                + ". Configure the key they were sealed with, or re-encrypt them with `switchboard"
                + " credentials rotate-key`.");
      }
    }
    return source.box();
  }

  private static String what(long credentials, long serverSecrets) {
    if (serverSecrets == 0) return credentials + " stored credential(s)";
    if (credentials == 0) return serverSecrets + " server secret(s)";
    return credentials + " stored credential(s) and " + serverSecrets + " server secret(s)";
  }

  /**
   * The configured key (setting, then key file) without generating one; empty when there is none.
   */
  public static Optional<Source> configured(Settings settings) {
    Optional<String> fromSetting = settings.optional(SettingKeys.CRYPTO_KEY);
    if (fromSetting.isPresent()) {
      return Optional.of(
          new Source(
              parse(fromSetting.get(), "config " + SettingKeys.CRYPTO_KEY),
              "config " + SettingKeys.CRYPTO_KEY + " / " + ENV,
              null));
    }
    Path file = keyFile(settings);
    if (Files.isRegularFile(file)) {
      warnIfReadableByOthers(file);
      return Optional.of(
          new Source(
              parse(read(file), "key file " + file), "key file " + file.toAbsolutePath(), file));
    }
    return Optional.empty();
  }

  public static Path keyFile(Settings settings) {
    return settings
        .optional(SettingKeys.CRYPTO_KEY_FILE)
        .map(Path::of)
        .orElseGet(() -> settings.path(SettingKeys.DATA_DIR).resolve(DEFAULT_KEY_FILE));
  }

  public static SecretBox parse(String encoded, String where) {
    try {
      return SecretBox.fromBase64(encoded);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          where
              + ": "
              + e.getMessage()
              + " (expected the base64 of 32 random bytes, e.g. from `openssl rand -base64 32`)");
    }
  }

  private static Source generate(Path file, boolean sharedDatabase) {
    String key = SecretBox.newKeyBase64();
    try {
      Path parent = file.toAbsolutePath().getParent();
      // A missing directory is created owner-only; an existing one (perhaps not ours) is left as it
      // is.
      if (parent != null && !Files.isDirectory(parent)) OwnerOnlyFile.secureDirectory(parent);
      writeOwnerOnly(file, key);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot write a new credentials key to "
              + file.toAbsolutePath()
              + ": "
              + e.getMessage()
              + "; set "
              + SettingKeys.CRYPTO_KEY
              + " instead");
    }
    SecretBox box = SecretBox.fromBase64(key);
    log.warn(
        "No credentials key was configured: generated one (key id {}) in {} (owner-only). Back it"
            + " up: stored credentials cannot be read without it. For production set"
            + " SWITCHBOARD_CRYPTO_KEY.{}",
        box.keyId(),
        file.toAbsolutePath(),
        sharedDatabase ? " With a shared database every node needs this same key." : "");
    return new Source(box, "key file " + file.toAbsolutePath(), file);
  }

  /** Writes a key file: owner-only from its first byte (see {@link OwnerOnlyFile}). */
  public static void writeOwnerOnly(Path file, String key) throws IOException {
    OwnerOnlyFile.write(file, (key + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read the credentials key file " + file.toAbsolutePath() + ": " + e.getMessage());
    }
  }

  private static void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.GROUP_READ)
          || perms.contains(PosixFilePermission.OTHERS_READ)) {
        log.warn(
            "The credentials key file {} is readable by other users; run chmod 600 on it",
            file.toAbsolutePath());
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to check.
    }
  }
}
