package io.switchboard.server.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of an acceptance test class with a server of its own and two orgs: the tests act as the
 * first ({@link #token}, {@link #fx}) and check isolation with the second ({@link #otherToken}). A
 * subclass's own {@code @BeforeAll} runs after this one, so it can build on the server.
 */
public abstract class TwoOrgServer {
  protected static TestServer server;
  protected static Api api;
  protected static String token;
  protected static String otherToken;
  protected static Fixtures fx;

  @BeforeAll
  static void startServerWithTwoOrgs() {
    server = TestServer.start();
    api = server.api();
    token = api.token(server.newOrg());
    otherToken = api.token(server.newOrg());
    fx = new Fixtures(api, token);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
