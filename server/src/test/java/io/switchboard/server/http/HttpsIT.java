package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with a configured certificate, answering the token endpoint whatever host name the caller
 * used.
 */
class HttpsIT {
  @TempDir Path dir;

  @Test
  void servesTokenEndpointOverHttpsOnAnyHostNameBesidePlainHttp() throws Exception {
    Path keystore = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                "switchboard",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=switchboard.test",
                "-ext",
                "SAN=dns:switchboard.test,dns:login.switchboard.test,ip:127.0.0.1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();

    try (TestServer server =
        TestServer.start(
            Map.of(
                SettingKeys.TLS_PORT,
                "0",
                SettingKeys.TLS_KEYSTORE,
                keystore.toString(),
                SettingKeys.TLS_KEYSTORE_PASSWORD,
                "changeit"))) {
      var org = server.newOrg();
      assertThat(server.switchboard().tlsPort()).isPositive().isNotEqualTo(server.port());
      assertThat(server.api().token(org)).as("plain HTTP still served").isNotBlank();

      var trust = KeyStore.getInstance("PKCS12");
      try (var in = Files.newInputStream(keystore)) {
        trust.load(in, "changeit".toCharArray());
      }
      var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      var ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      var params = ssl.getDefaultSSLParameters();
      params.setEndpointIdentificationAlgorithm(
          null); // we dial 127.0.0.1 but claim another host below
      try (var https = HttpClient.newBuilder().sslContext(ssl).sslParameters(params).build()) {
        var response =
            https.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "https://127.0.0.1:" + server.switchboard().tlsPort() + "/oauth/token"))
                    .header("Authorization", Api.basic(org.clientId(), org.clientSecret()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("access_token");
      }
    }
  }
}
