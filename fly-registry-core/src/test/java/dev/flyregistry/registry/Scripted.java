package dev.flyregistry.registry;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * Answers the ping ({@code GET /v2/}) with 200 and every other request with the next queued
 * response (500 "unexpected" when the queue is empty). Records the non-ping requests.
 */
final class Scripted extends Dispatcher {
  final BlockingQueue<MockResponse> queue = new LinkedBlockingQueue<>();
  final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  volatile int pings;

  Scripted then(MockResponse.Builder response) {
    queue.add(response.build());
    return this;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (request.getUrl().encodedPath().equals("/v2/")) {
      pings++;
      return new MockResponse.Builder().code(200).body("{}").build();
    }
    requests.add(request);
    MockResponse next = queue.poll();
    return next != null
        ? next
        : new MockResponse.Builder().code(500).body("unexpected request " + request).build();
  }
}
