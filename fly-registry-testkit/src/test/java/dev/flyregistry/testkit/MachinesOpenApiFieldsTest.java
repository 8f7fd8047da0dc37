package dev.flyregistry.testkit;

import static dev.flyregistry.testkit.RawHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every JSON property the emulated Machines API emits must exist in the OpenAPI description of the
 * real one, in the schema of the response it appears in (nested objects included).
 */
class MachinesOpenApiFieldsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Exchange(String what, String schema, JsonNode body) {}

  private static List<Exchange> exercise() throws IOException {
    List<Exchange> out = new ArrayList<>();
    try (FlyEmulator fly =
        FlyEmulator.builder().maxWait(java.time.Duration.ofMillis(200)).start()) {
      fly.createOrganization("acme");
      String auth = "FlyV1 " + fly.createToken("acme");
      fly.createApp("acme", "taken");
      fly.createApp("acme", "web");
      EmulatedImage image = fly.pushImage("web", "v1");
      String m = fly.machinesUrl();
      class Rec {
        JsonNode call(String schema, String method, String url, String body, String... extra)
            throws IOException {
          String[] h = new String[4 + extra.length];
          h[0] = "Authorization";
          h[1] = auth;
          h[2] = "Content-Type";
          h[3] = "application/json";
          System.arraycopy(extra, 0, h, 4, extra.length);
          RawHttp.Response r = send(method, url, body, h);
          JsonNode n = r.body().length == 0 ? null : JSON.readTree(r.body());
          if (n != null) {
            out.add(new Exchange(method + " " + url + " -> " + r.status(), schema, n));
          }
          return n;
        }
      }
      Rec rec = new Rec();
      rec.call("App", "POST", m + "/apps", "{\"name\":\"made\",\"org_slug\":\"acme\"}");
      rec.call("ErrorResponse", "POST", m + "/apps", "{\"name\":\"taken\",\"org_slug\":\"acme\"}");
      rec.call("App", "GET", m + "/apps/made", null);
      rec.call("ListAppsResponse", "GET", m + "/apps?org_slug=acme", null);
      rec.call("ErrorResponse", "GET", m + "/apps/none", null);
      JsonNode machine =
          rec.call(
              "Machine",
              "POST",
              m + "/apps/" + image.repository() + "/machines",
              "{\"name\":\"a\",\"region\":\"ams\",\"config\":{\"image\":\""
                  + image.reference()
                  + "\",\"guest\":{\"cpus\":1,\"memory_mb\":256,\"cpu_kind\":\"shared\"},"
                  + "\"env\":{\"K\":\"V\"},\"metadata\":{\"k\":\"v\"}}}");
      String base = m + "/apps/" + image.repository() + "/machines";
      String id = machine.path("id").asText();
      rec.call("Machine", "GET", base + "/" + id, null);
      JsonNode lease =
          rec.call(
              "Lease", "POST", base + "/" + id + "/lease", "{\"ttl\":30,\"description\":\"d\"}");
      rec.call("Lease", "GET", base + "/" + id + "/lease", null);
      rec.call(
          "ErrorResponse",
          "POST",
          base + "/" + id,
          "{\"config\":{\"image\":\"" + image.reference() + "\"}}");
      rec.call(
          "Machine",
          "POST",
          base + "/" + id,
          "{\"config\":{\"image\":\"" + image.reference() + "\"}}",
          "fly-machine-lease-nonce",
          lease.path("nonce").asText());
      rec.call("WaitMachineResponse", "GET", base + "/" + id + "/wait?state=started", null);
      rec.call("ErrorResponse", "GET", base + "/" + id + "/wait?state=stopped&timeout=1", null);
      JsonNode list = rec.call("Machine[]", "GET", base, null);
      assertThat(list.isArray()).isTrue();
    }
    return out;
  }

  @Test
  void everyEmittedFieldIsInTheOpenApiSchema() throws IOException {
    Path specFile = SharedFiles.require("fly/machines-openapi.json");
    JsonNode spec = JSON.readTree(specFile.toFile());
    JsonNode schemas = spec.path("components").path("schemas");
    List<String> problems = new ArrayList<>();
    List<Exchange> exchanges = exercise();
    assertThat(exchanges).hasSizeGreaterThanOrEqualTo(14);
    int checked = 0;
    for (Exchange e : exchanges) {
      if (e.schema().endsWith("[]")) {
        JsonNode s = schemas.path(e.schema().substring(0, e.schema().length() - 2));
        for (JsonNode item : e.body()) {
          checked += check(schemas, s, item, e.what(), problems);
        }
      } else {
        checked += check(schemas, schemas.path(e.schema()), e.body(), e.what(), problems);
      }
    }
    assertThat(problems).isEmpty();
    assertThat(checked).isGreaterThan(50);
  }

  @Test
  void everyRequestFieldTheEmulatorReadsIsInTheOpenApiSchema() throws IOException {
    Path specFile = SharedFiles.require("fly/machines-openapi.json");
    JsonNode schemas = JSON.readTree(specFile.toFile()).path("components").path("schemas");
    List<String> problems = new ArrayList<>();
    dev.flyregistry.testkit.internal.MachinesApi.REQUEST_FIELDS.forEach(
        (schema, fields) -> {
          JsonNode props = schemas.path(schema).path("properties");
          if (!props.isObject()) {
            problems.add("no schema " + schema);
          }
          for (String f : fields) {
            if (!props.has(f)) {
              problems.add(schema + "." + f);
            }
          }
        });
    assertThat(problems).isEmpty();
  }

  @Test
  void anUnknownFieldWouldBeReported() throws IOException {
    Path specFile = SharedFiles.require("fly/machines-openapi.json");
    JsonNode schemas = JSON.readTree(specFile.toFile()).path("components").path("schemas");
    List<String> problems = new ArrayList<>();
    check(
        schemas,
        schemas.path("Lease"),
        JSON.readTree("{\"nonce\":\"n\",\"lease_nonce\":\"x\"}"),
        "probe",
        problems);
    assertThat(problems).singleElement().asString().contains("lease_nonce");
  }

  private static JsonNode resolve(JsonNode schemas, JsonNode schema) {
    JsonNode s = schema;
    for (int i = 0; i < 10 && s.has("$ref"); i++) {
      String ref = s.path("$ref").asText();
      s = schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
    }
    if (s.has("allOf") && s.path("allOf").size() == 1) {
      return resolve(schemas, s.path("allOf").path(0));
    }
    return s;
  }

  /** Checks an object's property names against a schema, recursively; returns names checked. */
  private static int check(
      JsonNode schemas, JsonNode schema, JsonNode value, String where, List<String> problems) {
    JsonNode s = resolve(schemas, schema);
    if (s.isMissingNode()) {
      problems.add(where + ": no schema");
      return 0;
    }
    int checked = 0;
    if (value.isObject()) {
      JsonNode props = s.path("properties");
      if (!props.isObject()) {
        return 0; // a free-form object (map), such as env or metadata
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        checked++;
        JsonNode p = props.get(f.getKey());
        if (p == null) {
          problems.add(where + ": property \"" + f.getKey() + "\" is not in the schema");
          continue;
        }
        checked += check(schemas, p, f.getValue(), where + "." + f.getKey(), problems);
      }
    } else if (value.isArray() && s.has("items")) {
      for (JsonNode item : value) {
        checked += check(schemas, s.path("items"), item, where + "[]", problems);
      }
    }
    return checked;
  }
}
