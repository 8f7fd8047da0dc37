package dev.flyregistry.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code api.fly.io}: the GraphQL endpoint ({@code POST /graphql}) and the REST release records a
 * deploy writes ({@code POST /api/v1/releases}, {@code PATCH /api/v1/releases/{id}}).
 */
public final class FlyApi implements Api {
  private static final String RELEASES = "/api/v1/releases";

  private final State state;
  private final GraphqlEngine graphql;

  /**
   * @param state the emulator's state
   */
  public FlyApi(State state) {
    this.state = state;
    this.graphql = new GraphqlEngine(state);
  }

  @Override
  public String route(Call call) {
    String p = call.path();
    if (p.equals("/graphql")) {
      return "/graphql";
    }
    if (p.equals(RELEASES) || p.equals(RELEASES + "/")) {
      return RELEASES;
    }
    if (p.startsWith(RELEASES + "/")) {
      return RELEASES + "/{id}";
    }
    return "other";
  }

  @Override
  public void handle(Call call) throws IOException {
    call.body();
    switch (route(call)) {
      case "/graphql" -> graphql.handle(call);
      case RELEASES -> {
        if (!call.method().equals("POST")) {
          MachinesApi.error(call, 405, "method not allowed", null);
          return;
        }
        createRelease(call);
      }
      case RELEASES + "/{id}" -> release(call, call.path().substring(RELEASES.length() + 1));
      default -> MachinesApi.error(call, 404, "not found", null);
    }
  }

  private Optional<State.Token> auth(Call call) throws IOException {
    Optional<State.Token> t = state.authenticate(MachinesApi.authorization(call));
    if (t.isEmpty()) {
      MachinesApi.error(call, 401, "unauthorized", null);
    }
    return t;
  }

  private void createRelease(Call call) throws IOException {
    Optional<State.Token> token = auth(call);
    if (token.isEmpty()) {
      return;
    }
    Optional<JsonNode> body = call.jsonBody();
    if (body.isEmpty()) {
      MachinesApi.error(call, 400, "request body must be a JSON object", null);
      return;
    }
    String appName = body.get().path("app_name").asText(null);
    String image = body.get().path("image").asText(null);
    if (appName == null || appName.isBlank()) {
      MachinesApi.error(call, 400, "app_name is required", null);
      return;
    }
    if (image == null || image.isBlank()) {
      MachinesApi.error(call, 400, "image is required", null);
      return;
    }
    Optional<State.App> app = state.app(appName);
    if (app.isEmpty() || !app.get().org().equals(token.get().org())) {
      MachinesApi.error(call, 404, "app not found", null);
      return;
    }
    String description = body.get().path("description").asText("Deploy image " + image);
    String status = body.get().path("status").asText("running");
    State.Release r =
        state.addRelease(appName, image, status, description, "deploy", token.get().user());
    call.respondJson(201, json(r));
  }

  private void release(Call call, String id) throws IOException {
    Optional<State.Token> token = auth(call);
    if (token.isEmpty()) {
      return;
    }
    synchronized (state) {
      State.Release r = state.releasesById.get(id);
      Optional<State.App> app = r == null ? Optional.empty() : state.app(r.app);
      if (r == null || app.isEmpty() || !app.get().org().equals(token.get().org())) {
        MachinesApi.error(call, 404, "release not found", null);
        return;
      }
      switch (call.method()) {
        case "GET" -> call.respondJson(200, json(r));
        case "PATCH" -> {
          Optional<JsonNode> body = call.jsonBody();
          String status = body.map(b -> b.path("status").asText(null)).orElse(null);
          if (status == null || status.isBlank()) {
            MachinesApi.error(call, 400, "status is required", null);
            return;
          }
          r.status = status;
          r.stable = status.equals("complete");
          body.map(b -> b.path("description").asText(null)).ifPresent(d -> r.description = d);
          r.updatedAt = state.clock.instant();
          call.respondJson(200, json(r));
        }
        default -> MachinesApi.error(call, 405, "method not allowed", null);
      }
    }
  }

  private static ObjectNode json(State.Release r) {
    ObjectNode n = Call.JSON.createObjectNode();
    n.put("id", r.id);
    n.put("version", r.version);
    n.put("status", r.status);
    n.put("app_name", r.app);
    n.put("image", r.imageRef);
    n.put("description", r.description);
    n.put("created_at", r.createdAt.toString());
    n.put("updated_at", r.updatedAt.toString());
    return n;
  }
}
