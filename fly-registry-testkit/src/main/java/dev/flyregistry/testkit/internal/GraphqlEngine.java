package dev.flyregistry.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flyregistry.registry.ImageReference;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLContext;
import graphql.GraphqlErrorBuilder;
import graphql.execution.CoercedVariables;
import graphql.execution.DataFetcherResult;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Executes the emulator's subset of Fly's GraphQL schema with graphql-java. */
public final class GraphqlEngine {
  /** Where the schema subset lives on the class path. */
  public static final String SCHEMA_RESOURCE =
      "/dev/flyregistry/testkit/fly-schema-subset.graphqls";

  private static final String TOKEN = "flyregistry.token";
  private static final String STATE = "flyregistry.state";

  private final State state;

  /** The executable schema, built once per class loader on first use (it is stateless). */
  private static final class Holder {
    static final GraphQL GRAPHQL = build();
  }

  /**
   * @param state the emulator's state
   */
  public GraphqlEngine(State state) {
    this.state = state;
  }

  private static GraphQL build() {
    TypeDefinitionRegistry types = new SchemaParser().parse(readSchema());
    RuntimeWiring wiring =
        RuntimeWiring.newRuntimeWiring()
            .scalar(dateTime())
            .scalar(bigInt())
            .scalar(json())
            .type(
                "Queries",
                b ->
                    b.dataFetcher("app", env -> engine(env).app(env))
                        .dataFetcher("appNameAvailable", env -> engine(env).appNameAvailable(env)))
            .type(
                "App",
                b ->
                    b.dataFetcher("releasesUnprocessed", env -> engine(env).releases(env))
                        .dataFetcher(
                            "currentReleaseUnprocessed", env -> engine(env).currentRelease(env))
                        .dataFetcher("image", env -> engine(env).image(env)))
            .build();
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(types, wiring);
    return GraphQL.newGraphQL(schema).build();
  }

  private static GraphqlEngine engine(DataFetchingEnvironment env) {
    return env.getGraphQlContext().get(STATE);
  }

  /**
   * @return the schema subset's SDL text
   */
  public static Reader readSchema() {
    InputStream in = GraphqlEngine.class.getResourceAsStream(SCHEMA_RESOURCE);
    if (in == null) {
      throw new IllegalStateException("schema resource " + SCHEMA_RESOURCE + " is missing");
    }
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }

  void handle(Call call) throws IOException {
    if (!call.method().equals("POST")) {
      call.setHeader("Allow", "POST");
      call.respondJson(405, errors("only POST is supported", null));
      return;
    }
    Optional<State.Token> token = state.authenticate(MachinesApi.authorization(call));
    if (token.isEmpty()) {
      call.respondJson(401, errors("You must be authenticated to view this.", "UNAUTHORIZED"));
      return;
    }
    Optional<JsonNode> body = call.jsonBody();
    JsonNode query = body.map(b -> b.get("query")).orElse(null);
    if (query == null || !query.isTextual()) {
      call.respondJson(400, errors("the body must be a JSON object with a \"query\" string", null));
      return;
    }
    JsonNode vars = body.get().get("variables");
    if (vars != null && !vars.isNull() && !vars.isObject()) {
      call.respondJson(400, errors("\"variables\" must be a JSON object", null));
      return;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> variables =
        vars == null || vars.isNull() ? Map.of() : Call.JSON.convertValue(vars, Map.class);
    ExecutionInput.Builder input =
        ExecutionInput.newExecutionInput()
            .query(query.textValue())
            .variables(variables)
            .graphQLContext(Map.of(TOKEN, token.get(), STATE, this));
    JsonNode op = body.get().get("operationName");
    if (op != null && op.isTextual()) {
      input.operationName(op.textValue());
    }
    ExecutionResult result = Holder.GRAPHQL.execute(input.build());
    call.respondJson(200, result.toSpecification());
  }

  private static Map<String, Object> errors(String message, String code) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("message", message);
    if (code != null) {
      e.put("extensions", Map.of("code", code));
    }
    return Map.of("errors", List.of(e));
  }

  private static State.Token token(DataFetchingEnvironment env) {
    return env.getGraphQlContext().get(TOKEN);
  }

  // ------------------------------------------------------------------------------ fetchers

  private Object app(DataFetchingEnvironment env) {
    String name = env.getArgument("name");
    Optional<State.App> app = name == null ? Optional.empty() : state.app(name);
    if (app.isEmpty() || !app.get().org().equals(token(env).org())) {
      return DataFetcherResult.newResult()
          .data(null)
          .error(
              GraphqlErrorBuilder.newError(env)
                  .message("Could not find App")
                  .extensions(Map.of("code", "NOT_FOUND"))
                  .build())
          .build();
    }
    State.App a = app.get();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", a.id());
    m.put("name", a.name());
    boolean deployed = !state.releases(a.name()).isEmpty();
    m.put("status", deployed ? "deployed" : "pending");
    m.put("deployed", deployed);
    m.put("createdAt", a.createdAt);
    m.put(
        "organization",
        Map.of(
            "id", a.org().id(),
            "slug", a.org().slug(),
            "rawSlug", a.org().slug(),
            "name", a.org().name()));
    return m;
  }

  private Object appNameAvailable(DataFetchingEnvironment env) {
    String name = env.getArgument("name");
    return State.appNameProblem(name) == null && state.app(name).isEmpty();
  }

  private static String appName(DataFetchingEnvironment env) {
    Map<String, Object> source = env.getSource();
    return (String) source.get("name");
  }

  private static Map<String, Object> releaseNode(State.Release r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id);
    m.put("version", r.version);
    m.put("description", r.description == null ? "" : r.description);
    m.put("reason", r.reason == null ? "" : r.reason);
    m.put("status", r.status);
    m.put("imageRef", r.imageRef);
    m.put("stable", r.stable);
    m.put("inProgress", r.status.equals("running") || r.status.equals("pending"));
    if (r.user != null) {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("id", r.user.id());
      u.put("email", r.user.email());
      u.put("name", r.user.name());
      m.put("user", u);
    } else {
      m.put("user", null);
    }
    m.put("createdAt", r.createdAt);
    m.put("updatedAt", r.updatedAt);
    return m;
  }

  private static String cursor(State.Release r) {
    return Base64.getEncoder()
        .encodeToString(("release:" + r.version).getBytes(StandardCharsets.UTF_8));
  }

  private static int indexOfCursor(List<State.Release> list, String cursor) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return -2;
    }
    for (int i = 0; i < list.size(); i++) {
      if (("release:" + list.get(i).version).equals(decoded)) {
        return i;
      }
    }
    return -2;
  }

  private Object releases(DataFetchingEnvironment env) {
    String status = env.getArgument("status");
    List<State.Release> all = new ArrayList<>();
    for (State.Release r : state.releases(appName(env))) {
      if (status == null || status.equals(r.status)) {
        all.add(r);
      }
    }
    Integer first = env.getArgument("first");
    Integer last = env.getArgument("last");
    String after = env.getArgument("after");
    String before = env.getArgument("before");
    if ((first != null && first < 0) || (last != null && last < 0)) {
      return DataFetcherResult.newResult()
          .error(
              GraphqlErrorBuilder.newError(env)
                  .message("Argument 'first' and 'last' must be non-negative")
                  .extensions(Map.of("code", "INVALID_ARGUMENT"))
                  .build())
          .build();
    }
    int from = 0;
    int to = all.size();
    for (String[] c : new String[][] {{"after", after}, {"before", before}}) {
      if (c[1] == null) {
        continue;
      }
      int i = indexOfCursor(all, c[1]);
      if (i == -2) {
        return DataFetcherResult.newResult()
            .error(
                GraphqlErrorBuilder.newError(env)
                    .message("Invalid cursor for '" + c[0] + "': " + c[1])
                    .extensions(Map.of("code", "INVALID_CURSOR"))
                    .build())
            .build();
      }
      if (c[0].equals("after")) {
        from = Math.max(from, i + 1);
      } else {
        to = Math.min(to, i);
      }
    }
    boolean hasNext = false;
    boolean hasPrevious = from > 0;
    if (first != null && to - from > first) {
      to = from + first;
      hasNext = true;
    }
    if (last != null && to - from > last) {
      from = to - last;
      hasPrevious = true;
    }
    List<State.Release> page = from < to ? all.subList(from, to) : List.of();
    List<Map<String, Object>> nodes = new ArrayList<>();
    List<Map<String, Object>> edges = new ArrayList<>();
    for (State.Release r : page) {
      Map<String, Object> node = releaseNode(r);
      nodes.add(node);
      Map<String, Object> edge = new LinkedHashMap<>();
      edge.put("cursor", cursor(r));
      edge.put("node", node);
      edges.add(edge);
    }
    Map<String, Object> pageInfo = new LinkedHashMap<>();
    pageInfo.put("hasNextPage", hasNext);
    pageInfo.put("hasPreviousPage", hasPrevious);
    pageInfo.put("startCursor", page.isEmpty() ? null : cursor(page.get(0)));
    pageInfo.put("endCursor", page.isEmpty() ? null : cursor(page.get(page.size() - 1)));
    Map<String, Object> conn = new LinkedHashMap<>();
    conn.put("nodes", nodes);
    conn.put("edges", edges);
    conn.put("pageInfo", pageInfo);
    conn.put("totalCount", all.size());
    return conn;
  }

  private Object currentRelease(DataFetchingEnvironment env) {
    for (State.Release r : state.releases(appName(env))) {
      if (r.status.equals("complete")) {
        return releaseNode(r);
      }
    }
    return null;
  }

  private Object image(DataFetchingEnvironment env) {
    String ref = env.getArgument("ref");
    Optional<State.ResolvedImage> found = state.resolve(ref, token(env).org());
    if (found.isEmpty()) {
      return null;
    }
    State.ResolvedImage img = found.get();
    ImageReference r = img.reference();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", img.manifest().digest().toString());
    m.put("digest", img.manifest().digest().toString());
    // a digest-only reference has no tag: its ref keeps the digest instead of inventing "latest"
    m.put("ref", r.tag().isPresent() ? r.withoutDigest().toString() : r.toString());
    m.put("registry", r.registry());
    m.put("repository", r.repository());
    m.put("tag", r.tag().orElse(null));
    m.put("compressedSizeFull", state.compressedSize(img.repository(), img.manifest().parsed()));
    try {
      m.put("manifest", Call.JSON.readValue(img.manifest().bytes(), Object.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  // ------------------------------------------------------------------------------ scalars

  private static GraphQLScalarType dateTime() {
    return GraphQLScalarType.newScalar()
        .name("ISO8601DateTime")
        .coercing(
            new Coercing<Instant, String>() {
              @Override
              public String serialize(Object value, GraphQLContext context, Locale locale) {
                if (value instanceof Instant i) {
                  return i.truncatedTo(ChronoUnit.SECONDS).toString();
                }
                throw new CoercingSerializeException("not a date-time: " + value);
              }

              @Override
              public Instant parseValue(Object input, GraphQLContext context, Locale locale) {
                try {
                  return Instant.parse(String.valueOf(input));
                } catch (RuntimeException e) {
                  throw new CoercingParseValueException("not an ISO 8601 date-time: " + input);
                }
              }

              @Override
              public Instant parseLiteral(
                  Value<?> input,
                  CoercedVariables variables,
                  GraphQLContext context,
                  Locale locale) {
                if (input instanceof StringValue s) {
                  return parseValue(s.getValue(), context, locale);
                }
                throw new CoercingParseLiteralException("expected a string date-time");
              }
            })
        .build();
  }

  private static GraphQLScalarType bigInt() {
    return GraphQLScalarType.newScalar()
        .name("BigInt")
        .coercing(
            new Coercing<BigInteger, String>() {
              @Override
              public String serialize(Object value, GraphQLContext context, Locale locale) {
                if (value instanceof Number n) {
                  return new BigInteger(n.toString()).toString();
                }
                throw new CoercingSerializeException("not an integer: " + value);
              }

              @Override
              public BigInteger parseValue(Object input, GraphQLContext context, Locale locale) {
                try {
                  return new BigInteger(String.valueOf(input));
                } catch (NumberFormatException e) {
                  throw new CoercingParseValueException("not an integer: " + input);
                }
              }

              @Override
              public BigInteger parseLiteral(
                  Value<?> input,
                  CoercedVariables variables,
                  GraphQLContext context,
                  Locale locale) {
                if (input instanceof IntValue i) {
                  return i.getValue();
                }
                if (input instanceof StringValue s) {
                  return parseValue(s.getValue(), context, locale);
                }
                throw new CoercingParseLiteralException("expected an integer");
              }
            })
        .build();
  }

  private static GraphQLScalarType json() {
    return GraphQLScalarType.newScalar()
        .name("JSON")
        .coercing(
            new Coercing<Object, Object>() {
              @Override
              public Object serialize(Object value, GraphQLContext context, Locale locale) {
                return value;
              }

              @Override
              public Object parseValue(Object input, GraphQLContext context, Locale locale) {
                return input;
              }

              @Override
              public Object parseLiteral(
                  Value<?> input,
                  CoercedVariables variables,
                  GraphQLContext context,
                  Locale locale) {
                throw new CoercingParseLiteralException("JSON literals are not supported");
              }
            })
        .build();
  }
}
