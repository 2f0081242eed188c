package io.switchboard.cli;

import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.Settings;
import io.switchboard.server.credentials.CredentialKeys;
import io.switchboard.server.credentials.KeyRotation;
import io.switchboard.server.credentials.SecretBox;
import io.switchboard.server.storage.Database;
import io.switchboard.server.storage.StorageConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "credentials",
    mixinStandardHelpOptions = true,
    description = "Administer stored integration credentials (offline, against --data or --db).",
    subcommands = {CredentialsCommand.RotateKey.class})
final class CredentialsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "rotate-key",
      mixinStandardHelpOptions = true,
      description = {
        "Re-encrypts every stored credential and server secret with a new key, in place and in one"
            + " transaction (all or nothing).",
        "It also replaces the token-signing key: every access token issued before stops working.",
        "The current key is found as the server finds it (crypto.key / SWITCHBOARD_CRYPTO_KEY, else"
            + " the key file).",
        "The new key comes from --new-key-file, from SWITCHBOARD_NEW_CRYPTO_KEY, or is generated"
            + " into the key file (--generate).",
        "Stop the server first (every node, with a shared database) and start it with the new key"
            + " afterwards. Safe to run again."
      })
  static final class RotateKey implements Callable<Integer> {
    static final String NEW_KEY_ENV = "SWITCHBOARD_NEW_CRYPTO_KEY";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin StorageOptions storage;

    @Option(
        names = "--new-key-file",
        paramLabel = "FILE",
        description =
            "File holding the new key (base64 of 32 random bytes, e.g. `openssl rand -base64 32`).")
    Path newKeyFile;

    @Option(
        names = "--generate",
        description =
            "Generate the new key and write it to the key file in place of the current one (only"
                + " when the current key comes from the key file).")
    boolean generate;

    /** For tests: the environment to read {@value #NEW_KEY_ENV} from. */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws IOException {
      CommandLine cmd = spec.commandLine();
      PrintWriter out = cmd.getOut();
      String fromEnv = environment.get(NEW_KEY_ENV);
      int sources =
          (newKeyFile != null ? 1 : 0)
              + (generate ? 1 : 0)
              + (fromEnv != null && !fromEnv.isBlank() ? 1 : 0);
      if (sources != 1)
        throw new CommandLine.ParameterException(
            cmd,
            "give the new key in exactly one way: --new-key-file FILE, --generate, or "
                + NEW_KEY_ENV);
      Settings settings = storage.settings(Map.of());
      CredentialKeys.Source current =
          CredentialKeys.configured(settings)
              .orElseThrow(() ->
                  new ConfigException(
                      "no current credentials key: set "
                          + CredentialKeys.ENV
                          + " or point --data at the directory holding "
                          + CredentialKeys.DEFAULT_KEY_FILE));
      if (generate && current.file() == null) {
        throw new CommandLine.ParameterException(
            cmd,
            "--generate replaces the key file, but the current key comes from "
                + current.description()
                + "; give the new key with --new-key-file or "
                + NEW_KEY_ENV);
      }

      String newKey;
      Path staged = null;
      if (generate) {
        newKey = SecretBox.newKeyBase64();
        // Written before any row changes, so the new key exists on disk whatever happens next.
        staged = current.file().resolveSibling(current.file().getFileName() + ".new");
        CredentialKeys.writeOwnerOnly(staged, newKey);
      } else if (newKeyFile != null) {
        newKey = Files.readString(newKeyFile, StandardCharsets.US_ASCII).trim();
      } else {
        newKey = fromEnv.trim();
      }
      SecretBox to = CredentialKeys.parse(newKey, "the new key");
      if (to.keyId().equals(current.box().keyId()))
        throw new CommandLine.ParameterException(
            cmd, "the new key is the current key (key id " + to.keyId() + ")");

      KeyRotation.Result result;
      try (Database db = Database.open(StorageConfig.from(settings))) {
        result = KeyRotation.rotate(db, current.box(), to);
      } catch (RuntimeException e) {
        // Nothing was re-encrypted (one transaction): the staged key is of no use.
        if (staged != null) Files.deleteIfExists(staged);
        throw OfflineConflict.explain(
            e, settings, "stop it (every node) and run this again, then start it with the new key");
      }
      out.printf(
          "Re-encrypted %d credential(s) from key id %s to key id %s (%d were already on the new"
              + " key).%n",
          result.reEncrypted(), current.box().keyId(), to.keyId(), result.alreadyOnNewKey());
      if (result.serverSecrets() > 0) {
        out.printf(
            "Re-sealed %d server secret(s); the token-signing key was replaced: every access token"
                + " issued before is now refused (clients fetch new ones).%n",
            result.serverSecrets());
      }
      if (staged != null) {
        Files.move(
            staged,
            current.file(),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        out.println(
            "The key file "
                + current.file().toAbsolutePath()
                + " now holds the new key; start the server as before.");
      } else {
        out.println(
            "Start the server with the new key: set "
                + CredentialKeys.ENV
                + " (or crypto.key, or the key file) to it. The old key no longer opens anything.");
      }
      out.flush();
      return 0;
    }
  }
}
