package dev.flyregistry.graphql.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flyregistry.graphql.Release;
import dev.flyregistry.graphql.ReleaseUser;
import java.util.List;

/** Writes releases as JSON for {@code ReleaseFormatter}. */
public final class ReleaseJson {
  private ReleaseJson() {}

  /** A pretty-printed array, in the given order. */
  public static String write(List<Release> releases) {
    ArrayNode array = JsonValues.MAPPER.createArrayNode();
    for (Release r : releases) {
      ObjectNode o = array.addObject();
      o.put("id", r.id());
      o.put("version", r.version());
      o.put("description", r.description());
      o.put("reason", r.reason());
      o.put("status", r.status());
      o.put("imageRef", r.imageRef().orElse(null));
      o.put("stable", r.stable());
      if (r.user().isPresent()) {
        ReleaseUser u = r.user().get();
        ObjectNode user = o.putObject("user");
        user.put("id", u.id());
        user.put("email", u.email());
        user.put("name", u.name().orElse(null));
      } else {
        o.putNull("user");
      }
      o.put("createdAt", r.createdAt().toString());
    }
    try {
      return JsonValues.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(array) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise releases", e);
    }
  }
}
