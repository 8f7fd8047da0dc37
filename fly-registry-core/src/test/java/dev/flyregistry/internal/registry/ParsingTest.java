package dev.flyregistry.internal.registry;

import static dev.flyregistry.testing.TextAssertions.assertOneCleanLine;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.internal.http.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import okhttp3.Dns;
import org.junit.jupiter.api.Test;

class ParsingTest {

  @Test
  void scopesParseFormatAndCover() {
    Scope s = Scope.parse("repository:team/app:push,pull").orElseThrow();
    assertThat(s.toString()).isEqualTo("repository:team/app:pull,push");
    assertThat(s.covers(Scope.pull("team/app"))).isTrue();
    assertThat(Scope.pull("team/app").covers(s)).isFalse();
    assertThat(new Scope("repository", "x", Set.of("*")).covers(Scope.pullPush("x"))).isTrue();
    assertThat(Scope.parse("repository(plugin):a:b:pull").orElseThrow().name()).isEqualTo("a:b");
    assertThat(Scope.parse("nonsense")).isEmpty();
    assertThat(Scope.parse("a:b:")).isEmpty();
    assertThat(Scope.parseAll("repository:a:pull  repository:b:push")).hasSize(2);
  }

  @Test
  void normalizeMergesActionsOnTheSameResource() {
    Set<Scope> n = Scope.normalize(List.of(Scope.pull("b"), Scope.pull("a"), Scope.pullPush("b")));
    assertThat(n)
        .extracting(Scope::toString)
        .containsExactly("repository:a:pull", "repository:b:pull,push");
  }

  @Test
  void normalizeOfOneScopeIsThatScopeAndEqualsTheGeneralForm() {
    Scope one = new Scope("repository", "a", Set.of("push", "pull"));
    Set<Scope> n = Scope.normalize(List.of(one));
    assertThat(n).containsExactly(one);
    assertThat(n.iterator().next().toString()).isEqualTo("repository:a:pull,push");
    // the same set as when the scope is merged with a duplicate (the general path)
    assertThat(n).isEqualTo(Scope.normalize(List.of(one, Scope.pull("a"))));
    assertThat(Scope.allCovered(n, List.of(Scope.pull("a")))).isTrue();
    assertThat(Scope.allCovered(n, List.of(Scope.pull("a"), Scope.pull("b")))).isFalse();
    assertThat(Scope.allCovered(List.of(), List.of())).isTrue();
  }

  @Test
  void contextScrubsLongestSecretsFirstAndKeepsThemForAnotherRepository() {
    Failures.Context ctx =
        new Failures.Context(
            "r.example",
            "a",
            "credentials from test",
            Secrets.of(List.of("abcd", "abcdefgh", "xy"), 4));
    // the longer secret goes first (it contains the shorter one); a short one is not looked for
    assertThat(ctx.scrub("token abcdefgh, abcd and xy"))
        .isEqualTo("token REDACTED, REDACTED and xy");
    Failures.Context other = ctx.withRepository("b");
    assertThat(other.repository()).isEqualTo("b");
    assertThat(other.secrets()).isSameAs(ctx.secrets());
    assertThat(ctx.withRepository("a")).isSameAs(ctx);
    assertThat(ctx.withRepository(null).where()).isEqualTo("r.example");
    assertThat(ctx.anonymous()).isFalse();
    assertThat(new Failures.Context("r", null, Failures.NO_CREDENTIALS).anonymous()).isTrue();
    assertThat(ctx.secrets().toString()).doesNotContain("abcd");
  }

  @Test
  void refusalsOfAnAnonymousClientCarryTheCredentialsAdviceApartFromTheProblem() {
    Failures.Context anonymous =
        new Failures.Context("registry.test", "app", Failures.NO_CREDENTIALS);
    Failures.Context withCredentials =
        new Failures.Context("registry.test", "app", "credentials from test");
    String advice =
        "the client has no credentials for registry.test: build it with"
            + " credentials(Credentials.defaultChain()) (the Fly token, then docker's config.json)"
            + " or credentials(Credentials.fly(token))";
    okhttp3.HttpUrl realm = okhttp3.HttpUrl.get("https://auth.test/token");
    java.time.Clock clock = java.time.Clock.systemUTC();
    List<dev.flyregistry.registry.RegistryException> refused =
        List.of(
            Failures.status(
                anonymous,
                "HEAD manifest x",
                response(401, okhttp3.ResponseBody.create(new byte[0], null), null),
                clock),
            Failures.tokenServiceStatus(
                anonymous,
                realm,
                response(401, okhttp3.ResponseBody.create(new byte[0], null), null)),
            Failures.authentication(
                anonymous, "HEAD manifest x", "no", ErrorBody.parse(new byte[0])));
    assertThat(refused)
        .allSatisfy(
            e -> {
              assertThat(e)
                  .isInstanceOf(dev.flyregistry.registry.RegistryAuthenticationException.class);
              assertThat(e.advice()).contains(advice);
              assertThat(e.problem())
                  .contains("with no credentials")
                  .doesNotContain("Credentials.");
              assertThat(e.getMessage()).isEqualTo(e.problem() + "; " + advice);
            });
    List<dev.flyregistry.registry.RegistryException> withCredentialsRefused =
        List.of(
            Failures.status(
                withCredentials,
                "HEAD manifest x",
                response(401, okhttp3.ResponseBody.create(new byte[0], null), null),
                clock),
            Failures.status(
                withCredentials,
                "HEAD manifest x",
                response(403, okhttp3.ResponseBody.create(new byte[0], null), null),
                clock),
            Failures.tokenServiceStatus(
                withCredentials,
                realm,
                response(401, okhttp3.ResponseBody.create(new byte[0], null), null)),
            Failures.authentication(
                withCredentials, "HEAD manifest x", "no", ErrorBody.parse(new byte[0])));
    assertThat(withCredentialsRefused)
        .allSatisfy(
            e -> {
              assertThat(e.advice()).isEmpty();
              assertThat(e.problem()).isEqualTo(e.getMessage()).doesNotContain("Credentials.");
            });
  }

  @Test
  void linkHeaderFindsNextAmongSeveralLinks() {
    assertThat(LinkHeader.find(List.of("</v2/a/tags/list?n=2&last=b>; rel=\"next\""), "next"))
        .contains("/v2/a/tags/list?n=2&last=b");
    assertThat(
            LinkHeader.find(
                List.of(
                    "<https://x/prev,page>; rel=prev, <https://x/next;page>;title=\"a, b\"; REL=\"next last\""),
                "next"))
        .contains("https://x/next;page");
    assertThat(LinkHeader.find(List.of("<https://x/p>; rel=\"prev\""), "next")).isEmpty();
    assertThat(LinkHeader.find(List.of("garbage, more garbage"), "next")).isEmpty();
  }

  @Test
  void errorBodyParsesEntriesWithAnyDetail() {
    ErrorBody b =
        ErrorBody.parse(
            ("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"no\",\"detail\":[{\"Type\":\"repository\"}]},"
                    + "{\"code\":\"WEIRD\",\"detail\":\"text\"},{\"message\":\"no code\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(b.errors()).hasSize(3);
    assertThat(b.errors().get(0).detailJson()).contains("[{\"Type\":\"repository\"}]");
    assertThat(b.errors().get(1).detailJson()).contains("\"text\"");
    assertThat(b.errors().get(2).code()).isEmpty();
    assertThat(b.hasCode("denied")).isTrue();
    assertThat(b.describe(Secrets.NONE)).contains("DENIED: no").contains("WEIRD");
  }

  @Test
  void errorBodyToleratesHtmlAndBoundsTheSnippet() {
    String html = "<html>\n<body>\t" + "x".repeat(5000) + "</body></html>";
    ErrorBody b = ErrorBody.parse(html.getBytes(StandardCharsets.UTF_8));
    assertThat(b.errors()).isEmpty();
    String quoted = b.describe(Secrets.NONE);
    assertThat(quoted).startsWith("body: \"<html> <body> xxx");
    assertThat(quoted.length())
        .isLessThanOrEqualTo("body: \"\"".length() + ErrorBody.MAX_SNIPPET + 3);
    assertThat(
            ErrorBody.parse("{\"errors\":\"not an array\"}".getBytes(StandardCharsets.UTF_8))
                .errors())
        .isEmpty();
    assertThat(ErrorBody.parse(new byte[0]).describe(Secrets.NONE)).isEmpty();
  }

  @Test
  void errorBodyReadsAtMostTheLimit() {
    byte[] big = new byte[1024 * 1024];
    java.util.Arrays.fill(big, (byte) 'a');
    okhttp3.ResponseBody body = okhttp3.ResponseBody.create(big, null);
    ErrorBody b = ErrorBody.read(response(body, null));
    assertThat(b.text()).hasSize(ErrorBody.MAX_READ);
    assertThat(b.describe(Secrets.NONE)).hasSize("body: \"\"".length() + ErrorBody.MAX_SNIPPET + 3);
  }

  private static okhttp3.Response response(okhttp3.ResponseBody body, String authorization) {
    return response(403, body, authorization);
  }

  private static okhttp3.Response response(
      int code, okhttp3.ResponseBody body, String authorization) {
    okhttp3.Request.Builder request =
        new okhttp3.Request.Builder().url("https://registry.test/v2/");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return new okhttp3.Response.Builder()
        .request(request.build())
        .protocol(okhttp3.Protocol.HTTP_1_1)
        .code(code)
        .message(code == 401 ? "Unauthorized" : "Forbidden")
        .body(body)
        .build();
  }

  @Test
  void errorBodyScrubsBeforeItShortens() {
    String longSecret = "fm2_" + "Q".repeat(700) + "SIGTAIL";
    Secrets secrets = Secrets.of(java.util.List.of(longSecret, "canary-7f3a9c1d5e"), 4);
    String json =
        "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"bad "
            + longSecret
            + "\"},{\"code\":\"DENIED\",\"message\":\""
            + "a".repeat(500)
            + "canary-7f3a9c1d5e\"}]}";
    String d = ErrorBody.parse(json.getBytes(StandardCharsets.UTF_8)).describe(secrets);
    assertThat(d).contains("DENIED: bad REDACTED; DENIED: aaa").doesNotContain("QQQQ");
    assertThat(d).doesNotContain("canary").endsWith("aREDACTED");
    String html = "<html>\n\n" + "b".repeat(480) + " canary-7f3a9c1d5e " + longSecret;
    d = ErrorBody.parse(html.getBytes(StandardCharsets.UTF_8)).describe(secrets);
    assertThat(d).doesNotContain("canary").doesNotContain("QQQQ").contains("b REDACTED REDACTED");
  }

  @Test
  void errorBodyScrubsTheCredentialItsRequestCarried() {
    String token = "eyJhbGciOiJSUzI1NiJ9.issued";
    okhttp3.ResponseBody body =
        okhttp3.ResponseBody.create(
            "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"token " + token + " denied\"}]}",
            null);
    ErrorBody b = ErrorBody.read(response(body, "Bearer " + token));
    assertThat(b.describe(Secrets.NONE)).isEqualTo("DENIED: token REDACTED denied");
    assertThat(b.toString()).doesNotContain(token);
    String basic = okhttp3.Credentials.basic("x", "pa55word-secret", StandardCharsets.UTF_8);
    body = okhttp3.ResponseBody.create("you sent pa55word-secret as " + basic, null);
    assertThat(ErrorBody.read(response(body, basic)).describe(Secrets.NONE))
        .isEqualTo("body: \"you sent REDACTED as REDACTED\"");
  }

  @Test
  void hostsAreClassifiedWithoutDnsForLiterals() {
    Dns noDns =
        host -> {
          throw new java.net.UnknownHostException("no DNS in tests: " + host);
        };
    assertThat(Hosts.reach("127.0.0.1", noDns)).isEqualTo(Hosts.Reach.LOOPBACK);
    assertThat(Hosts.reach("localhost", noDns)).isEqualTo(Hosts.Reach.LOOPBACK);
    assertThat(Hosts.reach("[::1]", noDns)).isEqualTo(Hosts.Reach.LOOPBACK);
    assertThat(Hosts.reach("10.1.2.3", noDns)).isEqualTo(Hosts.Reach.PRIVATE);
    assertThat(Hosts.reach("192.168.0.1", noDns)).isEqualTo(Hosts.Reach.PRIVATE);
    assertThat(Hosts.reach("172.16.5.4", noDns)).isEqualTo(Hosts.Reach.PRIVATE);
    assertThat(Hosts.reach("169.254.169.254", noDns)).isEqualTo(Hosts.Reach.PRIVATE);
    assertThat(Hosts.reach("fd00::1", noDns)).isEqualTo(Hosts.Reach.PRIVATE);
    assertThat(Hosts.reach("fe80::1", noDns)).isEqualTo(Hosts.Reach.PRIVATE);
    assertThat(Hosts.reach("100.64.0.1", noDns)).isEqualTo(Hosts.Reach.PRIVATE);
    assertThat(Hosts.reach("8.8.8.8", noDns)).isEqualTo(Hosts.Reach.PUBLIC);
    assertThat(Hosts.reach("unresolvable.example", noDns)).isEqualTo(Hosts.Reach.PUBLIC);
    Dns internal =
        host -> List.of(java.net.InetAddress.getByAddress(host, new byte[] {10, 0, 0, 7}));
    assertThat(Hosts.reach("auth.corp.example", internal)).isEqualTo(Hosts.Reach.PRIVATE);
    assertThat(Hosts.hostOnly("127.0.0.1:5000")).isEqualTo("127.0.0.1");
    assertThat(Hosts.hostOnly("[::1]:5000")).isEqualTo("::1");
    assertThat(Hosts.hostOnly("Registry.Fly.io")).isEqualTo("registry.fly.io");
    assertThat(Hosts.isLoopbackName("localhost:5000")).isTrue();
    assertThat(Hosts.isLoopbackName("registry.fly.io")).isFalse();
  }

  @Test
  void errorBodyDescriptionsAreOneCleanBoundedLine() {
    String text = "<html>\u001B[2J\u202Eok\u2028" + "a".repeat(ErrorBody.MAX_SNIPPET) + "%s</html>";
    String cut =
        ErrorBody.parse(text.formatted("").getBytes(StandardCharsets.UTF_8)).describe(Secrets.NONE);
    assertOneCleanLine(cut);
    assertThat(cut).endsWith("...\"");

    // a surrogate pair at the limit
    String atLimit = "a".repeat(ErrorBody.MAX_SNIPPET - 1) + "%s" + "b";
    assertOneCleanLine(
        ErrorBody.parse(atLimit.formatted("\uD83D\uDE00").getBytes(StandardCharsets.UTF_8))
            .describe(Secrets.NONE));

    String json =
        "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"line1\\nline2\\u001b[31m\\u202e"
            + "c".repeat(ErrorBody.MAX_SNIPPET - 1)
            + "\uD83D\uDE00\"}]}";
    String entries = ErrorBody.parse(json.getBytes(StandardCharsets.UTF_8)).describe(Secrets.NONE);
    assertOneCleanLine(entries);
    assertThat(entries).startsWith("DENIED: line1 line2?[31m?").endsWith("...");
  }
}
