package dev.flyregistry.graphql;

import static dev.flyregistry.graphql.Fixtures.json;
import static dev.flyregistry.graphql.Fixtures.pageAnswer;
import static dev.flyregistry.graphql.Fixtures.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.registry.ImageReference;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReleasesPagingTest {
  final MockWebServer server = new MockWebServer();
  final List<JsonNode> requests = Collections.synchronizedList(new ArrayList<>());
  GraphqlClient client;

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    client = client(HttpSettings.defaults().withSleeper(d -> {}));
  }

  GraphqlClient client(HttpSettings http) {
    return GraphqlClient.builder()
        .token(FlyToken.parse("fo1_pagingtesttoken"))
        .endpoint(server.url("/graphql").toString())
        .http(http)
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  /** Serves versions 7..1 of one app in pages of the requested size, cursors "c<offset>". */
  void serveSevenReleases() {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            JsonNode body = Fixtures.body(request);
            requests.add(body);
            JsonNode vars = body.get("variables");
            int first = vars.get("first").asInt();
            int offset =
                vars.get("after").isNull()
                    ? 0
                    : Integer.parseInt(vars.get("after").asText().substring(1));
            List<ObjectNode> nodes = new ArrayList<>();
            for (int v = 7 - offset; v >= 1 && nodes.size() < first; v--) {
              nodes.add(release(v, "registry.fly.io/app:v" + v, null, null));
            }
            int end = offset + nodes.size();
            return json(pageAnswer(nodes, end < 7, "c" + end, 7));
          }
        });
  }

  /**
   * Serves versions 7..1 of one app to either releases query, never more than {@code cap} a page (a
   * server-side page-size cap), cursors "c<offset>".
   */
  void serveSevenReleasesCappedAt(int cap) {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            JsonNode body = Fixtures.body(request);
            requests.add(body);
            JsonNode vars = body.get("variables");
            int asked = vars.has("limit") ? vars.get("limit").asInt() : vars.get("first").asInt();
            JsonNode after = vars.get("after");
            int offset =
                after == null || after.isNull() ? 0 : Integer.parseInt(after.asText().substring(1));
            List<ObjectNode> nodes = new ArrayList<>();
            for (int v = 7 - offset; v >= 1 && nodes.size() < Math.min(asked, cap); v--) {
              nodes.add(release(v, "registry.fly.io/app:v" + v, null, null));
            }
            int end = offset + nodes.size();
            return json(pageAnswer(nodes, end < 7, "c" + end, 7));
          }
        });
  }

  @Test
  void listPagesOnWhenTheServerCapsThePageSize() {
    serveSevenReleasesCappedAt(2);

    List<Release> five = client.releases().list("app", 5);

    assertThat(five).extracting(Release::version).containsExactly(7, 6, 5, 4, 3);
    assertThat(requests).hasSize(3);
    assertThat(requests.get(0).get("variables").get("limit").asInt()).isEqualTo(5);
    assertThat(requests.subList(1, 3))
        .extracting(
            r -> r.get("variables").get("after").asText() + "/" + r.get("variables").get("first"))
        .containsExactly("c2/3", "c4/1");
  }

  @Test
  void listOfMoreThanTheAppHasEndsAtTheEndInOneRequest() {
    serveSevenReleasesCappedAt(100);

    assertThat(client.releases().list("app", 25)).hasSize(7);
    assertThat(client.releases().list("app", 7)).hasSize(7);
    assertThat(requests).hasSize(2);
  }

  @Test
  void listOfACappedAppWithFewerReleasesThanAskedReturnsThemAll() {
    serveSevenReleasesCappedAt(3);

    assertThat(client.releases().list("app", 50))
        .extracting(Release::version)
        .containsExactly(7, 6, 5, 4, 3, 2, 1);
    assertThat(requests).hasSize(3);
  }

  @Test
  void streamWalksThreePagesWithCursors() {
    serveSevenReleases();

    List<Integer> versions;
    try (Stream<Release> all = client.releases().stream("app", 3)) {
      versions = all.map(Release::version).collect(Collectors.toList());
    }

    assertThat(versions).containsExactly(7, 6, 5, 4, 3, 2, 1);
    assertThat(requests).hasSize(3);
    assertThat(requests)
        .extracting(
            r ->
                r.get("variables").get("after").isNull()
                    ? null
                    : r.get("variables").get("after").asText())
        .containsExactly(null, "c3", "c6");
    assertThat(requests)
        .allSatisfy(
            r -> {
              assertThat(r.get("variables").get("appName").asText()).isEqualTo("app");
              assertThat(r.get("variables").get("first").asInt()).isEqualTo(3);
              assertThat(r.get("query").asText())
                  .contains("pageInfo { hasNextPage endCursor }", "totalCount");
            });
  }

  @Test
  void iteratorIsLazyAndReportsTheTotal() {
    serveSevenReleases();

    ReleaseIterator it = client.releases().iterator("app", 3);
    assertThat(requests).isEmpty();
    assertThat(it.totalCount()).isEmpty();

    assertThat(it.next().version()).isEqualTo(7);
    assertThat(requests).hasSize(1);
    assertThat(it.totalCount()).hasValue(7);
    it.next();
    it.next();
    assertThat(requests).hasSize(1);
    assertThat(it.next().version()).isEqualTo(4);
    assertThat(requests).hasSize(2);
    it.close();
    assertThat(it.hasNext()).isFalse();
    assertThat(requests).hasSize(2);
  }

  @Test
  void limitingTheStreamStopsFetching() {
    serveSevenReleases();

    try (Stream<Release> all = client.releases().stream("app", 3)) {
      assertThat(all.limit(2).map(Release::version)).containsExactly(7, 6);
    }
    assertThat(requests).hasSize(1);
  }

  @Test
  void pagingAnUnknownAppFailsOnFirstUse() {
    server.enqueue(json("{\"data\":{\"app\":null}}"));

    ReleaseIterator it = client.releases().iterator("ghost", 10);
    assertThatThrownBy(it::hasNext)
        .isInstanceOf(AppNotFoundException.class)
        .hasMessageContaining("'ghost'");
  }

  @Test
  void aNextPageWithoutCursorIsAProtocolError() {
    server.enqueue(json(pageAnswer(List.of(release(2, "a", null, null)), true, null, 2)));

    ReleaseIterator it = client.releases().iterator("app", 1);
    assertThatThrownBy(it::hasNext)
        .isInstanceOf(GraphqlProtocolException.class)
        .hasMessageContaining("endCursor");
  }

  @Test
  void aRepeatedCursorIsAProtocolErrorNotALoop() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(pageAnswer(List.of(release(2, "a", null, null)), true, "same", 2)));
    }

    assertThatThrownBy(() -> client.releases().stream("app", 1).count())
        .isInstanceOf(GraphqlProtocolException.class)
        .hasMessageContaining("same endCursor");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aCursorCycleIsAProtocolErrorNotALoop() {
    // Cursors a, b, a, b, ...: no cursor follows itself, yet the walk would never end. The
    // server gives up after 20 pages so that a client without cycle detection still stops.
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            int n = requests.size();
            requests.add(Fixtures.body(request));
            return json(
                pageAnswer(
                    List.of(release(100 - n, "a", null, null)),
                    n < 20,
                    n % 2 == 0 ? "a" : "b",
                    100));
          }
        });

    assertThatThrownBy(() -> client.releases().stream("app", 1).count())
        .isInstanceOf(GraphqlProtocolException.class)
        .hasMessageContaining("endCursor");
    assertThat(requests).hasSize(3);
  }

  @Test
  void afterAPagingErrorTheIteratorNeitherReplaysThePageNorAsksAgain() {
    server.enqueue(json(pageAnswer(List.of(release(3, "a", null, null)), true, "same", 3)));
    server.enqueue(json(pageAnswer(List.of(release(3, "a", null, null)), true, "same", 3)));
    server.enqueue(json(pageAnswer(List.of(release(3, "a", null, null)), true, "same", 3)));

    ReleaseIterator it = client.releases().iterator("app", 1);
    assertThat(it.next().version()).isEqualTo(3);
    GraphqlProtocolException first =
        catchThrowableOfType(GraphqlProtocolException.class, it::hasNext);
    assertThat(first).hasMessageContaining("same endCursor");

    // A caller that catches the error and carries on must not get the repeated page, nor make
    // the walk start over: the iterator stays failed.
    assertThatThrownBy(it::hasNext).isSameAs(first);
    assertThatThrownBy(it::next).isSameAs(first);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aNextPageWithoutCursorFailsForGoodWithoutRestartingTheWalk() {
    server.enqueue(json(pageAnswer(List.of(release(2, "a", null, null)), true, null, 2)));
    server.enqueue(json(pageAnswer(List.of(release(2, "a", null, null)), true, null, 2)));

    ReleaseIterator it = client.releases().iterator("app", 1);
    GraphqlProtocolException first =
        catchThrowableOfType(GraphqlProtocolException.class, it::hasNext);

    assertThatThrownBy(it::hasNext).isSameAs(first);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aFailedPageRequestIsAskedAgainByTheNextHasNext() throws Exception {
    server.enqueue(json(pageAnswer(List.of(release(2, "a", null, null)), true, "c1", 2)));
    server.enqueue(Fixtures.status(500, "boom"));
    server.enqueue(json(pageAnswer(List.of(release(1, "b", null, null)), false, "c2", 2)));

    ReleaseIterator it = client.releases().iterator("app", 1);
    assertThat(it.next().version()).isEqualTo(2);
    assertThatThrownBy(it::hasNext).isInstanceOf(GraphqlTransportException.class);

    assertThat(it.next().version()).isEqualTo(1);
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    assertThat(server.getRequestCount()).isEqualTo(3);
    server.takeRequest();
    server.takeRequest();
    assertThat(Fixtures.body(server.takeRequest()).get("variables").get("after").asText())
        .isEqualTo("c1");
  }

  @Test
  void pageByHand() {
    serveSevenReleases();

    ReleasePage first = client.releases().page("app", 5, null);
    ReleasePage second = client.releases().page("app", 5, first.endCursor().orElseThrow());

    assertThat(first.releases()).extracting(Release::version).containsExactly(7, 6, 5, 4, 3);
    assertThat(first.hasNextPage()).isTrue();
    assertThat(first.totalCount()).isEqualTo(7);
    assertThat(second.releases()).extracting(Release::version).containsExactly(2, 1);
    assertThat(second.hasNextPage()).isFalse();
  }

  @Test
  void imageRefsAcrossFiftyAppsWithBoundedConcurrency() throws Exception {
    client.close();
    client = client(HttpSettings.defaults().withSleeper(d -> {}).withMaxConcurrency(4));
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
              Thread.sleep(5); // widen the window in which overlapping requests would be seen
              String app = Fixtures.body(request).get("variables").get("appName").asText();
              int n = Integer.parseInt(app.substring("app-".length()));
              List<ObjectNode> nodes =
                  List.of(
                      release(3, "registry.fly.io/" + app + ":v" + (n + 1), null, null),
                      release(2, "registry.fly.io/shared:base", null, null),
                      release(1, "registry.fly.io/" + app + ":v" + n, null, null));
              return json(pageAnswer(nodes, false, "end", 3));
            } finally {
              inFlight.decrementAndGet();
            }
          }
        });
    List<String> apps =
        IntStream.rangeClosed(1, 50).mapToObj(i -> "app-" + i).collect(Collectors.toList());

    Map<String, List<ImageReference>> refs = client.releases().imageRefs(apps);

    assertThat(refs.keySet()).containsExactlyElementsOf(apps);
    for (int n = 1; n <= 50; n++) {
      String app = "app-" + n;
      assertThat(refs.get(app))
          .containsExactly(
              ImageReference.flyApp(app, "v" + (n + 1)),
              ImageReference.flyApp("shared", "base"),
              ImageReference.flyApp(app, "v" + n));
    }
    assertThat(server.getRequestCount()).isEqualTo(50);
    assertThat(maxInFlight.get()).isBetween(1, 4);
  }

  @Test
  void imageRefsAcrossAppsFailsWithTheMissingApp() {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String app = Fixtures.body(request).get("variables").get("appName").asText();
            if (app.equals("ghost")) {
              return json("{\"data\":{\"app\":null}}");
            }
            return json(
                pageAnswer(
                    List.of(release(1, "registry.fly.io/" + app + ":v1", null, null)),
                    false,
                    "e",
                    1));
          }
        });

    assertThatThrownBy(() -> client.releases().imageRefs(List.of("a", "ghost", "b")))
        .isInstanceOf(AppNotFoundException.class)
        .satisfies(e -> assertThat(((AppNotFoundException) e).app()).isEqualTo("ghost"));
  }

  @Test
  void imageRefsOfNoAppsIsEmptyAndDuplicatesAreLookedUpOnce() {
    serveSevenReleases();
    assertThat(client.releases().imageRefs(List.of())).isEmpty();
    Map<String, List<ImageReference>> refs = client.releases().imageRefs(List.of("app", "app"));
    assertThat(refs).containsOnlyKeys("app");
    assertThat(refs.get("app")).hasSize(7).first().isEqualTo(ImageReference.flyApp("app", "v7"));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }
}
